package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placeholders is a stack file as shipped: ciphertexts that no secrets provider made.
const placeholders = `config:
  releasetest:size: "1"
  releasetest:password:
    secure: AAABAHJlcGxhY2Utd2l0aC15b3VyLW93bi1zZWNyZXQ=
  releasetest:token:
    secure: AAABAHJlcGxhY2Utd2l0aC15b3VyLW93bi10b2tlbg==
`

func TestEverySecretThatCannotBeUsedIsNamed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := project(t, "dev")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(placeholders), 0o644))
	d, _ := open(t, dir, "dev", thing("healthhub:test:Thing", pulumi.Map{}))
	keys := []string{"releasetest:password", "releasetest:token", "releasetest:pagerUrl", "releasetest:size"}

	err := d.CheckSecrets(ctx, keys)
	var serr *SecretsError
	require.ErrorAs(t, err, &serr)
	assert.Equal(t, []SecretProblem{
		{"releasetest:password", "cannot be decrypted by the stack's secrets provider (bad value)"},
		{"releasetest:token", "cannot be decrypted by the stack's secrets provider (bad value)"},
		{"releasetest:pagerUrl", "is not set"},
		{"releasetest:size", "is stored in plain text in the stack file"},
	}, serr.Problems, "key by key, in the order asked")
	for _, k := range keys {
		assert.Contains(t, err.Error(), "pulumi config set --secret "+k+" <value> -s dev")
	}
	assert.NotContains(t, err.Error(), "stdout:", "not the CLI's captured output")

	set := auto.ConfigMap{}
	for _, k := range keys {
		set[k] = auto.ConfigValue{Value: "a-real-value-" + k, Secret: true}
	}
	require.NoError(t, d.stack.SetAllConfig(ctx, set))
	require.NoError(t, d.CheckSecrets(ctx, keys), "once set, every secret decrypts")
	_, err = d.Preview(ctx)
	require.NoError(t, err, "and the engine runs")
}

// shipped copies the estate's own Pulumi.yaml and a shipped stack file, placeholder
// ciphertexts included, into a project directory.
func shipped(t *testing.T, stack string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi." + stack + ".yaml"} {
		body, err := os.ReadFile(filepath.Join("..", "..", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), body, 0o644))
	}
	return dir
}

// The estate's project declares every cloud's secrets, each with an empty default, so a GCP
// stack reads the AWS estate's as unset. Asked for its own cloud's secrets, the driver names
// each shipped placeholder (a GCP stack's pager alone, an Azure stack's pager and cache token),
// and once they are set the check
// passes, though on GCP the AWS keys stay unset; asked for those, it would fail the stack.
func TestShippedStacksNameTheirOwnSecrets(t *testing.T) {
	t.Parallel()
	aws := []string{"healthhub:databasePassword", "healthhub:cacheAuthToken", "healthhub:openaiApiKey",
		"healthhub:azureSpeechKey", "healthhub:googleVisionKey", "healthhub:pagerUrl"}
	tests := []struct {
		stack     string
		keys      []string // the secrets the stack's cloud requires
		otherKeys []string // required on another cloud only
	}{
		{"dev", aws, nil},
		{"production-gcp", []string{"healthhub:pagerUrl"}, aws[:5]},
		{"dev-gcp", []string{"healthhub:pagerUrl"}, aws[:5]},
		{"production-azure", []string{"healthhub:cacheAuthToken", "healthhub:pagerUrl"}, []string{"healthhub:databasePassword", "healthhub:openaiApiKey", "healthhub:azureSpeechKey", "healthhub:googleVisionKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d, _ := open(t, shipped(t, tt.stack), tt.stack, thing("healthhub:test:Thing", pulumi.Map{}))

			err := d.CheckSecrets(ctx, tt.keys)
			var serr *SecretsError
			require.ErrorAs(t, err, &serr)
			var want []SecretProblem
			for _, k := range tt.keys {
				want = append(want, SecretProblem{k, "cannot be decrypted by the stack's secrets provider (bad value)"})
			}
			assert.Equal(t, want, serr.Problems, "each shipped placeholder, and nothing else")
			assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("stack %s: %d secret", tt.stack, len(tt.keys))), err.Error())

			set := auto.ConfigMap{}
			for _, k := range tt.keys {
				set[k] = auto.ConfigValue{Value: "a-real-value-0123456789", Secret: true}
			}
			require.NoError(t, d.stack.SetAllConfig(ctx, set))
			require.NoError(t, d.CheckSecrets(ctx, tt.keys), "once set, the stack's own secrets are all it needs")

			if len(tt.otherKeys) == 0 {
				return
			}
			err = d.CheckSecrets(ctx, tt.otherKeys)
			require.ErrorAs(t, err, &serr)
			assert.Len(t, serr.Problems, len(tt.otherKeys))
			for _, p := range serr.Problems {
				assert.Equal(t, "is not set", p.Reason, "%s: the project's empty default", p.Key)
			}
		})
	}
}

func TestWrongPassphraseIsAProviderError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := project(t, "dev")
	d, _ := open(t, dir, "dev", thing("healthhub:test:Thing", pulumi.Map{}))
	require.NoError(t, d.stack.SetConfig(ctx, "releasetest:password", auto.ConfigValue{Value: "hunter2-hunter2", Secret: true}))

	other, _ := open(t, dir, "dev", thing("healthhub:test:Thing", pulumi.Map{}))
	other.stack.Workspace().SetEnvVar(envPassphrase, "not-the-passphrase")
	err := other.CheckSecrets(ctx, []string{"releasetest:password"})
	var perr *ProviderError
	require.ErrorAs(t, err, &perr, "a wrong passphrase is not a bad secret")
	assert.Contains(t, err.Error(), "incorrect passphrase")
	assert.Contains(t, err.Error(), envPassphrase)
}

func TestSecretsProviderIsCheckedBeforeTheEngine(t *testing.T) {
	salted := "encryptionsalt: v1:c2FsdHNhbHQ=:v1:bm9uY2Vub25jZQ==:Y2lwaGVy\nconfig: {}\n"
	kms := "secretsprovider: awskms://alias/healthhub-state\nencryptedkey: a2V5\nconfig: {}\n"
	tests := []struct {
		name      string
		stackFile string // "" writes none
		opts      Options
		env       map[string]string
		want      string // "" wants no error
	}{
		{"new stack on a file backend, no passphrase", "", Options{Backend: "file:///tmp/state"}, nil, "export PULUMI_CONFIG_PASSPHRASE"},
		{"the backend from the environment", "", Options{}, map[string]string{"PULUMI_BACKEND_URL": "s3://state-bucket"}, "PULUMI_CONFIG_PASSPHRASE_FILE"},
		{"stack file with a salt, no passphrase", salted, Options{}, nil, "--secrets-provider awskms://"},
		{"passphrase flag, no passphrase", "", Options{SecretsProvider: "passphrase"}, nil, "export PULUMI_CONFIG_PASSPHRASE"},
		{"passphrase file that is not there", salted, Options{}, map[string]string{envPassphraseFile: "/nonexistent/passphrase"}, "PULUMI_CONFIG_PASSPHRASE_FILE=/nonexistent/passphrase cannot be read"},
		{"passphrase set", salted, Options{}, map[string]string{envPassphrase: "s3cret"}, ""},
		{"empty passphrase set, as the CLI allows", salted, Options{}, map[string]string{envPassphrase: ""}, ""},
		{"passphrase in the driver's environment", salted, Options{Env: map[string]string{envPassphrase: "s3cret"}}, nil, ""},
		{"passphrase file", salted, Options{}, map[string]string{envPassphraseFile: "driver_test.go"}, ""},
		{"key service named by the flag", "", Options{Backend: "file:///tmp/state", SecretsProvider: "awskms://alias/x"}, nil, ""},
		{"key service named by the stack file", kms, Options{Backend: "file:///tmp/state"}, nil, ""},
		{"a backend with its own secrets service", "", Options{Backend: "https://api.pulumi.com"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{envPassphrase, envPassphraseFile, "PULUMI_BACKEND_URL"} {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			dir := project(t, "dev")
			require.NoError(t, os.Remove(filepath.Join(dir, "Pulumi.dev.yaml")))
			if tt.stackFile != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(tt.stackFile), 0o644))
			}
			opts := tt.opts
			opts.Dir, opts.Stack = dir, "dev"
			err := CheckSecretsProvider(opts)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			var perr *ProviderError
			require.ErrorAs(t, err, &perr)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "stack dev: "), err.Error())
		})
	}
}

func TestEngineFailureIsToldOnce(t *testing.T) {
	t.Parallel()
	dir := project(t, "dev")
	broken := func(ctx *pulumi.Context) error {
		return errors.New("the estate could not be built: healthhub:size is not a number")
	}
	d, progress := open(t, dir, "dev", broken)
	_, err := d.Preview(context.Background())
	var eng *EngineError
	require.ErrorAs(t, err, &eng)
	assert.Equal(t, 1, strings.Count(err.Error(), "healthhub:size is not a number"), err.Error())
	assert.NotContains(t, progress.String(), "healthhub:size is not a number", "told in the error, not also in the progress")
	for _, dump := range []string{"stdout:", "stderr:", "code: 1", "exit status"} {
		assert.NotContains(t, err.Error(), dump)
	}
	assert.True(t, strings.HasPrefix(err.Error(), "stack dev: preview failed:\n"), err.Error())
}
