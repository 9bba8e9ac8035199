package release

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// helmRelease is the Kubernetes provider's Helm release type: not an object of the API but a
// chart the provider installs.
const helmRelease = "kubernetes:helm.sh/v3:Release"

// Manifest is one Kubernetes object of the stack, as the engine's preview has it: the inputs
// the provider checked, with the platform's real values wherever the platform is deployed.
type Manifest struct {
	URN  string
	Type string
	// Object is the manifest (apiVersion, kind, metadata, ...); for a Helm release, its chart,
	// version, repository, namespace and values.
	Object map[string]any
	// Secrets are the paths of values the engine masked as secrets; they are not in Object.
	Secrets []string
	// Unknown are the paths of values the preview cannot know yet (an output of a resource
	// not yet created).
	Unknown []string
}

// Name is the object's "type name", as the driver's messages name resources.
func (m Manifest) Name() string { return resource(m.URN) }

// HelmRelease reports a chart rather than an API object.
func (m Manifest) HelmRelease() bool { return m.Type == helmRelease }

// Manifests previews the stack and returns its Kubernetes objects in the order the engine
// registers them, which puts each object after what it depends on (namespaces first).
func (d *Driver) Manifests(ctx context.Context) ([]Manifest, error) {
	var mu sync.Mutex
	var out []Manifest
	seen := map[string]bool{}
	d.observe = func(e events.EngineEvent) {
		pre := e.ResourcePreEvent
		if pre == nil || pre.Metadata.New == nil || !strings.HasPrefix(pre.Metadata.Type, "kubernetes:") || pre.Metadata.Op == "delete" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[pre.Metadata.URN] {
			return
		}
		seen[pre.Metadata.URN] = true
		out = append(out, manifest(pre.Metadata.URN, pre.Metadata.Type, pre.Metadata.New.Inputs))
	}
	defer func() { d.observe = nil }()
	if _, err := d.Preview(ctx); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	return out, nil
}

// secretMask is how the engine's events show a secret value.
const secretMask = "[secret]"

func manifest(urn, typ string, inputs map[string]any) Manifest {
	m := Manifest{URN: urn, Type: typ, Object: map[string]any{}}
	for k, v := range inputs {
		switch {
		case typ == helmRelease && !slices.Contains([]string{"chart", "version", "repositoryOpts", "namespace", "name", "values"}, k):
		// The provider's own bookkeeping (__fieldManager, __inputs ...) is not the object's.
		case strings.HasPrefix(k, "__"):
		default:
			m.Object[k] = v
		}
	}
	m.Object = m.scan("", m.Object).(map[string]any)
	sort.Strings(m.Secrets)
	sort.Strings(m.Unknown)
	return m
}

// scan returns v without the values the engine masked as secrets, recording their paths in
// Secrets and the paths of unknown values in Unknown: a secret is never written out.
func (m *Manifest) scan(path string, v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, child := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if strings.ContainsAny(k, "./") {
				p = fmt.Sprintf("%s[%q]", path, k)
			}
			if child != secretMask {
				out[k] = m.scan(p, child)
				continue
			}
			m.Secrets = append(m.Secrets, p)
		}
		return out
	case []any:
		var out []any
		for i, child := range t {
			p := fmt.Sprintf("%s[%d]", path, i)
			if child != secretMask {
				out = append(out, m.scan(p, child))
				continue
			}
			m.Secrets = append(m.Secrets, p)
		}
		return out
	}
	if v == plugin.UnknownStringValue {
		m.Unknown = append(m.Unknown, path)
	}
	return v
}
