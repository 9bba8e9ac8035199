package aws

import (
	"testing"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
)

var testTags = map[string]string{
	"environment": "production", "data-classification": "phi", "compliance": "hipaa",
	"owner": "platform", "cost-centre": "cc-1",
}

type providers struct{ primary, dr *awssdk.Provider }

// run executes body under the recording monitor with a primary (eu-west-2) and a DR
// (eu-west-1) provider, as the stacks create them.
func run(t *testing.T, body func(ctx *pulumi.Context, p providers) error) (*mockcloud.Monitor, error) {
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
		return body(ctx, providers{primary, dr})
	})
	return m, err
}

// mustRun is run for bodies that must succeed.
func mustRun(t *testing.T, body func(ctx *pulumi.Context, p providers) error) *mockcloud.Monitor {
	t.Helper()
	m, err := run(t, body)
	require.NoError(t, err)
	return m
}

// expectation is one asserted input of one resource.
type expectation struct {
	typ, name, path string
	want            any
}

func assertInputs(t *testing.T, m *mockcloud.Monitor, table []expectation) {
	t.Helper()
	for _, e := range table {
		t.Run(e.name+"/"+e.path, func(t *testing.T) {
			r, ok := m.Find(e.typ, e.name)
			require.True(t, ok, "%s %s not registered", e.typ, e.name)
			got, ok := r.Get(e.path)
			require.True(t, ok, "%s has no input %s", e.name, e.path)
			require.Equal(t, e.want, got)
		})
	}
}

// assertNothingRegistered checks that a rejected Args left no resource behind but the
// providers the harness made.
func assertNothingRegistered(t *testing.T, m *mockcloud.Monitor) {
	t.Helper()
	for _, r := range m.Resources() {
		require.True(t, r.IsProvider(), "registered %s %s before failing", r.Type, r.Name)
	}
}

// violations runs the whole policy pack over what the test registered, as the offline plan
// would: components are built against the rules, not only against their own tables.
func violations(m *mockcloud.Monitor, environment string) []rules.Violation {
	var subjects []rules.Resource
	for _, r := range m.Resources() {
		region := m.Region(r.Provider)
		if r.IsProvider() {
			region = m.Region(r.URN)
		}
		subjects = append(subjects, rules.Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider, Region: region,
			Dependencies: r.Dependencies, Protect: r.Protect, Inputs: rules.PlainMap(r.Inputs),
		})
	}
	return rules.Evaluate(rules.All, subjects, rules.Config{
		AllowedRegions: []string{"eu-west-2", "eu-west-1"}, RetentionFloorDays: 2190, Environment: environment,
	})
}
