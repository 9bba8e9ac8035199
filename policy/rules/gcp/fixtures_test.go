package gcp

import (
	"testing"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

func res(typ, name string, inputs map[string]any) rules.Resource {
	return rulestest.GCPRes(typ, name, inputs)
}

func dependsOn(r, on rules.Resource) rules.Resource { return rulestest.DependsOn(r, on) }

func with(base map[string]any, k string, v any) map[string]any { return rulestest.With(base, k, v) }

// withInput is the resource with one input changed (removed when v is nil).
func withInput(r rules.Resource, k string, v any) rules.Resource {
	r.Inputs = with(r.Inputs, k, v)
	return r
}

// nested returns a copy of base with the object at key k changed by with(k2, v).
func nested(base map[string]any, k, k2 string, v any) map[string]any {
	inner, _ := base[k].(map[string]any)
	return with(base, k, with(inner, k2, v))
}

// ruleCase is one fixture, written positionally in each family's table; env, when set, is
// the environment of the stack it runs in.
type ruleCase struct {
	rule, name string
	resources  []rules.Resource
	violates   bool
	message    string
	env        string
}

func TestRules(t *testing.T) {
	var cases []rulestest.Case
	for _, family := range [][]ruleCase{kmsCases(), gkeCases(), dataCases(), storageCases(), networkCases(), edgeCases(), loggingCases(), iamCases(), secretCases()} {
		for _, c := range family {
			cases = append(cases, rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message, Environment: c.env})
		}
	}
	rulestest.RunWith(t, rulestest.GCPConfig, Rules, cases)
}
