package platform_test

import (
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/stacks/platform"
)

func TestOutputNamesAreUniqueLowerCamel(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range platform.OutputNames {
		assert.False(t, seen[name], "%s is listed twice", name)
		seen[name] = true
		assert.Regexp(t, regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`), name)
	}
}

// export runs a program that builds the platform and exports it under the mock monitor, and
// returns the stack's outputs as recorded.
func export(t *testing.T, build func(ctx *pulumi.Context) *platform.Platform) map[string]mockcloud.Output {
	t.Helper()
	m := mockcloud.New("healthhub", "test")
	require.NoError(t, m.Run(nil, nil, func(ctx *pulumi.Context) error {
		return build(ctx).Export(ctx)
	}))
	return m.Outputs()
}

// A cloud that has nothing yet still carries every name, each null.
func TestExportOfAnEmptyPlatformIsEveryNameNull(t *testing.T) {
	out := export(t, func(*pulumi.Context) *platform.Platform { return &platform.Platform{} })
	assert.ElementsMatch(t, platform.OutputNames, slices.Collect(maps.Keys(out)))
	for name, o := range out {
		assert.Equal(t, mockcloud.Output{Known: true}, o, name)
	}
}

func TestExportIsTheContractPlusPrefixedExtras(t *testing.T) {
	s := func(v string) pulumi.StringOutput { return pulumi.String(v).ToStringOutput() }
	out := export(t, func(*pulumi.Context) *platform.Platform {
		return &platform.Platform{
			Cloud:  "aws",
			Region: "eu-west-2",
			Cluster: platform.Cluster{
				Name: s("hh-eks"), Endpoint: s("https://eks"), Kubeconfig: s("apiVersion: v1"),
				NodePools: []platform.NodePool{{Name: "system", Min: 2, Max: 4}, {Name: "gpu", GPU: true, Min: 0, Max: 2}},
			},
			Database: platform.Database{
				Endpoint: s("db.internal"), Port: pulumi.Int(5432).ToIntOutput(),
				Credentials: platform.SecretRef{Store: platform.StoreStackConfig, Name: "healthhub:databasePassword"},
			},
			Cache: platform.Cache{
				AuthSecret: platform.SecretRef{Store: platform.StoreAWSSecretsManager, Name: "hh/cache", ID: s("arn:aws:secretsmanager:x")},
			},
			Ingress: platform.Ingress{Kind: platform.IngressLoadBalancer, DnsName: s("lb.example")},
			Keys:    pulumi.StringMap{"database": pulumi.String("arn:key")}.ToStringMapOutput(),
			Extra:   map[string]pulumi.Input{"vpcId": pulumi.String("vpc-1"), "targetGroupArn": pulumi.String("arn:tg")},
		}
	})
	want := append(slices.Clone(platform.OutputNames), "awsVpcId", "awsTargetGroupArn")
	assert.ElementsMatch(t, want, slices.Collect(maps.Keys(out)))

	tests := []struct {
		name string
		want mockcloud.Output
	}{
		{platform.OutputCloud, mockcloud.Output{Value: "aws", Known: true}},
		{platform.OutputPrimaryRegion, mockcloud.Output{Value: "eu-west-2", Known: true}},
		{platform.OutputKubeconfig, mockcloud.Output{Value: "apiVersion: v1", Known: true, Secret: true}},
		{platform.OutputClusterNodePools, mockcloud.Output{Value: []any{
			map[string]any{"name": "system", "gpu": false, "min": 2, "max": 4},
			map[string]any{"name": "gpu", "gpu": true, "min": 0, "max": 2},
		}, Known: true}},
		{platform.OutputDatabasePort, mockcloud.Output{Value: 5432, Known: true}},
		{platform.OutputDatabaseCredentialsSecret, mockcloud.Output{Value: map[string]any{"store": "stack-config", "name": "healthhub:databasePassword", "id": nil}, Known: true}},
		{platform.OutputCacheAuthSecret, mockcloud.Output{Value: map[string]any{"store": "aws-secrets-manager", "name": "hh/cache", "id": "arn:aws:secretsmanager:x"}, Known: true}},
		{platform.OutputIngressKind, mockcloud.Output{Value: "load-balancer", Known: true}},
		{platform.OutputIngressClass, mockcloud.Output{Known: true}},
		{platform.OutputKeys, mockcloud.Output{Value: map[string]any{"database": "arn:key"}, Known: true}},
		{platform.OutputDrKeys, mockcloud.Output{Known: true}},
		{platform.OutputClusterOidcIssuer, mockcloud.Output{Known: true}},
		{"awsVpcId", mockcloud.Output{Value: "vpc-1", Known: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, out[tt.name])
		})
	}
}

func TestExtraOutputName(t *testing.T) {
	tests := []struct{ cloud, key, want string }{
		{"aws", "vpcId", "awsVpcId"},
		{"gcp", "networkSelfLink", "gcpNetworkSelfLink"},
		{"azure-native", "vnetId", "azureNativeVnetId"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, platform.ExtraOutputName(tt.cloud, tt.key))
	}
}

func TestBadExtrasAreRefused(t *testing.T) {
	tests := []struct {
		name string
		p    platform.Platform
		want string
	}{
		{"not lowerCamel", platform.Platform{Cloud: "aws", Extra: map[string]pulumi.Input{"VpcId": pulumi.String("v")}},
			`platform.Extra key "VpcId": must be lowerCamel`},
		{"hyphenated", platform.Platform{Cloud: "aws", Extra: map[string]pulumi.Input{"vpc-id": pulumi.String("v")}},
			`platform.Extra key "vpc-id": must be lowerCamel`},
		{"no cloud to prefix", platform.Platform{Extra: map[string]pulumi.Input{"vpcId": pulumi.String("v")}},
			"platform.Cloud is empty: it prefixes the Extra outputs [vpcId]"},
		{"collides with the contract", platform.Platform{Cloud: "cluster", Extra: map[string]pulumi.Input{"name": pulumi.String("v")}},
			`platform.Extra key "name": exported as "clusterName", which is already an output`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Outputs()
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
