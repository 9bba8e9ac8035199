package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

func cacheArgs(mutate func(*CacheArgs)) *CacheArgs {
	a := &CacheArgs{
		Prefix: "hh-cache", VpcId: pulumi.String("vpc-1"), SubnetIds: pulumi.ToStringArray([]string{"subnet-1", "subnet-2"}),
		ClientCidrBlocks: []string{"10.20.0.0/18"}, KmsKeyArn: pulumi.String(databaseKey),
		AuthToken:    pulumi.ToSecret(pulumi.String("a-long-redis-auth-token")).(pulumi.StringOutput),
		LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557,
		EngineVersion: "7.1", NodeType: "cache.r7g.large", Nodes: 2, Production: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestCacheDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewCache(ctx, "cache", cacheArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const group = "aws:elasticache/replicationGroup:ReplicationGroup"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: group, Name: "hh-cache", Path: "atRestEncryptionEnabled", Want: true},
		{Type: group, Name: "hh-cache", Path: "kmsKeyId", Want: databaseKey},
		{Type: group, Name: "hh-cache", Path: "transitEncryptionEnabled", Want: true},
		{Type: group, Name: "hh-cache", Path: "transitEncryptionMode", Want: "required"},
		{Type: group, Name: "hh-cache", Path: "authToken", Want: "[secret]"},
		{Type: group, Name: "hh-cache", Path: "automaticFailoverEnabled", Want: true},
		{Type: group, Name: "hh-cache", Path: "multiAzEnabled", Want: true},
		{Type: group, Name: "hh-cache", Path: "numCacheClusters", Want: int64(2)},
		{Type: group, Name: "hh-cache", Path: "snapshotRetentionLimit", Want: int64(7)},
		{Type: group, Name: "hh-cache", Path: "finalSnapshotIdentifier", Want: "hh-cache-final"},
		{Type: group, Name: "hh-cache", Path: "engineVersion", Want: "7.1"},
		{Type: group, Name: "hh-cache", Path: "logDeliveryConfigurations[0].logType", Want: "engine-log"},
		{Type: group, Name: "hh-cache", Path: "logDeliveryConfigurations[0].destinationType", Want: "cloudwatch-logs"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-cache-engine", Path: "kmsKeyId", Want: logsKey},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-cache-engine", Path: "retentionInDays", Want: int64(2557)},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-cache", Path: "ingress[0].fromPort", Want: int64(6379)},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-cache", Path: "ingress[0].cidrBlocks", Want: []any{"10.20.0.0/18"}},
	})
	sg, _ := m.Find("aws:ec2/securityGroup:SecurityGroup", "hh-cache")
	_, egress := sg.Get("egress")
	assert.False(t, egress, "the cache starts no connection")
	for _, kept := range []struct{ typ, name string }{{group, "hh-cache"}, {"aws:cloudwatch/logGroup:LogGroup", "hh-cache-engine"}} {
		r, ok := m.Find(kept.typ, kept.name)
		require.True(t, ok, kept.name)
		assert.True(t, r.Protect, "%s survives a destroy", kept.name)
		assert.True(t, r.RetainOnDelete, "%s stays in the account if it leaves the program", kept.name)
	}
	assert.Empty(t, awskittest.Violations(m, "production"), "the component passes the whole policy pack")
}

func TestCacheSingleNodeOutsideProduction(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewCache(ctx, "cache", cacheArgs(func(a *CacheArgs) { a.Production, a.Protect, a.Nodes = false, false, 1 }), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:elasticache/replicationGroup:ReplicationGroup", Name: "hh-cache", Path: "automaticFailoverEnabled", Want: false},
		{Type: "aws:elasticache/replicationGroup:ReplicationGroup", Name: "hh-cache", Path: "transitEncryptionEnabled", Want: true},
		{Type: "aws:elasticache/replicationGroup:ReplicationGroup", Name: "hh-cache", Path: "atRestEncryptionEnabled", Want: true},
	})
	r, _ := m.Find("aws:elasticache/replicationGroup:ReplicationGroup", "hh-cache")
	assert.False(t, r.Protect, "dev caches can be torn down")
	assert.False(t, r.RetainOnDelete)
	_, snapshot := r.Get("finalSnapshotIdentifier")
	assert.False(t, snapshot, "dev data is disposable: no final snapshot")
	assert.Empty(t, awskittest.Violations(m, "dev"), "smaller, not weaker")
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
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewCache(ctx, "cache", cacheArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
