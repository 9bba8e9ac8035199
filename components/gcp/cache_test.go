package gcp

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const redisInstance = "gcp:redis/instance:Instance"

var cacheKey = cmekName(gcpkittest.PrimaryRegion, "cache")

func cacheArgs(mutate func(*CacheArgs)) *CacheArgs {
	a := &CacheArgs{
		Prefix: "hh", Region: gcpkittest.PrimaryRegion, Network: pulumi.String(vpcNetwork),
		KmsKeyName: pulumi.String(cacheKey), SecretsKmsKeyName: pulumi.String(secretsKey),
		DRRegion: gcpkittest.DRRegion, DRSecretsKmsKeyName: pulumi.String(drSecretsKey),
		AuthReaders: []pulumi.StringInput{pulumi.String(backendMember)},
		Protect:     true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestCacheDefaults(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		c, err := NewCache(ctx, "cache", cacheArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("host", c.Host)
		ctx.Export("readEndpoint", c.ReadEndpoint)
		ctx.Export("port", c.Port)
		ctx.Export("authSecretId", c.AuthSecretId)
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: redisInstance, Name: "hh-redis", Path: "name", Want: "hh-redis"},
		{Type: redisInstance, Name: "hh-redis", Path: "region", Want: gcpkittest.PrimaryRegion},
		{Type: redisInstance, Name: "hh-redis", Path: "tier", Want: "STANDARD_HA"},
		{Type: redisInstance, Name: "hh-redis", Path: "memorySizeGb", Want: int64(5)},
		{Type: redisInstance, Name: "hh-redis", Path: "redisVersion", Want: "REDIS_7_2"},
		{Type: redisInstance, Name: "hh-redis", Path: "authorizedNetwork", Want: vpcNetwork},
		{Type: redisInstance, Name: "hh-redis", Path: "connectMode", Want: "PRIVATE_SERVICE_ACCESS"},
		{Type: redisInstance, Name: "hh-redis", Path: "authEnabled", Want: true},
		{Type: redisInstance, Name: "hh-redis", Path: "transitEncryptionMode", Want: "SERVER_AUTHENTICATION"},
		{Type: redisInstance, Name: "hh-redis", Path: "customerManagedKey", Want: cacheKey},
		{Type: redisInstance, Name: "hh-redis", Path: "persistenceConfig.persistenceMode", Want: "RDB"},
		{Type: redisInstance, Name: "hh-redis", Path: "persistenceConfig.rdbSnapshotPeriod", Want: "TWELVE_HOURS"},
		{Type: redisInstance, Name: "hh-redis", Path: "maintenancePolicy.weeklyMaintenanceWindows[0].day", Want: "SUNDAY"},
		{Type: redisInstance, Name: "hh-redis", Path: "readReplicasMode", Want: "READ_REPLICAS_ENABLED"},
		{Type: redisInstance, Name: "hh-redis", Path: "replicaCount", Want: int64(1)},
		{Type: redisInstance, Name: "hh-redis", Path: `redisConfigs["maxmemory-policy"]`, Want: "allkeys-lru"},
		{Type: redisInstance, Name: "hh-redis", Path: "labels.data-classification", Want: "phi"},
		// The AUTH string, in Secret Manager, in both regions, under the secrets keys.
		{Type: gcpSecret, Name: "hh-redis-auth", Path: "secretId", Want: "hh-redis-auth"},
		{Type: gcpSecret, Name: "hh-redis-auth", Path: "replication.userManaged.replicas[0].customerManagedEncryption.kmsKeyName", Want: secretsKey},
		{Type: gcpSecret, Name: "hh-redis-auth", Path: "replication.userManaged.replicas[1].location", Want: gcpkittest.DRRegion},
		{Type: gcpSecret, Name: "hh-redis-auth", Path: "replication.userManaged.replicas[1].customerManagedEncryption.kmsKeyName", Want: drSecretsKey},
		{Type: gcpSecretVersion, Name: "hh-redis-auth", Path: "secretData", Want: "[secret]"},
		{Type: gcpSecretIAM, Name: "hh-redis-auth-reader-0", Path: "member", Want: backendMember},
	})

	assert.Equal(t, "10.52.1.12", m.Outputs()["host"].Value)
	assert.Equal(t, "10.52.1.13", m.Outputs()["readEndpoint"].Value, "reads go to the replicas")
	assert.Equal(t, 6378, m.Outputs()["port"].Value, "the TLS port")
	assert.Equal(t, "projects/healthhub-test/secrets/hh-redis-auth", m.Outputs()["authSecretId"].Value)
	assert.False(t, m.Outputs()["authSecretId"].Secret, "the secret's id is not the secret")

	assert.Empty(t, gcpkittest.Violations(m, "production"), "the cache passes the whole policy pack")
}

func TestCacheProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
			_, err := NewCache(ctx, "cache", cacheArgs(func(a *CacheArgs) { a.Protect = protect }), pulumi.Provider(p.Primary))
			return err
		})
		for _, s := range []struct{ typ, name string }{{redisInstance, "hh-redis"}, {gcpSecret, "hh-redis-auth"}} {
			r, ok := m.Find(s.typ, s.name)
			require.True(t, ok, s.name)
			assert.Equal(t, protect, r.Protect, "%s protect", s.name)
			assert.Equal(t, protect, r.RetainOnDelete, "%s retainOnDelete", s.name)
		}
	}
}

func TestCacheWithoutReadReplicas(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*CacheArgs)
	}{
		{"basic", func(a *CacheArgs) { a.Tier, a.Protect = CacheBasic, false }},
		{"under 5 GB", func(a *CacheArgs) { a.MemorySizeGb = 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				c, err := NewCache(ctx, "cache", cacheArgs(func(a *CacheArgs) { a.DRRegion, a.DRSecretsKmsKeyName = "", nil; tt.mutate(a) }), pulumi.Provider(p.Primary))
				if err != nil {
					return err
				}
				ctx.Export("host", c.Host)
				ctx.Export("readEndpoint", c.ReadEndpoint)
				return nil
			})
			r, _ := m.Find(redisInstance, "hh-redis")
			_, mode := r.Get("readReplicasMode")
			_, count := r.Get("replicaCount")
			assert.False(t, mode || count, "no read replicas where Memorystore offers none")
			assert.Equal(t, m.Outputs()["host"].Value, m.Outputs()["readEndpoint"].Value, "reads go to the primary")
			auth, _ := m.Find(gcpSecret, "hh-redis-auth")
			replicas, _ := auth.Get("replication.userManaged.replicas")
			assert.Len(t, replicas, 1, "without DR the AUTH secret stays in Region")
			assert.Empty(t, gcpkittest.Violations(m, "dev"))
		})
	}
}

func TestCacheArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*CacheArgs)
		want   string
	}{
		{"long prefix", func(a *CacheArgs) { a.Prefix = "healthhub-production-sessions-cache" }, `Cache: Prefix = "healthhub-production-sessions-cache": must start with a letter and hold at most 34`},
		{"no region", func(a *CacheArgs) { a.Region = "" }, `Cache: Region = "": must be a region`},
		{"no network", func(a *CacheArgs) { a.Network = nil }, "Cache: Network = <nil>: required"},
		{"no key", func(a *CacheArgs) { a.KmsKeyName = nil }, "Cache: KmsKeyName = <nil>: required"},
		{"unknown tier", func(a *CacheArgs) { a.Tier = "STANDARD" }, `Cache: Tier = "STANDARD": must be STANDARD_HA or BASIC`},
		{"basic in production", func(a *CacheArgs) { a.Tier = CacheBasic }, `Cache: Tier = "BASIC": must be STANDARD_HA in production`},
		{"too big", func(a *CacheArgs) { a.MemorySizeGb = 301 }, "Cache: MemorySizeGb = 301: must be 1 to 300"},
		{"bad version", func(a *CacheArgs) { a.RedisVersion = "7.2" }, `Cache: RedisVersion = "7.2": must be a Memorystore version`},
		{"too many replicas", func(a *CacheArgs) { a.ReadReplicas = 6 }, "Cache: ReadReplicas = 6: must be 0 to 5"},
		{"replicas on basic", func(a *CacheArgs) { a.Tier, a.Protect, a.ReadReplicas = CacheBasic, false, 1 }, "Cache: ReadReplicas = 1: must be 0 with BASIC"},
		{"replicas under 5 GB", func(a *CacheArgs) { a.MemorySizeGb, a.ReadReplicas = 4, 2 }, "Cache: ReadReplicas = 2: must be 0 under 5 GB (MemorySizeGb = 4)"},
		{"no secrets key", func(a *CacheArgs) { a.SecretsKmsKeyName = nil }, "Cache: SecretsKmsKeyName = <nil>: required"},
		{"DR in the same region", func(a *CacheArgs) { a.DRRegion = gcpkittest.PrimaryRegion }, `Cache: DRRegion = "europe-west2": must be a region other than Region`},
		{"DR without its key", func(a *CacheArgs) { a.DRSecretsKmsKeyName = nil }, "Cache: DRSecretsKmsKeyName = <nil>: required with DRRegion"},
		{"DR key without DR", func(a *CacheArgs) { a.DRRegion = "" }, "Cache: DRSecretsKmsKeyName = set: needs DRRegion"},
		{"nil reader", func(a *CacheArgs) { a.AuthReaders = []pulumi.StringInput{nil} }, "Cache: AuthReaders[0] = <nil>: required"},
		{"unlabelled", func(a *CacheArgs) { a.Labels = map[string]string{} }, "Cache: Labels = map[]: must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewCache(ctx, "cache", cacheArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
