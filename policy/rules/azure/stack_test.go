package azure

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

// hardenedStack is a whole production estate on Azure as the components build it, every
// fixture the family tables start from in one stack.
func hardenedStack() []rules.Resource {
	const admin, workload = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
	replica := inRegion(res(TypePostgresServer, "db-dr", replicaServer()), "ukwest")
	replicaID := "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/hh-prod-dr-rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/hh-prod-db-dr"
	all := []rules.Resource{
		provider,
		res(TypeVault, "kv", hardenedVault()),
		res(TypeKey, "database", rotatingKey()),
		res(TypeSecret, "db-url", map[string]any{"secretName": "db-url", "vaultName": "hhprodkvuks", "properties": map[string]any{"value": rules.Secret}, "tags": tags()}),
		grant("kv-admin", roleKeyVaultAdministrator, admin, vaultID),
		grant("db-key", roleKeyVaultEncryptionUser, workload, vaultID+"/keys/database"),
		res(TypeStorageAccount, "records", hardenedAccount("hhprodrecords")),
		res(TypeBlobServiceProperties, "records", blobProperties("hhprodrecords")),
		res(TypeStorageAccount, "archive", immutableAccount("hhprodarchive", 2190, "Locked")),
		res(TypeBlobServiceProperties, "archive", blobProperties("hhprodarchive")),
		res(TypePostgresServer, "db", primaryServer()),
		replica,
		res(TypePostgresAdministrator, "db-admin", map[string]any{"serverName": "hh-prod-db", "objectId": "33333333-3333-3333-3333-333333333333", "principalType": "Group"}),
		res(TypeManagedCluster, "aks", hardenedCluster()),
		res(TypeAgentPool, "app", appPool()),
		res(TypeDiskEncryptionSet, "aks-disks", map[string]any{"activeKey": map[string]any{"keyUrl": rules.Unknown}, "rotationToLatestKeyVersionEnabled": true, "tags": tags()}),
		res(TypeApplicationGateway, "agw", hardenedGateway()),
		res(TypeWAFPolicy, "waf", preventionPolicy()),
		res(TypeWorkspace, "logs", map[string]any{"workspaceName": "hh-prod-logs", "retentionInDays": int64(365), "features": map[string]any{"disableLocalAuth": true}, "tags": tags()}),
		res(TypeTable, "AKSAudit", map[string]any{"tableName": "AKSAudit", "workspaceName": "hh-prod-logs", "totalRetentionInDays": int64(2190)}),
		res(TypeRecoveryVault, "rsv", hardenedRecoveryVault()),
		gatewayNSG(),
		vnet(subnet("gateway", "10.20.1.0/24", rules.Unknown)),
		flowLog(group+"/providers/Microsoft.Network/virtualNetworks/hh-prod-vnet", map[string]any{"enabled": true, "days": int64(90)}),
		activityExport(),
	}
	for _, d := range []struct{ name, uri string }{
		{"kv", vaultID}, {"records", recordsID + "/blobServices/default"}, {"archive", archiveID + "/blobServices/default"},
		{"db", serverID}, {"db-dr", replicaID}, {"aks", clusterID}, {"agw", gatewayID}, {"rsv", backupsID}, {"logs", workspaceID},
	} {
		all = append(all, diagnosticSetting(d.name, d.uri, archiveID))
	}
	all = append(all, serverParameters("hh-prod-db", append(append([]string{}, tlsSettings...), auditSettings...)...)...)
	all = append(all, serverParameters("hh-prod-db-dr", append(append([]string{}, tlsSettings...), replicaAuditSettings...)...)...)
	return append(all, securityAlerting()...)
}

// TestHardenedStackPassesEveryRule holds the fixtures to every rule at once, so a passing
// fixture of one rule is not a violation of another.
func TestHardenedStackPassesEveryRule(t *testing.T) {
	assert.Empty(t, rules.Evaluate(Rules, hardenedStack(), rulestest.AzureConfig))
	dev := rulestest.AzureConfig
	dev.Environment = "dev"
	assert.Empty(t, rules.Evaluate(Rules, hardenedStack(), dev))
}
