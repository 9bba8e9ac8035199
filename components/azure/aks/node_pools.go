package aks

import (
	"fmt"

	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// Fixed settings of every node, each with its reason.
const (
	// azureLinux is Microsoft's minimal container host: fewer packages to patch than Ubuntu,
	// and images AKS builds and patches weekly.
	azureLinux = string(cs.OSSKUAzureLinux)
	// managedOSDisk keeps the OS disk a managed disk under the disk encryption set: an ephemeral
	// OS disk cannot follow the key to a new version without the pool scaled to zero.
	managedOSDisk = string(cs.OSDiskTypeManaged)
	// noSSH leaves the nodes without an SSH server key or user (Azure Policy 28257686): node
	// debugging goes through `kubectl debug`, which Kubernetes RBAC and the audit log see.
	noSSH = string(cs.AgentPoolSSHAccessDisabled)
	// maxSurge adds a third of a pool's nodes during an upgrade, so it finishes inside the
	// maintenance window without running the pool short.
	maxSurge = "33%"
	// poolLabel is the node label that names the pool, as on every cloud.
	poolLabel = "healthhub.io/pool"
	// criticalAddonsOnly keeps workloads off the system pool, which AKS's add-ons need whole.
	criticalAddonsOnly = "CriticalAddonsOnly=true:NoSchedule"
	// gpuTaint keeps every pod that does not tolerate it off the GPU nodes.
	gpuTaint = "nvidia.com/gpu=present:NoSchedule"
)

// The pools' names in the cluster (AKS: lowercase letters and digits, at most 12).
const (
	poolSystem = "system"
	poolApp    = "app"
	poolGPU    = "gpu"
)

// validate checks the pools; production keeps two nodes in the system and app pools, so losing
// one node or zone leaves them running.
func (p NodePools) validate(c string, protect bool) error {
	for _, pool := range []struct {
		name     string
		p        NodePool
		optional bool
		floor    int
	}{{"System", p.System, false, 1}, {"App", p.App, false, 0}, {"GPU", p.GPU, true, 0}} {
		arg := "Pools." + pool.name
		floor := pool.floor
		if protect && pool.name != "GPU" {
			floor = 2
		}
		switch {
		case pool.optional && pool.p == (NodePool{}):
			continue
		case !azureformat.VMSize.MatchString(pool.p.VMSize):
			return kit.ArgError(c, arg+".VMSize", fmt.Sprintf("%q", pool.p.VMSize), "must be a virtual machine size such as \"Standard_D4ds_v5\"")
		case pool.name == "GPU" && !gpuSize.MatchString(pool.p.VMSize):
			return kit.ArgError(c, arg+".VMSize", fmt.Sprintf("%q", pool.p.VMSize), "must be an N-series size with a GPU, such as \"Standard_NC4as_T4_v3\"")
		case pool.p.Min < floor || pool.p.Max < 1 || pool.p.Min > pool.p.Max || pool.p.Max > maxPoolNodes:
			return kit.ArgError(c, arg, fmt.Sprintf("min %d, max %d", pool.p.Min, pool.p.Max), "must have %d <= min <= max and 1 <= max <= %d", floor, maxPoolNodes)
		}
	}
	return nil
}

// systemPool is the pool AKS's add-ons run on, inline in the cluster because AKS creates one
// with it. Its count is the autoscaler's after creation; any other change to it means a new
// pool, which AKS makes through the agent pool API, not the cluster's.
func systemPool(args *AksClusterArgs, tags pulumi.StringMap) cs.ManagedClusterAgentPoolProfileArgs {
	p := args.Pools.System
	return cs.ManagedClusterAgentPoolProfileArgs{
		Name:                   pulumi.String(poolSystem),
		Mode:                   pulumi.String(string(cs.AgentPoolModeSystem)),
		VmSize:                 pulumi.String(p.VMSize),
		Count:                  pulumi.Int(p.Min),
		EnableAutoScaling:      pulumi.Bool(true),
		MinCount:               pulumi.Int(p.Min),
		MaxCount:               pulumi.Int(p.Max),
		AvailabilityZones:      pulumi.ToStringArray(args.Zones),
		VnetSubnetID:           args.NodeSubnetId,
		OsType:                 pulumi.String(string(cs.OSTypeLinux)),
		OsSKU:                  pulumi.String(azureLinux),
		OsDiskType:             pulumi.String(managedOSDisk),
		EnableEncryptionAtHost: pulumi.Bool(true),
		EnableNodePublicIP:     pulumi.Bool(false),
		SecurityProfile:        cs.AgentPoolSecurityProfileArgs{SshAccess: pulumi.String(noSSH)},
		UpgradeSettings:        cs.AgentPoolUpgradeSettingsArgs{MaxSurge: pulumi.String(maxSurge)},
		NodeLabels:             pulumi.StringMap{poolLabel: pulumi.String(poolSystem)},
		NodeTaints:             pulumi.StringArray{pulumi.String(criticalAddonsOnly)},
		Tags:                   tags,
	}
}

// userPools are the app pool and, when configured, the GPU pool, each an agent pool of its own
// so it can change without touching the cluster.
func userPools(ctx *pulumi.Context, c *AksCluster, args *AksClusterArgs, cluster *cs.ManagedCluster, tags pulumi.StringMap) error {
	type userPool struct {
		name  string
		p     NodePool
		taint string
	}
	pools := []userPool{{poolApp, args.Pools.App, ""}}
	if args.Pools.GPU.VMSize != "" {
		pools = append(pools, userPool{poolGPU, args.Pools.GPU, gpuTaint})
	}
	for _, pool := range pools {
		a := &cs.AgentPoolArgs{
			AgentPoolName:     pulumi.String(pool.name),
			ResourceName:      cluster.Name,
			ResourceGroupName: args.ResourceGroupName,
			Mode:              pulumi.String(string(cs.AgentPoolModeUser)),
			VmSize:            pulumi.String(pool.p.VMSize),
			// The pool starts at its minimum; the autoscaler owns the count from then on.
			Count:                  pulumi.Int(pool.p.Min),
			EnableAutoScaling:      pulumi.Bool(true),
			MinCount:               pulumi.Int(pool.p.Min),
			MaxCount:               pulumi.Int(pool.p.Max),
			AvailabilityZones:      pulumi.ToStringArray(args.Zones),
			VnetSubnetID:           args.NodeSubnetId,
			OsType:                 pulumi.String(string(cs.OSTypeLinux)),
			OsSKU:                  pulumi.String(azureLinux),
			OsDiskType:             pulumi.String(managedOSDisk),
			EnableEncryptionAtHost: pulumi.Bool(true),
			EnableNodePublicIP:     pulumi.Bool(false),
			SecurityProfile:        cs.AgentPoolSecurityProfileArgs{SshAccess: pulumi.String(noSSH)},
			UpgradeSettings:        cs.AgentPoolUpgradeSettingsArgs{MaxSurge: pulumi.String(maxSurge)},
			NodeLabels:             pulumi.StringMap{poolLabel: pulumi.String(pool.name)},
			Tags:                   tags,
		}
		if pool.taint != "" {
			a.NodeTaints = pulumi.StringArray{pulumi.String(pool.taint)}
		}
		if _, err := cs.NewAgentPool(ctx, args.Prefix+"-aks-"+pool.name, a,
			pulumi.Parent(c), pulumi.IgnoreChanges([]string{"count"})); err != nil {
			return err
		}
	}
	return nil
}

// maintenanceWindows are when AKS may upgrade: Kubernetes patches on Saturdays, node images
// on Sundays, 02:00 to 08:00 UTC.
func maintenanceWindows(ctx *pulumi.Context, c *AksCluster, args *AksClusterArgs, cluster *cs.ManagedCluster) error {
	for _, w := range []struct{ config, suffix, day string }{
		{"aksManagedAutoUpgradeSchedule", "upgrade-window", string(cs.WeekDaySaturday)},
		{"aksManagedNodeOSUpgradeSchedule", "node-os-window", string(cs.WeekDaySunday)},
	} {
		_, err := cs.NewMaintenanceConfiguration(ctx, args.Prefix+"-aks-"+w.suffix, &cs.MaintenanceConfigurationArgs{
			ConfigName:        pulumi.String(w.config),
			ResourceName:      cluster.Name,
			ResourceGroupName: args.ResourceGroupName,
			MaintenanceWindow: cs.MaintenanceWindowArgs{
				Schedule:      cs.ScheduleArgs{Weekly: cs.WeeklyScheduleArgs{DayOfWeek: pulumi.String(w.day), IntervalWeeks: pulumi.Int(1)}},
				StartTime:     pulumi.String(maintenanceStart),
				DurationHours: pulumi.Int(maintenanceHours),
				UtcOffset:     pulumi.String("+00:00"),
			},
		}, pulumi.Parent(c))
		if err != nil {
			return err
		}
	}
	return nil
}
