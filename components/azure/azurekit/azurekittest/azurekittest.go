// Package azurekittest runs Azure components under the neutral harness (components/kit/kittest)
// with the two regional providers the stacks create, pinned to one subscription: a primary in
// uksouth and a DR in ukwest.
package azurekittest

import (
	"slices"

	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
	azurerules "github.com/healthhub/estate/policy/rules/azure"
)

// The subscription, locations and resource groups of the two providers.
const (
	Subscription    = mockcloud.AzureSubscriptionID
	Tenant          = mockcloud.AzureTenantID
	PrimaryLocation = "uksouth"
	DRLocation      = "ukwest"
	ResourceGroup   = "hh-test-rg"
	DRResourceGroup = "hh-test-dr-rg"
)

// Providers are the two regional providers a body registers its components with.
type Providers struct{ Primary, DR *azurenative.Provider }

var kit = kittest.Cloud[Providers]{Providers: providers}

// Run executes body under the recording monitor, after creating the providers.
var Run = kit.Run

// MustRun is Run for bodies that must succeed.
var MustRun = kit.MustRun

func providers(ctx *pulumi.Context) (Providers, error) {
	primary, err := azurenative.NewProvider(ctx, "azure-primary", &azurenative.ProviderArgs{
		SubscriptionId: pulumi.String(Subscription), Location: pulumi.String(PrimaryLocation),
	})
	if err != nil {
		return Providers{}, err
	}
	dr, err := azurenative.NewProvider(ctx, "azure-dr", &azurenative.ProviderArgs{
		SubscriptionId: pulumi.String(Subscription), Location: pulumi.String(DRLocation),
	})
	return Providers{primary, dr}, err
}

// ResourceID is the ARM id the mock monitor gives a resource of the given provider namespace,
// type and name in the test's resource group (Microsoft.KeyVault, vaults, hh-kv).
func ResourceID(namespace, typ, name string) string {
	return mockcloud.AzureResourceID(Subscription, ResourceGroup, namespace+"/"+typ, name)
}

// Violations is kittest.Violations with the providers' two locations allowed, less the
// subscription rules (activity log export, security alerts), which hold for a whole stack
// rather than for the part of it one component builds. SubscriptionViolations keeps them.
func Violations(m *mockcloud.Monitor, environment string, extraLocations ...string) []rules.Violation {
	return kittest.Without(SubscriptionViolations(m, environment, extraLocations...), azurerules.SubscriptionRules)
}

// SubscriptionViolations is the whole pack over what a test registered, subscription rules
// included.
func SubscriptionViolations(m *mockcloud.Monitor, environment string, extraLocations ...string) []rules.Violation {
	return kittest.Violations(m, environment, slices.Concat([]string{PrimaryLocation, DRLocation}, extraLocations)...)
}
