package azure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// securityRule is one NSG rule, inline in its NSG or a SecurityRule resource: where it is
// reported, and its inputs with the path they start at.
type securityRule struct {
	owner  rules.Resource
	inputs map[string]any
	at     string
}

func (s securityRule) str(k string) string { return rules.Str(s.inputs, s.at+k) }

// sources are the prefixes a rule admits; one unknown at preview stands for anyone.
func (s securityRule) sources() []string {
	out := rules.Strs(s.inputs, s.at+"sourceAddressPrefixes")
	if p := s.str("sourceAddressPrefix"); p != "" {
		out = append(out, p)
	}
	if v, _ := rules.Get(s.inputs, s.at+"sourceAddressPrefixes"); rules.IsUnknown(v) {
		out = append(out, rules.Unknown)
	}
	return out
}

// ports are the destination port ranges a rule opens ("443", "65200-65535", "*").
func (s securityRule) ports() []string {
	out := rules.Strs(s.inputs, s.at+"destinationPortRanges")
	if p := s.str("destinationPortRange"); p != "" {
		out = append(out, p)
	}
	if len(out) == 0 {
		out = []string{"*"}
	}
	return out
}

func (s securityRule) inboundAllow() bool {
	return oneOf(s.str("direction"), "Inbound") && oneOf(s.str("access"), "Allow")
}

// worldSources are the prefixes ARM reads as the whole internet. AzureCloud is every public
// address of Azure's datacentres, which any tenant can rent a machine behind, so it admits
// the world as surely as Internet does; so does its regional form (AzureCloud.UKSouth).
var worldSources = []string{"*", "Internet", "Any", "0.0.0.0/0", "0.0.0.0", "::/0", "AzureCloud", rules.Unknown}

func (s securityRule) fromWorld() bool {
	return slices.ContainsFunc(s.sources(), func(p string) bool {
		return oneOf(p, worldSources...) || strings.HasPrefix(strings.ToLower(p), "azurecloud.")
	})
}

// nsgRules are each NSG's rules, inline and as SecurityRule resources (matched to their NSG by
// reference or by networkSecurityGroupName), by the NSG's URN; a SecurityRule whose NSG is not
// in the stack stands alone.
func nsgRules(all []rules.Resource) map[string][]securityRule {
	out := map[string][]securityRule{}
	nsgs := of(all, TypeNetworkSecurityGroup)
	for _, n := range nsgs {
		for i := range rules.List(n.Inputs, "securityRules") {
			out[n.URN] = append(out[n.URN], securityRule{n, n.Inputs, fmt.Sprintf("securityRules[%d].", i)})
		}
	}
	for _, r := range of(all, TypeSecurityRule) {
		owner := r.URN
		name := rules.Known(rules.Str(r.Inputs, "networkSecurityGroupName"))
		for _, n := range nsgs {
			if slices.Contains(r.Dependencies, n.URN) || (name != "" && strings.EqualFold(name, nameOf(n))) {
				owner = n.URN
			}
		}
		out[owner] = append(out[owner], securityRule{r, r.Inputs, ""})
	}
	return out
}

// gatewayPorts are the only ports an Application Gateway listens on; gatewayManagerPorts are
// the ones Azure's GatewayManager must reach on a v2 gateway's subnet, which no other subnet
// needs, so an NSG that admits them is a gateway subnet's.
const gatewayManagerPorts = "65200-65535"

var gatewayPorts = []string{"80", "443"}

func isGatewayNSG(rs []securityRule) bool {
	return slices.ContainsFunc(rs, func(s securityRule) bool {
		return s.inboundAllow() && slices.ContainsFunc(s.sources(), func(p string) bool { return oneOf(p, "GatewayManager") }) &&
			slices.Contains(s.ports(), gatewayManagerPorts)
	})
}

// nsgNoWorldIngress: the estate's only way in from the internet is the Application Gateway,
// which listens on 443 and on 80 to redirect; no other subnet needs the internet, and SSH or
// RDP from it is the first thing scanners try (Prowler network_{ssh,rdp,http,udp}_internet_access_restricted).
var nsgNoWorldIngress = rules.Rule{
	Name:        "azure-network-nsg-no-world-ingress",
	Cloud:       rules.CloudAzure,
	Description: "No NSG rule, inline or a SecurityRule, allows inbound traffic from the internet (*, Internet, 0.0.0.0/0, or the AzureCloud service tag, every Azure tenant's addresses), except TCP 80 and 443 on an Application Gateway subnet's NSG (one that admits GatewayManager on 65200-65535).",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "an unknown source counts as the internet",
	Level:       rules.Mandatory,
	Types:       versions(TypeNetworkSecurityGroup, TypeSecurityRule),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, rs := range nsgRules(all) {
			gateway := isGatewayNSG(rs)
			for _, s := range rs {
				if !s.inboundAllow() || !s.fromWorld() {
					continue
				}
				ports := s.ports()
				if gateway && !slices.ContainsFunc(ports, func(p string) bool { return !slices.Contains(gatewayPorts, p) }) {
					continue
				}
				name := s.str("name")
				if name == "" {
					name = s.owner.Name
				}
				out = append(out, rules.Finding{URN: s.owner.URN, Message: fmt.Sprintf("rule %s allows ports %s from the internet; name the sources that need it", name, strings.Join(ports, ", "))})
			}
		}
		return out
	},
}

// exemptSubnets are the subnets Azure refuses an NSG on, or routes for itself.
var exemptSubnets = []string{"GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"}

// subnetNSG: a subnet without an NSG admits whatever its peers and gateways send it (CIS Azure
// 6.x); an NSG on each subnet makes every path in a decision someone wrote down.
var subnetNSG = rules.Rule{
	Name:        "azure-network-subnet-nsg",
	Cloud:       rules.CloudAzure,
	Description: "Every subnet, inline in a virtual network or a Subnet resource, has a network security group (networkSecurityGroup.id), except those Azure refuses one on (GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet).",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "the NSG passes",
	Level:       rules.Mandatory,
	Types:       versions(TypeVirtualNetwork, TypeSubnet),
	Check: func(r rules.Resource, _ rules.Config) []string {
		check := func(at, name string) string {
			if oneOf(name, exemptSubnets...) || rules.Present(r.Inputs, at+"networkSecurityGroup.id") {
				return ""
			}
			return fmt.Sprintf("subnet %s has no network security group (%snetworkSecurityGroup.id)", name, at)
		}
		var out []string
		if is(r.Type, TypeSubnet) {
			name := rules.Str(r.Inputs, "subnetName")
			if name == "" {
				name = rules.Str(r.Inputs, "name")
			}
			if msg := check("", name); msg != "" {
				out = append(out, msg)
			}
			return out
		}
		for i := range rules.List(r.Inputs, "subnets") {
			at := fmt.Sprintf("subnets[%d].", i)
			if msg := check(at, rules.Str(r.Inputs, at+"name")); msg != "" {
				out = append(out, msg)
			}
		}
		return out
	},
}

// minFlowLogDays is how long production keeps flow logs (Prowler
// network_flow_log_more_than_90_days); zero days, or no retention policy, keeps them forever.
const minFlowLogDays = 90

// flowLogs are the network's audit trail: every flow in and out of each subnet. Virtual
// network flow logs replace NSG flow logs, which Azure retires.
var flowLogs = rules.Rule{
	Name:        "azure-network-flow-logs",
	Cloud:       rules.CloudAzure,
	Description: "Every virtual network has an enabled flow log of the stack (targetResourceId), and in production no flow log deletes records younger than 90 days (retentionPolicy days 0, meaning forever, or at least 90).",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "a flow log is matched to its network by the id it names, else by reference; unknown retention days fail",
	Level:       rules.Mandatory,
	Types:       versions(TypeVirtualNetwork, TypeFlowLog),
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		var out []rules.Finding
		logs := of(all, TypeFlowLog)
		for _, f := range logs {
			if !cfg.Production() || !rules.BoolTrue(f.Inputs, "retentionPolicy.enabled") {
				continue
			}
			if days, ok := rules.Number(f.Inputs, "retentionPolicy.days"); !ok || (days > 0 && days < minFlowLogDays) {
				v, _ := rules.Get(f.Inputs, "retentionPolicy.days")
				out = append(out, rules.Finding{URN: f.URN, Message: fmt.Sprintf("retentionPolicy.days is %v; 0 (forever) or at least %d in production", v, minFlowLogDays)})
			}
		}
		for _, v := range of(all, TypeVirtualNetwork) {
			if !slices.ContainsFunc(logs, func(f rules.Resource) bool {
				enabled, set := rules.Get(f.Inputs, "enabled")
				return (!set || enabled == true) && refersTo(f, "targetResourceId", v)
			}) {
				out = append(out, rules.Finding{URN: v.URN, Message: "no enabled flow log of the stack records the network's flows"})
			}
		}
		return out
	},
}

// publicIPGatewayOnly is advisory: a public address is an entry point scanners find within
// minutes. The estate's only ones are the Application Gateway's frontend and the NAT
// gateway's outbound address; anything else should be a deliberate, reviewed exception.
var publicIPGatewayOnly = rules.Rule{
	Name:        "azure-network-public-ip-gateways-only",
	Cloud:       rules.CloudAzure,
	Description: "Every public IP address of the stack is an Application Gateway's frontend or a NAT gateway's outbound address. Advisory: a deliberate exception may need another.",
	Sections:    []rules.Section{rules.AccessControl, rules.RiskManagement},
	Unknown:     "a public IP is matched by the id a gateway names, else by reference",
	Level:       rules.Advisory,
	Types:       versions(TypePublicIPAddress, TypeApplicationGateway, TypeNatGateway),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		type user struct {
			r    rules.Resource
			path string
		}
		var users []user
		for _, g := range of(all, TypeApplicationGateway) {
			for i := range rules.List(g.Inputs, "frontendIPConfigurations") {
				users = append(users, user{g, fmt.Sprintf("frontendIPConfigurations[%d].publicIPAddress.id", i)})
			}
		}
		for _, n := range of(all, TypeNatGateway) {
			for i := range rules.List(n.Inputs, "publicIpAddresses") {
				users = append(users, user{n, fmt.Sprintf("publicIpAddresses[%d].id", i)})
			}
		}
		var out []rules.Finding
		for _, ip := range of(all, TypePublicIPAddress) {
			used := false
			for _, u := range users {
				if _, set := rules.Get(u.r.Inputs, u.path); set && refersTo(u.r, u.path, ip) {
					used = true
				}
			}
			if !used {
				out = append(out, rules.Finding{URN: ip.URN, Message: "the public IP address is neither an Application Gateway's frontend nor a NAT gateway's; reach the service through the gateway"})
			}
		}
		return out
	},
}
