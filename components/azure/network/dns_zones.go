package network

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
)

// The private DNS zones the estate's private names resolve in. Azure's public DNS answers a
// private-linked name with a CNAME into the zone (vault.vault.azure.net →
// vault.privatelink.vaultcore.azure.net), so a network linked to the zone gets the private
// address and any other network the public one, which the service then refuses.
const (
	// ZoneKeyVault holds the vaults' private endpoints (group id "vault").
	ZoneKeyVault = "privatelink.vaultcore.azure.net"
	// ZoneBlob holds the storage accounts' blob private endpoints (group id "blob").
	ZoneBlob = "privatelink.blob.core.windows.net"
	// ZonePostgres is the Flexible Server private access zone; Azure requires the zone of a
	// VNet-injected server to end in .postgres.database.azure.com, and the server writes its
	// own record in it.
	ZonePostgres = "privatelink.postgres.database.azure.com"
)

// ZoneAKS is the zone of a private cluster's API server in a location, in the form AKS takes as
// a custom private DNS zone.
func ZoneAKS(location string) string { return "privatelink." + location + ".azmk8s.io" }

// zoneKeys name each zone's resources: the estate's zones by role, a zone linked from another
// network by its own name.
func zoneKey(zone, location string) string {
	switch zone {
	case ZoneKeyVault:
		return "kv"
	case ZoneBlob:
		return "blob"
	case ZonePostgres:
		return "postgres"
	case ZoneAKS(location):
		return "aks"
	}
	return zone
}

// zoneNames are the zones a network in a location resolves through: the estate's four, then
// any other zone the caller links, in name order.
func zoneNames(args *NetworkArgs) []string {
	names := []string{ZoneKeyVault, ZoneBlob, ZonePostgres, ZoneAKS(args.Location)}
	var extra []string
	for z := range args.DNSZones {
		if !slices.Contains(names, z) {
			extra = append(extra, z)
		}
	}
	slices.Sort(extra)
	return append(names, extra...)
}

// newZones creates the zones the caller did not hand in and links every zone to the network.
// Zones are global: one zone serves the networks of every location, which is how the DR network
// resolves the primary's vaults and database (DNSZones).
func newZones(ctx *pulumi.Context, n *Network, args *NetworkArgs, vnet *network.VirtualNetwork) (pulumi.StringMap, error) {
	ids := pulumi.StringMap{}
	for _, zone := range zoneNames(args) {
		key := zoneKey(zone, args.Location)
		var id pulumi.StringInput
		var group, zoneName pulumi.StringOutput
		if existing, ok := args.DNSZones[zone]; ok {
			// The link waits for the other network's zone, through its id.
			id, group = existing, zoneGroup(zone, existing)
			zoneName = group.ApplyT(func(string) string { return zone }).(pulumi.StringOutput)
		} else {
			// The records in a zone are what the endpoints and the database are reached by;
			// production keeps the zone through a refactor of the program.
			z, err := network.NewPrivateZone(ctx, args.name("pdz-"+key), &network.PrivateZoneArgs{
				PrivateZoneName:   pulumi.String(zone),
				ResourceGroupName: args.ResourceGroupName,
				// Private DNS zones are global resources: ARM takes no other location.
				Location: pulumi.String("global"),
				Tags:     azurekit.Tags(args.Tags),
			}, kit.Stateful(n, args.Protect)...)
			if err != nil {
				return nil, err
			}
			id, group, zoneName = z.ID(), args.ResourceGroupName.ToStringOutput(), z.Name
		}
		if _, err := network.NewVirtualNetworkLink(ctx, args.name("link-"+key), &network.VirtualNetworkLinkArgs{
			// One link per network in a zone: named after the network.
			VirtualNetworkLinkName: pulumi.String(args.name("vnet")),
			PrivateZoneName:        zoneName,
			ResourceGroupName:      group,
			Location:               pulumi.String("global"),
			VirtualNetwork:         network.SubResourceArgs{Id: vnet.ID()},
			// Resolution only: nothing in the estate's networks registers its own name, and
			// auto-registration would let any VM in a linked network write records into a zone
			// the private endpoints depend on.
			RegistrationEnabled: pulumi.Bool(false),
			Tags:                azurekit.Tags(args.Tags),
		}, pulumi.Parent(n)); err != nil {
			return nil, err
		}
		ids[zone] = id
	}
	return ids, nil
}

// zoneGroup is the resource group of a zone handed in by its ARM id, where its links must be
// created. A deployment whose id is not that zone's fails with the zone named, rather than
// linking the network to another zone.
func zoneGroup(zone string, id pulumi.StringInput) pulumi.StringOutput {
	return id.ToStringOutput().ApplyT(func(id string) (string, error) {
		parts := strings.Split(strings.Trim(id, "/"), "/")
		for i := 0; i+1 < len(parts); i++ {
			if strings.EqualFold(parts[i], "resourceGroups") &&
				strings.EqualFold(parts[len(parts)-2], "privateDnsZones") && strings.EqualFold(parts[len(parts)-1], zone) {
				return parts[i+1], nil
			}
		}
		return "", fmt.Errorf("Network: DNSZones[%s] = %s: must be the ARM id of the private DNS zone %s", zone, id, zone)
	}).(pulumi.StringOutput)
}
