package config

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/healthhub/estate/internal/awsformat"
)

// DefaultAWS is what healthhub:aws holds when a stack leaves a field out: production's
// shape, so a stack opts down, never up. Pulumi.yaml declares the same object (a test keeps them
// equal). The certificates and domains have no usable default; every stack names its own.
var DefaultAWS = AWS{
	VpcCidr:           "10.20.0.0/16",
	DrVpcCidr:         "10.21.0.0/16",
	AvailabilityZones: 3,
	NatGateways:       "per-az",
	Database:          Database{EngineVersion: "16.4", InstanceClass: "db.r6g.large", Instances: 2, BackupRetentionDays: 35},
	Cache:             Cache{EngineVersion: "7.1", NodeType: "cache.r7g.large", Nodes: 2},
	LoadBalancer:      LoadBalancer{TargetPort: 8443, RateLimit: 2000},
	EKS: EKS{KubernetesVersion: "1.31", NodeGroups: NodeGroups{
		System: NodeGroup{InstanceType: "m7i.large", Min: 2, Max: 4},
		App:    NodeGroup{InstanceType: "m7i.xlarge", Min: 3, Max: 12},
		GPU:    NodeGroup{InstanceType: "g5.xlarge", Min: 0, Max: 4},
	}},
	API:              API{RateLimit: 100, BurstLimit: 200},
	MonthlyBudgetUsd: 20000,
	Tables:           Tables{MinCapacity: 10, MaxCapacity: 1000, TargetUtilization: 70},
}

// AWS holds the settings under healthhub:aws, read only when healthhub:cloud is aws.
type AWS struct {
	// VpcCidr is the primary region's VPC range.
	VpcCidr string `json:"vpcCidr"`
	// DrVpcCidr is the DR region's VPC range; it must not overlap VpcCidr so the two can peer.
	DrVpcCidr string `json:"drVpcCidr"`
	// AvailabilityZones is how many AZs the network spans.
	AvailabilityZones int `json:"availabilityZones"`
	// NatGateways is "per-az" (one per AZ, no cross-AZ dependency) or "single" (cheaper).
	NatGateways string `json:"natGateways"`
	// AllowedAccountIds stops a deployment with credentials for the wrong account.
	AllowedAccountIds []string `json:"allowedAccountIds,omitempty"`
	// Database sizes the Aurora PostgreSQL cluster.
	Database Database `json:"database"`
	// Cache sizes the Redis replication group.
	Cache Cache `json:"cache"`
	// LoadBalancer configures the internet-facing application load balancer.
	LoadBalancer LoadBalancer `json:"loadBalancer"`
	// EKS configures the Kubernetes cluster.
	EKS EKS `json:"eks"`
	// API configures the serverless estate's API.
	API API `json:"api"`
	// Tables chooses on-demand (default) or provisioned capacity for the catalog's tables.
	Tables Tables `json:"tables"`
	// Frontend configures the web app's CloudFront distribution.
	Frontend Frontend `json:"frontend"`
	// MonthlyBudgetUsd is the monthly cost budget; a forecast above 110% warns.
	MonthlyBudgetUsd int `json:"monthlyBudgetUsd"`
}

// Tables holds the settings under healthhub:aws.tables.
type Tables struct {
	// Provisioned switches the tables to provisioned capacity with target-tracking autoscaling
	// between MinCapacity and MaxCapacity at TargetUtilization percent.
	Provisioned       bool `json:"provisioned"`
	MinCapacity       int  `json:"minCapacity"`
	MaxCapacity       int  `json:"maxCapacity"`
	TargetUtilization int  `json:"targetUtilization"`
}

// Frontend holds the settings under healthhub:aws.frontend.
type Frontend struct {
	// DomainName serves the web app; CertificateArn is its ACM certificate in us-east-1.
	DomainName     string `json:"domainName"`
	CertificateArn string `json:"certificateArn"`
}

// API holds the settings under healthhub:aws.api.
type API struct {
	// DomainName serves the API; CertificateArn is its ACM certificate in the primary region.
	DomainName     string `json:"domainName"`
	CertificateArn string `json:"certificateArn"`
	// RateLimit and BurstLimit throttle every method, in requests per second.
	RateLimit  int `json:"rateLimit"`
	BurstLimit int `json:"burstLimit"`
}

// EKS holds the settings under healthhub:aws.eks.
type EKS struct {
	// KubernetesVersion is pinned (1.29 to 1.33); upgrades are a deliberate config change.
	KubernetesVersion string `json:"kubernetesVersion"`
	// PublicAccessCidrs opens the API endpoint to these networks outside production; empty
	// keeps it private. Production allows none.
	PublicAccessCidrs []string `json:"publicAccessCidrs,omitempty"`
	// NodeGroups sizes the node pools.
	NodeGroups NodeGroups `json:"nodeGroups"`
}

// NodeGroups are the pools every cluster has: system add-ons, the application workloads, and
// model serving on GPUs (tainted, so only pods that ask for a GPU land there).
type NodeGroups struct {
	System NodeGroup `json:"system"`
	App    NodeGroup `json:"app"`
	GPU    NodeGroup `json:"gpu"`
}

// Pools lists the groups by name, in order.
func (n NodeGroups) Pools() []NamedNodeGroup {
	return []NamedNodeGroup{{"system", n.System}, {"app", n.App}, {"gpu", n.GPU}}
}

// NamedNodeGroup is a pool with its name.
type NamedNodeGroup struct {
	Name string
	NodeGroup
}

// NodeGroup sizes one managed node group.
type NodeGroup struct {
	InstanceType string `json:"instanceType"`
	Min          int    `json:"min"`
	Max          int    `json:"max"`
}

// LoadBalancer holds the settings under healthhub:aws.loadBalancer.
type LoadBalancer struct {
	// CertificateArn is the ACM certificate the HTTPS listener presents. Required.
	CertificateArn string `json:"certificateArn"`
	// TargetPort is where the workloads listen for HTTPS from the load balancer.
	TargetPort int `json:"targetPort"`
	// RateLimit is the most requests one IP may send in five minutes.
	RateLimit int `json:"rateLimit"`
}

// Cache holds the settings under healthhub:aws.cache.
type Cache struct {
	// EngineVersion is a pinned Redis version such as "7.1".
	EngineVersion string `json:"engineVersion"`
	NodeType      string `json:"nodeType"`
	// Nodes is the primary plus replicas in other AZs (2+ in production).
	Nodes int `json:"nodes"`
}

// Database holds the settings under healthhub:aws.database.
type Database struct {
	// EngineVersion is the Aurora PostgreSQL version, pinned (major 14 to 16).
	EngineVersion string `json:"engineVersion"`
	// InstanceClass sizes every instance, writer and readers alike.
	InstanceClass string `json:"instanceClass"`
	// Instances in the primary region: a writer and readers in other AZs (2+ in production).
	Instances int `json:"instances"`
	// BackupRetentionDays keeps automated backups for point-in-time restore (7 to 35; 35 in
	// production).
	BackupRetentionDays int `json:"backupRetentionDays"`
}

func parseAWS(c *checker, v, env string) AWS {
	a, err := decodeSection(DefaultAWS, v)
	if err != nil {
		c.fail("aws", v, "must be an object with %s (%v)", fieldNames(AWS{}), err)
		return AWS{}
	}
	networkPair(c, "aws.vpcCidr", a.VpcCidr, "aws.drVpcCidr", a.DrVpcCidr)
	switch {
	case a.AvailabilityZones < 2 || a.AvailabilityZones > 3:
		c.fail("aws.availabilityZones", strconv.Itoa(a.AvailabilityZones), "must be 2 or 3")
	case env == EnvProduction && a.AvailabilityZones != 3:
		c.fail("aws.availabilityZones", strconv.Itoa(a.AvailabilityZones), "must be 3 in production")
	}
	switch {
	case !slices.Contains(NatModes, a.NatGateways):
		c.fail("aws.natGateways", a.NatGateways, "must be one of %s", strings.Join(NatModes, ", "))
	case env == EnvProduction && a.NatGateways != "per-az":
		c.fail("aws.natGateways", a.NatGateways, "must be per-az in production, so one AZ's outage cannot cut the others off")
	}
	for _, id := range a.AllowedAccountIds {
		if !accountID.MatchString(id) {
			c.fail("aws.allowedAccountIds", id, "must be 12-digit AWS account IDs")
		}
	}
	parseDatabase(c, a.Database, env)
	parseCache(c, a.Cache, env)
	parseLoadBalancer(c, a.LoadBalancer)
	parseEKS(c, a.EKS, env)
	parseAPI(c, a.API)
	if !awsformat.DNSName.MatchString(a.Frontend.DomainName) {
		c.fail("aws.frontend.domainName", a.Frontend.DomainName, "required: the web app's DNS name, such as app.healthhub.example")
	}
	if !awsformat.EdgeACMCertificate.MatchString(a.Frontend.CertificateArn) {
		c.fail("aws.frontend.certificateArn", a.Frontend.CertificateArn, "required: an ACM certificate in us-east-1, the region CloudFront takes certificates from")
	}
	if t := a.Tables; t.MinCapacity < 1 || t.MaxCapacity < t.MinCapacity || t.TargetUtilization < 20 || t.TargetUtilization > 90 {
		c.fail("aws.tables", fmt.Sprintf("min %d, max %d, target %d%%", t.MinCapacity, t.MaxCapacity, t.TargetUtilization),
			"must have 1 <= minCapacity <= maxCapacity and targetUtilization from 20 to 90")
	}
	if a.MonthlyBudgetUsd < 1 {
		c.fail("aws.monthlyBudgetUsd", strconv.Itoa(a.MonthlyBudgetUsd), "must be a positive number of US dollars")
	}
	return a
}

func parseAPI(c *checker, api API) {
	if !awsformat.DNSName.MatchString(api.DomainName) {
		c.fail("aws.api.domainName", api.DomainName, "required: the API's DNS name, such as api.healthhub.example")
	}
	if !awsformat.ACMCertificate.MatchString(api.CertificateArn) {
		c.fail("aws.api.certificateArn", api.CertificateArn, "required: the ARN of an ACM certificate for the API's name in the primary region")
	}
	if api.RateLimit < 1 || api.BurstLimit < api.RateLimit {
		c.fail("aws.api.rateLimit", fmt.Sprintf("rate %d, burst %d", api.RateLimit, api.BurstLimit), "must be positive, with burstLimit at least rateLimit")
	}
}

func parseEKS(c *checker, e EKS, env string) {
	if !awsformat.EKSVersion.MatchString(e.KubernetesVersion) {
		c.fail("aws.eks.kubernetesVersion", e.KubernetesVersion, "must be a pinned EKS version from 1.29 to 1.33, such as 1.31")
	}
	for _, cidr := range e.PublicAccessCidrs {
		_, n, err := net.ParseCIDR(cidr)
		switch {
		case env == EnvProduction:
			c.fail("aws.eks.publicAccessCidrs", cidr, "must be empty in production: the API endpoint is private")
			return
		case err != nil || n.IP.To4() == nil:
			c.fail("aws.eks.publicAccessCidrs", cidr, "must be IPv4 networks in CIDR form, such as 203.0.113.0/24")
		case n.String() == "0.0.0.0/0":
			c.fail("aws.eks.publicAccessCidrs", cidr, "must not open the API endpoint to the whole internet")
		}
	}
	for _, g := range e.NodeGroups.Pools() {
		name, key := g.Name, "aws.eks.nodeGroups."+g.Name
		switch {
		case !awsformat.EC2InstanceType.MatchString(g.InstanceType):
			c.fail(key+".instanceType", g.InstanceType, "must be an EC2 instance type such as m7i.large")
		case g.Min < 0 || g.Max < 1 || g.Min > g.Max || g.Max > 100:
			c.fail(key, fmt.Sprintf("min %d, max %d", g.Min, g.Max), "must have 0 <= min <= max, 1 <= max <= 100")
		case name != "gpu" && env == EnvProduction && g.Min < 2:
			c.fail(key+".min", strconv.Itoa(g.Min), "must be at least 2 in production, one node per AZ to survive losing one")
		}
	}
}

func parseLoadBalancer(c *checker, lb LoadBalancer) {
	if !awsformat.ACMCertificate.MatchString(lb.CertificateArn) {
		c.fail("aws.loadBalancer.certificateArn", lb.CertificateArn, "required: the ARN of an ACM certificate in the primary region, such as arn:aws:acm:eu-west-2:123456789012:certificate/<uuid>")
	}
	if lb.TargetPort < 1024 || lb.TargetPort > 65535 {
		c.fail("aws.loadBalancer.targetPort", strconv.Itoa(lb.TargetPort), "must be 1024 to 65535 (workloads run unprivileged)")
	}
	if lb.RateLimit < 100 || lb.RateLimit > 2_000_000_000 {
		c.fail("aws.loadBalancer.rateLimit", strconv.Itoa(lb.RateLimit), "must be 100 to 2000000000 requests per IP per five minutes")
	}
}

func parseCache(c *checker, cc Cache, env string) {
	if !awsformat.RedisVersion.MatchString(cc.EngineVersion) {
		c.fail("aws.cache.engineVersion", cc.EngineVersion, "must be a pinned Redis version such as 7.1")
	}
	if !awsformat.CacheNodeType.MatchString(cc.NodeType) {
		c.fail("aws.cache.nodeType", cc.NodeType, "must be an ElastiCache node type such as cache.r7g.large")
	}
	switch {
	case cc.Nodes < 1 || cc.Nodes > 6:
		c.fail("aws.cache.nodes", strconv.Itoa(cc.Nodes), "must be 1 to 6")
	case env == EnvProduction && cc.Nodes < 2:
		c.fail("aws.cache.nodes", strconv.Itoa(cc.Nodes), "must be at least 2 in production, for Multi-AZ failover")
	}
}

func parseDatabase(c *checker, d Database, env string) {
	if !awsformat.AuroraPostgresVersion.MatchString(d.EngineVersion) {
		c.fail("aws.database.engineVersion", d.EngineVersion, "must be a pinned Aurora PostgreSQL version, major 14 to 16, such as 16.4")
	}
	if !awsformat.RDSInstanceClass.MatchString(d.InstanceClass) {
		c.fail("aws.database.instanceClass", d.InstanceClass, "must be an RDS instance class such as db.r6g.large")
	}
	switch {
	case d.Instances < 1 || d.Instances > 15:
		c.fail("aws.database.instances", strconv.Itoa(d.Instances), "must be 1 to 15")
	case env == EnvProduction && d.Instances < 2:
		c.fail("aws.database.instances", strconv.Itoa(d.Instances), "must be at least 2 in production, so a reader in another AZ can take over")
	}
	switch {
	case d.BackupRetentionDays < 7 || d.BackupRetentionDays > 35:
		c.fail("aws.database.backupRetentionDays", strconv.Itoa(d.BackupRetentionDays), "must be 7 to 35")
	case env == EnvProduction && d.BackupRetentionDays != 35:
		c.fail("aws.database.backupRetentionDays", strconv.Itoa(d.BackupRetentionDays), "must be 35 in production")
	}
}
