package kubernetes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// The in-cluster admission policy types.
const (
	TypeAdmissionPolicy  = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
	TypeAdmissionBinding = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
)

// SkipAwait is the provider's annotation that makes an update report success without waiting
// for the object to become ready.
const SkipAwait = "pulumi.com/skipAwait"

// awaitReadiness: with skipAwait, `up` reports a Deployment created whether or not a single
// pod of it ever starts, so a broken release of a PHI service passes the pipeline and is found
// by the clinicians. It belongs in a test against a control plane with no nodes, not in a
// stack that serves patients.
var awaitReadiness = rules.Rule{
	Name:        "kubernetes-await-readiness",
	Cloud:       rules.CloudKubernetes,
	Description: "In production, no Kubernetes object carries the " + SkipAwait + " annotation: an update succeeds only once its workloads are ready.",
	Sections:    []rules.Section{rules.ContingencyPlan, rules.Integrity},
	Unknown:     "an annotation unknown at preview fails in production",
	Level:       rules.Mandatory,
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if !cfg.Production() || !strings.HasPrefix(r.Type, "kubernetes:") {
			return nil
		}
		v, set := rules.Get(r.Inputs, "metadata.annotations"+quoted(SkipAwait))
		if set && (v == "true" || rules.IsUnknown(v)) {
			return []string{fmt.Sprintf("%s is %v: the update would not wait for the object to become ready; remove it", SkipAwait, v)}
		}
		return nil
	},
}

// admissionGuarded are the kinds the in-cluster policies must judge, by API group and
// resource as a policy's matchConstraints name them.
var admissionGuarded = []struct{ group, resource string }{
	{"apps", "deployments"}, {"apps", "statefulsets"}, {"apps", "daemonsets"}, {"batch", "jobs"}, {"batch", "cronjobs"}, {"", "pods"},
	{"", "services"}, {"networking.k8s.io", "ingresses"},
	{"rbac.authorization.k8s.io", "rolebindings"}, {"rbac.authorization.k8s.io", "clusterrolebindings"},
}

// admissionPolicies: the pack judges what the program sends; kubectl, a CI job or a chart
// installed by hand reach the cluster without it. The stack that lays out the cluster's
// namespaces and runs workloads in them also ships the policies with which the API server
// judges everything else, bound to deny and failing closed.
var admissionPolicies = rules.Rule{
	Name:  "kubernetes-admission-policies",
	Cloud: rules.CloudKubernetes,
	Description: "A stack that creates namespaces and pod workloads also ships ValidatingAdmissionPolicies, failing closed and bound with validationActions Deny, " +
		"that judge the Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, Services, Ingresses, RoleBindings and ClusterRoleBindings created outside the program.",
	Sections: []rules.Section{rules.AccessControl, rules.Integrity},
	Unknown:  "a policy name unknown at preview binds by the policy's own resource",
	Level:    rules.Mandatory,
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var namespace, workload *rules.Resource
		for i, r := range all {
			switch {
			case r.Type == TypeNamespace && namespace == nil:
				namespace = &all[i]
			case slices.Contains(workloadTypes, r.Type) && workload == nil:
				workload = &all[i]
			}
		}
		if namespace == nil || workload == nil {
			return nil
		}
		denied := deniedPolicies(all)
		var missing []string
		for _, g := range admissionGuarded {
			if !slices.ContainsFunc(denied, func(p rules.Resource) bool { return judges(p, g.group, g.resource) }) {
				missing = append(missing, strings.TrimPrefix(g.group+"/"+g.resource, "/"))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []rules.Finding{{URN: workload.URN, Message: fmt.Sprintf(
			"no ValidatingAdmissionPolicy, failing closed and bound with Deny, judges %s: the cluster would accept them from outside the program unchecked", strings.Join(missing, ", "))}}
	},
}

// deniedPolicies are the policies that fail closed and that a binding enforces with Deny.
func deniedPolicies(all []rules.Resource) []rules.Resource {
	var out []rules.Resource
	for _, p := range all {
		if p.Type != TypeAdmissionPolicy {
			continue
		}
		if fp := rules.Str(p.Inputs, "spec.failurePolicy"); fp != "" && fp != "Fail" {
			continue
		}
		name := rules.Str(p.Inputs, "metadata.name")
		for _, b := range all {
			if b.Type != TypeAdmissionBinding || !slices.Contains(rules.Strs(b.Inputs, "spec.validationActions"), "Deny") {
				continue
			}
			ref, _ := rules.Get(b.Inputs, "spec.policyName")
			if (name != "" && ref == name) || (rules.IsUnknown(ref) && slices.Contains(b.Dependencies, p.URN)) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// judges reports a policy whose match covers the resource of the group on create.
func judges(p rules.Resource, group, resource string) bool {
	for i := range rules.List(p.Inputs, "spec.matchConstraints.resourceRules") {
		at := fmt.Sprintf("spec.matchConstraints.resourceRules[%d].", i)
		groups, resources, ops := rules.Strs(p.Inputs, at+"apiGroups"), rules.Strs(p.Inputs, at+"resources"), rules.Strs(p.Inputs, at+"operations")
		if (slices.Contains(groups, group) || slices.Contains(groups, "*")) &&
			(slices.Contains(resources, resource) || slices.Contains(resources, "*")) &&
			(slices.Contains(ops, "CREATE") || slices.Contains(ops, "*")) {
			return true
		}
	}
	return false
}
