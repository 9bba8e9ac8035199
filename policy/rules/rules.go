// Package rules is the core of the HIPAA policy library: what a rule is, what it sees of a
// resource, how rules are evaluated, the HIPAA sections they serve, and the value helpers rules
// read inputs with. It names no cloud: each cloud's rules and profile live in a package of their
// own (policy/rules/aws, policy/rules/kubernetes, ...), and policy/rules/estate writes the
// cross-cloud rules once and lists the whole pack. The served CrossGuard pack, the offline plan,
// `estate audit` and the tests all evaluate the same rules.
package rules

import (
	"sort"
	"strings"
)

// Level is a rule's enforcement level.
type Level string

const (
	// Mandatory violations fail preview, update and the offline plan.
	Mandatory Level = "mandatory"
	// Advisory violations are reported and let the deployment proceed.
	Advisory Level = "advisory"
)

// Resource is what a rule sees of one resource: the same facts whether it comes from the
// offline plan, the engine or a state export.
type Resource struct {
	URN      string
	Type     string
	Name     string
	Parent   string
	Provider string // provider URN; empty means a default provider
	// Region is the region of the resource's provider (or, for a provider, its own).
	Region string
	// Dependencies are URNs the inputs refer to; rules use them to tie a bucket to its
	// encryption or access-block resource, which preview cannot do by ID.
	Dependencies []string
	Protect      bool
	// Inputs are plain values (see Plain): secrets are Secret, preview unknowns are Unknown.
	Inputs map[string]any
}

// Config is what the rules need to know of the stack.
type Config struct {
	AllowedRegions     []string
	RetentionFloorDays int
	// Environment decides whether deletion protection and a DR copy are required (production).
	Environment string
	// BackupRetentionDays is the floor for automated database backups; zero means the
	// environment's default (BackupFloor).
	BackupRetentionDays int
}

// BackupFloor is the backup retention floor in days: RDS keeps automated backups at most 35
// days, so production asks for all of them and other environments for a week. Longer
// retention is the job of AWS Backup plans, checked against RetentionFloorDays.
func (c Config) BackupFloor() int {
	switch {
	case c.BackupRetentionDays > 0:
		return c.BackupRetentionDays
	case c.Environment == "production":
		return 35
	}
	return 7
}

// Production reports a stack that holds live PHI, where protection and DR copies are required.
func (c Config) Production() bool { return c.Environment == "production" }

// Violation is one finding.
type Violation struct {
	Policy  string `json:"policy"`
	Level   Level  `json:"level"`
	URN     string `json:"urn"`
	Message string `json:"message"`
}

// Finding is a rule's raw result before it is tagged with the rule's name and level.
type Finding struct {
	URN     string
	Message string
}

// Rule is one policy. A rule checks either each resource of its Types (Check) or the whole
// stack at once (CheckStack), when it has to relate resources to each other.
type Rule struct {
	// Name is <cloud>-<service>-<control>; it is how pack config and reports name the rule.
	Name string
	// Aliases are names the rule had before, still accepted wherever a rule is named.
	Aliases []string
	// Cloud is whose resources the rule checks; CloudAny for the cross-cloud rules.
	Cloud Cloud
	// Description says what the rule requires; Sections say which HIPAA sections it serves.
	Description string
	Sections    []Section
	// Unknown says how the check reads values preview cannot know yet (see the README).
	Unknown string
	Level   Level
	// Types are the resource types the rule inspects; a Check rule with no Types sees every
	// resource.
	Types      []string
	Check      func(r Resource, cfg Config) []string
	CheckStack func(all []Resource, cfg Config) []Finding
}

// Summary is the description with the sections it serves, as the engine shows it.
func (r Rule) Summary() string {
	return strings.TrimSuffix(r.Description, ".") + " (" + Cite(r.Sections) + ")."
}

// Evaluate runs every rule over the resources and returns the violations sorted by level,
// rule and URN.
func Evaluate(rules []Rule, resources []Resource, cfg Config) []Violation {
	var out []Violation
	for _, rule := range rules {
		types := map[string]bool{}
		for _, t := range rule.Types {
			types[t] = true
		}
		if rule.Check != nil {
			for _, r := range resources {
				if len(types) > 0 && !types[r.Type] {
					continue
				}
				for _, msg := range rule.Check(r, cfg) {
					out = append(out, Violation{Policy: rule.Name, Level: rule.Level, URN: r.URN, Message: msg})
				}
			}
		}
		if rule.CheckStack != nil {
			for _, f := range rule.CheckStack(resources, cfg) {
				out = append(out, Violation{Policy: rule.Name, Level: rule.Level, URN: f.URN, Message: f.Message})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Level != b.Level {
			return a.Level == Mandatory
		}
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		return a.URN < b.URN
	})
	return out
}

// Count returns the number of mandatory and advisory violations.
func Count(vs []Violation) (mandatory, advisory int) {
	for _, v := range vs {
		if v.Level == Mandatory {
			mandatory++
		} else {
			advisory++
		}
	}
	return mandatory, advisory
}
