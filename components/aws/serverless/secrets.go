package serverless

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// SecretsArgs configures the third-party credentials the functions use.
type SecretsArgs struct {
	// Prefix names the secrets (<prefix>/<name>).
	Prefix string
	// Values are the credentials by catalog name, Pulumi secrets from the stack config.
	Values map[string]pulumi.StringInput
	// Readers are, by secret name, the roles allowed to read it; every other principal is
	// denied, whatever its IAM policies say.
	Readers map[string][]pulumi.StringInput
	// KmsKeyArn encrypts the secrets (the secrets key); DR holds the replicas.
	KmsKeyArn pulumi.StringInput
	DR        *SecretReplica
	// RotationLambdaArn, when set, rotates every secret every RotationDays (default 90).
	RotationLambdaArn pulumi.StringInput
	RotationDays      int
	// Protect keeps the secrets through destroys (production).
	Protect bool
	Tags    map[string]string
}

// SecretReplica is where each secret is replicated.
type SecretReplica struct {
	Region    string
	KmsKeyArn pulumi.StringInput
}

// Secrets holds each credential in Secrets Manager under a customer-managed key, readable only
// by the functions the catalog grants it to, replicated to the DR region, with a 30-day
// recovery window and, given a rotation function, rotated on schedule.
type Secrets struct {
	pulumi.ResourceState

	// Arns are the secret ARNs by catalog name.
	Arns pulumi.StringMapOutput `pulumi:"arns"`
	arns map[string]pulumi.StringOutput
}

// SecretName is the name Secrets gives the secret n under prefix. Functions are granted their
// secrets by name before the secrets exist (the secrets name the functions' roles as readers),
// so the stack asks the component for the name instead of spelling it.
func SecretName(prefix, n string) string { return prefix + "/" + n }

// Arn returns the ARN of one secret.
func (s *Secrets) Arn(name string) pulumi.StringOutput { return s.arns[name] }

// Validate checks the Args before anything is registered.
func (a *SecretsArgs) Validate() error {
	const c = "Secrets"
	if a.RotationDays == 0 {
		a.RotationDays = 90
	}
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case len(a.Values) == 0:
		return kit.ArgError(c, "Values", nil, "required: the credentials to hold")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: secrets are encrypted with a customer-managed key")
	case a.DR != nil && (a.DR.Region == "" || a.DR.KmsKeyArn == nil):
		return kit.ArgError(c, "DR", nil, "needs a region and the DR replica of the key")
	case a.RotationDays < 1 || a.RotationDays > 90:
		return kit.ArgError(c, "RotationDays", a.RotationDays, "must be 1 to 90")
	}
	for name := range a.Readers {
		if a.Values[name] == nil {
			return kit.ArgError(c, "Readers", name, "names a secret that has no value")
		}
	}
	return kit.RequireTags(c, a.Tags)
}

// NewSecrets creates one secret, version, policy and optional rotation per credential.
func NewSecrets(ctx *pulumi.Context, name string, args *SecretsArgs, opts ...pulumi.ResourceOption) (*Secrets, error) {
	s := &Secrets{arns: map[string]pulumi.StringOutput{}}
	if args == nil {
		return nil, kit.ArgError("Secrets", "args", nil, "required")
	}
	if err := kit.Register(ctx, TypeSecrets, name, args, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	arns := pulumi.StringMap{}
	names := make([]string, 0, len(args.Values))
	for n := range args.Values {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		id := args.Prefix + "-" + n
		secretArgs := &secretsmanager.SecretArgs{
			Name:                 pulumi.String(SecretName(args.Prefix, n)),
			Description:          pulumi.String("API credential for " + n),
			KmsKeyId:             args.KmsKeyArn,
			RecoveryWindowInDays: pulumi.Int(30),
			Policy:               readersOnly(args.Readers[n]),
			Tags:                 awskit.Tags(args.Tags, id),
		}
		if args.DR != nil {
			secretArgs.Replicas = secretsmanager.SecretReplicaArray{secretsmanager.SecretReplicaArgs{
				Region: pulumi.String(args.DR.Region), KmsKeyId: args.DR.KmsKeyArn,
			}}
		}
		secret, err := secretsmanager.NewSecret(ctx, id, secretArgs, kit.Stateful(s, args.Protect)...)
		if err != nil {
			return nil, err
		}
		if _, err := secretsmanager.NewSecretVersion(ctx, id, &secretsmanager.SecretVersionArgs{
			SecretId:     secret.ID(),
			SecretString: pulumi.ToSecret(args.Values[n]).(pulumi.StringOutput),
		}, parent); err != nil {
			return nil, err
		}
		if args.RotationLambdaArn != nil {
			// Secrets Manager may invoke the rotation function for this secret only.
			invoke, err := lambda.NewPermission(ctx, id+"-rotation", &lambda.PermissionArgs{
				Action:    pulumi.String("lambda:InvokeFunction"),
				Function:  args.RotationLambdaArn,
				Principal: pulumi.String("secretsmanager.amazonaws.com"),
				SourceArn: secret.Arn,
			}, parent)
			if err != nil {
				return nil, err
			}
			if _, err := secretsmanager.NewSecretRotation(ctx, id, &secretsmanager.SecretRotationArgs{
				SecretId:          secret.ID(),
				RotationLambdaArn: args.RotationLambdaArn,
				RotationRules:     secretsmanager.SecretRotationRotationRulesArgs{AutomaticallyAfterDays: pulumi.Int(args.RotationDays)},
			}, parent, pulumi.DependsOn([]pulumi.Resource{invoke})); err != nil {
				return nil, err
			}
		}
		s.arns[n] = secret.Arn
		arns[n] = secret.Arn
	}
	s.Arns = arns.ToStringMapOutput()
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"arns": s.Arns})
}

// readersOnly denies reading the secret to every principal but the readers; IAM policies
// elsewhere in the account cannot widen it.
func readersOnly(readers []pulumi.StringInput) pulumi.StringOutput {
	arns := make([]any, len(readers))
	for i, r := range readers {
		arns[i] = r
	}
	return pulumi.All(arns...).ApplyT(func(v []any) (string, error) {
		principals := make([]string, len(v))
		for i, a := range v {
			principals[i] = fmt.Sprint(a)
		}
		statement := map[string]any{
			"Sid":       "OnlyTheFunctionsThatNeedIt",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "secretsmanager:GetSecretValue",
			"Resource":  "*",
		}
		if len(principals) > 0 {
			statement["Condition"] = map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": principals}}
		}
		return awskit.PolicyJSON(statement)
	}).(pulumi.StringOutput)
}
