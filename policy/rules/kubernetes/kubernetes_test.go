package kubernetes

import (
	"testing"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

func kubernetesCases() []ruleCase {
	ns := func(level string) rules.Resource {
		return res(TypeNamespace, "clinical", map[string]any{"metadata": map[string]any{
			"name": "clinical", "labels": map[string]any{naming.PodSecurityEnforce: level},
		}})
	}
	policy := func(namespace any, spec map[string]any) rules.Resource {
		return res(TypeNetworkPolicy, "default-deny", map[string]any{"metadata": map[string]any{"namespace": namespace}, "spec": spec})
	}
	denyAll := map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}}

	binding := func(typ string, subjects ...map[string]any) rules.Resource {
		list := make([]any, len(subjects))
		for i, s := range subjects {
			list[i] = s
		}
		return res(typ, "admins", map[string]any{"roleRef": map[string]any{"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": list})
	}
	group := func(name string) map[string]any { return map[string]any{"kind": "Group", "name": name} }

	return []ruleCase{
		{"kubernetes-rbac-no-cluster-admin", "system group", []rules.Resource{binding(TypeClusterRoleBinding, group("system:masters"))}, false, ""},
		{"kubernetes-rbac-no-cluster-admin", "kube-system service account", []rules.Resource{binding(TypeClusterRoleBinding, map[string]any{"kind": "ServiceAccount", "name": "cluster-autoscaler", "namespace": "kube-system"})}, false, ""},
		{"kubernetes-rbac-no-cluster-admin", "another role", []rules.Resource{res(TypeRoleBinding, "operator", map[string]any{"roleRef": map[string]any{"name": "operator"}, "subjects": []any{group("platform")}})}, false, ""},
		{"kubernetes-rbac-no-cluster-admin", "people's group", []rules.Resource{binding(TypeClusterRoleBinding, group("system:masters"), group("platform-admins"))}, true, `binds cluster-admin to Group "platform-admins"`},
		{"kubernetes-rbac-no-cluster-admin", "a workload's service account", []rules.Resource{binding(TypeRoleBinding, map[string]any{"kind": "ServiceAccount", "name": "backend", "namespace": "backend"})}, true, `ServiceAccount "backend"`},
		{"kubernetes-rbac-no-cluster-admin", "subjects unknown", []rules.Resource{res(TypeClusterRoleBinding, "admins", map[string]any{"roleRef": map[string]any{"name": "cluster-admin"}, "subjects": rules.Unknown})}, true, "unknown at preview"},

		{"kubernetes-namespace-restricted-pss", "restricted", []rules.Resource{ns("restricted")}, false, ""},
		{"kubernetes-namespace-restricted-pss", "baseline", []rules.Resource{ns("baseline")}, true, `is "baseline"; must be restricted`},
		{"kubernetes-namespace-restricted-pss", "privileged with a named exception", []rules.Resource{res(TypeNamespace, "monitoring", map[string]any{"metadata": map[string]any{
			"labels": map[string]any{naming.PodSecurityEnforce: "privileged"}, "annotations": map[string]any{naming.PodSecurityException: "node-exporter reads the host"},
		}})}, false, ""},
		{"kubernetes-namespace-restricted-pss", "privileged without a reason", []rules.Resource{ns("privileged")}, true, "name the exception"},
		{"kubernetes-namespace-restricted-pss", "unlabelled", []rules.Resource{res(TypeNamespace, "x", map[string]any{"metadata": map[string]any{}})}, true, "must be restricted"},

		{"kubernetes-namespace-default-deny", "deny-all by name", []rules.Resource{ns("restricted"), policy("clinical", denyAll)}, false, ""},
		{"kubernetes-namespace-default-deny", "deny-all in a namespace named at deployment", []rules.Resource{ns("restricted"), dependsOn(policy(rules.Unknown, denyAll), ns("restricted"))}, false, ""},
		{"kubernetes-namespace-default-deny", "no policy", []rules.Resource{ns("restricted")}, true, "no default-deny NetworkPolicy"},
		{"kubernetes-namespace-default-deny", "policy in another namespace", []rules.Resource{ns("restricted"), policy("other", denyAll)}, true, "no default-deny"},
		{"kubernetes-namespace-default-deny", "ingress only", []rules.Resource{ns("restricted"), policy("clinical", with(denyAll, "policyTypes", []any{"Ingress"}))}, true, "no default-deny"},
		{"kubernetes-namespace-default-deny", "selects some pods only", []rules.Resource{ns("restricted"), policy("clinical", with(denyAll, "podSelector", map[string]any{"matchLabels": map[string]any{"app": "api"}}))}, true, "no default-deny"},
		{"kubernetes-namespace-default-deny", "allows ingress", []rules.Resource{ns("restricted"), policy("clinical", with(denyAll, "ingress", []any{map[string]any{}}))}, true, "no default-deny"},
	}
}

type ruleCase struct {
	rule, name string
	resources  []rules.Resource
	violates   bool
	message    string
}

func res(typ, name string, inputs map[string]any) rules.Resource {
	return rulestest.Res(typ, name, inputs)
}

func dependsOn(r, on rules.Resource) rules.Resource { return rulestest.DependsOn(r, on) }

func with(base map[string]any, k string, v any) map[string]any { return rulestest.With(base, k, v) }

func TestRules(t *testing.T) {
	var cases []rulestest.Case
	for _, family := range [][]ruleCase{kubernetesCases(), podCases(), disruptionCases(), ingressCases(), gceCases(), exposureCases(), admissionCases()} {
		for _, c := range family {
			cases = append(cases, rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message})
		}
	}
	rulestest.Run(t, Rules, cases)
}
