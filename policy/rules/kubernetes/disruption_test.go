package kubernetes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

// budget is a PodDisruptionBudget in the namespace with the spec.
func budget(name string, namespace any, spec map[string]any) rules.Resource {
	return res(TypePodDisruptionBudget, name, map[string]any{"metadata": map[string]any{"name": name, "namespace": namespace}, "spec": spec})
}

func selecting(labels map[string]any, budget map[string]any) map[string]any {
	return with(budget, "selector", map[string]any{"matchLabels": labels})
}

// inNamespace moves a workload to another namespace.
func inNamespace(r rules.Resource, namespace any) rules.Resource {
	inputs := with(r.Inputs, "metadata", map[string]any{"name": r.Name, "namespace": namespace})
	r.Inputs = inputs
	return r
}

func withReplicas(r rules.Resource, replicas any) rules.Resource {
	r.Inputs = with(r.Inputs, "spec", with(r.Inputs["spec"].(map[string]any), "replicas", replicas))
	return r
}

func disruptionCases() []ruleCase {
	const rule = "kubernetes-workload-disruption-budget"
	api := workload(TypeDeployment, nil) // 3 replicas, labels app=api tier=backend, namespace clinical
	app := map[string]any{"app": "api"}
	minTwo := selecting(app, map[string]any{"minAvailable": int64(2)})
	namespace := res(TypeNamespace, "clinical", map[string]any{"metadata": map[string]any{"name": "clinical"}})
	autoNamed := res(TypeNamespace, "scratch", map[string]any{"metadata": map[string]any{"labels": map[string]any{"team": "ml"}}})
	expression := func(operator string, values ...any) map[string]any {
		return map[string]any{"selector": map[string]any{"matchExpressions": []any{map[string]any{"key": "tier", "operator": operator, "values": values}}}, "maxUnavailable": int64(1)}
	}
	return []ruleCase{
		{rule, "budget selects the deployment", []rules.Resource{api, budget("api", "clinical", minTwo)}, false, ""},
		{rule, "no budget", []rules.Resource{api}, true, "no PodDisruptionBudget in its namespace selects this workload's pod labels"},
		{rule, "budget in another namespace", []rules.Resource{api, budget("api", "default", minTwo)}, true, "no PodDisruptionBudget"},
		{rule, "budget selects other pods", []rules.Resource{api, budget("api", "clinical", selecting(map[string]any{"app": "web"}, map[string]any{"minAvailable": int64(1)}))}, true, "no PodDisruptionBudget"},
		{rule, "budget asks for a label the pods lack", []rules.Resource{api, budget("api", "clinical", selecting(map[string]any{"app": "api", "tier": "frontend"}, map[string]any{"minAvailable": int64(1)}))}, true, "no PodDisruptionBudget"},
		{rule, "budget selects by both labels", []rules.Resource{api, budget("api", "clinical", selecting(map[string]any{"app": "api", "tier": "backend"}, map[string]any{"maxUnavailable": "25%"}))}, false, ""},
		{rule, "stateful set without budget", []rules.Resource{workload(TypeStatefulSet, nil)}, true, "no PodDisruptionBudget"},
		{rule, "daemon sets need none", []rules.Resource{workload(TypeDaemonSet, nil)}, false, ""},
		{rule, "matchExpressions In", []rules.Resource{api, budget("api", "clinical", expression("In", "backend", "batch"))}, false, ""},
		{rule, "matchExpressions In other values", []rules.Resource{api, budget("api", "clinical", expression("In", "frontend"))}, true, "no PodDisruptionBudget"},
		{rule, "matchExpressions NotIn", []rules.Resource{api, budget("api", "clinical", expression("NotIn", "backend"))}, true, "no PodDisruptionBudget"},

		{rule, "maxUnavailable 0", []rules.Resource{api, budget("api", "clinical", selecting(app, map[string]any{"maxUnavailable": int64(0)}))}, true, "maxUnavailable 0 lets no pod be evicted"},
		{rule, "maxUnavailable 0%", []rules.Resource{api, budget("api", "clinical", selecting(app, map[string]any{"maxUnavailable": "0%"}))}, true, "maxUnavailable 0% lets no pod be evicted"},
		{rule, "minAvailable 100%", []rules.Resource{api, budget("api", "clinical", selecting(app, map[string]any{"minAvailable": "100%"}))}, true, "minAvailable 100% lets no pod be evicted"},
		{rule, "minAvailable equals the replicas", []rules.Resource{api, budget("api", "clinical", selecting(app, map[string]any{"minAvailable": int64(3)}))}, true, "minAvailable 3 is not below the 3 replicas of api"},
		{rule, "minAvailable 1 of the default single replica", []rules.Resource{withReplicas(api, nil), budget("api", "clinical", selecting(app, map[string]any{"minAvailable": int64(1)}))}, true, "minAvailable 1 is not below the 1 replicas"},
		{rule, "maxUnavailable 1 of a single replica", []rules.Resource{withReplicas(api, nil), budget("api", "clinical", selecting(app, map[string]any{"maxUnavailable": int64(1)}))}, false, ""},
		{rule, "replicas unknown at preview", []rules.Resource{withReplicas(api, rules.Unknown), budget("api", "clinical", selecting(app, map[string]any{"minAvailable": int64(3)}))}, false, ""},
		{rule, "a tight budget on pods of no workload here", []rules.Resource{budget("ingest", "clinical", selecting(map[string]any{"app": "ingest"}, map[string]any{"maxUnavailable": int64(0)}))}, true, "maxUnavailable 0"},

		{rule, "budget's namespace known only at deployment", []rules.Resource{namespace, api, dependsOn(budget("api", rules.Unknown, minTwo), namespace)}, false, ""},
		{rule, "both in an auto-named namespace", []rules.Resource{
			autoNamed, dependsOn(inNamespace(api, rules.Unknown), autoNamed), dependsOn(budget("api", rules.Unknown, minTwo), autoNamed),
		}, false, ""},
		{rule, "budget reads the workload's namespace", []rules.Resource{inNamespace(api, rules.Unknown), dependsOn(budget("api", rules.Unknown, minTwo), api)}, false, ""},
		{rule, "budget refers to the workload from another namespace", []rules.Resource{api, dependsOn(budget("api", "default", minTwo), api)}, true, "no PodDisruptionBudget"},
		{rule, "budget's namespace unknown and unrelated", []rules.Resource{api, budget("api", rules.Unknown, minTwo)}, true, "no PodDisruptionBudget"},
		{rule, "workload in an auto-named namespace, budget elsewhere", []rules.Resource{autoNamed, dependsOn(inNamespace(api, rules.Unknown), autoNamed), budget("api", "clinical", minTwo)}, true, "no PodDisruptionBudget"},
	}
}

// TestDisruptionBudgetOutsideProduction: only production asks for a budget per workload; a
// budget that blocks every drain is wrong everywhere.
func TestDisruptionBudgetOutsideProduction(t *testing.T) {
	var rule rules.Rule
	for _, r := range Rules {
		if r.Name == "kubernetes-workload-disruption-budget" {
			rule = r
		}
	}
	dev := rulestest.Config
	dev.Environment = "dev"
	api := workload(TypeDeployment, nil)
	assert.Empty(t, rules.Evaluate([]rules.Rule{rule}, []rules.Resource{api}, dev), "no budget needed outside production")
	vs := rules.Evaluate([]rules.Rule{rule}, []rules.Resource{api, budget("api", "clinical", selecting(map[string]any{"app": "api"}, map[string]any{"maxUnavailable": int64(0)}))}, dev)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "maxUnavailable 0 lets no pod be evicted")
}
