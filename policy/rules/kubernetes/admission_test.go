package kubernetes

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

func admissionCases() []ruleCase {
	annotated := func(value any) rules.Resource {
		return res(TypeDeployment, "api", map[string]any{"metadata": map[string]any{"annotations": map[string]any{SkipAwait: value}}})
	}
	inProduction := func(r rules.Resource) []rules.Resource { return []rules.Resource{r} }

	namespace := res(TypeNamespace, "clinical", map[string]any{"metadata": map[string]any{"name": "clinical"}})
	deployment := res(TypeDeployment, "api", map[string]any{"metadata": map[string]any{"namespace": "clinical"}})
	policy := func(name string, failurePolicy any, matched ...[2]string) rules.Resource {
		var resourceRules []any
		for _, m := range matched {
			resourceRules = append(resourceRules, map[string]any{"apiGroups": []any{m[0]}, "resources": []any{m[1]}, "operations": []any{"CREATE", "UPDATE"}})
		}
		spec := map[string]any{"matchConstraints": map[string]any{"resourceRules": resourceRules}}
		if failurePolicy != nil {
			spec["failurePolicy"] = failurePolicy
		}
		return res(TypeAdmissionPolicy, name, map[string]any{"metadata": map[string]any{"name": name}, "spec": spec})
	}
	binding := func(policyName any, actions ...any) rules.Resource {
		return res(TypeAdmissionBinding, "binding", map[string]any{"spec": map[string]any{"policyName": policyName, "validationActions": actions}})
	}
	pods := [][2]string{{"apps", "deployments"}, {"apps", "statefulsets"}, {"apps", "daemonsets"}, {"batch", "jobs"}, {"batch", "cronjobs"}, {"", "pods"}}
	others := [][2]string{{"", "services"}, {"networking.k8s.io", "ingresses"}, {"rbac.authorization.k8s.io", "rolebindings"}, {"rbac.authorization.k8s.io", "clusterrolebindings"}}
	all := append(append([][2]string{}, pods...), others...)
	everything := policy("guard", "Fail", all...)
	wildcard := res(TypeAdmissionPolicy, "guard", map[string]any{"metadata": map[string]any{"name": "guard"}, "spec": map[string]any{
		"matchConstraints": map[string]any{"resourceRules": []any{map[string]any{"apiGroups": []any{"*"}, "resources": []any{"*"}, "operations": []any{"*"}}}},
	}})
	unknownRef := rulestest.DependsOn(binding(rules.Unknown, "Deny"), everything)

	return []ruleCase{
		{"kubernetes-await-readiness", "production waits", inProduction(res(TypeDeployment, "api", map[string]any{"metadata": map[string]any{}})), false, ""},
		{"kubernetes-await-readiness", "skipAwait false", inProduction(annotated("false")), false, ""},
		{"kubernetes-await-readiness", "skipAwait in production", inProduction(annotated("true")), true, "pulumi.com/skipAwait is true: the update would not wait"},
		{"kubernetes-await-readiness", "skipAwait unknown in production", inProduction(annotated(rules.Unknown)), true, "would not wait"},
		{"kubernetes-await-readiness", "another provider's resource", inProduction(res("aws:s3/bucket:Bucket", "b", map[string]any{"metadata": map[string]any{"annotations": map[string]any{SkipAwait: "true"}}})), false, ""},

		{"kubernetes-admission-policies", "policies for every kind", []rules.Resource{namespace, deployment, everything, binding("guard", "Deny")}, false, ""},
		{"kubernetes-admission-policies", "one policy per kind, split", []rules.Resource{namespace, deployment, policy("pods", nil, pods...), binding("pods", "Deny"), policy("others", "Fail", others...), binding("others", "Deny", "Audit")}, false, ""},
		{"kubernetes-admission-policies", "wildcard policy", []rules.Resource{namespace, deployment, wildcard, binding("guard", "Deny")}, false, ""},
		{"kubernetes-admission-policies", "binding names its policy at deployment", []rules.Resource{namespace, deployment, everything, unknownRef}, false, ""},
		{"kubernetes-admission-policies", "a tenant's workload in namespaces it does not own", []rules.Resource{deployment}, false, ""},
		{"kubernetes-admission-policies", "no policies", []rules.Resource{namespace, deployment}, true, "judges apps/deployments, apps/statefulsets, apps/daemonsets, batch/jobs, batch/cronjobs, pods, services, networking.k8s.io/ingresses, rbac.authorization.k8s.io/rolebindings, rbac.authorization.k8s.io/clusterrolebindings"},
		{"kubernetes-admission-policies", "unbound policy", []rules.Resource{namespace, deployment, everything}, true, "no ValidatingAdmissionPolicy"},
		{"kubernetes-admission-policies", "audit only", []rules.Resource{namespace, deployment, everything, binding("guard", "Audit", "Warn")}, true, "bound with Deny"},
		{"kubernetes-admission-policies", "fails open", []rules.Resource{namespace, deployment, policy("guard", "Ignore", all...), binding("guard", "Deny")}, true, "failing closed"},
		{"kubernetes-admission-policies", "services left out", []rules.Resource{namespace, deployment, policy("pods", "Fail", pods...), binding("pods", "Deny")}, true, "judges services, networking.k8s.io/ingresses"},
	}
}

// A test stack on a control plane with no nodes may skip the wait; only production may not.
func TestAwaitReadinessOutsideProduction(t *testing.T) {
	skipping := res(TypeDeployment, "api", map[string]any{"metadata": map[string]any{"annotations": map[string]any{SkipAwait: "true"}}})
	dev := rulestest.Config
	dev.Environment = "dev"
	assert.Empty(t, rules.Evaluate([]rules.Rule{awaitReadiness}, []rules.Resource{skipping}, dev))
	assert.NotEmpty(t, rules.Evaluate([]rules.Rule{awaitReadiness}, []rules.Resource{skipping}, rulestest.Config))
}
