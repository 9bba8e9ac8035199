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

// nginxSpec is an Ingress spec of an in-cluster controller, its certificate in a Secret.
func nginxSpec() map[string]any {
	return map[string]any{
		"ingressClassName": "nginx",
		"tls":              []any{map[string]any{"hosts": []any{"api.healthhub.example"}, "secretName": "api-tls"}},
		"rules":            ingressRules("api.healthhub.example"),
	}
}

// albIngressAnnotations are an ALB's, as the AWS platform sets them.
func albIngressAnnotations() map[string]any {
	return map[string]any{
		albCertificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/abc",
		albListenPorts:    `[{"HTTP": 80}, {"HTTPS": 443}]`,
		albSSLRedirect:    "443",
		albSSLPolicy:      "ELBSecurityPolicy-TLS13-1-2-2021-06",
		albWebACL:         "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/healthhub/1",
	}
}

func ingressCases() []ruleCase {
	const tls, waf = "kubernetes-ingress-tls", "kubernetes-ingress-alb-waf"
	nginx, albAnnotations := nginxSpec(), albIngressAnnotations()
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
		{waf, "gce is judged through its Service", []rules.Resource{ingress(gceAnnotations(nil), gceSpec)}, false, ""},
	}
}

// gceAnnotations are a GKE Ingress's, with changes (nil removes one).
// agicAnnotations are the AKS ingress add-on's, as the Azure platform hands them.
func agicAnnotations(changes map[string]any) map[string]any {
	out := map[string]any{agicCertificate: "frontend", agicSSLRedirect: "true"}
	for k, v := range changes {
		out = with(out, k, v)
	}
	return out
}

func gceAnnotations(changes map[string]any) map[string]any {
	out := map[string]any{
		"kubernetes.io/ingress.class": "gce",
		gcePreSharedCert:              "healthhub-edge",
		gceAllowHTTP:                  "false",
		gceFrontendConfig:             "edge-tls",
	}
	for k, v := range changes {
		out = with(out, k, v)
	}
	return out
}

// gceSpec sends the host to the frontend Service; GKE terminates TLS with the certificate
// named in the annotations, so there is no tls section.
var gceSpec = map[string]any{"rules": []any{map[string]any{"host": "api.healthhub.example", "http": map[string]any{"paths": []any{
	map[string]any{"path": "/", "pathType": "Prefix", "backend": map[string]any{"service": map[string]any{"name": "frontend", "port": map[string]any{"number": int64(8443)}}}},
}}}}}

func object(typ, name string, spec map[string]any) rules.Resource {
	return res(typ, name, map[string]any{"metadata": map[string]any{"name": name, "namespace": "clinical"}, "spec": spec})
}

func frontendConfig(spec map[string]any) rules.Resource {
	return object(TypeFrontendConfig, "edge-tls", spec)
}

func backendConfig(name string, spec map[string]any) rules.Resource {
	return object(TypeBackendConfig, name, spec)
}

// armored is a BackendConfig's spec with Cloud Armor and request logging.
var armored = map[string]any{
	"securityPolicy": map[string]any{"name": "healthhub-edge"},
	"logging":        map[string]any{"enable": true, "sampleRate": 1.0},
}

func frontendService(annotations map[string]any) rules.Resource {
	return res(TypeService, "frontend", map[string]any{
		"metadata": map[string]any{"name": "frontend", "namespace": "clinical", "annotations": annotations},
		"spec":     map[string]any{"type": "ClusterIP", "ports": []any{map[string]any{"name": "http", "port": int64(8443)}}},
	})
}

func backendConfigured(value any) rules.Resource {
	return frontendService(map[string]any{gceBackendConfig: value})
}

func gceCases() []ruleCase {
	const tls, ssl, waf = "kubernetes-ingress-tls", "kubernetes-ingress-gce-ssl-policy", "kubernetes-ingress-gce-waf"
	gce := func(changes map[string]any) rules.Resource { return ingress(gceAnnotations(changes), gceSpec) }
	withTLS := with(gceSpec, "tls", []any{map[string]any{"hosts": []any{"api.healthhub.example"}, "secretName": "api-tls"}})
	fc := frontendConfig(map[string]any{"sslPolicy": "healthhub-tls12"})
	svc := backendConfigured(`{"default": "edge-backend"}`)
	bc := backendConfig("edge-backend", armored)
	return []ruleCase{
		{tls, "gce terminates TLS with a pre-shared certificate", []rules.Resource{gce(nil)}, false, ""},
		{tls, "gce with a Google-managed certificate", []rules.Resource{gce(map[string]any{gcePreSharedCert: nil, gceManagedCerts: "api"})}, false, ""},
		{tls, "gce certificate of the same update", []rules.Resource{gce(map[string]any{gcePreSharedCert: rules.Unknown})}, false, ""},
		{tls, "gce class by spec.ingressClassName is gce too", []rules.Resource{ingress(gceAnnotations(map[string]any{"kubernetes.io/ingress.class": nil}), with(gceSpec, "ingressClassName", "gce"))}, false, ""},
		{tls, "gce with its certificate in a Secret", []rules.Resource{ingress(gceAnnotations(map[string]any{gcePreSharedCert: nil}), withTLS)}, false, ""},
		{tls, "gce without a certificate", []rules.Resource{gce(map[string]any{gcePreSharedCert: nil})}, true, "no spec.tls: the ingress would serve PHI over plain HTTP"},
		{tls, "gce with an empty certificate name", []rules.Resource{gce(map[string]any{gcePreSharedCert: ""})}, true, "no spec.tls"},
		{tls, "agic terminates TLS with the gateway's certificate", []rules.Resource{ingress(agicAnnotations(nil), with(gceSpec, "ingressClassName", agicClass))}, false, ""},
		{tls, "agic without a certificate", []rules.Resource{ingress(agicAnnotations(map[string]any{agicCertificate: nil}), with(gceSpec, "ingressClassName", agicClass))}, true, "for class " + agicClass + ", " + agicCertificate},
		{tls, "agic serves HTTP", []rules.Resource{ingress(agicAnnotations(map[string]any{agicSSLRedirect: nil}), with(gceSpec, "ingressClassName", agicClass))}, true, agicSSLRedirect + ` is ""; set "true"`},
		{tls, "agic redirect unknown", []rules.Resource{ingress(agicAnnotations(map[string]any{agicSSLRedirect: rules.Unknown}), with(gceSpec, "ingressClassName", agicClass))}, true, agicSSLRedirect + " is unknown at preview"},
		{tls, "gce serves HTTP by default", []rules.Resource{gce(map[string]any{gceAllowHTTP: nil})}, true, gceAllowHTTP + ` is "" (unset means "true"); set "false"`},
		{tls, "gce serves HTTP", []rules.Resource{gce(map[string]any{gceAllowHTTP: "true"})}, true, gceAllowHTTP + ` is "true"`},
		{tls, "gce HTTP switch unknown", []rules.Resource{gce(map[string]any{gceAllowHTTP: rules.Unknown})}, true, gceAllowHTTP + " is unknown at preview"},
		{tls, "gce certified and serving HTTP", []rules.Resource{gce(map[string]any{gceAllowHTTP: "true", gceManagedCerts: "api"})}, true, "would serve PHI in clear text on port 80"},

		{ssl, "FrontendConfig with an SSL policy", []rules.Resource{gce(nil), fc}, false, ""},
		{ssl, "SSL policy of the same update", []rules.Resource{gce(nil), frontendConfig(map[string]any{"sslPolicy": rules.Unknown})}, false, ""},
		{ssl, "FrontendConfig named at deployment", []rules.Resource{dependsOn(gce(map[string]any{gceFrontendConfig: rules.Unknown}), fc), fc}, false, ""},
		{ssl, "another class", []rules.Resource{ingress(nil, nginxSpec())}, false, ""},
		{ssl, "no FrontendConfig annotation", []rules.Resource{gce(map[string]any{gceFrontendConfig: nil}), fc}, true, "no " + gceFrontendConfig + " annotation: the load balancer would take Google's default SSL policy"},
		{ssl, "FrontendConfig not in the stack", []rules.Resource{gce(nil)}, true, gceFrontendConfig + ` names FrontendConfig "edge-tls", which is not in the stack in namespace "clinical"`},
		{ssl, "FrontendConfig of another namespace", []rules.Resource{gce(nil), res(TypeFrontendConfig, "edge-tls", map[string]any{"metadata": map[string]any{"name": "edge-tls", "namespace": "other"}, "spec": map[string]any{"sslPolicy": "healthhub-tls12"}})}, true, "which is not in the stack"},
		{ssl, "FrontendConfig named at deployment, not depended on", []rules.Resource{gce(map[string]any{gceFrontendConfig: rules.Unknown}), fc}, true, "which is not in the stack"},
		{ssl, "FrontendConfig without an SSL policy", []rules.Resource{gce(nil), frontendConfig(map[string]any{"redirectToHttps": map[string]any{"enabled": true}})}, true, `FrontendConfig "edge-tls", named by ` + gceFrontendConfig + ", has no spec.sslPolicy"},
		{ssl, "FrontendConfig with an empty SSL policy", []rules.Resource{gce(nil), frontendConfig(map[string]any{"sslPolicy": ""})}, true, "has no spec.sslPolicy"},

		{waf, "Cloud Armor and logging on the backend", []rules.Resource{gce(nil), svc, bc}, false, ""},
		{waf, "security policy of the same update", []rules.Resource{gce(nil), svc, backendConfig("edge-backend", with(armored, "securityPolicy", map[string]any{"name": rules.Unknown}))}, false, ""},
		{waf, "the older BackendConfig version", []rules.Resource{gce(nil), svc, object(TypeBackendConfigBeta, "edge-backend", armored)}, false, ""},
		{waf, "Service named at deployment", []rules.Resource{dependsOn(ingress(gceAnnotations(nil), with(gceSpec, "rules", []any{map[string]any{"host": "api.healthhub.example", "http": map[string]any{"paths": []any{
			map[string]any{"path": "/", "backend": map[string]any{"service": map[string]any{"name": rules.Unknown}}},
		}}}})), svc), svc, bc}, false, ""},
		{waf, "another class needs no BackendConfig", []rules.Resource{ingress(albIngressAnnotations(), with(gceSpec, "ingressClassName", "alb"))}, false, ""},
		{waf, "Service not in the stack", []rules.Resource{gce(nil), bc}, true, `backend Service "frontend" is not in the stack in namespace "clinical"`},
		{waf, "default backend judged too", []rules.Resource{ingress(gceAnnotations(nil), map[string]any{"defaultBackend": map[string]any{"service": map[string]any{"name": "frontend"}}}), frontendService(nil), bc}, true, `Service "frontend" has no ` + gceBackendConfig + " annotation"},
		{waf, "Service without a BackendConfig", []rules.Resource{gce(nil), frontendService(map[string]any{"cloud.google.com/neg": `{"ingress": true}`}), bc}, true, "its load balancer backend would have no Cloud Armor policy"},
		{waf, "BackendConfig annotation unknown", []rules.Resource{gce(nil), backendConfigured(rules.Unknown), bc}, true, gceBackendConfig + " is unknown at preview"},
		{waf, "BackendConfig annotation not JSON", []rules.Resource{gce(nil), backendConfigured("edge-backend"), bc}, true, "is not a JSON object of BackendConfig names"},
		{waf, "BackendConfig annotation names none", []rules.Resource{gce(nil), backendConfigured(`{}`), bc}, true, "names no BackendConfig"},
		{waf, "BackendConfig not in the stack", []rules.Resource{gce(nil), svc}, true, `BackendConfig "edge-backend", named by Service "frontend"'s ` + gceBackendConfig + ", is not in the stack"},
		{waf, "no Cloud Armor", []rules.Resource{gce(nil), svc, backendConfig("edge-backend", with(armored, "securityPolicy", nil))}, true, `BackendConfig "edge-backend" has no spec.securityPolicy.name`},
		{waf, "empty Cloud Armor policy", []rules.Resource{gce(nil), svc, backendConfig("edge-backend", with(armored, "securityPolicy", map[string]any{"name": ""}))}, true, "has no spec.securityPolicy.name"},
		{waf, "no request logging", []rules.Resource{gce(nil), svc, backendConfig("edge-backend", with(armored, "logging", nil))}, true, `BackendConfig "edge-backend" does not set spec.logging.enable true`},
		{waf, "logging switched off", []rules.Resource{gce(nil), svc, backendConfig("edge-backend", with(armored, "logging", map[string]any{"enable": false}))}, true, "does not set spec.logging.enable true"},
		{waf, "logging switch unknown", []rules.Resource{gce(nil), svc, backendConfig("edge-backend", with(armored, "logging", map[string]any{"enable": rules.Unknown}))}, true, "does not set spec.logging.enable true"},
		{waf, "a port's BackendConfig without Cloud Armor", []rules.Resource{gce(nil), backendConfigured(`{"default": "edge-backend", "ports": {"http": "bare"}}`), bc, backendConfig("bare", with(armored, "securityPolicy", nil))}, true, `BackendConfig "bare" has no spec.securityPolicy.name`},
	}
}
