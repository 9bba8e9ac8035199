package azure

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// SecureStorageArgs configures a storage account for PHI or audit records.
type SecureStorageArgs struct {
	// Name is the account's name, global across Azure (azureformat.StorageAccountName).
	Name              string
	ResourceGroupName pulumi.StringInput
	Location          string
	// KeyVaultUri and KeyName are the customer-managed key (Keys.VaultUri and the domain's key
	// name). No version: Azure Storage picks up each new version of the key within a day, so
	// the key's rotation re-keys the account. Required.
	KeyVaultUri pulumi.StringInput
	KeyName     pulumi.StringInput
	// IdentityId is the user-assigned identity (ARM id) granted the key, Keys.Identity(d).ID.
	// Required.
	IdentityId pulumi.StringInput
	// Redundancy is the SKU: "Standard_RAGZRS" (default), "Standard_GZRS" or "Standard_ZRS".
	// Zone-redundant in the region and, but for ZRS, copied to the paired region. ZRS is
	// refused when Protect; locally redundant SKUs always.
	Redundancy string
	// Containers are the private blob containers to create.
	Containers []string
	// Immutable turns on account-level version immutability (WORM): no blob version can be
	// changed or deleted for ImmutabilityDays after it is written, which is at least the HIPAA
	// six years when Protect. The policy is Locked when Protect (it can then only be
	// lengthened) and Unlocked otherwise, so a dev account can still be torn down.
	Immutable        bool
	ImmutabilityDays int
	// ImmutabilityUnlocked creates a protected account's policy Unlocked. ARM creates an
	// account-level policy only Disabled or Unlocked and locks it on a later update, so a new
	// protected immutable account is deployed once with this set and once without. An
	// Unlocked policy still refuses every change and deletion within its period; only the
	// period can be shortened or the policy disabled.
	ImmutabilityUnlocked bool
	// SoftDeleteDays keeps deleted blobs, versions and containers recoverable: 7 to 365,
	// default 30.
	SoftDeleteDays int
	// TrustedServiceAccess opens the public endpoint to Azure's trusted services only (network
	// rules deny everything else) instead of disabling it. Azure Monitor's diagnostic export
	// and flow logs write to storage through the public endpoint, never a private one, and
	// reach it only this way: set it for log archives, never for PHI.
	TrustedServiceAccess bool
	// Protect keeps the account and its containers through destroys and config changes.
	Protect bool
	Tags    map[string]string
}

// SecureStorage is a private storage account encrypted with a customer-managed key (and
// infrastructure encryption under it), reachable only with Entra ID and only through private
// endpoints, with versioning, soft delete and a change feed, and optionally immutable.
type SecureStorage struct {
	pulumi.ResourceState

	AccountId    pulumi.StringOutput `pulumi:"accountId"`
	AccountName  pulumi.StringOutput `pulumi:"accountName"`
	BlobEndpoint pulumi.StringOutput `pulumi:"blobEndpoint"`
}

var (
	// storageRedundancies are the SKUs that survive the loss of a zone.
	storageRedundancies = []string{"Standard_RAGZRS", "Standard_GZRS", "Standard_ZRS"}
	// blobContainerName is Azure's rule: 3 to 63 lowercase letters, digits and single hyphens,
	// starting and ending with a letter or digit.
	blobContainerName = regexp.MustCompile(`^[a-z0-9](-?[a-z0-9])+$`)
)

const (
	// maxImmutabilityDays is Azure's longest immutability period (400 years).
	maxImmutabilityDays = 146000
	// changeFeedDays keeps the change feed, the record of every change to every blob, as long
	// as other audit records: the HIPAA six years.
	changeFeedDays = kit.MinRetentionDays
)

// Validate checks the Args before anything is registered.
func (a *SecureStorageArgs) Validate() error {
	const c = "SecureStorage"
	if !azureformat.StorageAccountName.MatchString(a.Name) {
		return kit.ArgError(c, "Name", fmt.Sprintf("%q", a.Name), "must be 3 to 24 lowercase letters or digits")
	}
	if a.ResourceGroupName == nil {
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	switch {
	case a.KeyVaultUri == nil:
		return kit.ArgError(c, "KeyVaultUri", nil, "required: accounts are always encrypted with a customer-managed key")
	case a.KeyName == nil:
		return kit.ArgError(c, "KeyName", nil, "required: accounts are always encrypted with a customer-managed key")
	case a.IdentityId == nil:
		return kit.ArgError(c, "IdentityId", nil, "required: the user-assigned identity granted the key")
	}
	if a.Redundancy == "" {
		a.Redundancy = "Standard_RAGZRS"
	}
	switch {
	case !slices.Contains(storageRedundancies, a.Redundancy):
		return kit.ArgError(c, "Redundancy", fmt.Sprintf("%q", a.Redundancy), "must be one of %q: locally redundant storage does not survive the loss of a datacentre", storageRedundancies)
	case a.Protect && a.Redundancy == "Standard_ZRS":
		return kit.ArgError(c, "Redundancy", a.Redundancy, "must be geo-redundant when Protect: production data survives the loss of its region")
	}
	for i, n := range a.Containers {
		if !blobContainerName.MatchString(n) || len(n) < 3 || len(n) > 63 || slices.Contains(a.Containers[:i], n) {
			return kit.ArgError(c, "Containers", fmt.Sprintf("%q", n), "must be 3 to 63 lowercase letters, digits and single hyphens, once each")
		}
	}
	switch {
	case !a.Immutable && a.ImmutabilityDays != 0:
		return kit.ArgError(c, "ImmutabilityDays", a.ImmutabilityDays, "needs Immutable")
	case !a.Immutable && a.ImmutabilityUnlocked:
		return kit.ArgError(c, "ImmutabilityUnlocked", true, "needs Immutable")
	case a.Immutable && (a.ImmutabilityDays < 1 || a.ImmutabilityDays > maxImmutabilityDays):
		return kit.ArgError(c, "ImmutabilityDays", a.ImmutabilityDays, "must be 1 to %d with Immutable", maxImmutabilityDays)
	case a.Immutable && a.Protect && a.ImmutabilityDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "ImmutabilityDays", a.ImmutabilityDays)
	}
	if a.SoftDeleteDays == 0 {
		a.SoftDeleteDays = 30
	}
	// A week to notice a deletion at the least; Azure keeps deleted data a year at most.
	if a.SoftDeleteDays < 7 || a.SoftDeleteDays > 365 {
		return kit.ArgError(c, "SoftDeleteDays", a.SoftDeleteDays, "must be 7 to 365")
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewSecureStorage creates the account, its blob service settings and its containers.
func NewSecureStorage(ctx *pulumi.Context, name string, args *SecureStorageArgs, opts ...pulumi.ResourceOption) (*SecureStorage, error) {
	s := &SecureStorage{}
	if err := kit.Register(ctx, TypeSecureStorage, name, args, s, opts...); err != nil {
		return nil, err
	}

	// Account-scoped keys for every service, queues and tables included: the key type is
	// fixed at creation, and a service left on Microsoft's key would stay there.
	cmk := storage.EncryptionServiceArgs{Enabled: pulumi.Bool(true), KeyType: pulumi.String("Account")}
	publicAccess, bypass := "Disabled", "AzureServices, Logging, Metrics"
	if args.TrustedServiceAccess {
		// "Enabled" with a default Deny and no IP or network rule: only the bypass passes.
		publicAccess = "Enabled"
	}
	var immutability storage.ImmutableStorageAccountPtrInput
	if args.Immutable {
		state := "Unlocked"
		if args.Protect && !args.ImmutabilityUnlocked {
			state = "Locked"
		}
		immutability = storage.ImmutableStorageAccountArgs{
			Enabled: pulumi.Bool(true),
			ImmutabilityPolicy: storage.AccountImmutabilityPolicyPropertiesArgs{
				ImmutabilityPeriodSinceCreationInDays: pulumi.Int(args.ImmutabilityDays),
				State:                                 pulumi.String(state),
				// Append blobs (logs) may grow; what is written stays as written.
				AllowProtectedAppendWrites: pulumi.Bool(true),
			},
		}
	}
	account, err := storage.NewStorageAccount(ctx, args.Name, &storage.StorageAccountArgs{
		AccountName:       pulumi.String(args.Name),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(args.Location),
		Kind:              pulumi.String("StorageV2"),
		Sku:               storage.SkuArgs{Name: pulumi.String(args.Redundancy)},
		MinimumTlsVersion: pulumi.String("TLS1_2"),
		// HTTPS only (CIS Azure 3.1): PHI never crosses a network in clear.
		EnableHttpsTrafficOnly: pulumi.Bool(true),
		AllowBlobPublicAccess:  pulumi.Bool(false),
		// Entra ID only: account keys and the SAS tokens signed with them can neither be
		// scoped to a person nor revoked one at a time.
		AllowSharedKeyAccess:         pulumi.Bool(false),
		DefaultToOAuthAuthentication: pulumi.Bool(true),
		// No SFTP and no local users: both authenticate outside Entra ID.
		IsSftpEnabled:      pulumi.Bool(false),
		IsLocalUserEnabled: pulumi.Bool(false),
		// Data is copied only to and from accounts of this tenant.
		AllowCrossTenantReplication: pulumi.Bool(false),
		AllowedCopyScope:            pulumi.String("AAD"),
		PublicNetworkAccess:         pulumi.String(publicAccess),
		NetworkRuleSet: storage.NetworkRuleSetArgs{
			DefaultAction: storage.DefaultActionDeny,
			Bypass:        pulumi.String(bypass),
		},
		Identity: storage.IdentityArgs{
			Type:                   pulumi.String("UserAssigned"),
			UserAssignedIdentities: pulumi.StringArray{args.IdentityId},
		},
		Encryption: storage.EncryptionArgs{
			KeySource: pulumi.String("Microsoft.Keyvault"),
			KeyVaultProperties: storage.KeyVaultPropertiesArgs{
				KeyName:     args.KeyName,
				KeyVaultUri: args.KeyVaultUri,
			},
			EncryptionIdentity: storage.EncryptionIdentityArgs{EncryptionUserAssignedIdentity: args.IdentityId},
			// A second layer under Microsoft's platform key (CIS Azure 3.2); it can only be
			// chosen at creation.
			RequireInfrastructureEncryption: pulumi.Bool(true),
			Services:                        storage.EncryptionServicesArgs{Blob: cmk, File: cmk, Queue: cmk, Table: cmk},
		},
		ImmutableStorageWithVersioning: immutability,
		Tags:                           azurekit.Tags(args.Tags),
	}, kit.Stateful(s, args.Protect)...)
	if err != nil {
		return nil, err
	}

	retention := storage.DeleteRetentionPolicyArgs{
		Enabled: pulumi.Bool(true),
		Days:    pulumi.Int(args.SoftDeleteDays),
	}
	var restore storage.RestorePolicyPropertiesPtrInput
	if !args.Immutable {
		// Point-in-time restore of the whole account, within the soft-delete window Azure
		// requires it to be shorter than. Immutable accounts cannot have it, nor need it.
		restore = storage.RestorePolicyPropertiesArgs{Enabled: pulumi.Bool(true), Days: pulumi.Int(args.SoftDeleteDays - 1)}
	}
	service, err := storage.NewBlobServiceProperties(ctx, args.Name+"-blob", &storage.BlobServicePropertiesArgs{
		AccountName:       account.Name,
		ResourceGroupName: args.ResourceGroupName,
		BlobServicesName:  pulumi.String("default"),
		// Every overwrite keeps the version before it (CIS Azure 3.11).
		IsVersioningEnabled: pulumi.Bool(true),
		DeleteRetentionPolicy: storage.DeleteRetentionPolicyArgs{
			Enabled: retention.Enabled, Days: retention.Days,
			// Soft-deleted versions cannot be purged early.
			AllowPermanentDelete: pulumi.Bool(false),
		},
		ContainerDeleteRetentionPolicy: retention,
		ChangeFeed: storage.ChangeFeedArgs{
			Enabled:         pulumi.Bool(true),
			RetentionInDays: pulumi.Int(changeFeedDays),
		},
		RestorePolicy: restore,
	}, pulumi.Parent(s))
	if err != nil {
		return nil, err
	}

	for _, c := range args.Containers {
		// A container deleted takes its blobs with it: stateful, and after the soft-delete
		// settings that make that recoverable.
		if _, err := storage.NewBlobContainer(ctx, args.Name+"-"+c, &storage.BlobContainerArgs{
			ContainerName:     pulumi.String(c),
			AccountName:       account.Name,
			ResourceGroupName: args.ResourceGroupName,
			PublicAccess:      storage.PublicAccessNone,
		}, append(kit.Stateful(s, args.Protect), pulumi.DependsOn([]pulumi.Resource{service}))...); err != nil {
			return nil, err
		}
	}

	s.AccountId = account.ID().ToStringOutput()
	s.AccountName = account.Name
	s.BlobEndpoint = account.PrimaryEndpoints.Blob()
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{
		"accountId": s.AccountId, "accountName": s.AccountName, "blobEndpoint": s.BlobEndpoint,
	})
}
