package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateBackend(t *testing.T) {
	var url, provider pulumi.StringOutput
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		b, err := NewStateBackend(ctx, "state", &StateBackendArgs{Prefix: "hh-state", DRProvider: p.dr, RetentionDays: 2555, Tags: testTags}, pulumi.Provider(p.primary))
		if err == nil {
			url, provider = b.BackendURL, b.SecretsProvider
		}
		return err
	})
	assertInputs(t, m, []expectation{
		{"aws:kms/key:Key", "hh-state", "enableKeyRotation", true},
		{"aws:kms/key:Key", "hh-state", "multiRegion", true},
		{"aws:s3/bucketVersioningV2:BucketVersioningV2", "hh-state-state", "versioningConfiguration.status", "Enabled"},
		{"aws:s3/bucketReplicationConfig:BucketReplicationConfig", "hh-state-state", "rules[0].status", "Enabled"},
	})
	for _, typ := range []string{"aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:s3/bucketV2:BucketV2"} {
		for _, r := range m.ByType(typ) {
			assert.True(t, r.Protect, "%s %s is always protected: losing state orphans the estate", typ, r.Name)
		}
	}
	got := func(o pulumi.StringOutput) string {
		ch := make(chan string, 1)
		o.ApplyT(func(s string) string { ch <- s; return s })
		return <-ch
	}
	assert.Regexp(t, `^s3://hh-state-state-`, got(url))
	assert.Equal(t, "awskms://alias/hh-state?region=eu-west-2", got(provider))
	assert.Empty(t, violations(m, "production"), "the state backend passes the whole policy pack")

	_, err := run(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewStateBackend(ctx, "state", &StateBackendArgs{Prefix: "hh-state", RetentionDays: 2555, Tags: testTags}, pulumi.Provider(p.primary))
		return err
	})
	require.ErrorContains(t, err, "StateBackend: DRProvider = <nil>: required")
}
