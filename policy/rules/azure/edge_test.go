package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

const gatewayID = group + "/providers/Microsoft.Network/applicationGateways/hh-prod-agw"

// hardenedGateway is an Application Gateway as the LoadBalancer component bootstraps it: an
// HTTPS listener to the backend and an HTTP listener that only redirects to it.
func hardenedGateway() map[string]any {
	ref := func(kind, name string) map[string]any {
		return map[string]any{"id": gatewayID + "/" + kind + "/" + name}
	}
	return map[string]any{
		"applicationGatewayName": "hh-prod-agw", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"sku":            map[string]any{"name": "WAF_v2", "tier": "WAF_v2"},
		"firewallPolicy": map[string]any{"id": rules.Unknown},
		"sslPolicy":      map[string]any{"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101S"},
		"enableHttp2":    true,
		"httpListeners": []any{
			map[string]any{"name": "https", "protocol": "Https", "sslCertificate": ref("sslCertificates", "tls")},
			map[string]any{"name": "http", "protocol": "Http"},
		},
		"redirectConfigurations": []any{
			map[string]any{"name": "to-https", "redirectType": "Permanent", "targetListener": ref("httpListeners", "https"), "includePath": true, "includeQueryString": true},
		},
		"requestRoutingRules": []any{
			map[string]any{"name": "https", "priority": int64(100), "ruleType": "Basic", "httpListener": ref("httpListeners", "https"),
				"backendAddressPool": ref("backendAddressPools", "bootstrap"), "backendHttpSettings": ref("backendHttpSettingsCollection", "bootstrap")},
			map[string]any{"name": "http", "priority": int64(200), "ruleType": "Basic", "httpListener": ref("httpListeners", "http"),
				"redirectConfiguration": ref("redirectConfigurations", "to-https")},
		},
	}
}

// preventionPolicy is a WAF policy as the WebFirewall component writes it.
func preventionPolicy() map[string]any {
	return map[string]any{
		"policyName": "hh-prod-waf", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"policySettings": map[string]any{
			"state": "Enabled", "mode": "Prevention", "requestBodyCheck": true, "requestBodyEnforcement": true,
			"requestBodyInspectLimitInKB": int64(128), "maxRequestBodySizeInKb": int64(128), "fileUploadLimitInMb": int64(10),
		},
		"managedRules": map[string]any{"managedRuleSets": []any{
			map[string]any{"ruleSetType": "Microsoft_DefaultRuleSet", "ruleSetVersion": "2.1"},
			map[string]any{"ruleSetType": "Microsoft_BotManagerRuleSet", "ruleSetVersion": "1.0"},
		}},
	}
}

func edgeCases() []ruleCase {
	gw := func(inputs map[string]any) rules.Resource { return res(TypeApplicationGateway, "agw", inputs) }
	good := hardenedGateway()
	policy := func(inputs map[string]any) rules.Resource { return res(TypeWAFPolicy, "waf", inputs) }
	goodPolicy := preventionPolicy()
	ruleSets := func(sets ...[2]string) map[string]any {
		var list []any
		for _, s := range sets {
			list = append(list, map[string]any{"ruleSetType": s[0], "ruleSetVersion": s[1]})
		}
		return set(goodPolicy, "managedRules.managedRuleSets", list)
	}
	// tuned is the policy with an override on the default rule set and an exclusion, either
	// left out when nil.
	tuned := func(override, exclusion map[string]any) map[string]any {
		drs := map[string]any{"ruleSetType": "Microsoft_DefaultRuleSet", "ruleSetVersion": "2.1"}
		if override != nil {
			drs["ruleGroupOverrides"] = []any{override}
		}
		out := set(goodPolicy, "managedRules.managedRuleSets", []any{drs, map[string]any{"ruleSetType": "Microsoft_BotManagerRuleSet", "ruleSetVersion": "1.0"}})
		if exclusion != nil {
			out = set(out, "managedRules.exclusions", []any{exclusion})
		}
		return out
	}
	routing := func(rs ...map[string]any) map[string]any {
		var list []any
		for _, r := range rs {
			list = append(list, r)
		}
		return with(good, "requestRoutingRules", list)
	}
	rulesOf := good["requestRoutingRules"].([]any)
	httpsRule, httpRule := rulesOf[0].(map[string]any), rulesOf[1].(map[string]any)
	ref := func(kind, name string) map[string]any {
		return map[string]any{"id": gatewayID + "/" + kind + "/" + name}
	}

	return []ruleCase{
		{"azure-appgw-waf", "WAF_v2 with a policy", []rules.Resource{gw(good)}, false, "", ""},
		{"azure-appgw-waf", "Standard_v2", []rules.Resource{gw(with(good, "sku", map[string]any{"name": "Standard_v2", "tier": "Standard_v2"}))}, true, `sku.tier is "Standard_v2"`, ""},
		{"azure-appgw-waf", "no policy", []rules.Resource{gw(with(good, "firewallPolicy", nil))}, true, "firewallPolicy.id is not set", ""},

		{"azure-waf-policy-prevention", "Prevention with the default rule set", []rules.Resource{policy(goodPolicy)}, false, "", ""},
		{"azure-waf-policy-prevention", "OWASP 3.2", []rules.Resource{policy(ruleSets([2]string{"OWASP", "3.2"}))}, false, "", ""},
		{"azure-waf-policy-prevention", "Detection", []rules.Resource{policy(set(goodPolicy, "policySettings.mode", "Detection"))}, true, `policySettings.mode is "Detection"`, ""},
		{"azure-waf-policy-prevention", "mode left to the default", []rules.Resource{policy(set(goodPolicy, "policySettings.mode", nil))}, true, `policySettings.mode is ""`, ""},
		{"azure-waf-policy-prevention", "disabled", []rules.Resource{policy(set(goodPolicy, "policySettings.state", "Disabled"))}, true, `policySettings.state is "Disabled"`, ""},
		{"azure-waf-policy-prevention", "bodies not inspected", []rules.Resource{policy(set(goodPolicy, "policySettings.requestBodyCheck", false))}, true, "requestBodyCheck must be true", ""},
		{"azure-waf-policy-prevention", "OWASP 3.1", []rules.Resource{policy(ruleSets([2]string{"OWASP", "3.1"}))}, true, "neither Microsoft_DefaultRuleSet 2.1 or later nor OWASP 3.2 or later", ""},
		{"azure-waf-policy-prevention", "a rule overridden but kept on, and a narrow exclusion", []rules.Resource{policy(tuned(
			map[string]any{"ruleGroupName": "APPLICATION-ATTACK-SQLI", "rules": []any{map[string]any{"ruleId": "942430", "state": "Enabled", "action": "Block"}}},
			map[string]any{"matchVariable": "RequestCookieNames", "selectorMatchOperator": "Equals", "selector": "__session"},
		))}, false, "", ""},
		{"azure-waf-policy-prevention", "a bot rule turned off is the bot rule's business", []rules.Resource{policy(set(goodPolicy, "managedRules.managedRuleSets", []any{
			map[string]any{"ruleSetType": "Microsoft_DefaultRuleSet", "ruleSetVersion": "2.1"},
			map[string]any{"ruleSetType": "Microsoft_BotManagerRuleSet", "ruleSetVersion": "1.0", "ruleGroupOverrides": []any{map[string]any{"ruleGroupName": "GoodBots"}}},
		}))}, false, "", ""},
		{"azure-waf-policy-prevention", "a rule disabled", []rules.Resource{policy(tuned(
			map[string]any{"ruleGroupName": "APPLICATION-ATTACK-SQLI", "rules": []any{map[string]any{"ruleId": "942430", "state": "Disabled"}}}, nil,
		))}, true, `ruleGroupOverrides[0].rules[0].state is "Disabled": rule 942430 of group APPLICATION-ATTACK-SQLI is off`, ""},
		{"azure-waf-policy-prevention", "a rule overridden with no state, which ARM takes as Disabled", []rules.Resource{policy(tuned(
			map[string]any{"ruleGroupName": "APPLICATION-ATTACK-XSS", "rules": []any{map[string]any{"ruleId": "941100"}}}, nil,
		))}, true, `state is "": rule 941100 of group APPLICATION-ATTACK-XSS is off`, ""},
		{"azure-waf-policy-prevention", "a whole group turned off", []rules.Resource{policy(tuned(map[string]any{"ruleGroupName": "APPLICATION-ATTACK-LFI"}, nil))}, true, "overrides group APPLICATION-ATTACK-LFI with no rules, which turns the whole group off", ""},
		{"azure-waf-policy-prevention", "an exclusion of every header", []rules.Resource{policy(tuned(nil,
			map[string]any{"matchVariable": "RequestHeaderNames", "selectorMatchOperator": "EqualsAny"},
		))}, true, `managedRules.exclusions[0].selectorMatchOperator is "EqualsAny": every RequestHeaderNames of every request escapes the rules`, ""},
		{"azure-waf-policy-prevention", "bots only", []rules.Resource{policy(ruleSets([2]string{"Microsoft_BotManagerRuleSet", "1.0"}))}, true, "neither Microsoft_DefaultRuleSet", ""},

		{"azure-waf-bot-protection", "bot manager", []rules.Resource{policy(goodPolicy)}, false, "", ""},
		{"azure-waf-bot-protection", "no bot manager", []rules.Resource{policy(ruleSets([2]string{"Microsoft_DefaultRuleSet", "2.1"}))}, true, "no Microsoft_BotManagerRuleSet", ""},

		{"azure-appgw-tls", "the strict 2022 policy", []rules.Resource{gw(good)}, false, "", ""},
		{"azure-appgw-tls", "a custom policy from TLS 1.2", []rules.Resource{gw(with(good, "sslPolicy", map[string]any{"policyType": "CustomV2", "minProtocolVersion": "TLSv1_2", "cipherSuites": []any{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}))}, false, "", ""},
		{"azure-appgw-tls", "no policy", []rules.Resource{gw(with(good, "sslPolicy", nil))}, true, `sslPolicy.policyType is ""`, ""},
		{"azure-appgw-tls", "the 2015 policy", []rules.Resource{gw(set(good, "sslPolicy.policyName", "AppGwSslPolicy20150501"))}, true, `policyName is "AppGwSslPolicy20150501"`, ""},
		{"azure-appgw-tls", "a custom policy from TLS 1.1", []rules.Resource{gw(with(good, "sslPolicy", map[string]any{"policyType": "Custom", "minProtocolVersion": "TLSv1_1"}))}, true, `minProtocolVersion is "TLSv1_1"`, ""},

		{"azure-appgw-http-redirects-only", "HTTP redirects to the HTTPS listener", []rules.Resource{gw(good)}, false, "", ""},
		{"azure-appgw-http-redirects-only", "HTTP redirects to an https URL", []rules.Resource{gw(with(good, "redirectConfigurations", []any{map[string]any{"name": "to-https", "redirectType": "Permanent", "targetUrl": "https://app.healthhub.example"}}))}, false, "", ""},
		{"azure-appgw-http-redirects-only", "HTTP to the backend", []rules.Resource{gw(routing(httpsRule, with(with(httpRule, "redirectConfiguration", nil), "backendAddressPool", ref("backendAddressPools", "bootstrap"))))}, true, "routing rule http sends plain HTTP from listener http to backendAddressPool", ""},
		{"azure-appgw-http-redirects-only", "a redirect back to HTTP", []rules.Resource{gw(with(good, "redirectConfigurations", []any{map[string]any{"name": "to-https", "targetListener": ref("httpListeners", "http")}}))}, true, "to neither an HTTPS listener nor an https:// URL", ""},
		{"azure-appgw-http-redirects-only", "a redirect the gateway does not have", []rules.Resource{gw(with(good, "redirectConfigurations", nil))}, true, "names no redirect configuration of the gateway", ""},
	}
}
