package release

import (
	"context"
	"fmt"
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
	// Secrets are the paths of values the engine masked as secrets.
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

// SecretMask is how the engine's events show a secret value.
const SecretMask = "[secret]"

func manifest(urn, typ string, inputs map[string]any) Manifest {
	m := Manifest{URN: urn, Type: typ, Object: map[string]any{}}
	if typ == helmRelease {
		for _, k := range []string{"chart", "version", "repositoryOpts", "namespace", "name", "values"} {
			if v, ok := inputs[k]; ok {
				m.Object[k] = v
			}
		}
	} else {
		for k, v := range inputs {
			// The provider's own bookkeeping (__fieldManager, __inputs ...) is not the object's.
			if !strings.HasPrefix(k, "__") {
				m.Object[k] = v
			}
		}
	}
	walk("", m.Object, func(path string, v any) {
		switch v {
		case SecretMask:
			m.Secrets = append(m.Secrets, path)
		case plugin.UnknownStringValue:
			m.Unknown = append(m.Unknown, path)
		}
	})
	sort.Strings(m.Secrets)
	sort.Strings(m.Unknown)
	return m
}

// walk calls visit for every leaf of v with its property path.
func walk(path string, v any, visit func(string, any)) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if strings.ContainsAny(k, "./") {
				p = fmt.Sprintf("%s[%q]", path, k)
			}
			walk(p, child, visit)
		}
	case []any:
		for i, child := range t {
			walk(fmt.Sprintf("%s[%d]", path, i), child, visit)
		}
	default:
		visit(path, v)
	}
}
