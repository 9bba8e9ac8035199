package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// hardenedVault is a key vault as the estate's Keys component writes it.
func hardenedVault() map[string]any {
	return map[string]any{
		"vaultName": "hhprodkvuks", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"properties": map[string]any{
			"tenantId":                  "00000000-0000-0000-0000-0000000000aa",
			"sku":                       map[string]any{"family": "A", "name": "premium"},
			"enableRbacAuthorization":   true,
			"enablePurgeProtection":     true,
			"enableSoftDelete":          true,
			"softDeleteRetentionInDays": int64(90),
			"publicNetworkAccess":       "Disabled",
			"networkAcls":               map[string]any{"defaultAction": "Deny", "bypass": "AzureServices"},
			"enabledForDeployment":      false, "enabledForTemplateDeployment": false, "enabledForDiskEncryption": false,
		},
	}
}

// rotatingKey is a key as the Keys component writes it: rotated every 90 days, versions
// expiring after a year, notice 30 days before.
func rotatingKey() map[string]any {
	return map[string]any{
		"keyName": "database", "vaultName": "hhprodkvuks", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"properties": map[string]any{
			"kty": "RSA-HSM", "keySize": int64(3072), "keyOps": []any{"wrapKey", "unwrapKey"},
			"rotationPolicy": map[string]any{
				"attributes": map[string]any{"expiryTime": "P1Y"},
				"lifetimeActions": []any{
					map[string]any{"action": map[string]any{"type": "rotate"}, "trigger": map[string]any{"timeAfterCreate": "P90D"}},
					map[string]any{"action": map[string]any{"type": "notify"}, "trigger": map[string]any{"timeBeforeExpiry": "P30D"}},
				},
			},
		},
	}
}

func keyVaultCases() []ruleCase {
	vault := func(inputs map[string]any) rules.Resource { return res(TypeVault, "kv", inputs) }
	good := hardenedVault()
	key := func(inputs map[string]any) rules.Resource { return res(TypeKey, "database", inputs) }
	rotating := rotatingKey()
	rotateBy := func(trigger map[string]any) map[string]any {
		return set(rotating, "properties.rotationPolicy.lifetimeActions", []any{map[string]any{"action": map[string]any{"type": "Rotate"}, "trigger": trigger}})
	}
	secret := func(value any) rules.Resource {
		return res(TypeSecret, "db-url", map[string]any{"secretName": "db-url", "vaultName": "hhprodkvuks", "properties": map[string]any{"value": value}})
	}

	return []ruleCase{
		{"azure-keyvault-hardened", "as the estate builds it", []rules.Resource{vault(good)}, false, "", ""},
		{"azure-keyvault-hardened", "soft delete and retention left to Azure's defaults", []rules.Resource{vault(set(set(good, "properties.enableSoftDelete", nil), "properties.softDeleteRetentionInDays", nil))}, false, "", ""},
		{"azure-keyvault-hardened", "a week of soft delete in dev", []rules.Resource{vault(set(good, "properties.softDeleteRetentionInDays", int64(7)))}, false, "", "dev"},
		{"azure-keyvault-hardened", "access policies", []rules.Resource{vault(set(good, "properties.enableRbacAuthorization", false))}, true, "enableRbacAuthorization must be true", ""},
		{"azure-keyvault-hardened", "an access policy beside RBAC", []rules.Resource{vault(set(good, "properties.accessPolicies", []any{map[string]any{"objectId": "x"}}))}, true, "accessPolicies must be empty", ""},
		{"azure-keyvault-hardened", "no purge protection", []rules.Resource{vault(set(good, "properties.enablePurgeProtection", nil))}, true, "enablePurgeProtection must be true", ""},
		{"azure-keyvault-hardened", "soft delete off", []rules.Resource{vault(set(good, "properties.enableSoftDelete", false))}, true, "enableSoftDelete is false", ""},
		{"azure-keyvault-hardened", "a week of soft delete in production", []rules.Resource{vault(set(good, "properties.softDeleteRetentionInDays", int64(7)))}, true, "softDeleteRetentionInDays is 7; 90 in production", ""},
		{"azure-keyvault-hardened", "open to template deployments", []rules.Resource{vault(set(good, "properties.enabledForTemplateDeployment", true))}, true, "enabledForTemplateDeployment must be false", ""},

		{"azure-keyvault-private", "private endpoint only", []rules.Resource{vault(good)}, false, "", ""},
		{"azure-keyvault-private", "public access left on", []rules.Resource{vault(set(good, "properties.publicNetworkAccess", nil))}, true, `publicNetworkAccess is ""; must be Disabled`, ""},
		{"azure-keyvault-private", "firewall allows by default", []rules.Resource{vault(set(good, "properties.networkAcls.defaultAction", "Allow"))}, true, `defaultAction is "Allow"`, ""},
		{"azure-keyvault-private", "an IP rule", []rules.Resource{vault(set(good, "properties.networkAcls.ipRules", []any{map[string]any{"value": "203.0.113.0/24"}}))}, true, "ipRules must be empty", ""},

		{"azure-keyvault-key-rotation", "every 90 days in an HSM", []rules.Resource{key(rotating)}, false, "", ""},
		{"azure-keyvault-key-rotation", "90 days before a yearly expiry", []rules.Resource{key(rotateBy(map[string]any{"timeBeforeExpiry": "P275D"}))}, false, "", ""},
		{"azure-keyvault-key-rotation", "a software key in dev", []rules.Resource{key(set(rotating, "properties.kty", "RSA"))}, false, "", "dev"},
		{"azure-keyvault-key-rotation", "a software key in production", []rules.Resource{key(set(rotating, "properties.kty", "RSA"))}, true, `properties.kty is "RSA"`, ""},
		{"azure-keyvault-key-rotation", "no rotation policy", []rules.Resource{key(set(rotating, "properties.rotationPolicy", nil))}, true, "expiryTime is not set", ""},
		{"azure-keyvault-key-rotation", "a notice but no rotation", []rules.Resource{key(set(rotating, "properties.rotationPolicy.lifetimeActions", []any{map[string]any{"action": map[string]any{"type": "notify"}, "trigger": map[string]any{"timeBeforeExpiry": "P30D"}}}))}, true, "no Rotate action", ""},
		{"azure-keyvault-key-rotation", "yearly", []rules.Resource{key(rotateBy(map[string]any{"timeAfterCreate": "P1Y"}))}, true, "rotates every 365 days; at most 90", ""},
		{"azure-keyvault-key-rotation", "shortly before a yearly expiry", []rules.Resource{key(rotateBy(map[string]any{"timeBeforeExpiry": "P30D"}))}, true, "rotates every 335 days", ""},
		{"azure-keyvault-key-rotation", "never expires", []rules.Resource{key(set(rotating, "properties.rotationPolicy.attributes", nil))}, true, "expiryTime is not set", ""},
		{"azure-keyvault-key-rotation", "unknown at preview", []rules.Resource{key(rotateBy(map[string]any{"timeAfterCreate": rules.Unknown}))}, true, "no Rotate action", ""},

		{"azure-secret-values-secret", "a secret value", []rules.Resource{secret(rules.Secret)}, false, "", ""},
		{"azure-secret-values-secret", "a value in clear text", []rules.Resource{secret("postgres://...")}, true, "properties.value is in clear text", ""},
		{"azure-secret-values-secret", "a server with no password", []rules.Resource{res(TypePostgresServer, "db", map[string]any{"serverName": "hh-prod-db"})}, false, "", ""},
		{"azure-secret-values-secret", "a server password in clear text", []rules.Resource{res(TypePostgresServer, "db", map[string]any{"administratorLoginPassword": "hunter2"})}, true, "administratorLoginPassword is in clear text", ""},
		{"azure-secret-values-secret", "a secret webhook", []rules.Resource{res(TypeActionGroup, "oncall", map[string]any{"webhookReceivers": []any{map[string]any{"name": "pager", "serviceUri": rules.Secret}}})}, false, "", ""},
		{"azure-secret-values-secret", "a webhook token in clear text", []rules.Resource{res(TypeActionGroup, "oncall", map[string]any{"webhookReceivers": []any{map[string]any{"name": "pager", "serviceUri": "https://events.pager.example/v2?token=abc"}}})}, true, "webhookReceivers[0].serviceUri is in clear text", ""},
	}
}
