package kubernetes

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
)

func networkArgs(mutate func(*NetworkPoliciesArgs)) *NetworkPoliciesArgs {
	sel := func(name string) map[string]string { return map[string]string{"app.kubernetes.io/name": name} }
	a := &NetworkPoliciesArgs{
		Namespaces: []string{"frontend", "backend", "model-serving", "monitoring"},
		Apps: []AppFlows{
			{Name: "frontend", Namespace: "frontend", Selector: sel("frontend"), Port: 8080, FromIngress: []string{"10.20.96.0/24", "10.20.97.0/24"}, Calls: []string{"backend"}},
			{Name: "backend", Namespace: "backend", Selector: sel("backend"), Port: 8081, Calls: []string{"model-serving"}, Egress: []Destination{
				{Why: "database", Cidrs: []string{"10.20.112.0/24"}, Ports: []pulumi.IntInput{pulumi.Int(5432)}},
				{Why: "cache", Cidrs: []string{"10.20.112.0/24"}, Ports: []pulumi.IntInput{pulumi.Int(6379)}},
			}},
			{Name: "model-serving", Namespace: "model-serving", Selector: sel("model-serving"), Port: 8082},
		},
		Monitoring: &Scraper{Namespace: "monitoring", Selector: map[string]string{"app.kubernetes.io/name": "prometheus"}},
		Labels:     kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestNetworkPoliciesOpenOnlyTheSystemsFlows(t *testing.T) {
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		_, err := NewNetworkPolicies(ctx, "network", networkArgs(nil), pulumi.Provider(p))
		return err
	})
	require.NoError(t, err)
	ns := func(name string) map[string]any {
		return map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": name}}
	}
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeNetworkPolicy, Name: "backend-allow-dns", Path: "spec.policyTypes", Want: []any{"Egress"}},
		{Type: typeNetworkPolicy, Name: "backend-allow-dns", Path: "spec.egress[0].to[0].namespaceSelector", Want: ns("kube-system")},
		{Type: typeNetworkPolicy, Name: "backend-allow-dns", Path: `spec.egress[0].to[0].podSelector.matchLabels["k8s-app"]`, Want: "kube-dns"},
		{Type: typeNetworkPolicy, Name: "backend-allow-dns", Path: "spec.egress[0].ports[0]", Want: map[string]any{"protocol": "UDP", "port": int64(53)}},
		// The frontend: from the load balancer's subnets and from Prometheus, on its port only.
		{Type: typeNetworkPolicy, Name: "frontend-flows", Path: `spec.podSelector.matchLabels["app.kubernetes.io/name"]`, Want: "frontend"},
		{Type: typeNetworkPolicy, Name: "frontend-flows", Path: "spec.ingress[0].from[0].ipBlock.cidr", Want: "10.20.96.0/24"},
		{Type: typeNetworkPolicy, Name: "frontend-flows", Path: "spec.ingress[0].from[2].namespaceSelector", Want: ns("monitoring")},
		{Type: typeNetworkPolicy, Name: "frontend-flows", Path: "spec.ingress[0].ports", Want: []any{map[string]any{"protocol": "TCP", "port": int64(8080)}}},
		{Type: typeNetworkPolicy, Name: "frontend-flows", Path: "spec.egress[0].to[0].namespaceSelector", Want: ns("backend")},
		{Type: typeNetworkPolicy, Name: "frontend-flows", Path: "spec.egress[0].ports[0].port", Want: int64(8081)},
		// The backend: from the frontend's pods alone, out to model serving and the data stores.
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.ingress[0].from[0].namespaceSelector", Want: ns("frontend")},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: `spec.ingress[0].from[0].podSelector.matchLabels["app.kubernetes.io/name"]`, Want: "frontend"},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[0].ports[0].port", Want: int64(8082)},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[1].to[0].ipBlock.cidr", Want: "10.20.112.0/24"},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[1].ports[0].port", Want: int64(5432)},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[2].ports[0].port", Want: int64(6379)},
		// Model serving is reached from the backend only and reaches nothing but DNS.
		{Type: typeNetworkPolicy, Name: "model-serving-flows", Path: "spec.ingress[0].from[0].namespaceSelector", Want: ns("backend")},
		{Type: typeNetworkPolicy, Name: "monitoring-monitoring-stack", Path: "spec.egress[0].to[0].namespaceSelector", Want: ns("monitoring")},
		{Type: typeNetworkPolicy, Name: "monitoring-monitoring-stack", Path: "spec.egress[4].ports[3].port", Want: int64(10250)},
	})
	flows, _ := m.Find(typeNetworkPolicy, "model-serving-flows")
	egress, _ := flows.Get("spec.egress")
	assert.Nil(t, egress, "model serving calls nothing")
	from, _ := flows.Get("spec.ingress[0].from")
	assert.Len(t, from, 2, "the backend and Prometheus")
	assert.Len(t, m.ByType(typeNetworkPolicy), 8)
	assert.Empty(t, kittest.Violations(m, "production"))
}

// A destination in the cluster (the in-cluster cache) is its pods, by namespace and labels,
// on its port alone.
func TestNetworkPoliciesReachPodsInTheCluster(t *testing.T) {
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		_, err := NewNetworkPolicies(ctx, "network", networkArgs(func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[1] = Destination{Why: "cache", Pods: &Peer{Namespace: "cache", Selector: map[string]string{"app.kubernetes.io/name": "redis"}},
				Ports: []pulumi.IntInput{pulumi.Int(6379)}}
		}), pulumi.Provider(p))
		return err
	})
	require.NoError(t, err)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[2]", Want: map[string]any{
			"to": []any{map[string]any{
				"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "cache"}},
				"podSelector":       map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "redis"}},
			}},
			"ports": []any{map[string]any{"protocol": "TCP", "port": int64(6379)}},
		}},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[1].to[0].ipBlock.cidr", Want: "10.20.112.0/24"},
	})
	assert.Empty(t, kittest.Violations(m, "production"))
}

// A pod exchanges its federated token at the identity provider's public sign-in ranges (Entra
// ID's /18s on AKS), on 443: allowed as a SignIn destination, and only as one.
func TestNetworkPoliciesReachTheSignInService(t *testing.T) {
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		_, err := NewNetworkPolicies(ctx, "network", networkArgs(func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress = append(a.Apps[1].Egress, Destination{Why: "workload identity", Cidrs: []string{"20.190.128.0/18", "40.126.0.0/18"},
				Ports: []pulumi.IntInput{pulumi.Int(443)}, SignIn: true})
		}), pulumi.Provider(p))
		return err
	})
	require.NoError(t, err)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[3].to[0].ipBlock.cidr", Want: "20.190.128.0/18"},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[3].to[1].ipBlock.cidr", Want: "40.126.0.0/18"},
		{Type: typeNetworkPolicy, Name: "backend-flows", Path: "spec.egress[3].ports[0].port", Want: int64(443)},
	})
	assert.Empty(t, kittest.Violations(m, "production"))
}

func TestNetworkPoliciesArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*NetworkPoliciesArgs)
		want   string
	}{
		{"no namespaces", func(a *NetworkPoliciesArgs) { a.Namespaces = nil }, "Namespaces = []: required"},
		{"app outside the namespaces", func(a *NetworkPoliciesArgs) { a.Apps[1].Namespace = "payments" }, "Apps[1].Namespace = payments: must be one of Namespaces"},
		{"empty selector", func(a *NetworkPoliciesArgs) { a.Apps[0].Selector = nil }, "Apps[0].Selector = {}: required"},
		{"privileged port", func(a *NetworkPoliciesArgs) { a.Apps[2].Port = 80 }, "Apps[2].Port = 80: must be 1024 to 65535"},
		{"ingress from anywhere", func(a *NetworkPoliciesArgs) { a.Apps[0].FromIngress = []string{"0.0.0.0/0"} }, "Apps[0].FromIngress = 0.0.0.0/0: must be the controller's networks"},
		{"calls an unknown app", func(a *NetworkPoliciesArgs) { a.Apps[0].Calls = []string{"billing"} }, "Apps[0].Calls = billing: must name another app"},
		{"calls itself", func(a *NetworkPoliciesArgs) { a.Apps[0].Calls = []string{"frontend"} }, "Apps[0].Calls = frontend"},
		{"egress to the internet", func(a *NetworkPoliciesArgs) { a.Apps[1].Egress[0].Cidrs = []string{"52.94.0.0/16"} }, "Apps[1].Egress[0].Cidrs = 52.94.0.0/16: must be a private network, or a public one no wider than /24"},
		{"sign-in wider than a /16", func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[0] = Destination{Why: "workload identity", Cidrs: []string{"20.0.0.0/8"}, Ports: []pulumi.IntInput{pulumi.Int(443)}, SignIn: true}
		}, "Apps[1].Egress[0].Cidrs = 20.0.0.0/8: must be the identity provider's sign-in ranges, IPv4 networks no wider than /16"},
		{"sign-in on another port", func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[0] = Destination{Why: "workload identity", Cidrs: []string{"20.190.128.0/18"}, Ports: []pulumi.IntInput{pulumi.Int(80)}, SignIn: true}
		}, "Apps[1].Egress[0].Ports = 80: must be 443 alone"},
		{"sign-in ranges without the flag", func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[0] = Destination{Why: "workload identity", Cidrs: []string{"20.190.128.0/18"}, Ports: []pulumi.IntInput{pulumi.Int(443)}}
		}, "Apps[1].Egress[0].Cidrs = 20.190.128.0/18: must be a private network"},
		{"egress to everywhere", func(a *NetworkPoliciesArgs) { a.Apps[1].Egress[0].Cidrs = []string{"0.0.0.0/0"} }, "Apps[1].Egress[0].Cidrs = 0.0.0.0/0"},
		{"egress without ports", func(a *NetworkPoliciesArgs) { a.Apps[1].Egress[1].Ports = nil }, "Apps[1].Egress[1]"},
		{"egress to networks and pods at once", func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[1].Pods = &Peer{Namespace: "cache", Selector: map[string]string{"app.kubernetes.io/name": "redis"}}
		}, "Apps[1].Egress[1] = {Why:cache Cidrs:[10.20.112.0/24] Pods:"},
		{"egress to every pod of a namespace", func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[1].Cidrs, a.Apps[1].Egress[1].Pods = nil, &Peer{Namespace: "cache"}
		}, "Apps[1].Egress[1].Pods.Selector = {}: required"},
		{"egress to pods of no namespace", func(a *NetworkPoliciesArgs) {
			a.Apps[1].Egress[1].Cidrs, a.Apps[1].Egress[1].Pods = nil, &Peer{Selector: map[string]string{"app.kubernetes.io/name": "redis"}}
		}, `Apps[1].Egress[1].Pods.Namespace = "": must be a namespace's name`},
		{"monitoring elsewhere", func(a *NetworkPoliciesArgs) { a.Monitoring.Namespace = "observability" }, "Monitoring"},
		{"no labels", func(a *NetworkPoliciesArgs) { a.Labels = nil }, "Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewNetworkPolicies(ctx, "network", networkArgs(tt.mutate), pulumi.Provider(p))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
