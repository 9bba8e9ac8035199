package kubernetes

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/healthhub/estate/policy/rules"
)

// The GKE Ingress controller reads its TLS policy and its backends' settings from custom
// resources that the Ingress's and the Service's annotations name, so its load balancer is
// judged through them, in the stack.
const (
	TypeFrontendConfig = "kubernetes:networking.gke.io/v1beta1:FrontendConfig"
	TypeBackendConfig  = "kubernetes:cloud.google.com/v1:BackendConfig"
	// TypeBackendConfigBeta is the same BackendConfig at its older version, which the
	// controller still serves.
	TypeBackendConfigBeta = "kubernetes:cloud.google.com/v1beta1:BackendConfig"
)

// gceIngresses are the Ingresses of class gce.
func gceIngresses(all []rules.Resource) []rules.Resource {
	var out []rules.Resource
	for _, r := range all {
		if r.Type == TypeIngress && ingressClass(r) == "gce" {
			out = append(out, r)
		}
	}
	return out
}

// namedIn finds the object of the types called name in namespace. A name unknown at preview
// is the object of those types that from's inputs refer to.
func namedIn(all []rules.Resource, from rules.Resource, types []string, name, namespace string) (rules.Resource, bool) {
	for _, o := range all {
		if !slices.Contains(types, o.Type) {
			continue
		}
		if rules.IsUnknown(name) {
			if slices.Contains(from.Dependencies, o.URN) {
				return o, true
			}
			continue
		}
		ns := rules.Str(o.Inputs, "metadata.namespace")
		if rules.Str(o.Inputs, "metadata.name") == name && (ns == namespace || rules.IsUnknown(ns) || rules.IsUnknown(namespace)) {
			return o, true
		}
	}
	return rules.Resource{}, false
}

// ingressGCESSLPolicy: GKE's load balancer takes Google's default SSL policy unless a
// FrontendConfig names one, and the default accepts TLS 1.0. The policy's own floor is the GCP
// rules' to judge; this ties the Ingress to it.
var ingressGCESSLPolicy = rules.Rule{
	Name:  "kubernetes-ingress-gce-ssl-policy",
	Cloud: rules.CloudKubernetes,
	Description: "Every Ingress of class gce names, in its " + gceFrontendConfig + " annotation, a FrontendConfig (networking.gke.io/v1beta1) of the stack in its namespace, " +
		"and that FrontendConfig names an SSL policy in spec.sslPolicy: without one the load balancer takes Google's default policy, which accepts TLS 1.0.",
	Sections: []rules.Section{rules.TransmissionSecurity},
	Unknown:  "a FrontendConfig name unknown at preview is the FrontendConfig the Ingress depends on; an unknown sslPolicy passes (a policy of the same update)",
	Level:    rules.Mandatory,
	Types:    []string{TypeIngress, TypeFrontendConfig},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, ing := range gceIngresses(all) {
			if msg := frontendConfigFinding(all, ing); msg != "" {
				out = append(out, rules.Finding{URN: ing.URN, Message: msg})
			}
		}
		return out
	},
}

func frontendConfigFinding(all []rules.Resource, ing rules.Resource) string {
	name := annotation(ing, gceFrontendConfig)
	if name == "" {
		return "no " + gceFrontendConfig + " annotation: the load balancer would take Google's default SSL policy, which accepts TLS 1.0; name a FrontendConfig whose spec.sslPolicy sets TLS 1.2 or later"
	}
	namespace := rules.Str(ing.Inputs, "metadata.namespace")
	fc, ok := namedIn(all, ing, []string{TypeFrontendConfig}, name, namespace)
	switch {
	case !ok:
		return fmt.Sprintf("%s names FrontendConfig %q, which is not in the stack in namespace %q: the load balancer's SSL policy cannot be shown", gceFrontendConfig, name, namespace)
	case !rules.Present(fc.Inputs, "spec.sslPolicy"):
		return fmt.Sprintf("FrontendConfig %q, named by %s, has no spec.sslPolicy: the load balancer would take Google's default SSL policy, which accepts TLS 1.0", rules.Str(fc.Inputs, "metadata.name"), gceFrontendConfig)
	}
	return ""
}

// ingressGCEWAF puts Cloud Armor in front of GKE's load balancer, as kubernetes-ingress-alb-waf
// puts the web ACL in front of an ALB, and logs its requests. GKE attaches both per backend,
// from the BackendConfig the published Service's annotation names, not from the Ingress.
var ingressGCEWAF = rules.Rule{
	Name:  "kubernetes-ingress-gce-waf",
	Cloud: rules.CloudKubernetes,
	Description: "Every Ingress of class gce publishes only Services of the stack (its spec.rules and spec.defaultBackend backends, by name in its namespace), each with a " + gceBackendConfig + " annotation " +
		"whose BackendConfigs (cloud.google.com), in the stack, name a Cloud Armor policy in spec.securityPolicy.name and log every request (spec.logging.enable true).",
	Sections: []rules.Section{rules.RiskManagement, rules.AccessControl, rules.AuditControls},
	Unknown:  "a backend Service name unknown at preview is the Service the Ingress depends on; an unknown " + gceBackendConfig + " or logging switch fails; an unknown security policy name passes (a policy of the same update)",
	Level:    rules.Mandatory,
	Types:    []string{TypeIngress, TypeService, TypeBackendConfig, TypeBackendConfigBeta},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, ing := range gceIngresses(all) {
			namespace := rules.Str(ing.Inputs, "metadata.namespace")
			for _, name := range backendServices(ing) {
				svc, ok := namedIn(all, ing, []string{TypeService}, name, namespace)
				if !ok {
					out = append(out, rules.Finding{URN: ing.URN, Message: fmt.Sprintf("backend Service %q is not in the stack in namespace %q: its Cloud Armor policy cannot be shown", name, namespace)})
					continue
				}
				for _, msg := range backendConfigFindings(all, svc) {
					out = append(out, rules.Finding{URN: ing.URN, Message: msg})
				}
			}
		}
		return out
	},
}

// backendServices are the Service names an Ingress sends to, each once.
func backendServices(ing rules.Resource) []string {
	var out []string
	add := func(path string) {
		if v, ok := rules.Get(ing.Inputs, path); ok {
			if name, _ := v.(string); name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	add("spec.defaultBackend.service.name")
	for i := range rules.List(ing.Inputs, "spec.rules") {
		for j := range rules.List(ing.Inputs, fmt.Sprintf("spec.rules[%d].http.paths", i)) {
			add(fmt.Sprintf("spec.rules[%d].http.paths[%d].backend.service.name", i, j))
		}
	}
	return out
}

// backendConfigFindings judges the BackendConfigs a Service's annotation names: the default
// and any per port, since each is some backend's.
func backendConfigFindings(all []rules.Resource, svc rules.Resource) []string {
	service := rules.Str(svc.Inputs, "metadata.name")
	value := annotation(svc, gceBackendConfig)
	switch {
	case rules.IsUnknown(value):
		return []string{fmt.Sprintf("Service %q: %s is unknown at preview", service, gceBackendConfig)}
	case value == "":
		return []string{fmt.Sprintf("Service %q has no %s annotation: its load balancer backend would have no Cloud Armor policy and no request logging", service, gceBackendConfig)}
	}
	var named struct {
		Default string            `json:"default"`
		Ports   map[string]string `json:"ports"`
	}
	if err := json.Unmarshal([]byte(value), &named); err != nil {
		return []string{fmt.Sprintf("Service %q: %s %q is not a JSON object of BackendConfig names", service, gceBackendConfig, value)}
	}
	var names []string
	if named.Default != "" {
		names = append(names, named.Default)
	}
	for _, port := range slices.Sorted(maps.Keys(named.Ports)) {
		if n := named.Ports[port]; !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return []string{fmt.Sprintf("Service %q: %s %q names no BackendConfig", service, gceBackendConfig, value)}
	}
	var out []string
	namespace := rules.Str(svc.Inputs, "metadata.namespace")
	for _, name := range names {
		bc, ok := namedIn(all, svc, []string{TypeBackendConfig, TypeBackendConfigBeta}, name, namespace)
		if !ok {
			out = append(out, fmt.Sprintf("BackendConfig %q, named by Service %q's %s, is not in the stack in namespace %q: its Cloud Armor policy cannot be shown", name, service, gceBackendConfig, namespace))
			continue
		}
		if !rules.Present(bc.Inputs, "spec.securityPolicy.name") {
			out = append(out, fmt.Sprintf("BackendConfig %q has no spec.securityPolicy.name: no Cloud Armor policy in front of Service %q", name, service))
		}
		if !rules.BoolTrue(bc.Inputs, "spec.logging.enable") {
			out = append(out, fmt.Sprintf("BackendConfig %q does not set spec.logging.enable true: the load balancer's requests to Service %q go unlogged", name, service))
		}
	}
	return out
}
