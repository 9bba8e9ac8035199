package kubernetes

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// TypeService is a stable address for a workload's pods.
const TypeService = "kubernetes:core/v1:Service"

// serviceNotExposed keeps the ingress the only way in. A LoadBalancer Service asks the cloud
// for a load balancer of its own, and a NodePort opens the port on every node's address: both
// reach the pods without the ingress's TLS, certificate and web ACL, and outside the
// NetworkPolicy an auditor reads for the namespace. externalIPs let a Service claim traffic
// for any address, another pod's included (CVE-2020-8554).
var serviceNotExposed = rules.Rule{
	Name:        "kubernetes-service-not-exposed",
	Cloud:       rules.CloudKubernetes,
	Description: "No Service is of type LoadBalancer or NodePort, or sets externalIPs: traffic from outside the cluster enters through an Ingress, with its TLS and web ACL.",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "an unknown type or externalIPs fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeService},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		switch t := rules.Str(r.Inputs, "spec.type"); {
		case t == "LoadBalancer" || t == "NodePort":
			out = append(out, fmt.Sprintf("type %s opens a port outside the ingress; use ClusterIP behind an Ingress", t))
		case rules.IsUnknown(t):
			out = append(out, "spec.type is unknown at preview")
		}
		if ips, _ := rules.Get(r.Inputs, "spec.externalIPs"); rules.IsUnknown(ips) || len(rules.List(r.Inputs, "spec.externalIPs")) > 0 {
			out = append(out, "spec.externalIPs claims outside addresses for the Service; remove them")
		}
		return out
	},
}
