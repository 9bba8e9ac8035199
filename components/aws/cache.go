package aws

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
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
	// Production requires two nodes or more, with Multi-AZ and automatic failover, and takes
	// a final snapshot when the group is deleted or replaced.
	Production bool
	// Protect keeps the replication group and its engine log through destroys and config
	// changes (production): ElastiCache has no deletion protection of its own.
	Protect bool
	Tags    map[string]string
}

// Cache is an ElastiCache Redis replication group reachable only from the private tier, with
// TLS required in transit, KMS at rest, an auth token, daily snapshots and encrypted logs; in
// production it is protected and leaves a final snapshot behind.
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

// Validate checks the Args before anything is registered.
func (a *CacheArgs) Validate() error {
	const c = "Cache"
	switch {
	case !replicationGroupID.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 40 lowercase letters, digits or hyphens")
	case a.VpcId == nil:
		return kit.ArgError(c, "VpcId", nil, "required")
	case a.SubnetIds == nil:
		return kit.ArgError(c, "SubnetIds", nil, "required: the isolated subnets")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: data at rest is always encrypted with a customer-managed key")
	case a.AuthToken == nil:
		return kit.ArgError(c, "AuthToken", nil, "required: pass a Pulumi secret; Redis without auth trusts the whole network")
	case a.LogKmsKeyArn == nil:
		return kit.ArgError(c, "LogKmsKeyArn", nil, "required: the engine log is encrypted")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	case !awsformat.RedisVersion.MatchString(a.EngineVersion):
		return kit.ArgError(c, "EngineVersion", fmt.Sprintf("%q", a.EngineVersion), "must be a pinned Redis version such as \"7.1\"")
	case !awsformat.CacheNodeType.MatchString(a.NodeType):
		return kit.ArgError(c, "NodeType", fmt.Sprintf("%q", a.NodeType), "must be an ElastiCache node type such as \"cache.r7g.large\"")
	case a.Nodes < 1 || a.Nodes > 6:
		return kit.ArgError(c, "Nodes", a.Nodes, "must be 1 to 6")
	case a.Production && a.Nodes < 2:
		return kit.ArgError(c, "Nodes", a.Nodes, "must be at least 2 in production, for Multi-AZ failover")
	}
	if err := kit.ClientCidrs(c, "ClientCidrBlocks", a.ClientCidrBlocks); err != nil {
		return err
	}
	return kit.RequireTags(c, a.Tags)
}

// NewCache creates the replication group and its network, log and subnet pieces.
func NewCache(ctx *pulumi.Context, name string, args *CacheArgs, opts ...pulumi.ResourceOption) (*Cache, error) {
	c := &Cache{}
	if err := kit.Register(ctx, TypeCache, name, args, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	id := args.Prefix

	subnets, err := elasticache.NewSubnetGroup(ctx, id, &elasticache.SubnetGroupArgs{
		Name:        pulumi.String(id),
		Description: pulumi.String("Isolated subnets of " + id),
		SubnetIds:   args.SubnetIds,
		Tags:        awskit.Tags(args.Tags, id),
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
		Tags: awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, id+"-engine", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/healthhub/elasticache/%s/engine", id),
		KmsKeyId:        args.LogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, id+"-engine"),
	}, kit.Stateful(c, args.Protect)...)
	if err != nil {
		return nil, err
	}

	// The final snapshot is what a deletion or a replacement leaves of the data; it is
	// encrypted with the group's key. Outside production the data is disposable.
	var finalSnapshot pulumi.StringPtrInput
	if args.Production {
		finalSnapshot = pulumi.String(id + "-final")
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
		FinalSnapshotIdentifier:  finalSnapshot,
		MaintenanceWindow:        pulumi.String("sun:05:00-sun:06:00"),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		LogDeliveryConfigurations: elasticache.ReplicationGroupLogDeliveryConfigurationArray{
			elasticache.ReplicationGroupLogDeliveryConfigurationArgs{
				Destination: logs.Name, DestinationType: pulumi.String("cloudwatch-logs"),
				LogFormat: pulumi.String("json"), LogType: pulumi.String("engine-log"),
			},
		},
		Tags: awskit.Tags(args.Tags, id),
	}, kit.Stateful(c, args.Protect)...)
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
