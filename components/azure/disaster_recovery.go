package azure

import (
	"fmt"

	recovery "github.com/pulumi/pulumi-azure-native-sdk/recoveryservices/v2/v20241001"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// DisasterRecoveryArgs configures the Recovery Services vault that keeps the estate's
// backups of virtual machines and file shares, copied to the paired region. The database's
// recovery is its own (point-in-time restore, geo-redundant backups and the replica).
type DisasterRecoveryArgs struct {
	// Prefix names the vault <prefix>-rsv.
	Prefix string
	// ResourceGroupName and Location are the vault's; its copies go to Location's pair.
	ResourceGroupName pulumi.StringInput
	Location          string
	// KeyUri is the backup domain's key (versionless, so the vault follows its rotation).
	// Required: backups are always encrypted with a customer-managed key.
	KeyUri pulumi.StringInput
	// IdentityId is the user-assigned identity (ARM id) that may wrap and unwrap with KeyUri.
	IdentityId pulumi.StringInput
	// Protect keeps the vault through destroys and locks its immutability (production):
	// once locked, nobody can shorten a backup's retention or turn immutability off.
	Protect bool
	Tags    map[string]string
}

// DisasterRecovery is a Recovery Services vault: geo-redundant with cross-region restore,
// encrypted with a customer-managed key on top of infrastructure encryption, reachable only
// through private endpoints, immutable, and keeping deleted backups for two weeks where no
// one can turn that off.
type DisasterRecovery struct {
	pulumi.ResourceState

	VaultId   pulumi.StringOutput `pulumi:"vaultId"`
	VaultName pulumi.StringOutput `pulumi:"vaultName"`
}

// recoverySoftDeleteDays is how long a deleted backup stays recoverable: Azure's default and
// its minimum, since AlwaysON already keeps anyone from purging it early.
const recoverySoftDeleteDays = 14

// Validate checks the Args before anything is registered.
func (a *DisasterRecoveryArgs) Validate() error {
	const c = "DisasterRecovery"
	if !azureformat.Prefix.MatchString(a.Prefix) {
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter (it names the vault)")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	switch {
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case a.KeyUri == nil:
		return kit.ArgError(c, "KeyUri", nil, "required: backups are always encrypted with a customer-managed key")
	case a.IdentityId == nil:
		return kit.ArgError(c, "IdentityId", nil, "required: the identity that uses KeyUri")
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewDisasterRecovery creates the vault.
func NewDisasterRecovery(ctx *pulumi.Context, name string, args *DisasterRecoveryArgs, opts ...pulumi.ResourceOption) (*DisasterRecovery, error) {
	d := &DisasterRecovery{}
	if err := kit.Register(ctx, TypeDisasterRecovery, name, args, d, opts...); err != nil {
		return nil, err
	}
	// Locked in production: Unlocked outside it, so a dev vault can still be torn down
	// once its backups expire. Immutability is on in both.
	immutability := "Unlocked"
	if args.Protect {
		immutability = "Locked"
	}
	id := args.Prefix + "-rsv"
	vault, err := recovery.NewVault(ctx, id, &recovery.VaultArgs{
		VaultName:         pulumi.String(id),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(args.Location),
		// RS0/Standard is the only Recovery Services SKU; redundancy is set below.
		Sku: recovery.SkuArgs{Name: pulumi.String("RS0"), Tier: pulumi.String("Standard")},
		Identity: recovery.IdentityDataArgs{
			Type:                   pulumi.String("UserAssigned"),
			UserAssignedIdentities: pulumi.StringArray{args.IdentityId},
		},
		Properties: recovery.VaultPropertiesArgs{
			// Backups and restores go through private endpoints only.
			PublicNetworkAccess: pulumi.String("Disabled"),
			SecuritySettings: recovery.SecuritySettingsArgs{
				// Recovery points cannot be deleted, nor their retention shortened, before
				// they expire: ransomware with the subscription's keys cannot take the
				// backups first.
				ImmutabilitySettings: recovery.ImmutabilitySettingsArgs{State: pulumi.String(immutability)},
				SoftDeleteSettings: recovery.SoftDeleteSettingsArgs{
					// AlwaysON: soft delete can never be turned off, by anyone.
					SoftDeleteState:                 pulumi.String("AlwaysON"),
					SoftDeleteRetentionPeriodInDays: pulumi.Int(recoverySoftDeleteDays),
					// The vault's enhanced security (soft delete for every kind of item,
					// a security PIN for critical operations) cannot be turned off either.
					EnhancedSecurityState: pulumi.String("AlwaysON"),
				},
			},
			RedundancySettings: recovery.VaultPropertiesRedundancySettingsArgs{
				// A copy in the paired region, restorable there while this one is down.
				// Both can only be chosen before the first item is protected.
				StandardTierStorageRedundancy: pulumi.String("GeoRedundant"),
				CrossRegionRestore:            pulumi.String("Enabled"),
			},
			Encryption: recovery.VaultPropertiesEncryptionArgs{
				KeyVaultProperties: recovery.CmkKeyVaultPropertiesArgs{KeyUri: args.KeyUri},
				KekIdentity:        recovery.CmkKekIdentityArgs{UserAssignedIdentity: args.IdentityId},
				// A second, platform-managed layer under the customer-managed key; it can
				// only be chosen when the vault is created.
				InfrastructureEncryption: pulumi.String("Enabled"),
			},
			// A backup of PHI is restored into this subscription only.
			RestoreSettings: recovery.RestoreSettingsArgs{
				CrossSubscriptionRestoreSettings: recovery.CrossSubscriptionRestoreSettingsArgs{
					CrossSubscriptionRestoreState: pulumi.String("Disabled"),
				},
			},
			// A failed backup raises an Azure Monitor alert, which the action groups route;
			// the classic e-mail alerts are retired in favour of them.
			MonitoringSettings: recovery.MonitoringSettingsArgs{
				AzureMonitorAlertSettings: recovery.AzureMonitorAlertSettingsArgs{
					AlertsForAllJobFailures: pulumi.String("Enabled"),
				},
				ClassicAlertSettings: recovery.ClassicAlertSettingsArgs{
					AlertsForCriticalOperations: pulumi.String("Disabled"),
				},
			},
		},
		Tags: azurekit.Tags(args.Tags),
	}, kit.Stateful(d, args.Protect)...)
	if err != nil {
		return nil, err
	}
	d.VaultId = vault.ID().ToStringOutput()
	d.VaultName = vault.Name
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{"vaultId": d.VaultId, "vaultName": d.VaultName})
}
