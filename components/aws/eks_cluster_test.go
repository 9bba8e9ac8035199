package aws

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
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
		Production: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestEksClusterDefaults(t *testing.T) {
	var kubeconfig pulumi.StringOutput
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		k, err := NewEksCluster(ctx, "eks", eksArgs(nil), pulumi.Provider(p.Primary))
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
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: cluster, Name: "hh-eks", Path: "version", Want: "1.31"},
		{Type: cluster, Name: "hh-eks", Path: "vpcConfig.endpointPrivateAccess", Want: true},
		{Type: cluster, Name: "hh-eks", Path: "vpcConfig.endpointPublicAccess", Want: false},
		{Type: cluster, Name: "hh-eks", Path: "encryptionConfig.provider.keyArn", Want: clusterKey},
		{Type: cluster, Name: "hh-eks", Path: "encryptionConfig.resources", Want: []any{"secrets"}},
		{Type: cluster, Name: "hh-eks", Path: "enabledClusterLogTypes", Want: []any{"api", "audit", "authenticator", "controllerManager", "scheduler"}},
		{Type: cluster, Name: "hh-eks", Path: "accessConfig.authenticationMode", Want: "API"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-eks-control-plane", Path: "name", Want: "/aws/eks/hh-eks/cluster"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-eks-control-plane", Path: "kmsKeyId", Want: logsKey},
		{Type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Name: "hh-eks", Path: "clientIdLists", Want: []any{"sts.amazonaws.com"}},
		{Type: template, Name: "hh-eks-app", Path: "metadataOptions.httpTokens", Want: "required"},
		{Type: template, Name: "hh-eks-app", Path: "metadataOptions.httpPutResponseHopLimit", Want: int64(1)},
		{Type: template, Name: "hh-eks-app", Path: "blockDeviceMappings[0].ebs.encrypted", Want: "true"},
		{Type: template, Name: "hh-eks-app", Path: "blockDeviceMappings[0].ebs.kmsKeyId", Want: clusterKey},
		{Type: template, Name: "hh-eks-app", Path: "blockDeviceMappings[0].ebs.volumeType", Want: "gp3"},
		{Type: group, Name: "hh-eks-system", Path: "scalingConfig.minSize", Want: int64(2)},
		{Type: group, Name: "hh-eks-app", Path: "scalingConfig.maxSize", Want: int64(12)},
		{Type: group, Name: "hh-eks-app", Path: "labels", Want: map[string]any{"healthhub.io/pool": "app"}},
		{Type: group, Name: "hh-eks-gpu", Path: "amiType", Want: "AL2023_x86_64_NVIDIA"},
		{Type: group, Name: "hh-eks-gpu", Path: "taints[0]", Want: map[string]any{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}},
		{Type: group, Name: "hh-eks-gpu", Path: "scalingConfig.desiredSize", Want: int64(1)},
		{Type: addon, Name: "hh-eks-vpc-cni", Path: "configurationValues", Want: `{"enableNetworkPolicy":"true"}`},
		{Type: addon, Name: "hh-eks-coredns", Path: "addonName", Want: "coredns"},
		{Type: addon, Name: "hh-eks-kube-proxy", Path: "addonName", Want: "kube-proxy"},
		{Type: addon, Name: "hh-eks-aws-ebs-csi-driver", Path: "addonName", Want: "aws-ebs-csi-driver"},
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

	assert.Empty(t, awskittest.Violations(m, "production"), "the cluster passes the whole policy pack")
}

func TestEksClusterDevEndpoint(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewEksCluster(ctx, "eks", eksArgs(func(a *EksClusterArgs) {
			a.Production, a.Protect, a.PublicAccessCidrs = false, false, []string{"203.0.113.0/24"}
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:eks/cluster:Cluster", Name: "hh-eks", Path: "vpcConfig.endpointPublicAccess", Want: true},
		{Type: "aws:eks/cluster:Cluster", Name: "hh-eks", Path: "vpcConfig.publicAccessCidrs", Want: []any{"203.0.113.0/24"}},
	})
	assert.Empty(t, awskittest.Violations(m, "dev"))
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
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewEksCluster(ctx, "eks", eksArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
