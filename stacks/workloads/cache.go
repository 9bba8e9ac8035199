package workloads

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	k8sc "github.com/healthhub/estate/components/kubernetes"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// cacheResources size the in-cluster Redis: a quarter of its 4Gi is the headroom an
// append-only file rewrite needs, which leaves 3Gi of data, and its memory is guaranteed.
var cacheResources = k8sc.Resources{CPURequest: "500m", MemoryRequest: "4Gi", CPULimit: "1", MemoryLimit: "4Gi"}

// cacheQuota holds the cache's one pod twice over: a replacement is admitted while the pod it
// replaces still counts.
var cacheQuota = k8sc.Quota{CPU: "2", Memory: "8Gi", Pods: 2}

// checkInClusterCache refuses a cache the workloads could not run apart from the apps, or
// whose certificate and token would not come from the cloud's secret store.
func checkInClusterCache(cfg *config.Config, p *platform.Platform) error {
	ic := p.Cache.InCluster
	if ic == nil {
		return nil
	}
	n := cfg.Workloads.Namespaces
	if slices.Contains([]string{n.Frontend, n.Backend, n.ModelServing, n.Monitoring}, ic.Namespace) {
		return fmt.Errorf("the %s platform runs the cache in namespace %q, which healthhub:workloads also gives an app or monitoring: the cache runs in a namespace of its own, reached from the backend alone", p.Cloud, ic.Namespace)
	}
	if ic.Binding.Secrets == nil {
		return fmt.Errorf("the %s platform's in-cluster cache names no secret provider: its TLS certificate and auth token are read from the cloud's secret store", p.Cloud)
	}
	return nil
}

// buildCache runs Redis in the cluster where the platform asks for it, for the backend: with
// no backend there is no client, and no cache.
func buildCache(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform, ns *k8sc.Namespaces, storage *k8sc.StorageClass, apps []app, on pulumi.ResourceOption) (*k8sc.Cache, error) {
	ic := p.Cache.InCluster
	i := slices.IndexFunc(apps, func(a app) bool { return a.Name == "backend" })
	if ic == nil || i < 0 {
		return nil, nil
	}
	backend := apps[i]
	return k8sc.NewCache(ctx, "cache", &k8sc.CacheArgs{
		Name:         platform.InClusterCacheName,
		Namespace:    ns.Namespaces[ic.Namespace].Metadata.Name().Elem(),
		Port:         platform.InClusterCachePort,
		Identity:     k8sc.Identity{Annotations: ic.Binding.IdentityAnnotations, PodLabels: ic.Binding.PodLabels},
		Secrets:      &k8sc.SecretMount{Provider: ic.Binding.Secrets.Provider, Parameters: ic.Binding.Secrets.Parameters},
		TLSFile:      platform.InClusterCacheTLSFile,
		TokenFile:    platform.InClusterCacheTokenFile,
		StorageClass: storage.Name,
		VolumeSize:   ic.VolumeSize,
		Resources:    cacheResources,
		Clients:      []k8sc.Peer{{Namespace: backend.Namespace, Selector: backend.workload.Selector}},
		Production:   cfg.Production(),
		Labels:       cfg.Tags(),
	}, on)
}
