package aws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// ObjectLockMode is how objects are made write-once. Compliance mode cannot be shortened by
// anyone, root included.
type ObjectLockMode string

// Object Lock modes.
const (
	LockNone       ObjectLockMode = ""
	LockGovernance ObjectLockMode = "GOVERNANCE"
	LockCompliance ObjectLockMode = "COMPLIANCE"
)

// LogDelivery names the AWS service that writes into a bucket.
type LogDelivery string

// LogDeliveryELB is a bucket for load balancer access logs.
const LogDeliveryELB LogDelivery = naming.LogDeliveryELB

// SecureBucketArgs configures a bucket for PHI or audit data.
type SecureBucketArgs struct {
	// Prefix names the bucket (Pulumi appends a random suffix: names are global).
	Prefix string
	// KmsKeyArn encrypts every object (SSE-KMS with a customer-managed key). Required, except
	// for a LogDeliveryELB bucket.
	KmsKeyArn pulumi.StringInput
	// LogDelivery names the AWS service that writes into the bucket, if any. LogDeliveryELB
	// (load balancer access logs) lets Elastic Load Balancing write and, because ELB cannot
	// write to SSE-KMS buckets, encrypts with SSE-S3 and tags the bucket so the policy pack
	// knows why.
	LogDelivery LogDelivery
	// RetentionDays is how long objects (and old versions) are kept before lifecycle expiry;
	// at least the HIPAA six-year floor.
	RetentionDays int
	// ArchiveAfterDays moves objects to Glacier Flexible Retrieval; 0 keeps them in Standard.
	ArchiveAfterDays int
	// ObjectLock makes objects write-once for RetentionDays: LockGovernance or LockCompliance.
	ObjectLock ObjectLockMode
	// Protect keeps the bucket through destroys and config changes (production).
	Protect bool
	// PolicyStatements are added to the bucket policy, after the TLS-only denial. Each gets the
	// bucket ARN.
	PolicyStatements func(bucketArn string) []map[string]any
	// Replica, when set, copies every object to a bucket in another region with the same
	// controls, so the data survives the loss of its region.
	Replica *BucketReplica
	Tags    map[string]string
}

// BucketReplica is where a SecureBucket keeps its disaster-recovery copy.
type BucketReplica struct {
	// Provider targets the DR region. Required.
	Provider pulumi.ProviderResource
	// KmsKeyArn is a key in the DR region (a replica of the source key). Required.
	KmsKeyArn pulumi.StringInput
}

// SecureBucket is private (all public access blocked, ACLs disabled), versioned, SSE-KMS
// encrypted, TLS-only by policy, and expires data only after the retention period.
type SecureBucket struct {
	pulumi.ResourceState

	Bucket *s3.BucketV2
	// Ready are the bucket and every control on it. A writer that must wait until the bucket is
	// usable depends on these, not on the component: a dependency on a component covers only
	// the children registered by then, which makes plans and previews differ run to run.
	Ready []pulumi.Resource
	// Replica is the DR copy, when BucketReplica was given.
	Replica    *SecureBucket
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	BucketArn  pulumi.StringOutput `pulumi:"bucketArn"`
}

// Validate checks the Args before anything is registered.
func (a *SecureBucketArgs) Validate() error {
	const c = "SecureBucket"
	if a.Prefix == "" {
		return kit.ArgError(c, "Prefix", `""`, "required")
	}
	switch {
	case a.LogDelivery != "" && a.LogDelivery != LogDeliveryELB:
		return kit.ArgError(c, "LogDelivery", fmt.Sprintf("%q", a.LogDelivery), "must be empty or %q", LogDeliveryELB)
	case a.LogDelivery == LogDeliveryELB && a.KmsKeyArn != nil:
		return kit.ArgError(c, "KmsKeyArn", "set", "must be nil with LogDelivery %q: ELB cannot write to SSE-KMS buckets", LogDeliveryELB)
	case a.LogDelivery == LogDeliveryELB && a.Replica != nil:
		return kit.ArgError(c, "Replica", "set", "is not supported for an SSE-S3 log bucket")
	case a.LogDelivery == "" && a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: buckets are always encrypted with a customer-managed key")
	}
	if a.RetentionDays < kit.MinRetentionDays {
		return kit.RetentionError(c, "RetentionDays", a.RetentionDays)
	}
	if a.ArchiveAfterDays < 0 || (a.ArchiveAfterDays > 0 && a.ArchiveAfterDays >= a.RetentionDays) {
		return kit.ArgError(c, "ArchiveAfterDays", a.ArchiveAfterDays, "must be 0 (never) or between 1 and RetentionDays-1")
	}
	if a.ObjectLock != LockNone && a.ObjectLock != LockGovernance && a.ObjectLock != LockCompliance {
		return kit.ArgError(c, "ObjectLock", fmt.Sprintf("%q", a.ObjectLock), "must be empty, %q or %q", LockGovernance, LockCompliance)
	}
	if a.Replica != nil && a.Replica.Provider == nil {
		return kit.ArgError(c, "Replica.Provider", nil, "required: the provider of the DR region")
	}
	if a.Replica != nil && a.Replica.KmsKeyArn == nil {
		return kit.ArgError(c, "Replica.KmsKeyArn", nil, "required: a customer-managed key in the DR region")
	}
	return kit.RequireTags(c, a.Tags)
}

// NewSecureBucket creates the bucket and every control on it.
func NewSecureBucket(ctx *pulumi.Context, name string, args *SecureBucketArgs, opts ...pulumi.ResourceOption) (*SecureBucket, error) {
	b := &SecureBucket{}
	if err := kit.Register(ctx, TypeSecureBucket, name, args, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	bucketTags := awskit.Tags(args.Tags, args.Prefix)
	if args.LogDelivery != "" {
		bucketTags[naming.TagLogDelivery] = pulumi.String(string(args.LogDelivery))
	}
	bucket, err := s3.NewBucketV2(ctx, args.Prefix, &s3.BucketV2Args{
		BucketPrefix:      pulumi.String(args.Prefix + "-"),
		ForceDestroy:      pulumi.Bool(false),
		ObjectLockEnabled: pulumi.Bool(args.ObjectLock != LockNone),
		Tags:              bucketTags,
	}, kit.Stateful(b, args.Protect)...)
	if err != nil {
		return nil, err
	}
	b.Bucket = bucket
	b.Ready = append(b.Ready, bucket)

	// Public access is blocked before anything else is attached, so no policy or ACL can open
	// the bucket even for a moment.
	pab, err := s3.NewBucketPublicAccessBlock(ctx, args.Prefix, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	b.Ready = append(b.Ready, pab)
	after := pulumi.DependsOn([]pulumi.Resource{pab})

	if err := b.ready(s3.NewBucketOwnershipControls(ctx, args.Prefix, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent, after)); err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, args.Prefix, &s3.BucketVersioningV2Args{
		Bucket: bucket.ID(),
		VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{
			Status: pulumi.String("Enabled"),
		},
	}, parent, after)
	if err != nil {
		return nil, err
	}
	b.Ready = append(b.Ready, versioning)
	sse := s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: args.KmsKeyArn,
	}
	if args.LogDelivery == LogDeliveryELB {
		sse = s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("AES256")}
	}
	if err := b.ready(s3.NewBucketServerSideEncryptionConfigurationV2(ctx, args.Prefix, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: sse,
			BucketKeyEnabled:                   pulumi.Bool(args.LogDelivery == ""),
		}},
	}, parent, after)); err != nil {
		return nil, err
	}

	var transitions s3.BucketLifecycleConfigurationV2RuleTransitionArray
	if args.ArchiveAfterDays > 0 {
		transitions = s3.BucketLifecycleConfigurationV2RuleTransitionArray{s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
			Days: pulumi.Int(args.ArchiveAfterDays), StorageClass: pulumi.String("GLACIER"),
		}}
	}
	if err := b.ready(s3.NewBucketLifecycleConfigurationV2(ctx, args.Prefix, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:          pulumi.String("retention"),
			Status:      pulumi.String("Enabled"),
			Filter:      s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Transitions: transitions,
			Expiration:  s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.RetentionDays)},
			NoncurrentVersionExpiration: s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(args.RetentionDays),
			},
			AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(7),
			},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning}))); err != nil {
		return nil, err
	}

	if args.ObjectLock != LockNone {
		if err := b.ready(s3.NewBucketObjectLockConfigurationV2(ctx, args.Prefix, &s3.BucketObjectLockConfigurationV2Args{
			Bucket: bucket.ID(),
			Rule: s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String(string(args.ObjectLock)),
					Days: pulumi.Int(args.RetentionDays),
				},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{versioning}))); err != nil {
			return nil, err
		}
	}

	extra := args.PolicyStatements
	if args.LogDelivery == LogDeliveryELB {
		if extra, err = elbLogDelivery(ctx, b, args.PolicyStatements); err != nil {
			return nil, err
		}
	}
	policy := bucket.Arn.ApplyT(func(arn string) (string, error) {
		statements := []map[string]any{{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
		}, {
			"Sid":       "DenyOutdatedTLS",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"NumericLessThan": map[string]any{"s3:TlsVersion": "1.2"}},
		}}
		if extra != nil {
			statements = append(statements, extra(arn)...)
		}
		return awskit.PolicyJSON(statements...)
	}).(pulumi.StringOutput)
	if err := b.ready(s3.NewBucketPolicy(ctx, args.Prefix, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: policy,
	}, parent, after)); err != nil {
		return nil, err
	}

	if args.Replica != nil {
		if err := replicate(ctx, b, args, bucket, versioning); err != nil {
			return nil, err
		}
	}

	b.BucketName = bucket.Bucket
	b.BucketArn = bucket.Arn
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{"bucketName": b.BucketName, "bucketArn": b.BucketArn})
}

// ready records a control that writers of the bucket wait for.
func (b *SecureBucket) ready(r pulumi.Resource, err error) error {
	if err == nil {
		b.Ready = append(b.Ready, r)
	}
	return err
}

// elbLogDelivery adds the statement that lets this region's Elastic Load Balancing account
// write access logs, for this account's load balancers only.
func elbLogDelivery(ctx *pulumi.Context, b *SecureBucket, more func(string) []map[string]any) (func(string) []map[string]any, error) {
	acct, err := awskit.LookupAccount(ctx, b)
	if err != nil {
		return nil, err
	}
	elbAccount, err := elb.GetServiceAccount(ctx, nil, pulumi.Parent(b))
	if err != nil {
		return nil, fmt.Errorf("looking up the ELB log-delivery account: %w", err)
	}
	return func(arn string) []map[string]any {
		out := []map[string]any{{
			"Sid":       "LoadBalancerAccessLogs",
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": elbAccount.Arn},
			"Action":    "s3:PutObject",
			"Resource":  fmt.Sprintf("%s/AWSLogs/%s/*", arn, acct.ID),
		}}
		if more != nil {
			out = append(out, more(arn)...)
		}
		return out
	}, nil
}
