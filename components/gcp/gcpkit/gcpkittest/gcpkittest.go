// Package gcpkittest runs GCP components under the neutral harness (components/kit/kittest)
// with the two regional providers the stacks create, pinned to one project: a primary in
// europe-west2 and a DR in europe-west1.
package gcpkittest

import (
	"slices"

	gcpsdk "github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
	gcprules "github.com/healthhub/estate/policy/rules/gcp"
)

// The project and regions of the two providers.
const (
	Project       = "healthhub-test"
	PrimaryRegion = "europe-west2"
	DRRegion      = "europe-west1"
)

// Providers are the two regional providers a body registers its components with.
type Providers struct{ Primary, DR *gcpsdk.Provider }

var kit = kittest.Cloud[Providers]{Providers: providers}

// Run executes body under the recording monitor, after creating the providers.
var Run = kit.Run

// MustRun is Run for bodies that must succeed.
var MustRun = kit.MustRun

func providers(ctx *pulumi.Context) (Providers, error) {
	primary, err := gcpsdk.NewProvider(ctx, "gcp-primary", &gcpsdk.ProviderArgs{Project: pulumi.String(Project), Region: pulumi.String(PrimaryRegion)})
	if err != nil {
		return Providers{}, err
	}
	dr, err := gcpsdk.NewProvider(ctx, "gcp-dr", &gcpsdk.ProviderArgs{Project: pulumi.String(Project), Region: pulumi.String(DRRegion)})
	return Providers{primary, dr}, err
}

// Violations is kittest.Violations with the providers' two regions allowed, less the project
// rules (audit logs, their export and the security alerts), which hold for a whole stack rather
// than for the part of it one component builds. ProjectViolations keeps them.
func Violations(m *mockcloud.Monitor, environment string, extraRegions ...string) []rules.Violation {
	return kittest.Without(ProjectViolations(m, environment, extraRegions...), gcprules.ProjectRules)
}

// ProjectViolations is the whole pack over what a test registered, project rules included.
func ProjectViolations(m *mockcloud.Monitor, environment string, extraRegions ...string) []rules.Violation {
	return kittest.Violations(m, environment, slices.Concat([]string{PrimaryRegion, DRRegion}, extraRegions)...)
}
