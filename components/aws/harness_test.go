package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

// The shared harness under the names this package's tests use.
var (
	testTags                = kittest.Tags
	assertNothingRegistered = kittest.AssertNothingRegistered
	violations              = kittest.Violations
)

type providers struct{ primary, dr pulumi.ProviderResource }

// expectation is one asserted input of one resource, written positionally in the tables.
type expectation struct {
	typ, name, path string
	want            any
}

func run(t *testing.T, body func(ctx *pulumi.Context, p providers) error) (*mockcloud.Monitor, error) {
	t.Helper()
	return kittest.Run(t, func(ctx *pulumi.Context, p kittest.Providers) error { return body(ctx, providers{p.Primary, p.DR}) })
}

func mustRun(t *testing.T, body func(ctx *pulumi.Context, p providers) error) *mockcloud.Monitor {
	t.Helper()
	return kittest.MustRun(t, func(ctx *pulumi.Context, p kittest.Providers) error { return body(ctx, providers{p.Primary, p.DR}) })
}

func assertInputs(t *testing.T, m *mockcloud.Monitor, table []expectation) {
	t.Helper()
	out := make([]kittest.Expectation, len(table))
	for i, e := range table {
		out[i] = kittest.Expectation{Type: e.typ, Name: e.name, Path: e.path, Want: e.want}
	}
	kittest.AssertInputs(t, m, out)
}
