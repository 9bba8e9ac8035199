package network

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
	"github.com/healthhub/estate/internal/naming"
)

// Defaults of NetworkArgs.
const (
	// DefaultFlowLogRetentionDays is how long the flow log keeps its records in the storage
	// account: the 90 days the CIS Azure benchmark asks of flow logs. The account's own lifecycle and
	// immutability, not this, decide anything longer.
	DefaultFlowLogRetentionDays = 90
	// maxFlowLogRetentionDays is the most a flow log's retention policy takes.
	maxFlowLogRetentionDays = 365
	// DefaultServingPort is where the workloads take HTTPS from the gateway: the non-privileged
	// port the containers bind as non-root users, as on every cloud.
	DefaultServingPort = 8443
	// DefaultNetworkWatcherResourceGroup is where Azure creates the watchers it enables itself.
	DefaultNetworkWatcherResourceGroup = "NetworkWatcherRG"
	// trafficAnalyticsMinutes is how often traffic analytics processes the flow log: the
	// shorter of the two intervals Azure offers, so an unusual flow shows within minutes.
	trafficAnalyticsMinutes = 10
)

// The subnets, by their names in the virtual network.
const (
	subnetNodes     = "nodes"
	subnetGateway   = "gateway"
	subnetEndpoints = "endpoints"
	subnetDatabase  = "database"
	subnetApiServer = "apiserver"
)

// subnets are the subnets in the order the network lists them.
var subnets = []string{subnetNodes, subnetGateway, subnetEndpoints, subnetDatabase, subnetApiServer}

// The services the delegated subnets are handed to.
const (
	delegationPostgres = "Microsoft.DBforPostgreSQL/flexibleServers"
	delegationAKS      = "Microsoft.ContainerService/managedClusters"
)

// NetworkArgs configures the estate's virtual network in one location.
type NetworkArgs struct {
	// Prefix names the network's resources "<prefix>-<kind>-<location>": lowercase letters and
	// digits, starting with a letter, at most 12 (azureformat.Prefix, with room for a suffix
	// such as "dr").
	Prefix string
	// ResourceGroupName is the group the network, its security groups, NAT gateway and the
	// zones it creates go in.
	ResourceGroupName pulumi.StringInput
	// Location is the Azure location, such as uksouth.
	Location string
	// Cidr is the network's address space: a private /16 to /20, carved as Layout describes.
	Cidr string
	// FlowLogStorageAccountId is the storage account the VNet flow log writes to; Azure requires
	// it in the network's own location.
	FlowLogStorageAccountId pulumi.StringInput
	// FlowLogRetentionDays is 1 to 365 (default DefaultFlowLogRetentionDays); at least 90 when
	// Protect.
	FlowLogRetentionDays int
	// WorkspaceId and WorkspaceCustomerId are a Log Analytics workspace's ARM id and its
	// customer (workspace) id: both turn on traffic analytics over the flow log, neither
	// leaves it off.
	WorkspaceId, WorkspaceCustomerId pulumi.StringInput
	// WorkspaceLocation is the workspace's location (default Location): the DR network's
	// analytics go to the primary's workspace.
	WorkspaceLocation string
	// NetworkWatcherName (default "NetworkWatcher_<location>") and NetworkWatcherResourceGroup
	// (default DefaultNetworkWatcherResourceGroup) name the watcher the flow log belongs to:
	// Azure keeps one per location and subscription and creates it with the first network.
	NetworkWatcherName, NetworkWatcherResourceGroup string
	// ServingPort is the port the gateway reaches the workloads on, 1024 to 65535 (default
	// DefaultServingPort).
	ServingPort int
	// PodCidr is the cluster's overlay pod range (optional): pods on different nodes talk with
	// these addresses, which the nodes' security group then admits.
	PodCidr string
	// DatabasePeerCidrs are the other location's database subnets (Carve(...).Database), whose
	// replica streams from this network's database over the peering (optional).
	DatabasePeerCidrs []string
	// DNSZones are existing private DNS zones by name to link instead of creating: the DR
	// network resolves through the primary's ZoneKeyVault, ZoneBlob and ZonePostgres.
	DNSZones map[string]pulumi.StringInput
	// Protect keeps the virtual network and the zones it creates through destroys
	// (production): the database is injected into the network and reached by a zone record.
	Protect bool
	// Tags are the estate's tags, on every resource that takes them.
	Tags map[string]string

	layout Layout
}

// Network is a virtual network with a subnet per role, each behind a network security group
// that refuses everything its rules do not name; a NAT gateway the nodes reach out through, so
// no node has a public address; a VNet flow log to a storage account; and the private DNS
// zones the estate's private endpoints, database and private cluster resolve in, linked to it.
type Network struct {
	pulumi.ResourceState

	VnetId            pulumi.StringOutput `pulumi:"vnetId"`
	VnetName          pulumi.StringOutput `pulumi:"vnetName"`
	NodeSubnetId      pulumi.StringOutput `pulumi:"nodeSubnetId"`
	GatewaySubnetId   pulumi.StringOutput `pulumi:"gatewaySubnetId"`
	EndpointSubnetId  pulumi.StringOutput `pulumi:"endpointSubnetId"`
	DatabaseSubnetId  pulumi.StringOutput `pulumi:"databaseSubnetId"`
	ApiServerSubnetId pulumi.StringOutput `pulumi:"apiServerSubnetId"`
	// ZoneIds are the private DNS zones' ARM ids by zone name, created or linked.
	ZoneIds pulumi.StringMapOutput `pulumi:"zoneIds"`

	// The subnets' ranges, known when the program runs, for the Kubernetes network policies.
	NodeCidr, GatewayCidr, EndpointCidr, DatabaseCidr, ApiServerCidr string
}

// resourceGroupName is ARM's rule for a resource group's name.
var resourceGroupName = regexp.MustCompile(`^[-\w.()]{0,89}[-\w()]$`)

// watcherName is ARM's rule for a network resource's name.
var watcherName = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$`)

// Validate checks the Args before anything is registered.
func (a *NetworkArgs) Validate() error {
	const c = "Network"
	if !azureformat.SuffixedPrefix.MatchString(a.Prefix) {
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a lowercase letter and hold 2 to 12 lowercase letters or digits")
	}
	if a.ResourceGroupName == nil {
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	layout, err := Carve(a.Cidr)
	if err != nil {
		return err
	}
	a.layout = layout
	if a.FlowLogStorageAccountId == nil {
		return kit.ArgError(c, "FlowLogStorageAccountId", nil, "required: flow logs are always on")
	}
	if a.FlowLogRetentionDays == 0 {
		a.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
	switch {
	case a.FlowLogRetentionDays < 1 || a.FlowLogRetentionDays > maxFlowLogRetentionDays:
		return kit.ArgError(c, "FlowLogRetentionDays", a.FlowLogRetentionDays, "must be 1 to %d", maxFlowLogRetentionDays)
	case a.Protect && a.FlowLogRetentionDays < DefaultFlowLogRetentionDays:
		return kit.ArgError(c, "FlowLogRetentionDays", a.FlowLogRetentionDays, "must be at least %d in production (the CIS Azure flow log retention)", DefaultFlowLogRetentionDays)
	}
	if (a.WorkspaceId == nil) != (a.WorkspaceCustomerId == nil) {
		return kit.ArgError(c, "WorkspaceId", fmt.Sprintf("set %t, WorkspaceCustomerId set %t", a.WorkspaceId != nil, a.WorkspaceCustomerId != nil),
			"must set both (traffic analytics) or neither")
	}
	if a.WorkspaceLocation == "" {
		a.WorkspaceLocation = a.Location
	}
	if err := azurekit.CheckLocation(c, "WorkspaceLocation", a.WorkspaceLocation); err != nil {
		return err
	}
	if a.NetworkWatcherName == "" {
		a.NetworkWatcherName = "NetworkWatcher_" + a.Location
	}
	if a.NetworkWatcherResourceGroup == "" {
		a.NetworkWatcherResourceGroup = DefaultNetworkWatcherResourceGroup
	}
	if !watcherName.MatchString(a.NetworkWatcherName) {
		return kit.ArgError(c, "NetworkWatcherName", fmt.Sprintf("%q", a.NetworkWatcherName), "must be a network watcher's name: 1 to 80 letters, digits, underscores, periods or hyphens")
	}
	if !resourceGroupName.MatchString(a.NetworkWatcherResourceGroup) {
		return kit.ArgError(c, "NetworkWatcherResourceGroup", fmt.Sprintf("%q", a.NetworkWatcherResourceGroup), "must be a resource group's name: 1 to 90 letters, digits, underscores, periods, hyphens or parentheses, not ending in a period")
	}
	if a.ServingPort == 0 {
		a.ServingPort = DefaultServingPort
	}
	if a.ServingPort < 1024 || a.ServingPort > 65535 {
		return kit.ArgError(c, "ServingPort", a.ServingPort, "must be 1024 to 65535: the workloads run as non-root users")
	}
	if a.PodCidr != "" {
		if err := privateCIDR(c, "PodCidr", a.PodCidr); err != nil {
			return err
		}
		if kit.CIDRsOverlap(a.PodCidr, a.Cidr) {
			return kit.ArgError(c, "PodCidr", a.PodCidr, "must not overlap Cidr (%s): overlay addresses are never routed on the network", a.Cidr)
		}
	}
	for i, peer := range a.DatabasePeerCidrs {
		arg := fmt.Sprintf("DatabasePeerCidrs[%d]", i)
		if err := privateCIDR(c, arg, peer); err != nil {
			return err
		}
		if kit.CIDRsOverlap(peer, a.Cidr) {
			return kit.ArgError(c, arg, peer, "must not overlap Cidr (%s): it is another network's subnet", a.Cidr)
		}
	}
	for _, zone := range slices.Sorted(maps.Keys(a.DNSZones)) {
		switch {
		case !naming.HostName.MatchString(zone):
			return kit.ArgError(c, "DNSZones", fmt.Sprintf("%q", zone), "keys must be private DNS zone names such as %s", ZoneKeyVault)
		case a.DNSZones[zone] == nil:
			return kit.ArgError(c, "DNSZones["+zone+"]", nil, "must be the zone's ARM id")
		}
	}
	return azurekit.RequireTags(c, a.Tags)
}

// name is a resource's name in Azure and in the program: "<prefix>-<kind>-<location>", unique
// per location, so the primary and the DR network never collide.
func (a *NetworkArgs) name(kind string) string { return a.Prefix + "-" + kind + "-" + a.Location }

// NewNetwork creates the security groups, the NAT gateway, the virtual network with its subnets,
// the flow log and the private DNS zones with their links.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	n := &Network{}
	if err := kit.Register(ctx, TypeNetwork, name, args, n, opts...); err != nil {
		return nil, err
	}
	l := args.layout

	groups := map[string]*network.NetworkSecurityGroup{}
	allows := subnetRules(args)
	for _, subnet := range subnets {
		nsg, err := newSecurityGroup(ctx, n, args, subnet, allows[subnet])
		if err != nil {
			return nil, err
		}
		groups[subnet] = nsg
	}
	nat, err := newNatGateway(ctx, n, args)
	if err != nil {
		return nil, err
	}

	subnet := func(name, cidr string) network.SubnetTypeArgs {
		return network.SubnetTypeArgs{
			Name:                 pulumi.String(name),
			AddressPrefix:        pulumi.String(cidr),
			NetworkSecurityGroup: network.NetworkSecurityGroupTypeArgs{Id: groups[name].ID()},
		}
	}
	delegated := func(s network.SubnetTypeArgs, service string) network.SubnetTypeArgs {
		// Named as the portal names it: a slash would split the delegation's own ARM id.
		name := strings.ReplaceAll(service, "/", ".")
		s.Delegations = network.DelegationArray{network.DelegationArgs{Name: pulumi.String(name), ServiceName: pulumi.String(service)}}
		return s
	}
	nodes := subnet(subnetNodes, l.Nodes)
	// The nodes' only way out: no node has a public address, and the cluster's outbound type
	// is the user-assigned NAT gateway.
	nodes.NatGateway = network.SubResourceArgs{Id: nat.ID()}
	endpoints := subnet(subnetEndpoints, l.Endpoints)
	// The endpoints subnet's security group applies to the private endpoints in it only when
	// network policies are on; off, every private endpoint would take traffic from anywhere
	// that routes to it.
	endpoints.PrivateEndpointNetworkPolicies = pulumi.String("Enabled")

	vnetName := args.name("vnet")
	vnet, err := network.NewVirtualNetwork(ctx, vnetName, &network.VirtualNetworkArgs{
		VirtualNetworkName: pulumi.String(vnetName),
		ResourceGroupName:  args.ResourceGroupName,
		Location:           pulumi.String(args.Location),
		AddressSpace:       network.AddressSpaceArgs{AddressPrefixes: pulumi.ToStringArray([]string{args.Cidr})},
		// Subnets are inline so the network and its subnets are one resource: a separate
		// Subnet resource and the network's own subnet list overwrite each other on update.
		// VNet encryption is left off: it covers only traffic between VMs of certain sizes with
		// accelerated networking (not the gateway, the database or the GPU nodes), and every
		// hop the estate makes is TLS already.
		Subnets: network.SubnetTypeArray{
			nodes,
			subnet(subnetGateway, l.Gateway),
			endpoints,
			delegated(subnet(subnetDatabase, l.Database), delegationPostgres),
			delegated(subnet(subnetApiServer, l.ApiServer), delegationAKS),
		},
		Tags: azurekit.Tags(args.Tags),
	}, kit.Stateful(n, args.Protect)...)
	if err != nil {
		return nil, err
	}

	if err := newFlowLog(ctx, n, args, vnet); err != nil {
		return nil, err
	}
	zones, err := newZones(ctx, n, args, vnet)
	if err != nil {
		return nil, err
	}

	subnetID := func(name string) pulumi.StringOutput { return pulumi.Sprintf("%s/subnets/%s", vnet.ID(), name) }
	n.VnetId = vnet.ID().ToStringOutput()
	n.VnetName = vnet.Name
	n.NodeSubnetId = subnetID(subnetNodes)
	n.GatewaySubnetId = subnetID(subnetGateway)
	n.EndpointSubnetId = subnetID(subnetEndpoints)
	n.DatabaseSubnetId = subnetID(subnetDatabase)
	n.ApiServerSubnetId = subnetID(subnetApiServer)
	n.ZoneIds = zones.ToStringMapOutput()
	n.NodeCidr, n.GatewayCidr, n.EndpointCidr, n.DatabaseCidr, n.ApiServerCidr = l.Nodes, l.Gateway, l.Endpoints, l.Database, l.ApiServer
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vnetId": n.VnetId, "vnetName": n.VnetName,
		"nodeSubnetId": n.NodeSubnetId, "gatewaySubnetId": n.GatewaySubnetId, "endpointSubnetId": n.EndpointSubnetId,
		"databaseSubnetId": n.DatabaseSubnetId, "apiServerSubnetId": n.ApiServerSubnetId, "zoneIds": n.ZoneIds,
		"nodeCidr": pulumi.String(l.Nodes), "gatewayCidr": pulumi.String(l.Gateway), "endpointCidr": pulumi.String(l.Endpoints),
		"databaseCidr": pulumi.String(l.Database), "apiServerCidr": pulumi.String(l.ApiServer),
	})
}

// newNatGateway is the nodes' outbound path: one static address the estate's partners can
// allow-list, and no default outbound access for the nodes to fall back on.
func newNatGateway(ctx *pulumi.Context, n *Network, args *NetworkArgs) (*network.NatGateway, error) {
	ipName := args.name("pip-nat")
	ip, err := network.NewPublicIPAddress(ctx, ipName, &network.PublicIPAddressArgs{
		PublicIpAddressName: pulumi.String(ipName),
		ResourceGroupName:   args.ResourceGroupName,
		Location:            pulumi.String(args.Location),
		// A NAT gateway takes Standard static addresses only.
		Sku:                      network.PublicIPAddressSkuArgs{Name: pulumi.String("Standard"), Tier: pulumi.String("Regional")},
		PublicIPAllocationMethod: pulumi.String("Static"),
		PublicIPAddressVersion:   pulumi.String("IPv4"),
		// Zone-redundant: the address survives the loss of a zone.
		Zones: pulumi.ToStringArray([]string{"1", "2", "3"}),
		Tags:  azurekit.Tags(args.Tags),
	}, pulumi.Parent(n))
	if err != nil {
		return nil, err
	}
	natName := args.name("nat")
	return network.NewNatGateway(ctx, natName, &network.NatGatewayArgs{
		NatGatewayName:    pulumi.String(natName),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(args.Location),
		Sku:               network.NatGatewaySkuArgs{Name: pulumi.String("Standard")},
		PublicIpAddresses: network.SubResourceArray{network.SubResourceArgs{Id: ip.ID()}},
		// Azure's default: idle outbound connections are closed after four minutes, which frees
		// their ports for the nodes' next connections.
		IdleTimeoutInMinutes: pulumi.Int(4),
		// No zone: a NAT gateway is zonal or placed by Azure, and the nodes subnet spans all
		// three zones, which only an unpinned gateway serves.
		Tags: azurekit.Tags(args.Tags),
	}, pulumi.Parent(n))
}

// newFlowLog records every flow in and out of the network (164.312(b)): a VNet
// flow log covers every subnet and what no security group sees, where NSG flow logs, which
// Azure no longer lets new deployments create, covered one group each.
func newFlowLog(ctx *pulumi.Context, n *Network, args *NetworkArgs, vnet *network.VirtualNetwork) error {
	flowArgs := &network.FlowLogArgs{
		FlowLogName:        pulumi.String(args.name("flowlog")),
		NetworkWatcherName: pulumi.String(args.NetworkWatcherName),
		ResourceGroupName:  pulumi.String(args.NetworkWatcherResourceGroup),
		// A flow log is in its network's location, with its storage account.
		Location:         pulumi.String(args.Location),
		TargetResourceId: vnet.ID(),
		StorageId:        args.FlowLogStorageAccountId,
		Enabled:          pulumi.Bool(true),
		// Version 2 adds the bytes and packets of each flow and its state, which an
		// investigation needs to tell a probe from an exfiltration.
		Format: network.FlowLogFormatParametersArgs{Type: pulumi.String("JSON"), Version: pulumi.Int(2)},
		// On, so records are deleted after the period rather than kept by default forever at
		// the account's cost, or removed early by hand.
		RetentionPolicy: network.RetentionPolicyParametersArgs{Enabled: pulumi.Bool(true), Days: pulumi.Int(args.FlowLogRetentionDays)},
		Tags:            azurekit.Tags(args.Tags),
	}
	if args.WorkspaceId != nil {
		flowArgs.FlowAnalyticsConfiguration = network.TrafficAnalyticsPropertiesArgs{
			NetworkWatcherFlowAnalyticsConfiguration: network.TrafficAnalyticsConfigurationPropertiesArgs{
				Enabled:                  pulumi.Bool(true),
				TrafficAnalyticsInterval: pulumi.Int(trafficAnalyticsMinutes),
				WorkspaceId:              args.WorkspaceCustomerId,
				WorkspaceRegion:          pulumi.String(args.WorkspaceLocation),
				WorkspaceResourceId:      args.WorkspaceId,
			},
		}
	}
	_, err := network.NewFlowLog(ctx, args.name("flowlog"), flowArgs, pulumi.Parent(n))
	return err
}
