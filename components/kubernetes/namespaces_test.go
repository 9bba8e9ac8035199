package kubernetes

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/naming"
)

const (
	typeNamespace     = "kubernetes:core/v1:Namespace"
	typeQuota         = "kubernetes:core/v1:ResourceQuota"
	typeLimitRange    = "kubernetes:core/v1:LimitRange"
	typeNetworkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
)

func namespacesArgs(mutate func(*NamespacesArgs)) *NamespacesArgs {
	quota := Quota{CPU: "8", Memory: "32Gi", Pods: 50}
	a := &NamespacesArgs{
		Namespaces: []Namespace{
			{Name: "backend", Quota: quota},
			{Name: "monitoring", PodSecurity: PodSecurityPrivileged, Exception: "node-exporter reads the host's metrics", Quota: quota},
		},
		PodSecurityVersion: "v1.31",
		Defaults:           ContainerDefaults{CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "500m", MemoryLimit: "512Mi"},
		Protect:            true,
		Labels:             kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// withProvider runs body with the explicit cluster provider every workload uses.
func withProvider(t *testing.T, body func(ctx *pulumi.Context, p pulumi.ProviderResource) error) (*mockcloud.Monitor, error) {
	t.Helper()
	return kittest.Run(t, func(ctx *pulumi.Context) error {
		p, err := NewProvider(ctx, "cluster", &ProviderArgs{Kubeconfig: pulumi.String("apiVersion: v1\nkind: Config\n")})
		if err != nil {
			return err
		}
		return body(ctx, p)
	})
}

func TestNamespacesDefaults(t *testing.T) {
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		_, err := NewNamespaces(ctx, "namespaces", namespacesArgs(nil), pulumi.Provider(p))
		return err
	})
	require.NoError(t, err)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "pulumi:providers:kubernetes", Name: "cluster", Path: "enableServerSideApply", Want: true},
		{Type: "pulumi:providers:kubernetes", Name: "cluster", Path: "deleteUnreachable", Want: false},
		{Type: typeNamespace, Name: "backend", Path: `metadata.labels["` + naming.PodSecurityEnforce + `"]`, Want: "restricted"},
		{Type: typeNamespace, Name: "backend", Path: `metadata.labels["pod-security.kubernetes.io/enforce-version"]`, Want: "v1.31"},
		{Type: typeNamespace, Name: "backend", Path: `metadata.labels["pod-security.kubernetes.io/audit"]`, Want: "restricted"},
		{Type: typeNamespace, Name: "backend", Path: `metadata.labels["pod-security.kubernetes.io/warn"]`, Want: "restricted"},
		{Type: typeNamespace, Name: "backend", Path: `metadata.labels["data-classification"]`, Want: "phi"},
		{Type: typeNamespace, Name: "monitoring", Path: `metadata.labels["` + naming.PodSecurityEnforce + `"]`, Want: "privileged"},
		{Type: typeNamespace, Name: "monitoring", Path: `metadata.labels["pod-security.kubernetes.io/warn"]`, Want: "restricted"},
		{Type: typeNamespace, Name: "monitoring", Path: `metadata.annotations["` + naming.PodSecurityException + `"]`, Want: "node-exporter reads the host's metrics"},
		{Type: typeQuota, Name: "backend", Path: `spec.hard["limits.memory"]`, Want: "32Gi"},
		{Type: typeQuota, Name: "backend", Path: "spec.hard.pods", Want: "50"},
		{Type: typeLimitRange, Name: "backend", Path: "spec.limits[0].default.cpu", Want: "500m"},
		{Type: typeLimitRange, Name: "backend", Path: "spec.limits[0].defaultRequest.memory", Want: "128Mi"},
		{Type: typeNetworkPolicy, Name: "backend-default-deny", Path: "spec.policyTypes", Want: []any{"Ingress", "Egress"}},
		{Type: typeNetworkPolicy, Name: "backend-default-deny", Path: "spec.podSelector", Want: map[string]any{}},
	})
	ns, _ := m.Find(typeNamespace, "backend")
	assert.True(t, ns.Protect, "a namespace holds its claims and secrets")
	np, _ := m.Find(typeNetworkPolicy, "backend-default-deny")
	assert.NotEmpty(t, np.Provider, "every resource names the cluster's provider")
	assert.Empty(t, kittest.Violations(m, "production"), "the namespaces pass the whole policy pack")
}

func TestProviderNeedsAKubeconfig(t *testing.T) {
	m, err := kittest.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewProvider(ctx, "cluster", &ProviderArgs{})
		return err
	})
	require.ErrorContains(t, err, "Provider: Kubeconfig = <nil>: required")
	kittest.AssertNothingRegistered(t, m)
}

func TestNamespacesArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*NamespacesArgs)
		want   string
	}{
		{"no namespaces", func(a *NamespacesArgs) { a.Namespaces = nil }, "Namespaces = []: required"},
		{"unpinned version", func(a *NamespacesArgs) { a.PodSecurityVersion = "latest" }, `PodSecurityVersion = "latest": must pin`},
		{"bad name", func(a *NamespacesArgs) { a.Namespaces[0].Name = "Back_End" }, `Namespaces[0].Name = "Back_End": must be a DNS label`},
		{"reserved name", func(a *NamespacesArgs) { a.Namespaces[0].Name = "kube-system" }, "is the cluster's own namespace"},
		{"twice", func(a *NamespacesArgs) { a.Namespaces[1].Name = "backend" }, "Namespaces[1].Name = backend: is listed twice"},
		{"looser without a reason", func(a *NamespacesArgs) { a.Namespaces[1].Exception = "" }, `Namespaces[1].Exception = "": required with PodSecurity "privileged"`},
		{"unknown level", func(a *NamespacesArgs) { a.Namespaces[0].PodSecurity = "open" }, `Namespaces[0].PodSecurity = "open": must be`},
		{"bad quota", func(a *NamespacesArgs) { a.Namespaces[0].Quota.Memory = "lots" }, "Namespaces[0].Quota"},
		{"no pods", func(a *NamespacesArgs) { a.Namespaces[0].Quota.Pods = 0 }, "Namespaces[0].Quota.Pods = 0: must be at least 1"},
		{"bad default", func(a *NamespacesArgs) { a.Defaults.CPULimit = "half" }, `Defaults.CPULimit = "half"`},
		{"no labels", func(a *NamespacesArgs) { a.Labels = nil }, "Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewNamespaces(ctx, "namespaces", namespacesArgs(tt.mutate), pulumi.Provider(p))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
