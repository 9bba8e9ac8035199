// Package workloads builds what runs on the platform's cluster, once for every cloud: it reads
// only the platform contract, never a cloud's own outputs.
package workloads

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	k8sc "github.com/healthhub/estate/components/kubernetes"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// The namespaces the medical AI system runs in. Their sizes are the estate's defaults until the
// workloads' own config section lands; each quota leaves room for the workload's HPA maximum.
var namespaces = []k8sc.Namespace{
	{Name: "frontend", Quota: k8sc.Quota{CPU: "8", Memory: "16Gi", Pods: 40}},
	{Name: "backend", Quota: k8sc.Quota{CPU: "16", Memory: "32Gi", Pods: 60}},
	{Name: "model-serving", Quota: k8sc.Quota{CPU: "32", Memory: "128Gi", Pods: 20}},
	// kube-prometheus-stack's node-exporter reads the host: hostNetwork, hostPID and the root
	// filesystem mounted read-only. Audit and warn stay restricted, so every other pod placed
	// here is still reported.
	{Name: "monitoring", PodSecurity: k8sc.PodSecurityPrivileged, Quota: k8sc.Quota{CPU: "8", Memory: "32Gi", Pods: 40},
		Exception: "node-exporter (kube-prometheus-stack) needs hostNetwork, hostPID and a read-only mount of the host's root filesystem to report node metrics"},
}

// Build creates the cluster provider from the platform's kubeconfig and the workloads on it.
func Build(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform) error {
	if p.Cluster.Version == "" {
		return fmt.Errorf("the %s platform names no Kubernetes version: the workloads pin Pod Security to it", p.Cloud)
	}
	provider, err := k8sc.NewProvider(ctx, "cluster", &k8sc.ProviderArgs{Kubeconfig: p.Cluster.Kubeconfig})
	if err != nil {
		return err
	}
	ns, err := k8sc.NewNamespaces(ctx, "namespaces", &k8sc.NamespacesArgs{
		Namespaces:         namespaces,
		PodSecurityVersion: "v" + p.Cluster.Version,
		Defaults:           k8sc.ContainerDefaults{CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "1", MemoryLimit: "1Gi"},
		Protect:            cfg.Production(),
		Labels:             cfg.Tags(),
	}, pulumi.Provider(provider))
	if err != nil {
		return err
	}
	// Without the identity provider's groups no one is bound, which is the safe reading of a
	// stack that names none.
	if !cfg.Workloads.HasAccess() {
		return nil
	}
	var names []string
	var created []pulumi.Resource // the namespaces themselves: a dependency on the component would vary run to run
	for _, n := range namespaces {
		names = append(names, n.Name)
		created = append(created, ns.Namespaces[n.Name])
	}
	_, err = k8sc.NewAccess(ctx, "access", &k8sc.AccessArgs{
		Namespaces:     names,
		OperatorGroups: cfg.Workloads.OperatorGroups,
		AuditorGroups:  cfg.Workloads.AuditorGroups,
		Labels:         cfg.Tags(),
	}, pulumi.Provider(provider), pulumi.DependsOn(created))
	return err
}
