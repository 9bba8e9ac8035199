package kubernetes

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/internal/naming"
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
	policy := func(control string, failurePolicy any, matched []kind) rules.Resource {
		var resourceRules []any
		for _, k := range matched {
			resourceRules = append(resourceRules, map[string]any{"apiGroups": []any{k.group}, "resources": []any{k.resource}, "operations": []any{"CREATE", "UPDATE"}})
		}
		spec := map[string]any{"matchConstraints": map[string]any{"resourceRules": resourceRules}}
		if failurePolicy != nil {
			spec["failurePolicy"] = failurePolicy
		}
		name := "healthhub-" + control
		return res(TypeAdmissionPolicy, name, map[string]any{"metadata": map[string]any{"name": name, "labels": map[string]any{naming.AdmissionControlLabel: control}}, "spec": spec})
	}
	binding := func(control string, policyName any, actions ...any) rules.Resource {
		return res(TypeAdmissionBinding, "healthhub-"+control, map[string]any{"spec": map[string]any{"policyName": policyName, "validationActions": actions}})
	}
	// estate is every control's policy and binding; change edits one control's pair.
	estate := func(change func(control string, p, b rules.Resource) []rules.Resource) []rules.Resource {
		out := []rules.Resource{namespace, deployment}
		for _, c := range admissionControls {
			p, b := policy(c.control, "Fail", c.kinds), binding(c.control, "healthhub-"+c.control, "Deny")
			if change != nil {
				out = append(out, change(c.control, p, b)...)
				continue
			}
			out = append(out, p, b)
		}
		return out
	}
	only := func(control string, edit func(p, b rules.Resource) []rules.Resource) func(string, rules.Resource, rules.Resource) []rules.Resource {
		return func(c string, p, b rules.Resource) []rules.Resource {
			if c == control {
				return edit(p, b)
			}
			return []rules.Resource{p, b}
		}
	}
	wildcard := func(c string, _, b rules.Resource) []rules.Resource {
		name := "healthhub-" + c
		return []rules.Resource{res(TypeAdmissionPolicy, name, map[string]any{"metadata": map[string]any{"name": name, "labels": map[string]any{naming.AdmissionControlLabel: c}}, "spec": map[string]any{
			"matchConstraints": map[string]any{"resourceRules": []any{map[string]any{"apiGroups": []any{"*"}, "resources": []any{"*"}, "operations": []any{"*"}}}},
		}}), b}
	}
	unknownRef := func(c string, p, _ rules.Resource) []rules.Resource {
		return []rules.Resource{p, rulestest.DependsOn(binding(c, rules.Unknown, "Deny"), p)}
	}

	return []ruleCase{
		{"kubernetes-await-readiness", "production waits", inProduction(res(TypeDeployment, "api", map[string]any{"metadata": map[string]any{}})), false, ""},
		{"kubernetes-await-readiness", "skipAwait false", inProduction(annotated("false")), false, ""},
		{"kubernetes-await-readiness", "skipAwait in production", inProduction(annotated("true")), true, "pulumi.com/skipAwait is true: the update would not wait"},
		{"kubernetes-await-readiness", "skipAwait unknown in production", inProduction(annotated(rules.Unknown)), true, "would not wait"},
		{"kubernetes-await-readiness", "another provider's resource", inProduction(res("aws:s3/bucket:Bucket", "b", map[string]any{"metadata": map[string]any{"annotations": map[string]any{SkipAwait: "true"}}})), false, ""},

		{"kubernetes-admission-policies", "every control", estate(nil), false, ""},
		{"kubernetes-admission-policies", "wildcard matches", estate(wildcard), false, ""},
		{"kubernetes-admission-policies", "bindings name their policies at deployment", estate(unknownRef), false, ""},
		{"kubernetes-admission-policies", "a tenant's workload in namespaces it does not own", []rules.Resource{deployment}, false, ""},
		{"kubernetes-admission-policies", "no policies", []rules.Resource{namespace, deployment}, true,
			"enforces image-digest, resource-limits, restricted-pod-template, no-exposed-services, ingress-tls, no-cluster-admin: the cluster would accept"},
		{"kubernetes-admission-policies", "one control removed", estate(only(naming.ControlImageDigest, func(_, _ rules.Resource) []rules.Resource { return nil })), true, "enforces image-digest: the cluster"},
		{"kubernetes-admission-policies", "unbound policy", estate(only(naming.ControlIngressTLS, func(p, _ rules.Resource) []rules.Resource { return []rules.Resource{p} })), true, "enforces ingress-tls"},
		{"kubernetes-admission-policies", "audit only", estate(only(naming.ControlNoClusterAdmin, func(p, _ rules.Resource) []rules.Resource {
			return []rules.Resource{p, binding(naming.ControlNoClusterAdmin, "healthhub-no-cluster-admin", "Audit", "Warn")}
		})), true, "enforces no-cluster-admin"},
		{"kubernetes-admission-policies", "fails open", estate(only(naming.ControlResourceLimits, func(_, b rules.Resource) []rules.Resource {
			return []rules.Resource{policy(naming.ControlResourceLimits, "Ignore", podKinds), b}
		})), true, "enforces resource-limits"},
		{"kubernetes-admission-policies", "a control short of its kinds", estate(only(naming.ControlNoExposedServices, func(_, b rules.Resource) []rules.Resource {
			return []rules.Resource{policy(naming.ControlNoExposedServices, "Fail", podKinds), b}
		})), true, "enforces no-exposed-services (not for services)"},
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
