// Package mockcloud runs the real program in-process under Pulumi's mock monitor and records
// every resource and provider it registers. The offline plan and every test use it; nothing here
// talks to a cloud.
package mockcloud

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/policy/rules"
)

// AccountID is the AWS account the mocks pretend to run in.
const AccountID = "123456789012"

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
	regions   map[string]string // provider URN -> region
}

// New returns a recording monitor for one project and stack.
func New(project, stack string) *Monitor {
	return &Monitor{project: project, stack: stack, regions: map[string]string{}}
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
	return pulumi.RunWithContext(ctx, program)
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

// providerURN strips the "::id" of a provider reference.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

// NewResource records the registration and answers with realistic state.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	req := args.RegisterRPC
	r := Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if req != nil {
		r.Parent = req.GetParent()
		r.Protect = req.GetProtect()
		r.RetainOnDelete = req.GetRetainOnDelete()
		r.Dependencies = req.GetDependencies()
		r.Provider = providerURN(req.GetProvider())
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	id := fakeID(r.Type, r.URN)

	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = append(m.resources, r)
	if r.IsProvider() {
		if region, ok := args.Inputs["region"]; ok && region.IsString() {
			m.regions[r.URN] = region.StringValue()
		}
		return id, args.Inputs, nil
	}
	return id, m.state(r, id), nil
}

// state is inputs plus the outputs a provider would compute, so that programs reading
// arn, id or name of one resource to configure another see plausible values.
func (m *Monitor) state(r Resource, id string) resource.PropertyMap {
	out := r.Inputs.Copy()
	if !r.Custom {
		return out
	}
	region := m.regions[r.Provider]
	pkg, module, kind := splitType(r.Type)
	physical := r.Name + "-" + id[len(id)-7:]
	if _, ok := out["name"]; !ok {
		out["name"] = resource.NewProperty(physical)
	}
	if pkg == "aws" {
		if module == "s3" && strings.HasPrefix(kind, "Bucket") {
			if _, ok := out["bucket"]; !ok {
				out["bucket"] = resource.NewProperty(physical)
			}
			out["bucketRegionalDomainName"] = resource.NewProperty(fmt.Sprintf("%s.s3.%s.amazonaws.com", out["bucket"].StringValue(), region))
		}
		if _, ok := out["arn"]; !ok {
			out["arn"] = resource.NewProperty(awsARN(module, kind, region, out))
		}
		switch {
		case module == "apigateway" && kind == "RestApi":
			out["executionArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, AccountID, id))
			out["rootResourceId"] = resource.NewProperty("root-" + id[len(id)-7:])
		case module == "lambda" && kind == "Function":
			out["invokeArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, out["arn"].StringValue()))
		}
		if module == "eks" && kind == "Cluster" {
			// What EKS returns for a new cluster: its endpoint, CA and OIDC issuer.
			hexID := strings.ToUpper(id[len(id)-16:])
			out["endpoint"] = resource.NewProperty(fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", hexID, region))
			out["certificateAuthority"] = resource.NewProperty(resource.PropertyMap{"data": resource.NewProperty("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t")})
			out["identities"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"oidcs": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
					"issuer": resource.NewProperty(fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", region, hexID)),
				})}),
			})})
		}
	}
	out["id"] = resource.NewProperty(id)
	return out
}

// awsARN builds an ARN of the right shape for the service: S3 and IAM have no region or
// account parts where AWS leaves them out.
func awsARN(module, kind, region string, state resource.PropertyMap) string {
	name := state["name"].StringValue()
	switch module {
	case "s3":
		if b, ok := state["bucket"]; ok && b.IsString() {
			name = b.StringValue()
		}
		return "arn:aws:s3:::" + name
	case "iam":
		return fmt.Sprintf("arn:aws:iam::%s:%s/%s", AccountID, strings.ToLower(kind), name)
	case "cloudwatch":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, AccountID, name)
	}
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", module, region, AccountID, strings.ToLower(kind), name)
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

// Region returns the region of a provider URN, as the program configured it.
func (m *Monitor) Region(providerURN string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.regions[providerURN]
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
