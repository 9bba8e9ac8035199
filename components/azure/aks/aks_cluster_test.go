package aks

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	clusterType     = "azure-native:containerservice/v20240902preview:ManagedCluster"
	poolType        = "azure-native:containerservice/v20240902preview:AgentPool"
	maintenanceType = "azure-native:containerservice/v20240902preview:MaintenanceConfiguration"
	identityType    = "azure-native:managedidentity:UserAssignedIdentity"
	desType         = "azure-native:compute:DiskEncryptionSet"
	grantType       = "azure-native:authorization:RoleAssignment"
	ruleType        = "azure-native:insights:DataCollectionRule"
	associationType = "azure-native:insights:DataCollectionRuleAssociation"

	adminGroup = "00000000-0000-4000-8000-0000000000aa"
	keyURL     = "https://hhkvuks.vault.azure.net/keys/cluster/0123456789abcdef0123456789abcdef"
)

// ARM ids of what the cluster is given, as the network, keys and audit trail would export them.
var (
	sub        = azurekittest.Subscription
	rg         = azurekittest.ResourceGroup
	vnet       = azurekittest.ResourceID("Microsoft.Network", "virtualNetworks", "hh-vnet")
	nodeSubnet = mockcloud.AzureResourceID(sub, rg, "Microsoft.Network/virtualNetworks/hh-vnet/subnets", "nodes")
	apiSubnet  = mockcloud.AzureResourceID(sub, rg, "Microsoft.Network/virtualNetworks/hh-vnet/subnets", "apiserver")
	dnsZone    = azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", "privatelink.uksouth.azmk8s.io")
	vault      = azurekittest.ResourceID("Microsoft.KeyVault", "vaults", "hhkvuks")
	key        = mockcloud.AzureResourceID(sub, rg, "Microsoft.KeyVault/vaults/hhkvuks/keys", "cluster")
	workspace  = azurekittest.ResourceID("Microsoft.OperationalInsights", "workspaces", "hh-logs")
	gateway    = azurekittest.ResourceID("Microsoft.Network", "applicationGateways", "hh-agw")

	clusterID = azurekittest.ResourceID("Microsoft.ContainerService", "managedClusters", "hh-aks")
	desID     = azurekittest.ResourceID("Microsoft.Compute", "diskEncryptionSets", "hh-aks-des")
)

func identityID(name string) string {
	return azurekittest.ResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", name)
}

func aksArgs(mutate func(*AksClusterArgs)) *AksClusterArgs {
	a := &AksClusterArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(rg), Location: azurekittest.PrimaryLocation,
		KubernetesVersion: "1.31", UpgradeChannel: ChannelPatch,
		NodeSubnetId: pulumi.String(nodeSubnet), ApiServerSubnetId: pulumi.String(apiSubnet),
		PrivateDnsZoneId: pulumi.String(dnsZone), VnetId: pulumi.String(vnet),
		KeyId: pulumi.String(keyURL), KeyResourceId: pulumi.String(key), KeyVaultId: pulumi.String(vault), DiskKeyUrl: pulumi.String(keyURL),
		WorkspaceId: pulumi.String(workspace), ApplicationGatewayId: pulumi.String(gateway),
		AdminGroupObjectIds: []string{adminGroup}, TenantID: azurekittest.Tenant,
		Private: true,
		Pools: NodePools{
			System: NodePool{VMSize: "Standard_D4ds_v5", Min: 2, Max: 3},
			App:    NodePool{VMSize: "Standard_D8ds_v5", Min: 2, Max: 10},
			GPU:    NodePool{VMSize: "Standard_NC4as_T4_v3", Min: 0, Max: 2},
		},
		Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// devArgs is a dev cluster: a public API server behind an allow-list, no GPU, no gateway.
func devArgs(a *AksClusterArgs) {
	a.Private, a.Protect, a.PrivateDnsZoneId, a.VnetId = false, false, nil, nil
	a.AuthorizedIPRanges = []string{"203.0.113.0/24"}
	a.Pools.System.Min, a.Pools.App.Min, a.Pools.GPU = 1, 0, NodePool{}
	a.ApplicationGatewayId = nil
	a.UpgradeChannel, a.Zones = ChannelStable, []string{"1"}
	a.Tags = map[string]string{"environment": "dev", "data-classification": "synthetic", "owner": "platform"}
}

var outputNames = []string{
	"clusterName", "clusterId", "fqdn", "oidcIssuer", "kubeconfig", "caCertificate", "nodeResourceGroup",
	"kubeletIdentityObjectId", "diskEncryptionSetId", "agicIdentityObjectId",
}

// run builds the cluster on the primary provider and exports its outputs by their names.
func run(t *testing.T, args *AksClusterArgs) *mockcloud.Monitor {
	t.Helper()
	return azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		c, err := NewAksCluster(ctx, "aks", args, pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		for i, v := range []pulumi.StringOutput{
			c.ClusterName, c.ClusterId, c.Fqdn, c.OidcIssuer, c.Kubeconfig, c.CaCertificate, c.NodeResourceGroup,
			c.KubeletIdentityObjectId, c.DiskEncryptionSetId, c.AgicIdentityObjectId,
		} {
			ctx.Export(outputNames[i], v)
		}
		return nil
	})
}

func role(r azurekit.Role) string { return r.DefinitionID(sub) }

func TestAksClusterDefaults(t *testing.T) {
	m := run(t, aksArgs(nil))
	const c = "hh-aks"
	tags := map[string]any{}
	for k, v := range kittest.Tags {
		tags[k] = v
	}
	zones := []any{"1", "2", "3"}
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: clusterType, Name: c, Path: "resourceName", Want: "hh-aks"},
		{Type: clusterType, Name: c, Path: "resourceGroupName", Want: rg},
		{Type: clusterType, Name: c, Path: "location", Want: "uksouth"},
		{Type: clusterType, Name: c, Path: "dnsPrefix", Want: "hh-aks"},
		{Type: clusterType, Name: c, Path: "kubernetesVersion", Want: "1.31"},
		{Type: clusterType, Name: c, Path: "nodeResourceGroup", Want: "MC_hh-test-rg_hh-aks_uksouth"},
		{Type: clusterType, Name: c, Path: "sku", Want: map[string]any{"name": "Base", "tier": "Standard"}},
		{Type: clusterType, Name: c, Path: "tags", Want: tags},
		// Private cluster with API server VNet integration, no public FQDN, no run command.
		{Type: clusterType, Name: c, Path: "apiServerAccessProfile", Want: map[string]any{
			"enablePrivateCluster": true, "enableVnetIntegration": true, "subnetId": apiSubnet,
			"privateDNSZone": dnsZone, "enablePrivateClusterPublicFQDN": false, "disableRunCommand": true,
		}},
		// Entra ID only: no local accounts, managed Entra ID with Azure RBAC.
		{Type: clusterType, Name: c, Path: "disableLocalAccounts", Want: true},
		{Type: clusterType, Name: c, Path: "enableRBAC", Want: true},
		{Type: clusterType, Name: c, Path: "aadProfile", Want: map[string]any{
			"managed": true, "enableAzureRBAC": true, "adminGroupObjectIDs": []any{adminGroup}, "tenantID": azurekittest.Tenant,
		}},
		// User-assigned control-plane identity, a kubelet identity of its own.
		{Type: clusterType, Name: c, Path: "identity.type", Want: "UserAssigned"},
		{Type: clusterType, Name: c, Path: "identity.userAssignedIdentities", Want: []any{identityID("hh-aks-control-plane")}},
		{Type: clusterType, Name: c, Path: "identityProfile.kubeletidentity.resourceId", Want: identityID("hh-aks-kubelet")},
		// Workload identity with the OIDC issuer.
		{Type: clusterType, Name: c, Path: "oidcIssuerProfile.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "securityProfile.workloadIdentity.enabled", Want: true},
		// Image cleaner every 48 hours.
		{Type: clusterType, Name: c, Path: "securityProfile.imageCleaner", Want: map[string]any{"enabled": true, "intervalHours": int64(48)}},
		// Defender through the security profile, reporting to the workspace.
		{Type: clusterType, Name: c, Path: "securityProfile.defender", Want: map[string]any{
			"logAnalyticsWorkspaceResourceId": workspace, "securityMonitoring": map[string]any{"enabled": true},
		}},
		// KMS etcd encryption with the customer key, reached privately.
		{Type: clusterType, Name: c, Path: "securityProfile.azureKeyVaultKms", Want: map[string]any{
			"enabled": true, "keyId": keyURL, "keyVaultNetworkAccess": "Private", "keyVaultResourceId": vault,
		}},
		// Disks under the customer key.
		{Type: clusterType, Name: c, Path: "diskEncryptionSetID", Want: desID},
		// Azure CNI overlay with Cilium network policy, egress through the NAT gateway.
		{Type: clusterType, Name: c, Path: "networkProfile", Want: map[string]any{
			"networkPlugin": "azure", "networkPluginMode": "overlay", "networkDataplane": "cilium", "networkPolicy": "cilium",
			"outboundType": "userAssignedNATGateway", "loadBalancerSku": "standard",
			"podCidr": "192.168.0.0/16", "serviceCidr": "172.16.0.0/16", "dnsServiceIP": "172.16.0.10",
		}},
		// Automatic patch upgrades and node images.
		{Type: clusterType, Name: c, Path: "autoUpgradeProfile", Want: map[string]any{"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}},
		// Azure Policy, Container Insights to Log Analytics with its managed identity, Key Vault
		// secrets with rotation, and the ingress add-on for the gateway.
		{Type: clusterType, Name: c, Path: "addonProfiles.azurepolicy", Want: map[string]any{"enabled": true, "config": map[string]any{"version": "v2"}}},
		{Type: clusterType, Name: c, Path: "addonProfiles.omsagent", Want: map[string]any{"enabled": true, "config": map[string]any{
			"logAnalyticsWorkspaceResourceID": workspace, "useAADAuth": "true",
		}}},
		{Type: clusterType, Name: c, Path: "addonProfiles.azureKeyvaultSecretsProvider", Want: map[string]any{"enabled": true, "config": map[string]any{
			"enableSecretRotation": "true", "rotationPollInterval": "2m",
		}}},
		{Type: clusterType, Name: c, Path: "addonProfiles.ingressApplicationGateway.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "addonProfiles.ingressApplicationGateway.config", Want: map[string]any{"applicationGatewayId": gateway}},
		{Type: clusterType, Name: c, Path: "storageProfile", Want: map[string]any{
			"diskCSIDriver": map[string]any{"enabled": true}, "snapshotController": map[string]any{"enabled": true},
			"fileCSIDriver": map[string]any{"enabled": false}, "blobCSIDriver": map[string]any{"enabled": false},
		}},

		// The system pool: tainted, Azure Linux, encryption at host, no public IP, no SSH, zones.
		{Type: clusterType, Name: c, Path: "agentPoolProfiles[0]", Want: map[string]any{
			"name": "system", "mode": "System", "vmSize": "Standard_D4ds_v5",
			"count": int64(2), "enableAutoScaling": true, "minCount": int64(2), "maxCount": int64(3),
			"availabilityZones": zones, "vnetSubnetID": nodeSubnet,
			"osType": "Linux", "osSKU": "AzureLinux", "osDiskType": "Managed",
			"enableEncryptionAtHost": true, "enableNodePublicIP": false,
			"securityProfile": map[string]any{"sshAccess": "Disabled"}, "upgradeSettings": map[string]any{"maxSurge": "33%"},
			"nodeLabels": map[string]any{"healthhub.io/pool": "system"}, "nodeTaints": []any{"CriticalAddonsOnly=true:NoSchedule"},
			"tags": tags,
		}},

		// The app and GPU pools, as agent pools of their own.
		{Type: poolType, Name: "hh-aks-app", Path: "agentPoolName", Want: "app"},
		{Type: poolType, Name: "hh-aks-app", Path: "resourceName", Want: "hh-aks"},
		{Type: poolType, Name: "hh-aks-app", Path: "resourceGroupName", Want: rg},
		{Type: poolType, Name: "hh-aks-app", Path: "mode", Want: "User"},
		{Type: poolType, Name: "hh-aks-app", Path: "vmSize", Want: "Standard_D8ds_v5"},
		{Type: poolType, Name: "hh-aks-app", Path: "count", Want: int64(2)},
		{Type: poolType, Name: "hh-aks-app", Path: "enableAutoScaling", Want: true},
		{Type: poolType, Name: "hh-aks-app", Path: "minCount", Want: int64(2)},
		{Type: poolType, Name: "hh-aks-app", Path: "maxCount", Want: int64(10)},
		{Type: poolType, Name: "hh-aks-app", Path: "availabilityZones", Want: zones},
		{Type: poolType, Name: "hh-aks-app", Path: "vnetSubnetID", Want: nodeSubnet},
		{Type: poolType, Name: "hh-aks-app", Path: "osSKU", Want: "AzureLinux"},
		{Type: poolType, Name: "hh-aks-app", Path: "osDiskType", Want: "Managed"},
		{Type: poolType, Name: "hh-aks-app", Path: "enableEncryptionAtHost", Want: true},
		{Type: poolType, Name: "hh-aks-app", Path: "enableNodePublicIP", Want: false},
		{Type: poolType, Name: "hh-aks-app", Path: "securityProfile.sshAccess", Want: "Disabled"},
		{Type: poolType, Name: "hh-aks-app", Path: "upgradeSettings.maxSurge", Want: "33%"},
		{Type: poolType, Name: "hh-aks-app", Path: "nodeLabels", Want: map[string]any{"healthhub.io/pool": "app"}},
		{Type: poolType, Name: "hh-aks-app", Path: "tags", Want: tags},
		{Type: poolType, Name: "hh-aks-gpu", Path: "agentPoolName", Want: "gpu"},
		{Type: poolType, Name: "hh-aks-gpu", Path: "vmSize", Want: "Standard_NC4as_T4_v3"},
		{Type: poolType, Name: "hh-aks-gpu", Path: "count", Want: int64(0)},
		{Type: poolType, Name: "hh-aks-gpu", Path: "minCount", Want: int64(0)},
		{Type: poolType, Name: "hh-aks-gpu", Path: "maxCount", Want: int64(2)},
		{Type: poolType, Name: "hh-aks-gpu", Path: "availabilityZones", Want: zones},
		{Type: poolType, Name: "hh-aks-gpu", Path: "enableEncryptionAtHost", Want: true},
		{Type: poolType, Name: "hh-aks-gpu", Path: "enableNodePublicIP", Want: false},
		{Type: poolType, Name: "hh-aks-gpu", Path: "nodeTaints", Want: []any{"nvidia.com/gpu=present:NoSchedule"}},
		{Type: poolType, Name: "hh-aks-gpu", Path: "nodeLabels", Want: map[string]any{"healthhub.io/pool": "gpu"}},

		// Maintenance windows: Kubernetes patches on Saturdays, node images on Sundays.
		{Type: maintenanceType, Name: "hh-aks-upgrade-window", Path: "configName", Want: "aksManagedAutoUpgradeSchedule"},
		{Type: maintenanceType, Name: "hh-aks-upgrade-window", Path: "resourceName", Want: "hh-aks"},
		{Type: maintenanceType, Name: "hh-aks-upgrade-window", Path: "maintenanceWindow", Want: map[string]any{
			"schedule":  map[string]any{"weekly": map[string]any{"dayOfWeek": "Saturday", "intervalWeeks": int64(1)}},
			"startTime": "02:00", "durationHours": int64(6), "utcOffset": "+00:00",
		}},
		{Type: maintenanceType, Name: "hh-aks-node-os-window", Path: "configName", Want: "aksManagedNodeOSUpgradeSchedule"},
		{Type: maintenanceType, Name: "hh-aks-node-os-window", Path: "maintenanceWindow.schedule.weekly.dayOfWeek", Want: "Sunday"},
		{Type: maintenanceType, Name: "hh-aks-node-os-window", Path: "maintenanceWindow.durationHours", Want: int64(6)},

		// The disk encryption set with the customer key, following its versions.
		{Type: desType, Name: "hh-aks-des", Path: "diskEncryptionSetName", Want: "hh-aks-des"},
		{Type: desType, Name: "hh-aks-des", Path: "location", Want: "uksouth"},
		{Type: desType, Name: "hh-aks-des", Path: "encryptionType", Want: "EncryptionAtRestWithCustomerKey"},
		{Type: desType, Name: "hh-aks-des", Path: "activeKey", Want: map[string]any{"keyUrl": keyURL, "sourceVault": map[string]any{"id": vault}}},
		{Type: desType, Name: "hh-aks-des", Path: "rotationToLatestKeyVersionEnabled", Want: true},
		{Type: desType, Name: "hh-aks-des", Path: "identity", Want: map[string]any{"type": "UserAssigned", "userAssignedIdentities": []any{identityID("hh-aks-disks")}}},
		{Type: desType, Name: "hh-aks-des", Path: "tags", Want: tags},

		{Type: identityType, Name: "hh-aks-control-plane", Path: "resourceName", Want: "hh-aks-control-plane"},
		{Type: identityType, Name: "hh-aks-control-plane", Path: "location", Want: "uksouth"},
		{Type: identityType, Name: "hh-aks-control-plane", Path: "tags", Want: tags},
		{Type: identityType, Name: "hh-aks-kubelet", Path: "resourceName", Want: "hh-aks-kubelet"},
		{Type: identityType, Name: "hh-aks-disks", Path: "resourceName", Want: "hh-aks-disks"},

		// Container Insights' data collection rule, associated with the cluster.
		{Type: ruleType, Name: "hh-aks-insights", Path: "dataCollectionRuleName", Want: "MSCI-uksouth-hh-aks"},
		{Type: ruleType, Name: "hh-aks-insights", Path: "kind", Want: "Linux"},
		{Type: ruleType, Name: "hh-aks-insights", Path: "dataSources.extensions[0].extensionName", Want: "ContainerInsights"},
		{Type: ruleType, Name: "hh-aks-insights", Path: "dataSources.extensions[0].name", Want: "ContainerInsightsExtension"},
		{Type: ruleType, Name: "hh-aks-insights", Path: "dataSources.extensions[0].extensionSettings", Want: map[string]any{
			"dataCollectionSettings": map[string]any{"interval": "1m", "namespaceFilteringMode": "Off", "enableContainerLogV2": true},
		}},
		{Type: ruleType, Name: "hh-aks-insights", Path: "destinations.logAnalytics", Want: []any{map[string]any{"name": "workspace", "workspaceResourceId": workspace}}},
		{Type: ruleType, Name: "hh-aks-insights", Path: "dataFlows[0].destinations", Want: []any{"workspace"}},
		{Type: ruleType, Name: "hh-aks-insights", Path: "tags", Want: tags},
		{Type: associationType, Name: "hh-aks-insights", Path: "associationName", Want: "ContainerInsightsExtension"},
		{Type: associationType, Name: "hh-aks-insights", Path: "resourceUri", Want: clusterID},
		{Type: associationType, Name: "hh-aks-insights", Path: "dataCollectionRuleId", Want: azurekittest.ResourceID("Microsoft.Insights", "dataCollectionRules", "MSCI-uksouth-hh-aks")},
	})

	rule, _ := m.Find(ruleType, "hh-aks-insights")
	streams, _ := rule.Get("dataSources.extensions[0].streams")
	flows, _ := rule.Get("dataFlows[0].streams")
	assert.Contains(t, streams, "Microsoft-ContainerLogV2", "container logs reach the workspace")
	assert.NotContains(t, streams, "Microsoft-ContainerLog", "no legacy duplicate of every line")
	assert.Equal(t, streams, flows, "every collected stream flows to the workspace")

	assert.Len(t, m.ByType(poolType), 2, "app and GPU; the system pool is inline")
	app, _ := m.Find(poolType, "hh-aks-app")
	_, tainted := app.Get("nodeTaints")
	assert.False(t, tainted, "the app pool takes any workload")
	assert.Equal(t, []string{"count"}, app.IgnoreChanges, "the autoscaler owns the count")
	cluster, _ := m.Find(clusterType, c)
	assert.Equal(t, []string{"agentPoolProfiles[0].count"}, cluster.IgnoreChanges)
	des, _ := m.Find(desType, "hh-aks-des")
	assert.Equal(t, []string{"activeKey.keyUrl"}, des.IgnoreChanges, "Azure moves the set to new key versions")

	out := m.Outputs()
	for k, want := range map[string]string{
		"clusterName":         "hh-aks",
		"clusterId":           clusterID,
		"caCertificate":       "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
		"nodeResourceGroup":   "MC_hh-test-rg_hh-aks_uksouth",
		"diskEncryptionSetId": desID,
	} {
		assert.Equal(t, want, out[k].Value, k)
	}
	assert.Regexp(t, `^hh-aks-[0-9a-f]{8}\.privatelink\.uksouth\.azmk8s\.io$`, out["fqdn"].Value, "the private FQDN")
	assert.Regexp(t, `^https://uksouth\.oic\.prod-aks\.azure\.com/`+azurekittest.Tenant+`/`, out["oidcIssuer"].Value)
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`)
	assert.Regexp(t, guid, out["kubeletIdentityObjectId"].Value)
	assert.Regexp(t, guid, out["agicIdentityObjectId"].Value, "the ingress add-on's identity, for the stack's grants")
	kubeletObjectID, _ := cluster.Get("identityProfile.kubeletidentity.objectId")
	assert.Equal(t, out["kubeletIdentityObjectId"].Value, kubeletObjectID)
	for _, k := range outputNames {
		assert.True(t, out[k].Known, "%s is known", k)
		assert.Equal(t, k == "kubeconfig", out[k].Secret, "only the kubeconfig is a secret: %s", k)
	}

	assert.Empty(t, azurekittest.Violations(m, "production"), "the cluster passes the whole policy pack")
}

// TestAksClusterGrants checks every role assignment: who, which role, on which one resource,
// and that the cluster and the disk encryption set wait for theirs.
func TestAksClusterGrants(t *testing.T) {
	m := run(t, aksArgs(nil))
	out := m.Outputs()
	grants := map[string]struct {
		role  azurekit.Role
		scope string
	}{
		"hh-aks-control-plane-kubelet-operator":    {azurekit.RoleManagedIdentityOperator, identityID("hh-aks-kubelet")},
		"hh-aks-control-plane-node-subnet":         {azurekit.RoleNetworkContributor, nodeSubnet},
		"hh-aks-control-plane-apiserver-subnet":    {azurekit.RoleNetworkContributor, apiSubnet},
		"hh-aks-control-plane-dns-zone":            {azurekit.RolePrivateDNSZoneContributor, dnsZone},
		"hh-aks-control-plane-vnet":                {azurekit.RoleNetworkContributor, vnet},
		"hh-aks-control-plane-kms-key":             {azurekit.RoleKeyVaultCryptoUser, key},
		"hh-aks-control-plane-kms-vault":           {roleKeyVaultContributor, vault},
		"hh-aks-control-plane-disk-encryption-set": {azurekit.RoleReader, desID},
		"hh-aks-disks-key":                         {azurekit.RoleKeyVaultCryptoServiceEncryptionUser, key},
		"hh-aks-deployer-admin":                    {azurekit.RoleAKSRBACClusterAdmin, clusterID},
	}
	require.Len(t, m.ByType(grantType), len(grants), "no grant beyond these")
	principals := map[string]any{}
	for name, g := range grants {
		kittest.AssertInputs(t, m, []kittest.Expectation{
			{Type: grantType, Name: name, Path: "roleDefinitionId", Want: role(g.role)},
			{Type: grantType, Name: name, Path: "scope", Want: g.scope},
		})
		r, _ := m.Find(grantType, name)
		principals[name], _ = r.Get("principalId")
		typ, _ := r.Get("principalType")
		assert.Equal(t, "ServicePrincipal", typ, "%s names its principal type (the SDK would say User)", name)
		description, _ := r.Get("description")
		assert.NotEmpty(t, description, "%s says why", name)
	}
	control := principals["hh-aks-control-plane-node-subnet"]
	for name, p := range principals {
		if strings.HasPrefix(name, "hh-aks-control-plane-") {
			assert.Equal(t, control, p, "%s is the control plane's", name)
		}
	}
	assert.NotEqual(t, control, principals["hh-aks-disks-key"], "the disks' identity is its own")
	assert.NotEqual(t, out["kubeletIdentityObjectId"].Value, control, "the kubelet identity is its own")
	assert.NotEqual(t, out["kubeletIdentityObjectId"].Value, principals["hh-aks-disks-key"])
	assert.Equal(t, mockcloud.AzureObjectID, principals["hh-aks-deployer-admin"], "the deployer is cluster-admin")

	cluster, _ := m.Find(clusterType, "hh-aks")
	for name := range grants {
		r, _ := m.Find(grantType, name)
		if name == "hh-aks-deployer-admin" {
			continue
		}
		assert.Contains(t, cluster.Dependencies, r.URN, "the cluster waits for %s", name)
	}
	des, _ := m.Find(desType, "hh-aks-des")
	disksKey, _ := m.Find(grantType, "hh-aks-disks-key")
	assert.Contains(t, des.Dependencies, disksKey.URN, "the set exists only with access to its key")
}

func TestAksClusterProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := run(t, aksArgs(func(a *AksClusterArgs) {
			if !protect {
				devArgs(a)
			}
		}))
		component, ok := m.Find(TypeAksCluster, "aks")
		require.True(t, ok)
		for _, r := range m.Resources() {
			if r.IsProvider() || r.Type == TypeAksCluster {
				continue
			}
			assert.Equal(t, component.URN, r.Parent, "%s is the component's", r.Name)
			stateful := r.Type == clusterType || r.Type == desType
			assert.Equal(t, stateful && protect, r.Protect, "protect %s", r.Name)
			assert.Equal(t, stateful && protect, r.RetainOnDelete, "retainOnDelete %s", r.Name)
		}
	}
}

// TestAksClusterDev is a dev cluster deployed from an operator's login: a public API server
// behind an allow-list, one zone, the stable channel, no GPU pool and no gateway.
func TestAksClusterDev(t *testing.T) {
	m := run(t, aksArgs(func(a *AksClusterArgs) { devArgs(a); a.DeployerPrincipalType = "User" }))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: grantType, Name: "hh-aks-deployer-admin", Path: "principalType", Want: "User"},
		{Type: clusterType, Name: "hh-aks", Path: "apiServerAccessProfile", Want: map[string]any{
			"enablePrivateCluster": false, "enableVnetIntegration": true, "subnetId": apiSubnet,
			"disableRunCommand": true, "authorizedIPRanges": []any{"203.0.113.0/24"},
		}},
		{Type: clusterType, Name: "hh-aks", Path: "autoUpgradeProfile.upgradeChannel", Want: "stable"},
		{Type: clusterType, Name: "hh-aks", Path: "agentPoolProfiles[0].availabilityZones", Want: []any{"1"}},
		{Type: clusterType, Name: "hh-aks", Path: "agentPoolProfiles[0].minCount", Want: int64(1)},
		{Type: poolType, Name: "hh-aks-app", Path: "minCount", Want: int64(0)},
		// What does not relax in dev.
		{Type: clusterType, Name: "hh-aks", Path: "disableLocalAccounts", Want: true},
		{Type: clusterType, Name: "hh-aks", Path: "securityProfile.azureKeyVaultKms.enabled", Want: true},
		{Type: clusterType, Name: "hh-aks", Path: "agentPoolProfiles[0].enableEncryptionAtHost", Want: true},
	})
	cluster, _ := m.Find(clusterType, "hh-aks")
	_, agic := cluster.Get("addonProfiles.ingressApplicationGateway")
	assert.False(t, agic, "no gateway, no ingress add-on")
	assert.Equal(t, []string{"agentPoolProfiles[0].count", "kubernetesVersion"}, cluster.IgnoreChanges,
		"on the stable channel AKS moves the minor version")
	_, gpu := m.Find(poolType, "hh-aks-gpu")
	assert.False(t, gpu, "no GPU pool without a size")
	for _, name := range []string{"hh-aks-control-plane-dns-zone", "hh-aks-control-plane-vnet"} {
		_, ok := m.Find(grantType, name)
		assert.False(t, ok, "a public cluster has no private zone to write or link: %s", name)
	}
	out := m.Outputs()
	assert.Regexp(t, `^hh-aks-[0-9a-f]{8}\.hcp\.uksouth\.azmk8s\.io$`, out["fqdn"].Value, "the public FQDN")
	assert.Equal(t, "", out["agicIdentityObjectId"].Value)
	assert.Empty(t, azurekittest.Violations(m, "dev"))
	assert.Equal(t, []string{"azure-aks-private-cluster", "estate-stateful-protected"},
		kittest.Policies(azurekittest.Violations(m, "production")), "the pack reads the cluster: this one is no production cluster")
}

func TestAksClusterArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AksClusterArgs)
		want   string
	}{
		{"public in production", func(a *AksClusterArgs) { a.Private = false },
			"AksCluster: Private = false: must be true when Protect"},
		{"open to the internet", func(a *AksClusterArgs) {
			devArgs(a)
			a.AuthorizedIPRanges = []string{"203.0.113.0/24", "0.0.0.0/0"}
		}, "AksCluster: AuthorizedIPRanges = 0.0.0.0/0: must not open the API server to the whole internet"},
		{"public without ranges", func(a *AksClusterArgs) { devArgs(a); a.AuthorizedIPRanges = nil },
			"AksCluster: AuthorizedIPRanges = []: required when Private is false"},
		{"ranges on a private cluster", func(a *AksClusterArgs) { a.AuthorizedIPRanges = []string{"10.70.0.0/24"} },
			"AksCluster: AuthorizedIPRanges = [10.70.0.0/24]: must be empty when Private"},
		{"host address", func(a *AksClusterArgs) { devArgs(a); a.AuthorizedIPRanges = []string{"203.0.113.1/24"} },
			"AksCluster: AuthorizedIPRanges = 203.0.113.1/24: must be IPv4 network addresses"},
		{"private without a DNS zone", func(a *AksClusterArgs) { a.PrivateDnsZoneId = nil },
			"AksCluster: PrivateDnsZoneId = <nil>: required when Private"},
		{"private without the VNet", func(a *AksClusterArgs) { a.VnetId = nil },
			"AksCluster: VnetId = <nil>: required when Private"},
		{"old version", func(a *AksClusterArgs) { a.KubernetesVersion = "1.29" },
			`AksCluster: KubernetesVersion = "1.29": must be a Kubernetes minor version`},
		{"floating version", func(a *AksClusterArgs) { a.KubernetesVersion = "latest" },
			`AksCluster: KubernetesVersion = "latest"`},
		{"patch version", func(a *AksClusterArgs) { a.KubernetesVersion = "1.31.2" },
			`AksCluster: KubernetesVersion = "1.31.2"`},
		{"rapid channel", func(a *AksClusterArgs) { a.UpgradeChannel = "rapid" },
			`AksCluster: UpgradeChannel = "rapid": must be "patch" or "stable"`},
		{"no channel", func(a *AksClusterArgs) { a.UpgradeChannel = "none" },
			`AksCluster: UpgradeChannel = "none"`},
		{"bad VM size", func(a *AksClusterArgs) { a.Pools.System.VMSize = "large" },
			`AksCluster: Pools.System.VMSize = "large": must be a virtual machine size`},
		{"no app pool", func(a *AksClusterArgs) { a.Pools.App = NodePool{} },
			`AksCluster: Pools.App.VMSize = ""`},
		{"GPU pool without a GPU", func(a *AksClusterArgs) { a.Pools.GPU.VMSize = "Standard_D8ds_v5" },
			`AksCluster: Pools.GPU.VMSize = "Standard_D8ds_v5": must be an N-series size`},
		{"GPU bounds without a size", func(a *AksClusterArgs) { a.Pools.GPU.VMSize = "" },
			`AksCluster: Pools.GPU.VMSize = ""`},
		{"min above max", func(a *AksClusterArgs) { a.Pools.App.Min = 12 },
			"AksCluster: Pools.App = min 12, max 10: must have 2 <= min <= max and 1 <= max <= 1000"},
		{"no max", func(a *AksClusterArgs) { a.Pools.GPU.Max = 0 },
			"AksCluster: Pools.GPU = min 0, max 0"},
		{"too many nodes", func(a *AksClusterArgs) { a.Pools.App.Max = 1001 },
			"AksCluster: Pools.App = min 2, max 1001"},
		{"one system node in production", func(a *AksClusterArgs) { a.Pools.System.Min = 1 },
			"AksCluster: Pools.System = min 1, max 3: must have 2 <= min"},
		{"no system node", func(a *AksClusterArgs) { devArgs(a); a.Pools.System.Min = 0 },
			"AksCluster: Pools.System = min 0, max 3: must have 1 <= min"},
		{"one zone in production", func(a *AksClusterArgs) { a.Zones = []string{"1"} },
			"AksCluster: Zones = [1]: must list at least two zones when Protect"},
		{"no zones", func(a *AksClusterArgs) { a.Zones = []string{} },
			"AksCluster: Zones = []: required"},
		{"unknown zone", func(a *AksClusterArgs) { a.Zones = []string{"1", "4"} },
			`AksCluster: Zones = [1 4]: must be distinct zones`},
		{"repeated zone", func(a *AksClusterArgs) { a.Zones = []string{"1", "1"} },
			`AksCluster: Zones = [1 1]: must be distinct zones`},
		{"public pod range", func(a *AksClusterArgs) { a.PodCidr = "100.64.0.0/16" },
			`AksCluster: PodCidr = "100.64.0.0/16": must be a private (RFC 1918)`},
		{"overlapping ranges", func(a *AksClusterArgs) { a.ServiceCidr = "192.168.128.0/20" },
			`AksCluster: ServiceCidr = "192.168.128.0/20": must not overlap PodCidr "192.168.0.0/16"`},
		{"huge service range", func(a *AksClusterArgs) { a.ServiceCidr = "10.0.0.0/8" },
			`AksCluster: ServiceCidr = "10.0.0.0/8": must be a /12 to /24`},
		{"no node subnet", func(a *AksClusterArgs) { a.NodeSubnetId = nil }, "AksCluster: NodeSubnetId = <nil>: required"},
		{"no API server subnet", func(a *AksClusterArgs) { a.ApiServerSubnetId = nil }, "AksCluster: ApiServerSubnetId = <nil>: required"},
		{"no KMS key", func(a *AksClusterArgs) { a.KeyId = nil }, "AksCluster: KeyId = <nil>: required"},
		{"no key scope", func(a *AksClusterArgs) { a.KeyResourceId = nil }, "AksCluster: KeyResourceId = <nil>: required"},
		{"no vault", func(a *AksClusterArgs) { a.KeyVaultId = nil }, "AksCluster: KeyVaultId = <nil>: required"},
		{"no disk key", func(a *AksClusterArgs) { a.DiskKeyUrl = nil }, "AksCluster: DiskKeyUrl = <nil>: required"},
		{"no workspace", func(a *AksClusterArgs) { a.WorkspaceId = nil }, "AksCluster: WorkspaceId = <nil>: required"},
		{"no resource group", func(a *AksClusterArgs) { a.ResourceGroupName = nil }, "AksCluster: ResourceGroupName = <nil>: required"},
		{"bad tenant", func(a *AksClusterArgs) { a.TenantID = "contoso.onmicrosoft.com" },
			`AksCluster: TenantID = "contoso.onmicrosoft.com": must be the Entra tenant id`},
		{"bad deployer type", func(a *AksClusterArgs) { a.DeployerPrincipalType = "Group" },
			`AksCluster: DeployerPrincipalType = "Group": must be "ServicePrincipal" or "User"`},
		{"bad admin group", func(a *AksClusterArgs) { a.AdminGroupObjectIds = []string{"platform-admins"} },
			`AksCluster: AdminGroupObjectIds = "platform-admins": must be Entra group object ids`},
		{"bad prefix", func(a *AksClusterArgs) { a.Prefix = "HealthHub" }, `AksCluster: Prefix = "HealthHub"`},
		{"display-name location", func(a *AksClusterArgs) { a.Location = "UK South" }, `AksCluster: Location = "UK South"`},
		{"no tags", func(a *AksClusterArgs) { a.Tags = nil }, "AksCluster: Tags = map[]: must include \"environment\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewAksCluster(ctx, "aks", aksArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
	t.Run("nil args", func(t *testing.T) {
		m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
			_, err := NewAksCluster(ctx, "aks", nil, pulumi.Provider(p.Primary))
			return err
		})
		require.ErrorContains(t, err, "AksCluster: args = <nil>: required")
		kittest.AssertNothingRegistered(t, m)
	})
}

func TestAksClusterDefaultsFilled(t *testing.T) {
	zones := []string{"2", "3"}
	args := aksArgs(func(a *AksClusterArgs) { a.KubernetesVersion, a.UpgradeChannel, a.Zones = "", "", zones })
	require.NoError(t, args.Validate())
	assert.Equal(t, "1.31", args.KubernetesVersion)
	assert.Equal(t, ChannelPatch, args.UpgradeChannel)
	assert.Equal(t, "192.168.0.0/16", args.PodCidr)
	assert.Equal(t, "172.16.0.0/16", args.ServiceCidr)
	assert.Equal(t, "ServicePrincipal", args.DeployerPrincipalType, "the pipeline deploys")
	args.Zones[0] = "1"
	assert.Equal(t, []string{"2", "3"}, zones, "the caller's slice is not written to")

	args = aksArgs(func(a *AksClusterArgs) { a.Zones = nil })
	require.NoError(t, args.Validate())
	assert.Equal(t, []string{"1", "2", "3"}, args.Zones)
	args.Zones[0] = "9"
	assert.Equal(t, []string{"1", "2", "3"}, defaultZones, "the defaults are not written to")
}

func TestDNSServiceIP(t *testing.T) {
	assert.Equal(t, "172.16.0.10", dnsServiceIP("172.16.0.0/16"))
	assert.Equal(t, "10.2.0.10", dnsServiceIP("10.2.0.0/24"))
}

// TestNoNetworkPackage keeps the package off the Azure SDK's network package, the largest one:
// a test of the cluster must not compile it.
func TestNoNetworkPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test", ".").Output()
	require.NoError(t, err)
	for _, dep := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(dep, "github.com/pulumi/pulumi-azure-native-sdk/network/"), "links %s", dep)
	}
	assert.Contains(t, string(out), "pulumi-azure-native-sdk/containerservice/v2/v20240902preview", "the listing is of this package")
}
