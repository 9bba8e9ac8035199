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
	assert.Equal(t, "kubernetes:core/v1:ServiceAccount backend", m.Name())
}
