package stackfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadAppliesDefaultsAndBlindsSecrets(t *testing.T) {
	dir := t.TempDir()
	proj, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(`config:
  healthhub:environment: dev
  healthhub:allowedRegions: [eu-west-2, eu-west-1]
  healthhub:aws:
    vpcCidr: 10.30.0.0/16
  thirdparty:apiToken:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealCiphertext
`), 0o644))

	s, err := Load(dir, "dev")
	require.NoError(t, err)
	assert.Equal(t, "healthhub", s.Project)
	assert.Equal(t, "dev", s.Config["healthhub:environment"])
	assert.Equal(t, "aws", s.Config["healthhub:cloud"], "project default applied")
	assert.Equal(t, "2555", s.Config["healthhub:retentionDays"], "integer default as text")
	assert.JSONEq(t, `["eu-west-2","eu-west-1"]`, s.Config["healthhub:allowedRegions"])
	assert.JSONEq(t, `{"vpcCidr":"10.30.0.0/16"}`, s.Config["healthhub:aws"], "a stack value replaces the default object")
	assert.JSONEq(t, `["*"]`, s.Config["pulumi:disable-default-providers"], "project values reach the program")
	assert.Equal(t, "[secret]", s.Config["thirdparty:apiToken"])
	assert.Equal(t, []string{"thirdparty:apiToken"}, s.SecretKeys)
	assert.Equal(t, "dev", s.Short("healthhub")["environment"])
	assert.Equal(t, []string{"dev"}, List(dir))
}

func TestLoadMissingStack(t *testing.T) {
	_, err := Load("../..", "nope")
	require.ErrorIs(t, err, ErrNoStackFile)
	assert.ErrorContains(t, err, "production")
}
