package aws

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const clusterKey = "arn:aws:kms:eu-west-2:123456789012:key/cluster"

func eksArgs(mutate func(*EksClusterArgs)) *EksClusterArgs {
	a := &EksClusterArgs{
		Prefix: "hh-eks", SubnetIds: pulumi.ToStringArray([]string{"subnet-priv-1", "subnet-priv-2", "subnet-priv-3"}),
		KubernetesVersion: "1.31", KmsKeyArn: pulumi.String(clusterKey), LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557,
		NodeGroups: []EksNodeGroup{
			{Name: "system", InstanceType: "m7i.large", Min: 2, Max: 4},
			{Name: "app", InstanceType: "m7i.xlarge", Min: 3, Max: 12},
			{Name: "gpu", InstanceType: "g5.xlarge", Min: 0, Max: 4, GPU: true},
		},
		Production: true, Protect: true, Tags: testTags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestEksClusterDefaults(t *testing.T) {
	var kubeconfig pulumi.StringOutput
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		k, err := NewEksCluster(ctx, "eks", eksArgs(nil), pulumi.Provider(p.primary))
		if err == nil {
			kubeconfig = k.Kubeconfig
		}
		return err
	})
	const (
		cluster  = "aws:eks/cluster:Cluster"
		template = "aws:ec2/launchTemplate:LaunchTemplate"
		group    = "aws:eks/nodeGroup:NodeGroup"
		addon    = "aws:eks/addon:Addon"
	)
	assertInputs(t, m, []expectation{
		{cluster, "hh-eks", "version", "1.31"},
		{cluster, "hh-eks", "vpcConfig.endpointPrivateAccess", true},
		{cluster, "hh-eks", "vpcConfig.endpointPublicAccess", false},
		{cluster, "hh-eks", "encryptionConfig.provider.keyArn", clusterKey},
		{cluster, "hh-eks", "encryptionConfig.resources", []any{"secrets"}},
		{cluster, "hh-eks", "enabledClusterLogTypes", []any{"api", "audit", "authenticator", "controllerManager", "scheduler"}},
		{cluster, "hh-eks", "accessConfig.authenticationMode", "API"},
		{"aws:cloudwatch/logGroup:LogGroup", "hh-eks-control-plane", "name", "/aws/eks/hh-eks/cluster"},
		{"aws:cloudwatch/logGroup:LogGroup", "hh-eks-control-plane", "kmsKeyId", logsKey},
		{"aws:iam/openIdConnectProvider:OpenIdConnectProvider", "hh-eks", "clientIdLists", []any{"sts.amazonaws.com"}},
		{template, "hh-eks-app", "metadataOptions.httpTokens", "required"},
		{template, "hh-eks-app", "metadataOptions.httpPutResponseHopLimit", int64(1)},
		{template, "hh-eks-app", "blockDeviceMappings[0].ebs.encrypted", "true"},
		{template, "hh-eks-app", "blockDeviceMappings[0].ebs.kmsKeyId", clusterKey},
		{template, "hh-eks-app", "blockDeviceMappings[0].ebs.volumeType", "gp3"},
		{group, "hh-eks-system", "scalingConfig.minSize", int64(2)},
		{group, "hh-eks-app", "scalingConfig.maxSize", int64(12)},
		{group, "hh-eks-app", "labels", map[string]any{"healthhub.io/pool": "app"}},
		{group, "hh-eks-gpu", "amiType", "AL2023_x86_64_NVIDIA"},
		{group, "hh-eks-gpu", "taints[0]", map[string]any{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}},
		{group, "hh-eks-gpu", "scalingConfig.desiredSize", int64(1)},
		{addon, "hh-eks-vpc-cni", "configurationValues", `{"enableNetworkPolicy":"true"}`},
		{addon, "hh-eks-coredns", "addonName", "coredns"},
		{addon, "hh-eks-kube-proxy", "addonName", "kube-proxy"},
		{addon, "hh-eks-aws-ebs-csi-driver", "addonName", "aws-ebs-csi-driver"},
	})

	for _, g := range m.ByType(group) {
		_, ssh := g.Get("remoteAccess")
		assert.False(t, ssh, "%s allows no SSH", g.Name)
	}
	c, _ := m.Find(cluster, "hh-eks")
	assert.True(t, c.Protect)

	role, ok := m.Find("aws:iam/role:Role", "hh-eks-ebs-csi")
	require.True(t, ok)
	raw, _ := role.Get("assumeRolePolicy")
	var trust struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &trust))
	provider, _ := m.Find("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "hh-eks")
	url, _ := provider.Get("url")
	require.Regexp(t, `^https://oidc\.eks\.eu-west-2\.amazonaws\.com/id/[0-9A-F]+$`, url, "IRSA trusts the cluster's own issuer")
	host := strings.TrimPrefix(url.(string), "https://")
	cond := trust.Statement[0]["Condition"].(map[string]any)["StringEquals"].(map[string]any)
	assert.Equal(t, "system:serviceaccount:kube-system:ebs-csi-controller-sa", cond[host+":sub"], "only the CSI controller's service account")
	assert.Equal(t, "sts.amazonaws.com", cond[host+":aud"])

	done := make(chan string, 1)
	kubeconfig.ApplyT(func(s string) string { done <- s; return s })
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(<-done), &doc))
	assert.Equal(t, "hh-eks", doc["current-context"])

	assert.Empty(t, violations(m, "production"), "the cluster passes the whole policy pack")
}

func TestEksClusterDevEndpoint(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewEksCluster(ctx, "eks", eksArgs(func(a *EksClusterArgs) {
			a.Production, a.Protect, a.PublicAccessCidrs = false, false, []string{"203.0.113.0/24"}
		}), pulumi.Provider(p.primary))
		return err
	})
	assertInputs(t, m, []expectation{
		{"aws:eks/cluster:Cluster", "hh-eks", "vpcConfig.endpointPublicAccess", true},
		{"aws:eks/cluster:Cluster", "hh-eks", "vpcConfig.publicAccessCidrs", []any{"203.0.113.0/24"}},
	})
	assert.Empty(t, violations(m, "dev"))
}

func TestEksClusterArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*EksClusterArgs)
		want   string
	}{
		{"floating version", func(a *EksClusterArgs) { a.KubernetesVersion = "latest" }, `EksCluster: KubernetesVersion = "latest"`},
		{"no key", func(a *EksClusterArgs) { a.KmsKeyArn = nil }, "EksCluster: KmsKeyArn = <nil>: required"},
		{"public in production", func(a *EksClusterArgs) { a.PublicAccessCidrs = []string{"203.0.113.0/24"} }, "EksCluster: PublicAccessCidrs = [203.0.113.0/24]: must be empty in production"},
		{"open to the world", func(a *EksClusterArgs) { a.Production, a.PublicAccessCidrs = false, []string{"0.0.0.0/0"} }, "EksCluster: PublicAccessCidrs = 0.0.0.0/0"},
		{"no pools", func(a *EksClusterArgs) { a.NodeGroups = nil }, "EksCluster: NodeGroups = []: required"},
		{"one app node in production", func(a *EksClusterArgs) { a.NodeGroups[1].Min = 1 }, "EksCluster: NodeGroups[app].Min = 1: must be at least 2 in production"},
		{"min above max", func(a *EksClusterArgs) { a.NodeGroups[2].Min = 9 }, "EksCluster: NodeGroups[gpu] = min 9, max 4"},
		{"short log retention", func(a *EksClusterArgs) { a.LogRetentionDays = 90 }, "EksCluster: LogRetentionDays = 90"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewEksCluster(ctx, "eks", eksArgs(tt.mutate), pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}
