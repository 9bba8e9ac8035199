package azure

import "github.com/healthhub/estate/policy/rules"

func peering(changes map[string]any) rules.Resource {
	inputs := map[string]any{
		"virtualNetworkPeeringName": "primary-to-dr", "resourceGroupName": "hh-prod-rg", "virtualNetworkName": "hh-prod-vnet",
		"remoteVirtualNetwork": map[string]any{"id": rules.Unknown}, "allowVirtualNetworkAccess": true,
		"allowForwardedTraffic": false, "allowGatewayTransit": false, "useRemoteGateways": false,
	}
	for k, v := range changes {
		if v == nil {
			delete(inputs, k)
			continue
		}
		inputs[k] = v
	}
	return res(TypeVirtualNetworkPeering, "primary-to-dr", inputs)
}

func peeringCases() []ruleCase {
	const rule = "azure-network-peering-no-transit"
	return []ruleCase{
		{rule, "the networks' own traffic only", []rules.Resource{peering(nil)}, false, "", ""},
		{rule, "flags left to ARM's defaults", []rules.Resource{peering(map[string]any{"allowForwardedTraffic": nil, "allowGatewayTransit": nil, "useRemoteGateways": nil})}, false, "", ""},
		{rule, "forwarded traffic", []rules.Resource{peering(map[string]any{"allowForwardedTraffic": true})}, true, "allowForwardedTraffic is true", ""},
		{rule, "a lent gateway", []rules.Resource{peering(map[string]any{"allowGatewayTransit": true})}, true, "allowGatewayTransit is true", ""},
		{rule, "a borrowed gateway", []rules.Resource{peering(map[string]any{"useRemoteGateways": rules.Unknown})}, true, "useRemoteGateways is", ""},
	}
}
