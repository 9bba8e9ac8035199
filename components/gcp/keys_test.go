package gcp

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeKeyRing       = "gcp:kms/keyRing:KeyRing"
	typeCryptoKey     = "gcp:kms/cryptoKey:CryptoKey"
	typeKeyMember     = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
	typeRingMember    = "gcp:kms/keyRingIAMMember:KeyRingIAMMember"
	typeIdentity      = "gcp:projects/serviceIdentity:ServiceIdentity"
	testKeyAdminGroup = "group:kms-admins@example.org"
)

func testKeysArgs(mutate func(*KeysArgs)) *KeysArgs {
	a := &KeysArgs{
		Prefix: "hh-prod", Region: gcpkittest.PrimaryRegion, DRRegion: gcpkittest.DRRegion,
		Admins: []string{testKeyAdminGroup}, Protect: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestKeysDefaults(t *testing.T) {
	var keys *Keys
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		keys, err = NewKeys(ctx, "keys", testKeysArgs(nil), pulumi.Provider(p.Primary))
		return err
	})

	ring := func(region string) string {
		return fmt.Sprintf("projects/%s/locations/%s/keyRings/hh-prod-%s", gcpkittest.Project, region, region)
	}
	var table []kittest.Expectation
	for _, region := range []string{gcpkittest.PrimaryRegion, gcpkittest.DRRegion} {
		table = append(table,
			kittest.Expectation{Type: typeKeyRing, Name: "hh-prod-" + region, Path: "location", Want: region},
			kittest.Expectation{Type: typeRingMember, Name: "hh-prod-" + region + "-admin-group-kms-admins@example.org", Path: "role", Want: "roles/cloudkms.admin"},
			kittest.Expectation{Type: typeRingMember, Name: "hh-prod-" + region + "-admin-group-kms-admins@example.org", Path: "keyRingId", Want: ring(region)},
		)
	}
	for _, d := range Domains {
		for suffix, region := range map[string]string{"": gcpkittest.PrimaryRegion, "-dr": gcpkittest.DRRegion} {
			name := "hh-prod-" + string(d) + suffix
			table = append(table,
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "name", Want: "hh-prod-" + string(d)},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "keyRing", Want: ring(region)},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "purpose", Want: "ENCRYPT_DECRYPT"},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "rotationPeriod", Want: "7776000s"},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "destroyScheduledDuration", Want: "2592000s"},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "versionTemplate.algorithm", Want: "GOOGLE_SYMMETRIC_ENCRYPTION"},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "versionTemplate.protectionLevel", Want: "HSM"},
				kittest.Expectation{Type: typeCryptoKey, Name: name, Path: "labels.data-classification", Want: "phi"},
			)
		}
	}
	kittest.AssertInputs(t, m, table)

	assert.Len(t, m.ByType(typeKeyRing), 2, "a ring per region")
	assert.Len(t, m.ByType(typeCryptoKey), 2*len(Domains), "every domain's key in both regions")
	for _, typ := range []string{typeKeyRing, typeCryptoKey} {
		for _, r := range m.ByType(typ) {
			assert.True(t, r.Protect, "%s survives a destroy", r.Name)
			assert.True(t, r.RetainOnDelete, "%s stays in the project if it leaves the program", r.Name)
			assert.Equal(t, gcpkittest.PrimaryRegion, m.Region(r.Provider), "%s is created through the component's provider", r.Name)
		}
	}

	got := func(o pulumi.StringOutput) string {
		ch := make(chan string, 1)
		o.ApplyT(func(s string) string { ch <- s; return s })
		return <-ch
	}
	assert.Equal(t, ring(gcpkittest.PrimaryRegion)+"/cryptoKeys/hh-prod-logs", got(keys.Id(DomainLogs)))
	assert.Equal(t, ring(gcpkittest.DRRegion)+"/cryptoKeys/hh-prod-logs", got(keys.DRId(DomainLogs)))
	assert.Empty(t, gcpkittest.Violations(m, "production"), "the keys pass the whole policy pack")
}

func TestKeysUsedOnlyByTheirServiceAgents(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewKeys(ctx, "keys", testKeysArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	agent := func(a string) string {
		return fmt.Sprintf("serviceAccount:service-%s@%s.iam.gserviceaccount.com", mockcloud.GCPProjectNumber, a)
	}
	// A project agent by its member; an agent that must be asked for by the service identity
	// that asked for it.
	type user struct{ member, identity string }
	want := map[Domain]map[string]user{
		DomainDatabase: {"cloud-sql": {identity: "sqladmin.googleapis.com"}},
		DomainStorage:  {"storage": {member: agent("gs-project-accounts")}},
		DomainLogs:     {"logging": {member: agent("gcp-sa-logging")}, "storage": {member: agent("gs-project-accounts")}},
		DomainSecrets:  {"secret-manager": {identity: "secretmanager.googleapis.com"}},
		DomainCluster:  {"gke": {member: agent("container-engine-robot")}, "compute": {member: agent("compute-system")}},
		DomainCache:    {"memorystore": {member: agent("cloud-redis")}},
		DomainBackup:   {"gke-backup": {identity: "gkebackup.googleapis.com"}},
	}
	identities := map[string]mockcloud.Resource{}
	for _, r := range m.ByType(typeIdentity) {
		s, _ := r.Get("service")
		identities[s.(string)] = r
	}
	count := 0
	for d, users := range want {
		for name, u := range users {
			for _, suffix := range []string{"", "-dr"} {
				count++
				r, ok := m.Find(typeKeyMember, fmt.Sprintf("hh-prod-%s-%s%s", d, name, suffix))
				require.True(t, ok, "%s key: %s binding%s", d, name, suffix)
				role, _ := r.Get("role")
				assert.Equal(t, "roles/cloudkms.cryptoKeyEncrypterDecrypter", role)
				keyID, _ := r.Get("cryptoKeyId")
				assert.True(t, strings.HasSuffix(keyID.(string), "/cryptoKeys/hh-prod-"+string(d)), "%s binds the %s key, not %s", r.Name, d, keyID)
				member, _ := r.Get("member")
				if u.identity == "" {
					assert.Equal(t, u.member, member, r.Name)
					continue
				}
				id, ok := identities[u.identity]
				require.True(t, ok, "a service identity asked for %s", u.identity)
				assert.Contains(t, r.Dependencies, id.URN, "%s binds the agent %s created", r.Name, u.identity)
				assert.True(t, strings.HasPrefix(member.(string), "serviceAccount:service-"), "%s binds a service agent, not %v", r.Name, member)
			}
		}
	}
	assert.Len(t, m.ByType(typeKeyMember), count, "no key has a user beyond its domain's service agents")

	// Separation of duties (Prowler iam_role_kms_enforce_separation_of_duties): whoever
	// administers the rings uses no key, and no agent administers.
	var admins, users []string
	for _, r := range m.ByType(typeRingMember) {
		v, _ := r.Get("member")
		admins = append(admins, v.(string))
	}
	for _, r := range m.ByType(typeKeyMember) {
		v, _ := r.Get("member")
		users = append(users, v.(string))
	}
	assert.Equal(t, []string{testKeyAdminGroup, testKeyAdminGroup}, admins, "the admins, on both rings")
	for _, a := range admins {
		assert.NotContains(t, users, a)
	}
}

func TestKeysUnprotectedOutsideProduction(t *testing.T) {
	var keys *Keys
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		keys, err = NewKeys(ctx, "keys", testKeysArgs(func(a *KeysArgs) {
			a.Prefix, a.DRRegion, a.Admins, a.Protect = "hh-dev", "", nil, false
		}), pulumi.Provider(p.Primary))
		return err
	})
	assert.Len(t, m.ByType(typeKeyRing), 1, "no DR region, no DR ring")
	assert.Empty(t, m.ByType(typeRingMember), "no admins given, none granted")
	for _, r := range m.ByType(typeCryptoKey) {
		assert.False(t, r.Protect, r.Name)
		level, _ := r.Get("versionTemplate.protectionLevel")
		assert.Equal(t, "SOFTWARE", level, r.Name)
		rotation, _ := r.Get("rotationPeriod")
		assert.Equal(t, "7776000s", rotation, "%s rotates in every environment", r.Name)
	}
	assert.Equal(t, pulumi.StringOutput{}, keys.DRId(DomainDatabase), "no DR key without a DR region")
	assert.Empty(t, gcpkittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestKeysArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*KeysArgs)
		want   string
	}{
		{"no prefix", func(a *KeysArgs) { a.Prefix = "" }, `Keys: Prefix = "": required`},
		{"no region", func(a *KeysArgs) { a.Region = "" }, `Keys: Region = "": must be a region`},
		{"multi-region", func(a *KeysArgs) { a.Region = "europe" }, `Keys: Region = "europe"`},
		{"upper case region", func(a *KeysArgs) { a.Region = "EUROPE-WEST2" }, `Keys: Region = "EUROPE-WEST2"`},
		{"DR in the primary region", func(a *KeysArgs) { a.DRRegion = a.Region }, "Keys: DRRegion = europe-west2: must differ from Region"},
		{"bad DR region", func(a *KeysArgs) { a.DRRegion = "eu" }, `Keys: DRRegion = "eu"`},
		{"admin without kind", func(a *KeysArgs) { a.Admins = []string{"kms-admins@example.org"} }, `Keys: Admins = "kms-admins@example.org"`},
		{"agent as admin", func(a *KeysArgs) {
			a.Admins = []string{"serviceAccount:service-1@gcp-sa-cloud-sql.iam.gserviceaccount.com"}
		}, "must not be a Google service agent"},
		{"repeated admin", func(a *KeysArgs) { a.Admins = []string{testKeyAdminGroup, testKeyAdminGroup} }, "must not repeat"},
		{"rotation too slow", func(a *KeysArgs) { a.RotationDays = 365 }, "Keys: RotationDays = 365: must be 1 to 90"},
		{"negative rotation", func(a *KeysArgs) { a.RotationDays = -1 }, "Keys: RotationDays = -1"},
		{"destroy window too long", func(a *KeysArgs) { a.DestroyScheduledDays = 180 }, "Keys: DestroyScheduledDays = 180: must be 1 to 120"},
		{"short destroy window on protected keys", func(a *KeysArgs) { a.DestroyScheduledDays = 7 }, "Keys: DestroyScheduledDays = 7: must be at least 30 for protected"},
		{"unknown protection level", func(a *KeysArgs) { a.ProtectionLevel = "EXTERNAL" }, `Keys: ProtectionLevel = "EXTERNAL"`},
		{"no labels", func(a *KeysArgs) { a.Labels = nil }, "Keys: Labels = map[]: must include \"environment\""},
		{"bad label value", func(a *KeysArgs) {
			a.Labels = map[string]string{"environment": "production", "data-classification": "phi", "owner": "Platform Team"}
		}, "Keys: Labels = owner=Platform Team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewKeys(ctx, "keys", testKeysArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
	m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewKeys(ctx, "keys", nil, pulumi.Provider(p.Primary))
		return err
	})
	require.ErrorContains(t, err, "Keys: args")
	kittest.AssertNothingRegistered(t, m)
}

func TestKeysProtectionLevelAndWindowsAreTheCallers(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewKeys(ctx, "keys", testKeysArgs(func(a *KeysArgs) {
			a.DRRegion, a.ProtectionLevel, a.RotationDays, a.DestroyScheduledDays = "", "SOFTWARE", 30, 120
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeCryptoKey, Name: "hh-prod-database", Path: "versionTemplate.protectionLevel", Want: "SOFTWARE"},
		{Type: typeCryptoKey, Name: "hh-prod-database", Path: "rotationPeriod", Want: "2592000s"},
		{Type: typeCryptoKey, Name: "hh-prod-database", Path: "destroyScheduledDuration", Want: "10368000s"},
	})
	assert.False(t, slices.ContainsFunc(m.ByType(typeKeyRing), func(r mockcloud.Resource) bool { return !r.Protect }))
}

func TestKeysIdsWaitForTheirGrants(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		keys, err := NewKeys(ctx, "keys", testKeysArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		_, err = NewSecureBucket(ctx, "records", testBucketArgs(func(a *SecureBucketArgs) {
			a.KmsKeyName, a.Replica.KmsKeyName = keys.Id(DomainStorage), keys.DRId(DomainStorage)
		}), pulumi.Provider(p.Primary))
		return err
	})
	// Cloud Storage refuses a CMEK bucket whose agent may not use the key yet.
	for bucket, grant := range map[string]string{"hh-test-records": "hh-prod-storage-storage", "hh-test-records-dr": "hh-prod-storage-storage-dr"} {
		b, ok := m.Find(typeBucket, bucket)
		require.True(t, ok)
		g, ok := m.Find(typeKeyMember, grant)
		require.True(t, ok)
		assert.Contains(t, b.Dependencies, g.URN, "%s is created after %s", bucket, grant)
	}
}
