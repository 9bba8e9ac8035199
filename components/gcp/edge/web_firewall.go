package edge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// DefaultAllowedCountries are where the service is offered when a caller names none.
var DefaultAllowedCountries = []string{"GB", "IE", "US"}

const (
	// DefaultRateLimitPerMinute is what one client IP may send in a minute: well above an
	// interactive user or a clinic behind one NAT address, well below a scraper or a
	// credential-stuffing run.
	DefaultRateLimitPerMinute = 600
	// DefaultSensitivity enables only the WAF signatures of OWASP paranoia level 1, the ones
	// with the fewest false positives: a blocked clinician is an outage, and level 1 already
	// covers the attacks each rule set is named for. Raise it after tuning with preview rules.
	DefaultSensitivity = 1
	// banSeconds is how long an IP that exceeded the rate stays refused.
	banSeconds = 300
)

// WAF rule sets: Google's preconfigured rules from OWASP CRS 3.3, each a deny from wafPriority
// on. php, java and nodejs sets exist too; they guard one runtime and belong with a workload
// that runs it.
var wafRuleSets = []string{
	"sqli", "xss", "lfi", "rfi", "rce", "scannerdetection", "protocolattack", "sessionfixation", "methodenforcement",
}

// Rule priorities: lower is evaluated first, and the first match decides.
const (
	wafPriority     = 1000
	ratePriority    = 2000
	geoPriority     = 3000
	defaultPriority = 2147483647 // the default rule's fixed priority
)

// WebFirewallArgs configures the Cloud Armor policy in front of the Ingress's backends.
type WebFirewallArgs struct {
	// Prefix names the policy.
	Prefix string
	// AllowedCountries are ISO 3166 alpha-2 codes in upper case (default
	// DefaultAllowedCountries); requests from anywhere else are refused.
	AllowedCountries []string
	// RateLimitPerMinute is what one client IP may send in a minute (default
	// DefaultRateLimitPerMinute); an IP over it is refused for five minutes.
	RateLimitPerMinute int
	// Sensitivity is the preconfigured WAF rules' sensitivity, 1 to 4 (default
	// DefaultSensitivity).
	Sensitivity int
	// Labels are the estate's labels, checked like every component's. The SDK's
	// SecurityPolicy takes none (Cloud Armor labels are beta-only), so nothing carries them.
	Labels map[string]string
}

// WebFirewall is a Cloud Armor policy on the allow-list model: OWASP rules refuse attacks,
// each client IP is rate-limited, requests from the allowed countries are let through and
// everything else is refused. Adaptive Protection watches for layer-7 DDoS.
type WebFirewall struct {
	pulumi.ResourceState

	// PolicyName is what a BackendConfig names in securityPolicy.name.
	PolicyName pulumi.StringOutput `pulumi:"policyName"`
	// PolicyId is the policy's self link.
	PolicyId pulumi.StringOutput `pulumi:"policyId"`
}

// Validate checks the Args before anything is registered.
func (a *WebFirewallArgs) Validate() error {
	const c = "WebFirewall"
	if len(a.AllowedCountries) == 0 {
		a.AllowedCountries = DefaultAllowedCountries
	}
	if a.RateLimitPerMinute == 0 {
		a.RateLimitPerMinute = DefaultRateLimitPerMinute
	}
	if a.Sensitivity == 0 {
		a.Sensitivity = DefaultSensitivity
	}
	switch {
	case !prefixName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter, end with a letter or digit and hold at most 28 lowercase letters, digits or hyphens")
	case a.RateLimitPerMinute < 100 || a.RateLimitPerMinute > 1_000_000:
		return kit.ArgError(c, "RateLimitPerMinute", a.RateLimitPerMinute, "must be 100 to 1000000 requests per client IP per minute")
	case a.Sensitivity < 1 || a.Sensitivity > 4:
		return kit.ArgError(c, "Sensitivity", a.Sensitivity, "must be 1 to 4 (OWASP paranoia levels); 1 has the fewest false positives")
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
	return gcpkit.RequireLabels(c, a.Labels)
}

// fromAllowedCountries matches requests from the allowed countries, as Google geolocates the
// client address.
func fromAllowedCountries(countries []string) string {
	quoted := make([]string, 0, len(countries))
	for _, cc := range slices.Sorted(slices.Values(countries)) {
		quoted = append(quoted, "'"+cc+"'")
	}
	return "origin.region_code in [" + strings.Join(quoted, ",") + "]"
}

// NewWebFirewall creates the security policy with its rules inline, so the policy is one
// resource the policy pack reads whole. The Ingress attaches it through a BackendConfig.
func NewWebFirewall(ctx *pulumi.Context, name string, args *WebFirewallArgs, opts ...pulumi.ResourceOption) (*WebFirewall, error) {
	w := &WebFirewall{}
	if err := kit.Register(ctx, TypeWebFirewall, name, args, w, opts...); err != nil {
		return nil, err
	}
	expr := func(e string) compute.SecurityPolicyRuleMatchArgs {
		return compute.SecurityPolicyRuleMatchArgs{Expr: compute.SecurityPolicyRuleMatchExprArgs{Expression: pulumi.String(e)}}
	}
	allowed := fromAllowedCountries(args.AllowedCountries)

	var rules compute.SecurityPolicyRuleTypeArray
	for i, set := range wafRuleSets {
		rules = append(rules, compute.SecurityPolicyRuleTypeArgs{
			Priority:    pulumi.Int(wafPriority + i),
			Action:      pulumi.String("deny(403)"),
			Description: pulumi.String("OWASP CRS 3.3 " + set),
			Match:       expr(fmt.Sprintf("evaluatePreconfiguredWaf('%s-v33-stable', {'sensitivity': %d})", set, args.Sensitivity)),
		})
	}
	rules = append(rules,
		// A request under the rate is allowed by this rule and goes no further, so it matches
		// the allowed countries only: matching every IP would let the rest of the world in
		// below the rate.
		compute.SecurityPolicyRuleTypeArgs{
			Priority:    pulumi.Int(ratePriority),
			Action:      pulumi.String("rate_based_ban"),
			Description: pulumi.String("Per-IP rate limit, then a five-minute ban"),
			Match:       expr(allowed),
			RateLimitOptions: compute.SecurityPolicyRuleRateLimitOptionsArgs{
				ConformAction: pulumi.String("allow"),
				ExceedAction:  pulumi.String("deny(429)"),
				EnforceOnKey:  pulumi.String("IP"),
				RateLimitThreshold: compute.SecurityPolicyRuleRateLimitOptionsRateLimitThresholdArgs{
					Count: pulumi.Int(args.RateLimitPerMinute), IntervalSec: pulumi.Int(60),
				},
				BanDurationSec: pulumi.Int(banSeconds),
			},
		},
		// The allow-list itself. The rate rule above already lets these requests through; this
		// one states the model and keeps it if the rate rule is previewed or removed.
		compute.SecurityPolicyRuleTypeArgs{
			Priority:    pulumi.Int(geoPriority),
			Action:      pulumi.String("allow"),
			Description: pulumi.String("Requests from the allowed countries"),
			Match:       expr(allowed),
		},
		compute.SecurityPolicyRuleTypeArgs{
			Priority:    pulumi.Int(defaultPriority),
			Action:      pulumi.String("deny(403)"),
			Description: pulumi.String("Default: refuse what no rule allowed"),
			Match: compute.SecurityPolicyRuleMatchArgs{
				VersionedExpr: pulumi.String("SRC_IPS_V1"),
				Config:        compute.SecurityPolicyRuleMatchConfigArgs{SrcIpRanges: pulumi.StringArray{pulumi.String("*")}},
			},
		},
	)

	policy, err := compute.NewSecurityPolicy(ctx, args.Prefix, &compute.SecurityPolicyArgs{
		Description: pulumi.String("OWASP rules, per-IP rate limit and country allow-list for " + args.Prefix),
		// A backend security policy: it filters requests before they reach the Ingress's
		// backend services.
		Type: pulumi.String("CLOUD_ARMOR"),
		AdaptiveProtectionConfig: compute.SecurityPolicyAdaptiveProtectionConfigArgs{
			// Adaptive Protection models the normal traffic and alerts on layer-7 floods with a
			// suggested rule. STANDARD visibility is what the policy gets without a Cloud Armor
			// Enterprise subscription.
			Layer7DdosDefenseConfig: compute.SecurityPolicyAdaptiveProtectionConfigLayer7DdosDefenseConfigArgs{
				Enable: pulumi.Bool(true), RuleVisibility: pulumi.String("STANDARD"),
			},
		},
		AdvancedOptionsConfig: compute.SecurityPolicyAdvancedOptionsConfigArgs{
			// The APIs take JSON: parsed, the WAF inspects each value rather than the raw body,
			// which finds attacks inside values and stops JSON syntax tripping signatures.
			JsonParsing: pulumi.String("STANDARD"),
			// VERBOSE would log the part of the request that matched a signature, which in a
			// request body can be PHI; the rule and signature IDs that NORMAL logs are enough to
			// tune from.
			LogLevel: pulumi.String("NORMAL"),
		},
		Rules: rules,
	}, pulumi.Parent(w))
	if err != nil {
		return nil, err
	}

	w.PolicyName = policy.Name
	w.PolicyId = policy.SelfLink
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"policyName": w.PolicyName, "policyId": w.PolicyId})
}
