package network

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	subnetType = "gcp:compute/subnetwork:Subnetwork"
	routerType = "gcp:compute/router:Router"
	natType    = "gcp:compute/routerNat:RouterNat"
	fwType     = "gcp:compute/firewall:Firewall"
	addrType   = "gcp:compute/globalAddress:GlobalAddress"
	connType   = "gcp:servicenetworking/connection:Connection"
	netType    = "gcp:compute/network:Network"

	primary = gcpkittest.PrimaryRegion
	dr      = gcpkittest.DRRegion
)

// networkArgs is the estate's addressing plan (config.DefaultGCP): a cluster in the primary
// region, the DR region's subnet without one.
func networkArgs(mutate func(*NetworkArgs)) *NetworkArgs {
	a := &NetworkArgs{
		Prefix: "hh-net",
		Subnets: []Subnet{
			{Region: primary, Cidr: "10.50.0.0/16", PodsCidr: "10.60.0.0/14", ServicesCidr: "10.64.0.0/20"},
			{Region: dr, Cidr: "10.51.0.0/16"},
		},
		ServiceAccessCidr: "10.52.0.0/16",
		Labels:            kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runNetwork(args *NetworkArgs) func(ctx *pulumi.Context, p gcpkittest.Providers) error {
	return func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewNetwork(ctx, "network", args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestNetworkDefaults(t *testing.T) {
	m := gcpkittest.MustRun(t, runNetwork(networkArgs(nil)))
	const (
		sub1 = "hh-net-" + primary
		sub2 = "hh-net-" + dr
	)
	table := []kittest.Expectation{
		{Type: netType, Name: "hh-net", Path: "autoCreateSubnetworks", Want: false},
		{Type: netType, Name: "hh-net", Path: "routingMode", Want: "REGIONAL"},
		{Type: netType, Name: "hh-net", Path: "deleteDefaultRoutesOnCreate", Want: false},

		{Type: subnetType, Name: sub1, Path: "ipCidrRange", Want: "10.50.0.0/16"},
		{Type: subnetType, Name: sub1, Path: "secondaryIpRanges[0].rangeName", Want: PodsRangeName("hh-net", primary)},
		{Type: subnetType, Name: sub1, Path: "secondaryIpRanges[0].ipCidrRange", Want: "10.60.0.0/14"},
		{Type: subnetType, Name: sub1, Path: "secondaryIpRanges[1].rangeName", Want: ServicesRangeName("hh-net", primary)},
		{Type: subnetType, Name: sub1, Path: "secondaryIpRanges[1].ipCidrRange", Want: "10.64.0.0/20"},
		{Type: subnetType, Name: sub2, Path: "ipCidrRange", Want: "10.51.0.0/16"},

		{Type: addrType, Name: "hh-net-service-access", Path: "purpose", Want: "VPC_PEERING"},
		{Type: addrType, Name: "hh-net-service-access", Path: "addressType", Want: "INTERNAL"},
		{Type: addrType, Name: "hh-net-service-access", Path: "address", Want: "10.52.0.0"},
		{Type: addrType, Name: "hh-net-service-access", Path: "prefixLength", Want: int64(16)},
		{Type: addrType, Name: "hh-net-service-access", Path: "labels.data-classification", Want: "phi"},
		{Type: connType, Name: "hh-net", Path: "service", Want: "servicenetworking.googleapis.com"},

		{Type: fwType, Name: "hh-net-deny-all-ingress", Path: "direction", Want: "INGRESS"},
		{Type: fwType, Name: "hh-net-deny-all-ingress", Path: "priority", Want: int64(65534)},
		{Type: fwType, Name: "hh-net-deny-all-ingress", Path: "denies[0].protocol", Want: "all"},
		{Type: fwType, Name: "hh-net-allow-google-lb", Path: "sourceRanges", Want: []any{"130.211.0.0/22", "35.191.0.0/16"}},
		{Type: fwType, Name: "hh-net-allow-google-lb", Path: "allows[0].protocol", Want: "tcp"},
		{Type: fwType, Name: "hh-net-allow-google-lb", Path: "allows[0].ports", Want: []any{"8443"}},
		{Type: fwType, Name: "hh-net-allow-internal", Path: "sourceRanges", Want: []any{"10.50.0.0/16", "10.60.0.0/14", "10.64.0.0/20", "10.51.0.0/16"}},
		{Type: fwType, Name: "hh-net-allow-internal", Path: "allows[0].protocol", Want: "all"},
	}
	for _, region := range []string{primary, dr} {
		id := "hh-net-" + region
		table = append(table,
			kittest.Expectation{Type: subnetType, Name: id, Path: "privateIpGoogleAccess", Want: true},
			kittest.Expectation{Type: subnetType, Name: id, Path: "purpose", Want: "PRIVATE"},
			kittest.Expectation{Type: subnetType, Name: id, Path: "stackType", Want: "IPV4_ONLY"},
			kittest.Expectation{Type: subnetType, Name: id, Path: "logConfig.aggregationInterval", Want: "INTERVAL_5_SEC"},
			kittest.Expectation{Type: subnetType, Name: id, Path: "logConfig.flowSampling", Want: 0.5},
			kittest.Expectation{Type: subnetType, Name: id, Path: "logConfig.metadata", Want: "INCLUDE_ALL_METADATA"},
			kittest.Expectation{Type: natType, Name: id, Path: "natIpAllocateOption", Want: "AUTO_ONLY"},
			kittest.Expectation{Type: natType, Name: id, Path: "sourceSubnetworkIpRangesToNat", Want: "ALL_SUBNETWORKS_ALL_IP_RANGES"},
			kittest.Expectation{Type: natType, Name: id, Path: "logConfig.enable", Want: true},
			kittest.Expectation{Type: natType, Name: id, Path: "logConfig.filter", Want: "ALL"},
		)
	}
	kittest.AssertInputs(t, m, table)

	drSubnet, _ := m.Find(subnetType, sub2)
	_, secondary := drSubnet.Get("secondaryIpRanges")
	assert.False(t, secondary, "a region without a cluster has no secondary ranges")

	for _, fw := range m.ByType(fwType) {
		logs, _ := fw.Get("logConfig.metadata")
		assert.Equal(t, "INCLUDE_ALL_METADATA", logs, "%s logs its matches", fw.Name)
		if _, allows := fw.Get("allows"); allows {
			src, _ := fw.Get("sourceRanges")
			assert.NotContains(t, src, "0.0.0.0/0", "%s allows from the whole internet", fw.Name)
		}
	}
	assert.Len(t, m.ByType(fwType), 3)
	assert.Len(t, m.ByType(subnetType), 2)
	assert.Len(t, m.ByType(natType), 2, "one NAT per region")

	conn, _ := m.Find(connType, "hh-net")
	addr, _ := m.Find(addrType, "hh-net-service-access")
	assert.Contains(t, conn.Dependencies, addr.URN, "the connection peers the reserved range")
	assert.False(t, conn.Protect, "unprotected unless asked")

	assert.Empty(t, gcpkittest.Violations(m, "production"), "the network passes the whole policy pack")
}

// Each subnet, router and NAT names its own region: the network is global, its parts are not,
// and the provider's region would put the DR region's parts in the primary.
func TestNetworkRegions(t *testing.T) {
	m := gcpkittest.MustRun(t, runNetwork(networkArgs(nil)))
	for _, typ := range []string{subnetType, routerType, natType} {
		for _, region := range []string{primary, dr} {
			r, ok := m.Find(typ, "hh-net-"+region)
			require.True(t, ok, "%s in %s", typ, region)
			got, _ := r.Get("region")
			assert.Equal(t, region, got, "%s %s", typ, r.Name)
		}
	}
	for _, r := range m.Resources() {
		if r.Custom && !r.IsProvider() {
			assert.Equal(t, primary, m.Region(r.Provider), "%s inherits the component's provider", r.Name)
		}
	}
}

func TestNetworkOutputs(t *testing.T) {
	var primaryLink, drLink string
	var n *Network
	gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		n, err = NewNetwork(ctx, "network", networkArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		n.SubnetSelfLinks.ApplyT(func(m map[string]string) string { primaryLink = m[primary]; return "" })
		n.Subnet(dr).ApplyT(func(s string) string { drLink = s; return s })
		return nil
	})
	assert.Regexp(t, `^https://www.googleapis.com/compute/v1/projects/healthhub-test/regions/europe-west2/subnetworks/hh-net-europe-west2-[0-9a-z]{7}$`, primaryLink)
	assert.Contains(t, drLink, "/regions/europe-west1/subnetworks/hh-net-europe-west1-")
	assert.NotNil(t, n.Connection)
}

// A cluster asking for a region without a subnet fails the deployment with the region named,
// not with an empty self link.
func TestNetworkSubnetOfAnotherRegion(t *testing.T) {
	_, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		n, err := NewNetwork(ctx, "network", networkArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("subnet", n.Subnet("us-central1"))
		return nil
	})
	require.ErrorContains(t, err, "Network: no subnet in region us-central1")
}

func TestNetworkProtectGuardsThePeering(t *testing.T) {
	m := gcpkittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) { a.Protect = true })))
	for _, r := range []struct{ typ, name string }{{connType, "hh-net"}, {addrType, "hh-net-service-access"}} {
		got, ok := m.Find(r.typ, r.name)
		require.True(t, ok)
		assert.True(t, got.Protect, r.typ)
		assert.True(t, got.RetainOnDelete, r.typ)
	}
	vpc, _ := m.Find(netType, "hh-net")
	assert.False(t, vpc.Protect, "the network holds no data")
}

func TestNetworkSettings(t *testing.T) {
	m := gcpkittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) { a.FlowLogSampling = 1; a.ServingPorts = []int{8443, 9443} })))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: subnetType, Name: "hh-net-" + primary, Path: "logConfig.flowSampling", Want: int64(1)}, // the record holds a whole number as one
		{Type: fwType, Name: "hh-net-allow-google-lb", Path: "allows[0].ports", Want: []any{"8443", "9443"}},
	})
}

func TestNetworkArgErrors(t *testing.T) {
	withSubnets := func(s ...Subnet) func(*NetworkArgs) { return func(a *NetworkArgs) { a.Subnets = s } }
	tests := []struct {
		name   string
		mutate func(*NetworkArgs)
		want   string
	}{
		{"no prefix", func(a *NetworkArgs) { a.Prefix = "" }, `Network: Prefix = "": must start with a letter`},
		{"long prefix", func(a *NetworkArgs) { a.Prefix = "healthhub-production-network-x" }, `Network: Prefix = "healthhub-production-network-x"`},
		{"no subnets", withSubnets(), "Network: Subnets = []: required"},
		{"bad region", withSubnets(Subnet{Region: "London", Cidr: "10.50.0.0/16"}), `Network: Subnets[0].Region = "London": must be a GCP region`},
		{"region twice", withSubnets(Subnet{Region: primary, Cidr: "10.50.0.0/16"}, Subnet{Region: primary, Cidr: "10.51.0.0/16"}),
			"Network: Subnets[1].Region = europe-west2: is listed twice"},
		{"pods without services", withSubnets(Subnet{Region: primary, Cidr: "10.50.0.0/16", PodsCidr: "10.60.0.0/14"}),
			`Network: Subnets[0] = PodsCidr "10.60.0.0/14", ServicesCidr "": must set both secondary ranges`},
		{"malformed cidr", withSubnets(Subnet{Region: primary, Cidr: "10.50.0.0"}), `Network: Subnets[0].Cidr = "10.50.0.0": must be an IPv4 network address`},
		{"host bits", withSubnets(Subnet{Region: primary, Cidr: "10.50.1.0/16"}), `Network: Subnets[0].Cidr = "10.50.1.0/16": must be an IPv4 network address`},
		{"public subnet", withSubnets(Subnet{Region: primary, Cidr: "34.0.0.0/16"}), "Network: Subnets[0].Cidr = 34.0.0.0/16: must be private (RFC 1918)"},
		{"public pods", withSubnets(Subnet{Region: primary, Cidr: "10.50.0.0/16", PodsCidr: "100.64.0.0/14", ServicesCidr: "10.64.0.0/20"}),
			"Network: Subnets[0].PodsCidr = 100.64.0.0/14: must be private (RFC 1918)"},
		{"subnets overlap", withSubnets(Subnet{Region: primary, Cidr: "10.50.0.0/16"}, Subnet{Region: dr, Cidr: "10.50.128.0/20"}),
			"Network: Subnets[1].Cidr = 10.50.128.0/20: must not overlap Subnets[0].Cidr (10.50.0.0/16)"},
		{"pods overlap services", withSubnets(Subnet{Region: primary, Cidr: "10.50.0.0/16", PodsCidr: "10.60.0.0/14", ServicesCidr: "10.61.0.0/20"}),
			"Network: Subnets[0].ServicesCidr = 10.61.0.0/20: must not overlap Subnets[0].PodsCidr (10.60.0.0/14)"},
		{"no service access", func(a *NetworkArgs) { a.ServiceAccessCidr = "" }, `Network: ServiceAccessCidr = "": required`},
		{"service access too small", func(a *NetworkArgs) { a.ServiceAccessCidr = "10.52.0.0/28" }, "Network: ServiceAccessCidr = 10.52.0.0/28: prefix must be /16 to /24"},
		{"service access public", func(a *NetworkArgs) { a.ServiceAccessCidr = "35.200.0.0/16" }, "Network: ServiceAccessCidr = 35.200.0.0/16: must be private"},
		{"service access overlaps", func(a *NetworkArgs) { a.ServiceAccessCidr = "10.51.0.0/24" },
			"Network: ServiceAccessCidr = 10.51.0.0/24: must not overlap Subnets[1].Cidr (10.51.0.0/16)"},
		{"negative sampling", func(a *NetworkArgs) { a.FlowLogSampling = -0.1 }, "Network: FlowLogSampling = -0.1: must be more than 0 and at most 1"},
		{"sampling over one", func(a *NetworkArgs) { a.FlowLogSampling = 1.5 }, "Network: FlowLogSampling = 1.5: must be more than 0 and at most 1"},
		{"no serving ports", func(a *NetworkArgs) { a.ServingPorts = []int{} }, "Network: ServingPorts = []: required"},
		{"privileged port", func(a *NetworkArgs) { a.ServingPorts = []int{443} }, "Network: ServingPorts = 443: must be 1024 to 65535"},
		{"port twice", func(a *NetworkArgs) { a.ServingPorts = []int{8443, 8443} }, "Network: ServingPorts = 8443: is listed twice"},
		{"no labels", func(a *NetworkArgs) { a.Labels = nil }, `= map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, runNetwork(networkArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

func TestRangeNames(t *testing.T) {
	assert.Equal(t, "hh-net-europe-west2-pods", PodsRangeName("hh-net", "europe-west2"))
	assert.Equal(t, "hh-net-europe-west2-services", ServicesRangeName("hh-net", "europe-west2"))
	// The longest prefix and one of Google's longest regions still fit a 63-character name.
	long := "abcdefghijklmnopqrstuvwxyz12"
	require.NoError(t, networkArgs(func(a *NetworkArgs) { a.Prefix = long }).Validate())
	assert.LessOrEqual(t, len(ServicesRangeName(long, "northamerica-northeast1")), 63)
}
