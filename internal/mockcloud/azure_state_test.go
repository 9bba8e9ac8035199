package mockcloud

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
)

// Azure resources get ARM ids in their group (a child under its parent, an extension under its
// scope, a group at the subscription) and the outputs the estate reads back, in the location
// and subscription of their provider.
func TestAzureStateIsARMShaped(t *testing.T) {
	m := New("healthhub", "test")
	ref := provider(t, m, "azure-native", "primary", map[string]any{"location": "uksouth", "subscriptionId": "sub-1"})
	state := func(typ, name string, inputs map[string]any) map[string]any {
		_, out, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: typ, Name: name, Custom: true, Provider: ref,
			Inputs: resource.NewPropertyMapFromMap(inputs), RegisterRPC: &pulumirpc.RegisterResourceRequest{Provider: ref}})
		require.NoError(t, err)
		return rules.PlainMap(out)
	}
	const group = "/subscriptions/sub-1/resourceGroups/hh-rg"
	tests := []struct {
		typ, name string
		inputs    map[string]any
		id        string
		outputs   map[string]any
	}{
		{"azure-native:resources:ResourceGroup", "rg", map[string]any{"resourceGroupName": "hh-rg"}, group, nil},
		{"azure-native:keyvault:Vault", "kv", map[string]any{"resourceGroupName": "hh-rg", "vaultName": "hh-kv"},
			group + "/providers/Microsoft.KeyVault/vaults/hh-kv",
			map[string]any{"location": "uksouth"}},
		{"azure-native:keyvault:Key", "key", map[string]any{"resourceGroupName": "hh-rg", "vaultName": "hh-kv", "keyName": "database"},
			group + "/providers/Microsoft.KeyVault/vaults/hh-kv/keys/database",
			map[string]any{"keyUri": "https://hh-kv.vault.azure.net/keys/database"}},
		{"azure-native:dbforpostgresql/v20230601preview:Server", "pg", map[string]any{"resourceGroupName": "hh-rg", "serverName": "hh-pg"},
			group + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/hh-pg",
			map[string]any{"fullyQualifiedDomainName": "hh-pg.postgres.database.azure.com"}},
		{"azure-native:network:Subnet", "subnet", map[string]any{"resourceGroupName": "hh-rg", "virtualNetworkName": "hh-vnet", "subnetName": "nodes"},
			group + "/providers/Microsoft.Network/virtualNetworks/hh-vnet/subnets/nodes", nil},
		{"azure-native:authorization:RoleAssignment", "grant", map[string]any{"scope": group + "/providers/Microsoft.KeyVault/vaults/hh-kv", "roleAssignmentName": "g1"},
			group + "/providers/Microsoft.KeyVault/vaults/hh-kv/providers/Microsoft.Authorization/roleAssignments/g1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			out := state(tt.typ, tt.name, tt.inputs)
			assert.Equal(t, tt.id, out["id"])
			for k, v := range tt.outputs {
				assert.Equal(t, v, out[k], k)
			}
		})
	}
	id := state("azure-native:managedidentity:UserAssignedIdentity", "id", map[string]any{"resourceGroupName": "hh-rg", "resourceName": "hh-id"})
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`, id["principalId"], "a GUID, as Entra mints them")
	assert.NotEqual(t, id["principalId"], id["clientId"])
	key := state("azure-native:keyvault:Key", "key2", map[string]any{"resourceGroupName": "hh-rg", "vaultName": "hh-kv", "keyName": "logs"})
	assert.Regexp(t, `^https://hh-kv\.vault\.azure\.net/keys/logs/[0-9a-f]{32}$`, key["keyUriWithVersion"])
}
