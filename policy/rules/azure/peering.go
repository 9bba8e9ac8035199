package azure

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// TypeVirtualNetworkPeering joins two of the estate's networks.
const TypeVirtualNetworkPeering = "azure-native:network:VirtualNetworkPeering"

// peeringNoTransit: a peering joins two networks, and is no route from a third into either:
// traffic forwarded from elsewhere, a borrowed gateway or a lent one would make the peer's
// neighbours the network's neighbours, outside its NSGs' view.
var peeringNoTransit = rules.Rule{
	Name:        "azure-network-peering-no-transit",
	Cloud:       rules.CloudAzure,
	Description: "Virtual network peerings carry only the two networks' own traffic: allowForwardedTraffic, allowGatewayTransit and useRemoteGateways are false (or unset, which ARM reads as false).",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "fails (taken as true)",
	Level:       rules.Mandatory,
	Types:       []string{TypeVirtualNetworkPeering},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, k := range []string{"allowForwardedTraffic", "allowGatewayTransit", "useRemoteGateways"} {
			if v, set := rules.Get(r.Inputs, k); set && v != false {
				out = append(out, fmt.Sprintf("%s is %v: the peering would carry a third network's traffic", k, v))
			}
		}
		return out
	},
}
