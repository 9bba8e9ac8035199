// Package pack serves the rules library to the Pulumi engine as a CrossGuard policy pack.
package pack

import (
	"context"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// Name and Version identify the pack to the engine.
const Name = "healthhub-hipaa"

var Version = semver.MustParse("0.2.0")

// configSchema lets a team override, per policy, what otherwise comes from the stack config.
var configSchema = &policyx.ConfigSchema{Properties: map[string]map[string]any{
	"allowedRegions":           {"type": "array", "items": map[string]any{"type": "string"}, "description": "Regions where PHI may reside; default: the stack's healthhub:allowedRegions."},
	"retentionFloorDays":       {"type": "integer", "minimum": 1, "description": "Minimum log and record retention in days; default 2190 (six years)."},
	"backupRetentionFloorDays": {"type": "integer", "minimum": 1, "maximum": 35, "description": "Minimum automated database backup retention in days; default 35 in production, 7 elsewhere."},
	"environment":              {"type": "string", "enum": []any{"production", "staging", "dev"}, "description": "Environment; default: the stack's healthhub:environment."},
}}

// New builds the pack for one stack. Its defaults come from the stack's own config, so the
// pack enforces the same allow-list the program validated.
func New(ctx *pulumi.Context) (policyx.PolicyPack, error) {
	defaults := StackDefaults(ctx)
	var policies []policyx.Policy
	for _, rule := range estate.All {
		level := policyx.EnforcementLevelAdvisory
		if rule.Level == rules.Mandatory {
			level = policyx.EnforcementLevelMandatory
		}
		if rule.Check != nil {
			policies = append(policies, resourcePolicy(rule, level, defaults))
		} else {
			policies = append(policies, stackPolicy(rule, level, defaults))
		}
	}
	return policyx.NewPolicyPack(Name, Version, policyx.EnforcementLevelMandatory, policies)
}

// StackDefaults reads the rules' config from the stack config the engine hands the pack.
// A stack whose config does not validate still gets the HIPAA floor and no allowed region,
// which fails closed.
func StackDefaults(ctx *pulumi.Context) rules.Config {
	out := rules.Config{RetentionFloorDays: config.HIPAARetentionFloorDays}
	if ctx == nil {
		return out
	}
	if cfg, err := config.Load(ctx); err == nil {
		out.AllowedRegions = cfg.AllowedRegions
		out.Environment = cfg.Environment
	}
	return out
}

// WithOverrides applies a policy's config properties on top of the defaults.
func WithOverrides(base rules.Config, props map[string]any) rules.Config {
	out := base
	if v, ok := props["allowedRegions"].([]any); ok {
		out.AllowedRegions = nil
		for _, r := range v {
			if s, ok := r.(string); ok {
				out.AllowedRegions = append(out.AllowedRegions, s)
			}
		}
	}
	if v, ok := props["retentionFloorDays"].(float64); ok {
		out.RetentionFloorDays = int(v)
	}
	if v, ok := props["backupRetentionFloorDays"].(float64); ok {
		out.BackupRetentionDays = int(v)
	}
	if v, ok := props["environment"].(string); ok {
		out.Environment = v
	}
	return out
}

func resourcePolicy(rule rules.Rule, level policyx.EnforcementLevel, defaults rules.Config) policyx.Policy {
	types := map[string]bool{}
	for _, t := range rule.Types {
		types[t] = true
	}
	return policyx.NewResourceValidationPolicy(rule.Name, policyx.ResourceValidationPolicyArgs{
		Description:      rule.Summary(),
		EnforcementLevel: level,
		ConfigSchema:     configSchema,
		ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
			if len(types) > 0 && !types[args.Resource.Type] {
				return nil
			}
			r := FromAnalyzer(args.Resource)
			for _, msg := range rule.Check(r, WithOverrides(defaults, args.Config)) {
				args.Manager.ReportViolation(msg, r.URN)
			}
			return nil
		},
	})
}

func stackPolicy(rule rules.Rule, level policyx.EnforcementLevel, defaults rules.Config) policyx.Policy {
	return policyx.NewStackValidationPolicy(rule.Name, policyx.StackValidationPolicyArgs{
		Description:      rule.Summary(),
		EnforcementLevel: level,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			all := make([]rules.Resource, len(args.Resources))
			for i, r := range args.Resources {
				all[i] = FromAnalyzer(r)
			}
			for _, f := range rule.CheckStack(all, defaults) {
				args.Manager.ReportViolation(f.Message, f.URN)
			}
			return nil
		},
	})
}

// FromAnalyzer converts what the engine sends into what the rules read, through the same
// conversion as the plan and the audit: the resource with its provider, so that the region is
// the resource's own or else its provider's.
func FromAnalyzer(r policyx.AnalyzerResource) rules.Resource {
	records := []rules.Record{{
		URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider.URN,
		Protect: r.Options.Protect, Dependencies: r.Dependencies,
		Inputs: rules.PlainMap(resource.ToResourcePropertyMap(r.Properties)),
	}}
	if r.Provider.URN != "" && r.Provider.URN != r.URN {
		records = append(records, rules.Record{
			URN: rules.ProviderURN(r.Provider.URN), Type: r.Provider.Type, Name: r.Provider.Name,
			Inputs: rules.PlainMap(resource.ToResourcePropertyMap(r.Provider.Properties)),
		})
	}
	return estate.Resources(records)[0]
}
