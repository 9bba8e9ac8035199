package rules

func kubernetesCases() []ruleCase {
	ns := func(level string) Resource {
		return res(TypeNamespace, "clinical", map[string]any{"metadata": map[string]any{
			"name": "clinical", "labels": map[string]any{podSecurityEnforce: level},
		}})
	}
	policy := func(namespace any, spec map[string]any) Resource {
		return res(TypeNetworkPolicy, "default-deny", map[string]any{"metadata": map[string]any{"namespace": namespace}, "spec": spec})
	}
	denyAll := map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}}

	return []ruleCase{
		{"k8s-namespace-restricted-pss", "restricted", []Resource{ns("restricted")}, false, ""},
		{"k8s-namespace-restricted-pss", "baseline", []Resource{ns("baseline")}, true, `is "baseline"; must be restricted`},
		{"k8s-namespace-restricted-pss", "unlabelled", []Resource{res(TypeNamespace, "x", map[string]any{"metadata": map[string]any{}})}, true, "must be restricted"},

		{"k8s-namespace-default-deny", "deny-all by name", []Resource{ns("restricted"), policy("clinical", denyAll)}, false, ""},
		{"k8s-namespace-default-deny", "deny-all in a namespace named at deployment", []Resource{ns("restricted"), dependsOn(policy(Unknown, denyAll), ns("restricted"))}, false, ""},
		{"k8s-namespace-default-deny", "no policy", []Resource{ns("restricted")}, true, "no default-deny NetworkPolicy"},
		{"k8s-namespace-default-deny", "policy in another namespace", []Resource{ns("restricted"), policy("other", denyAll)}, true, "no default-deny"},
		{"k8s-namespace-default-deny", "ingress only", []Resource{ns("restricted"), policy("clinical", with(denyAll, "policyTypes", []any{"Ingress"}))}, true, "no default-deny"},
		{"k8s-namespace-default-deny", "selects some pods only", []Resource{ns("restricted"), policy("clinical", with(denyAll, "podSelector", map[string]any{"matchLabels": map[string]any{"app": "api"}}))}, true, "no default-deny"},
		{"k8s-namespace-default-deny", "allows ingress", []Resource{ns("restricted"), policy("clinical", with(denyAll, "ingress", []any{map[string]any{}}))}, true, "no default-deny"},
	}
}
