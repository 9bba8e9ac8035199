package aws

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/awsformat"
)

// CacheArgs configures the Redis replication group that holds sessions and derived data.
type CacheArgs struct {
	// Prefix names the replication group (at most 40 characters) and what surrounds it.
	Prefix string
	// VpcId and SubnetIds place the cache; SubnetIds are the isolated tier.
	VpcId     pulumi.StringInput
	SubnetIds pulumi.StringArrayInput
	// ClientCidrBlocks may connect on 6379: the private tier, where the workloads run.
	ClientCidrBlocks []string
	// KmsKeyArn encrypts data at rest and snapshots.
	KmsKeyArn pulumi.StringInput
	// AuthToken is the Redis password, a Pulumi secret of 16 to 128 characters; every client
	// must present it, over TLS.
	AuthToken pulumi.StringInput
	// LogKmsKeyArn and LogRetentionDays govern the engine and slow logs.
	LogKmsKeyArn     pulumi.StringInput
	LogRetentionDays int
	// EngineVersion is a pinned Redis version such as "7.1".
	EngineVersion string
	NodeType      string
	// Nodes is the primary plus its replicas, one per AZ (2+ in production).
	Nodes int
	// Production requires two nodes or more, with Multi-AZ and automatic failover.
	Production bool
	Tags       map[string]string
}

// Cache is an ElastiCache Redis replication group reachable only from the private tier, with
// TLS required in transit, KMS at rest, an auth token, daily snapshots and encrypted logs.
type Cache struct {
	pulumi.ResourceState

	PrimaryEndpoint pulumi.StringOutput `pulumi:"primaryEndpoint"`
	ReaderEndpoint  pulumi.StringOutput `pulumi:"readerEndpoint"`
	Port            pulumi.IntOutput    `pulumi:"port"`
	SecurityGroupId pulumi.StringOutput `pulumi:"securityGroupId"`
}

const cachePort = 6379

var (
	replicationGroupID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
)

func (a *CacheArgs) validate() error {
	const c = "Cache"
	switch {
	case !replicationGroupID.MatchString(a.Prefix):
		return argError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 40 lowercase letters, digits or hyphens")
	case a.VpcId == nil:
		return argError(c, "VpcId", nil, "required")
	case a.SubnetIds == nil:
		return argError(c, "SubnetIds", nil, "required: the isolated subnets")
	case a.KmsKeyArn == nil:
		return argError(c, "KmsKeyArn", nil, "required: data at rest is always encrypted with a customer-managed key")
	case a.AuthToken == nil:
		return argError(c, "AuthToken", nil, "required: pass a Pulumi secret; Redis without auth trusts the whole network")
	case a.LogKmsKeyArn == nil:
		return argError(c, "LogKmsKeyArn", nil, "required: the engine log is encrypted")
	case a.LogRetentionDays < MinRetentionDays:
		return argError(c, "LogRetentionDays", a.LogRetentionDays, "must be at least %d (HIPAA six years)", MinRetentionDays)
	case !awsformat.RedisVersion.MatchString(a.EngineVersion):
		return argError(c, "EngineVersion", fmt.Sprintf("%q", a.EngineVersion), "must be a pinned Redis version such as \"7.1\"")
	case !awsformat.CacheNodeType.MatchString(a.NodeType):
		return argError(c, "NodeType", fmt.Sprintf("%q", a.NodeType), "must be an ElastiCache node type such as \"cache.r7g.large\"")
	case a.Nodes < 1 || a.Nodes > 6:
		return argError(c, "Nodes", a.Nodes, "must be 1 to 6")
	case a.Production && a.Nodes < 2:
		return argError(c, "Nodes", a.Nodes, "must be at least 2 in production, for Multi-AZ failover")
	}
	if err := clientCidrs(c, "ClientCidrBlocks", a.ClientCidrBlocks); err != nil {
		return err
	}
	return requireTags(c, a.Tags)
}

// NewCache creates the replication group and its network, log and subnet pieces.
func NewCache(ctx *pulumi.Context, name string, args *CacheArgs, opts ...pulumi.ResourceOption) (*Cache, error) {
	c := &Cache{}
	if err := register(ctx, "healthhub:aws:Cache", name, args, c, opts); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	id := args.Prefix

	subnets, err := elasticache.NewSubnetGroup(ctx, id, &elasticache.SubnetGroupArgs{
		Name:        pulumi.String(id),
		Description: pulumi.String("Isolated subnets of " + id),
		SubnetIds:   args.SubnetIds,
		Tags:        tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}
	sg, err := ec2.NewSecurityGroup(ctx, id, &ec2.SecurityGroupArgs{
		VpcId:       args.VpcId,
		Description: pulumi.String("Redis from the private tier only"),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("Redis over TLS from the workloads"),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(cachePort), ToPort: pulumi.Int(cachePort),
			CidrBlocks: pulumi.ToStringArray(args.ClientCidrBlocks),
		}},
		Tags: tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, id+"-engine", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/healthhub/elasticache/%s/engine", id),
		KmsKeyId:        args.LogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            tags(args.Tags, id+"-engine"),
	}, stateful(c, args.Production)...)
	if err != nil {
		return nil, err
	}

	group, err := elasticache.NewReplicationGroup(ctx, id, &elasticache.ReplicationGroupArgs{
		ReplicationGroupId:       pulumi.String(id),
		Description:              pulumi.String("Sessions and derived data for " + id),
		Engine:                   pulumi.String("redis"),
		EngineVersion:            pulumi.String(args.EngineVersion),
		NodeType:                 pulumi.String(args.NodeType),
		NumCacheClusters:         pulumi.Int(args.Nodes),
		Port:                     pulumi.Int(cachePort),
		SubnetGroupName:          subnets.Name,
		SecurityGroupIds:         pulumi.StringArray{sg.ID()},
		AtRestEncryptionEnabled:  pulumi.Bool(true),
		KmsKeyId:                 args.KmsKeyArn,
		TransitEncryptionEnabled: pulumi.Bool(true),
		TransitEncryptionMode:    pulumi.String("required"),
		AuthToken:                pulumi.ToSecret(args.AuthToken).(pulumi.StringOutput),
		AutomaticFailoverEnabled: pulumi.Bool(args.Nodes > 1),
		MultiAzEnabled:           pulumi.Bool(args.Nodes > 1),
		SnapshotRetentionLimit:   pulumi.Int(7),
		SnapshotWindow:           pulumi.String("03:00-04:00"),
		MaintenanceWindow:        pulumi.String("sun:05:00-sun:06:00"),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		LogDeliveryConfigurations: elasticache.ReplicationGroupLogDeliveryConfigurationArray{
			elasticache.ReplicationGroupLogDeliveryConfigurationArgs{
				Destination: logs.Name, DestinationType: pulumi.String("cloudwatch-logs"),
				LogFormat: pulumi.String("json"), LogType: pulumi.String("engine-log"),
			},
		},
		Tags: tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}

	c.PrimaryEndpoint = group.PrimaryEndpointAddress
	c.ReaderEndpoint = group.ReaderEndpointAddress
	c.Port = group.Port.Elem()
	c.SecurityGroupId = sg.ID().ToStringOutput()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"primaryEndpoint": c.PrimaryEndpoint, "readerEndpoint": c.ReaderEndpoint, "port": c.Port,
		"securityGroupId": c.SecurityGroupId,
	})
}
