package gcp_test

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
	"github.com/healthhub/estate/stacks/gcp"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/platform/platformtest"
)

// run runs a program over a shipped stack's config, changed by edit when given, under the
// mock monitor.
func run(t *testing.T, stack string, program pulumi.RunFunc, edit func(s *stackfile.Stack)) (*mockcloud.Monitor, error) {
	return platformtest.RunStack(t, "../..", stack, program, edit)
}

// The production GCP estate exports the contract's names and GCP's own under the gcp prefix,
// and nothing else.
func TestGCPRunExportsThePlatformContract(t *testing.T) {
	m, err := run(t, "production-gcp", prog, nil)
	require.NoError(t, err)
	out := m.Outputs()

	extras := platformtest.ExtraOutputs(t, slices.Collect(maps.Keys(out)))
	assert.ElementsMatch(t, []string{
		"gcpProjectId", "gcpNetworkId", "gcpSubnets", "gcpAuditBucketName",
		"gcpDatabaseInstance", "gcpDrDatabaseInstance", "gcpLoadBalancerAddress",
		"gcpSecurityPolicy", "gcpWorkloadPool",
	}, extras)

	assert.Equal(t, "gcp", out[platform.OutputCloud].Value)
	assert.Equal(t, "europe-west2", out[platform.OutputPrimaryRegion].Value)
	assert.Equal(t, "europe-west1", out[platform.OutputDrRegion].Value)
	assert.Equal(t, "healthhub-prod", out["gcpProjectId"].Value)
	assert.Equal(t, "healthhub-prod.svc.id.goog", out["gcpWorkloadPool"].Value)
	assert.Equal(t, out["gcpWorkloadPool"].Value, out[platform.OutputClusterWorkloadIdentity].Value)
	assert.True(t, out[platform.OutputKubeconfig].Secret, "the kubeconfig is a secret")
	assert.NotEmpty(t, out[platform.OutputKubeconfig].Value)
	// The pools as Pulumi.production-gcp.yaml sizes them; only the gpu pool has GPUs.
	assert.Equal(t, []any{
		map[string]any{"name": "system", "gpu": false, "min": 1, "max": 2},
		map[string]any{"name": "app", "gpu": false, "min": 1, "max": 4},
		map[string]any{"name": "gpu", "gpu": true, "min": 0, "max": 2},
	}, out[platform.OutputClusterNodePools].Value)
	// The backend logs in to Cloud SQL as its own Google identity: no password is stored.
	assert.Equal(t, map[string]any{"store": "iam", "name": "backend", "id": "healthhub-prod:europe-west2:healthhub-prod-pg"},
		out[platform.OutputDatabaseCredentialsSecret].Value)
	assert.Equal(t, "healthhub-prod-pg-dr", out["gcpDrDatabaseInstance"].Value, "the replica, by its instance name")
	assert.Equal(t, "controller", out[platform.OutputIngressKind].Value)
	assert.Equal(t, "gce", out[platform.OutputIngressClass].Value, "the GKE Ingress controller's class")
	assert.Equal(t, "assistant.healthhub.example", out[platform.OutputIngressDomain].Value)
	// One Backup for GKE plan in the DR region is both the backup and its DR copy.
	assert.Equal(t, out[platform.OutputBackupVault].Value, out[platform.OutputDrBackupVault].Value)
	for _, name := range []string{platform.OutputKeys, platform.OutputDrKeys} {
		keys, _ := out[name].Value.(map[string]any)
		assert.Len(t, keys, 7, "%s: a key per domain", name)
	}
}

// A GCP stack without the pager webhook fails in config validation, which names the key,
// before anything is registered.
func TestGCPStackWithoutPagerFailsBeforeRegistering(t *testing.T) {
	withoutPager := func(s *stackfile.Stack) {
		delete(s.Config, config.FullKey(config.KeyPagerURL))
		s.SecretKeys = slices.DeleteFunc(s.SecretKeys, func(k string) bool { return k == config.FullKey(config.KeyPagerURL) })
	}
	for _, stack := range []string{"production-gcp", "dev-gcp"} {
		t.Run(stack, func(t *testing.T) {
			m, err := run(t, stack, prog, withoutPager)
			var verr *config.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, []string{config.KeyPagerURL}, verr.Keys())
			assert.ErrorContains(t, err, "healthhub:pagerUrl")
			assert.Empty(t, m.Resources(), "nothing is registered")
			assert.Empty(t, m.Outputs())
		})
	}

	// The build reads the pager first too, for a caller that skipped the validation.
	s, err := stackfile.Load("../..", "production-gcp")
	require.NoError(t, err)
	cfg, err := config.ParseStack(s.Name, s.Short(config.Namespace))
	require.NoError(t, err)
	m, err := run(t, "production-gcp", func(ctx *pulumi.Context) error {
		_, err := gcp.Build(ctx, cfg)
		return err
	}, withoutPager)
	assert.ErrorContains(t, err, "healthhub:pagerUrl is required")
	assert.Empty(t, m.Resources(), "nothing is registered")
	assert.Empty(t, slices.Collect(maps.Keys(m.Outputs())))
}
