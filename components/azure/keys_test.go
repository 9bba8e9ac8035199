package azure

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/azureformat"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeVault          = "azure-native:keyvault:Vault"
	typeKey            = "azure-native:keyvault:Key"
	typeIdentity       = "azure-native:managedidentity:UserAssignedIdentity"
	typeRoleAssignment = "azure-native:authorization:RoleAssignment"
	testAdmin          = "11111111-1111-4111-8111-111111111111"
	testAdminGroup     = "22222222-2222-4222-8222-222222222222"
)

// The vaults Keys names for the test prefix.
var (
	testVault   = VaultName("hh", azurekittest.PrimaryLocation)
	testDRVault = VaultName("hh", azurekittest.DRLocation)
)

func testKeysArgs(mutate func(*KeysArgs)) *KeysArgs {
	a := &KeysArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Location: azurekittest.PrimaryLocation,
		DRResourceGroupName: pulumi.String(azurekittest.DRResourceGroup), DRLocation: azurekittest.DRLocation,
		Admins: []string{testAdmin, testAdminGroup}, Premium: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// resolved waits for an output's value.
func resolved[T any](o pulumi.Output) T {
	ch := make(chan T, 1)
	o.ApplyT(func(v T) T { ch <- v; return v })
	return <-ch
}

// roleID is a built-in role's definition id in the test subscription.
func roleID(r azurekit.Role) string { return r.DefinitionID(azurekittest.Subscription) }

// testVaultID is the ARM id the mock gives a vault of a resource group.
func testVaultID(group, vault string) string {
	return mockcloud.AzureResourceID(azurekittest.Subscription, group, "Microsoft.KeyVault/vaults", vault)
}

func TestKeysDefaults(t *testing.T) {
	var keys *Keys
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		keys, err = NewKeys(ctx, "keys", testKeysArgs(nil), pulumi.Provider(p.Primary))
		return err
	})

	var table []kittest.Expectation
	vaults := map[string][2]string{
		testVault:   {azurekittest.PrimaryLocation, azurekittest.ResourceGroup},
		testDRVault: {azurekittest.DRLocation, azurekittest.DRResourceGroup},
	}
	for vault, at := range vaults {
		table = append(table,
			kittest.Expectation{Type: typeVault, Name: vault, Path: "vaultName", Want: vault},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "location", Want: at[0]},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "resourceGroupName", Want: at[1]},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.tenantId", Want: azurekittest.Tenant},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.sku.name", Want: "premium"},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.sku.family", Want: "A"},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.enableRbacAuthorization", Want: true},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.enableSoftDelete", Want: true},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.softDeleteRetentionInDays", Want: int64(90)},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.enablePurgeProtection", Want: true},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.publicNetworkAccess", Want: "Disabled"},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.networkAcls.defaultAction", Want: "Deny"},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.networkAcls.bypass", Want: "AzureServices"},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.enabledForDeployment", Want: false},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.enabledForTemplateDeployment", Want: false},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "properties.enabledForDiskEncryption", Want: false},
			kittest.Expectation{Type: typeVault, Name: vault, Path: "tags.data-classification", Want: "phi"},
		)
		for _, d := range Domains {
			name := fmt.Sprintf("%s-%s", vault, d)
			size, ops := int64(3072), []any{"wrapKey", "unwrapKey"}
			if d == DomainCluster {
				size, ops = 2048, []any{"wrapKey", "unwrapKey", "encrypt", "decrypt"}
			}
			table = append(table,
				kittest.Expectation{Type: typeKey, Name: name, Path: "keyName", Want: string(d)},
				kittest.Expectation{Type: typeKey, Name: name, Path: "vaultName", Want: vault},
				kittest.Expectation{Type: typeKey, Name: name, Path: "resourceGroupName", Want: at[1]},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.kty", Want: "RSA-HSM"},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.keySize", Want: size},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.keyOps", Want: ops},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.rotationPolicy.lifetimeActions[0].trigger.timeAfterCreate", Want: "P90D"},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.rotationPolicy.lifetimeActions[0].action.type", Want: "Rotate"},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.rotationPolicy.lifetimeActions[1].trigger.timeBeforeExpiry", Want: "P30D"},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.rotationPolicy.lifetimeActions[1].action.type", Want: "Notify"},
				kittest.Expectation{Type: typeKey, Name: name, Path: "properties.rotationPolicy.attributes.expiryTime", Want: "P1Y"},
				kittest.Expectation{Type: typeKey, Name: name, Path: "tags.owner", Want: "platform"},
			)
		}
		for _, admin := range []string{testAdmin, testAdminGroup} {
			name := vault + "-admin-" + admin
			table = append(table,
				kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "roleDefinitionId", Want: roleID(azurekit.RoleKeyVaultAdministrator)},
				kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "scope", Want: testVaultID(at[1], vault)},
				kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "principalId", Want: admin},
			)
		}
	}
	for _, d := range IdentityDomains {
		name := "hh-id-" + string(d)
		table = append(table,
			kittest.Expectation{Type: typeIdentity, Name: name, Path: "resourceName", Want: name},
			kittest.Expectation{Type: typeIdentity, Name: name, Path: "location", Want: azurekittest.PrimaryLocation},
			kittest.Expectation{Type: typeIdentity, Name: name, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
			kittest.Expectation{Type: typeIdentity, Name: name, Path: "tags.environment", Want: "production"},
		)
	}
	table = append(table,
		kittest.Expectation{Type: typeIdentity, Name: "hh-id-database-dr", Path: "resourceName", Want: "hh-id-database-dr"},
		kittest.Expectation{Type: typeIdentity, Name: "hh-id-database-dr", Path: "location", Want: azurekittest.DRLocation},
		kittest.Expectation{Type: typeIdentity, Name: "hh-id-database-dr", Path: "resourceGroupName", Want: azurekittest.DRResourceGroup},
	)
	kittest.AssertInputs(t, m, table)

	assert.Len(t, m.ByType(typeVault), 2, "a vault per location")
	assert.Len(t, m.ByType(typeKey), 2*len(Domains), "every domain's key in both vaults")
	assert.Len(t, m.ByType(typeIdentity), len(IdentityDomains)+1, "an identity per domain but the cluster's, and the database's in the DR region")
	_, ok := m.Find(typeIdentity, "hh-id-cluster")
	assert.False(t, ok, "the cluster's key is used by the cluster's own identities")
	for _, typ := range []string{typeVault, typeKey, typeIdentity} {
		for _, r := range m.ByType(typ) {
			assert.True(t, r.Protect, "%s survives a destroy", r.Name)
			assert.True(t, r.RetainOnDelete, "%s stays in the subscription if it leaves the program", r.Name)
		}
	}

	keyURI := func(vault string, d Domain) string {
		return fmt.Sprintf("https://%s.vault.azure.net/keys/%s", vault, d)
	}
	keyID := func(group, vault string, d Domain) string {
		return mockcloud.AzureResourceID(azurekittest.Subscription, group, "Microsoft.KeyVault/vaults/"+vault+"/keys", string(d))
	}
	assert.Equal(t, keyURI(testVault, DomainLogs), resolved[string](keys.Id(DomainLogs)))
	assert.True(t, strings.HasPrefix(resolved[string](keys.VersionedId(DomainLogs)), keyURI(testVault, DomainLogs)+"/"), "a version follows the key")
	assert.Equal(t, keyID(azurekittest.ResourceGroup, testVault, DomainCluster), resolved[string](keys.ResourceId(DomainCluster)))
	assert.Equal(t, keyURI(testDRVault, DomainDatabase), resolved[string](keys.DRId(DomainDatabase)))
	assert.True(t, strings.HasPrefix(resolved[string](keys.DRVersionedId(DomainDatabase)), keyURI(testDRVault, DomainDatabase)+"/"))
	assert.Equal(t, keyID(azurekittest.DRResourceGroup, testDRVault, DomainBackup), resolved[string](keys.DRResourceId(DomainBackup)))
	assert.Equal(t, testVaultID(azurekittest.ResourceGroup, testVault), resolved[string](keys.VaultId))
	assert.Equal(t, testVault, resolved[string](keys.VaultName))
	assert.Equal(t, "https://"+testVault+".vault.azure.net/", resolved[string](keys.VaultUri))
	assert.Equal(t, testVaultID(azurekittest.DRResourceGroup, testDRVault), resolved[string](keys.DRVaultId))
	assert.Equal(t, testDRVault, resolved[string](keys.DRVaultName))
	assert.Equal(t, "https://"+testDRVault+".vault.azure.net/", resolved[string](keys.DRVaultUri))
	ids := resolved[map[string]string](keys.KeyIds)
	drIDs := resolved[map[string]string](keys.DRKeyIds)
	for _, d := range Domains {
		assert.Equal(t, keyURI(testVault, d), ids[string(d)])
		assert.Equal(t, keyURI(testDRVault, d), drIDs[string(d)])
	}
	identityID := func(group, name string) string {
		return mockcloud.AzureResourceID(azurekittest.Subscription, group, "Microsoft.ManagedIdentity/userAssignedIdentities", name)
	}
	assert.Equal(t, identityID(azurekittest.ResourceGroup, "hh-id-storage"), resolved[string](keys.Identity(DomainStorage).ID))
	assert.True(t, azurekit.GUID.MatchString(resolved[string](keys.Identity(DomainStorage).ClientID)))
	assert.Equal(t, identityID(azurekittest.DRResourceGroup, "hh-id-database-dr"), resolved[string](keys.DRIdentity(DomainDatabase).ID))
	assert.Equal(t, identityID(azurekittest.ResourceGroup, "hh-id-backup"), resolved[string](keys.DRIdentity(DomainBackup).ID),
		"domains other than the database use their primary identity with the DR key")
	assert.Empty(t, azurekittest.Violations(m, "production"), "the keys pass the whole policy pack")
}

// Separation of duties (Prowler keyvault_rbac_enabled, CIS Azure 8.x; the Azure form of
// iam_role_kms_enforce_separation_of_duties): who administers the vaults uses no key, and each
// domain's identity may use its own domain's key, in both vaults, and nothing else.
func TestKeysSeparateAdminsFromUsers(t *testing.T) {
	var keys *Keys
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		keys, err = NewKeys(ctx, "keys", testKeysArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	// principal → the domain whose identity it is.
	domainOf := map[string]Domain{}
	for _, d := range IdentityDomains {
		domainOf[resolved[string](keys.Identity(d).PrincipalID)] = d
	}
	drDatabase := resolved[string](keys.DRIdentity(DomainDatabase).PrincipalID)
	require.NotContains(t, domainOf, drDatabase, "the DR database identity is an identity of its own")
	domainOf[drDatabase] = DomainDatabase

	var admins, users []string
	granted := map[string][]string{} // principal → the key scopes it holds
	for _, r := range m.ByType(typeRoleAssignment) {
		role, _ := r.Get("roleDefinitionId")
		principal, _ := r.Get("principalId")
		scope, _ := r.Get("scope")
		name, _ := r.Get("roleAssignmentName")
		assert.True(t, azurekit.GUID.MatchString(name.(string)), "%s: ARM names role assignments by GUID, not %v", r.Name, name)
		switch role {
		case roleID(azurekit.RoleKeyVaultAdministrator):
			admins = append(admins, principal.(string))
			assert.Contains(t, []string{testVaultID(azurekittest.ResourceGroup, testVault), testVaultID(azurekittest.DRResourceGroup, testDRVault)}, scope, "%s: admins are granted a vault, never the subscription", r.Name)
			pt, _ := r.Get("principalType")
			assert.Equal(t, "Group", pt, "%s: admins are groups unless said otherwise", r.Name)
		case roleID(azurekit.RoleKeyVaultCryptoServiceEncryptionUser):
			users = append(users, principal.(string))
			d, ok := domainOf[principal.(string)]
			require.True(t, ok, "%s: only the domain identities use keys, not %v", r.Name, principal)
			assert.True(t, strings.HasSuffix(scope.(string), "/keys/"+string(d)), "%s: the %s identity is granted the %s key alone, not %v", r.Name, d, d, scope)
			pt, _ := r.Get("principalType")
			assert.Equal(t, "ServicePrincipal", pt, r.Name)
			granted[principal.(string)] = append(granted[principal.(string)], scope.(string))
		default:
			t.Errorf("%s grants %v: Keys grants only vault administration and key use", r.Name, role)
		}
	}
	assert.ElementsMatch(t, []string{testAdmin, testAdminGroup, testAdmin, testAdminGroup}, admins, "both admins, on both vaults")
	for _, a := range admins {
		assert.NotContains(t, users, a, "an admin uses no key")
	}
	for p := range domainOf {
		assert.NotContains(t, admins, p, "a key user administers nothing")
	}
	for _, d := range IdentityDomains {
		p := resolved[string](keys.Identity(d).PrincipalID)
		assert.Len(t, granted[p], 2, "the %s identity holds its key in both vaults", d)
		for _, scope := range granted[p] {
			assert.True(t, strings.HasSuffix(scope, "/keys/"+string(d)), "%s identity: %s", d, scope)
		}
	}
	assert.Equal(t, []string{mockcloud.AzureResourceID(azurekittest.Subscription, azurekittest.DRResourceGroup, "Microsoft.KeyVault/vaults/"+testDRVault+"/keys", "database")},
		granted[drDatabase], "the DR database identity holds the DR database key only")
}

// A resource encrypted with a key is created after its identity may use it: ARM refuses a
// customer-managed key the identity cannot read.
func TestKeysIdsWaitForTheirGrants(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		keys, err := NewKeys(ctx, "keys", testKeysArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		_, err = NewSecureStorage(ctx, "records", testStorageArgs(func(a *SecureStorageArgs) {
			a.KeyVaultUri, a.KeyName, a.IdentityId = keys.VaultUri, pulumi.String(string(DomainStorage)), keys.Identity(DomainStorage).ID
		}), pulumi.Provider(p.Primary))
		return err
	})
	account, ok := m.Find(typeStorageAccount, testStorageName)
	require.True(t, ok)
	for _, vault := range []string{testVault, testDRVault} {
		grant, ok := m.Find(typeRoleAssignment, vault+"-storage-hh-id-storage")
		require.True(t, ok)
		assert.Contains(t, account.Dependencies, grant.URN, "the account is created after its identity may use the key in %s", vault)
	}
}

func TestKeysUnprotectedWithoutDR(t *testing.T) {
	var keys *Keys
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		keys, err = NewKeys(ctx, "keys", testKeysArgs(func(a *KeysArgs) {
			a.DRLocation, a.DRResourceGroupName, a.Admins, a.Premium, a.Protect = "", nil, nil, false, false
		}), pulumi.Provider(p.Primary))
		return err
	})
	assert.Len(t, m.ByType(typeVault), 1, "no DR location, no DR vault")
	assert.Len(t, m.ByType(typeIdentity), len(IdentityDomains), "no DR database identity")
	assert.Len(t, m.ByType(typeRoleAssignment), len(IdentityDomains), "no admins given, none granted: each identity its key")
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeVault, Name: testVault, Path: "properties.sku.name", Want: "standard"},
		// Dev is smaller, not weaker: the vault is recoverable and private all the same.
		{Type: typeVault, Name: testVault, Path: "properties.enablePurgeProtection", Want: true},
		{Type: typeVault, Name: testVault, Path: "properties.publicNetworkAccess", Want: "Disabled"},
		{Type: typeKey, Name: testVault + "-database", Path: "properties.kty", Want: "RSA"},
		{Type: typeKey, Name: testVault + "-database", Path: "properties.rotationPolicy.lifetimeActions[0].trigger.timeAfterCreate", Want: "P90D"},
	})
	for _, r := range m.Resources() {
		assert.False(t, r.Protect, r.Name)
	}
	assert.Equal(t, pulumi.StringOutput{}, keys.DRId(DomainDatabase), "no DR key without a DR location")
	assert.Equal(t, Identity{}, keys.DRIdentity(DomainDatabase))
	assert.Equal(t, "", resolved[string](keys.DRVaultName))
	assert.Empty(t, resolved[map[string]string](keys.DRKeyIds))
	assert.Empty(t, azurekittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestKeysAdminsArePeople(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewKeys(ctx, "keys", testKeysArgs(func(a *KeysArgs) { a.Admins, a.AdminPrincipalType = []string{testAdmin}, "User" }), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeRoleAssignment, Name: testVault + "-admin-" + testAdmin, Path: "principalType", Want: "User"},
		{Type: typeRoleAssignment, Name: testDRVault + "-admin-" + testAdmin, Path: "principalType", Want: "User"},
	})
}

func TestKeysVaultName(t *testing.T) {
	tests := []struct{ prefix, location, want string }{
		{"hh", "uksouth", "hh-kv-uksouth"},
		{"healthhub1", "westeurope", "healthhub1-kv-westeurope"},
		{"healthhub1", "germanywestcentral", "healthhub1-kv-german" + sha4("germanywestcentral")},
		{"hh", "australiasoutheast", "hh-kv-australiasoutheast"},
		{"hhprod", "australiasoutheast", "hhprod-kv-australias" + sha4("australiasoutheast")},
	}
	for _, tt := range tests {
		got := VaultName(tt.prefix, tt.location)
		assert.Equal(t, tt.want, got)
		assert.LessOrEqual(t, len(got), 24)
		assert.Regexp(t, azureformat.KeyVaultName, got)
	}
	assert.NotEqual(t, VaultName("healthhub1", "southafricanorth"), VaultName("healthhub1", "southafricawest"), "cut locations keep apart")
}

func sha4(s string) string { return sha6(s)[:4] }

func TestKeysArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*KeysArgs)
		want   string
	}{
		{"no prefix", func(a *KeysArgs) { a.Prefix = "" }, `Keys: Prefix = "": must be 2 to 10`},
		{"long prefix", func(a *KeysArgs) { a.Prefix = "healthhub-prod" }, `Keys: Prefix = "healthhub-prod"`},
		{"no resource group", func(a *KeysArgs) { a.ResourceGroupName = nil }, "Keys: ResourceGroupName = <nil>: required"},
		{"display-name location", func(a *KeysArgs) { a.Location = "UK South" }, `Keys: Location = "UK South": must be an Azure location`},
		{"no DR in production", func(a *KeysArgs) { a.DRLocation = "" }, `Keys: DRLocation = "": required when Protect`},
		{"DR group without DR location", func(a *KeysArgs) { a.DRLocation, a.Protect, a.Premium = "", false, false }, "Keys: DRResourceGroupName = set: needs a DRLocation"},
		{"DR in the primary location", func(a *KeysArgs) { a.DRLocation = a.Location }, "Keys: DRLocation = uksouth: must differ from Location"},
		{"bad DR location", func(a *KeysArgs) { a.DRLocation = "UK West" }, `Keys: DRLocation = "UK West"`},
		{"no DR group", func(a *KeysArgs) { a.DRResourceGroupName = nil }, "Keys: DRResourceGroupName = <nil>: required with a DRLocation"},
		{"admin by name", func(a *KeysArgs) { a.Admins = []string{"kv-admins@example.org"} }, `Keys: Admins = "kv-admins@example.org": must be Entra object ids`},
		{"repeated admin", func(a *KeysArgs) { a.Admins = []string{testAdmin, testAdmin} }, "Keys: Admins = " + testAdmin + ": must not repeat"},
		{"admins of no kind", func(a *KeysArgs) { a.AdminPrincipalType = "ServicePrincipal" }, `Keys: AdminPrincipalType = "ServicePrincipal": must be "Group" or "User"`},
		{"software keys in production", func(a *KeysArgs) { a.Premium = false }, "Keys: Premium = false: required when Protect"},
		{"no tags", func(a *KeysArgs) { a.Tags = nil }, `Keys: Tags = map[]: must include "environment"`},
		{"bad tag", func(a *KeysArgs) {
			a.Tags = map[string]string{"environment": "production", "data-classification": "phi", "owner": "platform", "a/b": "x"}
		}, "Keys: Tags = a/b=x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewKeys(ctx, "keys", testKeysArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
	m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewKeys(ctx, "keys", nil, pulumi.Provider(p.Primary))
		return err
	})
	require.ErrorContains(t, err, "Keys: args")
	kittest.AssertNothingRegistered(t, m)
}
