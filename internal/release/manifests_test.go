package release

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/stretchr/testify/assert"
)

// The preview's events are read into manifests: the provider's bookkeeping dropped, secrets
// and unknowns found wherever they are.
func TestManifestFromPreviewInputs(t *testing.T) {
	m := manifest("urn:pulumi:prod::healthhub::kubernetes:core/v1:ServiceAccount::backend", "kubernetes:core/v1:ServiceAccount", map[string]any{
		"apiVersion": "v1", "kind": "ServiceAccount", "__fieldManager": "pulumi-kubernetes",
		"metadata": map[string]any{"name": "backend", "annotations": map[string]any{"eks.amazonaws.com/role-arn": plugin.UnknownStringValue, "note": "[secret]"}},
	})
	assert.NotContains(t, m.Object, "__fieldManager")
	assert.Equal(t, []string{`metadata.annotations["eks.amazonaws.com/role-arn"]`}, m.Unknown)
	assert.Equal(t, []string{"metadata.annotations.note"}, m.Secrets)
	assert.NotContains(t, m.Object["metadata"].(map[string]any)["annotations"], "note", "a secret is never written out")
	assert.Equal(t, "kubernetes:core/v1:ServiceAccount backend", m.Name())
}

// A Helm release keeps only its chart, version, repository, namespace, name and values, and a
// masked value in a list is dropped from it.
func TestManifestOfAHelmRelease(t *testing.T) {
	m := manifest("urn:pulumi:prod::healthhub::kubernetes:helm.sh/v3:Release::monitoring", helmRelease, map[string]any{
		"chart": "kube-prometheus-stack", "version": "88.5.3", "atomic": true,
		"values": map[string]any{"receivers": []any{map[string]any{"name": "pager", "url": "[secret]"}}, "keys": []any{"[secret]", "public"}},
	})
	assert.Equal(t, map[string]any{
		"chart": "kube-prometheus-stack", "version": "88.5.3",
		"values": map[string]any{"receivers": []any{map[string]any{"name": "pager"}}, "keys": []any{"public"}},
	}, m.Object)
	assert.Equal(t, []string{"values.keys[0]", "values.receivers[0].url"}, m.Secrets)
	assert.True(t, m.HelmRelease())
}
