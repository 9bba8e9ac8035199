package kubernetes

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// TypePodDisruptionBudget limits how many of a workload's pods a drain may evict at once.
const TypePodDisruptionBudget = "kubernetes:policy/v1:PodDisruptionBudget"

// budgeted are the workloads a production stack keeps a disruption budget for: the replicated
// services PHI flows through. A StatefulSet counts as much as a Deployment: a drain that
// evicts all its pods at once takes its data offline.
var budgeted = []string{TypeDeployment, TypeStatefulSet}

// disruptionBudget keeps a node upgrade or drain from evicting every pod of a PHI service at
// once, and keeps a budget from being so tight that no drain can ever proceed: a cluster
// that cannot be drained is a cluster that does not get its security patches.
var disruptionBudget = rules.Rule{
	Name:        "kubernetes-workload-disruption-budget",
	Cloud:       rules.CloudKubernetes,
	Description: "In production every Deployment and StatefulSet has a PodDisruptionBudget in its namespace whose spec.selector matches its pod template's labels; in every environment no budget blocks all evictions (maxUnavailable 0 or 0%, minAvailable 100% or at least the replicas of a workload it selects).",
	Sections:    []rules.Section{rules.ContingencyPlan, rules.RiskManagement},
	Unknown:     "a namespace known only at deployment matches by dependency; unknown labels match; unknown replicas and budgets pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeDeployment, TypeStatefulSet, TypePodDisruptionBudget},
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, pdb := range all {
			if pdb.Type != TypePodDisruptionBudget {
				continue
			}
			if msg := blocksEvictions(all, pdb); msg != "" {
				out = append(out, rules.Finding{URN: pdb.URN, Message: msg})
			}
		}
		if !cfg.Production() {
			return out
		}
		for _, w := range all {
			if !slices.Contains(budgeted, w.Type) {
				continue
			}
			covered := false
			for _, pdb := range all {
				if pdb.Type == TypePodDisruptionBudget && selects(all, pdb, w) {
					covered = true
				}
			}
			if !covered {
				out = append(out, rules.Finding{URN: w.URN, Message: "no PodDisruptionBudget in its namespace selects this workload's pod labels; a drain may evict every pod at once"})
			}
		}
		return out
	},
}

// blocksEvictions explains a budget no voluntary eviction can satisfy; empty when it allows one.
func blocksEvictions(all []rules.Resource, pdb rules.Resource) string {
	if v, set := rules.Get(pdb.Inputs, "spec.maxUnavailable"); set {
		if n, ok := rules.Number(pdb.Inputs, "spec.maxUnavailable"); (ok && n == 0) || v == "0%" || v == "0" {
			return fmt.Sprintf("maxUnavailable %v lets no pod be evicted: every drain and node upgrade would hang", v)
		}
	}
	v, set := rules.Get(pdb.Inputs, "spec.minAvailable")
	if !set || rules.IsUnknown(v) {
		return ""
	}
	if v == "100%" {
		return "minAvailable 100% lets no pod be evicted: every drain and node upgrade would hang"
	}
	floor, ok := rules.Number(pdb.Inputs, "spec.minAvailable")
	if s, isString := v.(string); isString && !strings.HasSuffix(s, "%") {
		n, err := strconv.ParseInt(s, 10, 64)
		floor, ok = n, err == nil
	}
	if !ok {
		return ""
	}
	for _, w := range all {
		if !slices.Contains(budgeted, w.Type) || !selects(all, pdb, w) {
			continue
		}
		if replicas, known := replicasOf(w); known && floor >= replicas {
			return fmt.Sprintf("minAvailable %d is not below the %d replicas of %s: every drain and node upgrade would hang", floor, replicas, w.Name)
		}
	}
	return ""
}

// replicasOf is the workload's replica count; unset means the API default of one.
func replicasOf(w rules.Resource) (int64, bool) {
	v, set := rules.Get(w.Inputs, "spec.replicas")
	if !set {
		return 1, true
	}
	if rules.IsUnknown(v) {
		return 0, false
	}
	return rules.Number(w.Inputs, "spec.replicas")
}

// selects reports a budget in the workload's namespace whose selector matches the workload's
// pod template labels.
func selects(all []rules.Resource, pdb, w rules.Resource) bool {
	if !sameNamespace(all, pdb, w) {
		return false
	}
	selector, _ := rules.Get(pdb.Inputs, "spec.selector")
	if rules.IsUnknown(selector) {
		return true
	}
	labels, _ := rules.Get(w.Inputs, "spec.template.metadata.labels")
	if rules.IsUnknown(labels) {
		return true
	}
	podLabels, _ := labels.(map[string]any)
	matchLabels, _ := rules.Get(pdb.Inputs, "spec.selector.matchLabels")
	if rules.IsUnknown(matchLabels) {
		return true
	}
	want, _ := matchLabels.(map[string]any)
	for k, v := range want {
		got, ok := podLabels[k]
		if !ok || (got != v && !rules.IsUnknown(got) && !rules.IsUnknown(v)) {
			return false
		}
	}
	for i := range rules.List(pdb.Inputs, "spec.selector.matchExpressions") {
		if !matchesExpression(pdb.Inputs, fmt.Sprintf("spec.selector.matchExpressions[%d]", i), podLabels) {
			return false
		}
	}
	return true
}

// matchesExpression evaluates one label selector requirement against the pod labels.
func matchesExpression(inputs map[string]any, path string, labels map[string]any) bool {
	key := rules.Str(inputs, path+".key")
	value, has := labels[key]
	s, _ := value.(string)
	values := rules.Strs(inputs, path+".values")
	switch rules.Str(inputs, path+".operator") {
	case "In":
		return has && (slices.Contains(values, s) || rules.IsUnknown(value))
	case "NotIn":
		return !has || !slices.Contains(values, s)
	case "Exists":
		return has
	case "DoesNotExist":
		return !has
	}
	return false
}

// sameNamespace compares the two resources' namespaces. A namespace known only at deployment
// (a Namespace of the same update, auto-named) stands for the Namespace resource it refers
// to; a budget that refers to the workload itself (its namespace read from the workload's
// output) is in the workload's namespace.
func sameNamespace(all []rules.Resource, pdb, w rules.Resource) bool {
	a, b := namespaceKey(all, pdb), namespaceKey(all, w)
	if a != "" && a == b {
		return true
	}
	return (a == "" || b == "") && slices.Contains(pdb.Dependencies, w.URN)
}

// namespaceKey names a resource's namespace: "name:<name>" when known (empty is the
// provider's default namespace), "urn:<urn>" for an unknown one that refers to a Namespace
// resource, and "" when nothing tells.
func namespaceKey(all []rules.Resource, r rules.Resource) string {
	v, _ := rules.Get(r.Inputs, "metadata.namespace")
	if !rules.IsUnknown(v) {
		s, _ := v.(string)
		return "name:" + s
	}
	ns := rules.DependencyOf(all, r, TypeNamespace, nil)
	switch name := rules.Str(ns.Inputs, "metadata.name"); {
	case ns.URN == "":
		return ""
	case name != "" && !rules.IsUnknown(name):
		return "name:" + name
	}
	return "urn:" + ns.URN
}
