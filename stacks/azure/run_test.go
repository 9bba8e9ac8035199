package azure_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/stacks/azure"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/platform/platformtest"
)

// run runs a program over a shipped stack's config, changed by edit when given, under the
// mock monitor.
func run(t *testing.T, stack string, program pulumi.RunFunc, edit func(s *stackfile.Stack)) (*mockcloud.Monitor, error) {
	return platformtest.RunStack(t, "../..", stack, program, edit)
}

// The production Azure estate exports the contract's names and Azure's own under the azure
// prefix, and nothing else.
func TestAzureRunExportsThePlatformContract(t *testing.T) {
	m, err := run(t, "production-azure", prog, nil)
	require.NoError(t, err)
	out := m.Outputs()

	extras := platformtest.ExtraOutputs(t, slices.Collect(maps.Keys(out)))
	assert.ElementsMatch(t, []string{
		"azureSubscriptionId", "azureResourceGroup", "azureVnetId", "azureDrVnetId",
		"azureKeyVaultUri", "azureDrKeyVaultUri", "azureDatabaseServer", "azureDrDatabaseServer",
		"azureGatewayPublicIp", "azureWafPolicy", "azureLogAnalyticsWorkspace", "azureAuditArchiveAccount",
	}, extras)

	assert.Equal(t, "azure", out[platform.OutputCloud].Value)
	assert.Equal(t, "uksouth", out[platform.OutputPrimaryRegion].Value)
	assert.Equal(t, "ukwest", out[platform.OutputDrRegion].Value)
	assert.Equal(t, "3f1c9a2e-7b4d-4c8e-a1f0-5d6e7f8a9b0c", out["azureSubscriptionId"].Value)
	assert.Equal(t, "hhprod-rg", out["azureResourceGroup"].Value)
	// Service accounts federate through the cluster's OIDC issuer.
	assert.Equal(t, out[platform.OutputClusterOidcIssuer].Value, out[platform.OutputClusterWorkloadIdentity].Value)
	assert.Contains(t, out[platform.OutputClusterOidcIssuer].Value, "https://uksouth.oic.prod-aks.azure.com/")
	assert.True(t, out[platform.OutputKubeconfig].Secret, "the kubeconfig is a secret")
	assert.Contains(t, out[platform.OutputKubeconfig].Value, "kubelogin", "local accounts are off: the kubeconfig signs in through Entra ID")
	// The pools as Pulumi.production-azure.yaml leaves them (the defaults); only gpu has GPUs.
	assert.Equal(t, []any{
		map[string]any{"name": "system", "gpu": false, "min": 3, "max": 5},
		map[string]any{"name": "app", "gpu": false, "min": 3, "max": 12},
		map[string]any{"name": "gpu", "gpu": true, "min": 0, "max": 3},
	}, out[platform.OutputClusterNodePools].Value)
	// The backend signs in to PostgreSQL as its own Entra identity: no password is stored.
	assert.Equal(t, map[string]any{"store": "iam", "name": "backend", "id": "hhprod-pg.postgres.database.azure.com"},
		out[platform.OutputDatabaseCredentialsSecret].Value)
	assert.Equal(t, "hhprod-pg-dr", out["azureDrDatabaseServer"].Value, "the replica, by its server name")
	// The cache runs in the cluster; its token is a Key Vault secret.
	assert.Equal(t, "redis.healthhub-cache.svc.cluster.local", out[platform.OutputCacheEndpoint].Value)
	assert.Equal(t, 6379, out[platform.OutputCachePort].Value)
	assert.Equal(t, "controller", out[platform.OutputIngressKind].Value)
	assert.Equal(t, "azure-application-gateway", out[platform.OutputIngressClass].Value, "the AKS ingress add-on's class")
	assert.Equal(t, "assistant.healthhub.example", out[platform.OutputIngressDomain].Value)
	// One geo-redundant vault with cross-region restore is both the backup and its DR copy.
	assert.Equal(t, out[platform.OutputBackupVault].Value, out[platform.OutputDrBackupVault].Value)
	for _, name := range []string{platform.OutputKeys, platform.OutputDrKeys} {
		keys, _ := out[name].Value.(map[string]any)
		assert.Len(t, keys, 5, "%s: a key per domain", name)
	}
}

// An Azure stack without its secrets fails in config validation, which names each key, before
// anything is registered.
func TestAzureStackWithoutSecretsFailsBeforeRegistering(t *testing.T) {
	secrets := []string{config.KeyCacheAuthToken, config.KeyPagerURL}
	without := func(s *stackfile.Stack) {
		for _, k := range secrets {
			delete(s.Config, config.FullKey(k))
			s.SecretKeys = slices.DeleteFunc(s.SecretKeys, func(key string) bool { return key == config.FullKey(k) })
		}
	}
	for _, stack := range []string{"production-azure", "dev-azure"} {
		t.Run(stack, func(t *testing.T) {
			m, err := run(t, stack, prog, without)
			var verr *config.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, secrets, verr.Keys())
			assert.Empty(t, m.Resources(), "nothing is registered")
			assert.Empty(t, m.Outputs())
		})
	}

	// The build reads the secrets first too, for a caller that skipped the validation.
	s, err := stackfile.Load("../..", "production-azure")
	require.NoError(t, err)
	cfg, err := config.ParseStack(s.Name, s.Short(config.Namespace))
	require.NoError(t, err)
	m, err := run(t, "production-azure", func(ctx *pulumi.Context) error {
		_, err := azure.Build(ctx, cfg)
		return err
	}, without)
	assert.ErrorContains(t, err, "healthhub:pagerUrl is required")
	assert.Empty(t, m.Resources(), "nothing is registered")
}
