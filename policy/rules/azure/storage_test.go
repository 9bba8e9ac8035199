package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// hardenedAccount is a storage account as the estate's SecureStorage component writes it.
func hardenedAccount(name string) map[string]any {
	return map[string]any{
		"accountName": name, "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"kind": "StorageV2", "sku": map[string]any{"name": "Standard_RAGZRS"},
		"minimumTlsVersion": "TLS1_2", "enableHttpsTrafficOnly": true,
		"allowBlobPublicAccess": false, "allowSharedKeyAccess": false, "allowCrossTenantReplication": false,
		"defaultToOAuthAuthentication": true, "publicNetworkAccess": "Disabled", "isLocalUserEnabled": false, "isSftpEnabled": false,
		"networkRuleSet": map[string]any{"defaultAction": "Deny", "bypass": "AzureServices, Logging, Metrics"},
		"identity":       map[string]any{"type": "UserAssigned", "userAssignedIdentities": []any{identityID}},
		"encryption": map[string]any{
			"keySource": "Microsoft.Keyvault", "requireInfrastructureEncryption": true,
			"keyVaultProperties": map[string]any{"keyName": "storage", "keyVaultUri": "https://hhprodkvuks.vault.azure.net/"},
			"encryptionIdentity": map[string]any{"encryptionUserAssignedIdentity": identityID},
			"services":           map[string]any{"blob": map[string]any{"enabled": true, "keyType": "Account"}, "file": map[string]any{"enabled": true, "keyType": "Account"}},
		},
	}
}

// immutableAccount is the audit archive: versioned WORM storage for the retention floor.
func immutableAccount(name string, days int64, state string) map[string]any {
	return with(hardenedAccount(name), "immutableStorageWithVersioning", map[string]any{
		"enabled":            true,
		"immutabilityPolicy": map[string]any{"immutabilityPeriodSinceCreationInDays": days, "state": state, "allowProtectedAppendWrites": true},
	})
}

// blobProperties are an account's blob service properties as SecureStorage writes them.
func blobProperties(account string) map[string]any {
	retention := map[string]any{"enabled": true, "days": int64(30)}
	return map[string]any{
		"accountName": account, "resourceGroupName": "hh-prod-rg", "blobServicesName": "default",
		"isVersioningEnabled": true, "deleteRetentionPolicy": retention, "containerDeleteRetentionPolicy": retention,
		"changeFeed": map[string]any{"enabled": true},
	}
}

// diagnosticSetting sends a resource's logs to the workspace and the archive.
func diagnosticSetting(name, resourceURI, archive string) rules.Resource {
	return res(TypeDiagnosticSetting, name, map[string]any{
		"resourceUri": resourceURI, "workspaceId": workspaceID, "storageAccountId": archive, "logAnalyticsDestinationType": "Dedicated",
		"logs": []any{map[string]any{"categoryGroup": "allLogs", "enabled": true}},
	})
}

func storageCases() []ruleCase {
	account := func(inputs map[string]any) rules.Resource { return res(TypeStorageAccount, "records", inputs) }
	good := hardenedAccount("hhprodrecords")
	props := func(inputs map[string]any) rules.Resource { return res(TypeBlobServiceProperties, "records", inputs) }
	goodProps := blobProperties("hhprodrecords")
	archive := func(inputs map[string]any) rules.Resource { return res(TypeStorageAccount, "archive", inputs) }
	activityExport := func(archiveID string) rules.Resource {
		return res(TypeSubscriptionDiagnosticSetting, "activity", map[string]any{
			"storageAccountId": archiveID, "workspaceId": workspaceID, "logs": []any{map[string]any{"categoryGroup": "allLogs", "enabled": true}},
		})
	}
	// At preview the archive's id is unknown; the setting refers to the archive it writes to
	// and to the account it watches.
	records, locked := account(good), archive(immutableAccount("hhprodarchive", 2190, "Locked"))
	trustedOnly := with(immutableAccount("hhprodarchive", 2190, "Locked"), "publicNetworkAccess", "Enabled")
	previewSetting := dependsOn(diagnosticSetting("records", rules.Unknown, rules.Unknown), records, locked)

	return []ruleCase{
		{"azure-storage-encrypted-cmk", "a key of the vault with infrastructure encryption", []rules.Resource{account(good)}, false, "", ""},
		{"azure-storage-encrypted-cmk", "Microsoft-managed keys", []rules.Resource{account(set(good, "encryption.keySource", "Microsoft.Storage"))}, true, `keySource is "Microsoft.Storage"`, ""},
		{"azure-storage-encrypted-cmk", "no key named", []rules.Resource{account(set(good, "encryption.keyVaultProperties", nil))}, true, "keyVaultProperties.keyName is not set", ""},
		{"azure-storage-encrypted-cmk", "one layer", []rules.Resource{account(set(good, "encryption.requireInfrastructureEncryption", nil))}, true, "requireInfrastructureEncryption must be true", ""},

		{"azure-storage-private", "private and Entra-only", []rules.Resource{account(good)}, false, "", ""},
		{"azure-storage-private", "anonymous access and replication left to Azure's defaults", []rules.Resource{account(with(with(good, "allowBlobPublicAccess", nil), "allowCrossTenantReplication", nil))}, false, "", ""},
		{"azure-storage-private", "a log archive open to trusted services alone", []rules.Resource{archive(trustedOnly), activityExport(archiveID)}, false, "", ""},
		{"azure-storage-private", "a flow log account open to trusted services alone, at preview", []rules.Resource{archive(trustedOnly), dependsOn(res(TypeFlowLog, "flows", map[string]any{"storageId": rules.Unknown, "targetResourceId": rules.Unknown}), archive(trustedOnly))}, false, "", ""},
		{"azure-storage-private", "public network access", []rules.Resource{account(with(good, "publicNetworkAccess", "Enabled"))}, true, `publicNetworkAccess is "Enabled"; must be Disabled`, ""},
		{"azure-storage-private", "a PHI account open to trusted services", []rules.Resource{account(with(good, "publicNetworkAccess", "Enabled")), archive(trustedOnly), activityExport(archiveID)}, true, `publicNetworkAccess is "Enabled"; must be Disabled`, ""},
		{"azure-storage-private", "a log archive open to the internet", []rules.Resource{archive(set(trustedOnly, "networkRuleSet.bypass", "None")), activityExport(archiveID)}, true, "Enabled for Azure's trusted services alone", ""},
		{"azure-storage-private", "a virtual network rule", []rules.Resource{account(set(good, "networkRuleSet.virtualNetworkRules", []any{map[string]any{"virtualNetworkResourceId": rules.Unknown}}))}, true, "networkRuleSet.virtualNetworkRules must be empty", ""},
		{"azure-storage-private", "firewall allows by default", []rules.Resource{account(set(good, "networkRuleSet.defaultAction", "Allow"))}, true, `networkRuleSet.defaultAction is "Allow"`, ""},
		{"azure-storage-private", "shared keys left to Azure's default", []rules.Resource{account(with(good, "allowSharedKeyAccess", nil))}, true, "allowSharedKeyAccess must be false", ""},
		{"azure-storage-private", "public blobs", []rules.Resource{account(with(good, "allowBlobPublicAccess", true))}, true, "allowBlobPublicAccess must be false", ""},
		{"azure-storage-private", "local users", []rules.Resource{account(with(good, "isLocalUserEnabled", true))}, true, "isLocalUserEnabled must be false: local users sign in", ""},
		{"azure-storage-private", "SFTP", []rules.Resource{account(with(with(good, "isHnsEnabled", true), "isSftpEnabled", true))}, true, "isSftpEnabled must be false", ""},
		{"azure-storage-private", "SFTP unknown at preview", []rules.Resource{account(with(good, "isSftpEnabled", rules.Unknown))}, true, "isSftpEnabled must be false", ""},

		{"azure-storage-tls", "TLS 1.2 over HTTPS", []rules.Resource{account(good)}, false, "", ""},
		{"azure-storage-tls", "secure transfer left to Azure's default", []rules.Resource{account(with(good, "enableHttpsTrafficOnly", nil))}, false, "", ""},
		{"azure-storage-tls", "TLS 1.0", []rules.Resource{account(with(good, "minimumTlsVersion", "TLS1_0"))}, true, `minimumTlsVersion is "TLS1_0"`, ""},
		{"azure-storage-tls", "plain HTTP", []rules.Resource{account(with(good, "enableHttpsTrafficOnly", false))}, true, "enableHttpsTrafficOnly is false", ""},

		{"azure-storage-blob-soft-delete-versioning", "versions and 30 days of soft delete", []rules.Resource{account(good), props(goodProps)}, false, "", ""},
		{"azure-storage-blob-soft-delete-versioning", "matched by reference while the name is unknown", []rules.Resource{account(good), dependsOn(props(with(goodProps, "accountName", rules.Unknown)), account(good))}, false, "", ""},
		{"azure-storage-blob-soft-delete-versioning", "a file share account", []rules.Resource{account(with(good, "kind", "FileStorage"))}, false, "", ""},
		{"azure-storage-blob-soft-delete-versioning", "no blob service properties", []rules.Resource{account(good)}, true, "no blob service properties of the stack", ""},
		{"azure-storage-blob-soft-delete-versioning", "another account's properties", []rules.Resource{account(good), props(blobProperties("hhprodother"))}, true, "no blob service properties", ""},
		{"azure-storage-blob-soft-delete-versioning", "no versions", []rules.Resource{account(good), props(with(goodProps, "isVersioningEnabled", nil))}, true, "isVersioningEnabled must be true", ""},
		{"azure-storage-blob-soft-delete-versioning", "a day of soft delete", []rules.Resource{account(good), props(set(goodProps, "deleteRetentionPolicy.days", int64(1)))}, true, "deleteRetentionPolicy must be enabled for at least 7 days (days is 1)", ""},
		{"azure-storage-blob-soft-delete-versioning", "soft-deleted blobs purgeable", []rules.Resource{account(good), props(set(goodProps, "deleteRetentionPolicy.allowPermanentDelete", true))}, true, "deleteRetentionPolicy.allowPermanentDelete must be false", ""},
		{"azure-storage-blob-soft-delete-versioning", "soft-deleted blobs kept from purge", []rules.Resource{account(good), props(set(goodProps, "deleteRetentionPolicy.allowPermanentDelete", false))}, false, "", ""},
		{"azure-storage-blob-soft-delete-versioning", "containers not kept", []rules.Resource{account(good), props(with(goodProps, "containerDeleteRetentionPolicy", nil))}, true, "containerDeleteRetentionPolicy must be enabled", ""},

		{"azure-storage-redundancy", "geo and zones in production", []rules.Resource{account(good)}, false, "", ""},
		{"azure-storage-redundancy", "zones in dev", []rules.Resource{account(set(good, "sku.name", "Standard_ZRS"))}, false, "", "dev"},
		{"azure-storage-redundancy", "zones in production", []rules.Resource{account(set(good, "sku.name", "Standard_ZRS"))}, true, `sku.name is "Standard_ZRS"; in production a geo-redundant SKU`, ""},
		{"azure-storage-redundancy", "one datacentre", []rules.Resource{account(set(good, "sku.name", "Standard_LRS"))}, true, "an LRS account loses its data with one datacentre", "dev"},

		{"azure-storage-audit-log-immutable", "a locked six-year archive", []rules.Resource{locked, activityExport(archiveID)}, false, "", ""},
		{"azure-storage-audit-log-immutable", "an unlocked archive in dev", []rules.Resource{archive(immutableAccount("hhprodarchive", 2190, "Unlocked")), activityExport(archiveID)}, false, "", "dev"},
		{"azure-storage-audit-log-immutable", "an account no log goes to", []rules.Resource{account(good)}, false, "", ""},
		{"azure-storage-audit-log-immutable", "at preview, the watched account is not the archive", []rules.Resource{records, locked, previewSetting}, false, "", ""},
		{"azure-storage-audit-log-immutable", "an unlocked archive in production, its first deployment", []rules.Resource{archive(immutableAccount("hhprodarchive", 2190, "Unlocked")), activityExport(archiveID)}, false, "", ""},
		{"azure-storage-audit-log-locked", "a locked archive in production", []rules.Resource{locked, activityExport(archiveID)}, false, "", ""},
		{"azure-storage-audit-log-locked", "an unlocked archive in dev", []rules.Resource{archive(immutableAccount("hhprodarchive", 2190, "Unlocked")), activityExport(archiveID)}, false, "", "dev"},
		{"azure-storage-audit-log-locked", "an account no log goes to", []rules.Resource{account(good)}, false, "", ""},
		{"azure-storage-audit-log-locked", "an unlocked archive in production", []rules.Resource{archive(immutableAccount("hhprodarchive", 2190, "Unlocked")), activityExport(archiveID)}, true, `immutabilityPolicy.state is "Unlocked"; lock it`, ""},
		{"azure-storage-audit-log-immutable", "a year of immutability", []rules.Resource{archive(immutableAccount("hhprodarchive", 365, "Locked")), activityExport(archiveID)}, true, "immutabilityPeriodSinceCreationInDays is 365; at least 2190", ""},
		{"azure-storage-audit-log-immutable", "a mutable archive of a resource's logs", []rules.Resource{archive(hardenedAccount("hhprodarchive")), diagnosticSetting("kv", vaultID, archiveID)}, true, "the account archives logs: immutableStorageWithVersioning.enabled must be true", ""},
		{"azure-storage-audit-log-immutable", "a disabled policy in dev", []rules.Resource{archive(immutableAccount("hhprodarchive", 2190, "Disabled")), activityExport(archiveID)}, true, `state is "Disabled"; must be Unlocked or Locked`, "dev"},
		{"azure-storage-audit-log-immutable", "at preview, by reference", []rules.Resource{archive(hardenedAccount("hhprodarchive")), dependsOn(activityExport(rules.Unknown), archive(hardenedAccount("hhprodarchive")))}, true, "immutableStorageWithVersioning.enabled must be true", ""},
	}
}
