package aws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// AuditTrailArgs configures the account's audit trail (164.312(b) audit controls).
type AuditTrailArgs struct {
	// Prefix names the trail, its bucket and log group.
	Prefix string
	// KmsKeyArn (logs domain) encrypts the trail files, the bucket and the log group. Required.
	KmsKeyArn pulumi.StringInput
	// RetentionDays keeps trail files in S3, at least 2190 (six years).
	RetentionDays int
	// LogRetentionDays keeps the CloudWatch copy of the trail.
	LogRetentionDays int
	// ObjectLock makes trail files immutable for RetentionDays: LockCompliance in production.
	ObjectLock ObjectLockMode
	// Protect keeps the trail bucket through destroys and config changes (production).
	Protect bool
	// Replica keeps a copy of the archive in the DR region; required in production by the
	// estate-phi-dr-copy rule, since the trail records who touched PHI.
	Replica *BucketReplica
	Tags    map[string]string
}

// AuditTrail is a multi-region CloudTrail with log-file validation, KMS encryption, S3 data
// events, delivery to a locked-down bucket and a CloudWatch log group for alerting.
type AuditTrail struct {
	pulumi.ResourceState

	TrailArn     pulumi.StringOutput `pulumi:"trailArn"`
	BucketName   pulumi.StringOutput `pulumi:"bucketName"`
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// ReplicaBucketName is the DR copy of the archive; empty without a Replica.
	ReplicaBucketName pulumi.StringOutput `pulumi:"replicaBucketName"`
}

// Validate checks the Args before anything is registered.
func (a *AuditTrailArgs) Validate() error {
	const c = "AuditTrail"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: trail files are always encrypted with a customer-managed key")
	case a.RetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "RetentionDays", a.RetentionDays)
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	}
	return kit.RequireTags(c, a.Tags)
}

// NewAuditTrail creates the trail and where it delivers.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	t := &AuditTrail{}
	if err := kit.Register(ctx, TypeAuditTrail, name, args, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	acct, err := awskit.LookupAccount(ctx, t)
	if err != nil {
		return nil, err
	}
	trailName := args.Prefix
	trailArn := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", acct.Partition, acct.Region, acct.ID, trailName)
	sourceArn := map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trailArn}}

	bucket, err := NewSecureBucket(ctx, args.Prefix+"-archive", &SecureBucketArgs{
		Prefix:           args.Prefix + "-archive",
		KmsKeyArn:        args.KmsKeyArn,
		RetentionDays:    args.RetentionDays,
		ArchiveAfterDays: 365,
		ObjectLock:       args.ObjectLock,
		Protect:          args.Protect,
		Replica:          args.Replica,
		Tags:             args.Tags,
		PolicyStatements: func(arn string) []map[string]any {
			return []map[string]any{{
				"Sid":       "CloudTrailChecksAcl",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": acct.Service("cloudtrail")},
				"Action":    "s3:GetBucketAcl",
				"Resource":  arn,
				"Condition": sourceArn,
			}, {
				"Sid":       "CloudTrailWritesThisAccountsLogs",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": acct.Service("cloudtrail")},
				"Action":    "s3:PutObject",
				"Resource":  fmt.Sprintf("%s/AWSLogs/%s/*", arn, acct.ID),
				"Condition": map[string]any{
					"StringEquals": map[string]any{"aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control"},
				},
			}}
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	group, err := cloudwatch.NewLogGroup(ctx, args.Prefix, &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/healthhub/%s/cloudtrail", args.Prefix),
		KmsKeyId:        args.KmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, args.Prefix),
	}, kit.Stateful(t, args.Protect)...)
	if err != nil {
		return nil, err
	}
	role, err := awskit.ServiceRole(ctx, args.Prefix+"-to-logs", "cloudtrail", acct, args.Tags, group.Arn.ApplyT(func(arn string) (string, error) {
		return awskit.PolicyJSON(map[string]any{
			"Effect":   "Allow",
			"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": arn + ":log-stream:*",
		})
	}).(pulumi.StringOutput), parent)
	if err != nil {
		return nil, err
	}

	trail, err := cloudtrail.NewTrail(ctx, args.Prefix, &cloudtrail.TrailArgs{
		Name:                       pulumi.String(trailName),
		S3BucketName:               bucket.BucketName,
		KmsKeyId:                   args.KmsKeyArn,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", group.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		AdvancedEventSelectors: cloudtrail.TrailAdvancedEventSelectorArray{
			cloudtrail.TrailAdvancedEventSelectorArgs{
				Name: pulumi.String("Management events"),
				FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
					cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.ToStringArray([]string{"Management"})},
				},
			},
			// Object-level access to PHI is what an investigator asks for first; the trail's own
			// archive is left out so delivery does not log itself.
			cloudtrail.TrailAdvancedEventSelectorArgs{
				Name: pulumi.String("S3 object access outside the audit archive"),
				FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
					cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.ToStringArray([]string{"Data"})},
					cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.ToStringArray([]string{"AWS::S3::Object"})},
					cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), NotStartsWiths: pulumi.StringArray{pulumi.Sprintf("%s/", bucket.BucketArn)}},
				},
			},
			cloudtrail.TrailAdvancedEventSelectorArgs{
				Name: pulumi.String("DynamoDB item access"),
				FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
					cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.ToStringArray([]string{"Data"})},
					cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.ToStringArray([]string{"AWS::DynamoDB::Table"})},
				},
			},
		},
		Tags: awskit.Tags(args.Tags, args.Prefix),
	}, parent, pulumi.DependsOn(bucket.Ready))
	if err != nil {
		return nil, err
	}

	t.TrailArn = trail.Arn
	t.BucketName = bucket.BucketName
	t.LogGroupName = group.Name
	t.ReplicaBucketName = pulumi.String("").ToStringOutput()
	if bucket.Replica != nil {
		t.ReplicaBucketName = bucket.Replica.BucketName
	}
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{
		"trailArn": t.TrailArn, "bucketName": t.BucketName, "logGroupName": t.LogGroupName,
		"replicaBucketName": t.ReplicaBucketName,
	})
}
