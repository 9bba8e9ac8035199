package kubernetes

import (
	"fmt"
	"slices"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/policy/rules"
)

// Kubernetes types the workload rules inspect.
const (
	TypeNamespace     = "kubernetes:core/v1:Namespace"
	TypeNetworkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
)

var namespaceRestricted = rules.Rule{
	Name:        "kubernetes-namespace-restricted-pss",
	Aliases:     []string{"k8s-namespace-restricted-pss"},
	Cloud:       rules.CloudKubernetes,
	Description: "Every namespace the estate creates enforces the restricted Pod Security Standard: no privileged, host-namespace or root containers; a looser level only with the exception named in the namespace's healthhub.io/pod-security-exception annotation.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeNamespace},
	Check: func(r rules.Resource, _ rules.Config) []string {
		v := rules.Str(r.Inputs, "metadata.labels"+quoted(naming.PodSecurityEnforce))
		switch {
		case v == "restricted":
		case (v == "baseline" || v == "privileged") && rules.Str(r.Inputs, "metadata.annotations"+quoted(naming.PodSecurityException)) != "":
			// A named exception (node-exporter needs the host): the auditor reads why.
		default:
			return []string{fmt.Sprintf("label %s is %q; must be restricted, or name the exception in the %s annotation", naming.PodSecurityEnforce, v, naming.PodSecurityException)}
		}
		return nil
	},
}

// quoted makes a label or annotation key one path segment: its dots and slash are not
// separators.
func quoted(key string) string { return `["` + key + `"]` }

// namespaceDefaultDeny asks for a policy that selects every pod of the namespace and allows
// nothing, so each flow a workload needs is an explicit allow next to it.
var namespaceDefaultDeny = rules.Rule{
	Name:        "kubernetes-namespace-default-deny",
	Aliases:     []string{"k8s-namespace-default-deny"},
	Cloud:       rules.CloudKubernetes,
	Description: "Every namespace the estate creates has a default-deny NetworkPolicy for ingress and egress.",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "a namespace known only at deployment matches by dependency",
	Level:       rules.Mandatory,
	Types:       []string{TypeNamespace, TypeNetworkPolicy},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, ns := range all {
			if ns.Type != TypeNamespace {
				continue
			}
			name := rules.Str(ns.Inputs, "metadata.name")
			found := false
			for _, np := range all {
				if np.Type != TypeNetworkPolicy || !defaultDeny(np) {
					continue
				}
				in := rules.Str(np.Inputs, "metadata.namespace")
				if (name != "" && in == name) || slices.Contains(np.Dependencies, ns.URN) && (in == "" || rules.IsUnknown(in)) {
					found = true
				}
			}
			if !found {
				out = append(out, rules.Finding{URN: ns.URN, Message: "namespace has no default-deny NetworkPolicy (empty podSelector, policyTypes Ingress and Egress, no rules)"})
			}
		}
		return out
	},
}

func defaultDeny(np rules.Resource) bool {
	selector, _ := rules.Get(np.Inputs, "spec.podSelector")
	if m, ok := selector.(map[string]any); !ok || len(m) > 0 {
		return false
	}
	types := rules.Strs(np.Inputs, "spec.policyTypes")
	return slices.Contains(types, "Ingress") && slices.Contains(types, "Egress") &&
		len(rules.List(np.Inputs, "spec.ingress")) == 0 && len(rules.List(np.Inputs, "spec.egress")) == 0
}
