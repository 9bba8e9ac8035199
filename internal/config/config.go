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

	// One section per cloud. Only the selected cloud's is read and validated; a section written
	// for another cloud is an error, so nothing a stack says is silently ignored.
	AWS   AWS
	GCP   GCP
	Azure Azure
	// Workloads configures what runs on the cluster, on every cloud.
	Workloads Workloads
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
			// so it never lands in this struct. Pulumi.yaml's empty default means unset.
			if v, ok := ctx.GetConfig(Namespace + ":" + k.Name); ok && v != "" {
				raw[k.Name] = SecretPlaceholder
			}
			continue
		}
		if v, err := pulumiconfig.Try(ctx, Namespace+":"+k.Name); err == nil {
			raw[k.Name] = v
		}
	}
	cfg, err := ParseStack(ctx.Stack(), raw)
	if err != nil {
		return nil, err
	}
	cfg.Project, cfg.Stack = ctx.Project(), ctx.Stack()
	return cfg, nil
}
