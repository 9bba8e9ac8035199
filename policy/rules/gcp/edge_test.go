package gcp

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// armorRules are a Cloud Armor policy's rules as the estate's web firewall writes them: a
// deny per WAF rule set, a rate-based ban, the default deny.
func armorRules(sets ...string) []any {
	var out []any
	for i, s := range sets {
		out = append(out, map[string]any{
			"priority": int64(1000 + i), "action": "deny(403)",
			"match": map[string]any{"expr": map[string]any{"expression": fmt.Sprintf("evaluatePreconfiguredWaf('%s-v33-stable', {'sensitivity': 1})", s)}},
		})
	}
	return append(out,
		map[string]any{"priority": int64(2000), "action": "rate_based_ban", "match": map[string]any{"expr": map[string]any{"expression": "origin.region_code in ['GB']"}}},
		map[string]any{"priority": int64(2147483647), "action": "deny(403)", "match": map[string]any{"versionedExpr": "SRC_IPS_V1"}},
	)
}

func edgeCases() []ruleCase {
	sslPolicy := func(inputs map[string]any) rules.Resource { return res(TypeSSLPolicy, "tls", inputs) }
	restricted := map[string]any{"profile": "RESTRICTED", "minTlsVersion": "TLS_1_2"}
	httpsProxy := func(inputs map[string]any) rules.Resource { return res(TypeTargetHTTPSProxy, "https", inputs) }

	redirect := res(TypeURLMap, "http", map[string]any{"defaultUrlRedirect": map[string]any{"httpsRedirect": true, "stripQuery": false}})
	serving := res(TypeURLMap, "http", map[string]any{"defaultService": rules.Unknown})
	httpProxy := func(to rules.Resource) rules.Resource {
		return dependsOn(res(TypeTargetHTTPProxy, "http", map[string]any{"urlMap": rules.Unknown}), to)
	}

	backend := func(inputs map[string]any) rules.Resource { return res(TypeBackendService, "api", inputs) }
	goodBackend := map[string]any{"loadBalancingScheme": "EXTERNAL_MANAGED", "securityPolicy": rules.Unknown, "logConfig": map[string]any{"enable": true, "sampleRate": 1.0}}

	armor := func(inputs map[string]any) rules.Resource { return res(TypeSecurityPolicy, "waf", inputs) }
	goodArmor := map[string]any{
		"type":                     "CLOUD_ARMOR",
		"rules":                    armorRules(wafSets...),
		"adaptiveProtectionConfig": map[string]any{"layer7DdosDefenseConfig": map[string]any{"enable": true}},
	}
	previewed := armorRules(wafSets...)
	previewed[0] = with(previewed[0].(map[string]any), "preview", true)

	return []ruleCase{
		{"gcp-compute-lb-tls", "restricted from TLS 1.2", []rules.Resource{sslPolicy(restricted)}, false, "", ""},
		{"gcp-compute-lb-tls", "modern from TLS 1.3", []rules.Resource{sslPolicy(map[string]any{"profile": "MODERN", "minTlsVersion": "TLS_1_3"})}, false, "", ""},
		{"gcp-compute-lb-tls", "custom AEAD suites", []rules.Resource{sslPolicy(map[string]any{"profile": "CUSTOM", "minTlsVersion": "TLS_1_2", "customFeatures": []any{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}})}, false, "", ""},
		{"gcp-compute-lb-tls", "custom with a CBC suite", []rules.Resource{sslPolicy(map[string]any{"profile": "CUSTOM", "minTlsVersion": "TLS_1_2", "customFeatures": []any{"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}})}, true, "customFeatures includes TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", ""},
		{"gcp-compute-lb-tls", "Google's defaults", []rules.Resource{sslPolicy(map[string]any{})}, true, `minTlsVersion is ""`, ""},
		{"gcp-compute-lb-tls", "compatible profile", []rules.Resource{sslPolicy(with(restricted, "profile", "COMPATIBLE"))}, true, `profile is "COMPATIBLE"`, ""},
		{"gcp-compute-lb-tls", "TLS 1.1", []rules.Resource{sslPolicy(with(restricted, "minTlsVersion", "TLS_1_1"))}, true, `minTlsVersion is "TLS_1_1"`, ""},
		{"gcp-compute-lb-tls", "proxy with a policy", []rules.Resource{httpsProxy(map[string]any{"sslPolicy": rules.Unknown, "urlMap": rules.Unknown})}, false, "", ""},
		{"gcp-compute-lb-tls", "proxy without a policy", []rules.Resource{httpsProxy(map[string]any{"urlMap": rules.Unknown})}, true, "sslPolicy is not set", ""},

		{"gcp-compute-http-redirects-only", "redirect to HTTPS", []rules.Resource{redirect, httpProxy(redirect)}, false, "", ""},
		{"gcp-compute-http-redirects-only", "a URL map with no HTTP proxy may serve", []rules.Resource{serving}, false, "", ""},
		{"gcp-compute-http-redirects-only", "serves over HTTP", []rules.Resource{serving, httpProxy(serving)}, true, "defaultUrlRedirect.httpsRedirect must be true", ""},
		{"gcp-compute-http-redirects-only", "redirects by default, serves a path", []rules.Resource{
			withInput(redirect, "pathMatchers", []any{map[string]any{"name": "api"}}), httpProxy(redirect),
		}, true, "it sets pathMatchers", ""},
		{"gcp-compute-http-redirects-only", "URL map outside the stack", []rules.Resource{res(TypeTargetHTTPProxy, "http", map[string]any{"urlMap": "projects/p/global/urlMaps/legacy"})}, true, "not a URL map of the stack", ""},

		{"gcp-armor-on-external-backends", "external with a policy", []rules.Resource{backend(goodBackend)}, false, "", ""},
		{"gcp-armor-on-external-backends", "internal", []rules.Resource{backend(map[string]any{"loadBalancingScheme": "INTERNAL_MANAGED"})}, false, "", ""},
		{"gcp-armor-on-external-backends", "regional, internal by default", []rules.Resource{res(TypeRegionBackendService, "api", map[string]any{})}, false, "", ""},
		{"gcp-armor-on-external-backends", "external by default, no policy", []rules.Resource{backend(with(with(goodBackend, "loadBalancingScheme", nil), "securityPolicy", nil))}, true, "securityPolicy is not set", ""},

		{"gcp-compute-backend-logging", "logged", []rules.Resource{backend(goodBackend)}, false, "", ""},
		{"gcp-compute-backend-logging", "not logged", []rules.Resource{backend(with(goodBackend, "logConfig", nil))}, true, "logConfig.enable must be true", ""},

		{"gcp-armor-waf-rules", "every rule set and a rate limit", []rules.Resource{armor(goodArmor)}, false, "", ""},
		{"gcp-armor-waf-rules", "an edge policy takes no WAF rules", []rules.Resource{armor(map[string]any{"type": "CLOUD_ARMOR_EDGE"})}, false, "", ""},
		{"gcp-armor-waf-rules", "older names, several sets in one rule", []rules.Resource{armor(with(goodArmor, "rules", append(armorRules(), map[string]any{
			"action": "deny(404)", "match": map[string]any{"expr": map[string]any{"expression": "evaluatePreconfiguredExpr('sqli-stable') || evaluatePreconfiguredExpr('xss-stable') || evaluatePreconfiguredWaf('lfi-v33-stable') || evaluatePreconfiguredWaf('rfi-v33-stable') || evaluatePreconfiguredWaf('rce-v33-stable') || evaluatePreconfiguredWaf('scannerdetection-v33-stable') || evaluatePreconfiguredWaf('protocolattack-v33-stable') || evaluatePreconfiguredWaf('sessionfixation-v33-stable')"}},
		})))}, false, "", ""},
		{"gcp-armor-waf-rules", "no rules", []rules.Resource{armor(map[string]any{})}, true, "sqli, xss, lfi, rfi, rce, scannerdetection, protocolattack, sessionfixation", ""},
		{"gcp-armor-waf-rules", "two sets missing", []rules.Resource{armor(with(goodArmor, "rules", armorRules("sqli", "xss", "lfi", "rfi", "rce", "scannerdetection")))}, true, "rule sets protocolattack, sessionfixation", ""},
		{"gcp-armor-waf-rules", "a set only previewed", []rules.Resource{armor(with(goodArmor, "rules", previewed))}, true, "rule sets sqli", ""},
		{"gcp-armor-waf-rules", "no rate limit", []rules.Resource{armor(with(goodArmor, "rules", armorRules(wafSets...)[:len(wafSets)]))}, true, "rate-limits", ""},

		{"gcp-armor-adaptive-protection", "layer 7 defense", []rules.Resource{armor(goodArmor)}, false, "", ""},
		{"gcp-armor-adaptive-protection", "off", []rules.Resource{armor(with(goodArmor, "adaptiveProtectionConfig", nil))}, true, "layer7DdosDefenseConfig.enable is not true", ""},
	}
}
