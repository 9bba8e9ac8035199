package gcp

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	gcpc "github.com/healthhub/estate/components/gcp"
	"github.com/healthhub/estate/components/gcp/edge"
	"github.com/healthhub/estate/components/gcp/gke"
	"github.com/healthhub/estate/components/gcp/network"
	"github.com/healthhub/estate/internal/config"
)

// appPort is where the workloads serve HTTPS to the load balancer and to each other, as on
// every cloud.
const appPort = 8443

// services are the platform's shared services on top of the baseline: the cluster, the data
// stores and the entry point.
type services struct {
	cluster  *gke.GkeCluster
	pools    []gke.NodePool
	database *gcpc.Database
	cache    *gcpc.Cache
	edge     *edge.LoadBalancer
	firewall *edge.WebFirewall
}

// buildServices takes the cluster, built first because the workloads' identities bind
// through its pool and the database's IAM users are those identities.
func buildServices(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, cluster *gke.GkeCluster, pools []gke.NodePool, ids *workloadIdentities) (*services, error) {
	out := &services{cluster: cluster, pools: pools}
	var err error
	if out.database, out.cache, err = buildDataStores(ctx, cfg, p, b, ids); err != nil {
		return nil, err
	}
	if out.edge, out.firewall, err = buildEntryPoint(ctx, cfg, p); err != nil {
		return nil, err
	}
	return out, nil
}

func buildCluster(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline) (*gke.GkeCluster, []gke.NodePool, error) {
	var pools []gke.NodePool
	for _, g := range cfg.GCP.GKE.NodePools.Pools() {
		pool := gke.NodePool{Name: g.Name, MachineType: g.MachineType, Min: g.Min, Max: g.Max}
		if g.Name == "gpu" {
			pool.GPU, pool.Accelerator = true, cfg.GCP.GKE.GPUAccelerator
		}
		pools = append(pools, pool)
	}
	prefix := cfg.Namer().Name()
	cluster, err := gke.NewGkeCluster(ctx, "cluster", &gke.GkeClusterArgs{
		Name:                     cfg.Namer().Name("gke"),
		Location:                 cfg.PrimaryRegion,
		Network:                  b.network.NetworkSelfLink,
		Subnetwork:               b.network.Subnet(cfg.PrimaryRegion),
		PodsRange:                network.PodsRangeName(prefix, cfg.PrimaryRegion),
		ServicesRange:            network.ServicesRangeName(prefix, cfg.PrimaryRegion),
		MasterCidr:               cfg.GCP.GKE.MasterCidr,
		PrivateEndpoint:          cfg.Production(),
		MasterAuthorizedNetworks: cfg.GCP.GKE.MasterAuthorizedNetworks,
		ReleaseChannel:           gke.ReleaseChannel(cfg.GCP.GKE.ReleaseChannel),
		KubernetesVersion:        cfg.GCP.GKE.KubernetesVersion,
		SecretsKmsKeyName:        b.keys.Id(gcpc.DomainCluster),
		BootDiskKmsKeyName:       b.keys.Id(gcpc.DomainCluster),
		NodePools:                pools,
		Protect:                  cfg.Production(),
		Labels:                   cfg.Tags(),
	}, pulumi.Provider(p.primary))
	return cluster, pools, err
}

// buildDataStores creates the clinical database, with its replica in the DR region, and the
// cache, both on private service access only.
func buildDataStores(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, ids *workloadIdentities) (*gcpc.Database, *gcpc.Cache, error) {
	labels := cfg.Tags()
	namer := cfg.Namer()
	onPrimary := pulumi.Provider(p.primary)
	peering := []pulumi.Resource{b.network.Connection}
	database, err := gcpc.NewDatabase(ctx, "database", &gcpc.DatabaseArgs{
		Prefix:           namer.Name(),
		Region:           cfg.PrimaryRegion,
		Network:          b.network.NetworkId,
		KmsKeyName:       b.keys.Id(gcpc.DomainDatabase),
		DRRegion:         cfg.DRRegion,
		DRKmsKeyName:     b.keys.DRId(gcpc.DomainDatabase),
		Tier:             cfg.GCP.Database.Tier,
		HighAvailability: cfg.Production(),
		RetainedBackups:  cfg.GCP.Database.RetainedBackups,
		IAMUsers:         ids.databaseUsers(),
		DependsOn:        peering,
		Protect:          cfg.Production(),
		Labels:           labels,
	}, onPrimary)
	if err != nil {
		return nil, nil, err
	}
	tier := gcpc.CacheStandardHA
	if !cfg.Production() {
		// Dev and staging hold synthetic data; one node is enough to exercise every control.
		tier = gcpc.CacheBasic
	}
	cache, err := gcpc.NewCache(ctx, "cache", &gcpc.CacheArgs{
		Prefix:              namer.Name(),
		Region:              cfg.PrimaryRegion,
		Network:             b.network.NetworkId,
		KmsKeyName:          b.keys.Id(gcpc.DomainCache),
		Tier:                tier,
		MemorySizeGb:        cfg.GCP.Cache.MemorySizeGb,
		SecretsKmsKeyName:   b.keys.Id(gcpc.DomainSecrets),
		DRRegion:            cfg.DRRegion,
		DRSecretsKmsKeyName: b.keys.DRId(gcpc.DomainSecrets),
		AuthReaders:         ids.cacheClients(),
		DependsOn:           peering,
		Protect:             cfg.Production(),
		Labels:              labels,
	}, onPrimary)
	return database, cache, err
}

// buildEntryPoint reserves what the cluster's Ingress is published through: the address,
// certificate, TLS policy and redirect, and the Cloud Armor policy.
func buildEntryPoint(ctx *pulumi.Context, cfg *config.Config, p *providers) (*edge.LoadBalancer, *edge.WebFirewall, error) {
	onPrimary := pulumi.Provider(p.primary)
	lb, err := edge.NewLoadBalancer(ctx, "edge", &edge.LoadBalancerArgs{
		Prefix:     cfg.Namer().Name(),
		Domains:    []string{cfg.Workloads.Domain},
		SslProfile: edge.SslProfile(cfg.GCP.LoadBalancer.SslProfile),
		Labels:     cfg.Tags(),
	}, onPrimary)
	if err != nil {
		return nil, nil, err
	}
	firewall, err := edge.NewWebFirewall(ctx, "firewall", &edge.WebFirewallArgs{
		Prefix:           cfg.Namer().Name(),
		AllowedCountries: cfg.AllowedCountries,
		Labels:           cfg.Tags(),
	}, onPrimary)
	return lb, firewall, err
}
