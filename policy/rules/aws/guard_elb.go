package aws

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// TypeClassicELB is the previous-generation load balancer, still offered and still found in
// older teams' code.
const TypeClassicELB = "aws:elb/loadBalancer:LoadBalancer"

// classicELBHardened: a classic load balancer cannot redirect HTTP to HTTPS, so unlike an
// application load balancer it may have no plain listener at all, and it reaches the
// instances over whatever its listener says, so both sides must be encrypted.
var classicELBHardened = rules.Rule{
	Name:        "aws-elb-classic-hardened",
	Cloud:       rules.CloudAWS,
	Description: "Classic load balancers write access logs to a bucket, and every listener is HTTPS or SSL both to clients and to the instances.",
	Sections:    []rules.Section{rules.AuditControls, rules.TransmissionSecurity},
	Unknown:     "switch and protocols fail; bucket passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeClassicELB},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		// The provider's default for accessLogs.enabled is true once a bucket is given.
		enabled, set := rules.Get(r.Inputs, "accessLogs.enabled")
		if !rules.Present(r.Inputs, "accessLogs.bucket") || (set && enabled != true) {
			out = append(out, "accessLogs must be enabled with a bucket")
		}
		for i := range rules.List(r.Inputs, "listeners") {
			for _, side := range []string{"lbProtocol", "instanceProtocol"} {
				p := fmt.Sprintf("listeners[%d].%s", i, side)
				if v := strings.ToUpper(rules.Str(r.Inputs, p)); v != "HTTPS" && v != "SSL" {
					out = append(out, fmt.Sprintf("%s is %q; must be HTTPS or SSL", p, rules.Str(r.Inputs, p)))
				}
			}
		}
		return out
	},
}
