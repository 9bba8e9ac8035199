package azure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// storageEncrypted: Microsoft-managed keys encrypt by default; a key of the estate's vault lets
// the organisation revoke access to the data by revoking the key, and infrastructure
// encryption adds a second layer under another key and algorithm (Prowler
// storage_ensure_encryption_with_customer_managed_keys, storage_infrastructure_encryption_is_enabled).
var storageEncrypted = rules.Rule{
	Name:        "azure-storage-encrypted-cmk",
	Cloud:       rules.CloudAzure,
	Description: "Storage accounts encrypt with a customer-managed Key Vault key (encryption.keySource Microsoft.Keyvault with keyVaultProperties.keyName and keyVaultUri) and require infrastructure encryption.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "the key passes; the source and the switch fail",
	Level:       rules.Mandatory,
	Types:       versions(TypeStorageAccount),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const e = "encryption."
		var out []string
		if s := rules.Str(r.Inputs, e+"keySource"); !oneOf(s, "Microsoft.Keyvault") {
			out = append(out, fmt.Sprintf(e+"keySource is %q; must be Microsoft.Keyvault: the data would be under a Microsoft-managed key", s))
		}
		for _, k := range []string{"keyName", "keyVaultUri"} {
			if !rules.Present(r.Inputs, e+"keyVaultProperties."+k) {
				out = append(out, e+"keyVaultProperties."+k+" is not set")
			}
		}
		if !rules.BoolTrue(r.Inputs, e+"requireInfrastructureEncryption") {
			out = append(out, e+"requireInfrastructureEncryption must be true")
		}
		return out
	},
}

// storagePrivate: blobs are reached through a private endpoint and by Entra identities only
// (Azure Policy 34c877ad, 4fa4b6c0, 8c6a50c6). A shared key is a password to the whole
// account that no log ties to a person; local users, whom SFTP signs in, hold passwords and
// SSH keys the account checks itself, outside Entra ID; anonymous blob access would publish
// PHI; cross-tenant replication would copy it out of the organisation. Azure Monitor's
// diagnostic export and flow logs write through the public endpoint as trusted services,
// which a disabled endpoint refuses too, so an account they write to may keep the endpoint
// on behind a firewall that admits nothing but them.
var storagePrivate = rules.Rule{
	Name:        "azure-storage-private",
	Cloud:       rules.CloudAzure,
	Description: "Storage accounts refuse public network access (publicNetworkAccess Disabled; an account diagnostic settings or flow logs write to may leave it Enabled for Azure's trusted services alone), deny by default (networkRuleSet.defaultAction Deny, no IP or virtual network rules), and refuse shared key access (allowSharedKeyAccess false), local users and SFTP (isLocalUserEnabled, isSftpEnabled), anonymous blob access and cross-tenant replication.",
	Sections:    []rules.Section{rules.AccessControl, rules.Authentication},
	Unknown:     "fails; a log destination is matched by the id a setting or flow log names, else by reference",
	Level:       rules.Mandatory,
	Types:       versions(TypeStorageAccount, TypeDiagnosticSetting, TypeSubscriptionDiagnosticSetting, TypeFlowLog),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, a := range of(all, TypeStorageAccount) {
			if msgs := storagePrivateFindings(a, receivesLogs(all, a)); len(msgs) > 0 {
				out = append(out, rules.Finding{URN: a.URN, Message: strings.Join(msgs, "; ")})
			}
		}
		return out
	},
}

func storagePrivateFindings(r rules.Resource, logDestination bool) []string {
	var out []string
	switch a := rules.Str(r.Inputs, "publicNetworkAccess"); {
	case oneOf(a, "Disabled"):
	case logDestination && oneOf(a, "Enabled") && strings.Contains(strings.ToLower(rules.Str(r.Inputs, "networkRuleSet.bypass")), "azureservices"):
	case logDestination:
		out = append(out, fmt.Sprintf("publicNetworkAccess is %q; must be Disabled, or Enabled for Azure's trusted services alone (networkRuleSet.bypass AzureServices) on an account logs are written to", a))
	default:
		out = append(out, fmt.Sprintf("publicNetworkAccess is %q; must be Disabled", a))
	}
	if a := rules.Str(r.Inputs, "networkRuleSet.defaultAction"); !oneOf(a, "Deny") {
		out = append(out, fmt.Sprintf("networkRuleSet.defaultAction is %q; must be Deny", a))
	}
	for _, list := range []string{"ipRules", "virtualNetworkRules"} {
		if v, ok := rules.Get(r.Inputs, "networkRuleSet."+list); ok && (rules.IsUnknown(v) || len(rules.List(r.Inputs, "networkRuleSet."+list)) > 0) {
			out = append(out, "networkRuleSet."+list+" must be empty")
		}
	}
	// Shared keys are on unless an account turns them off.
	if v, _ := rules.Get(r.Inputs, "allowSharedKeyAccess"); v != false {
		out = append(out, "allowSharedKeyAccess must be false: a shared key opens the whole account to whoever holds it")
	}
	for _, off := range []string{"isLocalUserEnabled", "isSftpEnabled"} {
		if rules.ExplicitlyTrue(r.Inputs, off) {
			out = append(out, off+" must be false: local users sign in with the account's own keys and passwords, outside Entra ID")
		}
	}
	for _, off := range []string{"allowBlobPublicAccess", "allowCrossTenantReplication"} {
		if rules.ExplicitlyTrue(r.Inputs, off) {
			out = append(out, off+" must be false")
		}
	}
	return out
}

// receivesLogs: a diagnostic setting archives logs to the account, or a flow log writes to it.
func receivesLogs(all []rules.Resource, account rules.Resource) bool {
	return archivesLogs(all, account) || slices.ContainsFunc(of(all, TypeFlowLog), func(f rules.Resource) bool {
		return rules.Present(f.Inputs, "storageId") && writesTo(all, f, "storageId", account, "targetResourceId")
	})
}

// storageTLS: Azure still accepts TLS 1.0 on an account that asks for no minimum, and plain
// HTTP on one that turns secure transfer off (Prowler storage_ensure_minimum_tls_version_12,
// storage_secure_transfer_required_is_enabled).
var storageTLS = rules.Rule{
	Name:        "azure-storage-tls",
	Cloud:       rules.CloudAzure,
	Description: "Storage accounts refuse anything under TLS 1.2 (minimumTlsVersion TLS1_2 or later) and plain HTTP (enableHttpsTrafficOnly, true unless turned off).",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeStorageAccount),
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if v := rules.Str(r.Inputs, "minimumTlsVersion"); !oneOf(v, "TLS1_2", "TLS1_3") {
			out = append(out, fmt.Sprintf("minimumTlsVersion is %q; must be TLS1_2 or TLS1_3", v))
		}
		if v, ok := rules.Get(r.Inputs, "enableHttpsTrafficOnly"); ok && v != true {
			out = append(out, fmt.Sprintf("enableHttpsTrafficOnly is %v; must stay true", v))
		}
		return out
	},
}

// minSoftDeleteDays is the least a deleted blob or container stays restorable: a week covers
// a mistake found at the next weekly review.
const minSoftDeleteDays = 7

// blobAccount is an account with a blob service; a file-only account has none.
func blobAccount(r rules.Resource) bool { return !oneOf(rules.Str(r.Inputs, "kind"), "FileStorage") }

// storageBlobRecovery: versions keep every overwritten blob, soft delete every deleted blob and
// container, so neither a mistake nor ransomware with the account's data role loses PHI
// (Prowler storage_ensure_soft_delete_is_enabled, storage_blob_versioning_is_enabled). Azure
// keeps these in the account's blob service properties, a resource of its own.
var storageBlobRecovery = rules.Rule{
	Name:        "azure-storage-blob-soft-delete-versioning",
	Cloud:       rules.CloudAzure,
	Description: "Every storage account with a blob service has blob service properties in the stack that keep blob versions (isVersioningEnabled) and soft-delete blobs and containers for at least 7 days, with no permanent delete of soft-deleted blobs and versions (deleteRetentionPolicy.allowPermanentDelete).",
	Sections:    []rules.Section{rules.Integrity, rules.ContingencyPlan},
	Unknown:     "settings fail; the account is matched by accountName, else by reference",
	Level:       rules.Mandatory,
	Types:       versions(TypeStorageAccount, TypeBlobServiceProperties),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		props := of(all, TypeBlobServiceProperties)
		for _, p := range props {
			if msgs := blobRecoveryFindings(p); len(msgs) > 0 {
				out = append(out, rules.Finding{URN: p.URN, Message: strings.Join(msgs, "; ")})
			}
		}
		for _, a := range of(all, TypeStorageAccount) {
			if !blobAccount(a) {
				continue
			}
			if !slices.ContainsFunc(props, func(p rules.Resource) bool { return ofAccount(p, a) }) {
				out = append(out, rules.Finding{URN: a.URN, Message: "no blob service properties of the stack keep this account's blob versions and soft-deleted blobs"})
			}
		}
		return out
	},
}

// ofAccount: a child of a storage account names it by accountName, or refers to it.
func ofAccount(child, account rules.Resource) bool {
	if name := rules.Known(rules.Str(child.Inputs, "accountName")); name != "" && nameOf(account) != "" {
		return strings.EqualFold(name, nameOf(account))
	}
	return slices.Contains(child.Dependencies, account.URN)
}

func blobRecoveryFindings(p rules.Resource) []string {
	var out []string
	if !rules.BoolTrue(p.Inputs, "isVersioningEnabled") {
		out = append(out, "isVersioningEnabled must be true")
	}
	for _, policy := range []string{"deleteRetentionPolicy", "containerDeleteRetentionPolicy"} {
		days, _ := rules.Number(p.Inputs, policy+".days")
		if !rules.BoolTrue(p.Inputs, policy+".enabled") || days < minSoftDeleteDays {
			out = append(out, fmt.Sprintf("%s must be enabled for at least %d days (days is %d)", policy, minSoftDeleteDays, days))
		}
	}
	if rules.ExplicitlyTrue(p.Inputs, "deleteRetentionPolicy.allowPermanentDelete") {
		out = append(out, "deleteRetentionPolicy.allowPermanentDelete must be false: whoever holds the data role could purge the soft-deleted blobs and versions")
	}
	return out
}

// Storage redundancy SKUs. LRS keeps three copies in one datacentre; ZRS spreads them over the
// region's zones; the geo SKUs add three more in the paired region.
var (
	localSKUs = []string{"Standard_LRS", "Premium_LRS", "StandardV2_LRS", "PremiumV2_LRS"}
	geoSKUs   = []string{"Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS", "StandardV2_GRS", "StandardV2_GZRS"}
)

// storageRedundancy: a zone's loss must not lose PHI, and in production neither must the
// region's (Prowler storage_geo_redundant_enabled).
var storageRedundancy = rules.Rule{
	Name:        "azure-storage-redundancy",
	Cloud:       rules.CloudAzure,
	Description: "Storage accounts keep their data across zones at least (no LRS SKU) and, in production, in the paired region too (a GRS, RA-GRS, GZRS or RA-GZRS SKU).",
	Sections:    []rules.Section{rules.ContingencyPlan, rules.DataBackupPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeStorageAccount),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		switch sku := rules.Str(r.Inputs, "sku.name"); {
		case sku == "" || rules.IsUnknown(sku):
			return []string{fmt.Sprintf("sku.name is %q; name a zone- or geo-redundant SKU", sku)}
		case oneOf(sku, localSKUs...):
			return []string{fmt.Sprintf("sku.name is %q; an LRS account loses its data with one datacentre: use ZRS at least", sku)}
		case cfg.Production() && !oneOf(sku, geoSKUs...):
			return []string{fmt.Sprintf("sku.name is %q; in production a geo-redundant SKU (Standard_GZRS, Standard_RAGZRS, Standard_GRS or Standard_RAGRS)", sku)}
		}
		return nil
	},
}

// storageAuditImmutable: the accounts diagnostic settings archive logs to keep them the
// retention floor, six years by default (164.316(b)(2)(i)), in WORM storage: no log can be
// changed or deleted before then. Whether the policy itself is locked is storageAuditLocked's:
// ARM creates a policy Unlocked and locks it only on an update, so a production archive's
// first deployment is unlocked by necessity.
var storageAuditImmutable = rules.Rule{
	Name:        "azure-storage-audit-log-immutable",
	Cloud:       rules.CloudAzure,
	Description: "Every storage account a diagnostic setting (of a resource or of the subscription) archives logs to keeps them immutable (immutableStorageWithVersioning enabled, its policy Unlocked or Locked) at least the retention floor (immutabilityPolicy.immutabilityPeriodSinceCreationInDays, six years by default).",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention, rules.Integrity},
	Unknown:     "settings fail; the destination is matched by the storageAccountId it names, else by reference",
	Level:       rules.Mandatory,
	Types:       versions(TypeStorageAccount, TypeDiagnosticSetting, TypeSubscriptionDiagnosticSetting),
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, a := range of(all, TypeStorageAccount) {
			if !archivesLogs(all, a) {
				continue
			}
			const w = "immutableStorageWithVersioning."
			var msgs []string
			if !rules.BoolTrue(a.Inputs, w+"enabled") {
				msgs = append(msgs, w+"enabled must be true")
			}
			if days, _ := rules.Number(a.Inputs, w+"immutabilityPolicy.immutabilityPeriodSinceCreationInDays"); days < int64(cfg.RetentionFloorDays) {
				msgs = append(msgs, fmt.Sprintf(w+"immutabilityPolicy.immutabilityPeriodSinceCreationInDays is %d; at least %d", days, cfg.RetentionFloorDays))
			}
			if state := rules.Str(a.Inputs, w+"immutabilityPolicy.state"); !oneOf(state, "Locked", "Unlocked") {
				msgs = append(msgs, fmt.Sprintf(w+"immutabilityPolicy.state is %q; must be Unlocked or Locked", state))
			}
			if len(msgs) > 0 {
				out = append(out, rules.Finding{URN: a.URN, Message: "the account archives logs: " + strings.Join(msgs, "; ")})
			}
		}
		return out
	},
}

// storageAuditLocked: in production the archive's immutability policy is locked, so no one,
// the subscription's owners included, can shorten it or delete it (the Azure counterpart of a
// locked bucket retention policy). Advisory because a production archive's first deployment
// cannot be locked (healthhub:azure.auditArchiveUnlocked): the next deployment locks it, and
// until then the logs are immutable all the same.
var storageAuditLocked = rules.Rule{
	Name:        "azure-storage-audit-log-locked",
	Cloud:       rules.CloudAzure,
	Description: "In production, every storage account a diagnostic setting archives logs to has its immutability policy Locked (immutableStorageWithVersioning.immutabilityPolicy.state), which no one can shorten or remove; ARM creates the policy Unlocked, so the first deployment is locked by the next.",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention, rules.Integrity},
	Unknown:     "fails (taken as unlocked)",
	Level:       rules.Advisory,
	Types:       versions(TypeStorageAccount, TypeDiagnosticSetting, TypeSubscriptionDiagnosticSetting),
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		if !cfg.Production() {
			return nil
		}
		var out []rules.Finding
		for _, a := range of(all, TypeStorageAccount) {
			const state = "immutableStorageWithVersioning.immutabilityPolicy.state"
			if s := rules.Str(a.Inputs, state); archivesLogs(all, a) && !oneOf(s, "Locked") {
				out = append(out, rules.Finding{URN: a.URN, Message: fmt.Sprintf("the account archives logs and %s is %q; lock it (deploy again without healthhub:azure.auditArchiveUnlocked)", state, s)})
			}
		}
		return out
	},
}

// archivesLogs: a diagnostic setting of the stack names the account as where it archives logs.
func archivesLogs(all []rules.Resource, account rules.Resource) bool {
	return slices.ContainsFunc(append(of(all, TypeDiagnosticSetting), of(all, TypeSubscriptionDiagnosticSetting)...), func(d rules.Resource) bool {
		_, set := rules.Get(d.Inputs, "storageAccountId")
		return set && writesTo(all, d, "storageAccountId", account, "resourceUri")
	})
}

// writesTo: the resource names the account as its destination at path. While that id is
// unknown it is the one account the resource refers to that its source (the id at source)
// does not name; a resource that refers to two (the account it watches and the one it writes
// to, both unknown) points at neither.
func writesTo(all []rules.Resource, r rules.Resource, path string, account rules.Resource, source string) bool {
	if id := rules.Str(r.Inputs, path); rules.Known(id) != "" {
		return idNames(id, account)
	}
	var candidates []string
	for _, a := range of(all, TypeStorageAccount) {
		if slices.Contains(r.Dependencies, a.URN) && !idNames(rules.Str(r.Inputs, source), a) {
			candidates = append(candidates, a.URN)
		}
	}
	return len(candidates) == 1 && candidates[0] == account.URN
}
