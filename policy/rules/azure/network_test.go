package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// nsgRule is an inline NSG rule as the Network component writes it.
func nsgRule(name string, priority int64, direction, access, source, ports string) map[string]any {
	return map[string]any{
		"name": name, "priority": priority, "direction": direction, "access": access, "protocol": "Tcp",
		"sourceAddressPrefix": source, "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": ports,
	}
}

func nsg(name string, rs ...map[string]any) rules.Resource {
	var list []any
	for _, r := range rs {
		list = append(list, r)
	}
	list = append(list, nsgRule("deny-all-inbound", 4096, "Inbound", "Deny", "*", "*"))
	return res(TypeNetworkSecurityGroup, name, map[string]any{
		"networkSecurityGroupName": name, "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(), "securityRules": list,
	})
}

// gatewayNSG is the gateway subnet's NSG: the listeners from the internet, and what Azure needs.
func gatewayNSG(extra ...map[string]any) rules.Resource {
	return nsg("hh-prod-nsg-gateway", append([]map[string]any{
		nsgRule("https", 100, "Inbound", "Allow", "Internet", "443"),
		nsgRule("http-redirect", 110, "Inbound", "Allow", "Internet", "80"),
		nsgRule("gateway-manager", 120, "Inbound", "Allow", "GatewayManager", "65200-65535"),
		nsgRule("load-balancer", 130, "Inbound", "Allow", "AzureLoadBalancer", "*"),
	}, extra...)...)
}

// subnet is an inline subnet with its NSG.
func subnet(name, prefix string, nsg any) map[string]any {
	s := map[string]any{"name": name, "addressPrefix": prefix, "privateEndpointNetworkPolicies": "Enabled"}
	if nsg != nil {
		s["networkSecurityGroup"] = map[string]any{"id": nsg}
	}
	return s
}

func vnet(subnets ...any) rules.Resource {
	return res(TypeVirtualNetwork, "vnet", map[string]any{
		"virtualNetworkName": "hh-prod-vnet", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"addressSpace": map[string]any{"addressPrefixes": []any{"10.20.0.0/16"}}, "subnets": subnets,
	})
}

func flowLog(target string, retention map[string]any) rules.Resource {
	inputs := map[string]any{
		"flowLogName": "hh-prod-vnet", "networkWatcherName": "NetworkWatcher_uksouth", "resourceGroupName": "NetworkWatcherRG",
		"location": "uksouth", "tags": tags(), "enabled": true, "targetResourceId": target, "storageId": rules.Unknown,
		"format": map[string]any{"type": "JSON", "version": int64(2)},
	}
	if retention != nil {
		inputs["retentionPolicy"] = retention
	}
	return res(TypeFlowLog, "vnet-flows", inputs)
}

func networkCases() []ruleCase {
	nodes := nsg("hh-prod-nsg-nodes", nsgRule("from-gateway", 100, "Inbound", "Allow", "10.20.1.0/24", "8443"))
	vnetID := group + "/providers/Microsoft.Network/virtualNetworks/hh-prod-vnet"
	network := vnet(
		subnet("nodes", "10.20.0.0/24", rules.Unknown), subnet("gateway", "10.20.1.0/24", rules.Unknown),
		subnet("database", "10.20.2.0/24", group+"/providers/Microsoft.Network/networkSecurityGroups/hh-prod-nsg-database"),
	)
	keep90 := map[string]any{"enabled": true, "days": int64(90)}
	ip := func(name string) rules.Resource {
		return res(TypePublicIPAddress, name, map[string]any{
			"publicIpAddressName": name, "location": "uksouth", "resourceGroupName": "hh-prod-rg",
			"sku": map[string]any{"name": "Standard"}, "publicIPAllocationMethod": "Static", "zones": []any{"1", "2", "3"},
		})
	}
	natIP, gatewayIP := ip("hh-prod-nat-ip"), ip("hh-prod-agw-ip")
	nat := dependsOn(res(TypeNatGateway, "nat", map[string]any{"natGatewayName": "hh-prod-nat", "publicIpAddresses": []any{map[string]any{"id": rules.Unknown}}}), natIP)
	gateway := res(TypeApplicationGateway, "agw", map[string]any{
		"frontendIPConfigurations": []any{map[string]any{"name": "public", "publicIPAddress": map[string]any{"id": group + "/providers/Microsoft.Network/publicIPAddresses/hh-prod-agw-ip"}}},
	})

	return []ruleCase{
		{"azure-network-nsg-no-world-ingress", "the gateway's listeners", []rules.Resource{gatewayNSG(), nodes}, false, "", ""},
		{"azure-network-nsg-no-world-ingress", "a separate rule on the gateway's NSG", []rules.Resource{gatewayNSG(), res(TypeSecurityRule, "https-alt", with(nsgRule("https-alt", 140, "Inbound", "Allow", "*", "443"), "networkSecurityGroupName", "hh-prod-nsg-gateway"))}, false, "", ""},
		{"azure-network-nsg-no-world-ingress", "a world deny", []rules.Resource{nsg("hh-prod-nsg-nodes")}, false, "", ""},
		{"azure-network-nsg-no-world-ingress", "HTTPS from the internet on the nodes", []rules.Resource{nsg("hh-prod-nsg-nodes", nsgRule("https", 100, "Inbound", "Allow", "Internet", "443"))}, true, "rule https allows ports 443 from the internet", ""},
		{"azure-network-nsg-no-world-ingress", "SSH on the gateway's NSG", []rules.Resource{gatewayNSG(nsgRule("ssh", 150, "Inbound", "Allow", "*", "22"))}, true, "rule ssh allows ports 22 from the internet", ""},
		{"azure-network-nsg-no-world-ingress", "a port range from the internet on the gateway", []rules.Resource{gatewayNSG(nsgRule("wide", 150, "Inbound", "Allow", "0.0.0.0/0", "80-443"))}, true, "allows ports 80-443", ""},
		{"azure-network-nsg-no-world-ingress", "a separate rule from anywhere", []rules.Resource{nodes, res(TypeSecurityRule, "rdp", with(nsgRule("rdp", 200, "Inbound", "Allow", "*", "3389"), "networkSecurityGroupName", "hh-prod-nsg-nodes"))}, true, "rule rdp allows ports 3389", ""},
		{"azure-network-nsg-no-world-ingress", "from the virtual network", []rules.Resource{nsg("hh-prod-nsg-nodes", nsgRule("vnet", 100, "Inbound", "Allow", "VirtualNetwork", "*"))}, false, "", ""},
		{"azure-network-nsg-no-world-ingress", "from every Azure tenant", []rules.Resource{nsg("hh-prod-nsg-nodes", nsgRule("azure", 100, "Inbound", "Allow", "AzureCloud", "443"))}, true, "rule azure allows ports 443 from the internet", ""},
		{"azure-network-nsg-no-world-ingress", "from every Azure tenant in the region", []rules.Resource{nsg("hh-prod-nsg-nodes", nsgRule("azure-uk", 100, "Inbound", "Allow", "AzureCloud.UKSouth", "22"))}, true, "rule azure-uk allows ports 22 from the internet", ""},
		{"azure-network-nsg-no-world-ingress", "a source unknown at preview", []rules.Resource{nsg("hh-prod-nsg-nodes", nsgRule("x", 100, "Inbound", "Allow", rules.Unknown, "5432"))}, true, "allows ports 5432 from the internet", ""},

		{"azure-network-subnet-nsg", "every subnet", []rules.Resource{network}, false, "", ""},
		{"azure-network-subnet-nsg", "a VPN gateway subnet", []rules.Resource{vnet(subnet("GatewaySubnet", "10.20.9.0/27", nil))}, false, "", ""},
		{"azure-network-subnet-nsg", "a subnet without one", []rules.Resource{vnet(subnet("nodes", "10.20.0.0/24", rules.Unknown), subnet("apiserver", "10.20.3.0/28", nil))}, true, "subnet apiserver has no network security group (subnets[1].networkSecurityGroup.id)", ""},
		{"azure-network-subnet-nsg", "a Subnet resource without one", []rules.Resource{res(TypeSubnet, "s", map[string]any{"subnetName": "endpoints", "virtualNetworkName": "hh-prod-vnet"})}, true, "subnet endpoints has no network security group", ""},

		{"azure-network-flow-logs", "flows kept 90 days", []rules.Resource{network, dependsOn(flowLog(rules.Unknown, keep90), network)}, false, "", ""},
		{"azure-network-flow-logs", "by the network's id, kept forever", []rules.Resource{network, flowLog(vnetID, nil)}, false, "", ""},
		{"azure-network-flow-logs", "a week in dev", []rules.Resource{network, flowLog(vnetID, map[string]any{"enabled": true, "days": int64(7)})}, false, "", "dev"},
		{"azure-network-flow-logs", "no flow log", []rules.Resource{network}, true, "no enabled flow log of the stack records the network's flows", ""},
		{"azure-network-flow-logs", "another network's", []rules.Resource{network, flowLog(group+"/providers/Microsoft.Network/virtualNetworks/hh-prod-vnet-dr", keep90)}, true, "no enabled flow log", ""},
		{"azure-network-flow-logs", "disabled", []rules.Resource{network, withInput(flowLog(vnetID, keep90), "enabled", false)}, true, "no enabled flow log", ""},
		{"azure-network-flow-logs", "a week in production", []rules.Resource{network, flowLog(vnetID, map[string]any{"enabled": true, "days": int64(7)})}, true, "retentionPolicy.days is 7; 0 (forever) or at least 90", ""},

		{"azure-network-public-ip-gateways-only", "the gateway's and the NAT's", []rules.Resource{natIP, nat, gatewayIP, gateway}, false, "", ""},
		{"azure-network-public-ip-gateways-only", "an address nothing uses", []rules.Resource{ip("hh-prod-debug")}, true, "neither an Application Gateway's frontend nor a NAT gateway's", ""},
		{"azure-network-public-ip-gateways-only", "an address the gateway does not name", []rules.Resource{natIP, nat, ip("hh-prod-other"), gateway}, true, "neither", ""},
	}
}
