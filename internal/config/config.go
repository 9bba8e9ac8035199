// Package config loads the stack configuration into one typed struct and validates all of it
// before any resource is registered, so a bad stack file fails with one message that names every
// bad key, the value given and what is allowed.
package config

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/healthhub/estate/internal/naming"
)

// Namespace is the project's config namespace: keys are written healthhub:<key>.
const Namespace = "healthhub"

// Config is the whole, validated stack configuration.
type Config struct {
	Project string
	Stack   string

	Cloud          string
	Environment    string
	PrimaryRegion  string
	DRRegion       string
	AllowedRegions []string
	// AllowedCountries are the ISO 3166 alpha-2 codes the service is offered in; the web
	// firewalls block requests from anywhere else.
	AllowedCountries []string
	RetentionDays    int
	LogRetentionDays int
	AlertEmail       string
	Owner            string
	CostCentre       string

	AWS AWS
}

// AWS holds the settings under healthhub:aws.
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

// Production reports whether the stack holds live PHI and gets every protection.
func (c *Config) Production() bool { return c.Environment == EnvProduction }

// Namer names resources for this project and environment.
func (c *Config) Namer() naming.Namer { return naming.New(c.Project, c.Environment) }

// Tags is the tag/label set for this stack.
func (c *Config) Tags() map[string]string {
	return naming.Tags(naming.TagInput{
		Project: c.Project, Environment: c.Environment, Owner: c.Owner, CostCentre: c.CostCentre,
	})
}

// Load reads every healthhub:* key from the Pulumi context and validates them together.
func Load(ctx *pulumi.Context) (*Config, error) {
	raw := map[string]string{}
	for _, k := range Keys {
		if k.Secret {
			// Only its presence is checked here; the estate reads the value as a secret output,
			// so it never lands in this struct.
			if _, err := pulumiconfig.TrySecret(ctx, Namespace+":"+k.Name); err == nil {
				raw[k.Name] = SecretPlaceholder
			}
			continue
		}
		if v, err := pulumiconfig.Try(ctx, Namespace+":"+k.Name); err == nil {
			raw[k.Name] = v
		}
	}
	cfg, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	cfg.Project, cfg.Stack = ctx.Project(), ctx.Stack()
	return cfg, nil
}
