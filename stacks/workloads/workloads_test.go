package workloads

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

var production = &config.Config{Project: "healthhub", Environment: config.EnvProduction, Owner: "platform", CostCentre: "cc-1"}

// The workloads read only the platform contract: a GCP-shaped platform gets the same
// namespaces as EKS, with no cloud SDK in this test's binary.
func TestWorkloadsOnAnyCloudsCluster(t *testing.T) {
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		return Build(ctx, production, &platform.Platform{Cloud: config.CloudGCP, Cluster: platform.Cluster{
			Version: "1.31", Kubeconfig: pulumi.ToSecret(pulumi.String("apiVersion: v1\nkind: Config\n")).(pulumi.StringOutput),
		}})
	})
	assert.Len(t, m.ByType("kubernetes:core/v1:Namespace"), 4)
	ns, ok := m.Find("kubernetes:core/v1:Namespace", "model-serving")
	require.True(t, ok)
	v, _ := ns.Get(`metadata.labels["pod-security.kubernetes.io/enforce-version"]`)
	assert.Equal(t, "v1.31", v, "Pod Security is pinned to the cluster's version")
	assert.True(t, ns.Protect)
	provider, ok := m.Find("pulumi:providers:kubernetes", "cluster")
	require.True(t, ok)
	kubeconfig, _ := provider.Get("kubeconfig")
	assert.Equal(t, "[secret]", kubeconfig, "the kubeconfig stays a secret")
	assert.Empty(t, kittest.Violations(m, "production"), "the workloads pass the whole policy pack")
}

func TestWorkloadsNeedTheClusterVersion(t *testing.T) {
	_, err := kittest.Run(t, func(ctx *pulumi.Context) error {
		return Build(ctx, production, &platform.Platform{Cloud: config.CloudAzure})
	})
	require.ErrorContains(t, err, "the azure platform names no Kubernetes version")
}

func TestAccessIsBoundOnlyToTheConfiguredGroups(t *testing.T) {
	withGroups := *production
	withGroups.Workloads = config.Workloads{OperatorGroups: []string{"healthhub-prod-operators"}, AuditorGroups: []string{"healthhub-compliance-auditors"}}
	for _, tt := range []struct {
		name     string
		cfg      *config.Config
		bindings int
	}{
		{"no groups named: no one is bound", production, 0},
		{"groups named: an operator binding per namespace", &withGroups, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
				return Build(ctx, tt.cfg, &platform.Platform{Cloud: config.CloudAWS, Cluster: platform.Cluster{
					Version: "1.31", Kubeconfig: pulumi.ToSecret(pulumi.String("apiVersion: v1\n")).(pulumi.StringOutput),
				}})
			})
			assert.Len(t, m.ByType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"), tt.bindings)
			assert.Empty(t, kittest.Violations(m, "production"))
		})
	}
}
