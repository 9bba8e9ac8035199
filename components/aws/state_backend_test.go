package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

func TestStateBackend(t *testing.T) {
	var url, provider pulumi.StringOutput
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		b, err := NewStateBackend(ctx, "state", &StateBackendArgs{Prefix: "hh-state", DRProvider: p.DR, RetentionDays: 2555, Tags: kittest.Tags}, pulumi.Provider(p.Primary))
		if err == nil {
			url, provider = b.BackendURL, b.SecretsProvider
		}
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:kms/key:Key", Name: "hh-state", Path: "enableKeyRotation", Want: true},
		{Type: "aws:kms/key:Key", Name: "hh-state", Path: "multiRegion", Want: true},
		{Type: "aws:s3/bucketVersioningV2:BucketVersioningV2", Name: "hh-state-state", Path: "versioningConfiguration.status", Want: "Enabled"},
		{Type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig", Name: "hh-state-state", Path: "rules[0].status", Want: "Enabled"},
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
	assert.Empty(t, awskittest.Violations(m, "production"), "the state backend passes the whole policy pack")

	_, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewStateBackend(ctx, "state", &StateBackendArgs{Prefix: "hh-state", RetentionDays: 2555, Tags: kittest.Tags}, pulumi.Provider(p.Primary))
		return err
	})
	require.ErrorContains(t, err, "StateBackend: DRProvider = <nil>: required")
}
