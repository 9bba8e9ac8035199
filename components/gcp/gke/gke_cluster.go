package gke

import (
	"fmt"
	"net"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/gcpformat"
)

// ReleaseChannel is the GKE release channel the cluster follows.
type ReleaseChannel string

// The channels a HIPAA cluster may follow (CIS GKE 5.5.4): Google patches and upgrades the
// control plane and the nodes within them. RAPID gets versions before they are proven.
const (
	ChannelRegular ReleaseChannel = "REGULAR"
	ChannelStable  ReleaseChannel = "STABLE"
)

// SecurityPosture is the tier of GKE's security posture (CIS GKE 5.10.5): workload
// configuration audit and vulnerability scanning of the running images.
type SecurityPosture string

const (
	// PostureBasic is the tier every cluster has at no charge.
	PostureBasic SecurityPosture = "BASIC"
	// PostureEnterprise adds the enterprise tier's scanning; it is billed.
	PostureEnterprise SecurityPosture = "ENTERPRISE"
)

// NodePool is one autoscaled node pool of the regional cluster.
type NodePool struct {
	// Name is the pool's name in the cluster, a DNS label such as "app"; nodes carry it as
	// the healthhub.io/pool label.
	Name string
	// MachineType is a Compute Engine machine type such as "n2-standard-8".
	MachineType string
	// Min and Max bound the autoscaler per zone of the region: Min <= Max, Max >= 1.
	Min, Max int
	// GPU pools attach one Accelerator (such as "nvidia-l4") per node, with Google's latest
	// driver, and are tainted nvidia.com/gpu=present:NoSchedule, so only pods that ask for a
	// GPU land there.
	GPU         bool
	Accelerator string
	// DiskSizeGb is each node's boot disk (default 100).
	DiskSizeGb int
}

// GkeClusterArgs configures the Kubernetes cluster the clinical workloads run on.
type GkeClusterArgs struct {
	// Name names the cluster; its node service account is <Name>-nodes, so it is at most 24
	// characters.
	Name string
	// Location is a region such as europe-west2: the control plane is replicated across its
	// zones and the pools span them.
	Location string
	// Network and Subnetwork are the VPC network and the primary region's subnet (self links
	// or ids).
	Network, Subnetwork pulumi.StringInput
	// PodsRange and ServicesRange name the subnet's secondary ranges (VPC-native, CIS GKE
	// 5.6.2).
	PodsRange, ServicesRange string
	// MasterCidr is the control plane's private /28, in RFC 1918.
	MasterCidr string
	// PrivateEndpoint leaves the API server with no public endpoint at all (production).
	PrivateEndpoint bool
	// MasterAuthorizedNetworks may reach the API server (CIS GKE 5.6.3). Required when the
	// endpoint is public: an explicit allow-list, never 0.0.0.0/0. With PrivateEndpoint they
	// must be private (a VPN, a bastion subnet); the cluster's own nodes always may.
	MasterAuthorizedNetworks []string
	// ReleaseChannel is ChannelRegular (default) or ChannelStable.
	ReleaseChannel ReleaseChannel
	// KubernetesVersion is the minor version the control plane is held at or above, such as
	// "1.33"; the platform pins admission standards to it.
	KubernetesVersion string
	// SecretsKmsKeyName is the Cloud KMS key that encrypts Kubernetes secrets in etcd
	// (application-layer secrets encryption, CIS GKE 5.3.1). Required: there is no opt-out.
	SecretsKmsKeyName pulumi.StringInput
	// BootDiskKmsKeyName is the Cloud KMS key of every node's boot disk (CIS GKE 5.9.2).
	// Required.
	BootDiskKmsKeyName pulumi.StringInput
	// NodePools are the pools: at least one, names unique.
	NodePools []NodePool
	// SecurityPosture is PostureBasic (default) or PostureEnterprise.
	SecurityPosture SecurityPosture
	// Protect keeps the cluster through destroys and turns on GKE's own deletion protection
	// (production): etcd and the volumes hold PHI.
	Protect bool
	Labels  map[string]string
}

// GkeCluster is a private, regional, VPC-native GKE Standard cluster: private nodes,
// authorized networks only, Kubernetes secrets encrypted with a customer key, Workload
// Identity, Dataplane V2, Binary Authorization, shielded COS nodes on CMEK boot disks run by a
// dedicated least-privilege service account, and every control-plane log.
type GkeCluster struct {
	pulumi.ResourceState

	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// Endpoint is the API server's address as GKE gives it (an IP, no scheme): the private
	// endpoint when the cluster has no public one.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	// CaCertificate is the cluster CA, base64-encoded PEM as the kubeconfig carries it.
	CaCertificate pulumi.StringOutput `pulumi:"caCertificate"`
	// WorkloadPool is <project>.svc.id.goog, read from the cluster, so that an IAM binding
	// naming the pool waits for the cluster that creates it.
	WorkloadPool pulumi.StringOutput `pulumi:"workloadPool"`
	// OidcIssuer is the issuer of the cluster's service account tokens.
	OidcIssuer pulumi.StringOutput `pulumi:"oidcIssuer"`
	// NodeServiceAccount is the e-mail address of the nodes' service account.
	NodeServiceAccount pulumi.StringOutput `pulumi:"nodeServiceAccount"`
	// ClusterId is projects/<project>/locations/<location>/clusters/<name>.
	ClusterId pulumi.StringOutput `pulumi:"clusterId"`
	// Kubeconfig authenticates through gke-gcloud-auth-plugin and holds no credential; it is
	// a secret all the same, because it names the endpoint and CA of a PHI cluster.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
}

var (
	// clusterName leaves room for "-nodes" in the node service account's id (6 to 30
	// characters); GKE itself allows 40.
	clusterName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,22}[a-z0-9])?$`)
	// poolName is GKE's rule for node pool names: a DNS label of at most 40 characters.
	poolName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
	// rangeName is Google's rule for resource names, which secondary ranges follow.
	rangeName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// Validate fills the defaults and checks the Args before anything is registered.
func (a *GkeClusterArgs) Validate() error {
	const c = "GkeCluster"
	if a.ReleaseChannel == "" {
		a.ReleaseChannel = ChannelRegular
	}
	if a.SecurityPosture == "" {
		a.SecurityPosture = PostureBasic
	}
	switch {
	case !clusterName.MatchString(a.Name):
		return kit.ArgError(c, "Name", fmt.Sprintf("%q", a.Name), "must start with a letter and hold at most 24 lowercase letters, digits or hyphens (the node service account is <Name>-nodes, at most 30)")
	case !gcpkit.Region.MatchString(a.Location):
		return kit.ArgError(c, "Location", fmt.Sprintf("%q", a.Location), "must be a region such as europe-west2: a zonal control plane dies with its zone")
	case a.Network == nil:
		return kit.ArgError(c, "Network", nil, "required: the VPC network's self link or id")
	case a.Subnetwork == nil:
		return kit.ArgError(c, "Subnetwork", nil, "required: the subnet's self link or id")
	case !rangeName.MatchString(a.PodsRange):
		return kit.ArgError(c, "PodsRange", fmt.Sprintf("%q", a.PodsRange), "required: the name of the subnet's secondary range for pods (VPC-native)")
	case !rangeName.MatchString(a.ServicesRange) || a.ServicesRange == a.PodsRange:
		return kit.ArgError(c, "ServicesRange", fmt.Sprintf("%q", a.ServicesRange), "required: the name of the subnet's secondary range for services, other than PodsRange")
	case !isPrivate28(a.MasterCidr):
		return kit.ArgError(c, "MasterCidr", fmt.Sprintf("%q", a.MasterCidr), "must be a private (RFC 1918) /28 network address such as 172.16.0.0/28")
	case !a.PrivateEndpoint && len(a.MasterAuthorizedNetworks) == 0:
		return kit.ArgError(c, "MasterAuthorizedNetworks", a.MasterAuthorizedNetworks, "required when PrivateEndpoint is false: the networks (a VPN's egress) that may reach the public API endpoint")
	case a.ReleaseChannel != ChannelRegular && a.ReleaseChannel != ChannelStable:
		return kit.ArgError(c, "ReleaseChannel", fmt.Sprintf("%q", a.ReleaseChannel), "must be %q or %q: RAPID gets versions before they are proven, and no channel leaves patching to someone's memory", ChannelRegular, ChannelStable)
	case !gcpformat.KubernetesVersion.MatchString(a.KubernetesVersion):
		return kit.ArgError(c, "KubernetesVersion", fmt.Sprintf("%q", a.KubernetesVersion), "must be a Kubernetes minor version from 1.30 to 1.34, such as \"1.33\"")
	case a.SecretsKmsKeyName == nil:
		return kit.ArgError(c, "SecretsKmsKeyName", nil, "required: Kubernetes secrets are always encrypted with a customer-managed key")
	case a.BootDiskKmsKeyName == nil:
		return kit.ArgError(c, "BootDiskKmsKeyName", nil, "required: node boot disks are always encrypted with a customer-managed key")
	case a.SecurityPosture != PostureBasic && a.SecurityPosture != PostureEnterprise:
		return kit.ArgError(c, "SecurityPosture", fmt.Sprintf("%q", a.SecurityPosture), "must be %q or %q", PostureBasic, PostureEnterprise)
	case len(a.NodePools) == 0:
		return kit.ArgError(c, "NodePools", a.NodePools, "required: at least one pool")
	}
	for _, cidr := range a.MasterAuthorizedNetworks {
		ip, n, err := net.ParseCIDR(cidr)
		switch {
		case err != nil || ip.To4() == nil || n.String() != cidr:
			return kit.ArgError(c, "MasterAuthorizedNetworks", cidr, "must be IPv4 network addresses in CIDR form, such as 203.0.113.0/24")
		case n.String() == "0.0.0.0/0":
			return kit.ArgError(c, "MasterAuthorizedNetworks", cidr, "must not open the API server to the whole internet: list the networks that need it")
		case a.PrivateEndpoint && !kit.IsPrivateCIDR(cidr):
			return kit.ArgError(c, "MasterAuthorizedNetworks", cidr, "must be private (RFC 1918) networks when PrivateEndpoint is true: the API server has no public address")
		}
	}
	a.NodePools = slices.Clone(a.NodePools) // the defaults below are this cluster's, not the caller's
	seen := map[string]bool{}
	for i := range a.NodePools {
		p := &a.NodePools[i]
		arg := "NodePools[" + p.Name + "]"
		if p.DiskSizeGb == 0 {
			p.DiskSizeGb = 100
		}
		switch {
		case !poolName.MatchString(p.Name):
			return kit.ArgError(c, "NodePools.Name", fmt.Sprintf("%q", p.Name), "must be a DNS label of at most 40 lowercase letters, digits or hyphens, starting with a letter")
		case seen[p.Name]:
			return kit.ArgError(c, "NodePools.Name", fmt.Sprintf("%q", p.Name), "must be unique in the cluster")
		case !gcpformat.MachineType.MatchString(p.MachineType):
			return kit.ArgError(c, arg+".MachineType", fmt.Sprintf("%q", p.MachineType), "must be a Compute Engine machine type such as \"n2-standard-8\"")
		case p.Min < 0 || p.Max < 1 || p.Min > p.Max:
			return kit.ArgError(c, arg, fmt.Sprintf("min %d, max %d", p.Min, p.Max), "must have 0 <= min <= max and max >= 1 (per zone)")
		case p.GPU && !gcpformat.Accelerator.MatchString(p.Accelerator):
			return kit.ArgError(c, arg+".Accelerator", fmt.Sprintf("%q", p.Accelerator), "required for a GPU pool: a GPU type such as \"nvidia-l4\"")
		case !p.GPU && p.Accelerator != "":
			return kit.ArgError(c, arg+".Accelerator", fmt.Sprintf("%q", p.Accelerator), "must be empty unless GPU is true")
		case p.DiskSizeGb < 10:
			return kit.ArgError(c, arg+".DiskSizeGb", p.DiskSizeGb, "must be at least 10 (GKE's minimum boot disk)")
		}
		seen[p.Name] = true
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// isPrivate28 is a /28 network address inside RFC 1918: GKE's size for the control plane's
// range, which must not collide with public addresses the nodes reach.
func isPrivate28(cidr string) bool {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.String() != cidr {
		return false
	}
	ones, _ := n.Mask.Size()
	return ones == 28 && kit.IsPrivateCIDR(cidr)
}

// Fixed settings of the cluster, each with its reason.
const (
	// vpcNative gives pods and services addresses from the subnet's secondary ranges, routable
	// and subject to firewall rules and flow logs (CIS GKE 5.6.2).
	vpcNative = "VPC_NATIVE"
	// encrypted is application-layer secrets encryption with the customer's key, over Google's
	// own encryption of etcd (CIS GKE 5.3.1).
	encrypted = "ENCRYPTED"
	// dataplaneV2 is GKE's eBPF dataplane: it enforces NetworkPolicy (the namespaces'
	// default-deny) and can log allowed and denied connections (CIS GKE 5.6.7).
	dataplaneV2 = "ADVANCED_DATAPATH"
	// binAuthzEnforce admits only images the project's Binary Authorization policy allows
	// (CIS GKE 5.10.4).
	binAuthzEnforce = "PROJECT_SINGLETON_POLICY_ENFORCE"
)

// controlPlaneLogs go to Cloud Logging: the API server's log is the audit trail of who did
// what in the cluster (164.312(b)); the workloads' logs are the applications' record.
var controlPlaneLogs = []string{"SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"}

// controlPlaneMetrics go to Cloud Monitoring, for the platform's alerts on the control plane.
var controlPlaneMetrics = []string{"SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"}

// Maintenance happens at weekends, 02:00 to 08:00 UTC, outside clinic hours. GKE asks for at
// least 48 hours of window in any 32 days; two six-hour windows a week give about 54.
const (
	maintenanceStart      = "2025-01-04T02:00:00Z"
	maintenanceEnd        = "2025-01-04T08:00:00Z"
	maintenanceRecurrence = "FREQ=WEEKLY;BYDAY=SA,SU"
)

// NewGkeCluster creates the node service account and its roles, the cluster, and its node
// pools.
func NewGkeCluster(ctx *pulumi.Context, name string, args *GkeClusterArgs, opts ...pulumi.ResourceOption) (*GkeCluster, error) {
	g := &GkeCluster{}
	if err := kit.Register(ctx, TypeGkeCluster, name, args, g, opts...); err != nil {
		return nil, err
	}
	project, err := gcpkit.LookupProject(ctx, g)
	if err != nil {
		return nil, err
	}
	nodes, grants, err := nodeServiceAccount(ctx, g, args, project)
	if err != nil {
		return nil, err
	}
	labels := gcpkit.Labels(args.Labels)

	authorized := container.ClusterMasterAuthorizedNetworksConfigCidrBlockArray{}
	for _, cidr := range args.MasterAuthorizedNetworks {
		authorized = append(authorized, container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs{
			CidrBlock: pulumi.String(cidr), DisplayName: pulumi.String("authorized " + cidr),
		})
	}
	vulnerability := "VULNERABILITY_BASIC"
	if args.SecurityPosture == PostureEnterprise {
		vulnerability = "VULNERABILITY_ENTERPRISE"
	}

	cluster, err := container.NewCluster(ctx, args.Name, &container.ClusterArgs{
		Name:     pulumi.String(args.Name),
		Location: pulumi.String(args.Location),
		// Pools are separate resources, so one can change without touching the cluster; the
		// default pool GKE insists on is made hardened and removed at once.
		RemoveDefaultNodePool: pulumi.Bool(true),
		InitialNodeCount:      pulumi.Int(1),
		NodeConfig:            defaultPoolConfig(args, nodes.Email, labels),
		Network:               ptr(args.Network),
		Subnetwork:            ptr(args.Subnetwork),
		NetworkingMode:        pulumi.String(vpcNative),
		IpAllocationPolicy: container.ClusterIpAllocationPolicyArgs{
			ClusterSecondaryRangeName:  pulumi.String(args.PodsRange),
			ServicesSecondaryRangeName: pulumi.String(args.ServicesRange),
		},
		// Nodes have no public address (CIS GKE 5.6.5); the control plane's private endpoint is
		// reachable from the estate's other region too (global access), for operators on the
		// VPN there; its public endpoint exists only when PrivateEndpoint is false (5.6.4).
		PrivateClusterConfig: container.ClusterPrivateClusterConfigArgs{
			EnablePrivateNodes:       pulumi.Bool(true),
			EnablePrivateEndpoint:    pulumi.Bool(args.PrivateEndpoint),
			MasterIpv4CidrBlock:      pulumi.String(args.MasterCidr),
			MasterGlobalAccessConfig: container.ClusterPrivateClusterConfigMasterGlobalAccessConfigArgs{Enabled: pulumi.Bool(true)},
		},
		// Only the listed networks reach the API server; Google Cloud's public ranges (any
		// customer's VMs) do not (CIS GKE 5.6.3).
		MasterAuthorizedNetworksConfig: container.ClusterMasterAuthorizedNetworksConfigArgs{
			CidrBlocks:                  authorized,
			GcpPublicCidrsAccessEnabled: pulumi.Bool(false),
		},
		// People and pipelines authenticate with Google identities and short-lived tokens: no
		// client certificate that can never be revoked (CIS GKE 5.8.1), no ABAC (5.8.3).
		MasterAuth: container.ClusterMasterAuthArgs{
			ClientCertificateConfig: container.ClusterMasterAuthClientCertificateConfigArgs{IssueClientCertificate: pulumi.Bool(false)},
		},
		EnableLegacyAbac:   pulumi.Bool(false),
		DatabaseEncryption: container.ClusterDatabaseEncryptionArgs{State: pulumi.String(encrypted), KeyName: ptr(args.SecretsKmsKeyName)},
		// Pods get Google identities through Kubernetes service accounts, never the node's
		// (CIS GKE 5.2.2).
		WorkloadIdentityConfig: container.ClusterWorkloadIdentityConfigArgs{WorkloadPool: pulumi.String(project.WorkloadPool())},
		DatapathProvider:       pulumi.String(dataplaneV2),
		BinaryAuthorization:    container.ClusterBinaryAuthorizationArgs{EvaluationMode: pulumi.String(binAuthzEnforce)},
		// Nodes prove their identity to the control plane with a vTPM-backed credential
		// (CIS GKE 5.5.5).
		EnableShieldedNodes: pulumi.Bool(true),
		// Pod-to-pod traffic on one node goes through the VPC too, so flow logs and firewall
		// rules see it (CIS GKE 5.6.1).
		EnableIntranodeVisibility: pulumi.Bool(true),
		ReleaseChannel:            container.ClusterReleaseChannelArgs{Channel: pulumi.String(string(args.ReleaseChannel))},
		MinMasterVersion:          pulumi.String(args.KubernetesVersion),
		LoggingConfig:             container.ClusterLoggingConfigArgs{EnableComponents: pulumi.ToStringArray(controlPlaneLogs)},
		MonitoringConfig: container.ClusterMonitoringConfigArgs{
			EnableComponents: pulumi.ToStringArray(controlPlaneMetrics),
			// Google's managed Prometheus collects the workloads' metrics without a store to run.
			ManagedPrometheus: container.ClusterMonitoringConfigManagedPrometheusArgs{Enabled: pulumi.Bool(true)},
		},
		SecurityPostureConfig: container.ClusterSecurityPostureConfigArgs{
			Mode: pulumi.String(string(args.SecurityPosture)), VulnerabilityMode: pulumi.String(vulnerability),
		},
		AddonsConfig: container.ClusterAddonsConfigArgs{
			// Volumes are Persistent Disks the CSI driver encrypts with the StorageClass's key.
			GcePersistentDiskCsiDriverConfig: container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs{Enabled: pulumi.Bool(true)},
			// GKE Ingress is the platform's ingress controller.
			HttpLoadBalancing: container.ClusterAddonsConfigHttpLoadBalancingArgs{Disabled: pulumi.Bool(false)},
			// Calico's add-on is off: Dataplane V2 enforces NetworkPolicy itself.
			NetworkPolicyConfig: container.ClusterAddonsConfigNetworkPolicyConfigArgs{Disabled: pulumi.Bool(true)},
			// The Backup for GKE agent runs the estate's backup plan; without it the plan
			// never takes a backup (§164.308(a)(7)(ii)(A)).
			GkeBackupAgentConfig: container.ClusterAddonsConfigGkeBackupAgentConfigArgs{Enabled: pulumi.Bool(true)},
		},
		// Alpha clusters cannot be upgraded and are deleted after 30 days (CIS GKE 5.10.2).
		EnableKubernetesAlpha: pulumi.Bool(false),
		// GKE refuses to delete a protected cluster whatever the program says; a dev cluster
		// (Protect false) stays destroyable.
		DeletionProtection: pulumi.Bool(args.Protect),
		MaintenancePolicy: container.ClusterMaintenancePolicyArgs{
			RecurringWindow: container.ClusterMaintenancePolicyRecurringWindowArgs{
				StartTime: pulumi.String(maintenanceStart), EndTime: pulumi.String(maintenanceEnd), Recurrence: pulumi.String(maintenanceRecurrence),
			},
		},
		// Cost allocation by namespace and label in the billing export; it costs nothing.
		CostManagementConfig: container.ClusterCostManagementConfigArgs{Enabled: pulumi.Bool(true)},
		ResourceLabels:       labels,
	}, append(kit.Stateful(g, args.Protect),
		// The default pool's nodes run as the node service account, which has its roles first.
		pulumi.DependsOn(grants),
		// nodeConfig describes only the default pool, removed right after creation; a change
		// to it would replace the cluster and its PHI, so later edits are left alone.
		pulumi.IgnoreChanges([]string{"nodeConfig"}),
	)...)
	if err != nil {
		return nil, err
	}

	clusterID := cluster.ID().ToStringOutput()
	for _, p := range args.NodePools {
		if err := nodePool(ctx, g, args, clusterID, nodes.Email, labels, p); err != nil {
			return nil, err
		}
	}

	// Without a public endpoint the private one is the only address; GKE's endpoint field
	// may still hold the public address it keeps unused.
	endpoint := cluster.Endpoint
	if args.PrivateEndpoint {
		endpoint = cluster.PrivateClusterConfig.PrivateEndpoint().Elem()
	}
	g.ClusterName = cluster.Name
	g.Endpoint = endpoint
	g.CaCertificate = cluster.MasterAuth.ClusterCaCertificate().Elem()
	g.WorkloadPool = cluster.WorkloadIdentityConfig.WorkloadPool().Elem()
	g.OidcIssuer = pulumi.Sprintf("https://container.googleapis.com/v1/projects/%s/locations/%s/clusters/%s", project.ID, args.Location, cluster.Name)
	g.NodeServiceAccount = nodes.Email
	g.ClusterId = clusterID
	g.Kubeconfig = pulumi.ToSecret(pulumi.All(cluster.Name, g.Endpoint, g.CaCertificate).ApplyT(
		func(v []any) (string, error) {
			return kubeconfig(project.ID, args.Location, v[0].(string), v[1].(string), v[2].(string))
		},
	)).(pulumi.StringOutput)
	return g, ctx.RegisterResourceOutputs(g, pulumi.Map{
		"clusterName": g.ClusterName, "endpoint": g.Endpoint, "caCertificate": g.CaCertificate,
		"workloadPool": g.WorkloadPool, "oidcIssuer": g.OidcIssuer, "nodeServiceAccount": g.NodeServiceAccount,
		"clusterId": g.ClusterId, "kubeconfig": g.Kubeconfig,
	})
}

// ptr is a required string input where the SDK takes an optional one.
func ptr(s pulumi.StringInput) pulumi.StringPtrOutput { return s.ToStringOutput().ToStringPtrOutput() }
