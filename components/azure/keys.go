package azure

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// Domain is a class of data that gets its own customer-managed key and its own identity, so
// access to one (say, the audit logs) never implies access to another (patient records).
type Domain string

// The estate's key domains.
const (
	DomainDatabase Domain = "database"
	DomainStorage  Domain = "storage"
	DomainLogs     Domain = "logs"
	DomainCluster  Domain = "cluster"
	DomainBackup   Domain = "backup"
)

// Domains are the key domains of the estate, in order.
var Domains = []Domain{DomainDatabase, DomainStorage, DomainLogs, DomainCluster, DomainBackup}

// IdentityDomains are the domains Keys makes an identity for. The cluster's key is used by the
// cluster's own identities (its control plane and its disk encryption set), which the cluster
// component makes and grants itself: an identity here would hold the key and serve nothing.
var IdentityDomains = []Domain{DomainDatabase, DomainStorage, DomainLogs, DomainBackup}

// KeysArgs configures the estate's Key Vaults, keys and key identities.
type KeysArgs struct {
	// Prefix names the vaults (see VaultName) and the identities (<prefix>-id-<domain>).
	Prefix string
	// ResourceGroupName and Location hold the primary vault and every identity.
	ResourceGroupName pulumi.StringInput
	Location          string
	// DRLocation, when set, gets a second vault with the same keys in DRResourceGroupName:
	// Azure services take keys from a vault in their own region, so the DR copies of the data
	// need keys there. Required when Protect.
	DRResourceGroupName pulumi.StringInput
	DRLocation          string
	// Admins are Entra object ids granted Key Vault Administrator on the vaults. They manage
	// keys and never use them: no admin is ever a key's user.
	Admins []string
	// AdminPrincipalType is what every Admin is: "Group" (default) or "User". A role
	// assignment names it, and ARM refuses one that names it wrongly.
	AdminPrincipalType string
	// Premium is the Premium SKU with RSA-HSM keys, whose material never leaves FIPS 140-2
	// Level 3 hardware. Required when Protect.
	Premium bool
	// Protect keeps the vaults, keys and identities through destroys and config changes.
	Protect bool
	Tags    map[string]string
}

// Identity is a user-assigned managed identity: ID is its ARM id (what a resource's
// identity block and encryption settings name), ClientID what a workload signs in as,
// PrincipalID what role assignments grant.
type Identity struct {
	ID, ClientID, PrincipalID pulumi.StringOutput
}

// Keys is a Key Vault per location with one key per data domain, rotated every 90 days, each
// usable only by its domain's managed identity and administered only by Admins.
type Keys struct {
	pulumi.ResourceState

	VaultId     pulumi.StringOutput `pulumi:"vaultId"`
	VaultName   pulumi.StringOutput `pulumi:"vaultName"`
	VaultUri    pulumi.StringOutput `pulumi:"vaultUri"`
	DRVaultId   pulumi.StringOutput `pulumi:"drVaultId"`
	DRVaultName pulumi.StringOutput `pulumi:"drVaultName"`
	DRVaultUri  pulumi.StringOutput `pulumi:"drVaultUri"`
	// KeyIds and DRKeyIds are the versionless key URIs by domain.
	KeyIds   pulumi.StringMapOutput `pulumi:"keyIds"`
	DRKeyIds pulumi.StringMapOutput `pulumi:"drKeyIds"`

	primary, dr            map[Domain]vaultKey
	identities, drIdentity map[Domain]Identity
	// grants are the key grants of each identity, by its name.
	grants map[string][]pulumi.CustomResource
}

// vaultKey is one key in one vault, as its consumers name it; each output resolves only once
// the domain's identities may use that key.
type vaultKey struct{ uri, versioned, resourceID pulumi.StringOutput }

// Id is a domain's primary key as a versionless URI (https://<vault>.vault.azure.net/keys/<domain>):
// services that take it follow the key's rotation on their own. It resolves once the domain's
// identity may use the key, so a resource encrypted with it is created after the grant.
func (k *Keys) Id(d Domain) pulumi.StringOutput { return k.primary[d].uri }

// VersionedId is a domain's primary key with its current version, for services that take
// only a versioned URI.
func (k *Keys) VersionedId(d Domain) pulumi.StringOutput { return k.primary[d].versioned }

// ResourceId is a domain's primary key's ARM id, the scope of a role on that key alone.
func (k *Keys) ResourceId(d Domain) pulumi.StringOutput { return k.primary[d].resourceID }

// DRId, DRVersionedId and DRResourceId are the same for the key in the DR vault; zero
// StringOutputs without a DRLocation.
func (k *Keys) DRId(d Domain) pulumi.StringOutput { return k.dr[d].uri }

// DRVersionedId is the DR key with its current version.
func (k *Keys) DRVersionedId(d Domain) pulumi.StringOutput { return k.dr[d].versioned }

// DRResourceId is the DR key's ARM id.
func (k *Keys) DRResourceId(d Domain) pulumi.StringOutput { return k.dr[d].resourceID }

// Identity is the managed identity that encrypts a domain's data, granted the domain's key in
// both vaults; a zero Identity for a domain not in IdentityDomains.
func (k *Keys) Identity(d Domain) Identity { return k.identities[d] }

// DRIdentity is the identity that uses a domain's DR key. The database has one of its own in
// DRLocation (its geo-backup and its replica must name an identity there); every other domain
// uses its primary identity, which holds the DR key too. A zero Identity without a DRLocation.
func (k *Keys) DRIdentity(d Domain) Identity { return k.drIdentity[d] }

// VaultName is the vault of prefix in location: "<prefix>-kv-<location>" while that fits Key
// Vault's 24 characters, else the location cut short and ended with four hex digits of its
// hash, so two long locations never share a name. Vault names are global and stay reserved
// for the soft-delete retention after deletion, so the same prefix and location always give
// the same name.
func VaultName(prefix, location string) string {
	room := 24 - len(prefix) - len("-kv-")
	if len(location) > room {
		sum := sha256.Sum256([]byte(location))
		location = location[:room-4] + fmt.Sprintf("%x", sum[:2])
	}
	return prefix + "-kv-" + location
}

const (
	// The rotation policy: a new key version every 90 days (Prowler
	// keyvault_key_rotation_enabled); each version expires after a year (Prowler
	// keyvault_rbac_key_expiration_set), and Key Vault notifies 30 days before, should
	// rotation ever stop.
	keyRotateAfter  = "P90D"
	keyNotifyBefore = "P30D"
	keyExpiry       = "P1Y"
	// softDeleteDays is Key Vault's longest: a deleted vault or key is recoverable for 90 days,
	// and with purge protection nobody can shorten that.
	softDeleteDays = 90
)

// Validate checks the Args before anything is registered.
func (a *KeysArgs) Validate() error {
	const c = "Keys"
	if !azureformat.Prefix.MatchString(a.Prefix) {
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter")
	}
	if a.ResourceGroupName == nil {
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	switch {
	case a.DRLocation == "" && a.Protect:
		return kit.ArgError(c, "DRLocation", `""`, "required when Protect: production data is copied to a second region, which needs its own keys")
	case a.DRLocation == "" && a.DRResourceGroupName != nil:
		return kit.ArgError(c, "DRResourceGroupName", "set", "needs a DRLocation")
	case a.DRLocation != "":
		if err := azurekit.CheckLocation(c, "DRLocation", a.DRLocation); err != nil {
			return err
		}
		if a.DRLocation == a.Location {
			return kit.ArgError(c, "DRLocation", a.DRLocation, "must differ from Location: a DR copy in the same region does not survive its loss")
		}
		if a.DRResourceGroupName == nil {
			return kit.ArgError(c, "DRResourceGroupName", nil, "required with a DRLocation")
		}
	}
	for i, admin := range a.Admins {
		switch {
		case !azurekit.GUID.MatchString(admin):
			return kit.ArgError(c, "Admins", fmt.Sprintf("%q", admin), "must be Entra object ids (GUIDs) of people or groups")
		case slices.Contains(a.Admins[:i], admin):
			return kit.ArgError(c, "Admins", admin, "must not repeat an id")
		}
	}
	if a.AdminPrincipalType == "" {
		a.AdminPrincipalType = "Group"
	}
	if a.AdminPrincipalType != "Group" && a.AdminPrincipalType != "User" {
		return kit.ArgError(c, "AdminPrincipalType", fmt.Sprintf("%q", a.AdminPrincipalType), `must be "Group" or "User"`)
	}
	if a.Protect && !a.Premium {
		return kit.ArgError(c, "Premium", false, "required when Protect: production keys are HSM-backed (RSA-HSM)")
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewKeys creates the vaults, the keys, the domain identities and who may use and administer
// what.
func NewKeys(ctx *pulumi.Context, name string, args *KeysArgs, opts ...pulumi.ResourceOption) (*Keys, error) {
	k := &Keys{
		primary: map[Domain]vaultKey{}, dr: map[Domain]vaultKey{},
		identities: map[Domain]Identity{}, drIdentity: map[Domain]Identity{},
		grants: map[string][]pulumi.CustomResource{},
	}
	if err := kit.Register(ctx, TypeKeys, name, args, k, opts...); err != nil {
		return nil, err
	}
	client, err := azurekit.LookupClient(ctx, k)
	if err != nil {
		return nil, err
	}

	// Identities first: each is granted its key as the key is created.
	users := map[Domain][]keyUser{}
	for _, d := range IdentityDomains {
		u := keyUser{name: fmt.Sprintf("%s-id-%s", args.Prefix, d)}
		if u.Identity, err = k.identity(ctx, args, u.name, args.ResourceGroupName, args.Location); err != nil {
			return nil, err
		}
		k.identities[d] = u.Identity
		users[d] = []keyUser{u}
	}

	vault, err := k.vault(ctx, args, client, args.ResourceGroupName, args.Location, users, k.primary)
	if err != nil {
		return nil, err
	}
	k.VaultId, k.VaultName, k.VaultUri = vault.ID().ToStringOutput(), vault.Name, vault.Properties.VaultUri()
	none := pulumi.String("").ToStringOutput()
	k.DRVaultId, k.DRVaultName, k.DRVaultUri = none, none, none
	drIDs := pulumi.StringMap{}

	if args.DRLocation != "" {
		// The database's geo-backup and its replica live in the DR region and must name an
		// identity there; it uses the DR copy of the key only.
		drDatabase := keyUser{name: fmt.Sprintf("%s-id-%s-dr", args.Prefix, DomainDatabase)}
		if drDatabase.Identity, err = k.identity(ctx, args, drDatabase.name, args.DRResourceGroupName, args.DRLocation); err != nil {
			return nil, err
		}
		drUsers := map[Domain][]keyUser{}
		for _, d := range IdentityDomains {
			k.drIdentity[d] = k.identities[d]
			drUsers[d] = slices.Clone(users[d])
		}
		k.drIdentity[DomainDatabase] = drDatabase.Identity
		drUsers[DomainDatabase] = append(drUsers[DomainDatabase], drDatabase)

		drVault, err := k.vault(ctx, args, client, args.DRResourceGroupName, args.DRLocation, drUsers, k.dr)
		if err != nil {
			return nil, err
		}
		k.DRVaultId, k.DRVaultName, k.DRVaultUri = drVault.ID().ToStringOutput(), drVault.Name, drVault.Properties.VaultUri()
		for _, d := range Domains {
			drIDs[string(d)] = k.dr[d].uri
		}
	}

	ids := pulumi.StringMap{}
	for _, d := range Domains {
		ids[string(d)] = k.primary[d].uri
	}
	for _, d := range IdentityDomains {
		// What names an identity for encryption is created after the identity may use its key.
		primaryName := fmt.Sprintf("%s-id-%s", args.Prefix, d)
		k.identities[d] = k.identities[d].after(k.grants[primaryName])
		if args.DRLocation == "" {
			continue
		}
		if d == DomainDatabase {
			k.drIdentity[d] = k.drIdentity[d].after(k.grants[primaryName+"-dr"])
		} else {
			k.drIdentity[d] = k.identities[d]
		}
	}
	k.KeyIds, k.DRKeyIds = ids.ToStringMapOutput(), drIDs.ToStringMapOutput()
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{
		"vaultId": k.VaultId, "vaultName": k.VaultName, "vaultUri": k.VaultUri,
		"drVaultId": k.DRVaultId, "drVaultName": k.DRVaultName, "drVaultUri": k.DRVaultUri,
		"keyIds": k.KeyIds, "drKeyIds": k.DRKeyIds,
	})
}

// identity creates a user-assigned identity. It is stateful: a replaced identity gets a new
// principal, and every encrypted resource naming the old one loses its key.
func (k *Keys) identity(ctx *pulumi.Context, args *KeysArgs, name string, group pulumi.StringInput, location string) (Identity, error) {
	id, err := managedidentity.NewUserAssignedIdentity(ctx, name, &managedidentity.UserAssignedIdentityArgs{
		ResourceName:      pulumi.String(name),
		ResourceGroupName: group,
		Location:          pulumi.String(location),
		Tags:              azurekit.Tags(args.Tags),
	}, kit.Stateful(k, args.Protect)...)
	if err != nil {
		return Identity{}, err
	}
	return Identity{ID: id.ID().ToStringOutput(), ClientID: id.ClientId, PrincipalID: id.PrincipalId}, nil
}

// after is the identity once every resource in deps exists.
func (i Identity) after(deps []pulumi.CustomResource) Identity {
	return Identity{ID: kit.After(i.ID, deps...), ClientID: kit.After(i.ClientID, deps...), PrincipalID: kit.After(i.PrincipalID, deps...)}
}

// keyUser is an identity granted a key, with the name that tells it apart in the grant's.
type keyUser struct {
	Identity
	name string
}

// vault creates one location's vault, its admins' grants, a key per domain and each key's
// users' grants, and records each key in into.
func (k *Keys) vault(ctx *pulumi.Context, args *KeysArgs, client azurekit.Client, group pulumi.StringInput, location string, users map[Domain][]keyUser, into map[Domain]vaultKey) (*keyvault.Vault, error) {
	vaultName := VaultName(args.Prefix, location)
	sku := keyvault.SkuNameStandard
	kty := keyvault.JsonWebKeyTypeRSA
	if args.Premium {
		sku, kty = keyvault.SkuNamePremium, keyvault.JsonWebKeyType_RSA_HSM
	}
	vault, err := keyvault.NewVault(ctx, vaultName, &keyvault.VaultArgs{
		VaultName:         pulumi.String(vaultName),
		ResourceGroupName: group,
		Location:          pulumi.String(location),
		Properties: keyvault.VaultPropertiesArgs{
			TenantId: pulumi.String(client.TenantID),
			Sku:      keyvault.SkuArgs{Family: pulumi.String("A"), Name: sku},
			// Azure RBAC, not access policies: one place (role assignments, scoped to a key or a
			// secret) says who may do what, and vault contributors cannot grant themselves data
			// access.
			EnableRbacAuthorization: pulumi.Bool(true),
			// A deleted vault or key is recoverable for 90 days and nobody, not even an owner,
			// can purge it sooner: a deleted key would otherwise take the data it encrypts.
			EnableSoftDelete:          pulumi.Bool(true),
			SoftDeleteRetentionInDays: pulumi.Int(softDeleteDays),
			EnablePurgeProtection:     pulumi.Bool(true),
			// Reached through private endpoints only; trusted Azure services (storage, the
			// database, backup encrypting with their keys) still pass the firewall.
			PublicNetworkAccess: pulumi.String("Disabled"),
			NetworkAcls: keyvault.NetworkRuleSetArgs{
				DefaultAction: pulumi.String("Deny"),
				Bypass:        pulumi.String("AzureServices"),
			},
			// No VM, template deployment or Azure Disk Encryption may read secrets from the vault.
			EnabledForDeployment:         pulumi.Bool(false),
			EnabledForTemplateDeployment: pulumi.Bool(false),
			EnabledForDiskEncryption:     pulumi.Bool(false),
		},
		Tags: azurekit.Tags(args.Tags),
	}, kit.Stateful(k, args.Protect)...)
	if err != nil {
		return nil, err
	}
	for _, admin := range args.Admins {
		if _, err := grantRole(ctx, k, fmt.Sprintf("%s-admin-%s", vaultName, admin), azurekit.RoleKeyVaultAdministrator,
			client.SubscriptionID, pulumi.String(admin), args.AdminPrincipalType, vault.ID().ToStringOutput()); err != nil {
			return nil, err
		}
	}

	for _, d := range Domains {
		size, ops := 3072, []string{"wrapKey", "unwrapKey"}
		if d == DomainCluster {
			// AKS's KMS plugin encrypts and decrypts with the key itself and takes RSA 2048 only.
			size, ops = 2048, []string{"wrapKey", "unwrapKey", "encrypt", "decrypt"}
		}
		key, err := keyvault.NewKey(ctx, fmt.Sprintf("%s-%s", vaultName, d), &keyvault.KeyArgs{
			KeyName:           pulumi.String(string(d)),
			VaultName:         vault.Name,
			ResourceGroupName: group,
			Properties: keyvault.KeyPropertiesArgs{
				Kty:     kty,
				KeySize: pulumi.Int(size),
				// Only what envelope encryption needs: the key never signs or verifies.
				KeyOps: pulumi.ToStringArray(ops),
				RotationPolicy: keyvault.RotationPolicyArgs{
					LifetimeActions: keyvault.LifetimeActionArray{
						keyvault.LifetimeActionArgs{
							Trigger: keyvault.TriggerArgs{TimeAfterCreate: pulumi.String(keyRotateAfter)},
							Action:  keyvault.ActionArgs{Type: keyvault.KeyRotationPolicyActionTypeRotate},
						},
						keyvault.LifetimeActionArgs{
							Trigger: keyvault.TriggerArgs{TimeBeforeExpiry: pulumi.String(keyNotifyBefore)},
							Action:  keyvault.ActionArgs{Type: keyvault.KeyRotationPolicyActionTypeNotify},
						},
					},
					Attributes: keyvault.KeyRotationPolicyAttributesArgs{ExpiryTime: pulumi.String(keyExpiry)},
				},
			},
			Tags: azurekit.Tags(args.Tags),
		}, kit.Stateful(k, args.Protect)...)
		if err != nil {
			return nil, err
		}
		keyID := key.ID().ToStringOutput()
		var grants []pulumi.CustomResource
		for _, u := range users[d] {
			g, err := grantRole(ctx, k, fmt.Sprintf("%s-%s-%s", vaultName, d, u.name), azurekit.RoleKeyVaultCryptoServiceEncryptionUser,
				client.SubscriptionID, u.PrincipalID, "ServicePrincipal", keyID)
			if err != nil {
				return nil, err
			}
			grants = append(grants, g)
			k.grants[u.name] = append(k.grants[u.name], g)
		}
		into[d] = vaultKey{
			uri:        kit.After(key.KeyUri, grants...),
			versioned:  kit.After(key.KeyUriWithVersion, grants...),
			resourceID: kit.After(keyID, grants...),
		}
	}
	return vault, nil
}

// grantRole assigns a built-in role to a principal on one resource (scope), as a child of
// parent.
func grantRole(ctx *pulumi.Context, parent pulumi.Resource, name string, role azurekit.Role, subscription string, principal pulumi.StringInput, principalType string, scope pulumi.StringInput) (*authorization.RoleAssignment, error) {
	return azurekit.Assign(ctx, name, azurekit.Assignment{
		Definition: pulumi.String(role.DefinitionID(subscription)), Principal: principal, PrincipalType: principalType, Scope: scope,
	}, pulumi.Parent(parent))
}
