// Package kittest runs AWS components under the recording mock monitor for their tests: a
// primary (eu-west-2) and a DR (eu-west-1) provider as the stacks create them, tables of
// asserted inputs, and the whole policy pack over what a component registered.
package kittest

import (
	"sort"
	"testing"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// Tags is a complete tag set, as config.Config.Tags() returns it.
var Tags = map[string]string{
	"environment": "production", "data-classification": "phi", "compliance": "hipaa",
	"owner": "platform", "cost-centre": "cc-1",
}

// Providers are the two regional providers a body registers its components with.
type Providers struct{ Primary, DR *awssdk.Provider }

// Run executes body under the recording monitor.
func Run(t *testing.T, body func(ctx *pulumi.Context, p Providers) error) (*mockcloud.Monitor, error) {
	t.Helper()
	m := mockcloud.New("healthhub", "test")
	err := m.Run(nil, nil, func(ctx *pulumi.Context) error {
		primary, err := awssdk.NewProvider(ctx, "aws-primary", &awssdk.ProviderArgs{Region: pulumi.String("eu-west-2")})
		if err != nil {
			return err
		}
		dr, err := awssdk.NewProvider(ctx, "aws-dr", &awssdk.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		return body(ctx, Providers{primary, dr})
	})
	return m, err
}

// MustRun is Run for bodies that must succeed.
func MustRun(t *testing.T, body func(ctx *pulumi.Context, p Providers) error) *mockcloud.Monitor {
	t.Helper()
	m, err := Run(t, body)
	require.NoError(t, err)
	return m
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
func Violations(m *mockcloud.Monitor, environment string) []rules.Violation {
	return ViolationsIn(m, environment, "eu-west-2", "eu-west-1")
}

// ViolationsIn is Violations with another allow-list (a test that adds a us-east-1 provider).
func ViolationsIn(m *mockcloud.Monitor, environment string, allowedRegions ...string) []rules.Violation {
	return estate.Evaluate(estate.Resources(m.Records()), rules.Config{
		AllowedRegions: allowedRegions, RetentionFloorDays: 2190, Environment: environment,
	})
}

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
