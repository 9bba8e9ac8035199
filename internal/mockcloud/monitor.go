// Package mockcloud runs the real program in-process under Pulumi's mock monitor and records
// every resource and provider it registers. The offline plan and every test use it; nothing here
// talks to a cloud.
package mockcloud

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/healthhub/estate/policy/rules"
)

// Resource is what the program registered: the same facts `pulumi preview` shows.
type Resource struct {
	URN            string
	Type           string
	Name           string
	Parent         string
	Provider       string // URN of the provider resource, empty for components and default providers
	Custom         bool
	Protect        bool
	RetainOnDelete bool
	IgnoreChanges  []string // input paths a later update leaves alone (pulumi.IgnoreChanges)
	Dependencies   []string
	Inputs         resource.PropertyMap
}

// IsProvider reports whether the resource is a provider instance.
func (r Resource) IsProvider() bool { return strings.HasPrefix(r.Type, "pulumi:providers:") }

// Get reads an input by property path (e.g. "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")
// and returns it as plain Go data. ok is false when the path is absent.
func (r Resource) Get(path string) (any, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return nil, false
	}
	v, ok := p.Get(resource.NewProperty(r.Inputs))
	if !ok || v.IsNull() {
		return nil, false
	}
	return rules.Plain(v), true
}

// Monitor implements pulumi.MockResourceMonitor and records what it is given.
type Monitor struct {
	project, stack string

	mu        sync.Mutex
	resources []Resource
	regions   map[string]string               // provider URN -> region or location
	providers map[string]resource.PropertyMap // provider URN -> its inputs (a GCP provider's project, ...)
	outputs   map[string]Output               // the root stack's outputs, once the program has run
}

// New returns a recording monitor for one project and stack.
func New(project, stack string) *Monitor {
	return &Monitor{project: project, stack: stack, regions: map[string]string{}, providers: map[string]resource.PropertyMap{}}
}

// StackURN is the URN of the root stack resource.
func (m *Monitor) StackURN() string {
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), "",
		resource.RootStackType, m.project+"-"+m.stack))
}

// Run executes program as a preview would, with the given config (full keys such as
// "healthhub:cloud") and the keys among them that are secret.
func (m *Monitor) Run(config map[string]string, secretKeys []string, program pulumi.RunFunc) error {
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project:          m.project,
		Stack:            m.stack,
		Config:           config,
		ConfigSecretKeys: secretKeys,
		DryRun:           true,
		Parallel:         16,
		Mocks:            m,
	})
	if err != nil {
		return err
	}
	defer ctx.Close()
	var exports map[string]pulumi.Input
	err = pulumi.RunWithContext(ctx, func(ctx *pulumi.Context) error {
		err := program(ctx)
		// The mock monitor hands RegisterResourceOutputs nothing, so the stack's outputs are
		// read from the context once the program has exported them.
		exports = ctx.GetCurrentExportMap()
		return err
	})
	if err != nil {
		return err
	}
	return m.recordOutputs(exports)
}

// Output is one stack output as a preview would show it.
type Output struct {
	Value  any // plain Go data; nil when null or not known yet
	Known  bool
	Secret bool
}

// recordOutputs resolves each export; every pending output has settled once the program ran.
func (m *Monitor) recordOutputs(exports map[string]pulumi.Input) error {
	outputs := make(map[string]Output, len(exports))
	for name, v := range exports {
		if v == nil {
			outputs[name] = Output{Known: true}
			continue
		}
		r, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(v))
		if err != nil {
			return fmt.Errorf("stack output %s: %w", name, err)
		}
		outputs[name] = Output{Value: plainOutput(reflect.ValueOf(r.Value)), Known: r.Known, Secret: r.Secret}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outputs = outputs
	return nil
}

// plainOutput turns a resolved output (pulumi.ID, map[string]string, []int, ...) into the plain
// data the rest of the plan uses: string, bool, int, float64, []any and map[string]any.
func plainOutput(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return plainOutput(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(v.Int())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Slice, reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plainOutput(v.Index(i))
		}
		return out
	case reflect.Map:
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[fmt.Sprint(it.Key().Interface())] = plainOutput(it.Value())
		}
		return out
	}
	return v.Interface()
}

// Outputs returns the root stack's outputs by name, as the program exported them.
func (m *Monitor) Outputs() map[string]Output {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.outputs)
}

// urn repeats the mock monitor's URN scheme, which the SDK does not hand to NewResource.
func (m *Monitor) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType,
		tokens.Type(typ), name))
}

// NewResource records the registration and answers with realistic state.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	req := args.RegisterRPC
	r := Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if req != nil {
		r.Parent = req.GetParent()
		r.Protect = req.GetProtect()
		r.RetainOnDelete = req.GetRetainOnDelete()
		r.IgnoreChanges = req.GetIgnoreChanges()
		r.Dependencies = req.GetDependencies()
		r.Provider = rules.ProviderURN(req.GetProvider())
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	id := fakeID(r.Type, r.URN)

	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = append(m.resources, r)
	if r.IsProvider() {
		m.providers[r.URN] = args.Inputs
		// The provider's region as the rules read it; one not known yet answers no invoke.
		if region := rules.RegionOf(r.Type, rules.PlainMap(args.Inputs), "", nil); !rules.IsUnknown(region) {
			m.regions[r.URN] = region
		}
		return id, args.Inputs, nil
	}
	state := m.state(r, id)
	if v, ok := state["id"]; ok && v.IsString() {
		id = v.StringValue()
	}
	return id, state, nil
}

// state is inputs plus the outputs a provider would compute, so that programs reading
// arn, id or name of one resource to configure another see plausible values. What a cloud
// computes beyond a name and an id is that provider package's hook (aws_invokes.go, ...).
func (m *Monitor) state(r Resource, id string) resource.PropertyMap {
	out := r.Inputs.Copy()
	if !r.Custom {
		return out
	}
	pkg, _, _ := splitType(r.Type)
	if _, ok := out["name"]; !ok {
		out["name"] = resource.NewProperty(r.Name + "-" + id[len(id)-7:])
	}
	if c, ok := clouds[pkg]; ok && c.state != nil {
		c.state(r, id, providerInfo{Region: m.regions[r.Provider], Inputs: m.providers[r.Provider]}, out)
	}
	// A hook may give the resource the id its cloud would (GCP's resource paths).
	if v, ok := out["id"]; !ok || !v.IsString() {
		out["id"] = resource.NewProperty(id)
	}
	return out
}

// splitType splits "aws:kms/key:Key" into ("aws", "kms", "Key").
func splitType(t string) (pkg, module, kind string) {
	parts := strings.SplitN(t, ":", 3)
	if len(parts) != 3 {
		return t, "", ""
	}
	module, _, _ = strings.Cut(parts[1], "/")
	return parts[0], module, parts[2]
}

// fakeID is stable per URN, shaped like the cloud's IDs (vpc-0a1b2c..., subnet-...).
func fakeID(typ, urn string) string {
	sum := sha256.Sum256([]byte(urn))
	_, _, kind := splitType(typ)
	prefix := strings.ToLower(kind)
	if prefix == "" {
		prefix = "id"
	}
	return prefix + "-0" + hex.EncodeToString(sum[:])[:16]
}

// Region returns the region (or Azure location) of a provider URN, as the program configured it.
func (m *Monitor) Region(providerURN string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.regions[providerURN]
}

// providerInputs returns what the program configured a provider with; nil for a default provider.
func (m *Monitor) providerInputs(providerURN string) resource.PropertyMap {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.providers[providerURN]
}

// Resources returns everything registered, parents before children, siblings sorted
// (providers, then by type and name), so output is the same on every run.
func (m *Monitor) Resources() []Resource {
	m.mu.Lock()
	all := append([]Resource(nil), m.resources...)
	m.mu.Unlock()

	children := map[string][]Resource{}
	known := map[string]bool{m.StackURN(): true}
	for _, r := range all {
		known[r.URN] = true
	}
	for _, r := range all {
		parent := r.Parent
		if !known[parent] {
			parent = m.StackURN()
		}
		children[parent] = append(children[parent], r)
	}
	ordered := make([]Resource, 0, len(all))
	var walk func(string)
	walk = func(parent string) {
		kids := children[parent]
		sort.Slice(kids, func(i, j int) bool {
			// Providers first, as `pulumi preview` lists them.
			if pi, pj := kids[i].IsProvider(), kids[j].IsProvider(); pi != pj {
				return pi
			}
			if kids[i].Type != kids[j].Type {
				return kids[i].Type < kids[j].Type
			}
			return kids[i].Name < kids[j].Name
		})
		for _, k := range kids {
			ordered = append(ordered, k)
			walk(k.URN)
		}
	}
	walk(m.StackURN())
	return ordered
}

// ByType returns the registered resources of one type.
func (m *Monitor) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource of a type with a logical name.
func (m *Monitor) Find(typ, name string) (Resource, bool) {
	for _, r := range m.ByType(typ) {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// CountByType counts registered resources per type.
func (m *Monitor) CountByType() map[string]int {
	counts := map[string]int{}
	for _, r := range m.Resources() {
		counts[r.Type]++
	}
	return counts
}
