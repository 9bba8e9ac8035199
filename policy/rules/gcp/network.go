package gcp

import (
	"fmt"
	"slices"

	"github.com/healthhub/estate/policy/rules"
)

// VPC network types.
const (
	TypeNetwork    = "gcp:compute/network:Network"
	TypeSubnetwork = "gcp:compute/subnetwork:Subnetwork"
	TypeFirewall   = "gcp:compute/firewall:Firewall"
	TypeRouterNat  = "gcp:compute/routerNat:RouterNat"
)

// privateSubnet is a subnet for instances; proxy-only and Private Service Connect subnets
// (another purpose) take neither flow logs nor private Google access.
func privateSubnet(r rules.Resource) bool {
	p := rules.Str(r.Inputs, "purpose")
	return p == "" || p == "PRIVATE" || p == "PRIVATE_RFC_1918"
}

// networkPrivate: an auto-mode network creates a subnet in every region, outside the
// allow-list; private Google access lets nodes without public addresses reach Google's APIs.
var networkPrivate = rules.Rule{
	Name:        "gcp-compute-network-private",
	Cloud:       rules.CloudGCP,
	Description: "VPC networks are custom mode (autoCreateSubnetworks false: no subnet in every region), and instance subnets reach Google APIs by private Google access rather than public addresses.",
	Sections:    []rules.Section{rules.AccessControl, rules.RiskManagement},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeNetwork, TypeSubnetwork},
	Check: func(r rules.Resource, _ rules.Config) []string {
		switch {
		case r.Type == TypeNetwork:
			if v, _ := rules.Get(r.Inputs, "autoCreateSubnetworks"); v != false {
				return []string{"autoCreateSubnetworks must be false: an auto-mode network has a subnet in every region"}
			}
		case privateSubnet(r) && !rules.BoolTrue(r.Inputs, "privateIpGoogleAccess"):
			return []string{"privateIpGoogleAccess must be true"}
		}
		return nil
	},
}

// networkLogs are the VPC's audit trail: flows in and out of each subnet, what each firewall
// rule allowed or denied, and what the NAT translated.
var networkLogs = rules.Rule{
	Name:        "gcp-compute-network-logs",
	Cloud:       rules.CloudGCP,
	Description: "Instance subnets keep VPC flow logs (logConfig), firewall rules log their matches (logConfig.metadata) and Cloud NAT logs its translations (logConfig.enable).",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSubnetwork, TypeFirewall, TypeRouterNat},
	Check: func(r rules.Resource, _ rules.Config) []string {
		switch {
		case r.Type == TypeSubnetwork && privateSubnet(r):
			if v, ok := rules.Get(r.Inputs, "logConfig"); !ok || rules.IsUnknown(v) {
				return []string{"logConfig is not set: the subnet keeps no flow logs"}
			}
		case r.Type == TypeFirewall:
			if m := rules.Str(r.Inputs, "logConfig.metadata"); m == "" || rules.IsUnknown(m) {
				return []string{"logConfig.metadata is not set: the rule's matches are not logged"}
			}
		case r.Type == TypeRouterNat:
			if !rules.BoolTrue(r.Inputs, "logConfig.enable") {
				return []string{"logConfig.enable must be true"}
			}
		}
		return nil
	},
}

// firewallNoWorldIngress: the estate's only way in from the internet is the external HTTPS
// load balancer, whose Google front ends reach backends from Google's own ranges; no firewall
// rule needs the whole internet. A rule with no source at all applies to 0.0.0.0/0.
var firewallNoWorldIngress = rules.Rule{
	Name:        "gcp-compute-firewall-no-world-ingress",
	Cloud:       rules.CloudGCP,
	Description: "No enabled ingress allow rule admits the internet: sourceRanges 0.0.0.0/0 or ::/0, or no source at all, which GCP reads as 0.0.0.0/0.",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "ranges from other resources pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeFirewall},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if d := rules.Str(r.Inputs, "direction"); (d != "" && d != "INGRESS") || rules.BoolTrue(r.Inputs, "disabled") || len(rules.List(r.Inputs, "allows")) == 0 {
			return nil
		}
		ranges := rules.Strs(r.Inputs, "sourceRanges")
		_, rangesSet := rules.Get(r.Inputs, "sourceRanges")
		noSource := !rangesSet && len(rules.List(r.Inputs, "sourceTags")) == 0 && len(rules.List(r.Inputs, "sourceServiceAccounts")) == 0
		if noSource || slices.Contains(ranges, "0.0.0.0/0") || slices.Contains(ranges, "::/0") {
			return []string{fmt.Sprintf("the rule allows %v from the internet; name the sources that need it", allowed(r))}
		}
		return nil
	},
}

// allowed lists a firewall rule's allows as protocol:ports.
func allowed(r rules.Resource) []string {
	var out []string
	for i := range rules.List(r.Inputs, "allows") {
		at := fmt.Sprintf("allows[%d].", i)
		ports := rules.Strs(r.Inputs, at+"ports")
		if len(ports) == 0 {
			ports = []string{"all"}
		}
		for _, p := range ports {
			out = append(out, rules.Str(r.Inputs, at+"protocol")+":"+p)
		}
	}
	return out
}
