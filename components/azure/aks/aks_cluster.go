package aks

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"

	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// The upgrade channels a HIPAA cluster may follow: AKS applies Kubernetes patches (patch) or
// also moves to each new minor version once it is proven (stable). rapid takes versions before
// they are proven; node-image and none leave the control plane's patching to someone's memory.
const (
	ChannelPatch  = string(cs.UpgradeChannelPatch)
	ChannelStable = string(cs.UpgradeChannelStable)
)

// NodePool is one autoscaled pool spread over the cluster's zones.
type NodePool struct {
	// VMSize is a virtual machine size such as "Standard_D4ds_v5". It must support encryption
	// at host, which ARM checks only when the pool is created.
	VMSize string
	// Min and Max bound the autoscaler for the whole pool, which AKS spreads over Zones:
	// 0 <= Min <= Max, 1 <= Max <= 1000.
	Min, Max int
}

// NodePools are the cluster's pools.
type NodePools struct {
	// System runs AKS's critical add-ons only (CoreDNS, metrics-server, the CSI, network and
	// policy agents): it is tainted CriticalAddonsOnly, so no workload competes with them.
	System NodePool
	// App runs the workloads.
	App NodePool
	// GPU is an N-series pool (Standard_NC4as_T4_v3, ...), tainted nvidia.com/gpu=present:NoSchedule
	// so only pods that ask for a GPU land there. Optional: an empty VMSize makes no pool.
	GPU NodePool
}

// AksClusterArgs configures the Kubernetes cluster the clinical workloads run on.
type AksClusterArgs struct {
	// Prefix names the cluster (<Prefix>-aks) and what surrounds it (azureformat.Prefix).
	Prefix string
	// ResourceGroupName and Location place the cluster; its nodes live in the node resource
	// group AKS manages (MC_<group>_<cluster>_<location>).
	ResourceGroupName pulumi.StringInput
	Location          string
	// KubernetesVersion is the minor version the control plane runs, "1.30" to "1.34" (default
	// "1.31"); the platform pins admission standards to it.
	KubernetesVersion string
	// UpgradeChannel is ChannelPatch (default) or ChannelStable.
	UpgradeChannel string
	// NodeSubnetId is the nodes' subnet, behind the network's NAT gateway; ApiServerSubnetId is
	// the /28 delegated to Microsoft.ContainerService/managedClusters where the API server's
	// internal load balancer lives (API server VNet integration).
	NodeSubnetId, ApiServerSubnetId pulumi.StringInput
	// PrivateDnsZoneId is the network's privatelink.<location>.azmk8s.io zone, where AKS writes
	// the API server's record. Required when Private: a VNet links one zone of a name, so AKS's
	// own ("system") zone could not be linked next to the network's.
	PrivateDnsZoneId pulumi.StringInput
	// VnetId is the nodes' VNet. Required when Private: AKS links the zone to the VNet itself
	// (or checks the link), which takes Network Contributor on the VNet, not only its subnets
	// (Azure/AKS#2711).
	VnetId pulumi.StringInput
	// KeyId is the cluster key's versioned URI: KMS encrypts Kubernetes secrets in etcd with
	// it. AKS uses exactly that version, so after the key rotates the stack passes the new one
	// (a refresh before the update) well before the old version expires.
	KeyId pulumi.StringInput
	// KeyResourceId is the cluster key's ARM id: the scope of the control plane's and the disk
	// encryption set's grants. DiskKeyUrl must be a version of the same key.
	KeyResourceId pulumi.StringInput
	// KeyVaultId is the vault's ARM id: KMS reaches the private vault through a private link.
	KeyVaultId pulumi.StringInput
	// DiskKeyUrl is the versioned key URL of the disk encryption set, which encrypts every node
	// OS disk and every volume; the set follows the key's new versions by itself.
	DiskKeyUrl pulumi.StringInput
	// WorkspaceId is the Log Analytics workspace of Container Insights and Defender.
	WorkspaceId pulumi.StringInput
	// ApplicationGatewayId turns on the Application Gateway Ingress Controller add-on for that
	// gateway. Optional. The add-on's identity (AgicIdentityObjectId) needs the stack's grants
	// on the gateway, its subnet and its identity before it can program the gateway.
	ApplicationGatewayId pulumi.StringInput
	// AdminGroupObjectIds are Entra groups whose members are cluster-admin (the break-glass
	// group); everyone else gets Kubernetes rights through Azure RBAC role assignments.
	AdminGroupObjectIds []string
	// TenantID is the Entra tenant that authenticates the cluster's users.
	TenantID string
	// DeployerPrincipalType is what the deploying identity is, for its cluster-admin grant:
	// "ServicePrincipal" (default: the pipeline signs in through workload identity federation)
	// or "User" (an operator deploying a dev stack from a laptop). ARM takes a grant's principal
	// type on trust, and the SDK would otherwise send "User".
	DeployerPrincipalType string
	// Private leaves the API server with no public endpoint at all (required when Protect).
	Private bool
	// AuthorizedIPRanges may reach a public API server: required when Private is false, never
	// 0.0.0.0/0; empty when Private (AKS refuses them on a private cluster).
	AuthorizedIPRanges []string
	// Pools are the system, app and GPU pools.
	Pools NodePools
	// Zones are the availability zones every pool spans (default 1, 2, 3; at least two when
	// Protect).
	Zones []string
	// PodCidr and ServiceCidr are the overlay's pod range and the services' range (defaults
	// 192.168.0.0/16 and 172.16.0.0/16): private, disjoint, and disjoint from the VNet. DNS
	// answers on the tenth address of ServiceCidr.
	PodCidr, ServiceCidr string
	// Protect keeps the cluster and its disk encryption set through destroys (production):
	// etcd holds the workloads' secrets, and the set is what the disks' data is readable by.
	Protect bool
	Tags    map[string]string
}

// AksCluster is a private AKS cluster: API server VNet integration, no local accounts, Entra ID
// with Azure RBAC, no run command, secrets encrypted by KMS with a key reached privately, node
// disks and volumes under a customer-managed key with encryption at host, Azure Linux nodes
// without public IPs or SSH, Azure CNI overlay with Cilium network policy, Defender, Azure
// Policy, workload identity, image cleaner, Container Insights, and automatic patching inside
// weekly maintenance windows.
type AksCluster struct {
	pulumi.ResourceState

	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// ClusterId is the cluster's ARM id (a role assignment scope, a diagnostic target).
	ClusterId pulumi.StringOutput `pulumi:"clusterId"`
	// Fqdn is the API server's host name: the private one when the cluster is private.
	Fqdn pulumi.StringOutput `pulumi:"fqdn"`
	// OidcIssuer is the issuer of the cluster's service account tokens, which workload
	// identities federate with.
	OidcIssuer pulumi.StringOutput `pulumi:"oidcIssuer"`
	// Kubeconfig authenticates through kubelogin with the caller's Azure CLI login and holds no
	// credential; it is a secret all the same, because it names the endpoint and CA of a PHI
	// cluster.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// CaCertificate is the cluster CA, base64-encoded PEM as the kubeconfig carries it.
	CaCertificate pulumi.StringOutput `pulumi:"caCertificate"`
	// NodeResourceGroup is the group AKS keeps the nodes, their disks and load balancers in.
	NodeResourceGroup pulumi.StringOutput `pulumi:"nodeResourceGroup"`
	// KubeletIdentityObjectId is the nodes' identity (pulling images, nothing else).
	KubeletIdentityObjectId pulumi.StringOutput `pulumi:"kubeletIdentityObjectId"`
	// DiskEncryptionSetId is the set a StorageClass names so volumes use the customer key.
	DiskEncryptionSetId pulumi.StringOutput `pulumi:"diskEncryptionSetId"`
	// AgicIdentityObjectId is the identity AKS creates for the ingress add-on; empty without
	// ApplicationGatewayId.
	AgicIdentityObjectId pulumi.StringOutput `pulumi:"agicIdentityObjectId"`
}

// Defaults and limits of the Args.
const (
	defaultKubernetesVersion = "1.31"
	defaultPodCidr           = "192.168.0.0/16"
	defaultServiceCidr       = "172.16.0.0/16"
	// maxPoolNodes is AKS's limit on one pool.
	maxPoolNodes = 1000
)

// defaultZones are the three zones of an Azure region: a pool survives losing one.
var defaultZones = []string{"1", "2", "3"}

var (
	// gpuSize is an N-series size, the only ones with a GPU.
	gpuSize = regexp.MustCompile(`^Standard_N[A-Za-z0-9_]+$`)
	// zone is an availability zone as ARM numbers them.
	zone = regexp.MustCompile(`^[1-3]$`)
)

// Validate fills the defaults and checks the Args before anything is registered.
func (a *AksClusterArgs) Validate() error {
	const c = "AksCluster"
	if a.KubernetesVersion == "" {
		a.KubernetesVersion = defaultKubernetesVersion
	}
	if a.UpgradeChannel == "" {
		a.UpgradeChannel = ChannelPatch
	}
	if a.Zones == nil {
		a.Zones = defaultZones
	}
	a.Zones = slices.Clone(a.Zones) // the cluster's, not the caller's
	if a.DeployerPrincipalType == "" {
		a.DeployerPrincipalType = servicePrincipal
	}
	if a.PodCidr == "" {
		a.PodCidr = defaultPodCidr
	}
	if a.ServiceCidr == "" {
		a.ServiceCidr = defaultServiceCidr
	}
	switch {
	case !azureformat.Prefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter")
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	switch {
	case !azureformat.KubernetesVersion.MatchString(a.KubernetesVersion):
		return kit.ArgError(c, "KubernetesVersion", fmt.Sprintf("%q", a.KubernetesVersion), "must be a Kubernetes minor version from 1.30 to 1.34, such as \"1.31\"")
	case a.UpgradeChannel != ChannelPatch && a.UpgradeChannel != ChannelStable:
		return kit.ArgError(c, "UpgradeChannel", fmt.Sprintf("%q", a.UpgradeChannel), "must be %q or %q: rapid takes versions before they are proven, and no channel leaves patching to someone's memory", ChannelPatch, ChannelStable)
	case a.NodeSubnetId == nil:
		return kit.ArgError(c, "NodeSubnetId", nil, "required: the nodes' subnet")
	case a.ApiServerSubnetId == nil:
		return kit.ArgError(c, "ApiServerSubnetId", nil, "required: the subnet delegated to AKS for API server VNet integration")
	case a.KeyId == nil:
		return kit.ArgError(c, "KeyId", nil, "required: Kubernetes secrets are always encrypted with a customer-managed key")
	case a.KeyResourceId == nil:
		return kit.ArgError(c, "KeyResourceId", nil, "required: the cluster key's ARM id, the scope of its grants")
	case a.KeyVaultId == nil:
		return kit.ArgError(c, "KeyVaultId", nil, "required: KMS reaches the private vault by its ARM id")
	case a.DiskKeyUrl == nil:
		return kit.ArgError(c, "DiskKeyUrl", nil, "required: node disks and volumes are always encrypted with a customer-managed key")
	case a.WorkspaceId == nil:
		return kit.ArgError(c, "WorkspaceId", nil, "required: Container Insights and Defender report to the workspace")
	case !azurekit.GUID.MatchString(a.TenantID):
		return kit.ArgError(c, "TenantID", fmt.Sprintf("%q", a.TenantID), "must be the Entra tenant id (a GUID)")
	case a.DeployerPrincipalType != servicePrincipal && a.DeployerPrincipalType != "User":
		return kit.ArgError(c, "DeployerPrincipalType", fmt.Sprintf("%q", a.DeployerPrincipalType), "must be %q or \"User\"", servicePrincipal)
	case a.Protect && !a.Private:
		return kit.ArgError(c, "Private", a.Private, "must be true when Protect: a production API server has no public endpoint")
	case a.Private && a.PrivateDnsZoneId == nil:
		return kit.ArgError(c, "PrivateDnsZoneId", nil, "required when Private: the network's privatelink.<location>.azmk8s.io zone")
	case a.Private && a.VnetId == nil:
		return kit.ArgError(c, "VnetId", nil, "required when Private: AKS links the private DNS zone to the VNet")
	case a.Private && len(a.AuthorizedIPRanges) > 0:
		return kit.ArgError(c, "AuthorizedIPRanges", a.AuthorizedIPRanges, "must be empty when Private: a private API server has no public endpoint to restrict")
	case !a.Private && len(a.AuthorizedIPRanges) == 0:
		return kit.ArgError(c, "AuthorizedIPRanges", a.AuthorizedIPRanges, "required when Private is false: the networks (a VPN's egress) that may reach the public API server")
	case len(a.Zones) == 0:
		return kit.ArgError(c, "Zones", a.Zones, "required: the zones the pools span (leave it unset for 1, 2 and 3)")
	case a.Protect && len(a.Zones) < 2:
		return kit.ArgError(c, "Zones", a.Zones, "must list at least two zones when Protect: a pool in one zone dies with it")
	}
	for _, id := range a.AdminGroupObjectIds {
		if !azurekit.GUID.MatchString(id) {
			return kit.ArgError(c, "AdminGroupObjectIds", fmt.Sprintf("%q", id), "must be Entra group object ids (GUIDs)")
		}
	}
	for _, cidr := range a.AuthorizedIPRanges {
		ip, n, err := net.ParseCIDR(cidr)
		switch {
		case err != nil || ip.To4() == nil || n.String() != cidr:
			return kit.ArgError(c, "AuthorizedIPRanges", cidr, "must be IPv4 network addresses in CIDR form, such as 203.0.113.0/24")
		case n.String() == "0.0.0.0/0":
			return kit.ArgError(c, "AuthorizedIPRanges", cidr, "must not open the API server to the whole internet: list the networks that need it")
		}
	}
	seen := map[string]bool{}
	for _, z := range a.Zones {
		if !zone.MatchString(z) || seen[z] {
			return kit.ArgError(c, "Zones", a.Zones, "must be distinct zones among \"1\", \"2\" and \"3\"")
		}
		seen[z] = true
	}
	for _, r := range []struct{ arg, cidr string }{{"PodCidr", a.PodCidr}, {"ServiceCidr", a.ServiceCidr}} {
		if _, n, err := net.ParseCIDR(r.cidr); err != nil || n.String() != r.cidr || !kit.IsPrivateCIDR(r.cidr) {
			return kit.ArgError(c, r.arg, fmt.Sprintf("%q", r.cidr), "must be a private (RFC 1918) IPv4 network address such as 192.168.0.0/16")
		}
	}
	if ones, _ := mustCIDR(a.ServiceCidr).Mask.Size(); ones < 12 || ones > 24 {
		return kit.ArgError(c, "ServiceCidr", fmt.Sprintf("%q", a.ServiceCidr), "must be a /12 to /24: AKS refuses a larger range, and a smaller one runs out of service addresses")
	}
	if kit.CIDRsOverlap(a.PodCidr, a.ServiceCidr) {
		return kit.ArgError(c, "ServiceCidr", fmt.Sprintf("%q", a.ServiceCidr), "must not overlap PodCidr %q", a.PodCidr)
	}
	if err := a.Pools.validate(c, a.Protect); err != nil {
		return err
	}
	return azurekit.RequireTags(c, a.Tags)
}

// mustCIDR is a network Validate has already parsed.
func mustCIDR(cidr string) *net.IPNet {
	_, n, _ := net.ParseCIDR(cidr)
	return n
}

// dnsServiceIP is the tenth address of the services' range, where AKS's CoreDNS answers (the
// first addresses are the API server's service and others Kubernetes reserves).
func dnsServiceIP(serviceCidr string) string {
	ip := mustCIDR(serviceCidr).IP.To4()
	return net.IPv4(ip[0], ip[1], ip[2], ip[3]+10).String()
}

// Fixed settings of the cluster, each with its reason.
const (
	// imageCleanerHours removes images no pod uses every two days, so a vulnerable image does
	// not linger on a node to be run again (AKS's default is a week).
	imageCleanerHours = 48
)

// Maintenance happens at weekends, 02:00 to 08:00 UTC, outside clinic hours: Kubernetes
// patches on Saturdays, node images on Sundays, so a bad release of one is found before the
// other changes anything.
const (
	maintenanceStart = "02:00"
	maintenanceHours = 6
)

// NewAksCluster creates the cluster's identities and their grants, the disk encryption set, the
// cluster with its system pool, the app and GPU pools, the maintenance windows, Container
// Insights' data collection rule, and the deployer's cluster-admin grant.
func NewAksCluster(ctx *pulumi.Context, name string, args *AksClusterArgs, opts ...pulumi.ResourceOption) (*AksCluster, error) {
	c := &AksCluster{}
	if err := kit.Register(ctx, TypeAksCluster, name, args, c, opts...); err != nil {
		return nil, err
	}
	client, err := azurekit.LookupClient(ctx, c)
	if err != nil {
		return nil, err
	}
	clusterName := args.Prefix + "-aks"
	tags := azurekit.Tags(args.Tags)

	ids, err := newIdentities(ctx, c, args, clusterName, tags)
	if err != nil {
		return nil, err
	}
	des, desGrant, err := diskEncryptionSet(ctx, c, args, clusterName, ids.disks, client.SubscriptionID, tags)
	if err != nil {
		return nil, err
	}
	grants, err := controlPlaneGrants(ctx, c, args, clusterName, ids, des.ID().ToStringOutput(), client.SubscriptionID)
	if err != nil {
		return nil, err
	}

	cluster, err := cs.NewManagedCluster(ctx, clusterName, clusterArgs(args, clusterName, ids, des.ID().ToStringOutput(), tags),
		append(kit.Stateful(c, args.Protect),
			// The control plane creates nothing until its identity may use the kubelet identity,
			// the subnets, the DNS zone and the key, and the disks' set may use its key.
			pulumi.DependsOn(append(grants, desGrant)),
			pulumi.IgnoreChanges(clusterIgnoreChanges(args)),
		)...)
	if err != nil {
		return nil, err
	}
	clusterID := cluster.ID().ToStringOutput()

	if err := userPools(ctx, c, args, cluster, tags); err != nil {
		return nil, err
	}
	if err := maintenanceWindows(ctx, c, args, cluster); err != nil {
		return nil, err
	}
	if err := containerInsights(ctx, c, args, clusterName, clusterID, tags); err != nil {
		return nil, err
	}
	// The deployer applies the workloads through the Kubernetes provider: with local accounts
	// disabled, cluster-admin through Azure RBAC is its only way in.
	admin, err := roleAssignment(ctx, c, clusterName+"-deployer-admin", pulumi.String(client.ObjectID), args.DeployerPrincipalType,
		azurekit.RoleAKSRBACClusterAdmin, client.SubscriptionID, clusterID,
		"The deployer applies the platform's Kubernetes resources; local accounts are disabled.")
	if err != nil {
		return nil, err
	}

	creds := cs.ListManagedClusterUserCredentialsOutput(ctx, cs.ListManagedClusterUserCredentialsOutputArgs{
		ResourceGroupName: args.ResourceGroupName,
		ResourceName:      cluster.Name,
		Format:            pulumi.String("exec"),
	}, pulumi.Parent(c))
	endpoint := creds.Kubeconfigs().ApplyT(func(k []cs.CredentialResultResponse) (map[string]string, error) {
		server, ca, err := parseUserCredentials(k)
		return map[string]string{"server": server, "ca": ca}, err
	}).(pulumi.StringMapOutput)
	server, ca := endpoint.MapIndex(pulumi.String("server")), endpoint.MapIndex(pulumi.String("ca"))

	c.ClusterName = cluster.Name
	c.ClusterId = clusterID
	c.Fqdn = cluster.Fqdn
	if args.Private {
		c.Fqdn = cluster.PrivateFQDN
	}
	c.OidcIssuer = cluster.OidcIssuerProfile.IssuerURL().Elem()
	c.CaCertificate = ca
	// The kubeconfig is known only once the deployer is cluster-admin, so a Kubernetes provider
	// built from it never tries the cluster before it may.
	c.Kubeconfig = pulumi.ToSecret(pulumi.All(cluster.Name, server, ca, admin.ID()).ApplyT(
		func(v []any) (string, error) { return kubeconfig(v[0].(string), v[1].(string), v[2].(string)) },
	)).(pulumi.StringOutput)
	c.NodeResourceGroup = cluster.NodeResourceGroup.Elem()
	c.KubeletIdentityObjectId = ids.kubelet.PrincipalId
	c.DiskEncryptionSetId = des.ID().ToStringOutput()
	c.AgicIdentityObjectId = cluster.AddonProfiles.ApplyT(func(addons map[string]cs.ManagedClusterAddonProfileResponse) string {
		// ARM matches add-on names in any case and may answer in another one.
		for k, a := range addons {
			if strings.EqualFold(k, addonIngressGateway) && a.Identity.ObjectId != nil {
				return *a.Identity.ObjectId
			}
		}
		return ""
	}).(pulumi.StringOutput)
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName": c.ClusterName, "clusterId": c.ClusterId, "fqdn": c.Fqdn, "oidcIssuer": c.OidcIssuer,
		"kubeconfig": c.Kubeconfig, "caCertificate": c.CaCertificate, "nodeResourceGroup": c.NodeResourceGroup,
		"kubeletIdentityObjectId": c.KubeletIdentityObjectId, "diskEncryptionSetId": c.DiskEncryptionSetId,
		"agicIdentityObjectId": c.AgicIdentityObjectId,
	})
}

// clusterIgnoreChanges are what AKS changes after creation and the program must not undo: the
// autoscaler's node count, and on the stable channel the minor version AKS moved to.
func clusterIgnoreChanges(args *AksClusterArgs) []string {
	ignore := []string{"agentPoolProfiles[0].count"}
	if args.UpgradeChannel == ChannelStable {
		ignore = append(ignore, "kubernetesVersion")
	}
	return ignore
}

// The add-on profiles' keys, as ARM and the Azure CLI spell them.
const (
	addonAzurePolicy     = "azurepolicy"
	addonMonitoring      = "omsagent"
	addonSecretsProvider = "azureKeyvaultSecretsProvider"
	addonIngressGateway  = "ingressApplicationGateway"
)

// clusterArgs is the managed cluster, its system pool inline (AKS requires one at creation).
func clusterArgs(args *AksClusterArgs, name string, ids identities, desID pulumi.StringOutput, tags pulumi.StringMap) *cs.ManagedClusterArgs {
	apiServer := cs.ManagedClusterAPIServerAccessProfileArgs{
		// The API server's load balancer sits in the delegated subnet of the VNet: nodes reach it
		// without a tunnel, and KMS can reach a private key vault (it cannot through Konnectivity).
		EnableVnetIntegration: pulumi.Bool(true),
		SubnetId:              args.ApiServerSubnetId,
		EnablePrivateCluster:  pulumi.Bool(args.Private),
		// `az aks command invoke` runs commands in the cluster as cluster-admin through ARM,
		// around Entra ID groups and Kubernetes RBAC (Azure Policy 89f2d532).
		DisableRunCommand: pulumi.Bool(true),
	}
	if args.Private {
		apiServer.PrivateDNSZone = args.PrivateDnsZoneId.ToStringOutput().ToStringPtrOutput()
		// No public DNS record that resolves to the private address: the name itself tells
		// the internet the cluster exists.
		apiServer.EnablePrivateClusterPublicFQDN = pulumi.Bool(false)
	} else {
		apiServer.AuthorizedIPRanges = pulumi.ToStringArray(args.AuthorizedIPRanges)
	}

	addons := cs.ManagedClusterAddonProfileMap{
		// Gatekeeper with Azure Policy's Kubernetes definitions (Azure Policy 0a15ec92).
		addonAzurePolicy: cs.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true), Config: pulumi.StringMap{"version": pulumi.String("v2")}},
		// Container Insights authenticates with its managed identity (the workspace refuses
		// shared keys) and takes what it collects from the data collection rule.
		addonMonitoring: cs.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true), Config: pulumi.StringMap{
			"logAnalyticsWorkspaceResourceID": args.WorkspaceId, "useAADAuth": pulumi.String("true"),
		}},
		// Pods mount Key Vault secrets through the CSI driver with their workload identity; a
		// rotated secret reaches the pod without a restart.
		addonSecretsProvider: cs.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true), Config: pulumi.StringMap{
			"enableSecretRotation": pulumi.String("true"), "rotationPollInterval": pulumi.String("2m"),
		}},
	}
	if args.ApplicationGatewayId != nil {
		addons[addonIngressGateway] = cs.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true), Config: pulumi.StringMap{
			"applicationGatewayId": args.ApplicationGatewayId,
		}}
	}

	return &cs.ManagedClusterArgs{
		ResourceName:      pulumi.String(name),
		ResourceGroupName: args.ResourceGroupName,
		Location:          pulumi.String(args.Location),
		DnsPrefix:         pulumi.String(name),
		KubernetesVersion: pulumi.String(args.KubernetesVersion),
		// AKS's own name for the node group, written out so the output is known at preview.
		NodeResourceGroup: pulumi.Sprintf("MC_%s_%s_%s", args.ResourceGroupName, name, args.Location),
		// The uptime SLA tier: a zone-redundant control plane with a financially backed SLA,
		// and the tier AKS recommends beyond ten nodes.
		Sku: cs.ManagedClusterSKUArgs{Name: pulumi.String(string(cs.ManagedClusterSKUNameBase)), Tier: pulumi.String(string(cs.ManagedClusterSKUTierStandard))},
		// A user-assigned control-plane identity exists before the cluster, so its grants on the
		// key, subnets and DNS zone can be in place when AKS first uses them (KMS refuses a
		// system-assigned one for that reason).
		Identity: cs.ManagedClusterIdentityArgs{
			Type:                   cs.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{ids.control.ID().ToStringOutput()},
		},
		// The nodes run as their own identity, separate from the control plane's and from every
		// workload's: a pod that reaches the node's metadata service gets pull rights, nothing more.
		IdentityProfile: cs.UserAssignedIdentityMap{"kubeletidentity": cs.UserAssignedIdentityArgs{
			ResourceId: ids.kubelet.ID().ToStringOutput(), ClientId: ids.kubelet.ClientId, ObjectId: ids.kubelet.PrincipalId,
		}},
		// No client certificate that can never be revoked: everyone, the pipeline included,
		// signs in with Entra ID (Azure Policy 993c2fcd), and Azure RBAC decides what they may do.
		DisableLocalAccounts: pulumi.Bool(true),
		EnableRBAC:           pulumi.Bool(true),
		AadProfile: cs.ManagedClusterAADProfileArgs{
			Managed:             pulumi.Bool(true),
			EnableAzureRBAC:     pulumi.Bool(true),
			AdminGroupObjectIDs: pulumi.ToStringArray(args.AdminGroupObjectIds),
			TenantID:            pulumi.String(args.TenantID),
		},
		ApiServerAccessProfile: apiServer,
		// Pods get Entra identities through their service accounts (Azure Policy 2cc2e023).
		OidcIssuerProfile: cs.ManagedClusterOIDCIssuerProfileArgs{Enabled: pulumi.Bool(true)},
		SecurityProfile: cs.ManagedClusterSecurityProfileArgs{
			WorkloadIdentity: cs.ManagedClusterSecurityProfileWorkloadIdentityArgs{Enabled: pulumi.Bool(true)},
			// Azure Policy af3c26b2.
			ImageCleaner: cs.ManagedClusterSecurityProfileImageCleanerArgs{Enabled: pulumi.Bool(true), IntervalHours: pulumi.Int(imageCleanerHours)},
			// Defender for Containers' sensor: runtime threat detection, reported to the workspace
			// (Azure Policy a1840de2). The subscription's Defender plan bills and alerts on it.
			Defender: cs.ManagedClusterSecurityProfileDefenderArgs{
				LogAnalyticsWorkspaceResourceId: args.WorkspaceId,
				SecurityMonitoring:              cs.ManagedClusterSecurityProfileDefenderSecurityMonitoringArgs{Enabled: pulumi.Bool(true)},
			},
			// Secrets in etcd are encrypted with the customer's key (Azure Policy dbbdc317), which
			// KMS reaches through a private link: the vault stays closed to public networks.
			AzureKeyVaultKms: cs.AzureKeyVaultKmsArgs{
				Enabled:               pulumi.Bool(true),
				KeyId:                 args.KeyId,
				KeyVaultNetworkAccess: pulumi.String(string(cs.KeyVaultNetworkAccessTypesPrivate)),
				KeyVaultResourceId:    args.KeyVaultId,
			},
		},
		// Node OS and data disks are encrypted with the customer's key (Azure Policy 7d7be79c).
		DiskEncryptionSetID: desID,
		NetworkProfile: cs.ContainerServiceNetworkProfileArgs{
			// Azure CNI overlay: pods get addresses from PodCidr, not the VNet, so the node subnet
			// stays small; Cilium enforces NetworkPolicy (the namespaces' default-deny) in eBPF.
			NetworkPlugin:     pulumi.String("azure"),
			NetworkPluginMode: pulumi.String(string(cs.NetworkPluginModeOverlay)),
			NetworkDataplane:  pulumi.String(string(cs.NetworkDataplaneCilium)),
			NetworkPolicy:     pulumi.String(string(cs.NetworkPolicyCilium)),
			// Egress leaves through the network's NAT gateway: no node or load balancer gets a
			// public address for it.
			OutboundType:    pulumi.String(string(cs.OutboundTypeUserAssignedNATGateway)),
			LoadBalancerSku: pulumi.String(string(cs.LoadBalancerSkuStandard)),
			PodCidr:         pulumi.String(args.PodCidr),
			ServiceCidr:     pulumi.String(args.ServiceCidr),
			DnsServiceIP:    pulumi.String(dnsServiceIP(args.ServiceCidr)),
		},
		// AKS applies Kubernetes patches and new node images itself, inside the maintenance
		// windows: a known CVE is not left waiting for someone to remember.
		AutoUpgradeProfile: cs.ManagedClusterAutoUpgradeProfileArgs{
			UpgradeChannel:       pulumi.String(args.UpgradeChannel),
			NodeOSUpgradeChannel: pulumi.String(string(cs.NodeOSUpgradeChannelNodeImage)),
		},
		AddonProfiles: addons,
		StorageProfile: cs.ManagedClusterStorageProfileArgs{
			// Volumes are Azure disks under the disk encryption set; snapshots back them up.
			DiskCSIDriver:      cs.ManagedClusterStorageProfileDiskCSIDriverArgs{Enabled: pulumi.Bool(true)},
			SnapshotController: cs.ManagedClusterStorageProfileSnapshotControllerArgs{Enabled: pulumi.Bool(true)},
			// Azure Files and blob volumes mount with storage account keys, which the estate's
			// accounts refuse: no driver that invites turning them back on.
			FileCSIDriver: cs.ManagedClusterStorageProfileFileCSIDriverArgs{Enabled: pulumi.Bool(false)},
			BlobCSIDriver: cs.ManagedClusterStorageProfileBlobCSIDriverArgs{Enabled: pulumi.Bool(false)},
		},
		AgentPoolProfiles: cs.ManagedClusterAgentPoolProfileArray{systemPool(args, tags)},
		Tags:              tags,
	}
}
