package network

import (
	"fmt"
	"maps"
	"net"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	vnetType = "azure-native:network:VirtualNetwork"
	nsgType  = "azure-native:network:NetworkSecurityGroup"
	natType  = "azure-native:network:NatGateway"
	pipType  = "azure-native:network:PublicIPAddress"
	flowType = "azure-native:network:FlowLog"
	zoneType = "azure-native:network:PrivateZone"
	linkType = "azure-native:network:VirtualNetworkLink"

	primary = azurekittest.PrimaryLocation
	dr      = azurekittest.DRLocation

	vnetName = "hh-vnet-" + primary
)

var (
	flowAccount = azurekittest.ResourceID("Microsoft.Storage", "storageAccounts", "hhflow")
	vnetID      = azurekittest.ResourceID("Microsoft.Network", "virtualNetworks", vnetName)
)

func nsgName(subnet string) string { return "hh-nsg-" + subnet + "-" + primary }

func nsgID(subnet string) string {
	return azurekittest.ResourceID("Microsoft.Network", "networkSecurityGroups", nsgName(subnet))
}

// networkArgs is the estate's default addressing plan (config.DefaultAzure) in the primary
// location.
func networkArgs(mutate func(*NetworkArgs)) *NetworkArgs {
	a := &NetworkArgs{
		Prefix:                  "hh",
		ResourceGroupName:       pulumi.String(azurekittest.ResourceGroup),
		Location:                primary,
		Cidr:                    "10.60.0.0/16",
		FlowLogStorageAccountId: pulumi.String(flowAccount),
		Tags:                    kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runNetwork(args *NetworkArgs) func(ctx *pulumi.Context, p azurekittest.Providers) error {
	return func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewNetwork(ctx, "network", args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestNetworkDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, runNetwork(networkArgs(nil)))
	natID := azurekittest.ResourceID("Microsoft.Network", "natGateways", "hh-nat-"+primary)
	pipID := azurekittest.ResourceID("Microsoft.Network", "publicIPAddresses", "hh-pip-nat-"+primary)
	table := []kittest.Expectation{
		{Type: vnetType, Name: vnetName, Path: "virtualNetworkName", Want: vnetName},
		{Type: vnetType, Name: vnetName, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: vnetType, Name: vnetName, Path: "location", Want: primary},
		{Type: vnetType, Name: vnetName, Path: "addressSpace.addressPrefixes", Want: []any{"10.60.0.0/16"}},
		{Type: vnetType, Name: vnetName, Path: "tags.data-classification", Want: "phi"},

		{Type: vnetType, Name: vnetName, Path: "subnets[0].name", Want: "nodes"},
		{Type: vnetType, Name: vnetName, Path: "subnets[0].addressPrefix", Want: "10.60.0.0/17"},
		{Type: vnetType, Name: vnetName, Path: "subnets[0].natGateway.id", Want: natID},
		{Type: vnetType, Name: vnetName, Path: "subnets[1].name", Want: "gateway"},
		{Type: vnetType, Name: vnetName, Path: "subnets[1].addressPrefix", Want: "10.60.128.0/24"},
		{Type: vnetType, Name: vnetName, Path: "subnets[2].name", Want: "endpoints"},
		{Type: vnetType, Name: vnetName, Path: "subnets[2].addressPrefix", Want: "10.60.129.0/24"},
		{Type: vnetType, Name: vnetName, Path: "subnets[2].privateEndpointNetworkPolicies", Want: "Enabled"},
		{Type: vnetType, Name: vnetName, Path: "subnets[3].name", Want: "database"},
		{Type: vnetType, Name: vnetName, Path: "subnets[3].addressPrefix", Want: "10.60.130.0/24"},
		{Type: vnetType, Name: vnetName, Path: "subnets[3].delegations[0].serviceName", Want: "Microsoft.DBforPostgreSQL/flexibleServers"},
		{Type: vnetType, Name: vnetName, Path: "subnets[3].delegations[0].name", Want: "Microsoft.DBforPostgreSQL.flexibleServers"},
		{Type: vnetType, Name: vnetName, Path: "subnets[4].name", Want: "apiserver"},
		{Type: vnetType, Name: vnetName, Path: "subnets[4].addressPrefix", Want: "10.60.131.0/28"},
		{Type: vnetType, Name: vnetName, Path: "subnets[4].delegations[0].serviceName", Want: "Microsoft.ContainerService/managedClusters"},
		{Type: vnetType, Name: vnetName, Path: "subnets[4].delegations[0].name", Want: "Microsoft.ContainerService.managedClusters"},

		{Type: pipType, Name: "hh-pip-nat-" + primary, Path: "sku.name", Want: "Standard"},
		{Type: pipType, Name: "hh-pip-nat-" + primary, Path: "sku.tier", Want: "Regional"},
		{Type: pipType, Name: "hh-pip-nat-" + primary, Path: "publicIPAllocationMethod", Want: "Static"},
		{Type: pipType, Name: "hh-pip-nat-" + primary, Path: "publicIPAddressVersion", Want: "IPv4"},
		{Type: pipType, Name: "hh-pip-nat-" + primary, Path: "zones", Want: []any{"1", "2", "3"}},
		{Type: natType, Name: "hh-nat-" + primary, Path: "sku.name", Want: "Standard"},
		{Type: natType, Name: "hh-nat-" + primary, Path: "idleTimeoutInMinutes", Want: int64(4)},
		{Type: natType, Name: "hh-nat-" + primary, Path: "publicIpAddresses[0].id", Want: pipID},
		{Type: natType, Name: "hh-nat-" + primary, Path: "tags.owner", Want: "platform"},

		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "flowLogName", Want: "hh-flowlog-" + primary},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "networkWatcherName", Want: "NetworkWatcher_uksouth"},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "resourceGroupName", Want: "NetworkWatcherRG"},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "location", Want: primary},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "targetResourceId", Want: vnetID},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "storageId", Want: flowAccount},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "enabled", Want: true},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "format.type", Want: "JSON"},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "format.version", Want: int64(2)},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "retentionPolicy.enabled", Want: true},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "retentionPolicy.days", Want: int64(90)},
	}
	for i, subnet := range []string{"nodes", "gateway", "endpoints", "database", "apiserver"} {
		table = append(table, kittest.Expectation{Type: vnetType, Name: vnetName, Path: fmt.Sprintf("subnets[%d].networkSecurityGroup.id", i), Want: nsgID(subnet)})
	}
	for zone, key := range map[string]string{ZoneKeyVault: "kv", ZoneBlob: "blob", ZonePostgres: "postgres", ZoneAKS(primary): "aks"} {
		z, l := "hh-pdz-"+key+"-"+primary, "hh-link-"+key+"-"+primary
		table = append(table,
			kittest.Expectation{Type: zoneType, Name: z, Path: "privateZoneName", Want: zone},
			kittest.Expectation{Type: zoneType, Name: z, Path: "location", Want: "global"},
			kittest.Expectation{Type: zoneType, Name: z, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
			kittest.Expectation{Type: zoneType, Name: z, Path: "tags.environment", Want: "production"},
			kittest.Expectation{Type: linkType, Name: l, Path: "privateZoneName", Want: zone},
			kittest.Expectation{Type: linkType, Name: l, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
			kittest.Expectation{Type: linkType, Name: l, Path: "virtualNetworkLinkName", Want: vnetName},
			kittest.Expectation{Type: linkType, Name: l, Path: "virtualNetwork.id", Want: vnetID},
			kittest.Expectation{Type: linkType, Name: l, Path: "registrationEnabled", Want: false},
			kittest.Expectation{Type: linkType, Name: l, Path: "location", Want: "global"},
		)
	}
	kittest.AssertInputs(t, m, table)

	v, _ := m.Find(vnetType, vnetName)
	for i := 1; i < 5; i++ {
		_, nat := v.Get(fmt.Sprintf("subnets[%d].natGateway", i))
		assert.False(t, nat, "only the nodes go out through the NAT gateway (subnet %d)", i)
	}
	for _, i := range []int{0, 1, 2} {
		_, delegated := v.Get(fmt.Sprintf("subnets[%d].delegations", i))
		assert.False(t, delegated, "subnet %d is not delegated", i)
	}
	nat, _ := m.Find(natType, "hh-nat-"+primary)
	_, zonal := nat.Get("zones")
	assert.False(t, zonal, "the NAT gateway serves every zone of the nodes subnet")
	_, analytics := m.ByType(flowType)[0].Get("flowAnalyticsConfiguration")
	assert.False(t, analytics, "traffic analytics only with a workspace")

	assert.Len(t, m.ByType(nsgType), 5, "one security group per subnet")
	assert.Len(t, m.ByType(zoneType), 4)
	assert.Len(t, m.ByType(linkType), 4)
	assert.Len(t, m.ByType(flowType), 1)
	for _, r := range m.Resources() {
		if r.Custom && !r.IsProvider() {
			assert.False(t, r.Protect, "%s is unprotected unless asked", r.Name)
		}
	}

	assert.Empty(t, azurekittest.Violations(m, "production"), "the network passes the whole policy pack")
}

// rulesOf is a security group's rules by name.
func rulesOf(t *testing.T, m *mockcloud.Monitor, subnet string) map[string]map[string]any {
	t.Helper()
	nsg, ok := m.Find(nsgType, nsgName(subnet))
	require.True(t, ok, "security group of %s", subnet)
	raw, _ := nsg.Get("securityRules")
	out := map[string]map[string]any{}
	for _, r := range raw.([]any) {
		rule := r.(map[string]any)
		out[rule["name"].(string)] = rule
	}
	return out
}

// Each subnet admits only what it needs, and refuses the rest with a rule of its own.
func TestNetworkSecurityGroups(t *testing.T) {
	m := azurekittest.MustRun(t, runNetwork(networkArgs(nil)))
	allow := func(priority int64, protocol, source, destination, port string) map[string]any {
		return map[string]any{"direction": "Inbound", "access": "Allow", "priority": priority, "protocol": protocol,
			"sourceAddressPrefix": source, "sourcePortRange": "*", "destinationAddressPrefix": destination, "destinationPortRange": port}
	}
	want := map[string]map[string]map[string]any{
		"gateway": {
			"allow-https-from-internet": allow(100, "Tcp", "Internet", "10.60.128.0/24", "443"),
			"allow-http-from-internet":  allow(110, "Tcp", "Internet", "10.60.128.0/24", "80"),
			"allow-gateway-manager":     allow(120, "Tcp", "GatewayManager", "*", "65200-65535"),
			"allow-azure-load-balancer": allow(130, "*", "AzureLoadBalancer", "*", "*"),
		},
		"nodes": {
			"allow-gateway-to-workloads": allow(100, "Tcp", "10.60.128.0/24", "*", "8443"),
			"allow-virtual-network":      allow(110, "*", "VirtualNetwork", "*", "*"),
			"allow-azure-load-balancer":  allow(130, "*", "AzureLoadBalancer", "*", "*"),
		},
		"endpoints": {
			"allow-https-from-virtual-network": allow(100, "Tcp", "VirtualNetwork", "10.60.129.0/24", "443"),
		},
		"database": {
			"allow-postgres-from-nodes": allow(100, "Tcp", "10.60.0.0/17", "10.60.130.0/24", "5432"),
			"allow-database-subnet":     allow(110, "*", "10.60.130.0/24", "10.60.130.0/24", "*"),
		},
		"apiserver": {
			"allow-https-from-virtual-network": allow(100, "Tcp", "VirtualNetwork", "10.60.131.0/28", "443"),
			"allow-azure-load-balancer":        allow(110, "*", "AzureLoadBalancer", "*", "*"),
		},
	}
	denyAll := map[string]any{"direction": "Inbound", "access": "Deny", "priority": int64(4096), "protocol": "*",
		"sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}
	for subnet, allows := range want {
		t.Run(subnet, func(t *testing.T) {
			got := rulesOf(t, m, subnet)
			require.Len(t, got, len(allows)+1, "the allows and the deny-all, nothing else")
			for name, fields := range allows {
				require.Contains(t, got, name)
				for k, v := range fields {
					assert.Equal(t, v, got[name][k], "%s %s", name, k)
				}
				assert.NotEmpty(t, got[name]["description"], name)
			}
			for k, v := range denyAll {
				assert.Equal(t, v, got["deny-all-inbound"][k], "deny-all %s", k)
			}
			nsg, _ := m.Find(nsgType, nsgName(subnet))
			loc, _ := nsg.Get("location")
			assert.Equal(t, primary, loc)
			tags, _ := nsg.Get("tags.compliance")
			assert.Equal(t, "hipaa", tags)
		})
	}
	// Only the gateway's listeners are open to the internet, and nothing is open from anywhere.
	for subnet := range want {
		for name, rule := range rulesOf(t, m, subnet) {
			if rule["access"] != "Allow" {
				continue
			}
			assert.NotEqual(t, "*", rule["sourceAddressPrefix"], "%s %s allows from anywhere", subnet, name)
			if rule["sourceAddressPrefix"] == "Internet" {
				assert.Equal(t, "gateway", subnet, "%s %s", subnet, name)
				assert.Contains(t, []any{"443", "80"}, rule["destinationPortRange"], "%s %s", subnet, name)
			}
		}
	}
}

// The pod range and the other location's database subnet each open one more rule.
func TestNetworkOptionalRules(t *testing.T) {
	m := azurekittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) {
		a.PodCidr = "10.244.0.0/16"
		a.DatabasePeerCidrs = []string{"10.61.130.0/24"}
	})))
	nodes := rulesOf(t, m, "nodes")
	assert.Equal(t, "10.244.0.0/16", nodes["allow-pods"]["sourceAddressPrefix"])
	assert.Equal(t, int64(120), nodes["allow-pods"]["priority"])
	assert.Equal(t, "*", nodes["allow-pods"]["protocol"])
	db := rulesOf(t, m, "database")
	assert.Equal(t, "10.61.130.0/24", db["allow-postgres-from-peers"]["sourceAddressPrefix"])
	assert.Equal(t, "10.60.130.0/24", db["allow-postgres-from-peers"]["destinationAddressPrefix"])
	assert.Equal(t, "5432", db["allow-postgres-from-peers"]["destinationPortRange"])
	assert.Equal(t, "Tcp", db["allow-postgres-from-peers"]["protocol"])

	m = azurekittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) {
		a.DatabasePeerCidrs = []string{"10.61.130.0/24", "10.62.130.0/24"}
	})))
	db = rulesOf(t, m, "database")
	assert.Equal(t, []any{"10.61.130.0/24", "10.62.130.0/24"}, db["allow-postgres-from-peers"]["sourceAddressPrefixes"])
	assert.NotContains(t, db["allow-postgres-from-peers"], "sourceAddressPrefix")
	assert.NotContains(t, rulesOf(t, m, "nodes"), "allow-pods")
}

func TestNetworkTrafficAnalytics(t *testing.T) {
	workspace := azurekittest.ResourceID("Microsoft.OperationalInsights", "workspaces", "hh-logs")
	m := azurekittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) {
		a.WorkspaceId, a.WorkspaceCustomerId = pulumi.String(workspace), pulumi.String("11111111-2222-4333-8444-555555555555")
	})))
	const cfg = "flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration."
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: cfg + "enabled", Want: true},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: cfg + "trafficAnalyticsInterval", Want: int64(10)},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: cfg + "workspaceId", Want: "11111111-2222-4333-8444-555555555555"},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: cfg + "workspaceResourceId", Want: workspace},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: cfg + "workspaceRegion", Want: primary},
	})

	m = azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewNetwork(ctx, "dr-network", networkArgs(func(a *NetworkArgs) {
			a.Location, a.Cidr, a.WorkspaceLocation = dr, "10.61.0.0/16", primary
			a.WorkspaceId, a.WorkspaceCustomerId = pulumi.String(workspace), pulumi.String("11111111-2222-4333-8444-555555555555")
		}), pulumi.Provider(p.DR))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: flowType, Name: "hh-flowlog-" + dr, Path: cfg + "workspaceRegion", Want: primary},
		{Type: flowType, Name: "hh-flowlog-" + dr, Path: "location", Want: dr},
		{Type: flowType, Name: "hh-flowlog-" + dr, Path: "networkWatcherName", Want: "NetworkWatcher_ukwest"},
	})
}

func TestNetworkSettings(t *testing.T) {
	m := azurekittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) {
		a.Cidr = "172.16.0.0/20"
		a.FlowLogRetentionDays = 365
		a.ServingPort = 9443
		a.NetworkWatcherName, a.NetworkWatcherResourceGroup = "watcher-uksouth", "hh-watchers"
	})))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: vnetType, Name: vnetName, Path: "subnets[0].addressPrefix", Want: "172.16.0.0/21"},
		{Type: vnetType, Name: vnetName, Path: "subnets[4].addressPrefix", Want: "172.16.11.0/28"},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "retentionPolicy.days", Want: int64(365)},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "networkWatcherName", Want: "watcher-uksouth"},
		{Type: flowType, Name: "hh-flowlog-" + primary, Path: "resourceGroupName", Want: "hh-watchers"},
	})
	assert.Equal(t, "9443", rulesOf(t, m, "nodes")["allow-gateway-to-workloads"]["destinationPortRange"])
}

func TestNetworkOutputs(t *testing.T) {
	var got map[string]string
	var zones map[string]string
	var n *Network
	azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		n, err = NewNetwork(ctx, "network", networkArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		pulumi.All(n.VnetId, n.VnetName, n.NodeSubnetId, n.GatewaySubnetId, n.EndpointSubnetId, n.DatabaseSubnetId, n.ApiServerSubnetId).ApplyT(func(v []any) string {
			got = map[string]string{}
			for i, k := range []string{"vnet", "name", "nodes", "gateway", "endpoints", "database", "apiserver"} {
				got[k] = v[i].(string)
			}
			return ""
		})
		n.ZoneIds.ApplyT(func(z map[string]string) string { zones = z; return "" })
		return nil
	})
	assert.Equal(t, vnetID, got["vnet"])
	assert.Equal(t, vnetName, got["name"])
	for _, s := range []string{"nodes", "gateway", "endpoints", "database", "apiserver"} {
		assert.Equal(t, vnetID+"/subnets/"+s, got[s])
	}
	zoneID := func(z string) string { return azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", z) }
	assert.Equal(t, map[string]string{
		ZoneKeyVault: zoneID(ZoneKeyVault), ZoneBlob: zoneID(ZoneBlob), ZonePostgres: zoneID(ZonePostgres),
		"privatelink.uksouth.azmk8s.io": zoneID("privatelink.uksouth.azmk8s.io"),
	}, zones)
	assert.Equal(t, []string{"10.60.0.0/17", "10.60.128.0/24", "10.60.129.0/24", "10.60.130.0/24", "10.60.131.0/28"},
		[]string{n.NodeCidr, n.GatewayCidr, n.EndpointCidr, n.DatabaseCidr, n.ApiServerCidr})
}

// The DR network links the primary's zones instead of creating its own, and makes only its
// location's AKS zone; both networks live in one stack without colliding.
func TestNetworkLinksExistingZones(t *testing.T) {
	var drZones map[string]string
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		n, err := NewNetwork(ctx, "network", networkArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		shared := map[string]pulumi.StringInput{}
		for _, z := range []string{ZoneKeyVault, ZoneBlob, ZonePostgres, ZoneAKS(primary)} {
			shared[z] = n.ZoneIds.MapIndex(pulumi.String(z))
		}
		d, err := NewNetwork(ctx, "dr-network", networkArgs(func(a *NetworkArgs) {
			a.Location, a.Cidr, a.ResourceGroupName = dr, "10.61.0.0/16", pulumi.String(azurekittest.DRResourceGroup)
			a.FlowLogStorageAccountId = pulumi.String(azurekittest.ResourceID("Microsoft.Storage", "storageAccounts", "hhflowdr"))
			a.DNSZones = shared
		}), pulumi.Provider(p.DR))
		if err != nil {
			return err
		}
		d.ZoneIds.ApplyT(func(z map[string]string) string { drZones = z; return "" })
		return nil
	})
	const drVnet = "hh-vnet-" + dr
	drVnetID := mockcloud.AzureResourceID(azurekittest.Subscription, azurekittest.DRResourceGroup, "Microsoft.Network/virtualNetworks", drVnet)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: linkType, Name: "hh-link-kv-" + dr, Path: "privateZoneName", Want: ZoneKeyVault},
		{Type: linkType, Name: "hh-link-kv-" + dr, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: linkType, Name: "hh-link-kv-" + dr, Path: "virtualNetwork.id", Want: drVnetID},
		{Type: linkType, Name: "hh-link-kv-" + dr, Path: "virtualNetworkLinkName", Want: drVnet},
		{Type: linkType, Name: "hh-link-postgres-" + dr, Path: "privateZoneName", Want: ZonePostgres},
		{Type: linkType, Name: "hh-link-aks-" + dr, Path: "privateZoneName", Want: "privatelink.ukwest.azmk8s.io"},
		{Type: linkType, Name: "hh-link-aks-" + dr, Path: "resourceGroupName", Want: azurekittest.DRResourceGroup},
		{Type: linkType, Name: "hh-link-privatelink.uksouth.azmk8s.io-" + dr, Path: "privateZoneName", Want: "privatelink.uksouth.azmk8s.io"},
		{Type: linkType, Name: "hh-link-privatelink.uksouth.azmk8s.io-" + dr, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: zoneType, Name: "hh-pdz-aks-" + dr, Path: "privateZoneName", Want: "privatelink.ukwest.azmk8s.io"},
		{Type: zoneType, Name: "hh-pdz-aks-" + dr, Path: "resourceGroupName", Want: azurekittest.DRResourceGroup},
		{Type: vnetType, Name: drVnet, Path: "location", Want: dr},
	})
	assert.Len(t, m.ByType(zoneType), 5, "the primary's four and the DR location's AKS zone")
	assert.Len(t, m.ByType(linkType), 9, "four links in the primary, five in DR")
	for _, key := range []string{"kv", "blob", "postgres"} {
		_, ok := m.Find(zoneType, "hh-pdz-"+key+"-"+dr)
		assert.False(t, ok, "DR creates no %s zone of its own", key)
	}
	zoneID := func(z string) string { return azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", z) }
	assert.Equal(t, zoneID(ZoneKeyVault), drZones[ZoneKeyVault], "DR endpoints register in the primary's zone")
	assert.Equal(t, zoneID("privatelink.uksouth.azmk8s.io"), drZones["privatelink.uksouth.azmk8s.io"])
	assert.Equal(t, mockcloud.AzureResourceID(azurekittest.Subscription, azurekittest.DRResourceGroup, "Microsoft.Network/privateDnsZones", "privatelink.ukwest.azmk8s.io"),
		drZones["privatelink.ukwest.azmk8s.io"])
	for _, r := range m.Resources() {
		if r.Custom && !r.IsProvider() && r.Type != zoneType && r.Type != linkType {
			loc, _ := r.Get("location")
			assert.Contains(t, []any{primary, dr}, loc, "%s names its location", r.Name)
		}
	}

	assert.Empty(t, azurekittest.Violations(m, "production"), "both networks pass the whole policy pack")
}

// A zone id that is not the named zone's fails the deployment with the zone named, rather than
// linking the network to the wrong zone.
func TestNetworkZoneIdOfAnotherZone(t *testing.T) {
	_, err := azurekittest.Run(t, runNetwork(networkArgs(func(a *NetworkArgs) {
		a.DNSZones = map[string]pulumi.StringInput{ZoneKeyVault: pulumi.String(azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", ZoneBlob))}
	})))
	require.ErrorContains(t, err, "Network: DNSZones[privatelink.vaultcore.azure.net] = ")
	require.ErrorContains(t, err, "must be the ARM id of the private DNS zone privatelink.vaultcore.azure.net")
}

func TestNetworkProtect(t *testing.T) {
	m := azurekittest.MustRun(t, runNetwork(networkArgs(func(a *NetworkArgs) { a.Protect = true })))
	protected := append([]mockcloud.Resource{}, m.ByType(zoneType)...)
	v, _ := m.Find(vnetType, vnetName)
	protected = append(protected, v)
	for _, r := range protected {
		assert.True(t, r.Protect, r.Name)
		assert.True(t, r.RetainOnDelete, r.Name)
	}
	for _, typ := range []string{nsgType, natType, pipType, flowType, linkType} {
		for _, r := range m.ByType(typ) {
			assert.False(t, r.Protect, "%s holds nothing the estate cannot recreate", r.Name)
		}
	}
	assert.Empty(t, azurekittest.Violations(m, "production"))
}

func TestCarve(t *testing.T) {
	tests := []struct {
		cidr string
		want Layout
	}{
		{"10.60.0.0/16", Layout{"10.60.0.0/17", "10.60.128.0/24", "10.60.129.0/24", "10.60.130.0/24", "10.60.131.0/28"}},
		{"10.61.0.0/16", Layout{"10.61.0.0/17", "10.61.128.0/24", "10.61.129.0/24", "10.61.130.0/24", "10.61.131.0/28"}},
		{"192.168.64.0/18", Layout{"192.168.64.0/19", "192.168.96.0/24", "192.168.97.0/24", "192.168.98.0/24", "192.168.99.0/28"}},
		{"172.16.16.0/20", Layout{"172.16.16.0/21", "172.16.24.0/24", "172.16.25.0/24", "172.16.26.0/24", "172.16.27.0/28"}},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			got, err := Carve(tt.cidr)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			subnets := []string{got.Nodes, got.Gateway, got.Endpoints, got.Database, got.ApiServer}
			_, space, _ := net.ParseCIDR(tt.cidr)
			for i, s := range subnets {
				ip, _, err := net.ParseCIDR(s)
				require.NoError(t, err)
				assert.True(t, space.Contains(ip), "%s inside %s", s, tt.cidr)
				for _, other := range subnets[:i] {
					assert.False(t, kit.CIDRsOverlap(s, other), "%s overlaps %s", s, other)
				}
			}
		})
	}
}

func TestNetworkArgErrors(t *testing.T) {
	badTags := maps.Clone(kittest.Tags)
	badTags["cost/centre"] = "cc-1"
	tests := []struct {
		name   string
		mutate func(*NetworkArgs)
		want   string
	}{
		{"no prefix", func(a *NetworkArgs) { a.Prefix = "" }, `Network: Prefix = "": must start with a lowercase letter`},
		{"prefix with a hyphen", func(a *NetworkArgs) { a.Prefix = "hh-prod" }, `Network: Prefix = "hh-prod"`},
		{"long prefix", func(a *NetworkArgs) { a.Prefix = "healthhubprod1" }, `Network: Prefix = "healthhubprod1"`},
		{"no resource group", func(a *NetworkArgs) { a.ResourceGroupName = nil }, "Network: ResourceGroupName = <nil>: required"},
		{"display location", func(a *NetworkArgs) { a.Location = "UK South" }, `Network: Location = "UK South": must be an Azure location`},
		{"no cidr", func(a *NetworkArgs) { a.Cidr = "" }, `Network: Cidr = "": must be an IPv4 network address`},
		{"host bits", func(a *NetworkArgs) { a.Cidr = "10.60.1.0/16" }, `Network: Cidr = "10.60.1.0/16": must be an IPv4 network address`},
		{"ipv6", func(a *NetworkArgs) { a.Cidr = "fd00::/48" }, `Network: Cidr = "fd00::/48": must be an IPv4 network address`},
		{"public cidr", func(a *NetworkArgs) { a.Cidr = "20.60.0.0/16" }, "Network: Cidr = 20.60.0.0/16: must be private (RFC 1918)"},
		{"shared address space", func(a *NetworkArgs) { a.Cidr = "100.64.0.0/16" }, "Network: Cidr = 100.64.0.0/16: must be private"},
		{"too large", func(a *NetworkArgs) { a.Cidr = "10.0.0.0/15" }, "Network: Cidr = 10.0.0.0/15: prefix must be /16 to /20"},
		{"too small", func(a *NetworkArgs) { a.Cidr = "10.60.0.0/21" }, "Network: Cidr = 10.60.0.0/21: prefix must be /16 to /20"},
		{"no flow log account", func(a *NetworkArgs) { a.FlowLogStorageAccountId = nil }, "Network: FlowLogStorageAccountId = <nil>: required"},
		{"negative retention", func(a *NetworkArgs) { a.FlowLogRetentionDays = -1 }, "Network: FlowLogRetentionDays = -1: must be 1 to 365"},
		{"retention over a year", func(a *NetworkArgs) { a.FlowLogRetentionDays = 366 }, "Network: FlowLogRetentionDays = 366: must be 1 to 365"},
		{"short retention in production", func(a *NetworkArgs) { a.FlowLogRetentionDays = 30; a.Protect = true },
			"Network: FlowLogRetentionDays = 30: must be at least 90 in production"},
		{"workspace without customer id", func(a *NetworkArgs) { a.WorkspaceId = pulumi.String("/subscriptions/x") },
			"Network: WorkspaceId = set true, WorkspaceCustomerId set false: must set both"},
		{"bad workspace location", func(a *NetworkArgs) { a.WorkspaceLocation = "UK West" }, `Network: WorkspaceLocation = "UK West"`},
		{"bad watcher", func(a *NetworkArgs) { a.NetworkWatcherName = "watcher/uksouth" }, `Network: NetworkWatcherName = "watcher/uksouth"`},
		{"bad watcher group", func(a *NetworkArgs) { a.NetworkWatcherResourceGroup = "watchers." }, `Network: NetworkWatcherResourceGroup = "watchers."`},
		{"privileged port", func(a *NetworkArgs) { a.ServingPort = 443 }, "Network: ServingPort = 443: must be 1024 to 65535"},
		{"port out of range", func(a *NetworkArgs) { a.ServingPort = 70000 }, "Network: ServingPort = 70000"},
		{"malformed pod range", func(a *NetworkArgs) { a.PodCidr = "10.244.0.0" }, `Network: PodCidr = "10.244.0.0": must be an IPv4 network address`},
		{"public pod range", func(a *NetworkArgs) { a.PodCidr = "100.64.0.0/16" }, "Network: PodCidr = 100.64.0.0/16: must be private"},
		{"pods inside the network", func(a *NetworkArgs) { a.PodCidr = "10.60.0.0/18" }, "Network: PodCidr = 10.60.0.0/18: must not overlap Cidr (10.60.0.0/16)"},
		{"public peer", func(a *NetworkArgs) { a.DatabasePeerCidrs = []string{"10.61.130.0/24", "8.8.8.0/24"} }, "Network: DatabasePeerCidrs[1] = 8.8.8.0/24: must be private"},
		{"peer inside the network", func(a *NetworkArgs) { a.DatabasePeerCidrs = []string{"10.60.130.0/24"} },
			"Network: DatabasePeerCidrs[0] = 10.60.130.0/24: must not overlap Cidr"},
		{"zone name", func(a *NetworkArgs) { a.DNSZones = map[string]pulumi.StringInput{"Key Vault": pulumi.String("x")} }, `Network: DNSZones = "Key Vault": keys must be private DNS zone names`},
		{"zone without id", func(a *NetworkArgs) { a.DNSZones = map[string]pulumi.StringInput{ZoneBlob: nil} }, "Network: DNSZones[privatelink.blob.core.windows.net] = <nil>: must be the zone's ARM id"},
		{"no tags", func(a *NetworkArgs) { a.Tags = nil }, `Network: Tags = map[]: must include "environment"`},
		{"tag name Azure refuses", func(a *NetworkArgs) { a.Tags = badTags }, "Network: Tags = cost/centre=cc-1: names must be 1 to 512 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, runNetwork(networkArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
