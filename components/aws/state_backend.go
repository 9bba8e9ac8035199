package aws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// StateBackendArgs configures where the estate's Pulumi state and secrets live.
type StateBackendArgs struct {
	// Prefix names the bucket and the key alias (alias/<prefix>).
	Prefix string
	// DRProvider receives the key's replica and the bucket's copy.
	DRProvider pulumi.ProviderResource
	// RetentionDays keeps old state versions (state files name every PHI resource).
	RetentionDays int
	Tags          map[string]string
}

// StateBackend is the Pulumi form of the seed's S3 + DynamoDB remote backend: a versioned,
// KMS-encrypted, private, TLS-only state bucket replicated to the DR region, and the
// multi-region KMS key the stacks use as their secrets provider (awskms://). Pulumi's S3
// backend locks with the bucket itself, so no DynamoDB table is needed. Both are always
// protected: losing state orphans the estate.
type StateBackend struct {
	pulumi.ResourceState

	BucketName      pulumi.StringOutput `pulumi:"bucketName"`
	BackendURL      pulumi.StringOutput `pulumi:"backendUrl"`
	SecretsProvider pulumi.StringOutput `pulumi:"secretsProvider"`
	KeyArn          pulumi.StringOutput `pulumi:"keyArn"`
}

// Validate checks the Args before anything is registered.
func (a *StateBackendArgs) Validate() error {
	const c = "StateBackend"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case a.DRProvider == nil:
		return kit.ArgError(c, "DRProvider", nil, "required: state must survive the loss of its region")
	case a.RetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "RetentionDays", a.RetentionDays)
	}
	return kit.RequireTags(c, a.Tags)
}

// NewStateBackend creates the key, its DR replica and the replicated state bucket.
func NewStateBackend(ctx *pulumi.Context, name string, args *StateBackendArgs, opts ...pulumi.ResourceOption) (*StateBackend, error) {
	b := &StateBackend{}
	if err := kit.Register(ctx, TypeStateBackend, name, args, b, opts...); err != nil {
		return nil, err
	}
	acct, err := awskit.LookupAccount(ctx, b)
	if err != nil {
		return nil, err
	}
	policy, err := keyPolicy(acct, DomainStorage)
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, args.Prefix, &kms.KeyArgs{
		Description:          pulumi.Sprintf("HealthHub Pulumi state and stack secrets (%s)", args.Prefix),
		EnableKeyRotation:    pulumi.Bool(true),
		RotationPeriodInDays: pulumi.Int(365),
		DeletionWindowInDays: pulumi.Int(30),
		MultiRegion:          pulumi.Bool(true),
		Policy:               pulumi.String(policy),
		Tags:                 awskit.Tags(args.Tags, args.Prefix),
	}, kit.Stateful(b, true)...)
	if err != nil {
		return nil, err
	}
	alias := "alias/" + args.Prefix
	if _, err := kms.NewAlias(ctx, args.Prefix, &kms.AliasArgs{Name: pulumi.String(alias), TargetKeyId: key.KeyId}, pulumi.Parent(b)); err != nil {
		return nil, err
	}
	replica, err := kms.NewReplicaKey(ctx, args.Prefix+"-dr", &kms.ReplicaKeyArgs{
		Description:          pulumi.Sprintf("HealthHub Pulumi state and stack secrets, DR replica (%s)", args.Prefix),
		PrimaryKeyArn:        key.Arn,
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(policy),
		Tags:                 awskit.Tags(args.Tags, args.Prefix+"-dr"),
	}, append(kit.Stateful(b, true), pulumi.Provider(args.DRProvider))...)
	if err != nil {
		return nil, err
	}
	bucket, err := NewSecureBucket(ctx, args.Prefix+"-state", &SecureBucketArgs{
		Prefix: args.Prefix + "-state", KmsKeyArn: key.Arn, RetentionDays: args.RetentionDays, Protect: true,
		Replica: &BucketReplica{Provider: args.DRProvider, KmsKeyArn: replica.Arn}, Tags: args.Tags,
	}, pulumi.Parent(b))
	if err != nil {
		return nil, err
	}

	b.BucketName = bucket.BucketName
	b.BackendURL = pulumi.Sprintf("s3://%s", bucket.BucketName)
	b.SecretsProvider = pulumi.String(fmt.Sprintf("awskms://%s?region=%s", alias, acct.Region)).ToStringOutput()
	b.KeyArn = key.Arn
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucketName": b.BucketName, "backendUrl": b.BackendURL, "secretsProvider": b.SecretsProvider, "keyArn": b.KeyArn,
	})
}
