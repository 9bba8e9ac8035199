package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

func networkCases() []ruleCase {
	network := func(inputs map[string]any) rules.Resource { return res(TypeNetwork, "vpc", inputs) }
	subnet := func(inputs map[string]any) rules.Resource { return res(TypeSubnetwork, "primary", inputs) }
	goodSubnet := map[string]any{
		"region": "europe-west2", "ipCidrRange": "10.50.0.0/16", "privateIpGoogleAccess": true, "purpose": "PRIVATE",
		"logConfig": map[string]any{"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 0.5, "metadata": "INCLUDE_ALL_METADATA"},
	}
	proxyOnly := map[string]any{"region": "europe-west2", "ipCidrRange": "10.53.0.0/23", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}
	firewall := func(inputs map[string]any) rules.Resource { return res(TypeFirewall, "allow", inputs) }
	logged := map[string]any{"metadata": "INCLUDE_ALL_METADATA"}
	allowHTTPS := []any{map[string]any{"protocol": "tcp", "ports": []any{"443"}}}
	fromGFE := map[string]any{"direction": "INGRESS", "sourceRanges": []any{"130.211.0.0/22", "35.191.0.0/16"}, "allows": allowHTTPS, "logConfig": logged}
	nat := func(inputs map[string]any) rules.Resource { return res(TypeRouterNat, "nat", inputs) }

	return []ruleCase{
		{"gcp-compute-network-private", "custom mode", []rules.Resource{network(map[string]any{"autoCreateSubnetworks": false})}, false, "", ""},
		{"gcp-compute-network-private", "auto mode by default", []rules.Resource{network(map[string]any{})}, true, "autoCreateSubnetworks must be false", ""},
		{"gcp-compute-network-private", "private Google access", []rules.Resource{subnet(goodSubnet)}, false, "", ""},
		{"gcp-compute-network-private", "a proxy-only subnet takes none", []rules.Resource{subnet(proxyOnly)}, false, "", ""},
		{"gcp-compute-network-private", "no private Google access", []rules.Resource{subnet(with(goodSubnet, "privateIpGoogleAccess", nil))}, true, "privateIpGoogleAccess must be true", ""},

		{"gcp-compute-network-logs", "flow logs", []rules.Resource{subnet(goodSubnet)}, false, "", ""},
		{"gcp-compute-network-logs", "a proxy-only subnet has no flows to log", []rules.Resource{subnet(proxyOnly)}, false, "", ""},
		{"gcp-compute-network-logs", "no flow logs", []rules.Resource{subnet(with(goodSubnet, "logConfig", nil))}, true, "keeps no flow logs", ""},
		{"gcp-compute-network-logs", "logged firewall rule", []rules.Resource{firewall(fromGFE)}, false, "", ""},
		{"gcp-compute-network-logs", "unlogged firewall rule", []rules.Resource{firewall(with(fromGFE, "logConfig", nil))}, true, "logConfig.metadata is not set", ""},
		{"gcp-compute-network-logs", "NAT logging all", []rules.Resource{nat(map[string]any{"logConfig": map[string]any{"enable": true, "filter": "ALL"}})}, false, "", ""},
		{"gcp-compute-network-logs", "NAT not logging", []rules.Resource{nat(map[string]any{})}, true, "logConfig.enable must be true", ""},

		{"gcp-compute-firewall-no-world-ingress", "from Google's front ends", []rules.Resource{firewall(fromGFE)}, false, "", ""},
		{"gcp-compute-firewall-no-world-ingress", "logged deny of everything", []rules.Resource{firewall(map[string]any{"direction": "INGRESS", "sourceRanges": []any{"0.0.0.0/0"}, "denies": []any{map[string]any{"protocol": "all"}}, "logConfig": logged})}, false, "", ""},
		{"gcp-compute-firewall-no-world-ingress", "egress to anywhere", []rules.Resource{firewall(with(with(fromGFE, "direction", "EGRESS"), "destinationRanges", []any{"0.0.0.0/0"}))}, false, "", ""},
		{"gcp-compute-firewall-no-world-ingress", "no source at all is anywhere", []rules.Resource{firewall(with(fromGFE, "sourceRanges", nil))}, true, "[tcp:443] from the internet", ""},
		{"gcp-compute-firewall-no-world-ingress", "source tags only", []rules.Resource{firewall(with(with(fromGFE, "sourceRanges", nil), "sourceTags", []any{"bastion"}))}, false, "", ""},
		{"gcp-compute-firewall-no-world-ingress", "a disabled rule", []rules.Resource{firewall(with(with(fromGFE, "sourceRanges", []any{"0.0.0.0/0"}), "disabled", true))}, false, "", ""},
		{"gcp-compute-firewall-no-world-ingress", "ranges from another resource", []rules.Resource{firewall(with(fromGFE, "sourceRanges", []any{rules.Unknown}))}, false, "", ""},
		{"gcp-compute-firewall-no-world-ingress", "SSH from anywhere", []rules.Resource{firewall(with(with(fromGFE, "sourceRanges", []any{"0.0.0.0/0"}), "allows", []any{map[string]any{"protocol": "tcp", "ports": []any{"22"}}}))}, true, "[tcp:22] from the internet", ""},
		{"gcp-compute-firewall-no-world-ingress", "everything from IPv6 anywhere, direction left out", []rules.Resource{firewall(map[string]any{"sourceRanges": []any{"::/0"}, "allows": []any{map[string]any{"protocol": "all"}}})}, true, "[all:all] from the internet", ""},
	}
}
