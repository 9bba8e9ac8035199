// Package plan is the offline plan: the real program run in-process under the recording mock
// monitor, every rule of the policy pack run over what it registered, and the result as a
// preview-like tree or as JSON. It needs no credentials, no network and no passphrase.
package plan

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// Plan is the offline plan of one stack; its JSON form is the documented plan schema.
type Plan struct {
	Stack       string            `json:"stack"`
	Project     string            `json:"project"`
	Cloud       string            `json:"cloud"`
	Environment string            `json:"environment"`
	Resources   []Resource        `json:"resources"`
	Violations  []rules.Violation `json:"violations"`
	Summary     Summary           `json:"summary"`
}

// Resource is one registered resource or provider.
type Resource struct {
	URN      string `json:"urn"`
	Type     string `json:"type"`
	Name     string `json:"name"`
	Parent   string `json:"parent"`
	Provider string `json:"provider"`
	Protect  bool   `json:"protect"`
	// Dependencies are the URNs the inputs refer to; `estate audit` needs them to relate a
	// bucket to its encryption and access-block resources.
	Dependencies []string       `json:"dependencies,omitempty"`
	Inputs       map[string]any `json:"inputs"`
}

// Summary counts resources and violations.
type Summary struct {
	Resources int            `json:"resources"`
	ByType    map[string]int `json:"byType"`
	Mandatory int            `json:"mandatory"`
	Advisory  int            `json:"advisory"`
}

// ConfigError is a stack file that cannot be read or does not validate.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Run builds the plan of a stack from the project in dir.
func Run(dir, stack string, program pulumi.RunFunc) (*Plan, error) {
	s, err := stackfile.Load(dir, stack)
	if err != nil {
		return nil, &ConfigError{err}
	}
	// Validate before running, so a bad stack file gets the one clear message and no resource
	// is registered.
	cfg, err := config.ParseStack(s.Name, s.Short(config.Namespace))
	if err != nil {
		return nil, &ConfigError{err}
	}

	m := mockcloud.New(s.Project, s.Name)
	if err := m.Run(s.Config, s.SecretKeys, program); err != nil {
		var verr *config.ValidationError
		if errors.As(err, &verr) {
			return nil, &ConfigError{verr}
		}
		return nil, fmt.Errorf("the program failed: %w", err)
	}

	records := m.Records()
	p := &Plan{
		Stack: s.Name, Project: s.Project, Cloud: cfg.Cloud, Environment: cfg.Environment,
		Summary: Summary{ByType: map[string]int{}},
	}
	p.Resources = append(p.Resources, Resource{
		URN: m.StackURN(), Type: "pulumi:pulumi:Stack", Name: s.Project + "-" + s.Name, Inputs: map[string]any{},
	})
	for _, r := range records {
		p.Resources = append(p.Resources, Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider,
			Protect: r.Protect, Dependencies: r.Dependencies, Inputs: r.Inputs,
		})
	}
	for _, r := range p.Resources {
		p.Summary.ByType[r.Type]++
	}
	p.Summary.Resources = len(p.Resources)
	p.Violations = estate.Evaluate(estate.Resources(records), RulesConfig(cfg))
	if p.Violations == nil {
		p.Violations = []rules.Violation{}
	}
	p.Summary.Mandatory, p.Summary.Advisory = rules.Count(p.Violations)
	return p, nil
}

// RulesConfig is what the policy pack needs from a stack's config.
func RulesConfig(cfg *config.Config) rules.Config {
	return rules.Config{
		AllowedRegions:     cfg.AllowedRegions,
		RetentionFloorDays: config.HIPAARetentionFloorDays,
		Environment:        cfg.Environment,
	}
}

// Types returns the resource types of the plan, sorted.
func (p *Plan) Types() []string {
	types := make([]string, 0, len(p.Summary.ByType))
	for t := range p.Summary.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}
