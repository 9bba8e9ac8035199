package rules

import (
	"fmt"
	"slices"
)

// Kubernetes types the workload rules inspect.
const (
	TypeNamespace     = "kubernetes:core/v1:Namespace"
	TypeNetworkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
)

const podSecurityEnforce = "pod-security.kubernetes.io/enforce"

var namespaceRestricted = Rule{
	Name:        "k8s-namespace-restricted-pss",
	Description: "Every namespace the estate creates enforces the restricted Pod Security Standard: no privileged, host-namespace or root containers (HIPAA 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeNamespace},
	Check: func(r Resource, _ Config) []string {
		if v := str(r.Inputs, "metadata.labels"+podSecurityLabelPath); v != "restricted" {
			return []string{fmt.Sprintf("label %s is %q; must be restricted", podSecurityEnforce, v)}
		}
		return nil
	},
}

// podSecurityLabelPath quotes the label key, whose dots and slash are not path separators.
var podSecurityLabelPath = `["` + podSecurityEnforce + `"]`

// namespaceDefaultDeny asks for a policy that selects every pod of the namespace and allows
// nothing, so each flow a workload needs is an explicit allow next to it.
var namespaceDefaultDeny = Rule{
	Name:        "k8s-namespace-default-deny",
	Description: "Every namespace the estate creates has a default-deny NetworkPolicy for ingress and egress (HIPAA 164.312(a)(1) access control, 164.312(e)(1) transmission security).",
	Level:       Mandatory,
	Types:       []string{TypeNamespace, TypeNetworkPolicy},
	CheckStack: func(all []Resource, _ Config) []Finding {
		var out []Finding
		for _, ns := range all {
			if ns.Type != TypeNamespace {
				continue
			}
			name := str(ns.Inputs, "metadata.name")
			found := false
			for _, np := range all {
				if np.Type != TypeNetworkPolicy || !defaultDeny(np) {
					continue
				}
				in := str(np.Inputs, "metadata.namespace")
				if (name != "" && in == name) || slices.Contains(np.Dependencies, ns.URN) && (in == "" || IsUnknown(in)) {
					found = true
				}
			}
			if !found {
				out = append(out, Finding{ns.URN, "namespace has no default-deny NetworkPolicy (empty podSelector, policyTypes Ingress and Egress, no rules)"})
			}
		}
		return out
	},
}

func defaultDeny(np Resource) bool {
	selector, _ := get(np.Inputs, "spec.podSelector")
	if m, ok := selector.(map[string]any); !ok || len(m) > 0 {
		return false
	}
	types := strs(np.Inputs, "spec.policyTypes")
	return slices.Contains(types, "Ingress") && slices.Contains(types, "Egress") &&
		len(list(np.Inputs, "spec.ingress")) == 0 && len(list(np.Inputs, "spec.egress")) == 0
}
