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

// Build creates the cluster provider from the platform's kubeconfig and the workloads on it:
// the namespaces, access, the in-cluster admission policies, the encrypted storage class, the
// apps with their network flows and ingress, and the monitoring stack.
func Build(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform) error {
	if p.Cluster.Version == "" {
		return fmt.Errorf("the %s platform names no Kubernetes version: the workloads pin Pod Security to it", p.Cloud)
	}
	if p.Cluster.Storage.Provisioner == "" {
		return fmt.Errorf("the %s platform names no storage provisioner: Prometheus and the in-cluster cache keep their data on encrypted volumes", p.Cloud)
	}
	if err := checkGPUs(cfg, p); err != nil {
		return err
	}
	if err := checkInClusterCache(cfg, p); err != nil {
		return err
	}
	provider, err := k8sc.NewProvider(ctx, "cluster", &k8sc.ProviderArgs{Kubeconfig: p.Cluster.Kubeconfig})
	if err != nil {
		return err
	}
	on := pulumi.Provider(provider)
	layout := namespaces(cfg, p)
	ns, err := k8sc.NewNamespaces(ctx, "namespaces", &k8sc.NamespacesArgs{
		Namespaces:         layout,
		PodSecurityVersion: "v" + p.Cluster.Version,
		Defaults:           k8sc.ContainerDefaults{CPURequest: "100m", MemoryRequest: "128Mi", CPULimit: "1", MemoryLimit: "1Gi"},
		Protect:            cfg.Production(),
		Labels:             cfg.Tags(),
	}, on)
	if err != nil {
		return err
	}
	var names []string
	var created []pulumi.Resource // the namespaces themselves: a dependency on the component would vary run to run
	for _, n := range layout {
		names = append(names, n.Name)
		created = append(created, ns.Namespaces[n.Name])
	}
	afterNamespaces := pulumi.DependsOn(created)

	// Without the identity provider's groups no one is bound, which is the safe reading of a
	// stack that names none.
	if cfg.Workloads.HasAccess() {
		if _, err := k8sc.NewAccess(ctx, "access", &k8sc.AccessArgs{
			Namespaces: names, OperatorGroups: cfg.Workloads.OperatorGroups, AuditorGroups: cfg.Workloads.AuditorGroups,
			Labels: cfg.Tags(),
		}, on, afterNamespaces); err != nil {
			return err
		}
	}
	// The API server judges what the program does not send: kubectl, a CI job, a chart
	// installed by hand. What the program sends the pack has judged before the preview.
	if _, err := k8sc.NewAdmissionPolicies(ctx, "admission", &k8sc.AdmissionPoliciesArgs{
		PodExemptions:    []k8sc.Exemption{{Namespace: cfg.Workloads.Namespaces.Monitoring, Reason: monitoringExemption}},
		SystemNamespaces: p.Cluster.SystemNamespaces,
		Labels:           cfg.Tags(),
	}, on); err != nil {
		return err
	}
	storage, err := k8sc.NewStorageClass(ctx, "encrypted", &k8sc.StorageClassArgs{
		Provisioner: p.Cluster.Storage.Provisioner, Parameters: p.Cluster.Storage.Parameters,
		Production: cfg.Production(), Labels: cfg.Tags(),
	}, on)
	if err != nil {
		return err
	}
	apps, err := buildApps(ctx, cfg, p, ns, on)
	if err != nil {
		return err
	}
	cache, err := buildCache(ctx, cfg, p, ns, storage, apps, on)
	if err != nil {
		return err
	}
	// The cache's namespace gets no DNS: Redis resolves no names, and its own policy lets its
	// pods reach nothing.
	var flowNamespaces []string
	for _, n := range names {
		if ic := p.Cache.InCluster; ic == nil || n != ic.Namespace {
			flowNamespaces = append(flowNamespaces, n)
		}
	}
	if err := buildNetwork(ctx, cfg, p, flowNamespaces, apps, cache, on, afterNamespaces); err != nil {
		return err
	}
	if err := buildIngress(ctx, cfg, p, apps, on); err != nil {
		return err
	}
	return buildMonitoring(ctx, cfg, p, ns, storage, apps, on)
}

// monitoringExemption is why the pod policies leave the monitoring namespace alone.
const monitoringExemption = "kube-prometheus-stack's chart pins its images by tag and sets no limits on some containers, and node-exporter reads the host; the namespace's Pod Security exception says the same"

// checkGPUs refuses a GPU workload on a cluster with no GPU pool, where its pods would wait
// for a node that never comes.
func checkGPUs(cfg *config.Config, p *platform.Platform) error {
	hasPool := false
	for _, pool := range p.Cluster.NodePools {
		hasPool = hasPool || pool.GPU && pool.Max > 0
	}
	for _, app := range cfg.Workloads.AppList() {
		if app.GPU && !hasPool {
			return fmt.Errorf("healthhub:workloads apps.%s.gpu is true, but the %s cluster has no GPU node pool: add one or set gpu false", configKey(app.Name), p.Cloud)
		}
	}
	return nil
}

// configKey is an app's key under healthhub:workloads.apps.
func configKey(app string) string {
	if app == "model-serving" {
		return "modelServing"
	}
	return app
}
