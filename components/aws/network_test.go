package aws

import (
	"net"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

func newTestNetwork(t *testing.T, mutate func(*NetworkArgs)) (*NetworkArgs, func(ctx *pulumi.Context, p awskittest.Providers) error) {
	args := &NetworkArgs{
		Prefix:               "hh-vpc",
		CidrBlock:            "10.20.0.0/16",
		FlowLogKeyArn:        pulumi.String("arn:aws:kms:eu-west-2:123456789012:key/logs"),
		FlowLogRetentionDays: 2192,
		Tags:                 kittest.Tags,
	}
	if mutate != nil {
		mutate(args)
	}
	return args, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewNetwork(ctx, "network", args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestNetworkDefaults(t *testing.T) {
	_, body := newTestNetwork(t, nil)
	m := awskittest.MustRun(t, body)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:ec2/vpc:Vpc", Name: "hh-vpc", Path: "cidrBlock", Want: "10.20.0.0/16"},
		{Type: "aws:ec2/vpc:Vpc", Name: "hh-vpc", Path: "enableDnsSupport", Want: true},
		{Type: "aws:ec2/vpc:Vpc", Name: "hh-vpc", Path: "enableDnsHostnames", Want: true},
		{Type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", Name: "hh-vpc-default", Path: "ingress", Want: []any{}},
		{Type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", Name: "hh-vpc-default", Path: "egress", Want: []any{}},
		{Type: "aws:ec2/flowLog:FlowLog", Name: "hh-vpc", Path: "trafficType", Want: "ALL"},
		{Type: "aws:ec2/flowLog:FlowLog", Name: "hh-vpc", Path: "logDestinationType", Want: "cloud-watch-logs"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-vpc-flow-logs", Path: "kmsKeyId", Want: "arn:aws:kms:eu-west-2:123456789012:key/logs"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-vpc-flow-logs", Path: "retentionInDays", Want: int64(2192)},
		{Type: "aws:ec2/vpcEndpoint:VpcEndpoint", Name: "hh-vpc-s3", Path: "vpcEndpointType", Want: "Gateway"},
		{Type: "aws:ec2/vpcEndpoint:VpcEndpoint", Name: "hh-vpc-s3", Path: "serviceName", Want: "com.amazonaws.eu-west-2.s3"},
		{Type: "aws:ec2/vpcEndpoint:VpcEndpoint", Name: "hh-vpc-dynamodb", Path: "vpcEndpointType", Want: "Gateway"},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-vpc-endpoints", Path: "ingress[0].cidrBlocks", Want: []any{"10.20.0.0/16"}},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-vpc-endpoints", Path: "ingress[0].fromPort", Want: int64(443)},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-vpc-endpoints", Path: "ingress[0].toPort", Want: int64(443)},
	})

	for _, svc := range DefaultInterfaceEndpoints {
		r, ok := m.Find("aws:ec2/vpcEndpoint:VpcEndpoint", "hh-vpc-"+svc)
		require.True(t, ok, "interface endpoint for %s", svc)
		typ, _ := r.Get("vpcEndpointType")
		dns, _ := r.Get("privateDnsEnabled")
		assert.Equal(t, "Interface", typ)
		assert.Equal(t, true, dns)
	}

	subnets := m.ByType("aws:ec2/subnet:Subnet")
	require.Len(t, subnets, 9, "three tiers in three AZs")
	_, vpc, _ := net.ParseCIDR("10.20.0.0/16")
	var nets []*net.IPNet
	zones := map[string]int{}
	for _, s := range subnets {
		public, _ := s.Get("mapPublicIpOnLaunch")
		assert.Equal(t, false, public, "%s must not hand out public IPs", s.Name)
		cidr, _ := s.Get("cidrBlock")
		_, n, err := net.ParseCIDR(cidr.(string))
		require.NoError(t, err)
		assert.True(t, vpc.Contains(n.IP), "%s inside the VPC", s.Name)
		for _, other := range nets {
			assert.False(t, other.Contains(n.IP) || n.Contains(other.IP), "%s overlaps %s", n, other)
		}
		nets = append(nets, n)
		az, _ := s.Get("availabilityZone")
		zones[az.(string)]++
	}
	assert.Equal(t, map[string]int{"eu-west-2a": 3, "eu-west-2b": 3, "eu-west-2c": 3}, zones)

	assert.Len(t, m.ByType("aws:ec2/natGateway:NatGateway"), 3, "one NAT gateway per AZ by default")
	// One internet route for the public tier and one NAT route per private subnet; the
	// isolated tier has none.
	assert.Len(t, m.ByType("aws:ec2/route:Route"), 4)
	for _, r := range m.ByType("aws:ec2/route:Route") {
		assert.NotEqual(t, "hh-vpc-isolated", r.Name)
	}
	for _, r := range m.Resources() {
		if r.Custom && !r.IsProvider() {
			assert.Equal(t, "eu-west-2", m.Region(r.Provider), "%s inherits the component's provider", r.Name)
		}
	}
}

func TestNetworkSingleNatAndTwoAZs(t *testing.T) {
	_, body := newTestNetwork(t, func(a *NetworkArgs) { a.NatGateways = NatSingle; a.AvailabilityZones = 2 })
	m := awskittest.MustRun(t, body)
	assert.Len(t, m.ByType("aws:ec2/natGateway:NatGateway"), 1)
	assert.Len(t, m.ByType("aws:ec2/subnet:Subnet"), 6)
	assert.Len(t, m.ByType("aws:ec2/route:Route"), 3, "both private subnets route through the single NAT")
}

func TestNetworkFlowLogGroupProtected(t *testing.T) {
	_, body := newTestNetwork(t, func(a *NetworkArgs) { a.Protect = true })
	m := awskittest.MustRun(t, body)
	g, ok := m.Find("aws:cloudwatch/logGroup:LogGroup", "hh-vpc-flow-logs")
	require.True(t, ok)
	assert.True(t, g.Protect)
	assert.True(t, g.RetainOnDelete)
}

func TestNetworkArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*NetworkArgs)
		want   string
	}{
		{"no prefix", func(a *NetworkArgs) { a.Prefix = "" }, "Network: Prefix"},
		{"malformed cidr", func(a *NetworkArgs) { a.CidrBlock = "10.20.0.0" }, `Network: CidrBlock = "10.20.0.0"`},
		{"cidr too small", func(a *NetworkArgs) { a.CidrBlock = "10.20.0.0/24" }, "prefix must be /16 to /20"},
		{"four AZs", func(a *NetworkArgs) { a.AvailabilityZones = 4 }, "AvailabilityZones = 4: must be 2 or 3"},
		{"unknown NAT mode", func(a *NetworkArgs) { a.NatGateways = "none" }, `NatGateways = "none"`},
		{"no flow-log key", func(a *NetworkArgs) { a.FlowLogKeyArn = nil }, "FlowLogKeyArn"},
		{"no retention", func(a *NetworkArgs) { a.FlowLogRetentionDays = 0 }, "FlowLogRetentionDays"},
		{"no tags", func(a *NetworkArgs) { a.Tags = nil }, "Network: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := newTestNetwork(t, tt.mutate)
			m, err := awskittest.Run(t, body)
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

func TestCidrSubnet(t *testing.T) {
	tests := []struct {
		base    string
		newBits int
		num     int
		want    string
	}{
		{"10.20.0.0/16", 2, 0, "10.20.0.0/18"},
		{"10.20.0.0/16", 2, 2, "10.20.128.0/18"},
		{"10.20.0.0/16", 5, 24, "10.20.192.0/21"},
		{"10.20.0.0/16", 5, 30, "10.20.240.0/21"},
		{"10.20.0.0/20", 5, 28, "10.20.14.0/25"},
	}
	for _, tt := range tests {
		got, err := cidrSubnet(tt.base, tt.newBits, tt.num)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
	_, err := cidrSubnet("10.20.0.0/16", 2, 4)
	assert.Error(t, err, "network number out of range")
}

// The tiers' networks are known when the program runs, so the workloads' network policies
// can name them; each is the CIDR of the matching subnet.
func TestNetworkTierCidrsMatchTheirSubnets(t *testing.T) {
	var n *Network
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		var err error
		n, err = NewNetwork(ctx, "network", &NetworkArgs{
			Prefix: "hh-vpc", CidrBlock: "10.20.0.0/16", FlowLogKeyArn: pulumi.String("arn:aws:kms:eu-west-2:123456789012:key/logs"),
			FlowLogRetentionDays: 2192, Tags: kittest.Tags,
		}, pulumi.Provider(p.Primary))
		return err
	})
	for tier, cidrs := range map[string][]string{"public": n.PublicCidrBlocks, "private": n.PrivateCidrBlocks, "isolated": n.IsolatedCidrBlocks} {
		require.Len(t, cidrs, 3, tier)
		for i, az := range []string{"a", "b", "c"} {
			s, ok := m.Find("aws:ec2/subnet:Subnet", "hh-vpc-"+tier+"-"+az)
			require.True(t, ok, tier+" "+az)
			got, _ := s.Get("cidrBlock")
			assert.Equal(t, got, cidrs[i], tier+" "+az)
		}
	}
}
