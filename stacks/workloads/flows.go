package workloads

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	k8sc "github.com/healthhub/estate/components/kubernetes"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// calls is the system's chain: the frontend calls the backend, the backend calls model
// serving; nothing calls back.
var calls = map[string][]string{"frontend": {"backend"}, "backend": {"model-serving"}}

// prometheus selects the monitoring stack's Prometheus pods, which scrape the apps.
var prometheus = map[string]string{"app.kubernetes.io/name": "prometheus"}

func buildNetwork(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform, names []string, apps []app, cache *k8sc.Cache, on, after pulumi.ResourceOption) error {
	deployed := map[string]bool{}
	for _, a := range apps {
		deployed[a.Name] = true
	}
	var flows []k8sc.AppFlows
	for _, a := range apps {
		f := k8sc.AppFlows{Name: a.Name, Namespace: a.Namespace, Selector: a.workload.Selector, Port: appPort}
		for _, c := range calls[a.Name] {
			if deployed[c] {
				f.Calls = append(f.Calls, c)
			}
		}
		switch a.Name {
		case "frontend":
			f.FromIngress = p.Ingress.SourceCidrs
		case "backend":
			type store struct {
				why  string
				port pulumi.IntOutput
			}
			stores := []store{{"database", p.Database.Port}}
			if p.Cache.InCluster == nil {
				stores = append(stores, store{"cache", p.Cache.Port})
			}
			for _, d := range stores {
				if d.port.OutputState != nil && len(p.Network.DataCidrs) > 0 {
					f.Egress = append(f.Egress, k8sc.Destination{Why: d.why, Cidrs: p.Network.DataCidrs, Ports: []pulumi.IntInput{d.port}})
				}
			}
			// The in-cluster cache is pods, not a data subnet: the backend reaches them alone,
			// on the TLS port, as the cache's own policy lets it in.
			if cache != nil {
				f.Egress = append(f.Egress, k8sc.Destination{
					Why: "cache", Pods: &k8sc.Peer{Namespace: p.Cache.InCluster.Namespace, Selector: cache.Selector}, Ports: []pulumi.IntInput{pulumi.Int(cache.Port)},
				})
			}
		}
		// Every app signs its cloud calls as its own identity (STS) and reads its secrets and
		// models through the cloud's private endpoints.
		if len(p.Network.EndpointCidrs) > 0 {
			f.Egress = append(f.Egress, k8sc.Destination{Why: "cloud endpoints", Cidrs: p.Network.EndpointCidrs, Ports: []pulumi.IntInput{pulumi.Int(443)}})
		}
		if id := p.Network.Identity; id != nil {
			var ports []pulumi.IntInput
			for _, port := range id.Ports {
				ports = append(ports, pulumi.Int(port))
			}
			f.Egress = append(f.Egress, k8sc.Destination{Why: "workload identity", Cidrs: id.Cidrs, Ports: ports, SignIn: id.SignIn})
		}
		flows = append(flows, f)
	}
	_, err := k8sc.NewNetworkPolicies(ctx, "network-policies", &k8sc.NetworkPoliciesArgs{
		Namespaces: names,
		Apps:       flows,
		Monitoring: &k8sc.Scraper{Namespace: cfg.Workloads.Namespaces.Monitoring, Selector: prometheus},
		Labels:     cfg.Tags(),
	}, on, after)
	return err
}

// buildIngress publishes the frontend, and only it, through the platform's controller.
func buildIngress(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform, apps []app, on pulumi.ResourceOption) error {
	for _, a := range apps {
		if a.Name != "frontend" {
			continue
		}
		if p.Ingress.Kind != platform.IngressController {
			return fmt.Errorf("the %s platform's ingress is %q: the frontend is published through an ingress controller's class", p.Cloud, p.Ingress.Kind)
		}
		_, err := k8sc.NewIngress(ctx, "frontend", &k8sc.IngressArgs{
			Namespace: a.Namespace, Service: a.workload.ServiceName, Port: appPort,
			Host: cfg.Workloads.Domain, Class: p.Ingress.Class, ClassAnnotation: p.Ingress.ClassAnnotation,
			Annotations: p.Ingress.Annotations, TLSSecret: p.Ingress.TLSSecret, Companions: companions(p.Ingress.Companions),
			Labels: cfg.Tags(),
		}, on, pulumi.DependsOn([]pulumi.Resource{a.workload.Service}))
		return err
	}
	return nil
}

func companions(objects []platform.CustomObject) []k8sc.CustomObject {
	var out []k8sc.CustomObject
	for _, o := range objects {
		out = append(out, k8sc.CustomObject{APIVersion: o.APIVersion, Kind: o.Kind, Name: o.Name, Spec: o.Spec})
	}
	return out
}
