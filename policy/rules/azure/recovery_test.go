package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// hardenedRecoveryVault is a Recovery Services vault as the DisasterRecovery component writes
// it in production.
func hardenedRecoveryVault() map[string]any {
	return map[string]any{
		"vaultName": "hh-prod-rsv", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"sku":      map[string]any{"name": "RS0", "tier": "Standard"},
		"identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{identityID: map[string]any{}}},
		"properties": map[string]any{
			"publicNetworkAccess": "Disabled",
			"securitySettings": map[string]any{
				"immutabilitySettings": map[string]any{"state": "Locked"},
				"softDeleteSettings":   map[string]any{"softDeleteState": "AlwaysON", "softDeleteRetentionPeriodInDays": int64(14), "enhancedSecurityState": "AlwaysON"},
			},
			"redundancySettings": map[string]any{"standardTierStorageRedundancy": "GeoRedundant", "crossRegionRestore": "Enabled"},
			"restoreSettings":    map[string]any{"crossSubscriptionRestoreSettings": map[string]any{"crossSubscriptionRestoreState": "Disabled"}},
			"encryption": map[string]any{
				"keyVaultProperties":       map[string]any{"keyUri": rules.Unknown},
				"kekIdentity":              map[string]any{"userAssignedIdentity": identityID},
				"infrastructureEncryption": "Enabled",
			},
		},
	}
}

func recoveryCases() []ruleCase {
	vault := func(inputs map[string]any) rules.Resource { return res(TypeRecoveryVault, "rsv", inputs) }
	good := hardenedRecoveryVault()
	const s = "properties.securitySettings."
	const xsub = "properties.restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState"

	return []ruleCase{
		{"azure-recoveryservices-immutable", "locked, always soft-deleted", []rules.Resource{vault(good)}, false, "", ""},
		{"azure-recoveryservices-immutable", "unlocked in dev", []rules.Resource{vault(set(set(good, s+"immutabilitySettings.state", "Unlocked"), s+"softDeleteSettings.softDeleteState", "Enabled"))}, false, "", "dev"},
		{"azure-recoveryservices-immutable", "unlocked in production", []rules.Resource{vault(set(good, s+"immutabilitySettings.state", "Unlocked"))}, true, `immutabilitySettings.state is "Unlocked"; must be Locked in production`, ""},
		{"azure-recoveryservices-immutable", "no immutability in dev", []rules.Resource{vault(set(good, s+"immutabilitySettings", nil))}, true, `immutabilitySettings.state is ""; must be Unlocked or Locked`, "dev"},
		{"azure-recoveryservices-immutable", "soft delete switchable in production", []rules.Resource{vault(set(good, s+"softDeleteSettings.softDeleteState", "Enabled"))}, true, `softDeleteState is "Enabled"; must be AlwaysON in production`, ""},
		{"azure-recoveryservices-immutable", "soft delete off", []rules.Resource{vault(set(good, s+"softDeleteSettings.softDeleteState", "Disabled"))}, true, `softDeleteState is "Disabled"; must be Enabled or AlwaysON`, "dev"},

		{"azure-recoveryservices-hardened", "the estate's key, private, geo-redundant", []rules.Resource{vault(good)}, false, "", ""},
		{"azure-recoveryservices-hardened", "the default API version's vault", []rules.Resource{res("azure-native:recoveryservices:Vault", "rsv", good)}, false, "", ""},
		{"azure-recoveryservices-hardened", "locally redundant in dev", []rules.Resource{vault(set(good, "properties.redundancySettings", nil))}, false, "", "dev"},
		{"azure-recoveryservices-hardened", "Microsoft-managed key", []rules.Resource{vault(set(good, "properties.encryption", nil))}, true, "keyVaultProperties.keyUri is not set", ""},
		{"azure-recoveryservices-hardened", "no identity for the key", []rules.Resource{vault(set(good, "properties.encryption.kekIdentity", nil))}, true, "kekIdentity names no identity", ""},
		{"azure-recoveryservices-hardened", "one layer", []rules.Resource{vault(set(good, "properties.encryption.infrastructureEncryption", "Disabled"))}, true, `infrastructureEncryption is "Disabled"`, ""},
		{"azure-recoveryservices-hardened", "public", []rules.Resource{vault(set(good, "properties.publicNetworkAccess", "Enabled"))}, true, `publicNetworkAccess is "Enabled"`, ""},
		{"azure-recoveryservices-hardened", "locally redundant in production", []rules.Resource{vault(set(good, "properties.redundancySettings.standardTierStorageRedundancy", "LocallyRedundant"))}, true, `standardTierStorageRedundancy is "LocallyRedundant"; must be GeoRedundant`, ""},
		{"azure-recoveryservices-hardened", "restores into this subscription only, for good", []rules.Resource{vault(set(good, xsub, "PermanentlyDisabled"))}, false, "", ""},
		{"azure-recoveryservices-hardened", "restores into another subscription", []rules.Resource{vault(set(good, xsub, "Enabled"))}, true, `crossSubscriptionRestoreState is "Enabled"; must be Disabled or PermanentlyDisabled`, "dev"},
		{"azure-recoveryservices-hardened", "cross-subscription restore left to Azure's default", []rules.Resource{vault(set(good, "properties.restoreSettings", nil))}, true, `crossSubscriptionRestoreState is ""`, ""},
		{"azure-recoveryservices-hardened", "no cross-region restore", []rules.Resource{vault(set(good, "properties.redundancySettings.crossRegionRestore", "Disabled"))}, true, `crossRegionRestore is "Disabled"`, ""},
	}
}
