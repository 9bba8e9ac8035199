package network

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	endpointType  = "azure-native:network:PrivateEndpoint"
	zoneGroupType = "azure-native:network:PrivateDnsZoneGroup"
)

var (
	vaultID     = azurekittest.ResourceID("Microsoft.KeyVault", "vaults", "hhkvuksouth")
	endpointsID = vnetID + "/subnets/endpoints"
	vaultZoneID = azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", ZoneKeyVault)
	peName      = "hh-pe-kv-" + primary
)

func endpointArgs(mutate func(*PrivateEndpointArgs)) *PrivateEndpointArgs {
	a := &PrivateEndpointArgs{
		ResourceGroupName: pulumi.String(azurekittest.ResourceGroup),
		Location:          primary,
		SubnetId:          pulumi.String(endpointsID),
		TargetId:          pulumi.String(vaultID),
		GroupId:           "vault",
		DnsZoneId:         pulumi.String(vaultZoneID),
		Tags:              kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runEndpoint(name string, args *PrivateEndpointArgs) func(ctx *pulumi.Context, p azurekittest.Providers) error {
	return func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewPrivateEndpoint(ctx, name, args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestPrivateEndpointDefaults(t *testing.T) {
	var id string
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		e, err := NewPrivateEndpoint(ctx, peName, endpointArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		e.EndpointId.ApplyT(func(s string) string { id = s; return s })
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: endpointType, Name: peName, Path: "privateEndpointName", Want: peName},
		{Type: endpointType, Name: peName, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: endpointType, Name: peName, Path: "location", Want: primary},
		{Type: endpointType, Name: peName, Path: "subnet.id", Want: endpointsID},
		{Type: endpointType, Name: peName, Path: "customNetworkInterfaceName", Want: peName + "-nic"},
		{Type: endpointType, Name: peName, Path: "privateLinkServiceConnections[0].name", Want: peName},
		{Type: endpointType, Name: peName, Path: "privateLinkServiceConnections[0].privateLinkServiceId", Want: vaultID},
		{Type: endpointType, Name: peName, Path: "privateLinkServiceConnections[0].groupIds", Want: []any{"vault"}},
		{Type: endpointType, Name: peName, Path: "tags.data-classification", Want: "phi"},
		{Type: zoneGroupType, Name: peName, Path: "privateDnsZoneGroupName", Want: "default"},
		{Type: zoneGroupType, Name: peName, Path: "privateEndpointName", Want: peName},
		{Type: zoneGroupType, Name: peName, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: zoneGroupType, Name: peName, Path: "privateDnsZoneConfigs[0].name", Want: "vault"},
		{Type: zoneGroupType, Name: peName, Path: "privateDnsZoneConfigs[0].privateDnsZoneId", Want: vaultZoneID},
	})
	e, _ := m.Find(endpointType, peName)
	_, manual := e.Get("manualPrivateLinkServiceConnections")
	assert.False(t, manual, "approved on creation, not by hand")
	g, _ := m.Find(zoneGroupType, peName)
	assert.Contains(t, g.Dependencies, e.URN, "the record is written once the endpoint exists")
	assert.Equal(t, azurekittest.ResourceID("Microsoft.Network", "privateEndpoints", peName), id)

	assert.Empty(t, azurekittest.Violations(m, "production"), "the endpoint passes the whole policy pack")
}

// The stack's endpoints sit in the network's endpoints subnet and register in its zones.
func TestPrivateEndpointInTheNetwork(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		n, err := NewNetwork(ctx, "network", networkArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		_, err = NewPrivateEndpoint(ctx, "hh-pe-blob-"+primary, endpointArgs(func(a *PrivateEndpointArgs) {
			a.SubnetId = n.EndpointSubnetId
			a.TargetId = pulumi.String(azurekittest.ResourceID("Microsoft.Storage", "storageAccounts", "hhaudit"))
			a.GroupId = "blob"
			a.DnsZoneId = n.ZoneIds.MapIndex(pulumi.String(ZoneBlob))
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: endpointType, Name: "hh-pe-blob-" + primary, Path: "subnet.id", Want: endpointsID},
		{Type: endpointType, Name: "hh-pe-blob-" + primary, Path: "privateLinkServiceConnections[0].groupIds", Want: []any{"blob"}},
		{Type: zoneGroupType, Name: "hh-pe-blob-" + primary, Path: "privateDnsZoneConfigs[0].privateDnsZoneId",
			Want: azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", ZoneBlob)},
	})
	assert.Empty(t, azurekittest.Violations(m, "production"))
}

func TestPrivateEndpointArgErrors(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		mutate   func(*PrivateEndpointArgs)
		want     string
	}{
		{"name with a slash", "kv/primary", nil, `PrivateEndpoint: name = "kv/primary": must be a private endpoint's name`},
		{"name too long", strings.Repeat("e", 77), nil, `PrivateEndpoint: name = "eeee`},
		{"no resource group", peName, func(a *PrivateEndpointArgs) { a.ResourceGroupName = nil }, "PrivateEndpoint: ResourceGroupName = <nil>: required"},
		{"no subnet", peName, func(a *PrivateEndpointArgs) { a.SubnetId = nil }, "PrivateEndpoint: SubnetId = <nil>: required"},
		{"no target", peName, func(a *PrivateEndpointArgs) { a.TargetId = nil }, "PrivateEndpoint: TargetId = <nil>: required"},
		{"no group id", peName, func(a *PrivateEndpointArgs) { a.GroupId = "" }, `PrivateEndpoint: GroupId = "": must be one of vault, managedhsm, blob`},
		{"group id in the wrong case", peName, func(a *PrivateEndpointArgs) { a.GroupId = "Vault" }, `PrivateEndpoint: GroupId = "Vault"`},
		{"no zone", peName, func(a *PrivateEndpointArgs) { a.DnsZoneId = nil }, "PrivateEndpoint: DnsZoneId = <nil>: required"},
		{"display location", peName, func(a *PrivateEndpointArgs) { a.Location = "UK South" }, `PrivateEndpoint: Location = "UK South"`},
		{"no tags", peName, func(a *PrivateEndpointArgs) { a.Tags = nil }, `PrivateEndpoint: Tags = map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, runEndpoint(tt.endpoint, endpointArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
