package azure

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const rsVault = "azure-native:recoveryservices/v20241001:Vault"

var (
	backupKey      = "https://hhkvuks.vault.azure.net/keys/backup"
	backupIdentity = azurekittest.ResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", "hh-id-backup")
)

func recoveryArgs(mutate func(*DisasterRecoveryArgs)) *DisasterRecoveryArgs {
	a := &DisasterRecoveryArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Location: azurekittest.PrimaryLocation,
		KeyUri: pulumi.String(backupKey), IdentityId: pulumi.String(backupIdentity), Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDisasterRecoveryDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		d, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("vaultId", d.VaultId)
		ctx.Export("vaultName", d.VaultName)
		return nil
	})
	const v = "hh-rsv"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: rsVault, Name: v, Path: "vaultName", Want: v},
		{Type: rsVault, Name: v, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: rsVault, Name: v, Path: "location", Want: azurekittest.PrimaryLocation},
		{Type: rsVault, Name: v, Path: "sku.name", Want: "RS0"},
		{Type: rsVault, Name: v, Path: "sku.tier", Want: "Standard"},
		{Type: rsVault, Name: v, Path: "identity.type", Want: "UserAssigned"},
		{Type: rsVault, Name: v, Path: "identity.userAssignedIdentities", Want: []any{backupIdentity}},
		{Type: rsVault, Name: v, Path: "properties.publicNetworkAccess", Want: "Disabled"},
		{Type: rsVault, Name: v, Path: "properties.securitySettings.immutabilitySettings.state", Want: "Locked"},
		{Type: rsVault, Name: v, Path: "properties.securitySettings.softDeleteSettings.softDeleteState", Want: "AlwaysON"},
		{Type: rsVault, Name: v, Path: "properties.securitySettings.softDeleteSettings.softDeleteRetentionPeriodInDays", Want: int64(14)},
		{Type: rsVault, Name: v, Path: "properties.securitySettings.softDeleteSettings.enhancedSecurityState", Want: "AlwaysON"},
		{Type: rsVault, Name: v, Path: "properties.redundancySettings.standardTierStorageRedundancy", Want: "GeoRedundant"},
		{Type: rsVault, Name: v, Path: "properties.redundancySettings.crossRegionRestore", Want: "Enabled"},
		{Type: rsVault, Name: v, Path: "properties.encryption.keyVaultProperties.keyUri", Want: backupKey},
		{Type: rsVault, Name: v, Path: "properties.encryption.kekIdentity.userAssignedIdentity", Want: backupIdentity},
		{Type: rsVault, Name: v, Path: "properties.encryption.infrastructureEncryption", Want: "Enabled"},
		{Type: rsVault, Name: v, Path: "properties.restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState", Want: "Disabled"},
		{Type: rsVault, Name: v, Path: "properties.monitoringSettings.azureMonitorAlertSettings.alertsForAllJobFailures", Want: "Enabled"},
		{Type: rsVault, Name: v, Path: "properties.monitoringSettings.classicAlertSettings.alertsForCriticalOperations", Want: "Disabled"},
		{Type: rsVault, Name: v, Path: "tags.data-classification", Want: "phi"},
	})
	vault, _ := m.Find(rsVault, v)
	_, system := vault.Get("properties.encryption.kekIdentity.useSystemAssignedIdentity")
	assert.False(t, system, "the key is used through the user-assigned identity only")
	assert.Equal(t, azurekittest.ResourceID("Microsoft.RecoveryServices", "vaults", v), m.Outputs()["vaultId"].Value)
	assert.Equal(t, v, m.Outputs()["vaultName"].Value)
	assert.Empty(t, azurekittest.Violations(m, "production"), "the vault passes the whole policy pack")
}

func TestDisasterRecoveryProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
			_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(func(a *DisasterRecoveryArgs) { a.Protect = protect }), pulumi.Provider(p.Primary))
			return err
		})
		vault, ok := m.Find(rsVault, "hh-rsv")
		require.True(t, ok)
		assert.Equal(t, protect, vault.Protect)
		assert.Equal(t, protect, vault.RetainOnDelete)
		state, _ := vault.Get("properties.securitySettings.immutabilitySettings.state")
		want := map[bool]string{true: "Locked", false: "Unlocked"}[protect]
		assert.Equal(t, want, state, "immutable everywhere, locked in production only: a lock cannot be undone")
		soft, _ := vault.Get("properties.securitySettings.softDeleteSettings.softDeleteState")
		assert.Equal(t, "AlwaysON", soft, "soft delete does not depend on the environment")
		if !protect {
			assert.Empty(t, azurekittest.Violations(m, "dev"), "dev is smaller, not weaker")
		}
	}
}

func TestDisasterRecoveryArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DisasterRecoveryArgs)
		want   string
	}{
		{"bad prefix", func(a *DisasterRecoveryArgs) { a.Prefix = "HH" }, `DisasterRecovery: Prefix = "HH": must be 2 to 10 lowercase letters or digits`},
		{"long prefix", func(a *DisasterRecoveryArgs) { a.Prefix = "healthhubprod" }, `DisasterRecovery: Prefix = "healthhubprod"`},
		{"no location", func(a *DisasterRecoveryArgs) { a.Location = "" }, `DisasterRecovery: Location = "": must be an Azure location`},
		{"no resource group", func(a *DisasterRecoveryArgs) { a.ResourceGroupName = nil }, "DisasterRecovery: ResourceGroupName = <nil>: required"},
		{"no key", func(a *DisasterRecoveryArgs) { a.KeyUri = nil }, "DisasterRecovery: KeyUri = <nil>: required"},
		{"no identity", func(a *DisasterRecoveryArgs) { a.IdentityId = nil }, "DisasterRecovery: IdentityId = <nil>: required"},
		{"untagged", func(a *DisasterRecoveryArgs) { a.Tags = nil }, "DisasterRecovery: Tags = map[]: must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
