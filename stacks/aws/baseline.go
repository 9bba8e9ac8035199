package aws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/internal/config"
)

// baseline is what everything else stands on: the keys, the network in both regions and the
// audit trail.
type baseline struct {
	keys      *awsc.Keys
	network   *awsc.Network
	drNetwork *awsc.Network
	trail     *awsc.AuditTrail
}

func buildBaseline(ctx *pulumi.Context, cfg *config.Config, p *providers) (*baseline, error) {
	tags := cfg.Tags()
	namer := cfg.Namer()

	keys, err := awsc.NewKeys(ctx, "keys", &awsc.KeysArgs{
		Prefix:       namer.Name(),
		DRProvider:   p.dr,
		EdgeProvider: p.edge,
		Protect:      cfg.Production(),
		Tags:         tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, err
	}

	network, err := awsc.NewNetwork(ctx, "network", &awsc.NetworkArgs{
		Prefix:               namer.Name("vpc"),
		CidrBlock:            cfg.AWS.VpcCidr,
		AvailabilityZones:    cfg.AWS.AvailabilityZones,
		NatGateways:          awsc.NatLayout(cfg.AWS.NatGateways),
		FlowLogKeyArn:        keys.Arn(awsc.DomainLogs),
		FlowLogRetentionDays: cfg.LogRetentionDays,
		Protect:              cfg.Production(),
		Tags:                 tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, err
	}

	// The DR network is the pilot light: the same tiers and endpoints, one NAT gateway, ready
	// for the replicas placed in it.
	drLogsKey, _ := keys.ReplicaArn(awsc.DomainLogs)
	drNetwork, err := awsc.NewNetwork(ctx, "network-dr", &awsc.NetworkArgs{
		Prefix:               namer.Name("vpc", "dr"),
		CidrBlock:            cfg.AWS.DrVpcCidr,
		AvailabilityZones:    cfg.AWS.AvailabilityZones,
		NatGateways:          awsc.NatSingle,
		FlowLogKeyArn:        drLogsKey,
		FlowLogRetentionDays: cfg.LogRetentionDays,
		Protect:              cfg.Production(),
		Tags:                 tags,
	}, pulumi.Provider(p.dr))
	if err != nil {
		return nil, err
	}

	lock := awsc.LockGovernance
	if cfg.Production() {
		lock = awsc.LockCompliance
	}
	trail, err := awsc.NewAuditTrail(ctx, "audit", &awsc.AuditTrailArgs{
		Prefix:           namer.Name("audit"),
		KmsKeyArn:        keys.Arn(awsc.DomainLogs),
		RetentionDays:    cfg.RetentionDays,
		LogRetentionDays: cfg.LogRetentionDays,
		ObjectLock:       lock,
		Protect:          cfg.Production(),
		Replica:          &awsc.BucketReplica{Provider: p.dr, KmsKeyArn: drLogsKey},
		Tags:             tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, err
	}
	return &baseline{keys: keys, network: network, drNetwork: drNetwork, trail: trail}, nil
}
