package aws

import (
	"fmt"
	"slices"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// Domain is a class of data that gets its own customer-managed key, so access to one (say, the
// audit logs) never implies access to another (patient records).
type Domain string

const (
	DomainDatabase Domain = "database"
	DomainStorage  Domain = "storage"
	DomainLogs     Domain = "logs"
	DomainSecrets  Domain = "secrets"
	DomainCluster  Domain = "cluster"
)

// Domains are the key domains of the estate, in order.
var Domains = []Domain{DomainDatabase, DomainStorage, DomainLogs, DomainSecrets, DomainCluster}

// KeysArgs configures the estate's KMS keys.
type KeysArgs struct {
	// Prefix names the keys and their aliases (alias/<prefix>-<domain>).
	Prefix string
	// MultiRegion lists the domains whose data is replicated to the DR region: their keys are
	// multi-region so replicas decrypt with the same key material. Default: database, storage,
	// logs (the DR network's flow logs and replicated archives) and secrets (replicated to DR).
	MultiRegion []Domain
	// DRProvider, when set, receives a replica of each multi-region key.
	DRProvider pulumi.ProviderResource
	// EdgeProvider, when set, targets us-east-1 and receives a replica of the logs key, for
	// the logs CloudFront and its web ACL write there.
	EdgeProvider pulumi.ProviderResource
	// DeletionWindowInDays is the waiting period before a scheduled deletion: 7 to 30; default
	// and production value 30, the longest AWS allows.
	DeletionWindowInDays int
	// Protect keeps the keys through destroys and config changes (production).
	Protect bool
	Tags    map[string]string
}

// Keys is one customer-managed key per data domain, with rotation on and a policy that grants
// nothing outside the account beyond the AWS services that must use it.
type Keys struct {
	pulumi.ResourceState

	keys     map[Domain]*kms.Key
	replicas map[Domain]*kms.ReplicaKey
	edgeLogs *kms.ReplicaKey

	KeyArns        pulumi.StringMapOutput `pulumi:"keyArns"`
	ReplicaKeyArns pulumi.StringMapOutput `pulumi:"replicaKeyArns"`
}

// Arn returns the ARN of a domain's key in the primary region.
func (k *Keys) Arn(d Domain) pulumi.StringOutput { return k.keys[d].Arn }

// ReplicaArn returns the ARN of a domain's replica key in the DR region.
func (k *Keys) ReplicaArn(d Domain) (pulumi.StringOutput, bool) {
	r, ok := k.replicas[d]
	if !ok {
		return pulumi.StringOutput{}, false
	}
	return r.Arn, true
}

// Validate checks the Args before anything is registered.
func (a *KeysArgs) Validate() error {
	const c = "Keys"
	if a.Prefix == "" {
		return kit.ArgError(c, "Prefix", `""`, "required")
	}
	if a.DeletionWindowInDays == 0 {
		a.DeletionWindowInDays = 30
	}
	if a.DeletionWindowInDays < 7 || a.DeletionWindowInDays > 30 {
		return kit.ArgError(c, "DeletionWindowInDays", a.DeletionWindowInDays, "must be 7 to 30")
	}
	if a.Protect && a.DeletionWindowInDays != 30 {
		return kit.ArgError(c, "DeletionWindowInDays", a.DeletionWindowInDays, "must be 30 for protected (production) keys")
	}
	if a.MultiRegion == nil {
		a.MultiRegion = []Domain{DomainDatabase, DomainStorage, DomainLogs, DomainSecrets}
	}
	for _, d := range a.MultiRegion {
		if !slices.Contains(Domains, d) {
			return kit.ArgError(c, "MultiRegion", d, "must be among %v", Domains)
		}
	}
	return kit.RequireTags(c, a.Tags)
}

// NewKeys creates the keys, their aliases and, with a DR provider, the replicas.
func NewKeys(ctx *pulumi.Context, name string, args *KeysArgs, opts ...pulumi.ResourceOption) (*Keys, error) {
	k := &Keys{keys: map[Domain]*kms.Key{}, replicas: map[Domain]*kms.ReplicaKey{}}
	if err := kit.Register(ctx, TypeKeys, name, args, k, opts...); err != nil {
		return nil, err
	}
	acct, err := awskit.LookupAccount(ctx, k)
	if err != nil {
		return nil, err
	}
	drAcct := acct
	if args.DRProvider != nil {
		region, err := awssdk.GetRegion(ctx, nil, pulumi.Provider(args.DRProvider))
		if err != nil {
			return nil, fmt.Errorf("Keys %s: looking up the DR region: %w", name, err)
		}
		drAcct.Region = region.Name
	}

	arns, replicaArns := pulumi.StringMap{}, pulumi.StringMap{}
	for _, d := range Domains {
		keyName := fmt.Sprintf("%s-%s", args.Prefix, d)
		policy, err := keyPolicy(acct, d)
		if err != nil {
			return nil, err
		}
		multi := slices.Contains(args.MultiRegion, d)
		key, err := kms.NewKey(ctx, keyName, &kms.KeyArgs{
			Description:           pulumi.Sprintf("HealthHub %s encryption key (%s)", d, args.Prefix),
			KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
			CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
			EnableKeyRotation:     pulumi.Bool(true),
			RotationPeriodInDays:  pulumi.Int(365),
			DeletionWindowInDays:  pulumi.Int(args.DeletionWindowInDays),
			MultiRegion:           pulumi.Bool(multi),
			Policy:                pulumi.String(policy),
			Tags:                  awskit.Tags(args.Tags, keyName),
		}, kit.Stateful(k, args.Protect)...)
		if err != nil {
			return nil, err
		}
		if _, err := kms.NewAlias(ctx, keyName, &kms.AliasArgs{
			Name:        pulumi.String("alias/" + keyName),
			TargetKeyId: key.KeyId,
		}, pulumi.Parent(k)); err != nil {
			return nil, err
		}
		k.keys[d] = key
		arns[string(d)] = key.Arn

		if !multi || args.DRProvider == nil {
			continue
		}
		// The replica's policy names the DR region's services, which is where it is used.
		drPolicy, err := keyPolicy(drAcct, d)
		if err != nil {
			return nil, err
		}
		replica, err := kms.NewReplicaKey(ctx, keyName+"-dr", &kms.ReplicaKeyArgs{
			Description:          pulumi.Sprintf("HealthHub %s encryption key, DR replica (%s)", d, args.Prefix),
			PrimaryKeyArn:        key.Arn,
			DeletionWindowInDays: pulumi.Int(args.DeletionWindowInDays),
			Policy:               pulumi.String(drPolicy),
			Tags:                 awskit.Tags(args.Tags, keyName+"-dr"),
		}, append(kit.Stateful(k, args.Protect), pulumi.Provider(args.DRProvider))...)
		if err != nil {
			return nil, err
		}
		if _, err := kms.NewAlias(ctx, keyName+"-dr", &kms.AliasArgs{
			Name:        pulumi.String("alias/" + keyName),
			TargetKeyId: replica.KeyId,
		}, pulumi.Parent(k), pulumi.Provider(args.DRProvider)); err != nil {
			return nil, err
		}
		k.replicas[d] = replica
		replicaArns[string(d)] = replica.Arn
	}

	if args.EdgeProvider != nil {
		if err := edgeLogsReplica(ctx, k, args, acct); err != nil {
			return nil, err
		}
	}

	k.KeyArns = arns.ToStringMapOutput()
	k.ReplicaKeyArns = replicaArns.ToStringMapOutput()
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{"keyArns": k.KeyArns, "replicaKeyArns": k.ReplicaKeyArns})
}

// keyPolicy gives the account (through IAM) full control and lets only the AWS services that
// encrypt on the estate's behalf use the key, each scoped to this account by condition.
func keyPolicy(acct awskit.Account, d Domain) (string, error) {
	statements := []map[string]any{{
		"Sid":       "AccountAdministersThroughIAM",
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": acct.Root()},
		"Action":    "kms:*",
		"Resource":  "*",
	}}
	if d == DomainLogs {
		statements = append(statements,
			map[string]any{
				"Sid":       "CloudWatchLogsEncryptsThisAccountsLogGroups",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": acct.Service("logs." + acct.Region)},
				"Action":    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
				"Resource":  "*",
				"Condition": map[string]any{"ArnLike": map[string]any{
					"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:*", acct.Partition, acct.Region, acct.ID),
				}},
			},
			// Alarms publish to the encrypted alert topic as the CloudWatch service.
			map[string]any{
				"Sid":       "CloudWatchAlarmsPublishToEncryptedTopics",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": acct.Service("cloudwatch")},
				"Action":    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
				"Resource":  "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": acct.ID}},
			},
			map[string]any{
				"Sid":       "CloudTrailEncryptsThisAccountsTrails",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": acct.Service("cloudtrail")},
				"Action":    []string{"kms:GenerateDataKey*", "kms:DescribeKey"},
				"Resource":  "*",
				"Condition": map[string]any{
					"StringEquals": map[string]any{"aws:SourceAccount": acct.ID},
					"StringLike": map[string]any{
						"kms:EncryptionContext:aws:cloudtrail:arn": fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", acct.Partition, acct.ID),
					},
				},
			},
		)
	}
	if d == DomainStorage {
		// CloudFront reads the web app's objects through Origin Access Control, for this
		// account's distributions only.
		statements = append(statements, map[string]any{
			"Sid":       "CloudFrontReadsThisAccountsOrigins",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": acct.Service("cloudfront")},
			"Action":    "kms:Decrypt",
			"Resource":  "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": acct.ID}},
		})
	}
	if d == DomainCluster {
		// Managed node groups launch through Auto Scaling, whose service-linked role must use
		// the key to create the nodes' encrypted volumes.
		autoscaling := fmt.Sprintf("arn:%s:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", acct.Partition, acct.ID)
		statements = append(statements,
			map[string]any{
				"Sid":       "AutoScalingEncryptsNodeVolumes",
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": autoscaling},
				"Action":    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
				"Resource":  "*",
			},
			map[string]any{
				"Sid":       "AutoScalingGrantsForAttachedVolumes",
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": autoscaling},
				"Action":    "kms:CreateGrant",
				"Resource":  "*",
				"Condition": map[string]any{"Bool": map[string]any{"kms:GrantIsForAWSResource": true}},
			},
		)
	}
	return awskit.PolicyJSON(statements...)
}

// EdgeLogsArn is the logs key's replica in us-east-1; empty without an EdgeProvider.
func (k *Keys) EdgeLogsArn() pulumi.StringOutput {
	if k.edgeLogs == nil {
		return pulumi.String("").ToStringOutput()
	}
	return k.edgeLogs.Arn
}

func edgeLogsReplica(ctx *pulumi.Context, k *Keys, args *KeysArgs, acct awskit.Account) error {
	region, err := awssdk.GetRegion(ctx, nil, pulumi.Provider(args.EdgeProvider))
	if err != nil {
		return fmt.Errorf("Keys: looking up the edge region: %w", err)
	}
	edgeAcct := acct
	edgeAcct.Region = region.Name
	policy, err := keyPolicy(edgeAcct, DomainLogs)
	if err != nil {
		return err
	}
	keyName := fmt.Sprintf("%s-%s", args.Prefix, DomainLogs)
	k.edgeLogs, err = kms.NewReplicaKey(ctx, keyName+"-edge", &kms.ReplicaKeyArgs{
		Description:          pulumi.Sprintf("HealthHub logs encryption key, edge replica (%s)", args.Prefix),
		PrimaryKeyArn:        k.keys[DomainLogs].Arn,
		DeletionWindowInDays: pulumi.Int(args.DeletionWindowInDays),
		Policy:               pulumi.String(policy),
		Tags:                 awskit.Tags(args.Tags, keyName+"-edge"),
	}, append(kit.Stateful(k, args.Protect), pulumi.Provider(args.EdgeProvider))...)
	if err != nil {
		return err
	}
	_, err = kms.NewAlias(ctx, keyName+"-edge", &kms.AliasArgs{
		Name: pulumi.String("alias/" + keyName), TargetKeyId: k.edgeLogs.KeyId,
	}, pulumi.Parent(k), pulumi.Provider(args.EdgeProvider))
	return err
}
