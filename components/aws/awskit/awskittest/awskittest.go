// Package awskittest runs AWS components under the neutral harness (components/kit/kittest)
// with the two regional providers the stacks create: a primary in eu-west-2 and a DR in
// eu-west-1. The assertions and the policy pack are kittest's; only the providers and the
// region allow-list that matches them are AWS's.
package awskittest

import (
	"slices"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
)

// The regions of the two providers.
const (
	PrimaryRegion = "eu-west-2"
	DRRegion      = "eu-west-1"
)

// Providers are the two regional providers a body registers its components with.
type Providers struct{ Primary, DR *awssdk.Provider }

var kit = kittest.Cloud[Providers]{Providers: providers}

// Run executes body under the recording monitor, after creating the providers.
var Run = kit.Run

// MustRun is Run for bodies that must succeed.
var MustRun = kit.MustRun

func providers(ctx *pulumi.Context) (Providers, error) {
	primary, err := awssdk.NewProvider(ctx, "aws-primary", &awssdk.ProviderArgs{Region: pulumi.String(PrimaryRegion)})
	if err != nil {
		return Providers{}, err
	}
	dr, err := awssdk.NewProvider(ctx, "aws-dr", &awssdk.ProviderArgs{Region: pulumi.String(DRRegion)})
	return Providers{primary, dr}, err
}

// Violations is kittest.Violations with the providers' two regions allowed, plus extra
// regions for a test that adds its own provider (us-east-1 for CloudFront).
func Violations(m *mockcloud.Monitor, environment string, extraRegions ...string) []rules.Violation {
	return kittest.Violations(m, environment, slices.Concat([]string{PrimaryRegion, DRRegion}, extraRegions)...)
}
