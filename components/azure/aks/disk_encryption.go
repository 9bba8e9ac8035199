package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
)

// customerKey encrypts the disks with the customer's key (wrapping the platform's data keys):
// revoking the key makes every node disk and volume unreadable.
const customerKey = "EncryptionAtRestWithCustomerKey"

// diskEncryptionSet is the set every node OS disk and every volume is encrypted under. It runs
// as a user-assigned identity granted the key before the set exists, so the set is never live
// without access to its key, and the identity outlives a replaced set.
func diskEncryptionSet(ctx *pulumi.Context, c *AksCluster, args *AksClusterArgs, clusterName string, identity *managedidentity.UserAssignedIdentity, subscription string, tags pulumi.StringMap) (*compute.DiskEncryptionSet, pulumi.Resource, error) {
	grant, err := roleAssignment(ctx, c, clusterName+"-disks-key", identity.PrincipalId, servicePrincipal,
		azurekit.RoleKeyVaultCryptoServiceEncryptionUser, subscription, args.KeyResourceId,
		"The disk encryption set wraps and unwraps the node and volume disks' keys.")
	if err != nil {
		return nil, nil, err
	}
	name := clusterName + "-des"
	des, err := compute.NewDiskEncryptionSet(ctx, name, &compute.DiskEncryptionSetArgs{
		DiskEncryptionSetName: pulumi.String(name),
		ResourceGroupName:     args.ResourceGroupName,
		Location:              pulumi.String(args.Location),
		EncryptionType:        pulumi.String(customerKey),
		ActiveKey: compute.KeyForDiskEncryptionSetArgs{
			KeyUrl:      args.DiskKeyUrl,
			SourceVault: compute.SourceVaultArgs{Id: args.KeyVaultId},
		},
		// The set moves to each new version of the key within an hour of its rotation, so no
		// disk stays on a version that expires.
		RotationToLatestKeyVersionEnabled: pulumi.Bool(true),
		Identity: compute.EncryptionSetIdentityArgs{
			Type:                   pulumi.String(string(compute.DiskEncryptionSetIdentityTypeUserAssigned)),
			UserAssignedIdentities: pulumi.StringArray{identity.ID().ToStringOutput()},
		},
		Tags: tags,
	}, append(kit.Stateful(c, args.Protect),
		pulumi.DependsOn([]pulumi.Resource{grant}),
		// Azure moves activeKey to each new key version; putting the version the program was
		// given back would pin the disks to a version that expires.
		pulumi.IgnoreChanges([]string{"activeKey.keyUrl"}),
	)...)
	return des, grant, err
}
