package aws

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
	oidcArn    = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/ABC"
	oidcIssuer = "https://oidc.eks.eu-west-2.amazonaws.com/id/ABC"
)

func workloadRolesArgs(mutate func(*WorkloadRolesArgs)) *WorkloadRolesArgs {
	a := &WorkloadRolesArgs{
		Prefix: "hh-prod", OidcProviderArn: pulumi.String(oidcArn), OidcIssuer: pulumi.String(oidcIssuer),
		Workloads: []WorkloadRole{
			{Name: "frontend", Namespace: "frontend", ServiceAccount: "frontend"},
			{Name: "backend", Namespace: "backend", ServiceAccount: "backend",
				SecretArns:       []pulumi.StringInput{pulumi.String("arn:aws:secretsmanager:eu-west-2:123456789012:secret:hh/db-??????")},
				SecretsKmsKeyArn: pulumi.String(secretsKey)},
			{Name: "alertmanager", Namespace: "monitoring", ServiceAccount: "alertmanager",
				TopicArns: []pulumi.StringInput{pulumi.String("arn:aws:sns:eu-west-2:123456789012:alerts")}, TopicKmsKeyArn: pulumi.String(logsKey)},
		},
		Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func document(t *testing.T, v any) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(v.(string)), &doc))
	return doc
}

func TestWorkloadRolesTrustOneServiceAccountAndGrantOnlyTheirData(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewWorkloadRoles(ctx, "workload-roles", workloadRolesArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	role, ok := m.Find("aws:iam/role:Role", "hh-prod-backend")
	require.True(t, ok)
	trust, _ := role.Get("assumeRolePolicy")
	statement := document(t, trust)["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, "sts:AssumeRoleWithWebIdentity", statement["Action"])
	assert.Equal(t, map[string]any{"Federated": oidcArn}, statement["Principal"])
	assert.Equal(t, map[string]any{
		"oidc.eks.eu-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:backend:backend",
		"oidc.eks.eu-west-2.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
	}, statement["Condition"].(map[string]any)["StringEquals"], "one service account of one namespace, for STS only")

	_, hasPolicy := m.Find("aws:iam/rolePolicy:RolePolicy", "hh-prod-frontend")
	assert.False(t, hasPolicy, "a workload with no grants is an identity only")

	policy, ok := m.Find("aws:iam/rolePolicy:RolePolicy", "hh-prod-backend")
	require.True(t, ok)
	doc, _ := policy.Get("policy")
	statements := document(t, doc)["Statement"].([]any)
	require.Len(t, statements, 2)
	read := statements[0].(map[string]any)
	assert.Equal(t, []any{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, read["Action"])
	assert.Equal(t, []any{"arn:aws:secretsmanager:eu-west-2:123456789012:secret:hh/db-??????"}, read["Resource"])
	decrypt := statements[1].(map[string]any)
	assert.Equal(t, secretsKey, decrypt["Resource"])
	assert.Equal(t, map[string]any{"kms:ViaService": "secretsmanager.eu-west-2.amazonaws.com"}, decrypt["Condition"].(map[string]any)["StringEquals"])

	alerts, ok := m.Find("aws:iam/rolePolicy:RolePolicy", "hh-prod-alertmanager")
	require.True(t, ok)
	doc, _ = alerts.Get("policy")
	publish := document(t, doc)["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"sns:Publish"}, publish["Action"])
	assert.Empty(t, awskittest.Violations(m, "production"))
}

func TestWorkloadRolesArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*WorkloadRolesArgs)
		want   string
	}{
		{"bad prefix", func(a *WorkloadRolesArgs) { a.Prefix = "HH" }, `Prefix = "HH"`},
		{"no OIDC provider", func(a *WorkloadRolesArgs) { a.OidcProviderArn = nil }, "OidcProviderArn = <nil>: required"},
		{"no workloads", func(a *WorkloadRolesArgs) { a.Workloads = nil }, "Workloads = []: required"},
		{"twice", func(a *WorkloadRolesArgs) { a.Workloads[1].Name = "frontend" }, `Workloads[1].Name = "frontend": must be a DNS label, once`},
		{"kube-system", func(a *WorkloadRolesArgs) { a.Workloads[0].Namespace = "kube-system" }, `Workloads[0].Namespace = "kube-system"`},
		{"no service account", func(a *WorkloadRolesArgs) { a.Workloads[0].ServiceAccount = "" }, `Workloads[0].ServiceAccount = ""`},
		{"secrets without their key", func(a *WorkloadRolesArgs) { a.Workloads[1].SecretsKmsKeyArn = nil }, "Workloads[1].SecretsKmsKeyArn = <nil>: required with SecretArns"},
		{"topics without their key", func(a *WorkloadRolesArgs) { a.Workloads[2].TopicKmsKeyArn = nil }, "Workloads[2].TopicKmsKeyArn = <nil>"},
		{"no tags", func(a *WorkloadRolesArgs) { a.Tags = nil }, "Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewWorkloadRoles(ctx, "workload-roles", workloadRolesArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
