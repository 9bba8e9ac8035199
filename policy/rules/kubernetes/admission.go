package kubernetes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/internal/naming"
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

// kind is an API group and resource, as a policy's matchConstraints name them.
type kind struct{ group, resource string }

func (k kind) String() string { return strings.TrimPrefix(k.group+"/"+k.resource, "/") }

var (
	podTemplateKinds = []kind{{"apps", "deployments"}, {"apps", "statefulsets"}, {"apps", "daemonsets"}, {"batch", "jobs"}, {"batch", "cronjobs"}}
	podKinds         = append([]kind{{"", "pods"}}, podTemplateKinds...)
)

// admissionControls are the estate's in-cluster controls and the kinds each must judge.
var admissionControls = []struct {
	control string
	kinds   []kind
}{
	{naming.ControlImageDigest, podKinds},
	{naming.ControlResourceLimits, podKinds},
	{naming.ControlRestrictedPodTemplate, podTemplateKinds},
	{naming.ControlNoExposedServices, []kind{{"", "services"}}},
	{naming.ControlIngressTLS, []kind{{"networking.k8s.io", "ingresses"}}},
	{naming.ControlNoClusterAdmin, []kind{{"rbac.authorization.k8s.io", "rolebindings"}, {"rbac.authorization.k8s.io", "clusterrolebindings"}}},
}

// admissionPolicies: the pack judges what the program sends; kubectl, a CI job or a chart
// installed by hand reach the cluster without it. The stack that lays out the cluster's
// namespaces and runs workloads in them also ships the policies with which the API server
// judges everything else, each failing closed and bound to deny.
var admissionPolicies = rules.Rule{
	Name:  "kubernetes-admission-policies",
	Cloud: rules.CloudKubernetes,
	Description: "A stack that creates namespaces and pod workloads also ships, for each of the estate's in-cluster controls (" + controlNames() + "), " +
		"a ValidatingAdmissionPolicy labelled " + naming.AdmissionControlLabel + " with the control, failing closed, bound with validationActions Deny, and matching the kinds the control judges " +
		"(pods and pod templates; pod templates; Services; Ingresses; RoleBindings and ClusterRoleBindings).",
	Sections: []rules.Section{rules.AccessControl, rules.Integrity},
	Unknown:  "a binding's policy name unknown at preview binds the policy its inputs depend on",
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
		for _, c := range admissionControls {
			var uncovered []kind
			var found bool
			for _, p := range denied {
				if rules.Str(p.Inputs, "metadata.labels"+quoted(naming.AdmissionControlLabel)) != c.control {
					continue
				}
				found = true
				uncovered = nil
				for _, k := range c.kinds {
					if !judges(p, k) {
						uncovered = append(uncovered, k)
					}
				}
				if len(uncovered) == 0 {
					break
				}
			}
			switch {
			case !found:
				missing = append(missing, c.control)
			case len(uncovered) > 0:
				missing = append(missing, fmt.Sprintf("%s (not for %s)", c.control, joinKinds(uncovered)))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []rules.Finding{{URN: workload.URN, Message: fmt.Sprintf(
			"no ValidatingAdmissionPolicy, failing closed and bound with Deny, enforces %s: the cluster would accept what breaks it from outside the program", strings.Join(missing, ", "))}}
	},
}

func controlNames() string {
	var out []string
	for _, c := range admissionControls {
		out = append(out, c.control)
	}
	return strings.Join(out, ", ")
}

func joinKinds(ks []kind) string {
	var out []string
	for _, k := range ks {
		out = append(out, k.String())
	}
	return strings.Join(out, ", ")
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

// judges reports a policy whose match covers the kind on create.
func judges(p rules.Resource, k kind) bool {
	for i := range rules.List(p.Inputs, "spec.matchConstraints.resourceRules") {
		at := fmt.Sprintf("spec.matchConstraints.resourceRules[%d].", i)
		groups, resources, ops := rules.Strs(p.Inputs, at+"apiGroups"), rules.Strs(p.Inputs, at+"resources"), rules.Strs(p.Inputs, at+"operations")
		if (slices.Contains(groups, k.group) || slices.Contains(groups, "*")) &&
			(slices.Contains(resources, k.resource) || slices.Contains(resources, "*")) &&
			(slices.Contains(ops, "CREATE") || slices.Contains(ops, "*")) {
			return true
		}
	}
	return false
}
