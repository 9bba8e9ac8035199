package kubernetes

import (
	"fmt"
	"sort"

	"github.com/healthhub/estate/policy/rules"
)

// Types that carry credentials.
const (
	TypeSecret   = "kubernetes:core/v1:Secret"
	TypeProvider = "pulumi:providers:kubernetes"
)

// secretValuesSecret: a Secret's value given in clear text is written in clear text to the
// state, the plan and the preview's diff, where everyone who reads them reads it. A Pulumi
// secret is encrypted in the state and masked everywhere else. A value unknown at preview is
// shown as a secret when it is one, so an unknown that is not is clear text to come.
var secretValuesSecret = rules.Rule{
	Name:        "kubernetes-secret-values-secret",
	Cloud:       rules.CloudKubernetes,
	Description: "Every value under data and stringData of a Secret is a Pulumi secret, never clear text in state or plans.",
	Sections:    []rules.Section{rules.Encryption, rules.Authentication},
	Unknown:     "a non-secret unknown fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecret},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, field := range []string{"data", "stringData"} {
			v, _ := rules.Get(r.Inputs, field)
			if v == nil || v == rules.Secret {
				continue
			}
			values, ok := v.(map[string]any)
			if !ok {
				out = append(out, field+" is not a Pulumi secret")
				continue
			}
			keys := make([]string, 0, len(values))
			for k := range values {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if values[k] != rules.Secret {
					out = append(out, fmt.Sprintf("%s[%q] is not a Pulumi secret; pass it with pulumi.ToSecret", field, k))
				}
			}
		}
		return out
	},
}

// kubeconfigSecret: the kubeconfig holds the credentials of the cluster that runs the PHI
// workloads. In clear text it lands in the state and in every plan; left out, the provider
// falls back to whatever kubeconfig the operator's shell has.
var kubeconfigSecret = rules.Rule{
	Name:        "kubernetes-provider-kubeconfig-secret",
	Cloud:       rules.CloudKubernetes,
	Description: "Every Kubernetes provider is given its kubeconfig, as a Pulumi secret.",
	Sections:    []rules.Section{rules.Authentication, rules.AccessControl},
	Unknown:     "a non-secret unknown fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeProvider},
	Check: func(r rules.Resource, _ rules.Config) []string {
		switch v, set := rules.Get(r.Inputs, "kubeconfig"); {
		case !set:
			return []string{"no kubeconfig: the provider would use the ambient one"}
		case v != rules.Secret:
			return []string{"kubeconfig is not a Pulumi secret; the cluster's credentials would be in clear text in state and plans"}
		}
		return nil
	},
}
