package azure

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azurec "github.com/healthhub/estate/components/azure"
	"github.com/healthhub/estate/components/azure/aks"
	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/azure/edge"
	"github.com/healthhub/estate/components/azure/network"
	"github.com/healthhub/estate/internal/config"
)

// appPort is where the workloads serve HTTPS to the gateway and to each other, as on every
// cloud.
const appPort = 8443

// services are the platform's shared services on top of the baseline: the entry point and
// the cluster behind it.
type services struct {
	cluster  *aks.AksCluster
	gateway  *edge.LoadBalancer
	firewall *edge.WebFirewall
	// database is built once the workload identities exist: the backend's is its administrator.
	database *azurec.Database
}

// buildServices builds the entry point first: the cluster's ingress controller is given the
// gateway it manages.
func buildServices(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline) (*services, error) {
	tags := cfg.Tags()
	firewall, err := edge.NewWebFirewall(ctx, "firewall", &edge.WebFirewallArgs{
		Prefix: p.prefix, ResourceGroupName: p.group.Name, Location: cfg.PrimaryRegion,
		AllowedCountries: cfg.AllowedCountries, Tags: tags,
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	// The gateway reads its certificate from the vault as its own identity, and only that
	// certificate: Key Vault keeps a certificate's key in the secret of the same name.
	gw, err := newIdentity(ctx, p, "gateway", tags)
	if err != nil {
		return nil, err
	}
	certSecret := pulumi.Sprintf("%s/secrets/%s", b.keys.VaultId, cfg.Azure.Gateway.CertificateName)
	if err := grant(ctx, p, "gateway-certificate", azurekit.RoleKeyVaultSecretsUser, gw.principalID, certSecret); err != nil {
		return nil, err
	}
	gateway, err := edge.NewLoadBalancer(ctx, "gateway", &edge.LoadBalancerArgs{
		Prefix:              p.prefix,
		ResourceGroupName:   p.group.Name,
		Location:            cfg.PrimaryRegion,
		SubnetId:            b.network.GatewaySubnetId,
		FirewallPolicyId:    firewall.PolicyId,
		IdentityId:          gw.id,
		CertificateSecretId: pulumi.Sprintf("%ssecrets/%s", b.keys.VaultUri, cfg.Azure.Gateway.CertificateName),
		HostName:            cfg.Workloads.Domain,
		MinCapacity:         cfg.Azure.Gateway.MinCapacity,
		MaxCapacity:         cfg.Azure.Gateway.MaxCapacity,
		Protect:             cfg.Production(),
		Tags:                tags,
	}, p.onPrimary, pulumi.DependsOn([]pulumi.Resource{b.vaultEndpoint}))
	if err != nil {
		return nil, err
	}
	cluster, err := buildCluster(ctx, cfg, p, b, gateway)
	if err != nil {
		return nil, err
	}
	if err := grantIngressController(ctx, p, b, cluster, gateway, firewall, gw); err != nil {
		return nil, err
	}
	return &services{cluster: cluster, gateway: gateway, firewall: firewall}, nil
}

func buildCluster(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, gateway *edge.LoadBalancer) (*aks.AksCluster, error) {
	a := cfg.Azure.AKS
	pool := func(n config.AKSNodePool) aks.NodePool { return aks.NodePool{VMSize: n.VMSize, Min: n.Min, Max: n.Max} }
	return aks.NewAksCluster(ctx, "cluster", &aks.AksClusterArgs{
		Prefix:               p.prefix,
		ResourceGroupName:    p.group.Name,
		Location:             cfg.PrimaryRegion,
		KubernetesVersion:    a.KubernetesVersion,
		UpgradeChannel:       a.UpgradeChannel,
		NodeSubnetId:         b.network.NodeSubnetId,
		VnetId:               b.network.VnetId,
		PrivateDnsZoneId:     b.network.ZoneIds.MapIndex(pulumi.String(network.ZoneAKS(cfg.PrimaryRegion))),
		ApiServerSubnetId:    b.network.ApiServerSubnetId,
		KeyId:                b.keys.VersionedId(azurec.DomainCluster),
		KeyResourceId:        b.keys.ResourceId(azurec.DomainCluster),
		KeyVaultId:           b.keys.VaultId,
		DiskKeyUrl:           b.keys.VersionedId(azurec.DomainCluster),
		WorkspaceId:          b.trail.WorkspaceId,
		ApplicationGatewayId: gateway.GatewayId,
		AdminGroupObjectIds:  a.AdminGroupObjectIDs,
		TenantID:             cfg.Azure.TenantID,
		Private:              cfg.Production(),
		AuthorizedIPRanges:   a.AuthorizedIPRanges,
		PodCidr:              cfg.Azure.PodCidr,
		ServiceCidr:          cfg.Azure.ServiceCidr,
		Pools:                aks.NodePools{System: pool(a.NodePools.System), App: pool(a.NodePools.App), GPU: pool(a.NodePools.GPU)},
		Protect:              cfg.Production(),
		Tags:                 cfg.Tags(),
	}, p.onPrimary)
}

// grantIngressController lets the cluster's ingress controller (AGIC) do what it is for and
// no more: rewrite its own gateway through the stack's custom role on the gateway and what the
// gateway joins, and find the gateway in its group (Reader, which the add-on requires).
func grantIngressController(ctx *pulumi.Context, p *providers, b *baseline, cluster *aks.AksCluster, gateway *edge.LoadBalancer, firewall *edge.WebFirewall, gw *identity) error {
	role, err := newAgicRole(ctx, p)
	if err != nil {
		return err
	}
	agic := cluster.AgicIdentityObjectId
	definition := role.ID().ToStringOutput()
	for _, g := range []struct {
		name  string
		scope pulumi.StringInput
	}{
		{"agic-gateway", gateway.GatewayId},
		{"agic-subnet", b.network.GatewaySubnetId},
		{"agic-public-ip", gateway.PublicIpId},
		{"agic-identity", gw.id},
		{"agic-waf-policy", firewall.PolicyId},
	} {
		if err := assign(ctx, p, g.name, definition, agic, g.scope); err != nil {
			return err
		}
	}
	return grant(ctx, p, "agic-group", azurekit.RoleReader, agic, p.group.ID())
}
