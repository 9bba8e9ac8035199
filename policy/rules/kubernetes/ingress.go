package kubernetes

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// TypeIngress is how PHI reaches the workloads from outside the cluster.
const TypeIngress = "kubernetes:networking.k8s.io/v1:Ingress"

// The AWS Load Balancer Controller's annotations the ingress rules read.
const (
	albCertificateArn = "alb.ingress.kubernetes.io/certificate-arn"
	albListenPorts    = "alb.ingress.kubernetes.io/listen-ports"
	albSSLRedirect    = "alb.ingress.kubernetes.io/ssl-redirect"
	albSSLPolicy      = "alb.ingress.kubernetes.io/ssl-policy"
	albWebACL         = "alb.ingress.kubernetes.io/wafv2-acl-arn"
)

// The GKE Ingress controller's annotations the ingress rules read.
const (
	gcePreSharedCert  = "ingress.gcp.kubernetes.io/pre-shared-cert"
	gceManagedCerts   = "networking.gke.io/managed-certificates"
	gceAllowHTTP      = "kubernetes.io/ingress.allow-http"
	gceFrontendConfig = "networking.gke.io/v1beta1.FrontendConfig"
	gceBackendConfig  = "cloud.google.com/backend-config"
)

// The Application Gateway Ingress Controller's (AKS's ingress add-on) annotations the ingress
// rules read: the gateway's certificate by name, and the redirect of its port-80 listener.
const (
	agicClass       = "azure-application-gateway"
	agicCertificate = "appgw.ingress.kubernetes.io/appgw-ssl-certificate"
	agicSSLRedirect = "appgw.ingress.kubernetes.io/ssl-redirect"
)

// albTLSPolicies are the ELB security policies whose floor is TLS 1.2. Without the
// annotation the controller uses ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.
var albTLSPolicies = []string{"ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-TLS13-1-3-", "ELBSecurityPolicy-TLS-1-2-", "ELBSecurityPolicy-FS-1-2-"}

// ingressClass is spec.ingressClassName, or the older annotation a controller may still read.
func ingressClass(r rules.Resource) string {
	if c := rules.Str(r.Inputs, "spec.ingressClassName"); c != "" {
		return c
	}
	return annotation(r, "kubernetes.io/ingress.class")
}

// certified: an ALB with an ACM certificate, or GKE's load balancer with a Google-managed or
// pre-shared certificate, terminates TLS at the cloud's front end, so the ingress needs no tls
// section (the controller reads no secretName).
func certified(r rules.Resource) bool {
	has := func(key string) bool { return rules.Present(r.Inputs, "metadata.annotations"+quoted(key)) }
	switch ingressClass(r) {
	case "alb":
		return has(albCertificateArn)
	case "gce":
		return has(gcePreSharedCert) || has(gceManagedCerts)
	case agicClass:
		return has(agicCertificate)
	}
	return false
}

// ingressTLS: every request that carries PHI into the cluster is encrypted from the client to
// the point where TLS ends, with a floor of TLS 1.2, and no listener answers in clear text.
var ingressTLS = rules.Rule{
	Name:  "kubernetes-ingress-tls",
	Cloud: rules.CloudKubernetes,
	Description: "Every Ingress terminates TLS: spec.tls is set, each entry with hosts and a secretName, and every spec.rules host is one of its tls hosts, unless the class is alb with an " + albCertificateArn + " annotation (the load balancer terminates TLS with an ACM certificate) " +
		"or gce with an " + gcePreSharedCert + " or " + gceManagedCerts + " annotation (Google's front end terminates TLS with the estate's certificate), " +
		"or " + agicClass + " with an " + agicCertificate + " annotation (the Application Gateway terminates TLS with its Key Vault certificate). " +
		"For class alb, " + albListenPorts + " opens plain HTTP only with " + albSSLRedirect + " \"443\", and " + albSSLPolicy + " names a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-1-2-*, ELBSecurityPolicy-TLS-1-2-*). " +
		"For class gce, " + gceAllowHTTP + " is \"false\": port 80 is the estate's redirect, and a load balancer answering HTTP there would serve PHI in clear text (its TLS policy is checked by kubernetes-ingress-gce-ssl-policy). " +
		"For class " + agicClass + ", " + agicSSLRedirect + " is \"true\": the controller writes the gateway's port-80 listener, which must only redirect (the gateway's TLS policy is checked by azure-appgw-tls).",
	Sections: []rules.Section{rules.TransmissionSecurity},
	Unknown:  "spec.tls and the listener annotations (" + albListenPorts + ", " + gceAllowHTTP + ") unknown at preview fail; an unknown certificate, secretName or host passes",
	Level:    rules.Mandatory,
	Types:    []string{TypeIngress},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !certified(r) {
			out = append(out, tlsSection(r)...)
		}
		switch ingressClass(r) {
		case "alb":
			out = append(out, albListeners(r)...)
		case "gce":
			out = append(out, gceListeners(r)...)
		case agicClass:
			out = append(out, agicListeners(r)...)
		}
		return out
	},
}

func tlsSection(r rules.Resource) []string {
	if v, _ := rules.Get(r.Inputs, "spec.tls"); rules.IsUnknown(v) {
		return []string{"spec.tls is unknown at preview"}
	}
	entries := rules.List(r.Inputs, "spec.tls")
	if len(entries) == 0 {
		return []string{"no spec.tls: the ingress would serve PHI over plain HTTP; add tls hosts and a secretName (or, for class alb, the " + albCertificateArn + " annotation; for class gce, " + gcePreSharedCert + " or " + gceManagedCerts + "; for class " + agicClass + ", " + agicCertificate + ")"}
	}
	var out []string
	var hosts []string
	wildcard := false
	for i := range entries {
		p := fmt.Sprintf("spec.tls[%d]", i)
		if h, _ := rules.Get(r.Inputs, p+".hosts"); rules.IsUnknown(h) {
			wildcard = true
		} else if len(rules.List(r.Inputs, p+".hosts")) == 0 {
			out = append(out, p+" has no hosts")
		}
		hosts = append(hosts, rules.Strs(r.Inputs, p+".hosts")...)
		if !rules.Present(r.Inputs, p+".secretName") {
			out = append(out, p+" has no secretName")
		}
	}
	for i := range rules.List(r.Inputs, "spec.rules") {
		p := fmt.Sprintf("spec.rules[%d].host", i)
		host := rules.Str(r.Inputs, p)
		switch {
		case host == "":
			out = append(out, p+" is not set: a rule for any host is not covered by a tls host")
		case wildcard || rules.IsUnknown(host) || covered(host, hosts):
		default:
			out = append(out, fmt.Sprintf("%s %q is not in any spec.tls hosts: it would be served without its certificate", p, host))
		}
	}
	return out
}

// covered reports a host named by a tls host, directly or by a one-label wildcard.
func covered(host string, tlsHosts []string) bool {
	for _, h := range tlsHosts {
		if h == host || rules.IsUnknown(h) {
			return true
		}
		if rest, ok := strings.CutPrefix(h, "*."); ok {
			if label, domain, found := strings.Cut(host, "."); found && label != "" && domain == rest {
				return true
			}
		}
	}
	return false
}

func albListeners(r rules.Resource) []string {
	var out []string
	switch ports := annotation(r, albListenPorts); {
	case rules.IsUnknown(ports):
		out = append(out, albListenPorts+" is unknown at preview")
	case ports != "":
		// The controller's default (no annotation) is HTTPS 443 when the ingress has a
		// certificate, which the TLS section above already requires.
		var listeners []map[string]any
		if err := json.Unmarshal([]byte(ports), &listeners); err != nil {
			out = append(out, fmt.Sprintf("%s %q is not a JSON list of listeners", albListenPorts, ports))
			break
		}
		https := false
		for _, l := range listeners {
			if port, ok := l["HTTP"]; ok && annotation(r, albSSLRedirect) != "443" {
				out = append(out, fmt.Sprintf("%s opens plain HTTP on port %v without %s \"443\"", albListenPorts, port, albSSLRedirect))
			}
			if _, ok := l["HTTPS"]; ok {
				https = true
			}
		}
		if !https {
			out = append(out, albListenPorts+" has no HTTPS listener")
		}
	}
	policy := annotation(r, albSSLPolicy)
	if !slices.ContainsFunc(albTLSPolicies, func(prefix string) bool { return strings.HasPrefix(policy, prefix) }) {
		out = append(out, fmt.Sprintf("%s is %q; name a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (the default accepts TLS 1.0)", albSSLPolicy, policy))
	}
	return out
}

// gceListeners: GKE's controller opens an HTTP forwarding rule on port 80 unless told not to,
// and it redirects nothing there itself; the estate answers port 80 with its own redirect.
func gceListeners(r rules.Resource) []string {
	switch v := annotation(r, gceAllowHTTP); {
	case rules.IsUnknown(v):
		return []string{gceAllowHTTP + " is unknown at preview"}
	case v != "false":
		return []string{fmt.Sprintf("%s is %q (unset means \"true\"); set \"false\": the load balancer would serve PHI in clear text on port 80, where the estate's redirect belongs", gceAllowHTTP, v)}
	}
	return nil
}

// agicListeners: the controller rewrites the gateway's listeners from the Ingress, so its
// port-80 listener redirects only if the Ingress says so.
func agicListeners(r rules.Resource) []string {
	switch v := annotation(r, agicSSLRedirect); {
	case rules.IsUnknown(v):
		return []string{agicSSLRedirect + " is unknown at preview"}
	case v != "true":
		return []string{fmt.Sprintf("%s is %q; set \"true\": the gateway's port-80 listener would serve PHI in clear text instead of redirecting", agicSSLRedirect, v)}
	}
	return nil
}

// ingressWAF puts the AWS managed rule sets in front of every ALB an ingress creates, as the
// estate does for its own load balancers: the cluster's entry point is as exposed as theirs.
var ingressWAF = rules.Rule{
	Name:        "kubernetes-ingress-alb-waf",
	Cloud:       rules.CloudKubernetes,
	Description: "Every Ingress of class alb names a WAFv2 web ACL in its " + albWebACL + " annotation.",
	Sections:    []rules.Section{rules.RiskManagement, rules.AccessControl},
	Unknown:     "an ACL ARN unknown at preview passes (an ACL of the same update)",
	Level:       rules.Mandatory,
	Types:       []string{TypeIngress},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if ingressClass(r) == "alb" && !rules.Present(r.Inputs, "metadata.annotations"+quoted(albWebACL)) {
			return []string{"the ALB has no web ACL: set the " + albWebACL + " annotation"}
		}
		return nil
	},
}
