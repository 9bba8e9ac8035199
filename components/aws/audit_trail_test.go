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

const logsKey = "arn:aws:kms:eu-west-2:123456789012:key/logs"

func trailArgs(mutate func(*AuditTrailArgs)) *AuditTrailArgs {
	a := &AuditTrailArgs{
		Prefix: "hh-audit", KmsKeyArn: pulumi.String(logsKey), RetentionDays: 2555,
		LogRetentionDays: 2557, ObjectLock: LockCompliance, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestAuditTrailDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewAuditTrail(ctx, "audit", trailArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const (
		trail  = "aws:cloudtrail/trail:Trail"
		bucket = "hh-audit-archive"
	)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: trail, Name: "hh-audit", Path: "isMultiRegionTrail", Want: true},
		{Type: trail, Name: "hh-audit", Path: "includeGlobalServiceEvents", Want: true},
		{Type: trail, Name: "hh-audit", Path: "enableLogFileValidation", Want: true},
		{Type: trail, Name: "hh-audit", Path: "enableLogging", Want: true},
		{Type: trail, Name: "hh-audit", Path: "kmsKeyId", Want: logsKey},
		{Type: trail, Name: "hh-audit", Path: "advancedEventSelectors[1].fieldSelectors[1].equals", Want: []any{"AWS::S3::Object"}},
		{Type: trail, Name: "hh-audit", Path: "advancedEventSelectors[2].fieldSelectors[1].equals", Want: []any{"AWS::DynamoDB::Table"}},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-audit", Path: "kmsKeyId", Want: logsKey},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-audit", Path: "retentionInDays", Want: int64(2557)},
		{Type: "aws:s3/bucketV2:BucketV2", Name: bucket, Path: "forceDestroy", Want: false},
		{Type: "aws:s3/bucketV2:BucketV2", Name: bucket, Path: "objectLockEnabled", Want: true},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Name: bucket, Path: "blockPublicAcls", Want: true},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Name: bucket, Path: "blockPublicPolicy", Want: true},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Name: bucket, Path: "ignorePublicAcls", Want: true},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Name: bucket, Path: "restrictPublicBuckets", Want: true},
		{Type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", Name: bucket, Path: "rule.objectOwnership", Want: "BucketOwnerEnforced"},
		{Type: "aws:s3/bucketVersioningV2:BucketVersioningV2", Name: bucket, Path: "versioningConfiguration.status", Want: "Enabled"},
		{Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Name: bucket, Path: "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", Want: "aws:kms"},
		{Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Name: bucket, Path: "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId", Want: logsKey},
		{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Name: bucket, Path: "rules[0].expiration.days", Want: int64(2555)},
		{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Name: bucket, Path: "rules[0].noncurrentVersionExpiration.noncurrentDays", Want: int64(2555)},
		{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Name: bucket, Path: "rules[0].transitions[0].storageClass", Want: "GLACIER"},
		{Type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", Name: bucket, Path: "rule.defaultRetention.mode", Want: "COMPLIANCE"},
		{Type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", Name: bucket, Path: "rule.defaultRetention.days", Want: int64(2555)},
	})

	b, ok := m.Find("aws:s3/bucketV2:BucketV2", bucket)
	require.True(t, ok)
	assert.True(t, b.Protect)
	assert.True(t, b.RetainOnDelete)

	pol, ok := m.Find("aws:s3/bucketPolicy:BucketPolicy", bucket)
	require.True(t, ok)
	raw, _ := pol.Get("policy")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &doc))
	bySid := map[string]map[string]any{}
	for _, s := range doc.Statement {
		bySid[s["Sid"].(string)] = s
	}
	require.Contains(t, bySid, "DenyInsecureTransport")
	assert.Equal(t, "Deny", bySid["DenyInsecureTransport"]["Effect"])
	assert.Equal(t, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}, bySid["DenyInsecureTransport"]["Condition"])
	require.Contains(t, bySid, "DenyOutdatedTLS")
	require.Contains(t, bySid, "CloudTrailWritesThisAccountsLogs")
	cond := bySid["CloudTrailWritesThisAccountsLogs"]["Condition"].(map[string]any)["StringEquals"].(map[string]any)
	assert.Equal(t, "arn:aws:cloudtrail:eu-west-2:123456789012:trail/hh-audit", cond["aws:SourceArn"], "only this trail may write")
}

func TestAuditTrailArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AuditTrailArgs)
		want   string
	}{
		{"no key", func(a *AuditTrailArgs) { a.KmsKeyArn = nil }, "AuditTrail: KmsKeyArn"},
		{"short retention", func(a *AuditTrailArgs) { a.RetentionDays = 365 }, "AuditTrail: RetentionDays = 365: must be at least 2190"},
		{"short log retention", func(a *AuditTrailArgs) { a.LogRetentionDays = 90 }, "AuditTrail: LogRetentionDays = 90"},
		{"unknown lock mode", func(a *AuditTrailArgs) { a.ObjectLock = "FOREVER" }, `SecureBucket: ObjectLock = "FOREVER"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewAuditTrail(ctx, "audit", trailArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			if tt.name != "unknown lock mode" {
				kittest.AssertNothingRegistered(t, m)
			}
		})
	}
}

func TestSecureBucketArgErrors(t *testing.T) {
	base := func() *SecureBucketArgs {
		return &SecureBucketArgs{Prefix: "b", KmsKeyArn: pulumi.String(logsKey), RetentionDays: 2190, Tags: kittest.Tags}
	}
	tests := []struct {
		name   string
		mutate func(*SecureBucketArgs)
		want   string
	}{
		{"no key", func(a *SecureBucketArgs) { a.KmsKeyArn = nil }, "SecureBucket: KmsKeyArn"},
		{"short retention", func(a *SecureBucketArgs) { a.RetentionDays = 30 }, "SecureBucket: RetentionDays = 30"},
		{"archive after expiry", func(a *SecureBucketArgs) { a.ArchiveAfterDays = 3000 }, "SecureBucket: ArchiveAfterDays = 3000"},
		{"lock mode", func(a *SecureBucketArgs) { a.ObjectLock = "governance" }, "SecureBucket: ObjectLock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := base()
			tt.mutate(args)
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewSecureBucket(ctx, "b", args, pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
