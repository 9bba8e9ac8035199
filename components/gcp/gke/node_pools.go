package gke

import (
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
)

// nodeRoles are all the node service account holds (CIS GKE 5.2.1): GKE's role for nodes
// (writing logs and metrics, reading what the agents need) and pulling images from Artifact
// Registry. The default compute service account, by default an editor of the project, runs
// nothing.
var nodeRoles = []string{"roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"}

// Fixed settings of every node, each with its reason.
const (
	// cloudPlatformScope leaves access control to IAM, which holds the node account to
	// nodeRoles; narrower scopes only add a second, coarser list to keep in step.
	cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
	// cos is Container-Optimized OS with containerd: a read-only, verified root filesystem
	// and a minimal image Google patches (CIS GKE 5.5.1).
	cos = "COS_CONTAINERD"
	// balancedDisk is SSD-backed at a lower price than pd-ssd; boot disks need no more.
	balancedDisk = "pd-balanced"
	// gkeMetadata is the GKE metadata server: pods see their Workload Identity, never the
	// node's credentials or its kube-env (CIS GKE 5.4.1).
	gkeMetadata = "GKE_METADATA"
	// poolLabel is the node label that names the pool, as on every cloud.
	poolLabel = "healthhub.io/pool"
	// gpuTaint keeps every pod that does not tolerate it off the GPU nodes.
	gpuTaintKey, gpuTaintValue, gpuTaintEffect = "nvidia.com/gpu", "present", "NO_SCHEDULE"
	// latestDriver is the newest driver GKE installs for the node's COS version.
	latestDriver = "LATEST"
)

// legacyMetadataOff turns off the v0.1 and v1beta1 metadata endpoints: they answer without
// the Metadata-Flavor header, so a server-side request forgery could reach them.
var legacyMetadataOff = map[string]string{"disable-legacy-endpoints": "true"}

// nodeServiceAccount is the dedicated account every node runs as, with nodeRoles only.
func nodeServiceAccount(ctx *pulumi.Context, g *GkeCluster, args *GkeClusterArgs, project gcpkit.Project) (*serviceaccount.Account, []pulumi.Resource, error) {
	id := args.Name + "-nodes"
	account, err := serviceaccount.NewAccount(ctx, id, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(id),
		DisplayName: pulumi.String("GKE nodes of " + args.Name),
		Description: pulumi.String("Runs the nodes of the " + args.Name + " cluster; workloads use Workload Identity, never this account."),
	}, pulumi.Parent(g))
	if err != nil {
		return nil, nil, err
	}
	var grants []pulumi.Resource
	for _, role := range nodeRoles {
		grant, err := projects.NewIAMMember(ctx, id+"-"+strings.TrimPrefix(role, "roles/"), &projects.IAMMemberArgs{
			Project: pulumi.String(project.ID),
			Role:    pulumi.String(role),
			Member:  account.Member,
		}, pulumi.Parent(g))
		if err != nil {
			return nil, nil, err
		}
		grants = append(grants, grant)
	}
	return account, grants, nil
}

// nodePool is one autoscaled pool spread over the region's zones.
func nodePool(ctx *pulumi.Context, g *GkeCluster, args *GkeClusterArgs, clusterID pulumi.StringOutput, account pulumi.StringOutput, labels pulumi.StringMap, p NodePool) error {
	config := container.NodePoolNodeConfigArgs{
		MachineType:    pulumi.String(p.MachineType),
		ServiceAccount: account,
		OauthScopes:    pulumi.StringArray{pulumi.String(cloudPlatformScope)},
		ImageType:      pulumi.String(cos),
		DiskType:       pulumi.String(balancedDisk),
		DiskSizeGb:     pulumi.Int(p.DiskSizeGb),
		BootDiskKmsKey: ptr(args.BootDiskKmsKeyName),
		// Secure boot runs only signed kernels and modules, integrity monitoring reports a
		// boot that differs from the baseline (CIS GKE 5.5.6, 5.5.7).
		ShieldedInstanceConfig: container.NodePoolNodeConfigShieldedInstanceConfigArgs{
			EnableSecureBoot: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		WorkloadMetadataConfig: container.NodePoolNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String(gkeMetadata)},
		Metadata:               pulumi.ToStringMap(legacyMetadataOff),
		Labels:                 pulumi.StringMap{poolLabel: pulumi.String(p.Name)},
		ResourceLabels:         labels,
	}
	if p.GPU {
		config.GuestAccelerators = container.NodePoolNodeConfigGuestAcceleratorArray{container.NodePoolNodeConfigGuestAcceleratorArgs{
			Type: pulumi.String(p.Accelerator), Count: pulumi.Int(1),
			GpuDriverInstallationConfig: container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs{
				GpuDriverVersion: pulumi.String(latestDriver),
			},
		}}
		config.Taints = container.NodePoolNodeConfigTaintArray{container.NodePoolNodeConfigTaintArgs{
			Key: pulumi.String(gpuTaintKey), Value: pulumi.String(gpuTaintValue), Effect: pulumi.String(gpuTaintEffect),
		}}
	}
	_, err := container.NewNodePool(ctx, args.Name+"-"+p.Name, &container.NodePoolArgs{
		Cluster:  clusterID,
		Location: pulumi.String(args.Location),
		Name:     pulumi.String(p.Name),
		// The pool starts at its minimum; the autoscaler owns the count from then on.
		InitialNodeCount: pulumi.Int(p.Min),
		// Per-zone bounds, so a pool is as large in each zone and survives losing one;
		// BALANCED keeps the zones even as it scales.
		Autoscaling: container.NodePoolAutoscalingArgs{
			MinNodeCount: pulumi.Int(p.Min), MaxNodeCount: pulumi.Int(p.Max), LocationPolicy: pulumi.String("BALANCED"),
		},
		// Google repairs failed nodes and keeps them on the channel's patched version
		// (CIS GKE 5.5.2, 5.5.3).
		Management: container.NodePoolManagementArgs{AutoRepair: pulumi.Bool(true), AutoUpgrade: pulumi.Bool(true)},
		// Upgrades add a node before draining one, so the pool never runs short.
		UpgradeSettings: container.NodePoolUpgradeSettingsArgs{
			Strategy: pulumi.String("SURGE"), MaxSurge: pulumi.Int(1), MaxUnavailable: pulumi.Int(0),
		},
		NodeConfig: config,
	}, pulumi.Parent(g), pulumi.IgnoreChanges([]string{"initialNodeCount"}))
	return err
}

// defaultPoolConfig hardens the default pool GKE creates with the cluster and the component
// removes at once: for those minutes its nodes are as locked down as the real pools'.
func defaultPoolConfig(args *GkeClusterArgs, account pulumi.StringOutput, labels pulumi.StringMap) container.ClusterNodeConfigArgs {
	return container.ClusterNodeConfigArgs{
		ServiceAccount: account,
		OauthScopes:    pulumi.StringArray{pulumi.String(cloudPlatformScope)},
		ImageType:      pulumi.String(cos),
		DiskType:       pulumi.String(balancedDisk),
		BootDiskKmsKey: ptr(args.BootDiskKmsKeyName),
		ShieldedInstanceConfig: container.ClusterNodeConfigShieldedInstanceConfigArgs{
			EnableSecureBoot: pulumi.Bool(true), EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		WorkloadMetadataConfig: container.ClusterNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String(gkeMetadata)},
		Metadata:               pulumi.ToStringMap(legacyMetadataOff),
		ResourceLabels:         labels,
	}
}
