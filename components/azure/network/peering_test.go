package network

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const peeringType = "azure-native:network:VirtualNetworkPeering"

var drVnetID = azurekittest.ResourceID("Microsoft.Network", "virtualNetworks", "hhdr-vnet-"+dr)

func peeringArgs(mutate func(*PeeringArgs)) *PeeringArgs {
	a := &PeeringArgs{
		Left: PeeredNetwork{Name: "primary", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup),
			VnetName: pulumi.String(vnetName), VnetId: pulumi.String(vnetID)},
		Right: PeeredNetwork{Name: "dr", ResourceGroupName: pulumi.String(azurekittest.DRResourceGroup),
			VnetName: pulumi.String("hhdr-vnet-" + dr), VnetId: pulumi.String(drVnetID)},
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runPeering(args *PeeringArgs) func(ctx *pulumi.Context, p azurekittest.Providers) error {
	return func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewPeering(ctx, "peering", args, pulumi.Provider(p.Primary))
		return err
	}
}

// The two networks see each other both ways, and nothing that did not start in one of them.
func TestPeeringDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, runPeering(peeringArgs(nil)))
	var table []kittest.Expectation
	for _, side := range []struct{ name, group, vnet, remote string }{
		{"primary-to-dr", azurekittest.ResourceGroup, vnetName, drVnetID},
		{"dr-to-primary", azurekittest.DRResourceGroup, "hhdr-vnet-" + dr, vnetID},
	} {
		table = append(table,
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "virtualNetworkPeeringName", Want: side.name},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "resourceGroupName", Want: side.group},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "virtualNetworkName", Want: side.vnet},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "remoteVirtualNetwork.id", Want: side.remote},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "allowVirtualNetworkAccess", Want: true},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "allowForwardedTraffic", Want: false},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "allowGatewayTransit", Want: false},
			kittest.Expectation{Type: peeringType, Name: side.name, Path: "useRemoteGateways", Want: false},
		)
	}
	kittest.AssertInputs(t, m, table)
	assert.Len(t, m.ByType(peeringType), 2)
	assert.Empty(t, azurekittest.Violations(m, "production"))
}

func TestPeeringArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*PeeringArgs)
		want   string
	}{
		{"side without a name", func(a *PeeringArgs) { a.Left.Name = "" }, `Peering: Left.Name = : must be 1 to 32 lowercase letters`},
		{"side name with capitals", func(a *PeeringArgs) { a.Right.Name = "DR" }, `Peering: Right.Name = DR`},
		{"side without its VNet", func(a *PeeringArgs) { a.Right.VnetId = nil }, "Peering: Right = <nil>: required"},
		{"side without its group", func(a *PeeringArgs) { a.Left.ResourceGroupName = nil }, "Peering: Left = <nil>: required"},
		{"a network with itself", func(a *PeeringArgs) { a.Right.Name = "primary" }, "Peering: Right.Name = primary: must differ from Left.Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, runPeering(peeringArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
