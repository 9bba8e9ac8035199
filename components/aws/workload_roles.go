package aws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// WorkloadRolesArgs are the IAM roles of the cluster's workloads, one per service account.
type WorkloadRolesArgs struct {
	Prefix string
	// OidcProviderArn and OidcIssuer are the cluster's (EksCluster's outputs).
	OidcProviderArn pulumi.StringInput
	OidcIssuer      pulumi.StringInput
	Workloads       []WorkloadRole
	Tags            map[string]string
}

// WorkloadRole is what one workload may do in AWS. A role with no grants is an identity only:
// the workload's calls are then signed as itself, never as the node.
type WorkloadRole struct {
	Name, Namespace, ServiceAccount string
	// SecretArns it reads (GetSecretValue), decrypted with SecretsKmsKeyArn through Secrets
	// Manager only.
	SecretArns       []pulumi.StringInput
	SecretsKmsKeyArn pulumi.StringInput
	// TopicArns it publishes to, encrypted with TopicKmsKeyArn through SNS only.
	TopicArns      []pulumi.StringInput
	TopicKmsKeyArn pulumi.StringInput
}

// WorkloadRoles are IRSA roles: each trusts one service account of one namespace through the
// cluster's OIDC provider, and grants only the named secrets and topics.
type WorkloadRoles struct {
	pulumi.ResourceState

	// RoleArns by workload name.
	RoleArns pulumi.StringMapOutput `pulumi:"roleArns"`
	arns     map[string]pulumi.StringOutput
}

// RoleArn is one workload's role.
func (w *WorkloadRoles) RoleArn(name string) pulumi.StringOutput { return w.arns[name] }

// Validate checks the Args before anything is registered.
func (a *WorkloadRolesArgs) Validate() error {
	const c = "WorkloadRoles"
	switch {
	case !eksName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 40 lowercase letters, digits or hyphens")
	case a.OidcProviderArn == nil || a.OidcIssuer == nil:
		return kit.ArgError(c, "OidcProviderArn", nil, "required with OidcIssuer: the cluster's OIDC provider is what the roles trust")
	case len(a.Workloads) == 0:
		return kit.ArgError(c, "Workloads", "[]", "required: at least one workload")
	}
	seen := map[string]bool{}
	for i, w := range a.Workloads {
		arg := fmt.Sprintf("Workloads[%d]", i)
		switch {
		case !naming.DNSLabel.MatchString(w.Name) || seen[w.Name]:
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", w.Name), "must be a DNS label, once")
		case !naming.DNSLabel.MatchString(w.Namespace) || w.Namespace == "kube-system":
			return kit.ArgError(c, arg+".Namespace", fmt.Sprintf("%q", w.Namespace), "must be a workload namespace (a DNS label, not kube-system)")
		case !naming.DNSLabel.MatchString(w.ServiceAccount):
			return kit.ArgError(c, arg+".ServiceAccount", fmt.Sprintf("%q", w.ServiceAccount), "must be a DNS label: the trust names exactly one service account")
		case len(w.SecretArns) > 0 && w.SecretsKmsKeyArn == nil:
			return kit.ArgError(c, arg+".SecretsKmsKeyArn", nil, "required with SecretArns: the secrets are encrypted with the secrets key")
		case len(w.TopicArns) > 0 && w.TopicKmsKeyArn == nil:
			return kit.ArgError(c, arg+".TopicKmsKeyArn", nil, "required with TopicArns: the topics are encrypted")
		}
		seen[w.Name] = true
	}
	return kit.RequireTags(c, a.Tags)
}

// NewWorkloadRoles creates the roles and their grants.
func NewWorkloadRoles(ctx *pulumi.Context, name string, args *WorkloadRolesArgs, opts ...pulumi.ResourceOption) (*WorkloadRoles, error) {
	w := &WorkloadRoles{arns: map[string]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeWorkloadRoles, name, args, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)
	acct, err := awskit.LookupAccount(ctx, w)
	if err != nil {
		return nil, err
	}
	out := pulumi.StringMap{}
	for _, wl := range args.Workloads {
		id := args.Prefix + "-" + wl.Name
		role, err := iam.NewRole(ctx, id, &iam.RoleArgs{
			AssumeRolePolicy:   awskit.WebIdentityTrust(args.OidcProviderArn, args.OidcIssuer, wl.Namespace, wl.ServiceAccount),
			Description:        pulumi.Sprintf("The %s workload's service account %s/%s", wl.Name, wl.Namespace, wl.ServiceAccount),
			MaxSessionDuration: pulumi.Int(3600),
			Tags:               awskit.Tags(args.Tags, id),
		}, parent)
		if err != nil {
			return nil, err
		}
		if len(wl.SecretArns) > 0 || len(wl.TopicArns) > 0 {
			if _, err := iam.NewRolePolicy(ctx, id, &iam.RolePolicyArgs{Role: role.ID(), Policy: grants(wl, acct)}, parent); err != nil {
				return nil, err
			}
		}
		w.arns[wl.Name] = role.Arn
		out[wl.Name] = role.Arn
	}
	w.RoleArns = out.ToStringMapOutput()
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"roleArns": w.RoleArns})
}

// grants is the role's policy: read of its secrets and publish to its topics, each key usable
// only through the service that holds the data (kms:ViaService).
func grants(wl WorkloadRole, acct awskit.Account) pulumi.StringOutput {
	inputs := []any{pulumi.ToStringArrayOutput(outputs(wl.SecretArns)), pulumi.ToStringArrayOutput(outputs(wl.TopicArns)), optional(wl.SecretsKmsKeyArn), optional(wl.TopicKmsKeyArn)}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		secrets, topics := v[0].([]string), v[1].([]string)
		var statements []map[string]any
		via := func(sid, service string, key string, actions ...string) map[string]any {
			return map[string]any{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": key,
				"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("%s.%s.%s", service, acct.Region, acct.DNSSuffix)}}}
		}
		if len(secrets) > 0 {
			statements = append(statements,
				map[string]any{"Sid": "ReadItsSecrets", "Effect": "Allow", "Action": []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, "Resource": secrets},
				via("DecryptThemThroughSecretsManager", "secretsmanager", v[2].(string), "kms:Decrypt"))
		}
		if len(topics) > 0 {
			statements = append(statements,
				map[string]any{"Sid": "PublishAlerts", "Effect": "Allow", "Action": []string{"sns:Publish"}, "Resource": topics},
				via("EncryptThemThroughSns", "sns", v[3].(string), "kms:GenerateDataKey*", "kms:Decrypt"))
		}
		return awskit.PolicyJSON(statements...)
	}).(pulumi.StringOutput)
}

func outputs(in []pulumi.StringInput) []pulumi.StringOutput {
	out := make([]pulumi.StringOutput, len(in))
	for i, v := range in {
		out[i] = v.ToStringOutput()
	}
	return out
}

func optional(v pulumi.StringInput) pulumi.StringOutput {
	if v == nil {
		return pulumi.String("").ToStringOutput()
	}
	return v.ToStringOutput()
}
