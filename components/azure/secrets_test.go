package azure

import (
	"testing"

	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeSecret    = "azure-native:keyvault:Secret"
	backendReader = "33333333-3333-4333-8333-333333333333"
	gatewayReader = "44444444-4444-4444-8444-444444444444"
)

func testSecretsArgs(mutate func(*SecretsArgs)) *SecretsArgs {
	secret := func(v string) pulumi.StringInput { return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput) }
	a := &SecretsArgs{
		VaultName: pulumi.String(testVault), ResourceGroupName: pulumi.String(azurekittest.ResourceGroup),
		// A plain value too: the component makes it secret.
		Secrets: map[string]pulumi.StringInput{"openai": secret("sk-test"), "smtp": pulumi.String("smtp-password")},
		Readers: map[string][]pulumi.StringInput{"openai": {pulumi.String(backendReader), pulumi.String(gatewayReader)}},
		Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// testSecretID is the ARM id the mock gives a secret of the test vault.
func testSecretID(name string) string {
	return mockcloud.AzureResourceID(azurekittest.Subscription, azurekittest.ResourceGroup, "Microsoft.KeyVault/vaults/"+testVault+"/secrets", name)
}

func TestSecretsDefaults(t *testing.T) {
	var s *Secrets
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		s, err = NewSecrets(ctx, "secrets", testSecretsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	table := []kittest.Expectation{
		{Type: typeSecret, Name: "secrets-openai", Path: "secretName", Want: "openai"},
		{Type: typeSecret, Name: "secrets-openai", Path: "vaultName", Want: testVault},
		{Type: typeSecret, Name: "secrets-openai", Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: typeSecret, Name: "secrets-openai", Path: "tags.data-classification", Want: "phi"},
		{Type: typeSecret, Name: "secrets-smtp", Path: "secretName", Want: "smtp"},
	}
	for name, reader := range map[string]string{"secrets-openai-reader-0": backendReader, "secrets-openai-reader-1": gatewayReader} {
		table = append(table,
			kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "roleDefinitionId", Want: roleID(azurekit.RoleKeyVaultSecretsUser)},
			kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "scope", Want: testSecretID("openai")},
			kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "principalId", Want: reader},
			kittest.Expectation{Type: typeRoleAssignment, Name: name, Path: "principalType", Want: "ServicePrincipal"},
		)
	}
	kittest.AssertInputs(t, m, table)
	assert.Len(t, m.ByType(typeRoleAssignment), 2, "a secret nobody is granted is read by nobody")
	for _, r := range m.ByType(typeSecret) {
		_, expires := r.Get("properties.attributes.expires")
		assert.False(t, expires, "%s: owners rotate values; no date disables them", r.Name)
		assert.True(t, r.Protect, r.Name)
		assert.True(t, r.RetainOnDelete, r.Name)
	}

	uri := func(n string) string { return "https://" + testVault + ".vault.azure.net/secrets/" + n }
	assert.Equal(t, uri("openai"), resolved[string](s.Uri("openai")))
	assert.Equal(t, testSecretID("smtp"), resolved[string](s.ResourceId("smtp")))
	assert.Equal(t, map[string]string{"openai": uri("openai"), "smtp": uri("smtp")}, resolved[map[string]string](s.Ids))
	assert.Empty(t, azurekittest.Violations(m, "production"), "the secrets pass the whole policy pack")
}

func TestSecretsStaySecret(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewSecrets(ctx, "secrets", testSecretsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	for _, name := range []string{"secrets-openai", "secrets-smtp"} {
		r, ok := m.Find(typeSecret, name)
		require.True(t, ok, name)
		v, _ := r.Get("properties.value")
		assert.Equal(t, "[secret]", v, "%s is a secret in state and plans", name)
	}
}

// A reader created with a secret's URI can read it from its first start.
func TestSecretsUriWaitsForItsReaders(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		s, err := NewSecrets(ctx, "secrets", testSecretsArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		// Any resource that takes the URI: here an identity's tag.
		_, err = managedidentity.NewUserAssignedIdentity(ctx, "reader", &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: pulumi.String(azurekittest.ResourceGroup),
			Tags:              pulumi.StringMap{"secret": s.Uri("openai")},
		}, pulumi.Provider(p.Primary))
		return err
	})
	reader, ok := m.Find(typeIdentity, "reader")
	require.True(t, ok)
	grants := m.ByType(typeRoleAssignment)
	require.Len(t, grants, 2)
	for _, g := range grants {
		assert.Contains(t, reader.Dependencies, g.URN, "created after %s", g.Name)
	}
}

func TestSecretsUnprotected(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewSecrets(ctx, "secrets", testSecretsArgs(func(a *SecretsArgs) { a.Protect, a.Readers = false, nil }), pulumi.Provider(p.Primary))
		return err
	})
	for _, r := range m.ByType(typeSecret) {
		assert.False(t, r.Protect, r.Name)
		assert.False(t, r.RetainOnDelete, r.Name)
	}
	assert.Empty(t, m.ByType(typeRoleAssignment))
	assert.Empty(t, azurekittest.Violations(m, "dev"))
}

func TestSecretsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecretsArgs)
		want   string
	}{
		{"no vault", func(a *SecretsArgs) { a.VaultName = nil }, "Secrets: VaultName = <nil>: required"},
		{"no resource group", func(a *SecretsArgs) { a.ResourceGroupName = nil }, "Secrets: ResourceGroupName = <nil>: required"},
		{"no secrets", func(a *SecretsArgs) { a.Secrets = nil }, "Secrets: Secrets = <nil>: required"},
		{"bad name", func(a *SecretsArgs) { a.Secrets["open_ai"] = pulumi.String("x") }, `Secrets: Secrets = "open_ai": names must be 1 to 127`},
		{"nil value", func(a *SecretsArgs) { a.Secrets["smtp"] = nil }, `Secrets: Secrets["smtp"] = <nil>: required`},
		{"reader of an unknown secret", func(a *SecretsArgs) { a.Readers["vision"] = nil }, `Secrets: Readers = "vision": names a secret that has no value`},
		{"nil reader", func(a *SecretsArgs) { a.Readers["openai"] = []pulumi.StringInput{nil} }, `Secrets: Readers["openai"][0] = <nil>: required`},
		{"untagged", func(a *SecretsArgs) { a.Tags = nil }, "Secrets: Tags = map[]: must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewSecrets(ctx, "secrets", testSecretsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
