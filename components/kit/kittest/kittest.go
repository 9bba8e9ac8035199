// Package kittest runs components of any cloud under the recording mock monitor for their
// tests: tables of asserted inputs, the check that rejected Args left nothing behind, and the
// whole policy pack over what a component registered. It creates no provider; each cloud's
// test kit (components/aws/awskit/awskittest) adds the providers its stacks create.
package kittest

import (
	"slices"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// Tags is a complete tag set, as config.Config.Tags() returns it.
var Tags = map[string]string{
	"environment": "production", "data-classification": "phi", "compliance": "hipaa",
	"owner": "platform", "cost-centre": "cc-1",
}

// Run executes body under the recording monitor.
func Run(t *testing.T, body func(ctx *pulumi.Context) error) (*mockcloud.Monitor, error) {
	t.Helper()
	m := mockcloud.New("healthhub", "test")
	return m, m.Run(nil, nil, body)
}

// MustRun is Run for bodies that must succeed.
func MustRun(t *testing.T, body func(ctx *pulumi.Context) error) *mockcloud.Monitor {
	t.Helper()
	m, err := Run(t, body)
	require.NoError(t, err)
	return m
}

// Cloud is a cloud's test kit: Run and MustRun with that cloud's providers created first and
// handed to the body. Each cloud's kit package (awskittest, gcpkittest) says how it makes them.
type Cloud[P any] struct {
	Providers func(ctx *pulumi.Context) (P, error)
}

// Run executes body under the recording monitor, after creating the providers.
func (c Cloud[P]) Run(t *testing.T, body func(ctx *pulumi.Context, p P) error) (*mockcloud.Monitor, error) {
	t.Helper()
	return Run(t, c.with(body))
}

// MustRun is Run for bodies that must succeed.
func (c Cloud[P]) MustRun(t *testing.T, body func(ctx *pulumi.Context, p P) error) *mockcloud.Monitor {
	t.Helper()
	return MustRun(t, c.with(body))
}

func (c Cloud[P]) with(body func(ctx *pulumi.Context, p P) error) func(ctx *pulumi.Context) error {
	return func(ctx *pulumi.Context) error {
		p, err := c.Providers(ctx)
		if err != nil {
			return err
		}
		return body(ctx, p)
	}
}

// Expectation is one asserted input of one resource.
type Expectation struct {
	Type, Name, Path string
	Want             any
}

// AssertInputs checks each expectation as a subtest.
func AssertInputs(t *testing.T, m *mockcloud.Monitor, table []Expectation) {
	t.Helper()
	for _, e := range table {
		t.Run(e.Name+"/"+e.Path, func(t *testing.T) {
			r, ok := m.Find(e.Type, e.Name)
			require.True(t, ok, "%s %s not registered", e.Type, e.Name)
			got, ok := r.Get(e.Path)
			require.True(t, ok, "%s has no input %s", e.Name, e.Path)
			require.Equal(t, e.Want, got)
		})
	}
}

// AssertNothingRegistered checks that a rejected Args left no resource behind but the
// providers.
func AssertNothingRegistered(t *testing.T, m *mockcloud.Monitor) {
	t.Helper()
	for _, r := range m.Resources() {
		require.True(t, r.IsProvider(), "registered %s %s before failing", r.Type, r.Name)
	}
}

// Violations runs the whole policy pack over what the test registered, as the offline plan
// would: components are built against the rules, not only against their own tables.
// allowedRegions are the regions the test's providers target.
func Violations(m *mockcloud.Monitor, environment string, allowedRegions ...string) []rules.Violation {
	return estate.Evaluate(resources(m), rules.Config{
		AllowedRegions: allowedRegions, RetentionFloorDays: kit.MinRetentionDays, Environment: environment,
	})
}

// Without drops the violations of the named policies: a cloud's rules that hold for a whole
// account, project or subscription, which a test of one component leaves out.
func Without(vs []rules.Violation, policies []string) []rules.Violation {
	return slices.DeleteFunc(vs, func(v rules.Violation) bool { return slices.Contains(policies, v.Policy) })
}

// resources are what the rules read of the registered resources, converted as the offline
// plan converts them.
func resources(m *mockcloud.Monitor) []rules.Resource { return estate.Resources(m.Records()) }

// Policies lists the distinct policies that flagged something, sorted.
func Policies(vs []rules.Violation) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		if !seen[v.Policy] {
			seen[v.Policy] = true
			out = append(out, v.Policy)
		}
	}
	sort.Strings(out)
	return out
}
