package edge

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
	"github.com/healthhub/estate/internal/naming"
)

// Defaults of WebFirewallArgs.
const (
	// DefaultMaxRequestBodyKb is the largest request body the firewall lets through, and the
	// part of it that it inspects: Azure's default, ample for the APIs' JSON, and a body the
	// firewall reads whole cannot hide an attack past the inspected part.
	DefaultMaxRequestBodyKb = 128
	// DefaultMaxFileUploadMb is the largest multipart upload (a scanned letter, a photo of a
	// prescription), as in Microsoft's AKS baseline.
	DefaultMaxFileUploadMb = 10
	// DefaultRateLimitPerMinute is what one client address may send in a minute, as the GCP
	// edge allows.
	DefaultRateLimitPerMinute = 600
)

// The managed rule sets: Microsoft's Default Rule Set 2.1 (the OWASP core rules with Microsoft's
// threat intelligence, the successor of CRS 3.2) and the bot manager, which blocks known bad
// bots and scanners by reputation (Azure Policy ebea0d86).
var managedRuleSets = []struct{ typ, version string }{
	{"Microsoft_DefaultRuleSet", "2.1"},
	{"Microsoft_BotManagerRuleSet", "1.0"},
}

// Custom rule priorities: the country allow-list first, so a request from elsewhere is refused
// before it counts against any rate.
const (
	geoPriority  = 10
	ratePriority = 20
)

// WebFirewallArgs configures the Application Gateway's web application firewall policy.
type WebFirewallArgs struct {
	// Prefix names the policy "<prefix>-waf-<location>".
	Prefix string
	// ResourceGroupName is the group the policy goes in.
	ResourceGroupName pulumi.StringInput
	// Location is the gateway's location: a policy attaches only to a gateway in its own.
	Location string
	// AllowedCountries are ISO 3166 alpha-2 codes in upper case, at least one; requests from
	// anywhere else are blocked.
	AllowedCountries []string
	// MaxRequestBodyKb is the largest request body, 8 to 2000 KB (default
	// DefaultMaxRequestBodyKb); the firewall inspects all of it and blocks a larger one.
	MaxRequestBodyKb int
	// MaxFileUploadMb is the largest file upload, 1 to 4000 MB (default DefaultMaxFileUploadMb).
	MaxFileUploadMb int
	// RateLimitPerMinute is what one client address may send in a minute, 100 to 1000000
	// (default DefaultRateLimitPerMinute); more is blocked until the minute is over.
	RateLimitPerMinute int
	// Tags are the estate's tags.
	Tags map[string]string
}

// WebFirewall is a web application firewall policy in prevention mode on the allow-list model:
// requests from outside the allowed countries are blocked, each client address is
// rate-limited, the OWASP-based managed rules and the bot manager block attacks, and every
// request body is inspected whole. The firewall's logs have request names and values
// scrubbed, since a matched value can be PHI.
type WebFirewall struct {
	pulumi.ResourceState

	PolicyId   pulumi.StringOutput `pulumi:"policyId"`
	PolicyName pulumi.StringOutput `pulumi:"policyName"`
}

// Validate checks the Args before anything is registered.
func (a *WebFirewallArgs) Validate() error {
	const c = "WebFirewall"
	if a.MaxRequestBodyKb == 0 {
		a.MaxRequestBodyKb = DefaultMaxRequestBodyKb
	}
	if a.MaxFileUploadMb == 0 {
		a.MaxFileUploadMb = DefaultMaxFileUploadMb
	}
	if a.RateLimitPerMinute == 0 {
		a.RateLimitPerMinute = DefaultRateLimitPerMinute
	}
	switch {
	case !azureformat.SuffixedPrefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a lowercase letter and hold 2 to 12 lowercase letters or digits")
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case len(a.AllowedCountries) == 0:
		return kit.ArgError(c, "AllowedCountries", "[]", "required: the ISO 3166 alpha-2 codes the service is offered in, such as GB")
	case a.MaxRequestBodyKb < 8 || a.MaxRequestBodyKb > 2000:
		return kit.ArgError(c, "MaxRequestBodyKb", a.MaxRequestBodyKb, "must be 8 to 2000 KB")
	case a.MaxFileUploadMb < 1 || a.MaxFileUploadMb > 4000:
		return kit.ArgError(c, "MaxFileUploadMb", a.MaxFileUploadMb, "must be 1 to 4000 MB")
	case a.RateLimitPerMinute < 100 || a.RateLimitPerMinute > 1_000_000:
		return kit.ArgError(c, "RateLimitPerMinute", a.RateLimitPerMinute, "must be 100 to 1000000 requests per client address per minute")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, cc := range a.AllowedCountries {
		switch {
		case !naming.CountryCode.MatchString(cc):
			return kit.ArgError(c, "AllowedCountries", fmt.Sprintf("%q", cc), "must be ISO 3166 alpha-2 codes in upper case, such as GB")
		case seen[cc]:
			return kit.ArgError(c, "AllowedCountries", cc, "is listed twice")
		}
		seen[cc] = true
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewWebFirewall creates the policy with its rules inline, so the policy is one resource the
// policy pack reads whole. The LoadBalancer attaches it to the gateway.
func NewWebFirewall(ctx *pulumi.Context, name string, args *WebFirewallArgs, opts ...pulumi.ResourceOption) (*WebFirewall, error) {
	w := &WebFirewall{}
	if err := kit.Register(ctx, TypeWebFirewall, name, args, w, opts...); err != nil {
		return nil, err
	}
	countries := pulumi.ToStringArray(slices.Sorted(slices.Values(args.AllowedCountries)))
	// RemoteAddr is the address of the connection the gateway accepted, which a client cannot
	// forge the way it can an X-Forwarded-For header.
	remoteAddr := network.MatchVariableArray{network.MatchVariableArgs{VariableName: pulumi.String("RemoteAddr")}}
	fromAllowedCountries := network.MatchConditionArgs{
		MatchVariables: remoteAddr, Operator: pulumi.String("GeoMatch"), MatchValues: countries,
	}

	var rulesets network.ManagedRuleSetArray
	for _, s := range managedRuleSets {
		rulesets = append(rulesets, network.ManagedRuleSetArgs{RuleSetType: pulumi.String(s.typ), RuleSetVersion: pulumi.String(s.version)})
	}
	// The firewall log records the part of a request a rule matched, which in a form field, a
	// JSON value, a cookie or a header can be PHI or a credential. Scrubbing replaces every
	// such value in the log; the rule and the client address, which are what an investigation
	// and tuning need, stay.
	var scrubbing network.WebApplicationFirewallScrubbingRulesArray
	for _, v := range []string{"RequestHeaderNames", "RequestCookieNames", "RequestArgNames", "RequestPostArgNames", "RequestJSONArgNames"} {
		scrubbing = append(scrubbing, network.WebApplicationFirewallScrubbingRulesArgs{
			MatchVariable: pulumi.String(v), SelectorMatchOperator: pulumi.String("EqualsAny"), State: pulumi.String("Enabled"),
		})
	}

	policyName := args.Prefix + "-waf-" + args.Location
	policy, err := network.NewWebApplicationFirewallPolicy(ctx, policyName, &network.WebApplicationFirewallPolicyArgs{
		PolicyName:        pulumi.String(policyName),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(args.Location),
		PolicySettings: network.PolicySettingsArgs{
			State: pulumi.String("Enabled"),
			// Prevention blocks what the rules match (Azure Policy 12430be1); detection only logs.
			Mode: pulumi.String("Prevention"),
			// Bodies are inspected (Azure Policy ca85ef9a), in full, and a body over the limit is
			// blocked rather than passed on uninspected.
			RequestBodyCheck:            pulumi.Bool(true),
			RequestBodyEnforcement:      pulumi.Bool(true),
			RequestBodyInspectLimitInKB: pulumi.Int(args.MaxRequestBodyKb),
			MaxRequestBodySizeInKb:      pulumi.Int(args.MaxRequestBodyKb),
			FileUploadEnforcement:       pulumi.Bool(true),
			FileUploadLimitInMb:         pulumi.Int(args.MaxFileUploadMb),
			LogScrubbing: network.PolicySettingsLogScrubbingArgs{
				State: pulumi.String("Enabled"), ScrubbingRules: scrubbing,
			},
		},
		ManagedRules: network.ManagedRulesDefinitionArgs{ManagedRuleSets: rulesets},
		CustomRules: network.WebApplicationFirewallCustomRuleArray{
			// The allow-list: a request from outside the allowed countries is blocked whatever
			// else it is.
			network.WebApplicationFirewallCustomRuleArgs{
				Name:     pulumi.String("BlockOutsideAllowedCountries"),
				Priority: pulumi.Int(geoPriority),
				RuleType: pulumi.String("MatchRule"),
				Action:   pulumi.String("Block"),
				State:    pulumi.String("Enabled"),
				MatchConditions: network.MatchConditionArray{network.MatchConditionArgs{
					MatchVariables: remoteAddr, Operator: pulumi.String("GeoMatch"), MatchValues: countries,
					NegationConditon: pulumi.Bool(true),
				}},
			},
			// Per client address, over the requests the allow-list let through: floods and
			// credential stuffing from one address are blocked for the rest of the minute.
			network.WebApplicationFirewallCustomRuleArgs{
				Name:               pulumi.String("RateLimitPerClientAddress"),
				Priority:           pulumi.Int(ratePriority),
				RuleType:           pulumi.String("RateLimitRule"),
				Action:             pulumi.String("Block"),
				State:              pulumi.String("Enabled"),
				RateLimitDuration:  pulumi.String("OneMin"),
				RateLimitThreshold: pulumi.Int(args.RateLimitPerMinute),
				GroupByUserSession: network.GroupByUserSessionArray{network.GroupByUserSessionArgs{
					GroupByVariables: network.GroupByVariableArray{network.GroupByVariableArgs{VariableName: pulumi.String("ClientAddr")}},
				}},
				MatchConditions: network.MatchConditionArray{fromAllowedCountries},
			},
		},
		Tags: azurekit.Tags(args.Tags),
	}, pulumi.Parent(w))
	if err != nil {
		return nil, err
	}

	w.PolicyId = policy.ID().ToStringOutput()
	w.PolicyName = policy.Name
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"policyId": w.PolicyId, "policyName": w.PolicyName})
}
