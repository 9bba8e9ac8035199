package gcp

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Load balancer and Cloud Armor types, global and regional.
const (
	TypeSSLPolicy              = "gcp:compute/sSLPolicy:SSLPolicy"
	TypeRegionSSLPolicy        = "gcp:compute/regionSslPolicy:RegionSslPolicy"
	TypeTargetHTTPSProxy       = "gcp:compute/targetHttpsProxy:TargetHttpsProxy"
	TypeRegionTargetHTTPSProxy = "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy"
	TypeTargetHTTPProxy        = "gcp:compute/targetHttpProxy:TargetHttpProxy"
	TypeRegionTargetHTTPProxy  = "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy"
	TypeURLMap                 = "gcp:compute/uRLMap:URLMap"
	TypeRegionURLMap           = "gcp:compute/regionUrlMap:RegionUrlMap"
	TypeBackendService         = "gcp:compute/backendService:BackendService"
	TypeRegionBackendService   = "gcp:compute/regionBackendService:RegionBackendService"
	TypeSecurityPolicy         = "gcp:compute/securityPolicy:SecurityPolicy"
	TypeGlobalAddress          = "gcp:compute/globalAddress:GlobalAddress"
	TypeForwardingRule         = "gcp:compute/forwardingRule:ForwardingRule"
	TypeGlobalForwardingRule   = "gcp:compute/globalForwardingRule:GlobalForwardingRule"
)

// aeadSuites are the TLS 1.2 suites of the RESTRICTED profile: forward secret and
// authenticated encryption only. A CUSTOM profile is accepted when it picks among them, so a
// team can narrow RESTRICTED but never widen it.
var aeadSuites = []string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}

// lbTLS: without an SSL policy an HTTPS proxy uses Google's COMPATIBLE profile from TLS 1.0.
var lbTLS = rules.Rule{
	Name:        "gcp-compute-lb-tls",
	Cloud:       rules.CloudGCP,
	Description: "HTTPS load balancers name an SSL policy, and every SSL policy refuses anything under TLS 1.2 with the MODERN or RESTRICTED profile, or a CUSTOM one limited to RESTRICTED's forward-secret AEAD suites.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "version and profile fail; the proxy's policy passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeSSLPolicy, TypeRegionSSLPolicy, TypeTargetHTTPSProxy, TypeRegionTargetHTTPSProxy},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if r.Type == TypeTargetHTTPSProxy || r.Type == TypeRegionTargetHTTPSProxy {
			if !rules.Present(r.Inputs, "sslPolicy") {
				return []string{"sslPolicy is not set: the proxy would accept TLS 1.0 with the COMPATIBLE profile"}
			}
			return nil
		}
		var out []string
		if v := rules.Str(r.Inputs, "minTlsVersion"); v != "TLS_1_2" && v != "TLS_1_3" {
			out = append(out, fmt.Sprintf("minTlsVersion is %q; must be TLS_1_2 or TLS_1_3", v))
		}
		switch p := rules.Str(r.Inputs, "profile"); p {
		case "MODERN", "RESTRICTED":
		case "CUSTOM":
			features := rules.Strs(r.Inputs, "customFeatures")
			for _, f := range features {
				if !slices.Contains(aeadSuites, f) {
					out = append(out, fmt.Sprintf("customFeatures includes %s, which RESTRICTED leaves out", f))
				}
			}
			if len(features) == 0 {
				out = append(out, "a CUSTOM profile lists no customFeatures")
			}
		default:
			out = append(out, fmt.Sprintf("profile is %q; must be MODERN or RESTRICTED", p))
		}
		return out
	},
}

// httpRedirectsOnly: port 80 stays open only to send browsers to HTTPS; a URL map that serves
// anything over HTTP would carry PHI in clear text.
var httpRedirectsOnly = rules.Rule{
	Name:        "gcp-compute-http-redirects-only",
	Cloud:       rules.CloudGCP,
	Description: "Every HTTP target proxy serves a URL map of the stack that only redirects to HTTPS (defaultUrlRedirect.httpsRedirect, no service, host rule or path matcher).",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "the URL map is found by dependency; its redirect fails when unknown",
	Level:       rules.Mandatory,
	Types:       []string{TypeTargetHTTPProxy, TypeRegionTargetHTTPProxy, TypeURLMap, TypeRegionURLMap},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, p := range all {
			if p.Type != TypeTargetHTTPProxy && p.Type != TypeRegionTargetHTTPProxy {
				continue
			}
			m := rules.DependencyOf(all, p, TypeURLMap, nil)
			if m.URN == "" {
				m = rules.DependencyOf(all, p, TypeRegionURLMap, nil)
			}
			if m.URN == "" {
				out = append(out, rules.Finding{URN: p.URN, Message: "the proxy's urlMap is not a URL map of the stack, so it cannot be shown to only redirect to HTTPS"})
				continue
			}
			if msg := redirectOnly(m); msg != "" {
				out = append(out, rules.Finding{URN: m.URN, Message: "the URL map serves plain HTTP: " + msg})
			}
		}
		return out
	},
}

func redirectOnly(m rules.Resource) string {
	var serves []string
	for _, k := range []string{"defaultService", "defaultRouteAction", "hostRules", "pathMatchers"} {
		if v, ok := rules.Get(m.Inputs, k); ok && v != "" && !(isList(v) && len(rules.List(m.Inputs, k)) == 0) {
			serves = append(serves, k)
		}
	}
	switch {
	case !rules.BoolTrue(m.Inputs, "defaultUrlRedirect.httpsRedirect"):
		return "defaultUrlRedirect.httpsRedirect must be true"
	case len(serves) > 0:
		return "it sets " + strings.Join(serves, ", ") + "; it must only redirect"
	}
	return ""
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// externalBackend: a backend service reached from the internet. A global backend service is
// EXTERNAL unless it says otherwise, a regional one INTERNAL; an unknown scheme counts as
// external.
func externalBackend(r rules.Resource) bool {
	s := rules.Str(r.Inputs, "loadBalancingScheme")
	if s == "" && r.Type == TypeBackendService {
		s = "EXTERNAL"
	}
	return s == "EXTERNAL" || s == "EXTERNAL_MANAGED" || rules.IsUnknown(s)
}

var armorOnExternalBackends = rules.Rule{
	Name:        "gcp-armor-on-external-backends",
	Cloud:       rules.CloudGCP,
	Description: "Every backend service of an external load balancer sits behind a Cloud Armor security policy.",
	Sections:    []rules.Section{rules.RiskManagement, rules.AccessControl},
	Unknown:     "an unknown scheme counts as external; the policy passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeBackendService, TypeRegionBackendService},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if externalBackend(r) && !rules.Present(r.Inputs, "securityPolicy") {
			return []string{"securityPolicy is not set: requests from the internet reach the backend unfiltered"}
		}
		return nil
	},
}

var backendLogging = rules.Rule{
	Name:        "gcp-compute-backend-logging",
	Cloud:       rules.CloudGCP,
	Description: "Every backend service of an external load balancer logs its requests (logConfig.enable).",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeBackendService, TypeRegionBackendService},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if externalBackend(r) && !rules.BoolTrue(r.Inputs, "logConfig.enable") {
			return []string{"logConfig.enable must be true"}
		}
		return nil
	},
}

// wafSets are the preconfigured Cloud Armor rule sets for the OWASP attacks on a web API
// (Google's WAF rule tuning guide), each of which a policy must deny.
var wafSets = []string{"sqli", "xss", "lfi", "rfi", "rce", "scannerdetection", "protocolattack", "sessionfixation"}

// wafSet finds the rule sets an expression evaluates:
// evaluatePreconfiguredWaf('sqli-v33-stable', ...) or evaluatePreconfiguredExpr('xss-stable').
var wafSet = regexp.MustCompile(`evaluatePreconfigured(?:Waf|Expr)\(\s*['"]([a-z]+)-(?:v[0-9]+-)?(?:stable|canary)`)

// armorPolicy is a backend security policy: the WAF's; edge and network policies take no
// preconfigured rules.
func armorPolicy(r rules.Resource) bool {
	t := rules.Str(r.Inputs, "type")
	return t == "" || t == "CLOUD_ARMOR"
}

var armorWAF = rules.Rule{
	Name:        "gcp-armor-waf-rules",
	Cloud:       rules.CloudGCP,
	Description: "Cloud Armor backend policies deny, outside preview, the preconfigured WAF rule sets sqli, xss, lfi, rfi, rce, scannerdetection, protocolattack and sessionfixation, and rate-limit clients (a throttle or rate_based_ban rule).",
	Sections:    []rules.Section{rules.RiskManagement, rules.Integrity},
	Unknown:     "rules fail",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecurityPolicy},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !armorPolicy(r) {
			return nil
		}
		denied := map[string]bool{}
		rateLimited := false
		for i := range rules.List(r.Inputs, "rules") {
			at := fmt.Sprintf("rules[%d].", i)
			if rules.ExplicitlyTrue(r.Inputs, at+"preview") {
				continue // logged, not enforced
			}
			action := rules.Str(r.Inputs, at+"action")
			rateLimited = rateLimited || action == "throttle" || action == "rate_based_ban"
			if !strings.HasPrefix(action, "deny") {
				continue
			}
			for _, m := range wafSet.FindAllStringSubmatch(rules.Str(r.Inputs, at+"match.expr.expression"), -1) {
				denied[m[1]] = true
			}
		}
		var out []string
		var missing []string
		for _, s := range wafSets {
			if !denied[s] {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			out = append(out, "no enforced deny rule evaluates the preconfigured WAF rule sets "+strings.Join(missing, ", "))
		}
		if !rateLimited {
			out = append(out, "no enforced rule rate-limits clients (action throttle or rate_based_ban)")
		}
		return out
	},
}

// armorAdaptiveProtection is advisory: Adaptive Protection's layer 7 DDoS defense learns the
// normal traffic and proposes rules; how much of it to buy and deploy is the team's call.
var armorAdaptiveProtection = rules.Rule{
	Name:        "gcp-armor-adaptive-protection",
	Cloud:       rules.CloudGCP,
	Description: "Cloud Armor backend policies turn on Adaptive Protection's layer 7 DDoS defense. Advisory: its full use needs Cloud Armor Enterprise.",
	Sections:    []rules.Section{rules.RiskManagement, rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Advisory,
	Types:       []string{TypeSecurityPolicy},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if armorPolicy(r) && !rules.BoolTrue(r.Inputs, "adaptiveProtectionConfig.layer7DdosDefenseConfig.enable") {
			return []string{"adaptiveProtectionConfig.layer7DdosDefenseConfig.enable is not true"}
		}
		return nil
	},
}
