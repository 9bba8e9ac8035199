// Package awskit is what the AWS component packages share beyond the neutral kit: the
// account a component deploys into, IAM trust and policy documents, service roles, the Name
// tag and the encrypted alert topic. It is the only shared package that links the AWS SDK, so
// a component package of another cloud never does.
//
// It is a package of its own name, not a second "kit": a component file calls kit.ArgError
// and awskit.ServiceRole side by side, with no import renamed, in every AWS package alike.
package awskit

import (
	"encoding/json"
	"fmt"
	"strings"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// Tags returns the estate's tags plus a Name tag, which the AWS console shows.
func Tags(base map[string]string, name string) pulumi.StringMap {
	out := kit.Tags(base)
	out["Name"] = pulumi.String(name)
	return out
}

// Account is where a component is being deployed: resource policies scope every grant to it.
type Account struct {
	ID        string
	Partition string
	Region    string
	DNSSuffix string
}

// LookupAccount asks the component's provider (inherited through parent) who and where we are.
func LookupAccount(ctx *pulumi.Context, parent pulumi.Resource) (Account, error) {
	id, err := awssdk.GetCallerIdentity(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS account: %w", err)
	}
	part, err := awssdk.GetPartition(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS partition: %w", err)
	}
	region, err := awssdk.GetRegion(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS region: %w", err)
	}
	return Account{ID: id.AccountId, Partition: part.Partition, Region: region.Name, DNSSuffix: part.DnsSuffix}, nil
}

// Root is the account's root principal, through which IAM policies are delegated.
func (a Account) Root() string { return fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.ID) }

// Service is a service principal in the account's partition ("logs" → "logs.amazonaws.com").
func (a Account) Service(name string) string { return name + "." + a.DNSSuffix }

// TrustPolicy is the trust document that lets one service principal assume a role. A
// sourceAccount adds the aws:SourceAccount condition against the confused deputy; services
// that assume a role without naming the account (EC2, EKS, Lambda) take "".
func TrustPolicy(principal, sourceAccount string) pulumi.String {
	statement := map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": principal}, "Action": "sts:AssumeRole",
	}
	if sourceAccount != "" {
		statement["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": sourceAccount}}
	}
	doc, _ := PolicyJSON(statement) // a map of strings always marshals
	return pulumi.String(doc)
}

// ServiceRole is a role that one AWS service assumes on behalf of this account only (the
// SourceAccount condition stops the confused-deputy problem), with one inline policy.
func ServiceRole(ctx *pulumi.Context, name, service string, acct Account, baseTags map[string]string,
	policy pulumi.StringInput, opts ...pulumi.ResourceOption,
) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy:   TrustPolicy(acct.Service(service), acct.ID),
		Description:        pulumi.Sprintf("Lets %s write on behalf of %s", service, name),
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               Tags(baseTags, name),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: role.ID(), Policy: policy}, opts...); err != nil {
		return nil, err
	}
	return role, nil
}

// PolicyJSON wraps statements into an IAM policy document.
func PolicyJSON(statements ...map[string]any) (string, error) {
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(doc), err
}

// AlertTopic is an alert topic (encrypted: its args must name a KMS key) with an e-mail
// subscription named <name>-email, so a person hears every alarm sent to it.
func AlertTopic(ctx *pulumi.Context, name string, args *sns.TopicArgs, email string, opts ...pulumi.ResourceOption) (*sns.Topic, error) {
	if args.KmsMasterKeyId == nil {
		return nil, kit.ArgError("AlertTopic", "KmsMasterKeyId", nil, "required: alerts can carry resource names and identifiers")
	}
	topic, err := sns.NewTopic(ctx, name, args, opts...)
	if err != nil {
		return nil, err
	}
	_, err = sns.NewTopicSubscription(ctx, name+"-email", &sns.TopicSubscriptionArgs{
		Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(email),
	}, opts...)
	return topic, err
}

// WebIdentityTrust lets one Kubernetes service account, and no other, assume a role through
// the cluster's OIDC provider (IRSA): the token's subject names the namespace and account, and
// its audience is STS.
func WebIdentityTrust(oidcProviderArn, issuer pulumi.StringInput, namespace, serviceAccount string) pulumi.StringOutput {
	return pulumi.All(oidcProviderArn, issuer).ApplyT(func(v []any) (string, error) {
		host := strings.TrimPrefix(v[1].(string), "https://")
		return PolicyJSON(map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": v[0].(string)},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{
				host + ":sub": fmt.Sprintf("system:serviceaccount:%s:%s", namespace, serviceAccount),
				host + ":aud": "sts.amazonaws.com",
			}},
		})
	}).(pulumi.StringOutput)
}
