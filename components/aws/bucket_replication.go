package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
)

// replicate builds the DR copy of a SecureBucket: a bucket with the same controls in the DR
// region, and S3 replication of every object and version to it under the DR key
// (164.308(a)(7)(ii)(B) disaster recovery plan). Delete markers are not replicated, so a
// deletion in the primary region cannot empty the copy.
func replicate(ctx *pulumi.Context, b *SecureBucket, args *SecureBucketArgs, bucket *s3.BucketV2, versioning *s3.BucketVersioningV2) error {
	parent := pulumi.Parent(b)
	replica, err := NewSecureBucket(ctx, args.Prefix+"-dr", &SecureBucketArgs{
		Prefix:           args.Prefix + "-dr",
		KmsKeyArn:        args.Replica.KmsKeyArn,
		RetentionDays:    args.RetentionDays,
		ArchiveAfterDays: args.ArchiveAfterDays,
		ObjectLock:       args.ObjectLock,
		Protect:          args.Protect,
		Tags:             args.Tags,
	}, parent, pulumi.Provider(args.Replica.Provider))
	if err != nil {
		return err
	}
	b.Replica = replica

	acct, err := awskit.LookupAccount(ctx, b)
	if err != nil {
		return err
	}
	policy := pulumi.All(bucket.Arn, replica.BucketArn, args.KmsKeyArn, args.Replica.KmsKeyArn).ApplyT(func(v []any) (string, error) {
		source, dest, sourceKey, destKey := v[0].(string), v[1].(string), v[2].(string), v[3].(string)
		return awskit.PolicyJSON(map[string]any{
			"Sid":      "ReadSource",
			"Effect":   "Allow",
			"Action":   []string{"s3:GetReplicationConfiguration", "s3:ListBucket"},
			"Resource": source,
		}, map[string]any{
			"Sid":    "ReadSourceVersions",
			"Effect": "Allow",
			"Action": []string{
				"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
				"s3:GetObjectRetention", "s3:GetObjectLegalHold",
			},
			"Resource": source + "/*",
		}, map[string]any{
			"Sid":      "WriteReplica",
			"Effect":   "Allow",
			"Action":   []string{"s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"},
			"Resource": dest + "/*",
		}, map[string]any{
			"Sid":       "DecryptSource",
			"Effect":    "Allow",
			"Action":    "kms:Decrypt",
			"Resource":  sourceKey,
			"Condition": map[string]any{"StringLike": map[string]any{"kms:ViaService": "s3.*.amazonaws.com"}},
		}, map[string]any{
			"Sid":       "EncryptReplica",
			"Effect":    "Allow",
			"Action":    []string{"kms:Encrypt", "kms:GenerateDataKey"},
			"Resource":  destKey,
			"Condition": map[string]any{"StringLike": map[string]any{"kms:ViaService": "s3.*.amazonaws.com"}},
		})
	}).(pulumi.StringOutput)
	role, err := awskit.ServiceRole(ctx, args.Prefix+"-replication", "s3", acct, args.Tags, policy, parent)
	if err != nil {
		return err
	}

	_, err = s3.NewBucketReplicationConfig(ctx, args.Prefix, &s3.BucketReplicationConfigArgs{
		Bucket: bucket.ID(),
		Role:   role.Arn,
		Rules: s3.BucketReplicationConfigRuleArray{s3.BucketReplicationConfigRuleArgs{
			Id:                      pulumi.String("dr"),
			Status:                  pulumi.String("Enabled"),
			Filter:                  s3.BucketReplicationConfigRuleFilterArgs{Prefix: pulumi.String("")},
			DeleteMarkerReplication: s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Disabled")},
			SourceSelectionCriteria: s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
				SseKmsEncryptedObjects: s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")},
			},
			Destination: s3.BucketReplicationConfigRuleDestinationArgs{
				Bucket:       replica.BucketArn,
				StorageClass: pulumi.String("STANDARD"),
				EncryptionConfiguration: s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{
					ReplicaKmsKeyId: args.Replica.KmsKeyArn,
				},
			},
		}},
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{versioning}, replica.Ready...)))
	return err
}
