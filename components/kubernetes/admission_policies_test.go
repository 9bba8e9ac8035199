package kubernetes

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeAdmissionPolicy  = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
	typeAdmissionBinding = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
)

const monitoringReason = "kube-prometheus-stack runs tag-pinned images and node-exporter reads the host"

func admissionArgs(mutate func(*AdmissionPoliciesArgs)) *AdmissionPoliciesArgs {
	a := &AdmissionPoliciesArgs{
		PodExemptions: []Exemption{{Namespace: "monitoring", Reason: monitoringReason}},
		Labels:        kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func renderAdmission(t *testing.T, args *AdmissionPoliciesArgs) (*mockcloud.Monitor, error) {
	t.Helper()
	return withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		_, err := NewAdmissionPolicies(ctx, "admission", args, pulumi.Provider(p))
		return err
	})
}

var policyNames = []string{
	"healthhub-image-digest", "healthhub-resource-limits", "healthhub-restricted-pod-template",
	"healthhub-no-exposed-services", "healthhub-ingress-tls", "healthhub-no-cluster-admin",
}

// Every policy fails closed and is bound to deny; the pod policies leave out the exempt
// namespaces, the others only the cluster's own.
func TestAdmissionPoliciesDefaults(t *testing.T) {
	m, err := renderAdmission(t, admissionArgs(nil))
	require.NoError(t, err)
	require.Len(t, m.ByType(typeAdmissionPolicy), len(policyNames))
	require.Len(t, m.ByType(typeAdmissionBinding), len(policyNames))
	system := []any{"kube-system", "kube-public", "kube-node-lease"}
	for _, name := range policyNames {
		pods := name == "healthhub-image-digest" || name == "healthhub-resource-limits" || name == "healthhub-restricted-pod-template"
		outside := system
		if pods {
			outside = append(append([]any{}, system...), "monitoring")
		}
		want := []kittest.Expectation{
			{Type: typeAdmissionPolicy, Name: name, Path: "spec.failurePolicy", Want: "Fail"},
			{Type: typeAdmissionBinding, Name: name, Path: "spec.policyName", Want: name},
			{Type: typeAdmissionBinding, Name: name, Path: "spec.validationActions", Want: []any{"Deny"}},
			{Type: typeAdmissionBinding, Name: name, Path: "spec.matchResources.namespaceSelector.matchExpressions[0].key", Want: namespaceNameLabel},
			{Type: typeAdmissionBinding, Name: name, Path: "spec.matchResources.namespaceSelector.matchExpressions[0].operator", Want: "NotIn"},
			{Type: typeAdmissionBinding, Name: name, Path: "spec.matchResources.namespaceSelector.matchExpressions[0].values", Want: outside},
		}
		if pods {
			want = append(want, kittest.Expectation{Type: typeAdmissionBinding, Name: name, Path: `metadata.annotations["monitoring"]`, Want: monitoringReason})
		}
		kittest.AssertInputs(t, m, want)
	}
	require.Empty(t, kittest.Violations(m, "production"))
}

func TestAdmissionPoliciesArgErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(*AdmissionPoliciesArgs)
		want   string
	}{
		{"exemption without a reason", func(a *AdmissionPoliciesArgs) { a.PodExemptions[0].Reason = " " }, `PodExemptions[0].Reason = "": required`},
		{"exemption of no namespace", func(a *AdmissionPoliciesArgs) { a.PodExemptions[0].Namespace = "Monitoring" }, `PodExemptions[0].Namespace = "Monitoring": must be a namespace name`},
		{"exempted twice", func(a *AdmissionPoliciesArgs) {
			a.PodExemptions = append(a.PodExemptions, Exemption{Namespace: "monitoring", Reason: "again"})
		}, "PodExemptions[1].Namespace = monitoring: is exempted twice"},
		{"system namespace not a name", func(a *AdmissionPoliciesArgs) { a.SystemNamespaces = []string{"gke managed"} }, `SystemNamespaces[0] = "gke managed"`},
		{"no labels", func(a *AdmissionPoliciesArgs) { a.Labels = nil }, "Tags"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := renderAdmission(t, admissionArgs(tt.mutate))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

// A cloud's own system namespaces join the three every cluster has, for every policy.
func TestAdmissionPoliciesCloudSystemNamespaces(t *testing.T) {
	m, err := renderAdmission(t, admissionArgs(func(a *AdmissionPoliciesArgs) { a.SystemNamespaces = []string{"gmp-system"} }))
	require.NoError(t, err)
	b, ok := m.Find(typeAdmissionBinding, "healthhub-ingress-tls")
	require.True(t, ok)
	values, _ := b.Get("spec.matchResources.namespaceSelector.matchExpressions[0].values")
	assert.Equal(t, []any{"gmp-system", "kube-system", "kube-public", "kube-node-lease"}, values)
}
