// Package azurekit is what the Azure component packages share beyond the neutral kit: the tags
// Azure accepts, the identity the estate deploys as, and the built-in roles it grants. It links
// only the Azure Native SDK's root and authorization packages, so a component package that
// needs neither network nor containerservice never compiles them through it.
package azurekit

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// tagKeyForbidden are the characters ARM refuses in a tag name; a value is refused over 256
// characters. Either fails the deployment, not the preview.
const tagKeyForbidden = `<>%&\?/`

// RequireTags is kit.RequireTags plus Azure's tag syntax, so a bad owner or cost centre fails
// before anything is registered rather than halfway through an update.
func RequireTags(component string, tags map[string]string) error {
	if err := kit.RequireTags(component, tags); err != nil {
		return err
	}
	for k, v := range tags {
		if k == "" || len(k) > 512 || strings.ContainsAny(k, tagKeyForbidden) || len(v) > 256 {
			return kit.ArgError(component, "Tags", fmt.Sprintf("%s=%s", k, v), "names must be 1 to 512 characters without %s, values at most 256", tagKeyForbidden)
		}
	}
	return nil
}

// Tags is the estate's tag set as a Pulumi input.
func Tags(base map[string]string) pulumi.StringMap { return kit.Tags(base) }

// Location is an Azure location as ARM names it (uksouth); the config validator checks the same.
var Location = azureformat.Location

// GUID is a subscription, tenant or Entra object id.
var GUID = azureformat.GUID

// CheckLocation fails unless location is an ARM location name.
func CheckLocation(component, arg, location string) error {
	if !Location.MatchString(location) {
		return kit.ArgError(component, arg, fmt.Sprintf("%q", location), "must be an Azure location as ARM names it, such as uksouth")
	}
	return nil
}

// Client is the identity the component's provider deploys as.
type Client struct {
	TenantID, SubscriptionID, ObjectID, ClientID string
}

// LookupClient asks the component's provider (inherited through parent) who it deploys as: a
// Key Vault needs the tenant, and role scopes need the subscription.
func LookupClient(ctx *pulumi.Context, parent pulumi.Resource) (Client, error) {
	c, err := authorization.GetClientConfig(ctx, pulumi.Parent(parent))
	if err != nil {
		return Client{}, fmt.Errorf("looking up the Azure client: %w", err)
	}
	return Client{TenantID: c.TenantId, SubscriptionID: c.SubscriptionId, ObjectID: c.ObjectId, ClientID: c.ClientId}, nil
}

// Role is a built-in Azure role, by its definition's GUID, which is the same in every tenant.
type Role string

// The built-in roles the estate grants. Each grant is scoped to the one resource it is for.
const (
	// RoleKeyVaultAdministrator manages keys, secrets and the vault's data plane (key admins).
	RoleKeyVaultAdministrator Role = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
	// RoleKeyVaultCryptoServiceEncryptionUser reads a key and wraps and unwraps with it, and
	// nothing else: what a service encrypting with a customer-managed key needs.
	RoleKeyVaultCryptoServiceEncryptionUser Role = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
	// RoleKeyVaultCryptoUser also encrypts and decrypts (AKS's KMS plugin).
	RoleKeyVaultCryptoUser Role = "12338af0-0e69-4776-bea7-57ae8d297424"
	// RoleKeyVaultSecretsUser reads a secret's value.
	RoleKeyVaultSecretsUser Role = "4633458b-17de-408a-b874-0445c86b69e6"
	// RoleKeyVaultCertificateUser reads a certificate and its secret (the gateway's listener).
	RoleKeyVaultCertificateUser Role = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"
	// RoleNetworkContributor lets the AKS control plane manage its subnets and load balancers.
	RoleNetworkContributor Role = "4d97b98b-1d4f-4787-a291-c67834d212e7"
	// RolePrivateDNSZoneContributor lets the AKS control plane write its private API record.
	RolePrivateDNSZoneContributor Role = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
	// RoleManagedIdentityOperator lets the control plane assign the kubelet identity.
	RoleManagedIdentityOperator Role = "f1a07417-d97a-45cb-824c-7a7467783830"
	// RoleStorageBlobDataContributor writes blobs (log archives, flow logs).
	RoleStorageBlobDataContributor Role = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	// RoleContributor manages one resource; granted only at a single resource's scope (the
	// ingress controller rewriting its gateway), never a group's or the subscription's.
	RoleContributor Role = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	// RoleReader reads a resource group's resources (the ingress controller finds its gateway).
	RoleReader Role = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	// RoleAKSRBACClusterAdmin is cluster-admin through Entra ID and Azure RBAC.
	RoleAKSRBACClusterAdmin Role = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
)

// DefinitionID is the role's definition id in the subscription, as a role assignment names it.
func (r Role) DefinitionID(subscriptionID string) string {
	return fmt.Sprintf("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", subscriptionID, r)
}

// Assignment is one role granted to one principal on one resource.
type Assignment struct {
	// Definition is the role's definition id: Role.DefinitionID for a built-in role, or a
	// custom role definition's id.
	Definition pulumi.StringInput
	Principal  pulumi.StringInput
	// PrincipalType is "ServicePrincipal" unless set ("Group", "User"). It is always sent: the
	// SDK would otherwise send "User", and naming a managed identity's type spares ARM the
	// directory lookup that fails while a new identity is still replicating.
	PrincipalType string
	// Scope is the one resource the grant is for, never a group or the subscription.
	Scope pulumi.StringInput
	// Description says why the principal holds the role, where the name does not.
	Description string
}

// Assign grants a role. The assignment's name, the GUID ARM requires, is derived from the
// project, stack and logical name, so a rerun after lost state finds the same assignment
// instead of failing on a duplicate.
func Assign(ctx *pulumi.Context, name string, a Assignment, opts ...pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	principalType := a.PrincipalType
	if principalType == "" {
		principalType = "ServicePrincipal"
	}
	args := &authorization.RoleAssignmentArgs{
		RoleAssignmentName: pulumi.String(assignmentGUID(ctx, name)),
		PrincipalId:        a.Principal,
		PrincipalType:      pulumi.String(principalType),
		RoleDefinitionId:   a.Definition,
		Scope:              a.Scope,
	}
	if a.Description != "" {
		args.Description = pulumi.String(a.Description)
	}
	return authorization.NewRoleAssignment(ctx, name, args, opts...)
}

// assignmentGUID is a GUID stable for one logical resource of one stack.
func assignmentGUID(ctx *pulumi.Context, name string) string {
	s := fmt.Sprintf("%x", sha256.Sum256([]byte(ctx.Project()+"/"+ctx.Stack()+"/"+name)))
	return s[0:8] + "-" + s[8:12] + "-5" + s[13:16] + "-8" + s[17:20] + "-" + s[20:32]
}
