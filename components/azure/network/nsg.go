package network

import (
	"strconv"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
)

// DenyAllPriority is the explicit deny-all inbound rule's priority: the last a custom rule may
// take, so every allow sits above it and Azure's default rules below it (AllowVnetInBound,
// AllowAzureLoadBalancerInBound at 65000 and up) are never reached. A subnet admits only what
// its own rules name.
const DenyAllPriority = 4096

// Azure's service tags, the sources Azure keeps current for its own infrastructure.
const (
	tagInternet       = "Internet"
	tagVirtualNetwork = "VirtualNetwork"
	tagGatewayManager = "GatewayManager"
	tagLoadBalancer   = "AzureLoadBalancer"
	anything          = "*"
)

// The ports the subnets serve.
const (
	httpsPort    = 443
	httpPort     = 80
	postgresPort = 5432
	// gatewayManagerPorts is the range Azure manages an Application Gateway v2 through; Azure
	// refuses to create a gateway in a subnet whose security group blocks it.
	gatewayManagerPorts = "65200-65535"
)

// inbound is one allow rule of a subnet's security group.
type inbound struct {
	name, description string
	priority          int
	protocol          string // "Tcp" or "*"
	sources           []string
	destination       string
	ports             []string
}

// subnetRules are the allows of each subnet; everything else is refused by the deny-all. Each
// names the narrowest source and destination that still works.
func subnetRules(args *NetworkArgs) map[string][]inbound {
	l := args.layout
	// Azure's load balancer health probes come from 168.63.129.16 only; without them an
	// internal load balancer (the API server's, a Service's) marks every backend down.
	loadBalancer := func(priority int) inbound {
		return inbound{"allow-azure-load-balancer", "Azure load balancer health probes", priority, anything, []string{tagLoadBalancer}, anything, []string{anything}}
	}
	nodes := []inbound{
		// The one way in from outside the cluster: the gateway to the workloads' HTTPS port.
		// Destination any: with Azure CNI Overlay the gateway reaches pod addresses, which are
		// not in the subnet.
		{"allow-gateway-to-workloads", "Application Gateway to the workloads' HTTPS port", 100, "Tcp", []string{l.Gateway}, anything, []string{strconv.Itoa(args.ServingPort)}},
		// Node to node, the API server to the kubelets and webhooks, the pipeline's runners in
		// peered networks to nothing but what Kubernetes network policies then allow.
		{"allow-virtual-network", "The virtual network and its peers; network policies narrow this per workload", 110, anything, []string{tagVirtualNetwork}, anything, []string{anything}},
	}
	if args.PodCidr != "" {
		// Pod to pod across nodes keeps the pods' overlay addresses, which the VirtualNetwork
		// tag does not cover.
		nodes = append(nodes, inbound{"allow-pods", "Pod to pod across nodes (the overlay range)", 120, anything, []string{args.PodCidr}, anything, []string{anything}})
	}
	nodes = append(nodes, loadBalancer(130))

	database := []inbound{
		{"allow-postgres-from-nodes", "PostgreSQL from the cluster's nodes only", 100, "Tcp", []string{l.Nodes}, l.Database, []string{strconv.Itoa(postgresPort)}},
		// The primary and its zone-redundant standby replicate inside the delegated subnet;
		// nothing else is ever placed in it.
		{"allow-database-subnet", "The database servers to each other (high-availability replication)", 110, anything, []string{l.Database}, l.Database, []string{anything}},
	}
	if len(args.DatabasePeerCidrs) > 0 {
		// A replica in the other location streams from the primary over the peering.
		database = append(database, inbound{"allow-postgres-from-peers", "PostgreSQL replication from the other location's database subnet", 120, "Tcp", args.DatabasePeerCidrs, l.Database, []string{strconv.Itoa(postgresPort)}})
	}

	return map[string][]inbound{
		subnetGateway: {
			// Destination the gateway's own subnet, as Azure's gateway documentation asks: the
			// public frontend's traffic arrives at the instances' addresses.
			{"allow-https-from-internet", "Clients to the gateway's HTTPS listener", 100, "Tcp", []string{tagInternet}, l.Gateway, []string{strconv.Itoa(httpsPort)}},
			// Port 80 only ever answers with a permanent redirect to HTTPS.
			{"allow-http-from-internet", "Clients to the HTTP listener, which only redirects to HTTPS", 110, "Tcp", []string{tagInternet}, l.Gateway, []string{strconv.Itoa(httpPort)}},
			{"allow-gateway-manager", "Azure's management of the v2 gateway", 120, "Tcp", []string{tagGatewayManager}, anything, []string{gatewayManagerPorts}},
			loadBalancer(130),
		},
		subnetNodes: nodes,
		subnetEndpoints: {
			// Every private endpoint the estate makes (Key Vault, blob) serves HTTPS.
			{"allow-https-from-virtual-network", "HTTPS to the private endpoints from the network and its peers", 100, "Tcp", []string{tagVirtualNetwork}, l.Endpoints, []string{strconv.Itoa(httpsPort)}},
		},
		subnetDatabase: database,
		subnetApiServer: {
			// The API server's internal load balancer: the nodes, and the pipeline from a peered
			// network, reach it on 443 only.
			{"allow-https-from-virtual-network", "The API server from the network and its peers", 100, "Tcp", []string{tagVirtualNetwork}, l.ApiServer, []string{strconv.Itoa(httpsPort)}},
			loadBalancer(110),
		},
	}
}

// securityRules are a subnet's allows and the explicit deny-all beneath them. The deny-all
// copies what Azure's lowest default rule does, but above AllowVnetInBound and
// AllowAzureLoadBalancerInBound, so nothing reaches the subnet by default; and, being a rule of
// the estate's, it shows in the flow log as the rule that refused a connection.
func securityRules(allows []inbound) network.SecurityRuleTypeArray {
	out := network.SecurityRuleTypeArray{}
	for _, r := range allows {
		rule := network.SecurityRuleTypeArgs{
			Name:                     pulumi.String(r.name),
			Description:              pulumi.String(r.description),
			Priority:                 pulumi.Int(r.priority),
			Direction:                pulumi.String("Inbound"),
			Access:                   pulumi.String("Allow"),
			Protocol:                 pulumi.String(r.protocol),
			SourcePortRange:          pulumi.String(anything),
			DestinationAddressPrefix: pulumi.String(r.destination),
		}
		if len(r.sources) == 1 {
			rule.SourceAddressPrefix = pulumi.String(r.sources[0])
		} else {
			rule.SourceAddressPrefixes = pulumi.ToStringArray(r.sources)
		}
		if len(r.ports) == 1 {
			rule.DestinationPortRange = pulumi.String(r.ports[0])
		} else {
			rule.DestinationPortRanges = pulumi.ToStringArray(r.ports)
		}
		out = append(out, rule)
	}
	return append(out, network.SecurityRuleTypeArgs{
		Name:                     pulumi.String("deny-all-inbound"),
		Description:              pulumi.String("Refuse everything the rules above do not allow"),
		Priority:                 pulumi.Int(DenyAllPriority),
		Direction:                pulumi.String("Inbound"),
		Access:                   pulumi.String("Deny"),
		Protocol:                 pulumi.String(anything),
		SourceAddressPrefix:      pulumi.String(anything),
		SourcePortRange:          pulumi.String(anything),
		DestinationAddressPrefix: pulumi.String(anything),
		DestinationPortRange:     pulumi.String(anything),
	})
}

// newSecurityGroup is one subnet's network security group, its rules inline so the group is one
// resource the policy pack reads whole and one change the activity log records.
func newSecurityGroup(ctx *pulumi.Context, n *Network, args *NetworkArgs, subnet string, allows []inbound) (*network.NetworkSecurityGroup, error) {
	name := args.name("nsg-" + subnet)
	return network.NewNetworkSecurityGroup(ctx, name, &network.NetworkSecurityGroupArgs{
		NetworkSecurityGroupName: pulumi.String(name),
		ResourceGroupName:        args.ResourceGroupName,
		Location:                 pulumi.String(args.Location),
		SecurityRules:            securityRules(allows),
		Tags:                     azurekit.Tags(args.Tags),
	}, pulumi.Parent(n))
}
