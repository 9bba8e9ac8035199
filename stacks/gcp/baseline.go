package gcp

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	gcpc "github.com/healthhub/estate/components/gcp"
	"github.com/healthhub/estate/components/gcp/network"
	"github.com/healthhub/estate/internal/config"
)

// baseline is what everything else stands on: the keys in both regions, the network, the
// alert channels and the audit trail.
type baseline struct {
	keys    *gcpc.Keys
	network *network.Network
	alerts  *gcpc.AlertChannels
	trail   *gcpc.AuditTrail
}

func buildBaseline(ctx *pulumi.Context, cfg *config.Config, p *providers, pager pulumi.StringOutput) (*baseline, error) {
	labels := cfg.Tags()
	namer := cfg.Namer()
	onPrimary := pulumi.Provider(p.primary)

	keys, err := gcpc.NewKeys(ctx, "keys", &gcpc.KeysArgs{
		Prefix:   namer.Name(),
		Region:   cfg.PrimaryRegion,
		DRRegion: cfg.DRRegion,
		Admins:   cfg.GCP.KeyAdmins,
		Protect:  cfg.Production(),
		Labels:   labels,
	}, onPrimary)
	if err != nil {
		return nil, err
	}

	// One VPC network for both regions: GCP networks are global, subnets regional. The DR
	// subnet is the pilot light the database replica and a rebuilt cluster land in.
	net, err := network.NewNetwork(ctx, "network", &network.NetworkArgs{
		Prefix: namer.Name(),
		Subnets: []network.Subnet{
			{Region: cfg.PrimaryRegion, Cidr: cfg.GCP.NetworkCidr, PodsCidr: cfg.GCP.PodsCidr, ServicesCidr: cfg.GCP.ServicesCidr},
			{Region: cfg.DRRegion, Cidr: cfg.GCP.DrNetworkCidr},
		},
		ServiceAccessCidr: cfg.GCP.ServiceAccessCidr,
		ServingPorts:      []int{appPort},
		Protect:           cfg.Production(),
		Labels:            labels,
	}, onPrimary)
	if err != nil {
		return nil, err
	}

	alerts, err := gcpc.NewAlertChannels(ctx, "alerts", &gcpc.AlertChannelsArgs{
		Prefix: namer.Name(), Email: cfg.AlertEmail, PagerURL: pager, Labels: labels,
	}, onPrimary)
	if err != nil {
		return nil, err
	}

	trail, err := gcpc.NewAuditTrail(ctx, "audit", &gcpc.AuditTrailArgs{
		// The archive's bucket name is global across Google Cloud: the project id, unique and
		// one per stack, makes it unique too.
		Prefix:               cfg.GCP.ProjectID,
		Region:               cfg.PrimaryRegion,
		KmsKeyName:           keys.Id(gcpc.DomainLogs),
		Replica:              &gcpc.BucketReplica{Location: cfg.DRRegion, KmsKeyName: keys.DRId(gcpc.DomainLogs)},
		RetentionDays:        cfg.LogRetentionDays,
		NotificationChannels: alerts.Names,
		Protect:              cfg.Production(),
		Labels:               labels,
	}, onPrimary)
	if err != nil {
		return nil, err
	}
	return &baseline{keys: keys, network: net, alerts: alerts, trail: trail}, nil
}
