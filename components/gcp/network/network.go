package network

import (
	"fmt"
	"math"
	"net"
	"regexp"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/servicenetworking"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// DefaultFlowLogSampling is the share of flows each subnet reports: Google's own default,
// which keeps every connection's existence on record at half the volume of sampling all.
const DefaultFlowLogSampling = 0.5

// DefaultServingPorts are where the workloads take HTTPS from the load balancer (the
// non-privileged port the containers bind as non-root users).
var DefaultServingPorts = []int{8443}

// Subnet is the estate's subnet in one region.
type Subnet struct {
	// Region is where the subnet is, such as europe-west2.
	Region string
	// Cidr is the primary range: the nodes' addresses.
	Cidr string
	// PodsCidr and ServicesCidr are the secondary ranges of a VPC-native GKE cluster (CIS
	// GKE 5.6.2), named PodsRangeName and ServicesRangeName. Both or neither: a region
	// without a cluster leaves them empty.
	PodsCidr, ServicesCidr string
}

// NetworkArgs configures the estate's VPC network.
type NetworkArgs struct {
	// Prefix names the network and its parts, and the secondary ranges the cluster reads.
	Prefix string
	// Subnets are one per region, at least one; every range is private (RFC 1918) and none
	// overlaps another.
	Subnets []Subnet
	// ServiceAccessCidr is reserved for private service access: Cloud SQL and Memorystore
	// take their private addresses from it. A private /16 to /24 apart from the subnets.
	ServiceAccessCidr string
	// FlowLogSampling is the share of flows the subnets log, more than 0 and at most 1
	// (default DefaultFlowLogSampling). Flow logs are always on (CIS GCP 3.8).
	FlowLogSampling float64
	// ServingPorts are the TCP ports Google's load balancer and health checks reach on the
	// nodes and pods (default DefaultServingPorts).
	ServingPorts []int
	// Protect keeps the private service access connection, and the range it peers, through
	// destroys (production): the databases' addresses depend on it. The network itself holds
	// no data.
	Protect bool
	// Labels are the estate's labels, on the reserved range (the one part that takes them).
	Labels map[string]string
}

// Network is a custom-mode VPC network with a subnet per region (flow logs on, Private Google
// Access, the cluster's secondary ranges), Cloud NAT per region so private nodes reach out
// without external addresses, logged firewall rules that admit only Google's load balancer
// and the network's own ranges, and the private service access peering for the data stores.
type Network struct {
	pulumi.ResourceState

	NetworkId       pulumi.StringOutput `pulumi:"networkId"`
	NetworkSelfLink pulumi.StringOutput `pulumi:"networkSelfLink"`
	// SubnetSelfLinks are the subnets' self links by region.
	SubnetSelfLinks pulumi.StringMapOutput `pulumi:"subnetSelfLinks"`
	// Connection is the private service access connection: Cloud SQL and Memorystore
	// instances depend on it, or their creation fails for want of the peering.
	Connection pulumi.Resource

	subnets map[string]pulumi.StringOutput
}

var (
	// The longest prefix leaves room for the longest region and "-services" in a secondary
	// range name, which Google caps at 63 characters.
	prefixName = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,26}[a-z0-9])?$`)
)

// Validate checks the Args before anything is registered.
func (a *NetworkArgs) Validate() error {
	const c = "Network"
	if !prefixName.MatchString(a.Prefix) {
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter, end with a letter or digit and hold at most 28 lowercase letters, digits or hyphens")
	}
	if len(a.Subnets) == 0 {
		return kit.ArgError(c, "Subnets", "[]", "required: at least one region's subnet")
	}
	var ranges []keyedRange
	regions := map[string]bool{}
	for i, s := range a.Subnets {
		arg := fmt.Sprintf("Subnets[%d]", i)
		switch {
		case !gcpkit.Region.MatchString(s.Region):
			return kit.ArgError(c, arg+".Region", fmt.Sprintf("%q", s.Region), "must be a GCP region such as europe-west2")
		case regions[s.Region]:
			return kit.ArgError(c, arg+".Region", s.Region, "is listed twice: one subnet per region")
		case (s.PodsCidr == "") != (s.ServicesCidr == ""):
			return kit.ArgError(c, arg, fmt.Sprintf("PodsCidr %q, ServicesCidr %q", s.PodsCidr, s.ServicesCidr), "must set both secondary ranges (a region with a cluster) or neither")
		}
		regions[s.Region] = true
		ranges = append(ranges, keyedRange{arg + ".Cidr", s.Cidr})
		if s.PodsCidr != "" {
			ranges = append(ranges, keyedRange{arg + ".PodsCidr", s.PodsCidr}, keyedRange{arg + ".ServicesCidr", s.ServicesCidr})
		}
	}
	for _, r := range ranges {
		if err := privateNetwork(c, r.arg, r.cidr, 8, 29); err != nil {
			return err
		}
	}
	if a.ServiceAccessCidr == "" {
		return kit.ArgError(c, "ServiceAccessCidr", `""`, "required: a private /16 to /24 for Cloud SQL and Memorystore")
	}
	// Google asks for at least a /24 per service producer, and recommends a /16.
	if err := privateNetwork(c, "ServiceAccessCidr", a.ServiceAccessCidr, 16, 24); err != nil {
		return err
	}
	ranges = append(ranges, keyedRange{"ServiceAccessCidr", a.ServiceAccessCidr})
	for i, r := range ranges {
		for _, earlier := range ranges[:i] {
			if kit.CIDRsOverlap(r.cidr, earlier.cidr) {
				return kit.ArgError(c, r.arg, r.cidr, "must not overlap %s (%s): the network's ranges are disjoint", earlier.arg, earlier.cidr)
			}
		}
	}
	if a.FlowLogSampling == 0 {
		a.FlowLogSampling = DefaultFlowLogSampling
	}
	if math.IsNaN(a.FlowLogSampling) || a.FlowLogSampling <= 0 || a.FlowLogSampling > 1 {
		return kit.ArgError(c, "FlowLogSampling", a.FlowLogSampling, "must be more than 0 and at most 1: flow logs are always on (CIS GCP 3.8)")
	}
	if a.ServingPorts == nil {
		a.ServingPorts = DefaultServingPorts
	}
	if len(a.ServingPorts) == 0 {
		return kit.ArgError(c, "ServingPorts", "[]", "required: the ports the load balancer reaches, such as %v", DefaultServingPorts)
	}
	ports := map[int]bool{}
	for _, p := range a.ServingPorts {
		switch {
		case p < 1024 || p > 65535:
			return kit.ArgError(c, "ServingPorts", p, "must be 1024 to 65535: the workloads run as non-root users")
		case ports[p]:
			return kit.ArgError(c, "ServingPorts", p, "is listed twice")
		}
		ports[p] = true
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// keyedRange is an argument and the network it holds.
type keyedRange struct{ arg, cidr string }

// privateNetwork accepts an RFC 1918 IPv4 network address (no host bits, which Google
// rejects) with a prefix from minOnes to maxOnes.
func privateNetwork(c, arg, cidr string, minOnes, maxOnes int) error {
	ip, n, err := net.ParseCIDR(cidr)
	if err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
		return kit.ArgError(c, arg, fmt.Sprintf("%q", cidr), "must be an IPv4 network address in CIDR form, such as 10.50.0.0/16")
	}
	if !kit.IsPrivateCIDR(cidr) {
		return kit.ArgError(c, arg, cidr, "must be private (RFC 1918): nothing in the network is addressed from the internet")
	}
	if ones, _ := n.Mask.Size(); ones < minOnes || ones > maxOnes {
		return kit.ArgError(c, arg, cidr, "prefix must be /%d to /%d", minOnes, maxOnes)
	}
	return nil
}

// PodsRangeName is the name of a subnet's secondary range for pods, which the GKE cluster
// names in its IP allocation policy.
func PodsRangeName(prefix, region string) string { return prefix + "-" + region + "-pods" }

// ServicesRangeName is the name of a subnet's secondary range for services.
func ServicesRangeName(prefix, region string) string { return prefix + "-" + region + "-services" }

// Subnet is the self link of the subnet in a region. A region without one fails the
// deployment with an error that names it, rather than handing a cluster an empty link.
func (n *Network) Subnet(region string) pulumi.StringOutput {
	if s, ok := n.subnets[region]; ok {
		return s
	}
	return pulumi.String(region).ToStringOutput().ApplyT(func(r string) (string, error) {
		return "", fmt.Errorf("Network: no subnet in region %s", r)
	}).(pulumi.StringOutput)
}

// NewNetwork creates the network, its subnets, routers and NAT, the firewall rules and the
// private service access connection.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	n := &Network{subnets: map[string]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeNetwork, name, args, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	vpc, err := compute.NewNetwork(ctx, args.Prefix, &compute.NetworkArgs{
		Description: pulumi.String("HealthHub estate network " + args.Prefix),
		// Subnets exist only in the regions the estate names; auto mode would create one in
		// every region Google has, outside the allowed ones.
		AutoCreateSubnetworks: pulumi.Bool(false),
		// Routers advertise only their own region's subnets: nothing here exchanges routes
		// across regions (no VPN or Interconnect), so global routing would only widen what a
		// future BGP peer could reach.
		RoutingMode: pulumi.String("REGIONAL"),
		// The default route carries Private Google Access and Cloud NAT's egress; the firewall,
		// not the routes, is what keeps the internet out.
		DeleteDefaultRoutesOnCreate: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return nil, err
	}

	links := pulumi.StringMap{}
	for _, s := range args.Subnets {
		id := args.Prefix + "-" + s.Region
		var secondary compute.SubnetworkSecondaryIpRangeArray
		if s.PodsCidr != "" {
			secondary = compute.SubnetworkSecondaryIpRangeArray{
				compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(PodsRangeName(args.Prefix, s.Region)), IpCidrRange: pulumi.String(s.PodsCidr)},
				compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(ServicesRangeName(args.Prefix, s.Region)), IpCidrRange: pulumi.String(s.ServicesCidr)},
			}
		}
		subnet, err := compute.NewSubnetwork(ctx, id, &compute.SubnetworkArgs{
			Network:     vpc.ID(),
			Region:      pulumi.String(s.Region),
			IpCidrRange: pulumi.String(s.Cidr),
			// Private nodes, which have no external address, reach Google's APIs (Artifact
			// Registry, Cloud KMS, Logging) over Google's network.
			PrivateIpGoogleAccess: pulumi.Bool(true),
			// An ordinary subnet for VMs and pods, not a proxy-only or NAT range.
			Purpose: pulumi.String("PRIVATE"),
			// The estate addresses nothing over IPv6: no second stack to firewall.
			StackType: pulumi.String("IPV4_ONLY"),
			// Flow logs are the network's audit record (164.312(b), CIS GCP 3.8): the finest
			// interval and every metadata field, so a flow can be traced to its VM and pod.
			LogConfig: compute.SubnetworkLogConfigArgs{
				AggregationInterval: pulumi.String("INTERVAL_5_SEC"),
				FlowSampling:        pulumi.Float64(args.FlowLogSampling),
				Metadata:            pulumi.String("INCLUDE_ALL_METADATA"),
			},
			SecondaryIpRanges: secondary,
		}, parent)
		if err != nil {
			return nil, err
		}
		n.subnets[s.Region] = subnet.SelfLink
		links[s.Region] = subnet.SelfLink

		router, err := compute.NewRouter(ctx, id, &compute.RouterArgs{
			Network: vpc.ID(),
			Region:  pulumi.String(s.Region),
		}, parent)
		if err != nil {
			return nil, err
		}
		// Cloud NAT lets private nodes pull images and reach external APIs without an external
		// address of their own; nothing from outside can open a connection through it.
		if _, err := compute.NewRouterNat(ctx, id, &compute.RouterNatArgs{
			Router: router.Name,
			Region: pulumi.String(s.Region),
			// Google allocates and scales the NAT addresses; nothing allow-lists them.
			NatIpAllocateOption: pulumi.String("AUTO_ONLY"),
			// Nodes and pods alike: pod ranges are secondary ranges.
			SourceSubnetworkIpRangesToNat: pulumi.String("ALL_SUBNETWORKS_ALL_IP_RANGES"),
			// Every translation and every drop is logged: egress is part of the audit record.
			LogConfig: compute.RouterNatLogConfigArgs{Enable: pulumi.Bool(true), Filter: pulumi.String("ALL")},
		}, parent); err != nil {
			return nil, err
		}
	}

	if err := newFirewall(ctx, n, args, vpc); err != nil {
		return nil, err
	}
	conn, err := newServiceAccess(ctx, n, args, vpc)
	if err != nil {
		return nil, err
	}

	n.NetworkId = vpc.ID().ToStringOutput()
	n.NetworkSelfLink = vpc.SelfLink
	n.SubnetSelfLinks = links.ToStringMapOutput()
	n.Connection = conn
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"networkId": n.NetworkId, "networkSelfLink": n.NetworkSelfLink, "subnetSelfLinks": n.SubnetSelfLinks,
	})
}

// newServiceAccess reserves ServiceAccessCidr and peers it with Google's service producers, so
// Cloud SQL and Memorystore get private addresses only (no public IP to protect).
func newServiceAccess(ctx *pulumi.Context, n *Network, args *NetworkArgs, vpc *compute.Network) (*servicenetworking.Connection, error) {
	ip, block, _ := net.ParseCIDR(args.ServiceAccessCidr)
	ones, _ := block.Mask.Size()
	reserved, err := compute.NewGlobalAddress(ctx, args.Prefix+"-service-access", &compute.GlobalAddressArgs{
		Description: pulumi.String("Private service access for Cloud SQL and Memorystore"),
		// A range inside the network handed to Google's producers through the peering.
		Purpose:      pulumi.String("VPC_PEERING"),
		AddressType:  pulumi.String("INTERNAL"),
		Address:      pulumi.String(ip.String()),
		PrefixLength: pulumi.Int(ones),
		Network:      vpc.ID(),
		Labels:       gcpkit.Labels(args.Labels),
	}, kit.Stateful(n, args.Protect)...)
	if err != nil {
		return nil, err
	}
	return servicenetworking.NewConnection(ctx, args.Prefix, &servicenetworking.ConnectionArgs{
		Network:               vpc.ID(),
		Service:               pulumi.String("servicenetworking.googleapis.com"),
		ReservedPeeringRanges: pulumi.StringArray{reserved.Name},
	}, kit.Stateful(n, args.Protect)...)
}
