package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// grant is a role assignment as the estate's components write it.
func grant(name, role, principal, scope string) rules.Resource {
	return res(TypeRoleAssignment, name, map[string]any{
		"principalId": principal, "principalType": "ServicePrincipal", "scope": scope,
		"roleDefinitionId": subscription + "/providers/Microsoft.Authorization/roleDefinitions/" + role,
	})
}

// customRole is a custom role definition allowing the actions, on the resource group.
func customRole(actions ...string) rules.Resource {
	var list []any
	for _, a := range actions {
		list = append(list, a)
	}
	return res(TypeRoleDefinition, "custom", map[string]any{
		"roleName": "custom", "roleType": "CustomRole", "scope": group, "assignableScopes": []any{group},
		"permissions": []any{map[string]any{"actions": list}},
	})
}

func iamCases() []ruleCase {
	const admin, workload = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
	keyID := vaultID + "/keys/database"
	vault := res(TypeVault, "kv", hardenedVault())
	key := dependsOn(res(TypeKey, "database", rotatingKey()), vault)
	otherVault := res(TypeVault, "kv-dr", with(hardenedVault(), "vaultName", "hhprodkvukw"))
	otherKey := dependsOn(res(TypeKey, "database-dr", with(rotatingKey(), "vaultName", "hhprodkvukw")), otherVault)
	// At preview the scopes are unknown: grants are matched by the vault or key they refer to.
	preview := func(name, role, principal string, on rules.Resource) rules.Resource {
		return dependsOn(grant(name, role, principal, rules.Unknown), on)
	}

	return []ruleCase{
		{"azure-keyvault-separation-of-duties", "administrators on the vault, a workload on its key", []rules.Resource{
			grant("admin", roleKeyVaultAdministrator, admin, vaultID), grant("use", roleKeyVaultEncryptionUser, workload, keyID),
		}, false, "", ""},
		{"azure-keyvault-separation-of-duties", "an administrator uses a key of the vault", []rules.Resource{
			grant("admin", roleKeyVaultAdministrator, admin, vaultID), grant("admin-uses", roleKeyVaultCryptoUser, admin, keyID),
		}, true, admin + " is granted Key Vault Crypto User and also administers it (Key Vault Administrator", ""},
		{"azure-keyvault-separation-of-duties", "a resource group's administrator reads a secret", []rules.Resource{
			grant("admin", roleKeyVaultDataAccessAdmin, admin, group), grant("reads", roleKeyVaultSecretsUser, admin, vaultID+"/secrets/db-url"),
		}, true, "Key Vault Secrets User and also administers it (Key Vault Data Access Administrator", ""},
		{"azure-keyvault-separation-of-duties", "an administrator of one vault uses another's key", []rules.Resource{
			grant("admin", roleKeyVaultAdministrator, admin, vaultID), grant("uses", roleKeyVaultCryptoUser, admin, group+"/providers/Microsoft.KeyVault/vaults/hhprodkvukw/keys/database"),
		}, false, "", ""},
		{"azure-keyvault-separation-of-duties", "at preview, matched by the vault a key belongs to", []rules.Resource{
			vault, key, preview("admin", roleKeyVaultAdministrator, admin, vault), preview("uses", roleKeyVaultEncryptionUser, admin, key),
		}, true, "also administers it", ""},
		{"azure-keyvault-separation-of-duties", "at preview, another vault's key", []rules.Resource{
			vault, key, otherVault, otherKey, preview("admin", roleKeyVaultAdministrator, admin, vault), preview("uses", roleKeyVaultEncryptionUser, admin, otherKey),
		}, false, "", ""},
		{"azure-keyvault-separation-of-duties", "a principal unknown at preview", []rules.Resource{
			grant("admin", roleKeyVaultAdministrator, admin, vaultID), grant("uses", roleKeyVaultEncryptionUser, rules.Unknown, keyID),
		}, false, "", ""},

		{"azure-iam-no-privileged-roles", "a Key Vault role on a key", []rules.Resource{grant("use", roleKeyVaultEncryptionUser, workload, keyID)}, false, "", ""},
		{"azure-iam-no-privileged-roles", "Owner", []rules.Resource{grant("owner", roleOwner, admin, subscription)}, true, "Owner (" + roleOwner + ") is granted to " + admin, ""},
		{"azure-iam-no-privileged-roles", "Contributor by GUID alone", []rules.Resource{withInput(grant("c", roleContributor, admin, group), "roleDefinitionId", roleContributor)}, true, "Contributor", ""},
		{"azure-iam-no-privileged-roles", "User Access Administrator", []rules.Resource{grant("uaa", roleUserAccessAdministrator, admin, vaultID)}, true, "User Access Administrator", ""},
		{"azure-iam-no-privileged-roles", "role unknown at preview", []rules.Resource{withInput(grant("x", "", admin, vaultID), "roleDefinitionId", rules.Unknown)}, true, "roleDefinitionId is unknown at preview", ""},

		{"azure-iam-no-privileged-roles", "a custom role with the actions its work needs", []rules.Resource{customRole("Microsoft.Network/applicationGateways/read", "Microsoft.Network/applicationGateways/write")}, false, "", ""},
		{"azure-iam-no-privileged-roles", "a custom role that allows everything", []rules.Resource{customRole("Microsoft.Network/applicationGateways/read", "*")}, true, "permissions[0].actions allows *", ""},
		{"azure-iam-no-privileged-roles", "a custom role that grants roles", []rules.Resource{customRole("microsoft.authorization/roleassignments/write")}, true, "allows microsoft.authorization/roleassignments/write", ""},
		{"azure-iam-no-privileged-roles", "a custom role that reads authorization", []rules.Resource{customRole("Microsoft.Authorization/*/read")}, false, "", ""},
		{"azure-iam-no-privileged-roles", "custom role actions unknown at preview", []rules.Resource{res(TypeRoleDefinition, "custom", map[string]any{
			"roleName": "custom", "permissions": []any{map[string]any{"actions": rules.Unknown}},
		})}, true, "unknown at preview", ""},

		{"azure-iam-resource-scoped", "a key", []rules.Resource{grant("use", roleKeyVaultEncryptionUser, workload, keyID)}, false, "", ""},
		{"azure-iam-resource-scoped", "a scope unknown at preview", []rules.Resource{grant("use", roleKeyVaultEncryptionUser, workload, rules.Unknown)}, false, "", ""},
		{"azure-iam-resource-scoped", "a subscription", []rules.Resource{grant("reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", workload, subscription)}, true, "scope " + subscription + " reaches every resource under it", ""},
		{"azure-iam-resource-scoped", "a resource group", []rules.Resource{grant("reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", workload, group+"/")}, true, "reaches every resource under it", ""},
	}
}
