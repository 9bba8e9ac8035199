package aws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// DisasterRecoveryArgs configures AWS Backup for the estate's data stores: recovery points
// that survive the loss of a region, an account compromise and an operator's mistake.
type DisasterRecoveryArgs struct {
	// Prefix names the vaults, the plan and the role.
	Prefix string
	// KmsKeyArn encrypts the primary vault; DR.KmsKeyArn the copy in the DR region.
	KmsKeyArn pulumi.StringInput
	DR        DisasterRecoveryRegion
	// Resources are the ARNs backed up (the database cluster; later the tables).
	Resources pulumi.StringArrayInput
	// DailyRetentionDays keeps the daily recovery points (7 to 35).
	DailyRetentionDays int
	// RetentionDays keeps the monthly ones: the records-retention period, six years at least.
	RetentionDays int
	// Production locks both vaults in compliance mode once the grace period has passed: then
	// nobody, the root user included, can delete a recovery point before it expires.
	Production bool
	// Protect keeps the vaults through destroys.
	Protect bool
	Tags    map[string]string
}

// DisasterRecoveryRegion is where recovery points are copied.
type DisasterRecoveryRegion struct {
	Provider  pulumi.ProviderResource
	KmsKeyArn pulumi.StringInput
}

// DisasterRecovery is a pair of locked, encrypted backup vaults, one per region, and a plan
// that takes daily and monthly recovery points and copies every one to the DR region.
type DisasterRecovery struct {
	pulumi.ResourceState

	VaultArn   pulumi.StringOutput `pulumi:"vaultArn"`
	DRVaultArn pulumi.StringOutput `pulumi:"drVaultArn"`
	PlanId     pulumi.StringOutput `pulumi:"planId"`
}

// vaultLockGraceDays is how long a compliance-mode lock can still be removed after it is set.
const vaultLockGraceDays = 3

// Validate checks the Args before anything is registered.
func (a *DisasterRecoveryArgs) Validate() error {
	const c = "DisasterRecovery"
	switch {
	case !aclName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold lowercase letters, digits or hyphens")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: recovery points are encrypted with a customer-managed key")
	case a.DR.Provider == nil || a.DR.KmsKeyArn == nil:
		return kit.ArgError(c, "DR", nil, "required: the DR region's provider and key; a backup in one region is no disaster recovery")
	case a.Resources == nil:
		return kit.ArgError(c, "Resources", nil, "required: the ARNs to back up")
	case a.DailyRetentionDays < 7 || a.DailyRetentionDays > 35:
		return kit.ArgError(c, "DailyRetentionDays", a.DailyRetentionDays, "must be 7 to 35")
	case a.RetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "RetentionDays", a.RetentionDays)
	}
	return kit.RequireTags(c, a.Tags)
}

// NewDisasterRecovery creates the vaults, their locks, the plan, its selection and the role
// AWS Backup works with.
func NewDisasterRecovery(ctx *pulumi.Context, name string, args *DisasterRecoveryArgs, opts ...pulumi.ResourceOption) (*DisasterRecovery, error) {
	d := &DisasterRecovery{}
	if err := kit.Register(ctx, TypeDisasterRecovery, name, args, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)

	vault, err := lockedVault(ctx, d, args, args.Prefix, args.KmsKeyArn)
	if err != nil {
		return nil, err
	}
	drVault, err := lockedVault(ctx, d, args, args.Prefix+"-dr", args.DR.KmsKeyArn, pulumi.Provider(args.DR.Provider))
	if err != nil {
		return nil, err
	}

	rule := func(ruleName, schedule string, days int) backup.PlanRuleArgs {
		return backup.PlanRuleArgs{
			RuleName:         pulumi.String(ruleName),
			TargetVaultName:  vault.Name,
			Schedule:         pulumi.String(schedule),
			StartWindow:      pulumi.Int(60),
			CompletionWindow: pulumi.Int(360),
			Lifecycle:        backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(days)},
			CopyActions: backup.PlanRuleCopyActionArray{backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: drVault.Arn,
				Lifecycle:           backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(days)},
			}},
		}
	}
	plan, err := backup.NewPlan(ctx, args.Prefix, &backup.PlanArgs{
		Name: pulumi.String(args.Prefix),
		Rules: backup.PlanRuleArray{
			rule("daily", "cron(0 3 * * ? *)", args.DailyRetentionDays),
			rule("monthly", "cron(0 4 1 * ? *)", args.RetentionDays),
		},
		Tags: awskit.Tags(args.Tags, args.Prefix),
	}, parent)
	if err != nil {
		return nil, err
	}

	acct, err := awskit.LookupAccount(ctx, d)
	if err != nil {
		return nil, err
	}
	keys := pulumi.All(args.KmsKeyArn, args.DR.KmsKeyArn).ApplyT(func(v []any) (string, error) {
		return awskit.PolicyJSON(map[string]any{
			"Sid":      "UseVaultKeys",
			"Effect":   "Allow",
			"Action":   []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"},
			"Resource": []string{v[0].(string), v[1].(string)},
		})
	}).(pulumi.StringOutput)
	role, err := awskit.ServiceRole(ctx, args.Prefix+"-backup", "backup", acct, args.Tags, keys, parent)
	if err != nil {
		return nil, err
	}
	for _, policy := range []string{"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"} {
		if _, err := iam.NewRolePolicyAttachment(ctx, args.Prefix+"-"+policy, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/service-role/%s", acct.Partition, policy),
		}, parent); err != nil {
			return nil, err
		}
	}
	if _, err := backup.NewSelection(ctx, args.Prefix, &backup.SelectionArgs{
		Name:       pulumi.String(args.Prefix),
		PlanId:     plan.ID(),
		IamRoleArn: role.Arn,
		Resources:  args.Resources,
	}, parent); err != nil {
		return nil, err
	}

	d.VaultArn = vault.Arn
	d.DRVaultArn = drVault.Arn
	d.PlanId = plan.ID().ToStringOutput()
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{"vaultArn": d.VaultArn, "drVaultArn": d.DRVaultArn, "planId": d.PlanId})
}

// lockedVault is an encrypted vault with a lock: compliance mode in production (immutable
// after the grace period), governance mode elsewhere (removable with the right permission).
func lockedVault(ctx *pulumi.Context, d *DisasterRecovery, args *DisasterRecoveryArgs, name string, key pulumi.StringInput, extra ...pulumi.ResourceOption) (*backup.Vault, error) {
	vault, err := backup.NewVault(ctx, name, &backup.VaultArgs{
		Name:         pulumi.String(name),
		KmsKeyArn:    key,
		ForceDestroy: pulumi.Bool(false),
		Tags:         awskit.Tags(args.Tags, name),
	}, append(kit.Stateful(d, args.Protect), extra...)...)
	if err != nil {
		return nil, err
	}
	lock := &backup.VaultLockConfigurationArgs{
		BackupVaultName:  vault.Name,
		MinRetentionDays: pulumi.Int(args.DailyRetentionDays),
		MaxRetentionDays: pulumi.Int(args.RetentionDays),
	}
	if args.Production {
		lock.ChangeableForDays = pulumi.Int(vaultLockGraceDays)
	}
	if _, err := backup.NewVaultLockConfiguration(ctx, name, lock, append([]pulumi.ResourceOption{pulumi.Parent(d)}, extra...)...); err != nil {
		return nil, err
	}
	return vault, nil
}
