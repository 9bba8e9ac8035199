package workloads

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	k8sc "github.com/healthhub/estate/components/kubernetes"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// appPort is where every app serves HTTPS: the load balancer and the calling app reach it
// encrypted, and 8443 needs no privilege to bind.
const appPort = 8443

// sizing is an app's container size. Limits are in millicores and MiB so the namespace's
// quota can be computed from the autoscaler's maximum.
type sizing struct {
	cpuRequest, memoryRequest  string
	cpuLimitMilli, memoryLimit int
}

// sizes are the system's apps: the frontend renders pages, the backend runs the clinical API,
// model serving holds a model in memory next to its GPU.
var sizes = map[string]sizing{
	"frontend":      {cpuRequest: "250m", memoryRequest: "512Mi", cpuLimitMilli: 1000, memoryLimit: 1024},
	"backend":       {cpuRequest: "500m", memoryRequest: "1Gi", cpuLimitMilli: 2000, memoryLimit: 4096},
	"model-serving": {cpuRequest: "2", memoryRequest: "16Gi", cpuLimitMilli: 4000, memoryLimit: 32768},
}

// monitoringQuota holds kube-prometheus-stack: Prometheus, Alertmanager, Grafana, the operator,
// kube-state-metrics and a node-exporter per node.
var monitoringQuota = k8sc.Quota{CPU: "16", Memory: "64Gi", Pods: 60}

// namespaces are the four namespaces, and the cache's where the workloads run it; an app's
// quota fits its autoscaler's maximum plus the one extra pod a rolling update surges, so
// neither scaling nor a rollout is refused.
func namespaces(cfg *config.Config, p *platform.Platform) []k8sc.Namespace {
	n := cfg.Workloads.Namespaces
	quota := func(app string, a *config.App) k8sc.Quota {
		if a == nil {
			return k8sc.Quota{CPU: "2", Memory: "4Gi", Pods: 10} // room for nothing the estate runs
		}
		s, pods := sizes[app], a.MaxReplicas+1
		return k8sc.Quota{CPU: fmt.Sprintf("%dm", s.cpuLimitMilli*pods), Memory: fmt.Sprintf("%dMi", s.memoryLimit*pods), Pods: pods}
	}
	layout := []k8sc.Namespace{
		{Name: n.Frontend, Quota: quota("frontend", cfg.Workloads.Apps.Frontend)},
		{Name: n.Backend, Quota: quota("backend", cfg.Workloads.Apps.Backend)},
		{Name: n.ModelServing, Quota: quota("model-serving", cfg.Workloads.Apps.ModelServing)},
		// kube-prometheus-stack's node-exporter reads the host: hostNetwork, hostPID and the root
		// filesystem mounted read-only. Audit and warn stay restricted, so every other pod placed
		// here is still reported.
		{Name: n.Monitoring, PodSecurity: k8sc.PodSecurityPrivileged, Quota: monitoringQuota,
			Exception: "node-exporter (kube-prometheus-stack) needs hostNetwork, hostPID and a read-only mount of the host's root filesystem to report node metrics"},
	}
	if ic := p.Cache.InCluster; ic != nil {
		layout = append(layout, k8sc.Namespace{Name: ic.Namespace, Quota: cacheQuota})
	}
	return layout
}

// app is a deployed app with what the network policies and ingress need of it.
type app struct {
	config.NamedApp
	workload *k8sc.Workload
}

func buildApps(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform, ns *k8sc.Namespaces, on pulumi.ResourceOption) ([]app, error) {
	var out []app
	for _, a := range cfg.Workloads.AppList() {
		s := sizes[a.Name]
		args := &k8sc.WorkloadArgs{
			Name:      a.Name,
			Namespace: ns.Namespaces[a.Namespace].Metadata.Name().Elem(),
			Image:     a.Image,
			Port:      appPort,
			TLS:       true,
			Replicas:  k8sc.Replicas{Min: a.MinReplicas, Max: a.MaxReplicas},
			Resources: k8sc.Resources{
				CPURequest: s.cpuRequest, MemoryRequest: s.memoryRequest,
				CPULimit: fmt.Sprintf("%dm", s.cpuLimitMilli), MemoryLimit: fmt.Sprintf("%dMi", s.memoryLimit),
			},
			Env:        env(a.Name, cfg, p),
			Production: cfg.Production(),
			Labels:     cfg.Tags(),
		}
		if a.GPU {
			args.GPUs = 1
		}
		// The frontend is the one app published (buildIngress): only its Service is the
		// controller's to read.
		if a.Name == "frontend" {
			args.ServiceAnnotations = p.Ingress.ServiceAnnotations
		}
		if b, ok := p.Workloads[a.Name]; ok {
			args.Identity = k8sc.Identity{Annotations: b.IdentityAnnotations, PodLabels: b.PodLabels}
			if b.Secrets != nil {
				args.Secrets = &k8sc.SecretMount{Provider: b.Secrets.Provider, Parameters: b.Secrets.Parameters}
			}
		}
		w, err := k8sc.NewWorkload(ctx, a.Name, args, on)
		if err != nil {
			return nil, err
		}
		out = append(out, app{NamedApp: a, workload: w})
	}
	return out, nil
}

// env are an app's plain settings: where its neighbours and data stores are. Credentials are
// files from the secret mount, never settings.
func env(name string, cfg *config.Config, p *platform.Platform) map[string]pulumi.StringInput {
	n := cfg.Workloads.Namespaces
	switch name {
	case "frontend":
		return map[string]pulumi.StringInput{"BACKEND_URL": pulumi.String(fmt.Sprintf("https://backend.%s.svc:%d", n.Backend, appPort))}
	case "backend":
		out := map[string]pulumi.StringInput{"MODEL_SERVING_URL": pulumi.String(fmt.Sprintf("https://model-serving.%s.svc:%d", n.ModelServing, appPort))}
		// The in-cluster cache is where the workloads run it, whatever the cloud exports.
		if ic := p.Cache.InCluster; ic != nil {
			out["CACHE_HOST"], out["CACHE_PORT"] = pulumi.String(ic.Host()), pulumi.String(fmt.Sprint(platform.InClusterCachePort))
		}
		for key, v := range map[string]pulumi.StringOutput{"DATABASE_HOST": p.Database.Endpoint, "CACHE_HOST": p.Cache.Endpoint} {
			if _, set := out[key]; !set && v.OutputState != nil {
				out[key] = v
			}
		}
		for key, v := range map[string]pulumi.IntOutput{"DATABASE_PORT": p.Database.Port, "CACHE_PORT": p.Cache.Port} {
			if _, set := out[key]; !set && v.OutputState != nil {
				out[key] = v.ApplyT(func(port int) string { return fmt.Sprint(port) }).(pulumi.StringOutput)
			}
		}
		return out
	}
	return nil
}
