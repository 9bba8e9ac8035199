// Package audit runs the policy rules over what already exists: a saved offline plan
// (`estate plan --json`) or a deployed stack's state (`pulumi stack export`), offline.
package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// Format names what a file held.
type Format string

const (
	FormatPlan  Format = "plan"
	FormatState Format = "state"
)

// Snapshot is the set of resources read from a file.
type Snapshot struct {
	Format    Format
	Stack     string // from the plan; empty for a state export
	Resources []rules.Resource
}

// secretSig marks a secret in Pulumi's serialized state.
const secretSig = "4dabf18193072939515e22adb298388d"

type stateResource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Parent       string         `json:"parent"`
	Provider     string         `json:"provider"`
	Protect      bool           `json:"protect"`
	Dependencies []string       `json:"dependencies"`
	Inputs       map[string]any `json:"inputs"`
}

// Parse reads a plan or a state export. Anything else gets an error saying what was expected.
func Parse(data []byte) (*Snapshot, error) {
	var probe struct {
		Deployment *struct {
			Resources []stateResource `json:"resources"`
		} `json:"deployment"`
		Stack     *string         `json:"stack"`
		Resources json.RawMessage `json:"resources"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&probe); err != nil {
		return nil, fmt.Errorf("not JSON: %w (expected `estate plan --json` output or `pulumi stack export` output)", err)
	}
	switch {
	case probe.Deployment != nil:
		return fromState(probe.Deployment.Resources)
	case probe.Stack != nil && len(probe.Resources) > 0:
		var resources []plan.Resource
		if err := json.Unmarshal(probe.Resources, &resources); err != nil {
			return nil, fmt.Errorf("plan resources are malformed: %w", err)
		}
		return fromPlan(*probe.Stack, resources)
	}
	return nil, errors.New(`neither a plan (no "stack" and "resources") nor a state export (no "deployment"): expected ` +
		"`estate plan --json` output or `pulumi stack export` output")
}

// fromState reads a state export as plan resources: the name is the URN's last part and the
// provider reference ("urn::id") loses its ID.
func fromState(in []stateResource) (*Snapshot, error) {
	resources := make([]plan.Resource, len(in))
	for i, r := range in {
		resources[i] = plan.Resource{
			URN: r.URN, Type: r.Type, Name: r.URN[strings.LastIndex(r.URN, "::")+len("::"):], Parent: r.Parent,
			Provider: r.Provider, Protect: r.Protect, Dependencies: r.Dependencies, Inputs: r.Inputs,
		}
	}
	return snapshot(FormatState, "", resources)
}

func fromPlan(stack string, in []plan.Resource) (*Snapshot, error) {
	return snapshot(FormatPlan, stack, in)
}

// snapshot turns resources into what the rules read, leaving out the stack itself.
func snapshot(format Format, stack string, in []plan.Resource) (*Snapshot, error) {
	records := make([]rules.Record, 0, len(in))
	for i, r := range in {
		if r.URN == "" || r.Type == "" {
			return nil, fmt.Errorf("%s resource %d has no urn or type", format, i)
		}
		if r.Type == "pulumi:pulumi:Stack" {
			continue
		}
		records = append(records, rules.Record{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider,
			Protect: r.Protect, Dependencies: r.Dependencies, Inputs: inputsOf(r.Inputs),
		})
	}
	return &Snapshot{Format: format, Stack: stack, Resources: estate.Resources(records)}, nil
}

func inputsOf(in map[string]any) map[string]any {
	if in == nil {
		return map[string]any{}
	}
	return plain(in).(map[string]any)
}

// plain turns decoded JSON into what rules read: serialized secrets become rules.Secret,
// numbers become int64 where whole.
func plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t[secretSig]; ok {
			return rules.Secret
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		f, _ := t.Float64()
		return f
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
		return t
	}
	return v
}
