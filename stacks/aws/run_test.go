package aws_test

// The tests of stacks.Run live here, beside the AWS stack tests: a test binary of its own would
// link the whole AWS SDK a second time.

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/stacks"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/platform/platformtest"
	"github.com/healthhub/estate/stacks/program"
)

// run runs a program over a shipped stack under the mock monitor.
func run(t *testing.T, stack string, program pulumi.RunFunc) (*mockcloud.Monitor, error) {
	return platformtest.RunStack(t, "../..", stack, program, nil)
}

// The production estate exports the contract's names and AWS's own under the aws prefix, and
// nothing else.
func TestRunExportsThePlatformContract(t *testing.T) {
	m, err := run(t, "production", stacks.Run)
	require.NoError(t, err)
	out := m.Outputs()

	extras := platformtest.ExtraOutputs(t, slices.Collect(maps.Keys(out)))
	assert.ElementsMatch(t, []string{
		"awsVpcId", "awsPrivateSubnetIds", "awsIsolatedSubnetIds", "awsPublicSubnetIds", "awsDrVpcId",
		"awsAuditTrailArn", "awsAuditBucketName", "awsAuditReplicaBucketName",
		"awsLoadBalancerZoneId", "awsTargetGroupArn",
		"awsApiUrl", "awsApiDomainTarget", "awsUserPoolId", "awsUserPoolClientId",
		"awsAppUrl", "awsAppDomainTarget", "awsAppBucketName",
	}, extras)

	assert.Equal(t, "aws", out[platform.OutputCloud].Value)
	assert.True(t, out[platform.OutputKubeconfig].Secret, "the kubeconfig is a secret")
	assert.Equal(t, []any{
		map[string]any{"name": "system", "gpu": false, "min": 2, "max": 4},
		map[string]any{"name": "app", "gpu": false, "min": 3, "max": 12},
		map[string]any{"name": "gpu", "gpu": true, "min": 0, "max": 4},
	}, out[platform.OutputClusterNodePools].Value)
	assert.Equal(t, map[string]any{"store": "stack-config", "name": "healthhub:databasePassword", "id": nil},
		out[platform.OutputDatabaseCredentialsSecret].Value)
	assert.Equal(t, "controller", out[platform.OutputIngressKind].Value)
	assert.Equal(t, "alb", out[platform.OutputIngressClass].Value, "the AWS Load Balancer Controller's class")
	assert.Regexp(t, `^arn:aws:wafv2:eu-west-2:\d+:webacl/healthhub-prod-edge$`, out[platform.OutputIngressFirewall].Value)
	assert.Regexp(t, `^arn:aws:iam::\d+:openidconnectprovider/`, out[platform.OutputClusterWorkloadIdentity].Value)
}

// The steps run in order on the one platform the cloud built; a failing step stops the program
// before anything is exported.
func TestProgramBuildsThenWorkloadsThenExports(t *testing.T) {
	built := &platform.Platform{Cloud: "aws", Region: "eu-west-2"}
	build := func(*pulumi.Context, *config.Config) (*platform.Platform, error) { return built, nil }
	var got *platform.Platform
	workloads := func(_ *pulumi.Context, cfg *config.Config, p *platform.Platform) error {
		assert.Equal(t, "production", cfg.Environment)
		got = p
		return nil
	}
	m, err := run(t, "production", program.New(map[string]program.Builder{config.CloudAWS: build}, workloads))
	require.NoError(t, err)
	assert.Same(t, built, got, "the workloads get the platform the build returned")
	assert.ElementsMatch(t, platform.OutputNames, slices.Collect(maps.Keys(m.Outputs())))

	failing := func(*pulumi.Context, *config.Config, *platform.Platform) error { return errors.New("workloads failed") }
	m, err = run(t, "production", program.New(map[string]program.Builder{config.CloudAWS: build}, failing))
	assert.ErrorContains(t, err, "workloads failed")
	assert.Empty(t, m.Outputs())
}

func TestProgramNamesTheCloudsItBuilds(t *testing.T) {
	build := func(*pulumi.Context, *config.Config) (*platform.Platform, error) { return &platform.Platform{}, nil }
	_, err := run(t, "production", program.New(map[string]program.Builder{config.CloudGCP: build, config.CloudAzure: build}, program.NoWorkloads))
	assert.ErrorContains(t, err, `healthhub:cloud = "aws": that estate is not built yet; available: azure, gcp`)
}
