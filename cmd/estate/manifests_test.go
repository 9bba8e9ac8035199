package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/healthhub/estate/internal/release"
)

func object(kind, namespace, name string, extra map[string]any) map[string]any {
	meta := map[string]any{"name": name}
	if namespace != "" {
		meta["namespace"] = namespace
	}
	obj := map[string]any{"apiVersion": "v1", "kind": kind, "metadata": meta}
	for k, v := range extra {
		obj[k] = v
	}
	return obj
}

func urn(typ, name string) string { return "urn:pulumi:prod::healthhub::" + typ + "::" + name }

// Objects are written one per file, in the engine's order, listed by a kustomization; a Helm
// release goes under helm/ with its secret values left out and named.
func TestWriteManifests(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rendered")
	ms := []release.Manifest{
		{URN: urn("kubernetes:core/v1:Namespace", "backend"), Type: "kubernetes:core/v1:Namespace", Object: object("Namespace", "", "backend", nil)},
		{URN: urn("kubernetes:core/v1:ServiceAccount", "backend"), Type: "kubernetes:core/v1:ServiceAccount", Object: object("ServiceAccount", "backend", "backend", map[string]any{"automountServiceAccountToken": false})},
		{URN: urn("kubernetes:helm.sh/v3:Release", "monitoring"), Type: "kubernetes:helm.sh/v3:Release",
			Object:  map[string]any{"name": "monitoring", "chart": "kube-prometheus-stack", "version": "88.5.3", "values": map[string]any{"receivers": []any{map[string]any{"name": "pager"}}}},
			Secrets: []string{"values.receivers[0].url"}},
	}
	var notes bytes.Buffer
	written, err := writeManifests(dir, ms, &notes)
	require.NoError(t, err)
	assert.Equal(t, []string{"000-namespace-backend.yaml", "001-backend-serviceaccount-backend.yaml", "helm/monitoring.yaml", "kustomization.yaml"}, written)

	var kustomization struct{ Resources []string }
	readYAML(t, filepath.Join(dir, "kustomization.yaml"), &kustomization)
	assert.Equal(t, []string{"000-namespace-backend.yaml", "001-backend-serviceaccount-backend.yaml"}, kustomization.Resources, "the chart is not a manifest")

	var sa map[string]any
	readYAML(t, filepath.Join(dir, "001-backend-serviceaccount-backend.yaml"), &sa)
	assert.Equal(t, ms[1].Object, sa)

	var chart map[string]any
	readYAML(t, filepath.Join(dir, "helm", "monitoring.yaml"), &chart)
	assert.Equal(t, []any{map[string]any{"name": "pager"}}, chart["values"].(map[string]any)["receivers"])
	assert.Contains(t, notes.String(), "helm/monitoring.yaml: values.receivers[0].url is a secret and is left out")
}

func TestWriteManifestsRefuses(t *testing.T) {
	ns := release.Manifest{URN: urn("kubernetes:core/v1:Namespace", "backend"), Type: "kubernetes:core/v1:Namespace", Object: object("Namespace", "", "backend", nil)}
	for _, tt := range []struct {
		name     string
		existing bool
		ms       []release.Manifest
		want     string
	}{
		{"a directory with files in it", true, []release.Manifest{ns}, "is not empty"},
		{"a value the preview does not know", false, []release.Manifest{{URN: urn("kubernetes:core/v1:ServiceAccount", "backend"), Type: "kubernetes:core/v1:ServiceAccount",
			Object: object("ServiceAccount", "backend", "backend", nil), Unknown: []string{`metadata.annotations["eks.amazonaws.com/role-arn"]`}}},
			`ServiceAccount backend: metadata.annotations["eks.amazonaws.com/role-arn"]`},
		{"a secret in an object", false, []release.Manifest{{URN: urn("kubernetes:core/v1:Secret", "token"), Type: "kubernetes:core/v1:Secret",
			Object: object("Secret", "backend", "token", nil), Secrets: []string{"stringData.token"}}},
			"Secret token: stringData.token is a secret, which a manifest would hold in clear text"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.existing {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "old.yaml"), nil, 0o644))
			}
			_, err := writeManifests(dir, tt.ms, &bytes.Buffer{})
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func readYAML(t *testing.T, path string, out any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, out))
}
