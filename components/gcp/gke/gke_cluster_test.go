package gke

import (
	"encoding/json"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	secretsKey = "projects/healthhub-test/locations/europe-west2/keyRings/hh/cryptoKeys/gke-secrets"
	bootKey    = "projects/healthhub-test/locations/europe-west2/keyRings/hh/cryptoKeys/gke-nodes"

	clusterType = "gcp:container/cluster:Cluster"
	poolType    = "gcp:container/nodePool:NodePool"
	accountType = "gcp:serviceaccount/account:Account"
	memberType  = "gcp:projects/iAMMember:IAMMember"
)

func gkeArgs(mutate func(*GkeClusterArgs)) *GkeClusterArgs {
	a := &GkeClusterArgs{
		Name: "hh-gke", Location: gcpkittest.PrimaryRegion,
		Network:    pulumi.String("projects/healthhub-test/global/networks/hh"),
		Subnetwork: pulumi.String("projects/healthhub-test/regions/europe-west2/subnetworks/hh-primary"),
		PodsRange:  "hh-pods", ServicesRange: "hh-services", MasterCidr: "172.16.0.32/28",
		PrivateEndpoint: true, MasterAuthorizedNetworks: []string{"10.70.0.0/24"},
		ReleaseChannel: ChannelRegular, KubernetesVersion: "1.33",
		SecretsKmsKeyName: pulumi.String(secretsKey), BootDiskKmsKeyName: pulumi.String(bootKey),
		NodePools: []NodePool{
			{Name: "system", MachineType: "e2-standard-4", Min: 1, Max: 2},
			{Name: "app", MachineType: "n2-standard-8", Min: 1, Max: 4, DiskSizeGb: 200},
			{Name: "gpu", MachineType: "g2-standard-8", Min: 0, Max: 2, GPU: true, Accelerator: "nvidia-l4"},
		},
		Protect: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// run builds the cluster on the primary provider and exports its outputs by their names.
func run(t *testing.T, args *GkeClusterArgs) *mockcloud.Monitor {
	t.Helper()
	return gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		g, err := NewGkeCluster(ctx, "gke", args, pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		for k, v := range map[string]pulumi.StringOutput{
			"clusterName": g.ClusterName, "endpoint": g.Endpoint, "caCertificate": g.CaCertificate,
			"workloadPool": g.WorkloadPool, "oidcIssuer": g.OidcIssuer, "nodeServiceAccount": g.NodeServiceAccount,
			"clusterId": g.ClusterId, "kubeconfig": g.Kubeconfig,
		} {
			ctx.Export(k, v)
		}
		return nil
	})
}

func TestGkeClusterDefaults(t *testing.T) {
	m := run(t, gkeArgs(nil))
	const c = "hh-gke"
	nodes := "hh-gke-nodes@healthhub-test.iam.gserviceaccount.com"
	labels := map[string]any{}
	for k, v := range kittest.Tags {
		labels[k] = v
	}
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: clusterType, Name: c, Path: "name", Want: "hh-gke"},
		{Type: clusterType, Name: c, Path: "location", Want: "europe-west2"},
		{Type: clusterType, Name: c, Path: "removeDefaultNodePool", Want: true},
		{Type: clusterType, Name: c, Path: "initialNodeCount", Want: int64(1)},
		{Type: clusterType, Name: c, Path: "network", Want: "projects/healthhub-test/global/networks/hh"},
		{Type: clusterType, Name: c, Path: "subnetwork", Want: "projects/healthhub-test/regions/europe-west2/subnetworks/hh-primary"},
		{Type: clusterType, Name: c, Path: "networkingMode", Want: "VPC_NATIVE"},
		{Type: clusterType, Name: c, Path: "ipAllocationPolicy.clusterSecondaryRangeName", Want: "hh-pods"},
		{Type: clusterType, Name: c, Path: "ipAllocationPolicy.servicesSecondaryRangeName", Want: "hh-services"},
		{Type: clusterType, Name: c, Path: "privateClusterConfig.enablePrivateNodes", Want: true},
		{Type: clusterType, Name: c, Path: "privateClusterConfig.enablePrivateEndpoint", Want: true},
		{Type: clusterType, Name: c, Path: "privateClusterConfig.masterIpv4CidrBlock", Want: "172.16.0.32/28"},
		{Type: clusterType, Name: c, Path: "privateClusterConfig.masterGlobalAccessConfig.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "masterAuthorizedNetworksConfig.cidrBlocks", Want: []any{map[string]any{"cidrBlock": "10.70.0.0/24", "displayName": "authorized 10.70.0.0/24"}}},
		{Type: clusterType, Name: c, Path: "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", Want: false},
		{Type: clusterType, Name: c, Path: "masterAuth.clientCertificateConfig.issueClientCertificate", Want: false},
		{Type: clusterType, Name: c, Path: "enableLegacyAbac", Want: false},
		{Type: clusterType, Name: c, Path: "databaseEncryption.state", Want: "ENCRYPTED"},
		{Type: clusterType, Name: c, Path: "databaseEncryption.keyName", Want: secretsKey},
		{Type: clusterType, Name: c, Path: "workloadIdentityConfig.workloadPool", Want: "healthhub-test.svc.id.goog"},
		{Type: clusterType, Name: c, Path: "datapathProvider", Want: "ADVANCED_DATAPATH"},
		{Type: clusterType, Name: c, Path: "binaryAuthorization.evaluationMode", Want: "PROJECT_SINGLETON_POLICY_ENFORCE"},
		{Type: clusterType, Name: c, Path: "enableShieldedNodes", Want: true},
		{Type: clusterType, Name: c, Path: "enableIntranodeVisibility", Want: true},
		{Type: clusterType, Name: c, Path: "releaseChannel.channel", Want: "REGULAR"},
		{Type: clusterType, Name: c, Path: "minMasterVersion", Want: "1.33"},
		{Type: clusterType, Name: c, Path: "loggingConfig.enableComponents", Want: []any{"SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"}},
		{Type: clusterType, Name: c, Path: "monitoringConfig.enableComponents", Want: []any{"SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"}},
		{Type: clusterType, Name: c, Path: "monitoringConfig.managedPrometheus.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "securityPostureConfig.mode", Want: "BASIC"},
		{Type: clusterType, Name: c, Path: "securityPostureConfig.vulnerabilityMode", Want: "VULNERABILITY_BASIC"},
		{Type: clusterType, Name: c, Path: "addonsConfig.gcePersistentDiskCsiDriverConfig.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "addonsConfig.gkeBackupAgentConfig.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "addonsConfig.httpLoadBalancing.disabled", Want: false},
		{Type: clusterType, Name: c, Path: "addonsConfig.networkPolicyConfig.disabled", Want: true},
		{Type: clusterType, Name: c, Path: "enableKubernetesAlpha", Want: false},
		{Type: clusterType, Name: c, Path: "deletionProtection", Want: true},
		{Type: clusterType, Name: c, Path: "maintenancePolicy.recurringWindow.recurrence", Want: "FREQ=WEEKLY;BYDAY=SA,SU"},
		{Type: clusterType, Name: c, Path: "maintenancePolicy.recurringWindow.startTime", Want: "2025-01-04T02:00:00Z"},
		{Type: clusterType, Name: c, Path: "maintenancePolicy.recurringWindow.endTime", Want: "2025-01-04T08:00:00Z"},
		{Type: clusterType, Name: c, Path: "costManagementConfig.enabled", Want: true},
		{Type: clusterType, Name: c, Path: "resourceLabels", Want: labels},
		// The default pool, for the minutes it exists.
		{Type: clusterType, Name: c, Path: "nodeConfig.serviceAccount", Want: nodes},
		{Type: clusterType, Name: c, Path: "nodeConfig.oauthScopes", Want: []any{"https://www.googleapis.com/auth/cloud-platform"}},
		{Type: clusterType, Name: c, Path: "nodeConfig.imageType", Want: "COS_CONTAINERD"},
		{Type: clusterType, Name: c, Path: "nodeConfig.bootDiskKmsKey", Want: bootKey},
		{Type: clusterType, Name: c, Path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot", Want: true},
		{Type: clusterType, Name: c, Path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", Want: true},
		{Type: clusterType, Name: c, Path: "nodeConfig.workloadMetadataConfig.mode", Want: "GKE_METADATA"},
		{Type: clusterType, Name: c, Path: `nodeConfig.metadata["disable-legacy-endpoints"]`, Want: "true"},

		{Type: accountType, Name: "hh-gke-nodes", Path: "accountId", Want: "hh-gke-nodes"},
		{Type: memberType, Name: "hh-gke-nodes-container.defaultNodeServiceAccount", Path: "role", Want: "roles/container.defaultNodeServiceAccount"},
		{Type: memberType, Name: "hh-gke-nodes-container.defaultNodeServiceAccount", Path: "member", Want: "serviceAccount:" + nodes},
		{Type: memberType, Name: "hh-gke-nodes-container.defaultNodeServiceAccount", Path: "project", Want: "healthhub-test"},
		{Type: memberType, Name: "hh-gke-nodes-artifactregistry.reader", Path: "role", Want: "roles/artifactregistry.reader"},

		{Type: poolType, Name: "hh-gke-app", Path: "cluster", Want: "projects/healthhub-test/locations/europe-west2/clusters/hh-gke"},
		{Type: poolType, Name: "hh-gke-app", Path: "location", Want: "europe-west2"},
		{Type: poolType, Name: "hh-gke-app", Path: "name", Want: "app"},
		{Type: poolType, Name: "hh-gke-app", Path: "initialNodeCount", Want: int64(1)},
		{Type: poolType, Name: "hh-gke-app", Path: "autoscaling.minNodeCount", Want: int64(1)},
		{Type: poolType, Name: "hh-gke-app", Path: "autoscaling.maxNodeCount", Want: int64(4)},
		{Type: poolType, Name: "hh-gke-app", Path: "autoscaling.locationPolicy", Want: "BALANCED"},
		{Type: poolType, Name: "hh-gke-app", Path: "management.autoRepair", Want: true},
		{Type: poolType, Name: "hh-gke-app", Path: "management.autoUpgrade", Want: true},
		{Type: poolType, Name: "hh-gke-app", Path: "upgradeSettings.strategy", Want: "SURGE"},
		{Type: poolType, Name: "hh-gke-app", Path: "upgradeSettings.maxSurge", Want: int64(1)},
		{Type: poolType, Name: "hh-gke-app", Path: "upgradeSettings.maxUnavailable", Want: int64(0)},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.machineType", Want: "n2-standard-8"},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.serviceAccount", Want: nodes},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.oauthScopes", Want: []any{"https://www.googleapis.com/auth/cloud-platform"}},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.imageType", Want: "COS_CONTAINERD"},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.bootDiskKmsKey", Want: bootKey},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.diskType", Want: "pd-balanced"},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.diskSizeGb", Want: int64(200)},
		{Type: poolType, Name: "hh-gke-system", Path: "nodeConfig.diskSizeGb", Want: int64(100)},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot", Want: true},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", Want: true},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.workloadMetadataConfig.mode", Want: "GKE_METADATA"},
		{Type: poolType, Name: "hh-gke-app", Path: `nodeConfig.metadata["disable-legacy-endpoints"]`, Want: "true"},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.labels", Want: map[string]any{"healthhub.io/pool": "app"}},
		{Type: poolType, Name: "hh-gke-app", Path: "nodeConfig.resourceLabels", Want: labels},
		{Type: poolType, Name: "hh-gke-system", Path: "nodeConfig.machineType", Want: "e2-standard-4"},
		{Type: poolType, Name: "hh-gke-gpu", Path: "initialNodeCount", Want: int64(0)},
		{Type: poolType, Name: "hh-gke-gpu", Path: "autoscaling.minNodeCount", Want: int64(0)},
		{Type: poolType, Name: "hh-gke-gpu", Path: "nodeConfig.guestAccelerators", Want: []any{map[string]any{
			"type": "nvidia-l4", "count": int64(1), "gpuDriverInstallationConfig": map[string]any{"gpuDriverVersion": "LATEST"},
		}}},
		{Type: poolType, Name: "hh-gke-gpu", Path: "nodeConfig.taints", Want: []any{map[string]any{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}}},
	})

	for _, p := range m.ByType(poolType) {
		if p.Name == "hh-gke-gpu" {
			continue
		}
		_, gpus := p.Get("nodeConfig.guestAccelerators")
		_, taints := p.Get("nodeConfig.taints")
		assert.False(t, gpus || taints, "%s has no GPU and no taint", p.Name)
	}
	assert.Len(t, m.ByType(poolType), 3)
	assert.Len(t, m.ByType(memberType), 2, "the node account holds its two roles and nothing else")

	// The cluster waits for the node account's roles and leaves the removed default pool's
	// config alone after creation; a pool's count is the autoscaler's.
	cluster, _ := m.Find(clusterType, c)
	for _, grant := range m.ByType(memberType) {
		assert.Contains(t, cluster.Dependencies, grant.URN, "cluster waits for %s", grant.Name)
	}
	assert.Equal(t, []string{"nodeConfig"}, cluster.IgnoreChanges)
	app, _ := m.Find(poolType, "hh-gke-app")
	assert.Equal(t, []string{"initialNodeCount"}, app.IgnoreChanges)

	out := m.Outputs()
	for k, want := range map[string]string{
		"clusterName":        "hh-gke",
		"endpoint":           "172.16.0.34", // the private endpoint, in MasterCidr
		"caCertificate":      "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
		"workloadPool":       "healthhub-test.svc.id.goog",
		"oidcIssuer":         "https://container.googleapis.com/v1/projects/healthhub-test/locations/europe-west2/clusters/hh-gke",
		"nodeServiceAccount": nodes,
		"clusterId":          "projects/healthhub-test/locations/europe-west2/clusters/hh-gke",
	} {
		assert.Equal(t, want, out[k].Value, k)
		assert.False(t, out[k].Secret, "%s is not a secret", k)
	}

	assert.Empty(t, gcpkittest.Violations(m, "production"), "the cluster passes the whole policy pack")
}

func TestGkeClusterProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := run(t, gkeArgs(func(a *GkeClusterArgs) { a.Protect = protect }))
		component, ok := m.Find(TypeGkeCluster, "gke")
		require.True(t, ok)
		cluster, _ := m.Find(clusterType, "hh-gke")
		assert.Equal(t, protect, cluster.Protect, "protect")
		assert.Equal(t, protect, cluster.RetainOnDelete, "retainOnDelete")
		deletion, _ := cluster.Get("deletionProtection")
		assert.Equal(t, protect, deletion, "GKE's deletion protection follows Protect")
		assert.Equal(t, component.URN, cluster.Parent)
		for _, typ := range []string{poolType, accountType, memberType} {
			for _, r := range m.ByType(typ) {
				assert.Equal(t, component.URN, r.Parent, "%s is the component's", r.Name)
				assert.False(t, r.Protect, "%s holds no PHI of its own", r.Name)
			}
		}
	}
}

// TestGkeClusterPublicEndpoint is a dev cluster: a public endpoint behind an allow-list.
func TestGkeClusterPublicEndpoint(t *testing.T) {
	m := run(t, gkeArgs(func(a *GkeClusterArgs) {
		a.PrivateEndpoint, a.Protect = false, false
		a.MasterAuthorizedNetworks = []string{"203.0.113.0/24", "10.70.0.0/24"}
		a.ReleaseChannel, a.SecurityPosture = ChannelStable, PostureEnterprise
		a.Labels = map[string]string{"environment": "dev", "data-classification": "synthetic", "owner": "platform"}
	}))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: clusterType, Name: "hh-gke", Path: "privateClusterConfig.enablePrivateEndpoint", Want: false},
		{Type: clusterType, Name: "hh-gke", Path: "privateClusterConfig.enablePrivateNodes", Want: true},
		{Type: clusterType, Name: "hh-gke", Path: "masterAuthorizedNetworksConfig.cidrBlocks[0].cidrBlock", Want: "203.0.113.0/24"},
		{Type: clusterType, Name: "hh-gke", Path: "masterAuthorizedNetworksConfig.cidrBlocks[1].cidrBlock", Want: "10.70.0.0/24"},
		{Type: clusterType, Name: "hh-gke", Path: "releaseChannel.channel", Want: "STABLE"},
		{Type: clusterType, Name: "hh-gke", Path: "securityPostureConfig.mode", Want: "ENTERPRISE"},
		{Type: clusterType, Name: "hh-gke", Path: "securityPostureConfig.vulnerabilityMode", Want: "VULNERABILITY_ENTERPRISE"},
	})
	assert.Equal(t, "172.16.0.2", m.Outputs()["endpoint"].Value, "the cluster's endpoint, not the private one")
	assert.Empty(t, gcpkittest.Violations(m, "dev"))
	assert.Equal(t, []string{"estate-stateful-protected", "gcp-deletion-protection", "gcp-gke-private-cluster"},
		kittest.Policies(gcpkittest.Violations(m, "production")), "the pack reads the cluster: this one is no production cluster")
}

func TestGkeClusterKubeconfig(t *testing.T) {
	m := run(t, gkeArgs(nil))
	out := m.Outputs()["kubeconfig"]
	require.True(t, out.Known)
	assert.True(t, out.Secret, "the kubeconfig is a secret")

	raw := out.Value.(string)
	var doc struct {
		CurrentContext string `json:"current-context"`
		Clusters       []struct {
			Name    string
			Cluster map[string]any
		}
		Users []struct {
			Name string
			User map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(raw), &doc))
	assert.Equal(t, "gke_healthhub-test_europe-west2_hh-gke", doc.CurrentContext)
	require.Len(t, doc.Clusters, 1)
	assert.Equal(t, "https://172.16.0.34", doc.Clusters[0].Cluster["server"], "the private endpoint")
	assert.Equal(t, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", doc.Clusters[0].Cluster["certificate-authority-data"])
	require.Len(t, doc.Users, 1)
	user := doc.Users[0].User
	assert.Equal(t, []string{"exec"}, slices.Collect(maps.Keys(user)), "the user is the exec plugin and nothing else")
	plugin := user["exec"].(map[string]any)
	assert.Equal(t, "gke-gcloud-auth-plugin", plugin["command"])
	assert.Equal(t, "client.authentication.k8s.io/v1beta1", plugin["apiVersion"])
	assert.Equal(t, true, plugin["provideClusterInfo"])
	for _, static := range []string{"token", "client-certificate", "client-key", "password", "username", "auth-provider"} {
		assert.NotContains(t, raw, `"`+static, "no static credential: %s", static)
	}
}

func TestGkeClusterArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*GkeClusterArgs)
		want   string
	}{
		{"public endpoint without authorized networks", func(a *GkeClusterArgs) { a.PrivateEndpoint, a.MasterAuthorizedNetworks = false, nil },
			"GkeCluster: MasterAuthorizedNetworks = []: required when PrivateEndpoint is false"},
		{"open to the internet", func(a *GkeClusterArgs) {
			a.PrivateEndpoint, a.MasterAuthorizedNetworks = false, []string{"203.0.113.0/24", "0.0.0.0/0"}
		},
			"GkeCluster: MasterAuthorizedNetworks = 0.0.0.0/0: must not open the API server to the whole internet"},
		{"public network with a private endpoint", func(a *GkeClusterArgs) { a.MasterAuthorizedNetworks = []string{"203.0.113.0/24"} },
			"GkeCluster: MasterAuthorizedNetworks = 203.0.113.0/24: must be private (RFC 1918) networks when PrivateEndpoint is true"},
		{"authorized host address", func(a *GkeClusterArgs) { a.MasterAuthorizedNetworks = []string{"10.70.0.1/24"} },
			"GkeCluster: MasterAuthorizedNetworks = 10.70.0.1/24: must be IPv4 network addresses in CIDR form"},
		{"rapid channel", func(a *GkeClusterArgs) { a.ReleaseChannel = "RAPID" },
			`GkeCluster: ReleaseChannel = "RAPID": must be "REGULAR" or "STABLE"`},
		{"no channel", func(a *GkeClusterArgs) { a.ReleaseChannel = "UNSPECIFIED" },
			`GkeCluster: ReleaseChannel = "UNSPECIFIED": must be "REGULAR" or "STABLE"`},
		{"no pools", func(a *GkeClusterArgs) { a.NodePools = nil },
			"GkeCluster: NodePools = []: required: at least one pool"},
		{"min above max", func(a *GkeClusterArgs) { a.NodePools[1].Min = 9 },
			"GkeCluster: NodePools[app] = min 9, max 4: must have 0 <= min <= max and max >= 1"},
		{"no max", func(a *GkeClusterArgs) { a.NodePools[2].Max = 0 },
			"GkeCluster: NodePools[gpu] = min 0, max 0: must have 0 <= min <= max and max >= 1"},
		{"duplicate pools", func(a *GkeClusterArgs) { a.NodePools[2] = a.NodePools[0] },
			`GkeCluster: NodePools.Name = "system": must be unique in the cluster`},
		{"pool name not a DNS label", func(a *GkeClusterArgs) { a.NodePools[0].Name = "System_1" },
			`GkeCluster: NodePools.Name = "System_1": must be a DNS label`},
		{"no secrets key", func(a *GkeClusterArgs) { a.SecretsKmsKeyName = nil },
			"GkeCluster: SecretsKmsKeyName = <nil>: required: Kubernetes secrets are always encrypted"},
		{"no boot disk key", func(a *GkeClusterArgs) { a.BootDiskKmsKeyName = nil },
			"GkeCluster: BootDiskKmsKeyName = <nil>: required: node boot disks are always encrypted"},
		{"gpu without accelerator", func(a *GkeClusterArgs) { a.NodePools[2].Accelerator = "" },
			`GkeCluster: NodePools[gpu].Accelerator = "": required for a GPU pool`},
		{"accelerator without gpu", func(a *GkeClusterArgs) { a.NodePools[1].Accelerator = "nvidia-l4" },
			`GkeCluster: NodePools[app].Accelerator = "nvidia-l4": must be empty unless GPU is true`},
		{"tiny disk", func(a *GkeClusterArgs) { a.NodePools[0].DiskSizeGb = 5 },
			"GkeCluster: NodePools[system].DiskSizeGb = 5: must be at least 10"},
		{"bad machine type", func(a *GkeClusterArgs) { a.NodePools[0].MachineType = "large" },
			`GkeCluster: NodePools[system].MachineType = "large"`},
		{"zonal", func(a *GkeClusterArgs) { a.Location = "europe-west2-a" },
			`GkeCluster: Location = "europe-west2-a": must be a region`},
		{"long name", func(a *GkeClusterArgs) { a.Name = "healthhub-production-cluster" },
			`GkeCluster: Name = "healthhub-production-cluster": must start with a letter and hold at most 24`},
		{"public master range", func(a *GkeClusterArgs) { a.MasterCidr = "203.0.113.0/28" },
			`GkeCluster: MasterCidr = "203.0.113.0/28": must be a private (RFC 1918) /28`},
		{"wide master range", func(a *GkeClusterArgs) { a.MasterCidr = "172.16.0.0/24" },
			`GkeCluster: MasterCidr = "172.16.0.0/24"`},
		{"floating version", func(a *GkeClusterArgs) { a.KubernetesVersion = "latest" },
			`GkeCluster: KubernetesVersion = "latest": must be a Kubernetes minor version`},
		{"posture off", func(a *GkeClusterArgs) { a.SecurityPosture = "DISABLED" },
			`GkeCluster: SecurityPosture = "DISABLED": must be "BASIC" or "ENTERPRISE"`},
		{"no network", func(a *GkeClusterArgs) { a.Network = nil }, "GkeCluster: Network = <nil>: required"},
		{"no pods range", func(a *GkeClusterArgs) { a.PodsRange = "" }, `GkeCluster: PodsRange = "": required`},
		{"one range for both", func(a *GkeClusterArgs) { a.ServicesRange = a.PodsRange }, `GkeCluster: ServicesRange = "hh-pods"`},
		{"no labels", func(a *GkeClusterArgs) { a.Labels = nil }, "GkeCluster: Labels = map[]: must include \"environment\""},
		{"upper-case label", func(a *GkeClusterArgs) {
			a.Labels = map[string]string{"environment": "prod", "data-classification": "phi", "owner": "Platform"}
		}, "GkeCluster: Labels = owner=Platform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewGkeCluster(ctx, "gke", gkeArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
	t.Run("nil args", func(t *testing.T) {
		m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
			_, err := NewGkeCluster(ctx, "gke", nil, pulumi.Provider(p.Primary))
			return err
		})
		require.ErrorContains(t, err, "GkeCluster: args = <nil>: required")
		kittest.AssertNothingRegistered(t, m)
	})
}

func TestGkeClusterDefaultsLeaveTheCallersPoolsAlone(t *testing.T) {
	args := gkeArgs(func(a *GkeClusterArgs) { a.ReleaseChannel = "" })
	pools := args.NodePools
	require.NoError(t, args.Validate())
	assert.Equal(t, ChannelRegular, args.ReleaseChannel)
	assert.Equal(t, PostureBasic, args.SecurityPosture)
	assert.Equal(t, 100, args.NodePools[0].DiskSizeGb)
	assert.Zero(t, pools[0].DiskSizeGb, "the caller's slice is not written to")
}

// TestNoComputePackage keeps the package off the GCP SDK's compute package, the largest one:
// a test of the cluster must not compile it.
func TestNoComputePackage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test", ".").Output()
	require.NoError(t, err)
	for _, dep := range strings.Fields(string(out)) {
		assert.False(t, strings.HasSuffix(dep, "/go/gcp/compute"), "links %s", dep)
	}
	assert.Contains(t, string(out), "pulumi-gcp/sdk/v7/go/gcp/container", "the listing is of this package")
}
