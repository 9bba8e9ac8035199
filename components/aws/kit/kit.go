// Package kit is what every AWS component package shares: validating Args before anything is
// registered, the error shape that names the argument, the estate's tags, the options that
// keep stateful resources, the account lookup and service roles. It holds no component, so a
// component package links only the SDK packages it uses.
package kit

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"strings"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// MinRetentionDays is the HIPAA six-year floor (45 CFR 164.316(b)(2)(i)).
const MinRetentionDays = 2190

// ArgError names the component, the argument, the value given and what is allowed.
func ArgError(component, arg string, value any, allowed string, args ...any) error {
	return fmt.Errorf("%s: %s = %v: %s", component, arg, value, fmt.Sprintf(allowed, args...))
}

// Register runs validate and only then registers the component, so bad input fails with a
// clear error before anything exists.
func Register(ctx *pulumi.Context, typ, name string, validate func() error, c pulumi.ComponentResource, opts []pulumi.ResourceOption) error {
	if err := validate(); err != nil {
		return err
	}
	return ctx.RegisterComponentResource(typ, name, c, opts...)
}

// Component is the short name of a component type token ("healthhub:aws:Table" → "Table").
func Component(typ string) string { return typ[strings.LastIndex(typ, ":")+1:] }

// Stateful marks a resource that holds PHI or protects it. In production it cannot be deleted
// by a config change or `pulumi destroy` (protect), and if it leaves the program it stays in
// the account (retainOnDelete) rather than taking data with it.
func Stateful(parent pulumi.Resource, protect bool) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Protect(protect), pulumi.RetainOnDelete(protect)}
}

// Tags returns the estate's tags plus a Name tag, which the AWS console shows.
func Tags(base map[string]string, name string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range maps.All(base) {
		out[k] = pulumi.String(v)
	}
	out["Name"] = pulumi.String(name)
	return out
}

// RequireTags fails when a caller forgot the estate's tag set: untagged PHI resources are
// invisible to cost and compliance reports.
func RequireTags(component string, t map[string]string) error {
	for _, k := range []string{"environment", "data-classification", "owner"} {
		if t[k] == "" {
			return ArgError(component, "Tags", t, "must include %q (use config.Config.Tags())", k)
		}
	}
	return nil
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

var privateRanges = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}

// IsPrivateCIDR reports an IPv4 network inside the RFC 1918 ranges.
func IsPrivateCIDR(cidr string) bool {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.IP.To4() == nil {
		return false
	}
	ones, _ := n.Mask.Size()
	for _, r := range privateRanges {
		_, p, _ := net.ParseCIDR(r)
		if pOnes, _ := p.Mask.Size(); p.Contains(n.IP) && ones >= pOnes {
			return true
		}
	}
	return false
}

// ClientCidrs accepts private networks only: data stores are never reachable from outside.
func ClientCidrs(component, arg string, cidrs []string) error {
	if len(cidrs) == 0 {
		return ArgError(component, arg, cidrs, "required: the networks the workloads run in")
	}
	for _, cidr := range cidrs {
		if !IsPrivateCIDR(cidr) {
			return ArgError(component, arg, cidr, "must be private (RFC 1918) networks; the database is never open to the internet")
		}
	}
	return nil
}

// AlertTopic is an alert topic (encrypted: its args must name a KMS key) with an e-mail
// subscription named <name>-email, so a person hears every alarm sent to it.
func AlertTopic(ctx *pulumi.Context, name string, args *sns.TopicArgs, email string, opts ...pulumi.ResourceOption) (*sns.Topic, error) {
	if args.KmsMasterKeyId == nil {
		return nil, ArgError("AlertTopic", "KmsMasterKeyId", nil, "required: alerts can carry resource names and identifiers")
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
