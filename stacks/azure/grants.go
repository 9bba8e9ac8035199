package azure

import (
	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
)

// identity is a user-assigned managed identity the stack gives a service it configures (the
// gateway reading its certificate).
type identity struct {
	id, clientID, principalID pulumi.StringOutput
}

func newIdentity(ctx *pulumi.Context, p *providers, name string, tags map[string]string) (*identity, error) {
	id, err := managedidentity.NewUserAssignedIdentity(ctx, p.prefix+"-id-"+name, &managedidentity.UserAssignedIdentityArgs{
		ResourceName:      pulumi.String(p.prefix + "-id-" + name),
		ResourceGroupName: p.group.Name,
		Tags:              azurekit.Tags(tags),
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	return &identity{id: id.ID().ToStringOutput(), clientID: id.ClientId, principalID: id.PrincipalId}, nil
}

// agicActions are what the cluster's ingress controller does to its gateway and no more: read
// and rewrite it, and join what the gateway's configuration names (its subnet, public IP,
// identity and WAF policy). Contributor, which Microsoft's add-on docs grant, would also let
// it delete the gateway or change its firewall policy.
var agicActions = []string{
	"Microsoft.Network/applicationGateways/read",
	"Microsoft.Network/applicationGateways/write",
	"Microsoft.Network/virtualNetworks/subnets/join/action",
	"Microsoft.Network/publicIPAddresses/join/action",
	"Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
	"Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/join/action",
}

// newAgicRole is the custom role holding agicActions, assignable only in the stack's group.
func newAgicRole(ctx *pulumi.Context, p *providers) (*authorization.RoleDefinition, error) {
	return authorization.NewRoleDefinition(ctx, "agic-role", &authorization.RoleDefinitionArgs{
		RoleName:         pulumi.String(p.prefix + " gateway ingress controller"),
		Description:      pulumi.String("Rewrites the estate's Application Gateway from the cluster's Ingress; cannot delete it or change its firewall policy."),
		RoleType:         pulumi.String("CustomRole"),
		Permissions:      authorization.PermissionArray{authorization.PermissionArgs{Actions: pulumi.ToStringArray(agicActions)}},
		Scope:            p.group.ID(),
		AssignableScopes: pulumi.StringArray{p.group.ID()},
	}, p.onPrimary)
}

// grant assigns a built-in role to a managed identity at one resource's scope.
func grant(ctx *pulumi.Context, p *providers, name string, role azurekit.Role, principal, scope pulumi.StringInput) error {
	return assign(ctx, p, name, pulumi.String(role.DefinitionID(p.subscription)), principal, scope)
}

// assign assigns a role definition (built-in or the stack's own) to a managed identity at one
// resource's scope.
func assign(ctx *pulumi.Context, p *providers, name string, definition, principal, scope pulumi.StringInput) error {
	_, err := azurekit.Assign(ctx, name, azurekit.Assignment{Definition: definition, Principal: principal, Scope: scope}, p.onPrimary)
	return err
}
