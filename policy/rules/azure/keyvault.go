package azure

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// keyVaultHardened follows Azure Policy's Key Vault built-ins (0b60c0b2 deletion protection,
// 12d4fa5e RBAC model) and Prowler's keyvault_recoverable and keyvault_rbac_enabled: RBAC puts
// the vault's data plane under the same reviewed role assignments as everything else, where
// access policies are a second, per-vault list; soft delete and purge protection keep a key
// deleted by mistake or malice recoverable, so the PHI it encrypts is not lost with it. A
// vault only holds keys and secrets, so no VM, template deployment or Azure Disk Encryption
// needs to read from it.
var keyVaultHardened = rules.Rule{
	Name:        "azure-keyvault-hardened",
	Cloud:       rules.CloudAzure,
	Description: "Key vaults authorize data access by Azure RBAC (enableRbacAuthorization) with no access policies, keep soft delete on with purge protection and, in production, the full 90 days of soft-deleted retention, and are not enabled for VM deployment, template deployment or Azure Disk Encryption.",
	Sections:    []rules.Section{rules.AccessControl, rules.Encryption, rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeVault),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		const p = "properties."
		var out []string
		if !rules.BoolTrue(r.Inputs, p+"enableRbacAuthorization") {
			out = append(out, p+"enableRbacAuthorization must be true: access policies would bypass the role assignments")
		}
		if len(rules.List(r.Inputs, p+"accessPolicies")) > 0 {
			out = append(out, p+"accessPolicies must be empty: grant access by role assignment")
		}
		if !rules.BoolTrue(r.Inputs, p+"enablePurgeProtection") {
			out = append(out, p+"enablePurgeProtection must be true: a deleted key could be purged before anyone restores it")
		}
		// Soft delete is on unless a vault turns it off.
		if v, ok := rules.Get(r.Inputs, p+"enableSoftDelete"); ok && v != true {
			out = append(out, fmt.Sprintf(p+"enableSoftDelete is %v; must stay true", v))
		}
		// Left out, it is Key Vault's longest, 90 days.
		if v, set := rules.Get(r.Inputs, p+"softDeleteRetentionInDays"); cfg.Production() && set {
			if days, ok := rules.Number(r.Inputs, p+"softDeleteRetentionInDays"); !ok || days < 90 {
				out = append(out, fmt.Sprintf(p+"softDeleteRetentionInDays is %v; 90 in production", v))
			}
		}
		for _, off := range []string{"enabledForDeployment", "enabledForTemplateDeployment", "enabledForDiskEncryption"} {
			if rules.ExplicitlyTrue(r.Inputs, p+off) {
				out = append(out, p+off+" must be false")
			}
		}
		return out
	},
}

// keyVaultPrivate: keys and secrets are reached through a private endpoint only (Azure Policy
// 55615ac9, Prowler keyvault_private_endpoints); trusted Azure services (storage, PostgreSQL,
// disk encryption sets) still reach the keys they wrap with, past the firewall.
var keyVaultPrivate = rules.Rule{
	Name:        "azure-keyvault-private",
	Cloud:       rules.CloudAzure,
	Description: "Key vaults refuse public network access (properties.publicNetworkAccess Disabled), deny by default (properties.networkAcls.defaultAction Deny) and list no IP rules.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeVault),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const p = "properties."
		var out []string
		if a := rules.Str(r.Inputs, p+"publicNetworkAccess"); !oneOf(a, "Disabled") {
			out = append(out, fmt.Sprintf(p+"publicNetworkAccess is %q; must be Disabled", a))
		}
		if a := rules.Str(r.Inputs, p+"networkAcls.defaultAction"); !oneOf(a, "Deny") {
			out = append(out, fmt.Sprintf(p+"networkAcls.defaultAction is %q; must be Deny", a))
		}
		if v, ok := rules.Get(r.Inputs, p+"networkAcls.ipRules"); ok && (rules.IsUnknown(v) || len(rules.List(r.Inputs, p+"networkAcls.ipRules")) > 0) {
			out = append(out, p+"networkAcls.ipRules must be empty")
		}
		return out
	},
}

// maxKeyDays is how long a key version may encrypt before Key Vault rotates it, as on the
// other clouds (CIS Azure 8.x key rotation, Prowler storage_key_rotation_90_days).
const maxKeyDays = 90

// keyRotation: a rotation policy makes Key Vault create a new version on schedule, limiting
// what one leaked version decrypts; an expiry on every version makes a key nobody rotates
// stop working rather than encrypt forever (Prowler keyvault_key_rotation_enabled,
// keyvault_rbac_key_expiration_set). In production the key lives in an HSM, which never
// lets it out in clear (FIPS 140 level 3 on Premium vaults).
var keyRotation = rules.Rule{
	Name:        "azure-keyvault-key-rotation",
	Cloud:       rules.CloudAzure,
	Description: "Key Vault keys carry a rotation policy that rotates them at least every 90 days (a Rotate action's timeAfterCreate, or expiryTime less timeBeforeExpiry) with an expiryTime on every version, and in production are HSM-backed (kty RSA-HSM or EC-HSM).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeKey),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		const policy = "properties.rotationPolicy."
		var out []string
		expiry, expires := isoDays(rules.Str(r.Inputs, policy+"attributes.expiryTime"))
		if !expires {
			out = append(out, policy+"attributes.expiryTime is not set (or not a duration such as \"P1Y\"): key versions would never expire")
		}
		every := -1 // the shortest rotation interval a Rotate action gives, in days
		for i := range rules.List(r.Inputs, policy+"lifetimeActions") {
			at := fmt.Sprintf(policy+"lifetimeActions[%d].", i)
			if !oneOf(rules.Str(r.Inputs, at+"action.type"), "Rotate") {
				continue
			}
			days, ok := isoDays(rules.Str(r.Inputs, at+"trigger.timeAfterCreate"))
			if before, set := isoDays(rules.Str(r.Inputs, at+"trigger.timeBeforeExpiry")); !ok && set && expires {
				days, ok = expiry-before, true
			}
			if ok && (every < 0 || days < every) {
				every = days
			}
		}
		switch {
		case every < 0:
			out = append(out, fmt.Sprintf("%slifetimeActions has no Rotate action with a timeAfterCreate (such as \"P%dD\"): the key never rotates", policy, maxKeyDays))
		case every > maxKeyDays:
			out = append(out, fmt.Sprintf("the key rotates every %d days; at most %d", every, maxKeyDays))
		}
		if kty := rules.Str(r.Inputs, "properties.kty"); cfg.Production() && !strings.HasSuffix(strings.ToUpper(kty), "-HSM") {
			out = append(out, fmt.Sprintf("properties.kty is %q; in production an HSM-backed key (RSA-HSM or EC-HSM) on a Premium vault", kty))
		}
		return out
	},
}

// secretValues keeps credentials out of the state and the plans in clear text: a Key Vault
// secret's value, a PostgreSQL administrator password (which the estate does not set at all:
// its servers take Entra sign-in only), and an alert webhook, whose URL carries its token.
var secretValues = rules.Rule{
	Name:        "azure-secret-values-secret",
	Cloud:       rules.CloudAzure,
	Description: "Key Vault secret values, PostgreSQL administrator passwords and action group webhook URLs are Pulumi secrets, never clear text in state or plans.",
	Sections:    []rules.Section{rules.Encryption, rules.Authentication},
	Unknown:     "a non-secret unknown fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeSecret, TypePostgresServer, TypeActionGroup),
	Check: func(r rules.Resource, _ rules.Config) []string {
		var fields []string
		switch {
		case is(r.Type, TypeSecret):
			fields = []string{"properties.value"}
		case is(r.Type, TypePostgresServer):
			fields = []string{"administratorLoginPassword"}
		case is(r.Type, TypeActionGroup):
			for i := range rules.List(r.Inputs, "webhookReceivers") {
				fields = append(fields, fmt.Sprintf("webhookReceivers[%d].serviceUri", i))
			}
		}
		var out []string
		for _, f := range fields {
			if v, ok := rules.Get(r.Inputs, f); ok && v != rules.Secret {
				out = append(out, f+" is in clear text; pass it as a Pulumi secret")
			}
		}
		return out
	},
}
