package azure

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azurec "github.com/healthhub/estate/components/azure"
	"github.com/healthhub/estate/components/azure/network"
	"github.com/healthhub/estate/internal/config"
)

// baseline is what everything else stands on: the keys in both locations, the two networks
// with their flow-log accounts, the alert channels and the audit trail.
type baseline struct {
	keys               *azurec.Keys
	network, drNetwork *network.Network
	// vaultEndpoint is the primary vault's private endpoint, the only way in for whatever reads
	// it: the gateway's certificate, the cluster's KMS plugin, the CSI driver.
	vaultEndpoint       *network.PrivateEndpoint
	flowLogs, drFlowLog *azurec.SecureStorage
	alerts              *azurec.AlertChannels
	trail               *azurec.AuditTrail
}

func buildBaseline(ctx *pulumi.Context, cfg *config.Config, p *providers, pager pulumi.StringOutput) (*baseline, error) {
	tags := cfg.Tags()
	keys, err := azurec.NewKeys(ctx, "keys", &azurec.KeysArgs{
		Prefix:              p.prefix,
		ResourceGroupName:   p.group.Name,
		Location:            cfg.PrimaryRegion,
		DRResourceGroupName: p.drGroup.Name,
		DRLocation:          cfg.DRRegion,
		Admins:              cfg.Azure.KeyAdmins,
		Premium:             cfg.Production(),
		Protect:             cfg.Production(),
		Tags:                tags,
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	b := &baseline{keys: keys}

	// Flow logs land in an account in the network's own location, as Azure requires, under the
	// storage key of that location's vault.
	if b.flowLogs, err = storage(ctx, cfg, keys, p.prefix+"flow", p.group.Name, cfg.PrimaryRegion, false, p.onPrimary); err != nil {
		return nil, err
	}
	if b.drFlowLog, err = storage(ctx, cfg, keys, p.prefix+"flowdr", p.drGroup.Name, cfg.DRRegion, true, p.onDR); err != nil {
		return nil, err
	}
	// Each location's database subnet admits the other's, which the DR replica streams from.
	layout, err := network.Carve(cfg.Azure.VnetCidr)
	if err != nil {
		return nil, err
	}
	drLayout, err := network.Carve(cfg.Azure.DrVnetCidr)
	if err != nil {
		return nil, err
	}
	b.network, err = network.NewNetwork(ctx, "network", &network.NetworkArgs{
		Prefix:                  p.prefix,
		PodCidr:                 cfg.Azure.PodCidr,
		DatabasePeerCidrs:       []string{drLayout.Database},
		ResourceGroupName:       p.group.Name,
		Location:                cfg.PrimaryRegion,
		Cidr:                    cfg.Azure.VnetCidr,
		FlowLogStorageAccountId: b.flowLogs.AccountId,
		ServingPort:             appPort,
		Protect:                 cfg.Production(),
		Tags:                    tags,
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	// The DR network is the pilot light the database replica lives in and a rebuilt cluster
	// would land in; it resolves the private endpoints through the primary's DNS zones.
	zones := map[string]pulumi.StringInput{}
	for _, z := range []string{network.ZoneKeyVault, network.ZoneBlob, network.ZonePostgres} {
		zones[z] = b.network.ZoneIds.MapIndex(pulumi.String(z))
	}
	b.drNetwork, err = network.NewNetwork(ctx, "dr-network", &network.NetworkArgs{
		Prefix:                  p.prefix + "dr",
		ResourceGroupName:       p.drGroup.Name,
		Location:                cfg.DRRegion,
		Cidr:                    cfg.Azure.DrVnetCidr,
		DatabasePeerCidrs:       []string{layout.Database},
		FlowLogStorageAccountId: b.drFlowLog.AccountId,
		ServingPort:             appPort,
		DNSZones:                zones,
		Protect:                 cfg.Production(),
		Tags:                    tags,
	}, p.onDR)
	if err != nil {
		return nil, err
	}
	// The replica streams from the primary across the peering, and a cluster rebuilt in the DR
	// location reaches the primary's private endpoints through it.
	if _, err := network.NewPeering(ctx, "peering", &network.PeeringArgs{
		Left:  network.PeeredNetwork{Name: "primary", ResourceGroupName: p.group.Name, VnetName: b.network.VnetName, VnetId: b.network.VnetId},
		Right: network.PeeredNetwork{Name: "dr", ResourceGroupName: p.drGroup.Name, VnetName: b.drNetwork.VnetName, VnetId: b.drNetwork.VnetId},
	}, p.onPrimary); err != nil {
		return nil, err
	}
	// The vaults refuse public traffic: the cluster's KMS plugin and the CSI driver reach them
	// through these endpoints.
	if b.vaultEndpoint, err = endpoint(ctx, p.prefix+"-pe-kv", p.group.Name, cfg.PrimaryRegion, b.network, keys.VaultId, "vault", network.ZoneKeyVault, tags, p.onPrimary); err != nil {
		return nil, err
	}
	if _, err := endpoint(ctx, p.prefix+"-pe-kv-dr", p.drGroup.Name, cfg.DRRegion, b.drNetwork, keys.DRVaultId, "vault", network.ZoneKeyVault, tags, p.onDR); err != nil {
		return nil, err
	}

	if b.alerts, err = azurec.NewAlertChannels(ctx, "alerts", &azurec.AlertChannelsArgs{
		Prefix: p.prefix, ResourceGroupName: p.group.Name, Email: cfg.AlertEmail, PagerURL: pager,
		SubscriptionID: p.subscription, Tags: tags,
	}, p.onPrimary); err != nil {
		return nil, err
	}
	logs := keys.Identity(azurec.DomainLogs)
	b.trail, err = azurec.NewAuditTrail(ctx, "audit", &azurec.AuditTrailArgs{
		Prefix:             p.prefix,
		ResourceGroupName:  p.group.Name,
		Location:           cfg.PrimaryRegion,
		ArchiveDays:        cfg.LogRetentionDays,
		ArchiveAccountName: p.prefix + "audit",
		KeyVaultUri:        keys.VaultUri,
		KeyName:            pulumi.String(string(azurec.DomainLogs)),
		IdentityId:         logs.ID,
		SubscriptionID:     p.subscription,
		// A production stack's first `up` builds the archive's policy unlocked; the next locks it.
		ArchiveImmutabilityUnlocked: cfg.Azure.AuditArchiveUnlocked,
		Protect:                     cfg.Production(),
		Tags:                        tags,
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	// Auditors read the archive from inside the network only.
	if _, err := endpoint(ctx, p.prefix+"-pe-audit", p.group.Name, cfg.PrimaryRegion, b.network, b.trail.ArchiveAccountId, "blob", network.ZoneBlob, tags, p.onPrimary); err != nil {
		return nil, err
	}
	return b, nil
}

// storage is a flow-log account in one location, encrypted with that location's storage key.
func storage(ctx *pulumi.Context, cfg *config.Config, keys *azurec.Keys, name string, group pulumi.StringInput, location string, dr bool, on pulumi.ResourceOption) (*azurec.SecureStorage, error) {
	uri, id := keys.VaultUri, keys.Identity(azurec.DomainStorage).ID
	if dr {
		uri = keys.DRVaultUri
	}
	return azurec.NewSecureStorage(ctx, name, &azurec.SecureStorageArgs{
		Name:              name,
		ResourceGroupName: group,
		Location:          location,
		KeyVaultUri:       uri,
		KeyName:           pulumi.String(string(azurec.DomainStorage)),
		IdentityId:        id,
		Protect:           cfg.Production(),
		Tags:              cfg.Tags(),
	}, on)
}

func endpoint(ctx *pulumi.Context, name string, group pulumi.StringInput, location string, n *network.Network, target pulumi.StringInput, groupID, zone string, tags map[string]string, on pulumi.ResourceOption) (*network.PrivateEndpoint, error) {
	return network.NewPrivateEndpoint(ctx, name, &network.PrivateEndpointArgs{
		ResourceGroupName: group,
		Location:          location,
		SubnetId:          n.EndpointSubnetId,
		TargetId:          target,
		GroupId:           groupID,
		DnsZoneId:         n.ZoneIds.MapIndex(pulumi.String(zone)),
		Tags:              tags,
	}, on)
}
