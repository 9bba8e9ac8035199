package aws

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const drLogsKey = "arn:aws:kms:eu-west-1:123456789012:key/logs"

func TestSecureBucketReplica(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewSecureBucket(ctx, "records", &SecureBucketArgs{
			Prefix: "hh-records", KmsKeyArn: pulumi.String(logsKey), RetentionDays: 2555,
			ObjectLock: LockCompliance, Protect: true, Tags: kittest.Tags,
			Replica: &BucketReplica{Provider: p.DR, KmsKeyArn: pulumi.String(drLogsKey)},
		}, pulumi.Provider(p.Primary))
		return err
	})
	const (
		replication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
		copyName    = "hh-records-dr"
	)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: replication, Name: "hh-records", Path: "rules[0].status", Want: "Enabled"},
		{Type: replication, Name: "hh-records", Path: "rules[0].deleteMarkerReplication.status", Want: "Disabled"},
		{Type: replication, Name: "hh-records", Path: "rules[0].sourceSelectionCriteria.sseKmsEncryptedObjects.status", Want: "Enabled"},
		{Type: replication, Name: "hh-records", Path: "rules[0].destination.encryptionConfiguration.replicaKmsKeyId", Want: drLogsKey},
		// The copy carries every control of the source, under the DR key.
		{Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Name: copyName, Path: "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId", Want: drLogsKey},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Name: copyName, Path: "restrictPublicBuckets", Want: true},
		{Type: "aws:s3/bucketVersioningV2:BucketVersioningV2", Name: copyName, Path: "versioningConfiguration.status", Want: "Enabled"},
		{Type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", Name: copyName, Path: "rule.defaultRetention.mode", Want: "COMPLIANCE"},
	})

	source, ok := m.Find("aws:s3/bucketV2:BucketV2", "hh-records")
	require.True(t, ok)
	replica, ok := m.Find("aws:s3/bucketV2:BucketV2", copyName)
	require.True(t, ok)
	assert.Equal(t, "eu-west-2", m.Region(source.Provider))
	assert.Equal(t, "eu-west-1", m.Region(replica.Provider), "the copy lives in the DR region")
	assert.True(t, replica.Protect, "the copy is as protected as the source")

	rc, _ := m.Find(replication, "hh-records")
	assert.Equal(t, "eu-west-2", m.Region(rc.Provider), "replication is configured on the source")
	assert.Contains(t, rc.Dependencies, source.URN)
	assert.Contains(t, rc.Dependencies, replica.URN)

	policy, ok := m.Find("aws:iam/rolePolicy:RolePolicy", "hh-records-replication")
	require.True(t, ok)
	raw, _ := policy.Get("policy")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &doc))
	actions := map[string]any{}
	for _, s := range doc.Statement {
		actions[s["Sid"].(string)] = s["Action"]
	}
	assert.Equal(t, []any{"s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"}, actions["WriteReplica"],
		"the role may not replicate deletes")
	assert.Equal(t, "kms:Decrypt", actions["DecryptSource"])
}

func TestSecureBucketReplicaArgErrors(t *testing.T) {
	tests := []struct {
		name    string
		replica func(p awskittest.Providers) *BucketReplica
		want    string
	}{
		{"no provider", func(awskittest.Providers) *BucketReplica { return &BucketReplica{KmsKeyArn: pulumi.String(drLogsKey)} }, "SecureBucket: Replica.Provider = <nil>: required"},
		{"no key", func(p awskittest.Providers) *BucketReplica { return &BucketReplica{Provider: p.DR} }, "SecureBucket: Replica.KmsKeyArn = <nil>: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewSecureBucket(ctx, "b", &SecureBucketArgs{
					Prefix: "b", KmsKeyArn: pulumi.String(logsKey), RetentionDays: 2190, Tags: kittest.Tags, Replica: tt.replica(p),
				}, pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
