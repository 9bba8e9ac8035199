package azure

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
)

const (
	typeStorageAccount = "azure-native:storage:StorageAccount"
	typeBlobService    = "azure-native:storage:BlobServiceProperties"
	typeBlobContainer  = "azure-native:storage:BlobContainer"
	testStorageName    = "hhtestrecords"
)

// testIdentityID is the ARM id of a user-assigned identity in the test resource group.
func testIdentityID(name string) string {
	return azurekittest.ResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", name)
}

func testStorageArgs(mutate func(*SecureStorageArgs)) *SecureStorageArgs {
	a := &SecureStorageArgs{
		Name: testStorageName, ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Location: azurekittest.PrimaryLocation,
		KeyVaultUri: pulumi.String("https://" + testVault + ".vault.azure.net/"), KeyName: pulumi.String("storage"),
		IdentityId: pulumi.String(testIdentityID("hh-id-storage")),
		Containers: []string{"records", "exports"},
		Protect:    true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestSecureStorageDefaults(t *testing.T) {
	var s *SecureStorage
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		s, err = NewSecureStorage(ctx, "records", testStorageArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const acct, svc = testStorageName, testStorageName + "-blob"
	cmk := map[string]any{"enabled": true, "keyType": "Account"}
	table := []kittest.Expectation{
		{Type: typeStorageAccount, Name: acct, Path: "accountName", Want: acct},
		{Type: typeStorageAccount, Name: acct, Path: "location", Want: azurekittest.PrimaryLocation},
		{Type: typeStorageAccount, Name: acct, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: typeStorageAccount, Name: acct, Path: "kind", Want: "StorageV2"},
		{Type: typeStorageAccount, Name: acct, Path: "sku.name", Want: "Standard_RAGZRS"},
		{Type: typeStorageAccount, Name: acct, Path: "minimumTlsVersion", Want: "TLS1_2"},
		{Type: typeStorageAccount, Name: acct, Path: "enableHttpsTrafficOnly", Want: true},
		{Type: typeStorageAccount, Name: acct, Path: "allowBlobPublicAccess", Want: false},
		{Type: typeStorageAccount, Name: acct, Path: "allowSharedKeyAccess", Want: false},
		{Type: typeStorageAccount, Name: acct, Path: "defaultToOAuthAuthentication", Want: true},
		{Type: typeStorageAccount, Name: acct, Path: "isSftpEnabled", Want: false},
		{Type: typeStorageAccount, Name: acct, Path: "isLocalUserEnabled", Want: false},
		{Type: typeStorageAccount, Name: acct, Path: "allowCrossTenantReplication", Want: false},
		{Type: typeStorageAccount, Name: acct, Path: "allowedCopyScope", Want: "AAD"},
		{Type: typeStorageAccount, Name: acct, Path: "publicNetworkAccess", Want: "Disabled"},
		{Type: typeStorageAccount, Name: acct, Path: "networkRuleSet.defaultAction", Want: "Deny"},
		{Type: typeStorageAccount, Name: acct, Path: "networkRuleSet.bypass", Want: "AzureServices, Logging, Metrics"},
		{Type: typeStorageAccount, Name: acct, Path: "identity.type", Want: "UserAssigned"},
		{Type: typeStorageAccount, Name: acct, Path: "identity.userAssignedIdentities", Want: []any{testIdentityID("hh-id-storage")}},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.keySource", Want: "Microsoft.Keyvault"},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.keyVaultProperties.keyName", Want: "storage"},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.keyVaultProperties.keyVaultUri", Want: "https://" + testVault + ".vault.azure.net/"},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.encryptionIdentity.encryptionUserAssignedIdentity", Want: testIdentityID("hh-id-storage")},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.requireInfrastructureEncryption", Want: true},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.services.blob", Want: cmk},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.services.file", Want: cmk},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.services.queue", Want: cmk},
		{Type: typeStorageAccount, Name: acct, Path: "encryption.services.table", Want: cmk},
		{Type: typeStorageAccount, Name: acct, Path: "tags.compliance", Want: "hipaa"},
		{Type: typeBlobService, Name: svc, Path: "accountName", Want: acct},
		{Type: typeBlobService, Name: svc, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: typeBlobService, Name: svc, Path: "blobServicesName", Want: "default"},
		{Type: typeBlobService, Name: svc, Path: "isVersioningEnabled", Want: true},
		{Type: typeBlobService, Name: svc, Path: "deleteRetentionPolicy.enabled", Want: true},
		{Type: typeBlobService, Name: svc, Path: "deleteRetentionPolicy.days", Want: int64(30)},
		{Type: typeBlobService, Name: svc, Path: "deleteRetentionPolicy.allowPermanentDelete", Want: false},
		{Type: typeBlobService, Name: svc, Path: "containerDeleteRetentionPolicy.enabled", Want: true},
		{Type: typeBlobService, Name: svc, Path: "containerDeleteRetentionPolicy.days", Want: int64(30)},
		{Type: typeBlobService, Name: svc, Path: "changeFeed.enabled", Want: true},
		{Type: typeBlobService, Name: svc, Path: "changeFeed.retentionInDays", Want: int64(kit.MinRetentionDays)},
		{Type: typeBlobService, Name: svc, Path: "restorePolicy.enabled", Want: true},
		{Type: typeBlobService, Name: svc, Path: "restorePolicy.days", Want: int64(29)},
	}
	for _, c := range []string{"records", "exports"} {
		table = append(table,
			kittest.Expectation{Type: typeBlobContainer, Name: acct + "-" + c, Path: "containerName", Want: c},
			kittest.Expectation{Type: typeBlobContainer, Name: acct + "-" + c, Path: "accountName", Want: acct},
			kittest.Expectation{Type: typeBlobContainer, Name: acct + "-" + c, Path: "publicAccess", Want: "None"},
		)
	}
	kittest.AssertInputs(t, m, table)

	r, ok := m.Find(typeStorageAccount, acct)
	require.True(t, ok)
	_, immutable := r.Get("immutableStorageWithVersioning")
	assert.False(t, immutable, "immutability only when asked for")
	service, _ := m.Find(typeBlobService, svc)
	for _, typ := range []string{typeStorageAccount, typeBlobContainer} {
		for _, r := range m.ByType(typ) {
			assert.True(t, r.Protect, "%s survives a destroy", r.Name)
			assert.True(t, r.RetainOnDelete, "%s stays in the subscription if it leaves the program", r.Name)
		}
	}
	for _, c := range m.ByType(typeBlobContainer) {
		assert.Contains(t, c.Dependencies, service.URN, "%s exists only once deletions are recoverable", c.Name)
	}

	assert.Equal(t, mockcloud.AzureResourceID(azurekittest.Subscription, azurekittest.ResourceGroup, "Microsoft.Storage/storageAccounts", acct), resolved[string](s.AccountId))
	assert.Equal(t, acct, resolved[string](s.AccountName))
	assert.Equal(t, "https://"+acct+".blob.core.windows.net/", resolved[string](s.BlobEndpoint))
	assert.Empty(t, azurekittest.Violations(m, "production"), "the account passes the whole policy pack")
}

func TestSecureStorageImmutable(t *testing.T) {
	for _, tt := range []struct {
		name, environment string
		mutate            func(*SecureStorageArgs)
		wantState         string
	}{
		{"locked in production", "production", func(a *SecureStorageArgs) {}, "Locked"},
		{"unlocked on its first production deployment", "production", func(a *SecureStorageArgs) { a.ImmutabilityUnlocked = true }, "Unlocked"},
		{"unlocked in dev", "dev", func(a *SecureStorageArgs) { a.Protect, a.ImmutabilityDays = false, 7 }, "Unlocked"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewSecureStorage(ctx, "archive", testStorageArgs(func(a *SecureStorageArgs) {
					a.Immutable, a.ImmutabilityDays, a.TrustedServiceAccess = true, kit.MinRetentionDays, true
					tt.mutate(a)
				}), pulumi.Provider(p.Primary))
				return err
			})
			r, _ := m.Find(typeStorageAccount, testStorageName)
			days, _ := r.Get("immutableStorageWithVersioning.immutabilityPolicy.immutabilityPeriodSinceCreationInDays")
			kittest.AssertInputs(t, m, []kittest.Expectation{
				{Type: typeStorageAccount, Name: testStorageName, Path: "immutableStorageWithVersioning.enabled", Want: true},
				{Type: typeStorageAccount, Name: testStorageName, Path: "immutableStorageWithVersioning.immutabilityPolicy.state", Want: tt.wantState},
				{Type: typeStorageAccount, Name: testStorageName, Path: "immutableStorageWithVersioning.immutabilityPolicy.allowProtectedAppendWrites", Want: true},
				{Type: typeStorageAccount, Name: testStorageName, Path: "publicNetworkAccess", Want: "Enabled"},
				{Type: typeStorageAccount, Name: testStorageName, Path: "networkRuleSet.defaultAction", Want: "Deny"},
				{Type: typeBlobService, Name: testStorageName + "-blob", Path: "isVersioningEnabled", Want: true},
			})
			assert.Contains(t, []any{int64(kit.MinRetentionDays), int64(7)}, days)
			svc, _ := m.Find(typeBlobService, testStorageName+"-blob")
			_, restore := svc.Get("restorePolicy")
			assert.False(t, restore, "point-in-time restore cannot be combined with version immutability")
			_, ipRules := r.Get("networkRuleSet.ipRules")
			assert.False(t, ipRules, "only trusted services pass the public endpoint")
			// azure-storage-private wants publicNetworkAccess Disabled, which no trusted
			// service passes: a log archive cannot have it (see TrustedServiceAccess).
			violations := slices.DeleteFunc(azurekittest.Violations(m, tt.environment), func(v rules.Violation) bool {
				return v.Policy == "azure-storage-private" && strings.HasPrefix(v.Message, `publicNetworkAccess is "Enabled"`)
			})
			assert.Empty(t, violations)
		})
	}
}

func TestSecureStorageUnprotected(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewSecureStorage(ctx, "records", testStorageArgs(func(a *SecureStorageArgs) {
			a.Protect, a.Redundancy, a.SoftDeleteDays, a.Containers = false, "Standard_ZRS", 7, nil
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeStorageAccount, Name: testStorageName, Path: "sku.name", Want: "Standard_ZRS"},
		{Type: typeStorageAccount, Name: testStorageName, Path: "allowSharedKeyAccess", Want: false},
		{Type: typeBlobService, Name: testStorageName + "-blob", Path: "deleteRetentionPolicy.days", Want: int64(7)},
		{Type: typeBlobService, Name: testStorageName + "-blob", Path: "restorePolicy.days", Want: int64(6)},
	})
	assert.Empty(t, m.ByType(typeBlobContainer))
	for _, r := range m.Resources() {
		assert.False(t, r.Protect, r.Name)
	}
	assert.Empty(t, azurekittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestSecureStorageArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecureStorageArgs)
		want   string
	}{
		{"no name", func(a *SecureStorageArgs) { a.Name = "" }, `SecureStorage: Name = "": must be 3 to 24 lowercase letters or digits`},
		{"hyphenated name", func(a *SecureStorageArgs) { a.Name = "hh-records" }, `SecureStorage: Name = "hh-records"`},
		{"no resource group", func(a *SecureStorageArgs) { a.ResourceGroupName = nil }, "SecureStorage: ResourceGroupName = <nil>: required"},
		{"bad location", func(a *SecureStorageArgs) { a.Location = "UK South" }, `SecureStorage: Location = "UK South"`},
		{"no vault", func(a *SecureStorageArgs) { a.KeyVaultUri = nil }, "SecureStorage: KeyVaultUri = <nil>: required"},
		{"no key", func(a *SecureStorageArgs) { a.KeyName = nil }, "SecureStorage: KeyName = <nil>: required"},
		{"no identity", func(a *SecureStorageArgs) { a.IdentityId = nil }, "SecureStorage: IdentityId = <nil>: required"},
		{"locally redundant", func(a *SecureStorageArgs) { a.Redundancy = "Standard_LRS" }, `SecureStorage: Redundancy = "Standard_LRS": must be one of`},
		{"geo without zones", func(a *SecureStorageArgs) { a.Redundancy = "Standard_GRS" }, `SecureStorage: Redundancy = "Standard_GRS"`},
		{"LRS in dev too", func(a *SecureStorageArgs) { a.Redundancy, a.Protect = "Standard_LRS", false }, `SecureStorage: Redundancy = "Standard_LRS"`},
		{"single region in production", func(a *SecureStorageArgs) { a.Redundancy = "Standard_ZRS" }, "SecureStorage: Redundancy = Standard_ZRS: must be geo-redundant when Protect"},
		{"bad container", func(a *SecureStorageArgs) { a.Containers = []string{"Records"} }, `SecureStorage: Containers = "Records"`},
		{"two letters", func(a *SecureStorageArgs) { a.Containers = []string{"ab"} }, `SecureStorage: Containers = "ab"`},
		{"double hyphen", func(a *SecureStorageArgs) { a.Containers = []string{"phi--records"} }, `SecureStorage: Containers = "phi--records"`},
		{"repeated container", func(a *SecureStorageArgs) { a.Containers = []string{"records", "records"} }, `SecureStorage: Containers = "records"`},
		{"days without immutability", func(a *SecureStorageArgs) { a.ImmutabilityDays = 30 }, "SecureStorage: ImmutabilityDays = 30: needs Immutable"},
		{"unlocked without immutability", func(a *SecureStorageArgs) { a.ImmutabilityUnlocked = true }, "SecureStorage: ImmutabilityUnlocked = true: needs Immutable"},
		{"immutable without days", func(a *SecureStorageArgs) { a.Immutable, a.Protect = true, false }, "SecureStorage: ImmutabilityDays = 0: must be 1 to 146000"},
		{"immutable beyond Azure's", func(a *SecureStorageArgs) { a.Immutable, a.ImmutabilityDays = true, 146001 }, "SecureStorage: ImmutabilityDays = 146001"},
		{"immutable under the floor", func(a *SecureStorageArgs) { a.Immutable, a.ImmutabilityDays = true, 365 }, "SecureStorage: ImmutabilityDays = 365: must be at least 2190"},
		{"soft delete too short", func(a *SecureStorageArgs) { a.SoftDeleteDays = 3 }, "SecureStorage: SoftDeleteDays = 3: must be 7 to 365"},
		{"soft delete too long", func(a *SecureStorageArgs) { a.SoftDeleteDays = 400 }, "SecureStorage: SoftDeleteDays = 400"},
		{"no tags", func(a *SecureStorageArgs) { a.Tags = nil }, `SecureStorage: Tags = map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewSecureStorage(ctx, "records", testStorageArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

func sha6(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:6]
}
