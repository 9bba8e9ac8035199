package aws

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// FirewallScope is what a web ACL can be attached to.
type FirewallScope string

// WAF scopes: REGIONAL for load balancers and API stages, CLOUDFRONT for distributions (its
// web ACL must be created through a us-east-1 provider).
const (
	ScopeRegional   FirewallScope = "REGIONAL"
	ScopeCloudFront FirewallScope = "CLOUDFRONT"
)

// WebFirewallArgs configures a WAFv2 web ACL for a public entry point.
type WebFirewallArgs struct {
	// Prefix names the web ACL and its log group.
	Prefix string
	// Scope is ScopeRegional or ScopeCloudFront.
	Scope FirewallScope
	// AllowedCountries are ISO 3166 alpha-2 codes; requests from anywhere else are blocked.
	AllowedCountries []string
	// RateLimit is the most requests one IP may send in five minutes before it is blocked.
	RateLimit int
	// LogKmsKeyArn and LogRetentionDays govern the log of every WAF decision.
	LogKmsKeyArn     pulumi.StringInput
	LogRetentionDays int
	// Protect keeps the decision log through destroys (production).
	Protect bool
	Tags    map[string]string
}

// WebFirewall blocks countries outside the allow-list, rate-limits each IP, and runs AWS's
// managed rule groups for reputation, anonymisers, common exploits, known bad inputs, SQL
// injection and Linux attacks. Every decision is logged with credentials redacted.
type WebFirewall struct {
	pulumi.ResourceState

	WebAclArn pulumi.StringOutput `pulumi:"webAclArn"`
	WebAclId  pulumi.StringOutput `pulumi:"webAclId"`
	// WebAclName is the dimension of the ACL's CloudWatch metrics.
	WebAclName pulumi.StringOutput `pulumi:"webAclName"`
}

// managedRuleGroups run after the geo and rate rules, in this order. They count nothing:
// each blocks what it matches.
var managedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesAnonymousIpList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesSQLiRuleSet",
	"AWSManagedRulesLinuxRuleSet",
}

// redactedHeaders carry credentials that must never reach a log.
var redactedHeaders = []string{"authorization", "cookie"}

var (
	aclName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,99}$`)
)

// Validate checks the Args before anything is registered.
func (a *WebFirewallArgs) Validate() error {
	const c = "WebFirewall"
	switch {
	case !aclName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold lowercase letters, digits or hyphens")
	case a.Scope != ScopeRegional && a.Scope != ScopeCloudFront:
		return kit.ArgError(c, "Scope", fmt.Sprintf("%q", a.Scope), "must be %q or %q", ScopeRegional, ScopeCloudFront)
	case len(a.AllowedCountries) == 0:
		return kit.ArgError(c, "AllowedCountries", a.AllowedCountries, "required: the countries the service is offered in, such as GB, IE, US")
	case a.RateLimit < 100 || a.RateLimit > 2_000_000_000:
		return kit.ArgError(c, "RateLimit", a.RateLimit, "must be 100 to 2000000000 requests per IP per five minutes")
	case a.LogKmsKeyArn == nil:
		return kit.ArgError(c, "LogKmsKeyArn", nil, "required: WAF logs hold client addresses and request lines")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	}
	for _, cc := range a.AllowedCountries {
		if !naming.CountryCode.MatchString(cc) {
			return kit.ArgError(c, "AllowedCountries", cc, "must be ISO 3166 alpha-2 codes in upper case, such as GB")
		}
	}
	if dup := duplicate(a.AllowedCountries); dup != "" {
		return kit.ArgError(c, "AllowedCountries", dup, "is listed twice")
	}
	return kit.RequireTags(c, a.Tags)
}

func duplicate(values []string) string {
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}

// NewWebFirewall creates the web ACL, its encrypted log group and the logging configuration.
// Attach it with a wafv2.WebAclAssociation (REGIONAL) or a distribution's webAclId.
func NewWebFirewall(ctx *pulumi.Context, name string, args *WebFirewallArgs, opts ...pulumi.ResourceOption) (*WebFirewall, error) {
	w := &WebFirewall{}
	if err := kit.Register(ctx, TypeWebFirewall, name, args, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)

	visibility := func(metric string) wafv2.WebAclRuleVisibilityConfigArgs {
		return wafv2.WebAclRuleVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(metric), SampledRequestsEnabled: pulumi.Bool(true),
		}
	}
	block := wafv2.WebAclRuleActionArgs{Block: wafv2.WebAclRuleActionBlockArgs{}}
	rules := wafv2.WebAclRuleArray{
		wafv2.WebAclRuleArgs{
			Name: pulumi.String("block-outside-allowed-countries"), Priority: pulumi.Int(0), Action: block,
			Statement: wafv2.WebAclRuleStatementArgs{NotStatement: wafv2.WebAclRuleStatementNotStatementArgs{
				Statements: wafv2.WebAclRuleStatementArray{wafv2.WebAclRuleStatementArgs{
					GeoMatchStatement: wafv2.WebAclRuleStatementGeoMatchStatementArgs{
						CountryCodes: pulumi.ToStringArray(slices.Sorted(slices.Values(args.AllowedCountries))),
					},
				}},
			}},
			VisibilityConfig: visibility("geo"),
		},
		wafv2.WebAclRuleArgs{
			Name: pulumi.String("rate-limit-per-ip"), Priority: pulumi.Int(1), Action: block,
			Statement: wafv2.WebAclRuleStatementArgs{RateBasedStatement: wafv2.WebAclRuleStatementRateBasedStatementArgs{
				Limit: pulumi.Int(args.RateLimit), AggregateKeyType: pulumi.String("IP"),
			}},
			VisibilityConfig: visibility("rate"),
		},
	}
	for i, group := range managedRuleGroups {
		rules = append(rules, wafv2.WebAclRuleArgs{
			Name: pulumi.String(group), Priority: pulumi.Int(10 + i),
			OverrideAction: wafv2.WebAclRuleOverrideActionArgs{None: wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				Name: pulumi.String(group), VendorName: pulumi.String("AWS"),
			}},
			VisibilityConfig: visibility(group),
		})
	}

	acl, err := wafv2.NewWebAcl(ctx, args.Prefix, &wafv2.WebAclArgs{
		Name:          pulumi.String(args.Prefix),
		Description:   pulumi.String("Geo allow-list, rate limit and AWS managed rules for " + args.Prefix),
		Scope:         pulumi.String(string(args.Scope)),
		DefaultAction: wafv2.WebAclDefaultActionArgs{Allow: wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(args.Prefix), SampledRequestsEnabled: pulumi.Bool(true),
		},
		Tags: awskit.Tags(args.Tags, args.Prefix),
	}, parent)
	if err != nil {
		return nil, err
	}

	// WAF only logs to groups whose name starts with aws-waf-logs-.
	logs, err := cloudwatch.NewLogGroup(ctx, args.Prefix+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("aws-waf-logs-" + args.Prefix),
		KmsKeyId:        args.LogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, "aws-waf-logs-"+args.Prefix),
	}, kit.Stateful(w, args.Protect)...)
	if err != nil {
		return nil, err
	}
	var redacted wafv2.WebAclLoggingConfigurationRedactedFieldArray
	for _, h := range redactedHeaders {
		redacted = append(redacted, wafv2.WebAclLoggingConfigurationRedactedFieldArgs{
			SingleHeader: wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String(h)},
		})
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, args.Prefix, &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{logs.Arn},
		RedactedFields:        redacted,
	}, parent); err != nil {
		return nil, err
	}

	w.WebAclArn = acl.Arn
	w.WebAclId = acl.ID().ToStringOutput()
	w.WebAclName = acl.Name
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"webAclArn": w.WebAclArn, "webAclId": w.WebAclId, "webAclName": w.WebAclName})
}
