package mutation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
)

// CoversEveryMandatoryRule fails for each mandatory rule of cloud that no entry of the
// catalogue names, unless noSubject says why the plan (base) has nothing of the rule's to
// mutate; an excused rule fails as soon as one of its types appears in the plan. also are
// rules beyond the cloud's own (the cross-cloud ones, the ingress controller's) that must be
// covered too.
func CoversEveryMandatoryRule(t *testing.T, base []rules.Resource, catalogue []Mutation, cloud []rules.Rule, noSubject map[string]string, also ...string) {
	t.Helper()
	planned := map[string]bool{}
	for _, r := range base {
		planned[r.Type] = true
	}
	covered := map[string]bool{}
	for _, m := range catalogue {
		covered[m.Rule] = true
	}
	for _, rule := range cloud {
		if rule.Level != rules.Mandatory {
			continue
		}
		if why, ok := noSubject[rule.Name]; ok {
			for _, typ := range rule.Types {
				assert.False(t, planned[typ], "%s: the plan now has %s (it had none: %s); add its mutations", rule.Name, typ, why)
			}
			continue
		}
		assert.True(t, covered[rule.Name], "%s has no mutation", rule.Name)
	}
	for _, name := range also {
		assert.True(t, covered[name], "%s has no mutation", name)
	}
}
