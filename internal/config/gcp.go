package config

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/healthhub/estate/internal/gcpformat"
	"github.com/healthhub/estate/internal/netrange"
)

// DefaultGCP is what healthhub:gcp holds when a stack leaves a field out: production's shape,
// so a stack opts down, never up. The project has no usable default: every GCP stack names its
// own.
var DefaultGCP = GCP{
	NetworkCidr:       "10.50.0.0/16",
	DrNetworkCidr:     "10.51.0.0/16",
	PodsCidr:          "10.60.0.0/14",
	ServicesCidr:      "10.64.0.0/20",
	ServiceAccessCidr: "10.52.0.0/16",
	GKE: GKE{
		ReleaseChannel:    "REGULAR",
		KubernetesVersion: "1.33",
		MasterCidr:        "172.16.0.0/28",
		NodePools: GKENodePools{
			System: GKENodePool{MachineType: "e2-standard-4", Min: 1, Max: 2},
			App:    GKENodePool{MachineType: "n2-standard-8", Min: 1, Max: 4},
			GPU:    GKENodePool{MachineType: "g2-standard-8", Min: 0, Max: 2},
		},
		GPUAccelerator: "nvidia-l4",
	},
	Database:     CloudSQL{Tier: "db-custom-4-16384", RetainedBackups: 35},
	Cache:        Memorystore{MemorySizeGb: 5},
	LoadBalancer: GCPLoadBalancer{SslProfile: "RESTRICTED"},
}

// GCP holds the settings under healthhub:gcp, read only when healthhub:cloud is gcp.
type GCP struct {
	// ProjectID is the project that holds the estate; the providers are pinned to it, so
	// credentials for another project cannot deploy there. Required.
	ProjectID string `json:"projectId"`
	// NetworkCidr is the primary region's subnet range in the estate's VPC network.
	NetworkCidr string `json:"networkCidr"`
	// DrNetworkCidr is the DR region's subnet range; it must not overlap NetworkCidr, so
	// routes between the regions stay unambiguous.
	DrNetworkCidr string `json:"drNetworkCidr"`
	// PodsCidr and ServicesCidr are the primary subnet's secondary ranges for the cluster's
	// pods and services (VPC-native, CIS GKE 5.6.2).
	PodsCidr     string `json:"podsCidr"`
	ServicesCidr string `json:"servicesCidr"`
	// ServiceAccessCidr is reserved for private service access: Cloud SQL and Memorystore
	// take their private addresses from it.
	ServiceAccessCidr string `json:"serviceAccessCidr"`
	// KeyAdmins administer the Cloud KMS key rings (group:, user: or serviceAccount: members)
	// and are never granted the use of a key: separation of duties.
	KeyAdmins []string `json:"keyAdmins,omitempty"`
	// GKE configures the Kubernetes cluster.
	GKE GKE `json:"gke"`
	// Database sizes the Cloud SQL for PostgreSQL instance.
	Database CloudSQL `json:"database"`
	// Cache sizes the Memorystore for Redis instance.
	Cache Memorystore `json:"cache"`
	// LoadBalancer configures the global HTTPS load balancer's TLS.
	LoadBalancer GCPLoadBalancer `json:"loadBalancer"`
}

// GKE holds the settings under healthhub:gcp.gke.
type GKE struct {
	// ReleaseChannel is REGULAR or STABLE: Google upgrades the cluster within a supported
	// channel (CIS GKE 5.5.4); RAPID gets versions before they are proven.
	ReleaseChannel string `json:"releaseChannel"`
	// KubernetesVersion is the minor version the control plane is held at or above (1.30 to
	// 1.34); admission standards are pinned to it.
	KubernetesVersion string `json:"kubernetesVersion"`
	// MasterCidr is the control plane's private /28.
	MasterCidr string `json:"masterCidr"`
	// MasterAuthorizedNetworks may reach the API server. Production has no public endpoint, so
	// only private ranges (a VPN, a bastion subnet) are allowed there; elsewhere the endpoint is
	// public and these are its explicit allow-list, which is then required.
	MasterAuthorizedNetworks []string `json:"masterAuthorizedNetworks,omitempty"`
	// NodePools sizes the pools, per zone of the regional cluster.
	NodePools GKENodePools `json:"nodePools"`
	// GPUAccelerator is the GPU type of the gpu pool, such as nvidia-l4.
	GPUAccelerator string `json:"gpuAccelerator"`
}

// GKENodePools are the pools every cluster has, as on every cloud.
type GKENodePools struct {
	System GKENodePool `json:"system"`
	App    GKENodePool `json:"app"`
	GPU    GKENodePool `json:"gpu"`
}

// Pools lists the pools by name, in order.
func (n GKENodePools) Pools() []NamedGKENodePool {
	return []NamedGKENodePool{{"system", n.System}, {"app", n.App}, {"gpu", n.GPU}}
}

// NamedGKENodePool is a pool with its name.
type NamedGKENodePool struct {
	Name string
	GKENodePool
}

// GKENodePool sizes one node pool; Min and Max are per zone.
type GKENodePool struct {
	MachineType string `json:"machineType"`
	Min         int    `json:"min"`
	Max         int    `json:"max"`
}

// CloudSQL holds the settings under healthhub:gcp.database.
type CloudSQL struct {
	// Tier is the machine type, such as db-custom-4-16384.
	Tier string `json:"tier"`
	// RetainedBackups is how many daily backups are kept (7 to 365; 30 or more in production);
	// point-in-time recovery covers the last seven days between them.
	RetainedBackups int `json:"retainedBackups"`
}

// Memorystore holds the settings under healthhub:gcp.cache.
type Memorystore struct {
	MemorySizeGb int `json:"memorySizeGb"`
}

// GCPLoadBalancer holds the settings under healthhub:gcp.loadBalancer.
type GCPLoadBalancer struct {
	// SslProfile is MODERN or RESTRICTED; both refuse anything under TLS 1.2.
	SslProfile string `json:"sslProfile"`
}

// GKEReleaseChannels are the channels a HIPAA cluster may follow.
var GKEReleaseChannels = []string{"REGULAR", "STABLE"}

// SslProfiles are the SSL policy profiles the load balancer may use.
var SslProfiles = []string{"MODERN", "RESTRICTED"}

func parseGCP(c *checker, v, env string) GCP {
	g, err := decodeSection(DefaultGCP, v)
	if err != nil {
		c.fail(CloudGCP, v, "must be an object with %s (%v)", fieldNames(GCP{}), err)
		return GCP{}
	}
	if !gcpformat.ProjectID.MatchString(g.ProjectID) {
		c.fail("gcp.projectId", g.ProjectID, "required: a project ID of 6 to 30 lowercase letters, digits or hyphens, starting with a letter, such as healthhub-prod")
	}
	networkPair(c, "gcp.networkCidr", g.NetworkCidr, "gcp.drNetworkCidr", g.DrNetworkCidr)
	apart(c, 2, []keyedRange{
		{key: "gcp.networkCidr", cidr: g.NetworkCidr}, {key: "gcp.drNetworkCidr", cidr: g.DrNetworkCidr},
		{key: "gcp.podsCidr", cidr: g.PodsCidr}, {key: "gcp.servicesCidr", cidr: g.ServicesCidr},
		{key: "gcp.serviceAccessCidr", cidr: g.ServiceAccessCidr}, {key: "gcp.gke.masterCidr", cidr: g.GKE.MasterCidr},
	})
	for _, m := range g.KeyAdmins {
		if !gcpformat.IAMMember.MatchString(m) {
			c.fail("gcp.keyAdmins", m, "must be IAM members such as group:kms-admins@healthhub.example")
		}
	}
	parseGKE(c, g.GKE, env)
	if !gcpformat.SQLTier.MatchString(g.Database.Tier) {
		c.fail("gcp.database.tier", g.Database.Tier, "must be a Cloud SQL tier such as db-custom-4-16384")
	}
	switch n := g.Database.RetainedBackups; {
	case n < 7 || n > 365:
		c.fail("gcp.database.retainedBackups", strconv.Itoa(n), "must be 7 to 365 daily backups")
	case env == EnvProduction && n < 30:
		c.fail("gcp.database.retainedBackups", strconv.Itoa(n), "must be at least 30 in production")
	}
	if n := g.Cache.MemorySizeGb; n < 1 || n > 300 {
		c.fail("gcp.cache.memorySizeGb", strconv.Itoa(n), "must be 1 to 300 GB")
	}
	oneOf(c, "gcp.loadBalancer.sslProfile", g.LoadBalancer.SslProfile, SslProfiles)
	return g
}

func parseGKE(c *checker, k GKE, env string) {
	oneOf(c, "gcp.gke.releaseChannel", k.ReleaseChannel, GKEReleaseChannels)
	if !gcpformat.KubernetesVersion.MatchString(k.KubernetesVersion) {
		c.fail("gcp.gke.kubernetesVersion", k.KubernetesVersion, "must be a Kubernetes minor version from 1.30 to 1.34, such as 1.33")
	}
	if _, n, err := net.ParseCIDR(k.MasterCidr); err != nil || n.String() != k.MasterCidr || !strings.HasSuffix(k.MasterCidr, "/28") {
		c.fail("gcp.gke.masterCidr", k.MasterCidr, "must be a private /28 network such as 172.16.0.0/28")
	}
	if env != EnvProduction && len(k.MasterAuthorizedNetworks) == 0 {
		c.fail("gcp.gke.masterAuthorizedNetworks", "[]", "required outside production, where the API endpoint is public: list the networks (your VPN's egress) that may reach it")
	}
	for _, cidr := range k.MasterAuthorizedNetworks {
		ip, n, err := net.ParseCIDR(cidr)
		switch {
		case err != nil || ip.To4() == nil:
			c.fail("gcp.gke.masterAuthorizedNetworks", cidr, "must be IPv4 networks in CIDR form, such as 203.0.113.0/24")
		case n.String() == "0.0.0.0/0":
			c.fail("gcp.gke.masterAuthorizedNetworks", cidr, "must not open the API endpoint to the whole internet")
		case env == EnvProduction && !netrange.Private(n):
			c.fail("gcp.gke.masterAuthorizedNetworks", cidr, "must be private (RFC 1918) in production, where the API endpoint is private")
		}
	}
	for _, p := range k.NodePools.Pools() {
		key := "gcp.gke.nodePools." + p.Name
		switch {
		case !gcpformat.MachineType.MatchString(p.MachineType):
			c.fail(key+".machineType", p.MachineType, "must be a Compute Engine machine type such as n2-standard-8")
		case p.Min < 0 || p.Max < 1 || p.Min > p.Max || p.Max > 100:
			c.fail(key, fmt.Sprintf("min %d, max %d", p.Min, p.Max), "must have 0 <= min <= max, 1 <= max <= 100 (per zone)")
		case p.Name != "gpu" && env == EnvProduction && p.Min < 1:
			c.fail(key+".min", strconv.Itoa(p.Min), "must be at least 1 per zone in production, to survive losing a zone")
		}
	}
	if !gcpformat.Accelerator.MatchString(k.GPUAccelerator) {
		c.fail("gcp.gke.gpuAccelerator", k.GPUAccelerator, "must be a GPU type such as nvidia-l4")
	}
}

// keyedRange is a config key and the network it holds.
type keyedRange struct {
	key, cidr string
	net       *net.IPNet
}

// apart fails each range that is not a private network or overlaps one listed before it: the
// subnets, the cluster's ranges, the control plane and the managed services share one VPC.
// The first `checked` ranges are the primary and DR subnets, whose own problems networkPair
// has already reported; they are only compared against.
func apart(c *checker, checked int, ranges []keyedRange) {
	var valid []keyedRange
	for i, r := range ranges {
		ip, n, err := net.ParseCIDR(r.cidr)
		if err != nil || ip.To4() == nil || !ip.Equal(n.IP) || !netrange.Private(n) {
			if i >= checked {
				c.fail(r.key, r.cidr, "must be a private (RFC 1918) IPv4 network address in CIDR form")
			}
			continue
		}
		if j := slices.IndexFunc(valid, func(o keyedRange) bool { return netrange.Overlap(o.net, n) }); j >= 0 && i >= checked {
			c.fail(r.key, r.cidr, "must not overlap %s (%s)", valid[j].key, valid[j].cidr)
		}
		r.net = n
		valid = append(valid, r)
	}
}
