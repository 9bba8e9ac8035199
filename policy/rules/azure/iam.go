package azure

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// roleOf is the built-in role a role assignment grants, by the definition's GUID in lowercase;
// the definition id may be the whole ARM id or the GUID alone.
func roleOf(r rules.Resource) string {
	id := rules.Str(r.Inputs, "roleDefinitionId")
	if rules.IsUnknown(id) {
		return rules.Unknown
	}
	return strings.ToLower(id[strings.LastIndex(id, "/")+1:])
}

// Built-in roles, by the GUID their definition has in every tenant.
const (
	roleOwner                   = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	roleContributor             = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	roleUserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
	roleRBACAdministrator       = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	roleKeyVaultAdministrator   = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
	roleKeyVaultDataAccessAdmin = "8b54135c-b56d-4d72-a534-26097cfdc8d8"
	roleKeyVaultCryptoOfficer   = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603"
	roleKeyVaultSecretsOfficer  = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
	roleKeyVaultCertsOfficer    = "a4417e6f-fecd-4de8-b567-7b0420556985"
	roleKeyVaultCryptoUser      = "12338af0-0e69-4776-bea7-57ae8d297424"
	roleKeyVaultEncryptionUser  = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
	roleKeyVaultReleaseUser     = "08bbd89e-9f13-488c-ac41-acfcb10c90ab"
	roleKeyVaultSecretsUser     = "4633458b-17de-408a-b874-0445c86b69e6"
	roleKeyVaultCertificateUser = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"
)

// privilegedRoles grant everything in their scope, or the right to grant it (CIS Azure 1.23,
// Prowler iam_subscription_roles_owner_custom_not_created): members get the roles their work
// needs, scoped to the resource it is for.
var privilegedRoles = map[string]string{
	roleOwner:                   "Owner",
	roleContributor:             "Contributor",
	roleUserAccessAdministrator: "User Access Administrator",
	roleRBACAdministrator:       "Role Based Access Control Administrator",
}

// privilegedActions make a custom role one of privilegedRoles under another name: every
// action, as Owner and Contributor have, or the right to grant roles, as the administrators
// have. Matched without case, as ARM matches them.
var privilegedActions = []string{
	"*", "Microsoft.Authorization/*", "Microsoft.Authorization/*/write",
	"Microsoft.Authorization/roleAssignments/*", "Microsoft.Authorization/roleAssignments/write",
}

var iamNoPrivilegedRoles = rules.Rule{
	Name:        "azure-iam-no-privileged-roles",
	Cloud:       rules.CloudAzure,
	Description: "No role assignment grants Owner, Contributor, User Access Administrator or Role Based Access Control Administrator, and no custom role definition allows every action (*) or the granting of roles (Microsoft.Authorization/*, Microsoft.Authorization/roleAssignments/write): principals get the roles their work needs.",
	Sections:    []rules.Section{rules.AccessControl, rules.InformationAccess},
	Unknown:     "role and actions fail",
	Level:       rules.Mandatory,
	Types:       versions(TypeRoleAssignment, TypeRoleDefinition),
	Check: func(r rules.Resource, _ rules.Config) []string {
		if is(r.Type, TypeRoleDefinition) {
			return customRoleFindings(r)
		}
		switch role := roleOf(r); {
		case role == rules.Unknown:
			return []string{"roleDefinitionId is unknown at preview; name the role as a literal so it can be checked"}
		case privilegedRoles[role] != "":
			return []string{fmt.Sprintf("%s (%s) is granted to %s; grant the built-in role the work needs", privilegedRoles[role], role, rules.Str(r.Inputs, "principalId"))}
		}
		return nil
	},
}

// customRoleFindings: the actions of a custom role definition that make it privileged; an
// action unknown at preview counts as one.
func customRoleFindings(r rules.Resource) []string {
	var out []string
	for i := range rules.List(r.Inputs, "permissions") {
		at := fmt.Sprintf("permissions[%d].actions", i)
		if v, _ := rules.Get(r.Inputs, at); rules.IsUnknown(v) {
			out = append(out, at+" is unknown at preview; list the actions as literals so they can be checked")
			continue
		}
		for _, a := range rules.Strs(r.Inputs, at) {
			if rules.IsUnknown(a) || oneOf(a, privilegedActions...) {
				out = append(out, fmt.Sprintf("%s allows %s: the role could do anything in its scope or grant itself that; list the actions the work needs", at, a))
			}
		}
	}
	return out
}

// broadScope is a scope above one resource: the tenant root, a management group, a
// subscription or a resource group.
var broadScope = regexp.MustCompile(`(?i)^(/|/providers/microsoft\.management/managementgroups/[^/]+|/subscriptions/[^/]+(/resourcegroups/[^/]+)?)/?$`)

// iamResourceScoped is advisory: a grant on a resource group reaches whatever is added to it
// later, but some roles (a pipeline's deployer) need one.
var iamResourceScoped = rules.Rule{
	Name:        "azure-iam-resource-scoped",
	Cloud:       rules.CloudAzure,
	Description: "Role assignments are scoped to the resource they are for (a key, a secret, a subnet, a cluster), not to a management group, subscription or resource group. Advisory: some deployers need a resource group.",
	Sections:    []rules.Section{rules.AccessControl, rules.InformationAccess},
	Unknown:     "an unknown scope passes",
	Level:       rules.Advisory,
	Types:       versions(TypeRoleAssignment),
	Check: func(r rules.Resource, _ rules.Config) []string {
		if s := rules.Str(r.Inputs, "scope"); broadScope.MatchString(s) {
			return []string{fmt.Sprintf("scope %s reaches every resource under it; scope the grant to the resource it is for", s)}
		}
		return nil
	},
}

// keyVaultAdminRoles manage a vault's keys, secrets or who may use them.
var keyVaultAdminRoles = map[string]string{
	roleKeyVaultAdministrator:   "Key Vault Administrator",
	roleKeyVaultDataAccessAdmin: "Key Vault Data Access Administrator",
	roleKeyVaultCryptoOfficer:   "Key Vault Crypto Officer",
	roleKeyVaultSecretsOfficer:  "Key Vault Secrets Officer",
	roleKeyVaultCertsOfficer:    "Key Vault Certificates Officer",
}

// keyVaultUserRoles use a key or read a secret's value: what a workload holds.
var keyVaultUserRoles = map[string]string{
	roleKeyVaultCryptoUser:      "Key Vault Crypto User",
	roleKeyVaultEncryptionUser:  "Key Vault Crypto Service Encryption User",
	roleKeyVaultReleaseUser:     "Key Vault Crypto Service Release User",
	roleKeyVaultSecretsUser:     "Key Vault Secrets User",
	roleKeyVaultCertificateUser: "Key Vault Certificate User",
}

// keyVaultSeparationOfDuties: whoever administers a vault's keys and secrets must not also be
// a workload's identity that uses them, or one principal both reads PHI and decides who else
// may (Prowler iam_role_kms_enforce_separation_of_duties on GCP, CIS Azure 8.x). A grant on
// a vault, resource group or subscription covers every key and secret under it.
var keyVaultSeparationOfDuties = rules.Rule{
	Name:        "azure-keyvault-separation-of-duties",
	Cloud:       rules.CloudAzure,
	Description: "No principal holds a Key Vault administrator role (Administrator, Data Access Administrator, Crypto, Secrets or Certificates Officer) and a Key Vault user role (Crypto User, Crypto Service Encryption or Release User, Secrets User, Certificate User) on overlapping scopes. Scopes are matched by the ARM id they name, else by the vault, key or secret of the stack the grant refers to.",
	Sections:    []rules.Section{rules.AccessControl, rules.InformationAccess},
	Unknown:     "a grant whose principal is unknown, or whose scope is unknown and not a vault, key or secret of the stack, matches nothing",
	Level:       rules.Mandatory,
	Types:       versions(TypeRoleAssignment),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		type grant struct {
			urn, principal, scope, role string
		}
		var admins, users []grant
		for _, r := range of(all, TypeRoleAssignment) {
			principal, scope := rules.Known(rules.Str(r.Inputs, "principalId")), grantScope(all, r)
			if principal == "" || scope == "" {
				continue
			}
			role := roleOf(r)
			if name, ok := keyVaultAdminRoles[role]; ok {
				admins = append(admins, grant{r.URN, principal, scope, name})
			}
			if name, ok := keyVaultUserRoles[role]; ok {
				users = append(users, grant{r.URN, principal, scope, name})
			}
		}
		var out []rules.Finding
		for _, u := range users {
			for _, a := range admins {
				if strings.EqualFold(a.principal, u.principal) && (within(u.scope, a.scope) || within(a.scope, u.scope)) {
					out = append(out, rules.Finding{URN: u.urn, Message: fmt.Sprintf("%s is granted %s and also administers it (%s, granted by %s): keep key administrators and key users apart", u.principal, u.role, a.role, a.urn)})
					break
				}
			}
		}
		return out
	},
}

// grantScope is where a role assignment applies, as a path that a narrower scope extends: its
// ARM id in lowercase when known; else the vault, key or secret of the stack it refers to,
// as "urn:<vault>/<key or secret>"; empty when it cannot be told.
func grantScope(all []rules.Resource, r rules.Resource) string {
	if s := rules.Known(rules.Str(r.Inputs, "scope")); s != "" {
		return strings.TrimSuffix(strings.ToLower(s), "/")
	}
	for _, child := range append(of(all, TypeKey), of(all, TypeSecret)...) {
		if slices.Contains(r.Dependencies, child.URN) {
			return vaultPath(all, child) + "/" + child.URN
		}
	}
	for _, v := range of(all, TypeVault) {
		if slices.Contains(r.Dependencies, v.URN) {
			return "urn:" + v.URN
		}
	}
	return ""
}

// vaultPath is the scope path of the vault a key or secret belongs to: the vault of the stack
// it refers to or names; a child whose vault cannot be told stands for a vault of its own, so
// grants on that child still meet.
func vaultPath(all []rules.Resource, child rules.Resource) string {
	name := rules.Known(rules.Str(child.Inputs, "vaultName"))
	for _, v := range of(all, TypeVault) {
		if slices.Contains(child.Dependencies, v.URN) || (name != "" && nameOf(v) == name) {
			return "urn:" + v.URN
		}
	}
	return "urn:" + child.URN
}

// within reports a scope path equal to or under another.
func within(scope, under string) bool {
	return scope == under || strings.HasPrefix(scope, under+"/")
}
