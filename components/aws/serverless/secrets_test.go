package serverless

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	drSecretsKey = "arn:aws:kms:eu-west-1:123456789012:key/secrets"
	chatRole     = "arn:aws:iam::123456789012:role/hh-assistant-chat"
	rotator      = "arn:aws:lambda:eu-west-2:123456789012:function:hh-rotate-secrets"
)

func secretsArgs(mutate func(*SecretsArgs)) *SecretsArgs {
	secret := func(v string) pulumi.StringInput { return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput) }
	a := &SecretsArgs{
		Prefix:    "hh",
		Values:    map[string]pulumi.StringInput{"openai": secret("sk-test"), "azure-speech": secret("az-test")},
		Readers:   map[string][]pulumi.StringInput{"openai": {pulumi.String(chatRole)}},
		KmsKeyArn: pulumi.String(secretsKey), DR: &SecretReplica{Region: "eu-west-1", KmsKeyArn: pulumi.String(drSecretsKey)},
		RotationLambdaArn: pulumi.String(rotator), Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestSecretsDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewSecrets(ctx, "secrets", secretsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const secret = "aws:secretsmanager/secret:Secret"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: secret, Name: "hh-openai", Path: "name", Want: "hh/openai"},
		{Type: secret, Name: "hh-openai", Path: "kmsKeyId", Want: secretsKey},
		{Type: secret, Name: "hh-openai", Path: "recoveryWindowInDays", Want: int64(30)},
		{Type: secret, Name: "hh-openai", Path: "replicas[0]", Want: map[string]any{"region": "eu-west-1", "kmsKeyId": drSecretsKey}},
		{Type: "aws:secretsmanager/secretVersion:SecretVersion", Name: "hh-openai", Path: "secretString", Want: "[secret]"},
		{Type: "aws:secretsmanager/secretRotation:SecretRotation", Name: "hh-openai", Path: "rotationRules.automaticallyAfterDays", Want: int64(90)},
		{Type: "aws:secretsmanager/secretRotation:SecretRotation", Name: "hh-openai", Path: "rotationLambdaArn", Want: rotator},
		{Type: "aws:lambda/permission:Permission", Name: "hh-openai-rotation", Path: "principal", Want: "secretsmanager.amazonaws.com"},
	})

	r, _ := m.Find(secret, "hh-openai")
	assert.True(t, r.Protect)
	raw, _ := r.Get("policy")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &doc))
	assert.Equal(t, "Deny", doc.Statement[0]["Effect"])
	assert.Equal(t, map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": []any{chatRole}}}, doc.Statement[0]["Condition"],
		"only the chat function's role reads the OpenAI key")

	speech, _ := m.Find(secret, "hh-azure-speech")
	raw, _ = speech.Get("policy")
	var speechDoc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &speechDoc))
	assert.NotContains(t, speechDoc.Statement[0], "Condition", "a secret no function is granted is readable by none")

	assert.Empty(t, awskittest.Violations(m, "production"), "the secrets pass the whole policy pack")
}

func TestSecretsWithoutRotationAreFlaggedAdvisory(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewSecrets(ctx, "secrets", secretsArgs(func(a *SecretsArgs) { a.RotationLambdaArn = nil }), pulumi.Provider(p.Primary))
		return err
	})
	vs := awskittest.Violations(m, "production")
	assert.Equal(t, []string{"aws-secrets-rotation"}, kittest.Policies(vs))
	for _, v := range vs {
		assert.Equal(t, "advisory", string(v.Level))
	}
}

func TestSecretsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecretsArgs)
		want   string
	}{
		{"no key", func(a *SecretsArgs) { a.KmsKeyArn = nil }, "Secrets: KmsKeyArn = <nil>: required"},
		{"no values", func(a *SecretsArgs) { a.Values = nil }, "Secrets: Values = <nil>: required"},
		{"reader of an unknown secret", func(a *SecretsArgs) { a.Readers["google-vision"] = nil }, "Secrets: Readers = google-vision"},
		{"rotation too slow", func(a *SecretsArgs) { a.RotationDays = 365 }, "Secrets: RotationDays = 365: must be 1 to 90"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewSecrets(ctx, "secrets", secretsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
