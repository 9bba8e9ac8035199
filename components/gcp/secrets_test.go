package gcp

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	gcpSecret        = "gcp:secretmanager/secret:Secret"
	gcpSecretVersion = "gcp:secretmanager/secretVersion:SecretVersion"
	gcpSecretIAM     = "gcp:secretmanager/secretIamMember:SecretIamMember"
	backendMember    = "serviceAccount:" + backendSA
)

// cmekName is the id of the estate's key for a domain in a region, as Keys names it.
func cmekName(region, domain string) string {
	return fmt.Sprintf("projects/%s/locations/%s/keyRings/hh-%s/cryptoKeys/%s", gcpkittest.Project, region, region, domain)
}

var (
	secretsKey   = cmekName(gcpkittest.PrimaryRegion, "secrets")
	drSecretsKey = cmekName(gcpkittest.DRRegion, "secrets")
)

func secretsArgs(mutate func(*SecretsArgs)) *SecretsArgs {
	secret := func(v string) pulumi.StringInput { return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput) }
	a := &SecretsArgs{
		Prefix: "hh",
		// A plain value too: the component makes it secret.
		Values: map[string]pulumi.StringInput{"openai": secret("sk-test"), "smtp": pulumi.String("smtp-password")},
		Replicas: []SecretReplica{
			{Location: gcpkittest.PrimaryRegion, KmsKeyName: pulumi.String(secretsKey)},
			{Location: gcpkittest.DRRegion, KmsKeyName: pulumi.String(drSecretsKey)},
		},
		Readers: map[string][]pulumi.StringInput{"openai": {pulumi.String(backendMember)}},
		Protect: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestSecretsDefaults(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		s, err := NewSecrets(ctx, "secrets", secretsArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("openai", s.Id("openai"))
		ctx.Export("ids", s.Ids)
		return nil
	})
	replica := func(region, key string) map[string]any {
		return map[string]any{"location": region, "customerManagedEncryption": map[string]any{"kmsKeyName": key}}
	}
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: gcpSecret, Name: "hh-openai", Path: "secretId", Want: "hh-openai"},
		{Type: gcpSecret, Name: "hh-openai", Path: "replication.userManaged.replicas", Want: []any{
			replica(gcpkittest.PrimaryRegion, secretsKey), replica(gcpkittest.DRRegion, drSecretsKey),
		}},
		{Type: gcpSecret, Name: "hh-openai", Path: "versionDestroyTtl", Want: "2592000s"},
		{Type: gcpSecret, Name: "hh-openai", Path: "labels.data-classification", Want: "phi"},
		{Type: gcpSecret, Name: "hh-smtp", Path: "replication.userManaged.replicas[1].location", Want: gcpkittest.DRRegion},
		{Type: gcpSecretVersion, Name: "hh-openai", Path: "secret", Want: "projects/healthhub-test/secrets/hh-openai"},
		{Type: gcpSecretIAM, Name: "hh-openai-reader-0", Path: "secretId", Want: "projects/healthhub-test/secrets/hh-openai"},
		{Type: gcpSecretIAM, Name: "hh-openai-reader-0", Path: "role", Want: "roles/secretmanager.secretAccessor"},
		{Type: gcpSecretIAM, Name: "hh-openai-reader-0", Path: "member", Want: backendMember},
	})
	for _, r := range m.ByType(gcpSecret) {
		_, auto := r.Get("replication.auto")
		assert.False(t, auto, "%s: Google chooses no location", r.Name)
	}
	assert.Len(t, m.ByType(gcpSecretIAM), 1, "a secret nobody is granted is read by nobody")
	assert.Empty(t, m.ByType("gcp:projects/iAMMember:IAMMember"), "no project-wide grant")

	assert.Equal(t, "projects/healthhub-test/secrets/hh-openai", m.Outputs()["openai"].Value)
	assert.Equal(t, map[string]any{
		"openai": "projects/healthhub-test/secrets/hh-openai", "smtp": "projects/healthhub-test/secrets/hh-smtp",
	}, m.Outputs()["ids"].Value)
	assert.Empty(t, gcpkittest.Violations(m, "production"), "the secrets pass the whole policy pack")
}

func TestSecretsStaySecret(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewSecrets(ctx, "secrets", secretsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	for _, name := range []string{"hh-openai", "hh-smtp"} {
		v, ok := m.Find(gcpSecretVersion, name)
		require.True(t, ok, name)
		data, _ := v.Get("secretData")
		assert.Equal(t, "[secret]", data, "%s is a secret in state and plans", name)
	}
}

func TestSecretsProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
			_, err := NewSecrets(ctx, "secrets", secretsArgs(func(a *SecretsArgs) { a.Protect = protect }), pulumi.Provider(p.Primary))
			return err
		})
		for _, r := range m.ByType(gcpSecret) {
			assert.Equal(t, protect, r.Protect, r.Name)
			assert.Equal(t, protect, r.RetainOnDelete, r.Name)
		}
	}
}

func TestSecretsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecretsArgs)
		want   string
	}{
		{"bad prefix", func(a *SecretsArgs) { a.Prefix = "-hh" }, `Secrets: Prefix = "-hh": must start with a letter`},
		{"no values", func(a *SecretsArgs) { a.Values = nil }, "Secrets: Values = <nil>: required"},
		{"bad name", func(a *SecretsArgs) { a.Values["Open_AI"] = pulumi.String("x") }, `Secrets: Values = "Open_AI": names must be DNS labels`},
		{"nil value", func(a *SecretsArgs) { a.Values["smtp"] = nil }, `Secrets: Values["smtp"] = <nil>: required`},
		{"automatic replication", func(a *SecretsArgs) { a.Replicas = nil }, "Secrets: Replicas = []: required"},
		{"multi-region", func(a *SecretsArgs) { a.Replicas[1].Location = "eu" }, `Secrets: Replicas[1].Location = "eu": must be a region`},
		{"same location twice", func(a *SecretsArgs) { a.Replicas[1].Location = gcpkittest.PrimaryRegion }, `Secrets: Replicas[1].Location = "europe-west2": must be a region such as europe-west2, once`},
		{"replica without key", func(a *SecretsArgs) { a.Replicas[1].KmsKeyName = nil }, "Secrets: Replicas[1].KmsKeyName = <nil>: required"},
		{"reader of an unknown secret", func(a *SecretsArgs) { a.Readers["vision"] = nil }, `Secrets: Readers = "vision": names a secret that has no value`},
		{"nil reader", func(a *SecretsArgs) { a.Readers["openai"] = []pulumi.StringInput{nil} }, `Secrets: Readers["openai"][0] = <nil>: required`},
		{"unlabelled", func(a *SecretsArgs) { a.Labels = nil }, "Secrets: Labels = map[]: must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewSecrets(ctx, "secrets", secretsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
