package aws

import (
	"fmt"
	"net"
	"slices"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// NatLayout is how many NAT gateways a network runs.
type NatLayout string

// NAT gateway layouts: one per AZ, so one AZ's outage cannot cut the others off, or a single
// cheaper one.
const (
	NatPerAZ  NatLayout = "per-az"
	NatSingle NatLayout = "single"
)

// DefaultInterfaceEndpoints keep AWS API traffic of workloads off the internet.
var DefaultInterfaceEndpoints = []string{"kms", "secretsmanager", "ecr.api", "ecr.dkr", "sts", "logs"}

// NetworkArgs configures a VPC.
type NetworkArgs struct {
	// Prefix names the VPC and its parts.
	Prefix string
	// CidrBlock is the VPC range, /16 to /20.
	CidrBlock string
	// AvailabilityZones is how many AZs to span: 2 or 3 (default 3).
	AvailabilityZones int
	// NatGateways is NatPerAZ (default) or NatSingle.
	NatGateways NatLayout
	// FlowLogKeyArn is the KMS key (logs domain) that encrypts the flow-log group. Required.
	FlowLogKeyArn pulumi.StringInput
	// FlowLogRetentionDays is how long flow logs are kept. Required.
	FlowLogRetentionDays int
	// InterfaceEndpoints are the AWS services reached through PrivateLink (default
	// DefaultInterfaceEndpoints). S3 and DynamoDB always get gateway endpoints.
	InterfaceEndpoints []string
	// Protect keeps the flow-log group (audit evidence) through destroys (production).
	Protect bool
	Tags    map[string]string
}

// Network is a VPC across AZs with three tiers of subnets: public (load balancers and NAT only),
// private (workloads, egress through NAT) and isolated (data stores, no route to the internet).
type Network struct {
	pulumi.ResourceState

	VpcId             pulumi.StringOutput      `pulumi:"vpcId"`
	CidrBlock         pulumi.StringOutput      `pulumi:"cidrBlock"`
	PublicSubnetIds   pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	PrivateSubnetIds  pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	IsolatedSubnetIds pulumi.StringArrayOutput `pulumi:"isolatedSubnetIds"`
	EndpointSGId      pulumi.StringOutput      `pulumi:"endpointSecurityGroupId"`
	FlowLogGroupName  pulumi.StringOutput      `pulumi:"flowLogGroupName"`
	// PrivateCidrBlocks are the private tier's networks, known when the program runs, for
	// the security groups of the data stores the workloads reach.
	PrivateCidrBlocks []string
	// PublicCidrBlocks hold the load balancers, whose traffic reaches pod IPs directly;
	// IsolatedCidrBlocks hold the data stores. The workloads' network policies name both.
	PublicCidrBlocks   []string
	IsolatedCidrBlocks []string
}

// Validate checks the Args before anything is registered.
func (a *NetworkArgs) Validate() error {
	const c = "Network"
	if a.Prefix == "" {
		return kit.ArgError(c, "Prefix", `""`, "required")
	}
	_, n, err := net.ParseCIDR(a.CidrBlock)
	if err != nil || n.IP.To4() == nil {
		return kit.ArgError(c, "CidrBlock", fmt.Sprintf("%q", a.CidrBlock), "must be an IPv4 CIDR such as 10.20.0.0/16")
	}
	if ones, _ := n.Mask.Size(); ones < 16 || ones > 20 {
		return kit.ArgError(c, "CidrBlock", a.CidrBlock, "prefix must be /16 to /20")
	}
	if a.AvailabilityZones == 0 {
		a.AvailabilityZones = 3
	}
	if a.AvailabilityZones < 2 || a.AvailabilityZones > 3 {
		return kit.ArgError(c, "AvailabilityZones", a.AvailabilityZones, "must be 2 or 3")
	}
	if a.NatGateways == "" {
		a.NatGateways = NatPerAZ
	}
	if a.NatGateways != NatPerAZ && a.NatGateways != NatSingle {
		return kit.ArgError(c, "NatGateways", fmt.Sprintf("%q", a.NatGateways), "must be %q or %q", NatPerAZ, NatSingle)
	}
	if a.FlowLogKeyArn == nil {
		return kit.ArgError(c, "FlowLogKeyArn", nil, "required: flow logs are always encrypted with a customer-managed key")
	}
	if a.FlowLogRetentionDays < 1 {
		return kit.ArgError(c, "FlowLogRetentionDays", a.FlowLogRetentionDays, "required: a CloudWatch retention period")
	}
	if a.InterfaceEndpoints == nil {
		a.InterfaceEndpoints = DefaultInterfaceEndpoints
	}
	return kit.RequireTags(c, a.Tags)
}

// Subnet layout inside the VPC: private subnets take /2 each of the range (room for pod IPs),
// the last quarter holds the public and isolated /5s.
const (
	privateNewBits = 2
	edgeNewBits    = 5
	publicBase     = 24 // networks 24..26 of /5: the first half of the last quarter
	isolatedBase   = 28 // networks 28..30 of /5: its second half
)

// NewNetwork creates the VPC, subnets, routing, NAT, flow logs and endpoints.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	n := &Network{}
	if err := kit.Register(ctx, TypeNetwork, name, args, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)
	acct, err := awskit.LookupAccount(ctx, n)
	if err != nil {
		return nil, err
	}
	zones, err := awssdk.GetAvailabilityZones(ctx, &awssdk.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, parent)
	if err != nil {
		return nil, fmt.Errorf("Network %s: listing availability zones: %w", name, err)
	}
	if len(zones.Names) < args.AvailabilityZones {
		return nil, fmt.Errorf("Network %s: region %s has %d availability zones, %d requested", name, acct.Region, len(zones.Names), args.AvailabilityZones)
	}
	azs := zones.Names[:args.AvailabilityZones]

	vpc, err := ec2.NewVpc(ctx, args.Prefix, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(args.CidrBlock),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		InstanceTenancy:    pulumi.String("default"),
		Tags:               awskit.Tags(args.Tags, args.Prefix),
	}, parent)
	if err != nil {
		return nil, err
	}

	// The default security group is what an ENI gets when nobody picks one: strip every rule so
	// such a mistake fails closed.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, args.Prefix+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId:   vpc.ID(),
		Ingress: ec2.DefaultSecurityGroupIngressArray{},
		Egress:  ec2.DefaultSecurityGroupEgressArray{},
		Tags:    awskit.Tags(args.Tags, args.Prefix+"-default-deny-all"),
	}, parent); err != nil {
		return nil, err
	}

	igw, err := ec2.NewInternetGateway(ctx, args.Prefix, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  awskit.Tags(args.Tags, args.Prefix),
	}, parent)
	if err != nil {
		return nil, err
	}

	tier := func(kind string, base, newBits int) ([]*ec2.Subnet, error) {
		var subnets []*ec2.Subnet
		for i, az := range azs {
			cidr, err := cidrSubnet(args.CidrBlock, newBits, base+i)
			if err != nil {
				return nil, err
			}
			switch kind {
			case "private":
				n.PrivateCidrBlocks = append(n.PrivateCidrBlocks, cidr)
			case "public":
				n.PublicCidrBlocks = append(n.PublicCidrBlocks, cidr)
			case "isolated":
				n.IsolatedCidrBlocks = append(n.IsolatedCidrBlocks, cidr)
			}
			sn := fmt.Sprintf("%s-%s-%s", args.Prefix, kind, az[len(az)-1:])
			t := awskit.Tags(args.Tags, sn)
			t["tier"] = pulumi.String(kind)
			s, err := ec2.NewSubnet(ctx, sn, &ec2.SubnetArgs{
				VpcId:               vpc.ID(),
				CidrBlock:           pulumi.String(cidr),
				AvailabilityZone:    pulumi.String(az),
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags:                t,
			}, parent)
			if err != nil {
				return nil, err
			}
			subnets = append(subnets, s)
		}
		return subnets, nil
	}
	public, err := tier("public", publicBase, edgeNewBits)
	if err != nil {
		return nil, err
	}
	private, err := tier("private", 0, privateNewBits)
	if err != nil {
		return nil, err
	}
	isolated, err := tier("isolated", isolatedBase, edgeNewBits)
	if err != nil {
		return nil, err
	}

	publicRT, err := ec2.NewRouteTable(ctx, args.Prefix+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(), Tags: awskit.Tags(args.Tags, args.Prefix+"-public"),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, args.Prefix+"-public-internet", &ec2.RouteArgs{
		RouteTableId: publicRT.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID(),
	}, parent); err != nil {
		return nil, err
	}
	if err := associate(ctx, args.Prefix+"-public", publicRT, public, parent); err != nil {
		return nil, err
	}

	// Isolated subnets share one route table with no route out of the VPC.
	isolatedRT, err := ec2.NewRouteTable(ctx, args.Prefix+"-isolated", &ec2.RouteTableArgs{
		VpcId: vpc.ID(), Tags: awskit.Tags(args.Tags, args.Prefix+"-isolated"),
	}, parent)
	if err != nil {
		return nil, err
	}
	if err := associate(ctx, args.Prefix+"-isolated", isolatedRT, isolated, parent); err != nil {
		return nil, err
	}

	natCount := len(azs)
	if args.NatGateways == NatSingle {
		natCount = 1
	}
	var nats []*ec2.NatGateway
	for i := 0; i < natCount; i++ {
		suffix := azs[i][len(azs[i])-1:]
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-%s", args.Prefix, suffix), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   awskit.Tags(args.Tags, fmt.Sprintf("%s-nat-%s", args.Prefix, suffix)),
		}, parent)
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, fmt.Sprintf("%s-%s", args.Prefix, suffix), &ec2.NatGatewayArgs{
			AllocationId:     eip.ID(),
			SubnetId:         public[i].ID(),
			ConnectivityType: pulumi.String("public"),
			Tags:             awskit.Tags(args.Tags, fmt.Sprintf("%s-%s", args.Prefix, suffix)),
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
		nats = append(nats, nat)
	}

	var privateRTs []*ec2.RouteTable
	for i, s := range private {
		suffix := azs[i][len(azs[i])-1:]
		rtName := fmt.Sprintf("%s-private-%s", args.Prefix, suffix)
		rt, err := ec2.NewRouteTable(ctx, rtName, &ec2.RouteTableArgs{VpcId: vpc.ID(), Tags: awskit.Tags(args.Tags, rtName)}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRoute(ctx, rtName+"-nat", &ec2.RouteArgs{
			RouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: nats[min(i, natCount-1)].ID(),
		}, parent); err != nil {
			return nil, err
		}
		if err := associate(ctx, rtName, rt, []*ec2.Subnet{s}, parent); err != nil {
			return nil, err
		}
		privateRTs = append(privateRTs, rt)
	}

	flowLogGroup, err := newFlowLogs(ctx, n, acct, args, vpc)
	if err != nil {
		return nil, err
	}

	endpointSG, err := newEndpoints(ctx, n, acct, args, vpc, private, append(privateRTs, isolatedRT))
	if err != nil {
		return nil, err
	}

	n.VpcId = vpc.ID().ToStringOutput()
	n.CidrBlock = vpc.CidrBlock
	n.PublicSubnetIds = subnetIDs(public)
	n.PrivateSubnetIds = subnetIDs(private)
	n.IsolatedSubnetIds = subnetIDs(isolated)
	n.EndpointSGId = endpointSG.ID().ToStringOutput()
	n.FlowLogGroupName = flowLogGroup.Name
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId": n.VpcId, "cidrBlock": n.CidrBlock, "publicSubnetIds": n.PublicSubnetIds,
		"privateSubnetIds": n.PrivateSubnetIds, "isolatedSubnetIds": n.IsolatedSubnetIds,
		"endpointSecurityGroupId": n.EndpointSGId, "flowLogGroupName": n.FlowLogGroupName,
	})
}

func associate(ctx *pulumi.Context, prefix string, rt *ec2.RouteTable, subnets []*ec2.Subnet, parent pulumi.ResourceOption) error {
	for i, s := range subnets {
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-%d", prefix, i), &ec2.RouteTableAssociationArgs{
			RouteTableId: rt.ID(), SubnetId: s.ID(),
		}, parent); err != nil {
			return err
		}
	}
	return nil
}

func subnetIDs(subnets []*ec2.Subnet) pulumi.StringArrayOutput {
	ids := pulumi.StringArray{}
	for _, s := range subnets {
		ids = append(ids, s.ID())
	}
	return ids.ToStringArrayOutput()
}

// newFlowLogs records all traffic of the VPC to a KMS-encrypted log group (164.312(b)).
func newFlowLogs(ctx *pulumi.Context, n *Network, acct awskit.Account, args *NetworkArgs, vpc *ec2.Vpc) (*cloudwatch.LogGroup, error) {
	parent := pulumi.Parent(n)
	group, err := cloudwatch.NewLogGroup(ctx, args.Prefix+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/healthhub/%s/vpc-flow-logs", args.Prefix),
		KmsKeyId:        args.FlowLogKeyArn,
		RetentionInDays: pulumi.Int(args.FlowLogRetentionDays),
		Tags:            awskit.Tags(args.Tags, args.Prefix+"-flow-logs"),
	}, kit.Stateful(n, args.Protect)...)
	if err != nil {
		return nil, err
	}
	role, err := awskit.ServiceRole(ctx, args.Prefix+"-flow-logs", "vpc-flow-logs", acct, args.Tags, group.Arn.ApplyT(func(arn string) (string, error) {
		return awskit.PolicyJSON(map[string]any{
			"Effect":   "Allow",
			"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"},
			"Resource": []string{arn, arn + ":*"},
		})
	}).(pulumi.StringOutput), parent)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewFlowLog(ctx, args.Prefix, &ec2.FlowLogArgs{
		VpcId:                  vpc.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   awskit.Tags(args.Tags, args.Prefix+"-flow-logs"),
	}, parent); err != nil {
		return nil, err
	}
	return group, nil
}

// newEndpoints adds gateway endpoints for S3 and DynamoDB to the private and isolated route
// tables and PrivateLink endpoints, reachable on 443 from inside the VPC only.
func newEndpoints(ctx *pulumi.Context, n *Network, acct awskit.Account, args *NetworkArgs, vpc *ec2.Vpc,
	private []*ec2.Subnet, routeTables []*ec2.RouteTable,
) (*ec2.SecurityGroup, error) {
	parent := pulumi.Parent(n)
	rtIDs := pulumi.StringArray{}
	for _, rt := range routeTables {
		rtIDs = append(rtIDs, rt.ID())
	}
	for _, svc := range []string{"s3", "dynamodb"} {
		if _, err := ec2.NewVpcEndpoint(ctx, args.Prefix+"-"+svc, &ec2.VpcEndpointArgs{
			VpcId:           vpc.ID(),
			ServiceName:     pulumi.Sprintf("com.amazonaws.%s.%s", acct.Region, svc),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   rtIDs,
			Tags:            awskit.Tags(args.Tags, args.Prefix+"-"+svc),
		}, parent); err != nil {
			return nil, err
		}
	}

	sg, err := ec2.NewSecurityGroup(ctx, args.Prefix+"-endpoints", &ec2.SecurityGroupArgs{
		VpcId:       vpc.ID(),
		Description: pulumi.String("HTTPS from inside the VPC to AWS PrivateLink endpoints"),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTPS from the VPC"),
			Protocol:    pulumi.String("tcp"),
			FromPort:    pulumi.Int(443),
			ToPort:      pulumi.Int(443),
			CidrBlocks:  pulumi.StringArray{pulumi.String(args.CidrBlock)},
		}},
		Egress: ec2.SecurityGroupEgressArray{},
		Tags:   awskit.Tags(args.Tags, args.Prefix+"-endpoints"),
	}, parent)
	if err != nil {
		return nil, err
	}
	subnetIDs := pulumi.StringArray{}
	for _, s := range private {
		subnetIDs = append(subnetIDs, s.ID())
	}
	endpoints := slices.Clone(args.InterfaceEndpoints)
	slices.Sort(endpoints)
	for _, svc := range endpoints {
		if _, err := ec2.NewVpcEndpoint(ctx, args.Prefix+"-"+svc, &ec2.VpcEndpointArgs{
			VpcId:             vpc.ID(),
			ServiceName:       pulumi.Sprintf("com.amazonaws.%s.%s", acct.Region, svc),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         subnetIDs,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			Tags:              awskit.Tags(args.Tags, args.Prefix+"-"+svc),
		}, parent); err != nil {
			return nil, err
		}
	}
	return sg, nil
}
