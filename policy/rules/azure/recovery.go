package azure

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// recoveryImmutable: backups are the last copy after ransomware, so no one with the vault's
// roles can delete them early or turn their protection off (Azure Policy d6f6f560, 31b8092a).
// Immutability and always-on soft delete are irreversible, so outside production a vault may
// keep them unlocked and switchable while the team tries things out.
var recoveryImmutable = rules.Rule{
	Name:        "azure-recoveryservices-immutable",
	Cloud:       rules.CloudAzure,
	Description: "Recovery Services vaults keep backups immutable and soft-deleted (properties.securitySettings.immutabilitySettings.state Unlocked or Locked, softDeleteSettings.softDeleteState Enabled or AlwaysON) and, in production, irreversibly so (Locked, AlwaysON).",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.Integrity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeRecoveryVault),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		const s = "properties.securitySettings."
		var out []string
		immutability, softDelete := rules.Str(r.Inputs, s+"immutabilitySettings.state"), rules.Str(r.Inputs, s+"softDeleteSettings.softDeleteState")
		switch {
		case cfg.Production() && !oneOf(immutability, "Locked"):
			out = append(out, fmt.Sprintf(s+"immutabilitySettings.state is %q; must be Locked in production", immutability))
		case !oneOf(immutability, "Locked", "Unlocked"):
			out = append(out, fmt.Sprintf(s+"immutabilitySettings.state is %q; must be Unlocked or Locked", immutability))
		}
		switch {
		case cfg.Production() && !oneOf(softDelete, "AlwaysON"):
			out = append(out, fmt.Sprintf(s+"softDeleteSettings.softDeleteState is %q; must be AlwaysON in production", softDelete))
		case !oneOf(softDelete, "AlwaysON", "Enabled"):
			out = append(out, fmt.Sprintf(s+"softDeleteSettings.softDeleteState is %q; must be Enabled or AlwaysON", softDelete))
		}
		return out
	},
}

// recoveryHardened: backups are PHI like the data they copy: under the estate's key with a
// second layer of infrastructure encryption, reached over private endpoints, restored into
// this subscription only (Azure allows a restore into any subscription of the tenant unless
// the vault says otherwise, where none of the estate's controls reach the copy), and in
// production copied to the paired region, where they can be restored if the primary region is
// lost (Azure Policy 2e94d99a, 9ebbbba3).
var recoveryHardened = rules.Rule{
	Name:        "azure-recoveryservices-hardened",
	Cloud:       rules.CloudAzure,
	Description: "Recovery Services vaults encrypt backups with a customer-managed key (properties.encryption.keyVaultProperties.keyUri, with a kekIdentity) and infrastructure encryption, refuse public network access and restores into another subscription (restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState Disabled or PermanentlyDisabled; Azure enables it by default) and, in production, keep backups geo-redundant with cross-region restore (redundancySettings.standardTierStorageRedundancy GeoRedundant, crossRegionRestore Enabled).",
	Sections:    []rules.Section{rules.Encryption, rules.AccessControl, rules.DisasterRecoveryPlan},
	Unknown:     "settings fail; the key and the identity pass",
	Level:       rules.Mandatory,
	Types:       versions(TypeRecoveryVault),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		const p = "properties."
		var out []string
		if !rules.Present(r.Inputs, p+"encryption.keyVaultProperties.keyUri") {
			out = append(out, p+"encryption.keyVaultProperties.keyUri is not set: backups would use a Microsoft-managed key")
		}
		if !rules.Present(r.Inputs, p+"encryption.kekIdentity.userAssignedIdentity") && !rules.BoolTrue(r.Inputs, p+"encryption.kekIdentity.useSystemAssignedIdentity") {
			out = append(out, p+"encryption.kekIdentity names no identity to reach the key with")
		}
		if v := rules.Str(r.Inputs, p+"encryption.infrastructureEncryption"); !oneOf(v, "Enabled") {
			out = append(out, fmt.Sprintf(p+"encryption.infrastructureEncryption is %q; must be Enabled", v))
		}
		if a := rules.Str(r.Inputs, p+"publicNetworkAccess"); !oneOf(a, "Disabled") {
			out = append(out, fmt.Sprintf(p+"publicNetworkAccess is %q; must be Disabled", a))
		}
		const restore = p + "restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState"
		if v := rules.Str(r.Inputs, restore); !oneOf(v, "Disabled", "PermanentlyDisabled") {
			out = append(out, fmt.Sprintf(restore+" is %q; must be Disabled or PermanentlyDisabled: a backup of PHI could be restored into any subscription of the tenant", v))
		}
		if cfg.Production() {
			const red = p + "redundancySettings."
			if v := rules.Str(r.Inputs, red+"standardTierStorageRedundancy"); !oneOf(v, "GeoRedundant") {
				out = append(out, fmt.Sprintf(red+"standardTierStorageRedundancy is %q; must be GeoRedundant in production", v))
			}
			if v := rules.Str(r.Inputs, red+"crossRegionRestore"); !oneOf(v, "Enabled") {
				out = append(out, fmt.Sprintf(red+"crossRegionRestore is %q; must be Enabled in production", v))
			}
		}
		return out
	},
}
