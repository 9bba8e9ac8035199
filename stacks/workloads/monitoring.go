package workloads

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	k8sc "github.com/healthhub/estate/components/kubernetes"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// buildMonitoring installs the monitoring stack on the estate's encrypted storage class, with
// the healthcare alerts on the deployed apps, routed to the platform's alert channel.
func buildMonitoring(ctx *pulumi.Context, cfg *config.Config, p *platform.Platform, ns *k8sc.Namespaces, storage *k8sc.StorageClass, apps []app, on pulumi.ResourceOption) error {
	if p.Alerts.Critical == nil || p.Alerts.Warning == nil {
		return fmt.Errorf("the %s platform names no Alertmanager receivers: critical alerts page, warnings e-mail", p.Cloud)
	}
	targets := k8sc.ServiceTargets{}
	for _, a := range apps {
		targets.PHIServices = append(targets.PHIServices, k8sc.PHIService{Namespace: a.Namespace, Service: a.Name})
		if a.Name == "model-serving" {
			targets.ModelServing = k8sc.ModelServing{Namespace: a.Namespace, Deployment: a.Name}
		}
	}
	managed := p.Cluster.Managed
	if managed == "" {
		managed = kit.SelfManaged
	}
	monitoring := cfg.Workloads.Namespaces.Monitoring
	_, err := k8sc.NewMonitoring(ctx, "monitoring", &k8sc.MonitoringArgs{
		Namespace:            ns.Namespaces[monitoring].Metadata.Name().Elem(),
		Install:              k8sc.MonitoringInstall(cfg.Workloads.Monitoring.Install),
		Managed:              managed,
		GrafanaAdminSecret:   cfg.Workloads.Monitoring.GrafanaAdminSecret,
		StorageClass:         storage.Name,
		RetentionDays:        cfg.Workloads.Monitoring.RetentionDays,
		Alerts:               k8sc.AlertRoutes{Critical: k8sc.Receiver{Name: "pager", Config: p.Alerts.Critical}, Warning: k8sc.Receiver{Name: "email", Config: p.Alerts.Warning}},
		AlertmanagerIdentity: p.Workloads["alertmanager"].IdentityAnnotations,
		Targets:              targets,
		Production:           cfg.Production(),
		Labels:               cfg.Tags(),
	}, on)
	return err
}
