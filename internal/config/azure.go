package config

import (
	"fmt"
	"net"
	"slices"
	"strconv"

	"github.com/healthhub/estate/internal/azureformat"
	"github.com/healthhub/estate/internal/netrange"
)

// DefaultAzure is what healthhub:azure holds when a stack leaves a field out: production's
// shape, so a stack opts down, never up. The subscription and tenant have no usable default:
// every Azure stack names its own.
var DefaultAzure = Azure{
	VnetCidr:    "10.60.0.0/16",
	DrVnetCidr:  "10.61.0.0/16",
	PodCidr:     "10.244.0.0/16",
	ServiceCidr: "10.245.0.0/20",
	AKS: AKS{
		UpgradeChannel:    "patch",
		KubernetesVersion: "1.33",
		NodePools: AKSNodePools{
			System: AKSNodePool{VMSize: "Standard_D4ds_v5", Min: 3, Max: 5},
			App:    AKSNodePool{VMSize: "Standard_D8ds_v5", Min: 3, Max: 12},
			GPU:    AKSNodePool{VMSize: "Standard_NC4as_T4_v3", Min: 0, Max: 3},
		},
	},
	Database: AzurePostgres{SkuName: "Standard_D4ds_v5", StorageGb: 128, BackupRetentionDays: 35},
	Cache:    AzureCache{CertificateName: "healthhub-cache", SizeGi: 8},
	Gateway:  AzureGateway{CertificateName: "healthhub-frontend", MinCapacity: 2, MaxCapacity: 10},
}

// Azure holds the settings under healthhub:azure, read only when healthhub:cloud is azure.
type Azure struct {
	// SubscriptionID is the subscription that holds the estate; the providers are pinned to
	// it, so credentials for another subscription cannot deploy there. Required.
	SubscriptionID string `json:"subscriptionId"`
	// TenantID is the Entra ID tenant the cluster, the database and the vaults trust for sign
	// in. Required.
	TenantID string `json:"tenantId"`
	// VnetCidr is the primary region's virtual network address space.
	VnetCidr string `json:"vnetCidr"`
	// DrVnetCidr is the DR region's address space; it must not overlap VnetCidr so the two
	// networks can peer.
	DrVnetCidr string `json:"drVnetCidr"`
	// PodCidr and ServiceCidr are the cluster's overlay ranges for pods and services: never
	// routed on the virtual network, but they must not overlap it, or pods could not reach
	// the database and the private endpoints.
	PodCidr     string `json:"podCidr"`
	ServiceCidr string `json:"serviceCidr"`
	// KeyAdmins are Entra object ids (groups) that administer the key vaults and are never
	// granted the use of a key: separation of duties.
	KeyAdmins []string `json:"keyAdmins,omitempty"`
	// AKS configures the Kubernetes cluster.
	AKS AKS `json:"aks"`
	// Database sizes the PostgreSQL Flexible Server.
	Database AzurePostgres `json:"database"`
	// Cache configures the Redis the cluster runs for the backend.
	Cache AzureCache `json:"cache"`
	// Gateway configures the Application Gateway in front of the frontend.
	Gateway AzureGateway `json:"gateway"`
	// AuditArchiveUnlocked is for a production stack's first `up` only: ARM creates a storage
	// account's immutability policy Unlocked and locks it only on a later update, so the first
	// deployment builds the audit archive Unlocked (immutable all the same, but an
	// administrator could still shorten the period) and the next, without this, locks it.
	AuditArchiveUnlocked bool `json:"auditArchiveUnlocked,omitempty"`
}

// AKS holds the settings under healthhub:azure.aks.
type AKS struct {
	// UpgradeChannel is patch or stable: AKS keeps the cluster on a supported version by
	// itself; rapid gets versions before they are proven, and node-image and none leave the
	// control plane unpatched.
	UpgradeChannel string `json:"upgradeChannel"`
	// KubernetesVersion is the minor version the control plane runs (1.30 to 1.34);
	// admission standards are pinned to it.
	KubernetesVersion string `json:"kubernetesVersion"`
	// AdminGroupObjectIDs are Entra groups that administer the cluster through Azure RBAC.
	AdminGroupObjectIDs []string `json:"adminGroupObjectIds,omitempty"`
	// AuthorizedIPRanges may reach the API server. Production's cluster is private, so none
	// is allowed there; elsewhere the endpoint is public and this allow-list is required.
	AuthorizedIPRanges []string `json:"authorizedIpRanges,omitempty"`
	// NodePools sizes the pools, across the region's three zones.
	NodePools AKSNodePools `json:"nodePools"`
}

// AKSNodePools are the pools every cluster has, as on every cloud.
type AKSNodePools struct {
	System AKSNodePool `json:"system"`
	App    AKSNodePool `json:"app"`
	GPU    AKSNodePool `json:"gpu"`
}

// Pools lists the pools by name, in order.
func (n AKSNodePools) Pools() []NamedAKSNodePool {
	return []NamedAKSNodePool{{"system", n.System}, {"app", n.App}, {"gpu", n.GPU}}
}

// NamedAKSNodePool is a pool with its name.
type NamedAKSNodePool struct {
	Name string
	AKSNodePool
}

// AKSNodePool sizes one node pool; Min and Max count nodes across the zones.
type AKSNodePool struct {
	VMSize string `json:"vmSize"`
	Min    int    `json:"min"`
	Max    int    `json:"max"`
}

// AzurePostgres holds the settings under healthhub:azure.database.
type AzurePostgres struct {
	// SkuName is the Flexible Server compute, such as Standard_D4ds_v5; burstable (B) sizes
	// have no zone-redundant high availability and are refused in production.
	SkuName string `json:"skuName"`
	// StorageGb is the initial storage; it grows on its own.
	StorageGb int `json:"storageGb"`
	// BackupRetentionDays is 7 to 35, and 35 in production: the most Flexible Server keeps.
	BackupRetentionDays int `json:"backupRetentionDays"`
}

// AzureCache holds the settings under healthhub:azure.cache.
type AzureCache struct {
	// CertificateName is the Key Vault certificate the in-cluster Redis serves TLS with.
	CertificateName string `json:"certificateName"`
	// SizeGi is the Redis volume, in GiB: 8 at least, twice the cache's memory, room for the
	// append-only file's rewrite.
	SizeGi int `json:"sizeGi"`
}

// AzureGateway holds the settings under healthhub:azure.gateway.
type AzureGateway struct {
	// CertificateName is the Key Vault certificate the Application Gateway serves the
	// frontend's domain with.
	CertificateName string `json:"certificateName"`
	// MinCapacity and MaxCapacity bound the gateway's autoscaling instances.
	MinCapacity int `json:"minCapacity"`
	MaxCapacity int `json:"maxCapacity"`
}

// AKSUpgradeChannels are the automatic upgrade channels a HIPAA cluster may follow.
var AKSUpgradeChannels = []string{"patch", "stable"}

// checkAzureRetention refuses a log retention Log Analytics would refuse at deployment: past
// two years it keeps whole years only.
func checkAzureRetention(c *checker, days int) {
	if days > 0 && !slices.Contains(azureformat.LogAnalyticsTotalRetention, days) {
		c.fail("logRetentionDays", strconv.Itoa(days), "must be one of %v on azure: past two years Log Analytics keeps whole years only (2191 is six years)", azureformat.LogAnalyticsTotalRetention)
	}
}

func parseAzure(c *checker, v, env string) Azure {
	a, err := decodeSection(DefaultAzure, v)
	if err != nil {
		c.fail(CloudAzure, v, "must be an object with %s (%v)", fieldNames(Azure{}), err)
		return Azure{}
	}
	if !azureformat.GUID.MatchString(a.SubscriptionID) {
		c.fail("azure.subscriptionId", a.SubscriptionID, "required: the subscription's ID, a GUID such as 00000000-0000-0000-0000-000000000000")
	}
	if a.AuditArchiveUnlocked && env != EnvProduction {
		c.fail("azure.auditArchiveUnlocked", "true", "applies to production only, where the archive is locked: outside production it is never locked, so a dev archive can be deleted")
	}
	if !azureformat.GUID.MatchString(a.TenantID) {
		c.fail("azure.tenantId", a.TenantID, "required: the Entra ID tenant's ID, a GUID such as 00000000-0000-0000-0000-000000000000")
	}
	networkPair(c, "azure.vnetCidr", a.VnetCidr, "azure.drVnetCidr", a.DrVnetCidr)
	apart(c, 2, []keyedRange{
		{key: "azure.vnetCidr", cidr: a.VnetCidr}, {key: "azure.drVnetCidr", cidr: a.DrVnetCidr},
		{key: "azure.podCidr", cidr: a.PodCidr}, {key: "azure.serviceCidr", cidr: a.ServiceCidr},
	})
	guids(c, "azure.keyAdmins", a.KeyAdmins)
	parseAKS(c, a.AKS, env)
	if !azureformat.PostgresSku.MatchString(a.Database.SkuName) {
		c.fail("azure.database.skuName", a.Database.SkuName, "must be a Flexible Server SKU such as Standard_D4ds_v5")
	} else if env == EnvProduction && a.Database.SkuName[len("Standard_")] == 'B' {
		c.fail("azure.database.skuName", a.Database.SkuName, "must be general purpose (D) or memory optimised (E) in production: burstable servers have no zone-redundant standby")
	}
	if n := a.Database.StorageGb; n < 32 || n > 32768 {
		c.fail("azure.database.storageGb", strconv.Itoa(n), "must be 32 to 32768 GB")
	}
	switch n := a.Database.BackupRetentionDays; {
	case n < 7 || n > 35:
		c.fail("azure.database.backupRetentionDays", strconv.Itoa(n), "must be 7 to 35 days")
	case env == EnvProduction && n < 35:
		c.fail("azure.database.backupRetentionDays", strconv.Itoa(n), "must be 35 in production: the most Flexible Server keeps")
	}
	if !azureformat.KeyVaultObject.MatchString(a.Cache.CertificateName) {
		c.fail("azure.cache.certificateName", a.Cache.CertificateName, "must be a Key Vault certificate name: 1 to 127 letters, digits or hyphens")
	}
	// The append-only file is rewritten beside the old one: the volume holds twice the cache's
	// 4 GiB of memory.
	if n := a.Cache.SizeGi; n < 8 || n > 1024 {
		c.fail("azure.cache.sizeGi", strconv.Itoa(n), "must be 8 to 1024 GiB: twice the cache's 4 GiB of memory at least")
	}
	if !azureformat.KeyVaultObject.MatchString(a.Gateway.CertificateName) {
		c.fail("azure.gateway.certificateName", a.Gateway.CertificateName, "must be a Key Vault certificate name: 1 to 127 letters, digits or hyphens")
	}
	switch g := a.Gateway; {
	case g.MinCapacity < 0 || g.MaxCapacity < 2 || g.MinCapacity > g.MaxCapacity || g.MaxCapacity > 125:
		c.fail("azure.gateway", fmt.Sprintf("minCapacity %d, maxCapacity %d", g.MinCapacity, g.MaxCapacity), "must have 0 <= minCapacity <= maxCapacity, 2 <= maxCapacity <= 125")
	case env == EnvProduction && g.MinCapacity < 2:
		c.fail("azure.gateway.minCapacity", strconv.Itoa(g.MinCapacity), "must be at least 2 in production, one instance per zone at least")
	}
	return a
}

func parseAKS(c *checker, k AKS, env string) {
	oneOf(c, "azure.aks.upgradeChannel", k.UpgradeChannel, AKSUpgradeChannels)
	if !azureformat.KubernetesVersion.MatchString(k.KubernetesVersion) {
		c.fail("azure.aks.kubernetesVersion", k.KubernetesVersion, "must be a Kubernetes minor version from 1.30 to 1.34, such as 1.33")
	}
	guids(c, "azure.aks.adminGroupObjectIds", k.AdminGroupObjectIDs)
	switch {
	case env == EnvProduction && len(k.AuthorizedIPRanges) > 0:
		c.fail("azure.aks.authorizedIpRanges", fmt.Sprint(k.AuthorizedIPRanges), "must be empty in production, where the API server is private")
	case env != EnvProduction && len(k.AuthorizedIPRanges) == 0:
		c.fail("azure.aks.authorizedIpRanges", "[]", "required outside production, where the API server is public: list the networks (your VPN's egress) that may reach it")
	}
	for _, cidr := range k.AuthorizedIPRanges {
		ip, n, err := net.ParseCIDR(cidr)
		switch {
		case err != nil || ip.To4() == nil:
			c.fail("azure.aks.authorizedIpRanges", cidr, "must be IPv4 networks in CIDR form, such as 203.0.113.0/24")
		case n.String() == "0.0.0.0/0":
			c.fail("azure.aks.authorizedIpRanges", cidr, "must not open the API server to the whole internet")
		case netrange.Private(n):
			c.fail("azure.aks.authorizedIpRanges", cidr, "must be public networks: a private range cannot reach a public API server")
		}
	}
	for _, p := range k.NodePools.Pools() {
		key := "azure.aks.nodePools." + p.Name
		switch {
		case !azureformat.VMSize.MatchString(p.VMSize):
			c.fail(key+".vmSize", p.VMSize, "must be a virtual machine size such as Standard_D8ds_v5")
		case p.Min < 0 || p.Max < 1 || p.Min > p.Max || p.Max > 1000:
			c.fail(key, fmt.Sprintf("min %d, max %d", p.Min, p.Max), "must have 0 <= min <= max, 1 <= max <= 1000")
		case p.Name == "system" && p.Min < 1:
			c.fail(key+".min", strconv.Itoa(p.Min), "must be at least 1: the system pool runs CoreDNS and the add-ons")
		case p.Name != "gpu" && env == EnvProduction && p.Min < 3:
			c.fail(key+".min", strconv.Itoa(p.Min), "must be at least 3 in production, one node per zone, to survive losing a zone")
		}
	}
}

// guids fails each entry that is not an Entra object id.
func guids(c *checker, key string, ids []string) {
	for _, id := range ids {
		if !azureformat.GUID.MatchString(id) {
			c.fail(key, id, "must be Entra object ids, GUIDs such as 00000000-0000-0000-0000-000000000000")
		}
	}
}
