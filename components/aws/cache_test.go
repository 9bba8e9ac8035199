package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cacheArgs(mutate func(*CacheArgs)) *CacheArgs {
	a := &CacheArgs{
		Prefix: "hh-cache", VpcId: pulumi.String("vpc-1"), SubnetIds: pulumi.ToStringArray([]string{"subnet-1", "subnet-2"}),
		ClientCidrBlocks: []string{"10.20.0.0/18"}, KmsKeyArn: pulumi.String(databaseKey),
		AuthToken:    pulumi.ToSecret(pulumi.String("a-long-redis-auth-token")).(pulumi.StringOutput),
		LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557,
		EngineVersion: "7.1", NodeType: "cache.r7g.large", Nodes: 2, Production: true, Tags: testTags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestCacheDefaults(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewCache(ctx, "cache", cacheArgs(nil), pulumi.Provider(p.primary))
		return err
	})
	const group = "aws:elasticache/replicationGroup:ReplicationGroup"
	assertInputs(t, m, []expectation{
		{group, "hh-cache", "atRestEncryptionEnabled", true},
		{group, "hh-cache", "kmsKeyId", databaseKey},
		{group, "hh-cache", "transitEncryptionEnabled", true},
		{group, "hh-cache", "transitEncryptionMode", "required"},
		{group, "hh-cache", "authToken", "[secret]"},
		{group, "hh-cache", "automaticFailoverEnabled", true},
		{group, "hh-cache", "multiAzEnabled", true},
		{group, "hh-cache", "numCacheClusters", int64(2)},
		{group, "hh-cache", "snapshotRetentionLimit", int64(7)},
		{group, "hh-cache", "engineVersion", "7.1"},
		{group, "hh-cache", "logDeliveryConfigurations[0].logType", "engine-log"},
		{group, "hh-cache", "logDeliveryConfigurations[0].destinationType", "cloudwatch-logs"},
		{"aws:cloudwatch/logGroup:LogGroup", "hh-cache-engine", "kmsKeyId", logsKey},
		{"aws:cloudwatch/logGroup:LogGroup", "hh-cache-engine", "retentionInDays", int64(2557)},
		{"aws:ec2/securityGroup:SecurityGroup", "hh-cache", "ingress[0].fromPort", int64(6379)},
		{"aws:ec2/securityGroup:SecurityGroup", "hh-cache", "ingress[0].cidrBlocks", []any{"10.20.0.0/18"}},
	})
	sg, _ := m.Find("aws:ec2/securityGroup:SecurityGroup", "hh-cache")
	_, egress := sg.Get("egress")
	assert.False(t, egress, "the cache starts no connection")
	assert.Empty(t, violations(m, "production"), "the component passes the whole policy pack")
}

func TestCacheSingleNodeOutsideProduction(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewCache(ctx, "cache", cacheArgs(func(a *CacheArgs) { a.Production, a.Nodes = false, 1 }), pulumi.Provider(p.primary))
		return err
	})
	assertInputs(t, m, []expectation{
		{"aws:elasticache/replicationGroup:ReplicationGroup", "hh-cache", "automaticFailoverEnabled", false},
		{"aws:elasticache/replicationGroup:ReplicationGroup", "hh-cache", "transitEncryptionEnabled", true},
		{"aws:elasticache/replicationGroup:ReplicationGroup", "hh-cache", "atRestEncryptionEnabled", true},
	})
	assert.Empty(t, violations(m, "dev"), "smaller, not weaker")
}

func TestCacheArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*CacheArgs)
		want   string
	}{
		{"long prefix", func(a *CacheArgs) { a.Prefix = "healthhub-production-clinical-sessions-cache" }, "Cache: Prefix"},
		{"no key", func(a *CacheArgs) { a.KmsKeyArn = nil }, "Cache: KmsKeyArn = <nil>: required"},
		{"no auth token", func(a *CacheArgs) { a.AuthToken = nil }, "Cache: AuthToken = <nil>: required"},
		{"floating version", func(a *CacheArgs) { a.EngineVersion = "7" }, `Cache: EngineVersion = "7"`},
		{"node type", func(a *CacheArgs) { a.NodeType = "r7g.large" }, `Cache: NodeType = "r7g.large"`},
		{"single node in production", func(a *CacheArgs) { a.Nodes = 1 }, "Cache: Nodes = 1: must be at least 2 in production"},
		{"public clients", func(a *CacheArgs) { a.ClientCidrBlocks = []string{"203.0.113.0/24"} }, "Cache: ClientCidrBlocks = 203.0.113.0/24: must be private"},
		{"short log retention", func(a *CacheArgs) { a.LogRetentionDays = 7 }, "Cache: LogRetentionDays = 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewCache(ctx, "cache", cacheArgs(tt.mutate), pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}
