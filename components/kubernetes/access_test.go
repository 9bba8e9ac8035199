package kubernetes

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	typeRole               = "kubernetes:rbac.authorization.k8s.io/v1:Role"
	typeRoleBinding        = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
	typeClusterRole        = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
	typeClusterRoleBinding = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
)

func accessArgs(mutate func(*AccessArgs)) *AccessArgs {
	a := &AccessArgs{
		Namespaces: []string{"backend", "model-serving"}, OperatorGroups: []string{"platform-operators"},
		AuditorGroups: []string{"compliance-auditors"}, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// granted lists "group/resource:verb" for every rule of a role.
func granted(t *testing.T, inputs func(string) (any, bool)) []string {
	t.Helper()
	rules, ok := inputs("rules")
	require.True(t, ok)
	var out []string
	for _, r := range rules.([]any) {
		rule := r.(map[string]any)
		for _, g := range rule["apiGroups"].([]any) {
			for _, res := range rule["resources"].([]any) {
				for _, v := range rule["verbs"].([]any) {
					out = append(out, fmt.Sprintf("%s/%s:%s", g, res, v))
				}
			}
		}
	}
	return out
}

func TestAccessDefaults(t *testing.T) {
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		_, err := NewAccess(ctx, "access", accessArgs(nil), pulumi.Provider(p))
		return err
	})
	require.NoError(t, err)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeRole, Name: "backend-operator", Path: "metadata.namespace", Want: "backend"},
		{Type: typeRoleBinding, Name: "model-serving-operator", Path: "subjects[0]", Want: map[string]any{"kind": "Group", "name": "platform-operators", "apiGroup": "rbac.authorization.k8s.io"}},
		{Type: typeRoleBinding, Name: "model-serving-operator", Path: "roleRef.kind", Want: "Role"},
		{Type: typeClusterRoleBinding, Name: "healthhub-auditor", Path: "subjects[0].name", Want: "compliance-auditors"},
		{Type: typeClusterRoleBinding, Name: "healthhub-auditor", Path: "roleRef.kind", Want: "ClusterRole"},
	})
	role, _ := m.Find(typeRole, "backend-operator")
	operator := granted(t, role.Get)
	assert.Contains(t, operator, "apps/deployments:update", "operators deploy")
	auditorRole, _ := m.Find(typeClusterRole, "healthhub-auditor")
	auditor := granted(t, auditorRole.Get)
	assert.Contains(t, auditor, "rbac.authorization.k8s.io/clusterrolebindings:list", "auditors see who may do what")
	for _, g := range append(operator, auditor...) {
		assert.NotContains(t, g, "/secrets:", "no role reads secrets")
		assert.NotContains(t, g, "/configmaps:", "config maps can carry data")
		assert.NotContains(t, g, "pods/exec", "no shell into a pod")
		assert.NotContains(t, g, "*", "no wildcard grants")
	}
	for _, g := range auditor {
		assert.Regexp(t, `:(get|list|watch)$`, g, "auditors only read")
	}
	assert.Empty(t, kittest.Violations(m, "production"), "access passes the whole policy pack")
}

func TestAccessArgErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(*AccessArgs)
		want   string
	}{
		{"no namespaces", func(a *AccessArgs) { a.Namespaces = nil }, "Access: Namespaces = []: required"},
		{"no operators", func(a *AccessArgs) { a.OperatorGroups = nil }, "OperatorGroups = []: required"},
		{"no auditors", func(a *AccessArgs) { a.AuditorGroups = nil }, "AuditorGroups = []: required"},
		{"system:masters", func(a *AccessArgs) { a.OperatorGroups = []string{"system:masters"} }, `OperatorGroups[0] = "system:masters": must be a group of the identity provider`},
		{"empty group", func(a *AccessArgs) { a.AuditorGroups = []string{""} }, `AuditorGroups[0] = ""`},
		{"no labels", func(a *AccessArgs) { a.Labels = nil }, "Tags"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewAccess(ctx, "access", accessArgs(tt.mutate), pulumi.Provider(p))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
