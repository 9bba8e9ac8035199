package azure

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// appGatewayWAF: the gateway is the estate's one entry from the internet, and a WAF policy in
// front of every request is what inspects it (Azure Policy 564feb30). The WAF_v2 tier is the
// one that takes a policy; the older inline WAF configuration is retired.
var appGatewayWAF = rules.Rule{
	Name:        "azure-appgw-waf",
	Cloud:       rules.CloudAzure,
	Description: "Application Gateways run the WAF_v2 tier (sku.tier) with a web application firewall policy (firewallPolicy.id).",
	Sections:    []rules.Section{rules.RiskManagement, rules.AccessControl},
	Unknown:     "the tier fails; the policy passes",
	Level:       rules.Mandatory,
	Types:       versions(TypeApplicationGateway),
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if t := rules.Str(r.Inputs, "sku.tier"); !oneOf(t, "WAF_v2") {
			out = append(out, fmt.Sprintf("sku.tier is %q; must be WAF_v2", t))
		}
		if !rules.Present(r.Inputs, "firewallPolicy.id") {
			out = append(out, "firewallPolicy.id is not set: requests from the internet reach the backends uninspected")
		}
		return out
	},
}

// managedRuleSets are the rule sets a WAF policy lists, by type, with their versions.
func managedRuleSets(r rules.Resource) map[string]string {
	out := map[string]string{}
	for i := range rules.List(r.Inputs, "managedRules.managedRuleSets") {
		at := fmt.Sprintf("managedRules.managedRuleSets[%d].", i)
		out[strings.ToLower(rules.Str(r.Inputs, at+"ruleSetType"))] = rules.Str(r.Inputs, at+"ruleSetVersion")
	}
	return out
}

// atLeast compares dotted versions ("3.2" against 3, 2); false when the version is not one.
func atLeast(version string, want ...int) bool {
	parts := strings.Split(version, ".")
	for i, w := range want {
		n := 0
		if i < len(parts) {
			var err error
			if n, err = strconv.Atoi(parts[i]); err != nil {
				return false
			}
		}
		if n != w {
			return n > w
		}
	}
	return true
}

// wafOverrideFindings are the managed rules a policy turns off in the rule sets that stop
// attacks (the bot manager's are azure-waf-bot-protection's, advisory): a group override with
// no rules turns the whole group off, and a rule in one is off unless its state says Enabled
// (ARM's default for an override is Disabled). A false positive is tuned with a narrow
// exclusion, never by switching rules off.
func wafOverrideFindings(r rules.Resource) []string {
	var out []string
	for i := range rules.List(r.Inputs, "managedRules.managedRuleSets") {
		set := fmt.Sprintf("managedRules.managedRuleSets[%d].", i)
		if oneOf(rules.Str(r.Inputs, set+"ruleSetType"), "Microsoft_BotManagerRuleSet") {
			continue
		}
		for j := range rules.List(r.Inputs, set+"ruleGroupOverrides") {
			at := fmt.Sprintf("%sruleGroupOverrides[%d].", set, j)
			group := rules.Str(r.Inputs, at+"ruleGroupName")
			overridden := rules.List(r.Inputs, at+"rules")
			if len(overridden) == 0 {
				out = append(out, fmt.Sprintf("%s overrides group %s with no rules, which turns the whole group off", strings.TrimSuffix(at, "."), group))
				continue
			}
			for k := range overridden {
				rule := fmt.Sprintf("%srules[%d].", at, k)
				if state := rules.Str(r.Inputs, rule+"state"); !oneOf(state, "Enabled") {
					out = append(out, fmt.Sprintf("%sstate is %q: rule %s of group %s is off; must be Enabled", rule, state, rules.Str(r.Inputs, rule+"ruleId"), group))
				}
			}
		}
	}
	return out
}

// wafExclusionFindings are exclusions that match every name of their variable (EqualsAny):
// every header, cookie or argument of every request escapes inspection.
func wafExclusionFindings(r rules.Resource) []string {
	var out []string
	for i := range rules.List(r.Inputs, "managedRules.exclusions") {
		at := fmt.Sprintf("managedRules.exclusions[%d].", i)
		if op := rules.Str(r.Inputs, at+"selectorMatchOperator"); oneOf(op, "EqualsAny") || rules.IsUnknown(op) {
			out = append(out, fmt.Sprintf("%sselectorMatchOperator is %q: every %s of every request escapes the rules; name the one selector that needs it",
				at, op, rules.Str(r.Inputs, at+"matchVariable")))
		}
	}
	return out
}

// wafPolicyPrevention: a policy in Detection only logs attacks; without the body inspected,
// an injection in a POST passes (Azure Policy 12430be1, ca85ef9a). The Microsoft default rule
// set 2.1, or the OWASP core rule set from 3.2, covers the OWASP top ten, as long as no
// override turns its rules off and no exclusion lifts them from a whole request variable.
var wafPolicyPrevention = rules.Rule{
	Name:        "azure-waf-policy-prevention",
	Cloud:       rules.CloudAzure,
	Description: "Web application firewall policies are enabled in Prevention mode (policySettings.state Enabled, mode Prevention), inspect request bodies (requestBodyCheck) and run the Microsoft_DefaultRuleSet 2.1 or later, or OWASP 3.2 or later, with none of their rules turned off (a ruleGroupOverrides entry with no rules, or a rule in one whose state is not Enabled) and no exclusion that matches every selector (managedRules.exclusions selectorMatchOperator EqualsAny).",
	Sections:    []rules.Section{rules.RiskManagement, rules.Integrity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeWAFPolicy),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const p = "policySettings."
		var out []string
		if s := rules.Str(r.Inputs, p+"state"); !oneOf(s, "Enabled") {
			out = append(out, fmt.Sprintf(p+"state is %q; must be Enabled", s))
		}
		if m := rules.Str(r.Inputs, p+"mode"); !oneOf(m, "Prevention") {
			out = append(out, fmt.Sprintf(p+"mode is %q; must be Prevention: Detection only logs attacks", m))
		}
		if !rules.BoolTrue(r.Inputs, p+"requestBodyCheck") {
			out = append(out, p+"requestBodyCheck must be true")
		}
		sets := managedRuleSets(r)
		if v, ok := sets["microsoft_defaultruleset"]; !(ok && atLeast(v, 2, 1)) && !atLeast(sets["owasp"], 3, 2) {
			out = append(out, "managedRules.managedRuleSets has neither Microsoft_DefaultRuleSet 2.1 or later nor OWASP 3.2 or later")
		}
		out = append(out, wafOverrideFindings(r)...)
		return append(out, wafExclusionFindings(r)...)
	},
}

// wafBotProtection is advisory: the bot manager rule set blocks known bad bots and scanners
// (Azure Policy ebea0d86), at the cost of tuning when a partner's client looks like one.
var wafBotProtection = rules.Rule{
	Name:        "azure-waf-bot-protection",
	Cloud:       rules.CloudAzure,
	Description: "Web application firewall policies run the Microsoft_BotManagerRuleSet. Advisory: it may need tuning for a partner's clients.",
	Sections:    []rules.Section{rules.RiskManagement},
	Unknown:     "fails",
	Level:       rules.Advisory,
	Types:       versions(TypeWAFPolicy),
	Check: func(r rules.Resource, _ rules.Config) []string {
		if _, ok := managedRuleSets(r)["microsoft_botmanagerruleset"]; !ok {
			return []string{"managedRules.managedRuleSets has no Microsoft_BotManagerRuleSet"}
		}
		return nil
	},
}

// tls12Policies are the predefined Application Gateway SSL policies that refuse anything under
// TLS 1.2; 20220101S offers only forward-secret AEAD suites.
var tls12Policies = []string{"AppGwSslPolicy20220101S", "AppGwSslPolicy20220101", "AppGwSslPolicy20170401S"}

// appGatewayTLS: a gateway without an SSL policy takes the platform default, which older API
// versions set to TLS 1.0.
var appGatewayTLS = rules.Rule{
	Name:        "azure-appgw-tls",
	Cloud:       rules.CloudAzure,
	Description: "Application Gateways name an SSL policy that refuses anything under TLS 1.2: a predefined AppGwSslPolicy20220101S, AppGwSslPolicy20220101 or AppGwSslPolicy20170401S, or a Custom or CustomV2 policy with minProtocolVersion TLSv1_2 or TLSv1_3.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeApplicationGateway),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const s = "sslPolicy."
		switch t := rules.Str(r.Inputs, s+"policyType"); {
		case oneOf(t, "Predefined"):
			if n := rules.Str(r.Inputs, s+"policyName"); !oneOf(n, tls12Policies...) {
				return []string{fmt.Sprintf(s+"policyName is %q; must be %s", n, strings.Join(tls12Policies, ", "))}
			}
		case oneOf(t, "Custom", "CustomV2"):
			if v := rules.Str(r.Inputs, s+"minProtocolVersion"); !oneOf(v, "TLSv1_2", "TLSv1_3") {
				return []string{fmt.Sprintf(s+"minProtocolVersion is %q; must be TLSv1_2 or TLSv1_3", v)}
			}
		default:
			return []string{fmt.Sprintf(s+"policyType is %q; name a Predefined or Custom policy from TLS 1.2", t)}
		}
		return nil
	},
}

// childName is the last segment of a gateway child's id (".../httpListeners/https"), by which a
// gateway's parts refer to each other; empty when unknown.
func childName(inputs map[string]any, path string) string {
	id := rules.Known(rules.Str(inputs, path))
	return id[strings.LastIndex(id, "/")+1:]
}

// appGatewayHTTPRedirectsOnly: port 80 stays open only to send browsers to HTTPS; a routing
// rule that sends plain HTTP to a backend would carry PHI in clear text.
var appGatewayHTTPRedirectsOnly = rules.Rule{
	Name:        "azure-appgw-http-redirects-only",
	Cloud:       rules.CloudAzure,
	Description: "Every Application Gateway routing rule on an HTTP listener only redirects, to an HTTPS listener of the gateway or an https:// URL, and sends nothing to a backend.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "a rule whose listener is unknown is skipped; an unknown redirect target fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeApplicationGateway),
	Check: func(r rules.Resource, _ rules.Config) []string {
		protocol := map[string]string{} // listener name → protocol
		for i := range rules.List(r.Inputs, "httpListeners") {
			at := fmt.Sprintf("httpListeners[%d].", i)
			protocol[rules.Str(r.Inputs, at+"name")] = rules.Str(r.Inputs, at+"protocol")
		}
		redirects := map[string]string{} // redirect configuration name → its path
		for i := range rules.List(r.Inputs, "redirectConfigurations") {
			at := fmt.Sprintf("redirectConfigurations[%d].", i)
			redirects[rules.Str(r.Inputs, at+"name")] = at
		}
		var out []string
		for i := range rules.List(r.Inputs, "requestRoutingRules") {
			at := fmt.Sprintf("requestRoutingRules[%d].", i)
			listener := childName(r.Inputs, at+"httpListener.id")
			if p, ok := protocol[listener]; !ok || !oneOf(p, "Http") {
				continue
			}
			name := rules.Str(r.Inputs, at+"name")
			var serves []string
			for _, k := range []string{"backendAddressPool", "backendHttpSettings", "urlPathMap"} {
				if _, set := rules.Get(r.Inputs, at+k); set {
					serves = append(serves, k)
				}
			}
			if len(serves) > 0 {
				out = append(out, fmt.Sprintf("routing rule %s sends plain HTTP from listener %s to %s; it must only redirect", name, listener, strings.Join(serves, ", ")))
				continue
			}
			rc, ok := redirects[childName(r.Inputs, at+"redirectConfiguration.id")]
			if !ok {
				out = append(out, fmt.Sprintf("routing rule %s on HTTP listener %s names no redirect configuration of the gateway", name, listener))
				continue
			}
			target := childName(r.Inputs, rc+"targetListener.id")
			url := rules.Str(r.Inputs, rc+"targetUrl")
			if !oneOf(protocol[target], "Https") && !strings.HasPrefix(strings.ToLower(url), "https://") {
				out = append(out, fmt.Sprintf("routing rule %s redirects HTTP listener %s to neither an HTTPS listener nor an https:// URL", name, listener))
			}
		}
		return out
	},
}
