package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
)

// roleKeyVaultContributor manages the vault resource (not its keys, which the vault's RBAC
// keeps to data-plane roles): AKS's KMS needs it to create the private link to a vault that
// refuses public networks. The GUID is the same in every tenant.
const roleKeyVaultContributor azurekit.Role = "f25e0fa2-a7c8-4377-a976-54943a77a395"

// servicePrincipal is the principal type of a managed identity: naming it lets ARM accept a
// grant to an identity created seconds before, which Entra has not replicated yet.
const servicePrincipal = "ServicePrincipal"

// identities are the cluster's user-assigned identities, one per job, so no single one holds
// every grant.
type identities struct {
	// control is the control plane's: subnets, DNS zone, KMS key, the kubelet identity.
	control *managedidentity.UserAssignedIdentity
	// kubelet is the nodes': pulling images.
	kubelet *managedidentity.UserAssignedIdentity
	// disks is the disk encryption set's: wrapping and unwrapping the disks' keys.
	disks *managedidentity.UserAssignedIdentity
}

func newIdentities(ctx *pulumi.Context, c *AksCluster, args *AksClusterArgs, clusterName string, tags pulumi.StringMap) (identities, error) {
	var ids identities
	for _, id := range []struct {
		suffix string
		into   **managedidentity.UserAssignedIdentity
	}{{"control-plane", &ids.control}, {"kubelet", &ids.kubelet}, {"disks", &ids.disks}} {
		name := clusterName + "-" + id.suffix
		identity, err := managedidentity.NewUserAssignedIdentity(ctx, name, &managedidentity.UserAssignedIdentityArgs{
			ResourceName:      pulumi.String(name),
			ResourceGroupName: args.ResourceGroupName,
			Location:          pulumi.String(args.Location),
			Tags:              tags,
		}, pulumi.Parent(c))
		if err != nil {
			return ids, err
		}
		*id.into = identity
	}
	return ids, nil
}

// controlPlaneGrants are what AKS's control plane needs before the cluster exists, each on the
// one resource it is for.
func controlPlaneGrants(ctx *pulumi.Context, c *AksCluster, args *AksClusterArgs, clusterName string, ids identities, desID pulumi.StringOutput, subscription string) ([]pulumi.Resource, error) {
	control := ids.control.PrincipalId
	type grant struct {
		suffix      string
		role        azurekit.Role
		scope       pulumi.StringInput
		description string
	}
	grants := []grant{
		{"kubelet-operator", azurekit.RoleManagedIdentityOperator, ids.kubelet.ID().ToStringOutput(),
			"AKS assigns the kubelet identity to the nodes' scale sets."},
		{"node-subnet", azurekit.RoleNetworkContributor, args.NodeSubnetId,
			"AKS joins the nodes and internal load balancers to the subnet."},
		{"apiserver-subnet", azurekit.RoleNetworkContributor, args.ApiServerSubnetId,
			"AKS puts the API server's internal load balancer in the delegated subnet."},
		{"kms-key", azurekit.RoleKeyVaultCryptoUser, args.KeyResourceId,
			"KMS encrypts and decrypts the data keys of Kubernetes secrets with the cluster key."},
		{"kms-vault", roleKeyVaultContributor, args.KeyVaultId,
			"KMS creates the private link to the private key vault."},
		// Node OS disks and CSI volumes are created by the control plane's identity, and a disk
		// naming an encryption set needs read access to the set.
		{"disk-encryption-set", azurekit.RoleReader, desID,
			"AKS creates node and volume disks under the disk encryption set."},
	}
	if args.Private {
		grants = append(grants,
			grant{"dns-zone", azurekit.RolePrivateDNSZoneContributor, args.PrivateDnsZoneId,
				"AKS writes the private API server's record in the zone."},
			grant{"vnet", azurekit.RoleNetworkContributor, args.VnetId,
				"AKS links the private API server's DNS zone to the VNet."})
	}
	var out []pulumi.Resource
	for _, g := range grants {
		r, err := roleAssignment(ctx, c, clusterName+"-control-plane-"+g.suffix, control, servicePrincipal, g.role, subscription, g.scope, g.description)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// roleAssignment grants role on scope, the one resource it is for.
func roleAssignment(ctx *pulumi.Context, c *AksCluster, name string, principal pulumi.StringInput, principalType string, role azurekit.Role, subscription string, scope pulumi.StringInput, description string) (*authorization.RoleAssignment, error) {
	return azurekit.Assign(ctx, name, azurekit.Assignment{
		Definition: pulumi.String(role.DefinitionID(subscription)), Principal: principal, PrincipalType: principalType,
		Scope: scope, Description: description,
	}, pulumi.Parent(c))
}
