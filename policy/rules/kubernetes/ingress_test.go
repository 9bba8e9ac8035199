package kubernetes

import (
	"github.com/healthhub/estate/policy/rules"
)

func ingress(annotations map[string]any, spec map[string]any) rules.Resource {
	return res(TypeIngress, "api", map[string]any{"metadata": map[string]any{"name": "api", "namespace": "clinical", "annotations": annotations}, "spec": spec})
}

func ingressRules(hosts ...any) []any {
	out := make([]any, len(hosts))
	for i, h := range hosts {
		out[i] = map[string]any{"host": h, "http": map[string]any{"paths": []any{map[string]any{"path": "/", "pathType": "Prefix"}}}}
	}
	return out
}

func ingressCases() []ruleCase {
	const tls, waf = "kubernetes-ingress-tls", "kubernetes-ingress-alb-waf"
	nginx := map[string]any{
		"ingressClassName": "nginx",
		"tls":              []any{map[string]any{"hosts": []any{"api.healthhub.example"}, "secretName": "api-tls"}},
		"rules":            ingressRules("api.healthhub.example"),
	}
	albAnnotations := map[string]any{
		albCertificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/abc",
		albListenPorts:    `[{"HTTP": 80}, {"HTTPS": 443}]`,
		albSSLRedirect:    "443",
		albSSLPolicy:      "ELBSecurityPolicy-TLS13-1-2-2021-06",
		albWebACL:         "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/healthhub/1",
	}
	alb := map[string]any{"ingressClassName": "alb", "rules": ingressRules("api.healthhub.example")}
	albWith := func(k string, v any) rules.Resource { return ingress(with(albAnnotations, k, v), alb) }
	return []ruleCase{
		{tls, "tls for every host", []rules.Resource{ingress(nil, nginx)}, false, ""},
		{tls, "no tls", []rules.Resource{ingress(nil, with(nginx, "tls", nil))}, true, "no spec.tls: the ingress would serve PHI over plain HTTP"},
		{tls, "tls unknown at preview", []rules.Resource{ingress(nil, with(nginx, "tls", rules.Unknown))}, true, "spec.tls is unknown at preview"},
		{tls, "no secretName", []rules.Resource{ingress(nil, with(nginx, "tls", []any{map[string]any{"hosts": []any{"api.healthhub.example"}}}))}, true, "spec.tls[0] has no secretName"},
		{tls, "secretName of the same update", []rules.Resource{ingress(nil, with(nginx, "tls", []any{map[string]any{"hosts": []any{"api.healthhub.example"}, "secretName": rules.Unknown}}))}, false, ""},
		{tls, "no tls hosts", []rules.Resource{ingress(nil, with(nginx, "tls", []any{map[string]any{"secretName": "api-tls"}}))}, true, "spec.tls[0] has no hosts"},
		{tls, "a host without its certificate", []rules.Resource{ingress(nil, with(nginx, "rules", ingressRules("api.healthhub.example", "admin.healthhub.example")))}, true, `spec.rules[1].host "admin.healthhub.example" is not in any spec.tls hosts`},
		{tls, "a rule for any host", []rules.Resource{ingress(nil, with(nginx, "rules", ingressRules(nil)))}, true, "spec.rules[0].host is not set"},
		{tls, "wildcard certificate", []rules.Resource{ingress(nil, with(with(nginx, "tls", []any{map[string]any{"hosts": []any{"*.healthhub.example"}, "secretName": "wild"}}), "rules", ingressRules("api.healthhub.example", "admin.healthhub.example")))}, false, ""},
		{tls, "wildcard covers one label only", []rules.Resource{ingress(nil, with(with(nginx, "tls", []any{map[string]any{"hosts": []any{"*.healthhub.example"}, "secretName": "wild"}}), "rules", ingressRules("v1.api.healthhub.example")))}, true, `"v1.api.healthhub.example" is not in any spec.tls hosts`},
		{tls, "host known only at deployment", []rules.Resource{ingress(nil, with(nginx, "rules", ingressRules(rules.Unknown)))}, false, ""},

		{tls, "alb terminates TLS with its certificate", []rules.Resource{ingress(albAnnotations, alb)}, false, ""},
		{tls, "alb certificate of the same update", []rules.Resource{albWith(albCertificateArn, rules.Unknown)}, false, ""},
		{tls, "alb with HTTPS only by default", []rules.Resource{albWith(albListenPorts, nil)}, false, ""},
		{tls, "alb without a certificate", []rules.Resource{albWith(albCertificateArn, nil)}, true, "no spec.tls"},
		{tls, "alb without a certificate names its class the old way", []rules.Resource{ingress(with(with(albAnnotations, albCertificateArn, nil), "kubernetes.io/ingress.class", "alb"), with(alb, "ingressClassName", nil))}, true, "no spec.tls"},
		{tls, "alb serves HTTP without redirect", []rules.Resource{albWith(albSSLRedirect, nil)}, true, albListenPorts + " opens plain HTTP on port 80 without " + albSSLRedirect},
		{tls, "alb listens on HTTP only", []rules.Resource{albWith(albListenPorts, `[{"HTTP": 80}]`)}, true, "has no HTTPS listener"},
		{tls, "alb listen-ports not JSON", []rules.Resource{albWith(albListenPorts, "HTTPS:443")}, true, "is not a JSON list of listeners"},
		{tls, "alb listen-ports unknown", []rules.Resource{albWith(albListenPorts, rules.Unknown)}, true, albListenPorts + " is unknown at preview"},
		{tls, "alb default TLS policy", []rules.Resource{albWith(albSSLPolicy, nil)}, true, albSSLPolicy + ` is ""; name a TLS 1.2+ policy`},
		{tls, "alb TLS 1.0 policy", []rules.Resource{albWith(albSSLPolicy, "ELBSecurityPolicy-2016-08")}, true, `is "ELBSecurityPolicy-2016-08"`},
		{tls, "alb TLS 1.2 policy", []rules.Resource{albWith(albSSLPolicy, "ELBSecurityPolicy-TLS-1-2-Ext-2018-06")}, false, ""},
		{tls, "alb class by annotation still checked", []rules.Resource{ingress(with(with(albAnnotations, albSSLPolicy, nil), "kubernetes.io/ingress.class", "alb"), with(alb, "ingressClassName", nil))}, true, "name a TLS 1.2+ policy"},

		{waf, "alb with a web ACL", []rules.Resource{ingress(albAnnotations, alb)}, false, ""},
		{waf, "alb web ACL of the same update", []rules.Resource{albWith(albWebACL, rules.Unknown)}, false, ""},
		{waf, "alb without a web ACL", []rules.Resource{albWith(albWebACL, nil)}, true, "the ALB has no web ACL"},
		{waf, "alb with an empty web ACL", []rules.Resource{albWith(albWebACL, "")}, true, "the ALB has no web ACL"},
		{waf, "another class", []rules.Resource{ingress(nil, nginx)}, false, ""},
	}
}
