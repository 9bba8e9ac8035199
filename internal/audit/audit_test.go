package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
)

// A trimmed `pulumi stack export`: a provider, a key referring to it, and a secret input.
const stateExport = `{
  "version": 3,
  "deployment": {
    "manifest": {"time": "2026-11-01T00:00:00Z"},
    "resources": [
      {"urn": "urn:pulumi:production::healthhub::pulumi:pulumi:Stack::healthhub-production", "custom": false, "type": "pulumi:pulumi:Stack"},
      {"urn": "urn:pulumi:production::healthhub::pulumi:providers:aws::aws-primary", "custom": true, "id": "p1",
       "type": "pulumi:providers:aws", "inputs": {"region": "eu-west-2"}},
      {"urn": "urn:pulumi:production::healthhub::healthhub:aws:Keys$aws:kms/key:Key::db", "custom": true, "id": "k1",
       "type": "aws:kms/key:Key", "protect": true,
       "provider": "urn:pulumi:production::healthhub::pulumi:providers:aws::aws-primary::p1",
       "inputs": {"enableKeyRotation": true, "rotationPeriodInDays": 365,
                  "policy": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}},
       "dependencies": ["urn:pulumi:production::healthhub::pulumi:providers:aws::aws-primary"]}
    ]
  }
}`

func TestParseStateExport(t *testing.T) {
	s, err := Parse([]byte(stateExport))
	require.NoError(t, err)
	assert.Equal(t, FormatState, s.Format)
	require.Len(t, s.Resources, 2, "the stack resource is left out")
	key := s.Resources[1]
	assert.Equal(t, "db", key.Name)
	assert.Equal(t, "urn:pulumi:production::healthhub::pulumi:providers:aws::aws-primary", key.Provider, "the provider reference loses its ID")
	assert.Equal(t, "eu-west-2", key.Region)
	assert.True(t, key.Protect)
	assert.Equal(t, int64(365), key.Inputs["rotationPeriodInDays"])
	assert.Equal(t, rules.Secret, key.Inputs["policy"], "a serialized secret is never shown")
	assert.Equal(t, "eu-west-2", s.Resources[0].Region)
}

func TestParsePlan(t *testing.T) {
	s, err := Parse([]byte(`{"stack": "production", "project": "healthhub", "resources": [
	  {"urn": "urn:pulumi:production::healthhub::pulumi:providers:aws::p", "type": "pulumi:providers:aws", "name": "p", "inputs": {"region": "eu-west-1"}},
	  {"urn": "urn:pulumi:production::healthhub::aws:s3/bucketV2:BucketV2::b", "type": "aws:s3/bucketV2:BucketV2", "name": "b",
	   "provider": "urn:pulumi:production::healthhub::pulumi:providers:aws::p", "inputs": {"forceDestroy": false}}],
	  "summary": {}}`))
	require.NoError(t, err)
	assert.Equal(t, FormatPlan, s.Format)
	assert.Equal(t, "production", s.Stack)
	require.Len(t, s.Resources, 2)
	assert.Equal(t, "eu-west-1", s.Resources[1].Region)
	assert.Equal(t, false, s.Resources[1].Inputs["forceDestroy"])
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"not JSON", "resources: []", "not JSON"},
		{"other JSON", `{"hello": "world"}`, "neither a plan"},
		{"plan with a bad resource list", `{"stack": "s", "resources": {"a": 1}}`, "plan resources are malformed"},
		{"state resource without type", `{"deployment": {"resources": [{"urn": "urn:x"}]}}`, "state resource 0 has no urn or type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			require.ErrorContains(t, err, tt.want)
		})
	}
}
