package kubernetes

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// scrapes are the control-plane components the chart scrapes. Each one off also drops its
// default rules (the chart ties them to the component's enabled flag).
type scrapes struct {
	controllerManager, scheduler, etcd, kubeProxy bool
}

// controlPlaneScrapes: a managed control plane hides the controller manager, the scheduler
// and etcd from the cluster's network, so their scrapers would only ever report them down.
//   - EKS runs kube-proxy as an add-on the estate installs and upgrades, whose configuration
//     binds its metrics on every address: it is scraped.
//   - GKE with Dataplane V2 (the hardened default) has no kube-proxy, eBPF does its work;
//     without it, GKE's kube-proxy keeps its metrics on the node's loopback, out of reach.
//   - AKS has none with Azure CNI powered by Cilium; otherwise it runs one whose configuration
//     the customer cannot change, metrics on the loopback. KubeProxyDown would be an alert
//     no one can act on.
var controlPlaneScrapes = map[kit.ControlPlane]scrapes{
	kit.ManagedEKS:  {kubeProxy: true},
	kit.ManagedGKE:  {},
	kit.ManagedAKS:  {},
	kit.SelfManaged: {controllerManager: true, scheduler: true, etcd: true, kubeProxy: true},
}

// chartValues are the release's values. They hold the receivers, whose secret URLs stay
// secret: the engine keeps a secret nested in the values a secret in state.
func chartValues(release string, a *MonitoringArgs) pulumi.Map {
	s := controlPlaneScrapes[a.Managed]
	alertmanagers := 1
	if a.Production {
		alertmanagers = 2
	}
	return pulumi.Map{
		// The chart's own objects carry the estate's labels (Helm sets managed-by itself).
		"commonLabels": kit.Tags(a.Labels),
		// The operator's CRDs come with the chart, so a cluster never runs rules against
		// another version's schema. Helm installs them but does not upgrade them: a chart bump
		// that changes a CRD applies it first (the chart's upgrade job is a preview running an
		// unpinned image, so it stays off).
		"crds":                  pulumi.Map{"enabled": pulumi.Bool(true)},
		"kubeControllerManager": enabled(s.controllerManager),
		"kubeScheduler":         enabled(s.scheduler),
		"kubeEtcd":              enabled(s.etcd),
		"kubeProxy":             enabled(s.kubeProxy),
		"prometheusOperator": pulumi.Map{
			"securityContext":          podSecurity(65534, 65534),
			"containerSecurityContext": containerSecurity(true),
		},
		"prometheus": pulumi.Map{
			// Prometheus has no authentication: it is reached only inside the cluster.
			"ingress":        enabled(false),
			"prometheusSpec": prometheusSpec(a),
		},
		"alertmanager": pulumi.Map{
			"ingress": enabled(false),
			"config":  alertmanagerConfig(a.Alerts),
			// A fixed name, so the cloud identity's trust can name exactly this account.
			"serviceAccount": pulumi.Map{"create": pulumi.Bool(true), "name": pulumi.String(naming.AlertmanagerServiceAccount), "annotations": pulumi.StringMap(a.AlertmanagerIdentity)},
			"alertmanagerSpec": pulumi.Map{
				"replicas":        pulumi.Int(alertmanagers),
				"podAntiAffinity": pulumi.String("soft"),
				"securityContext": podSecurity(1000, 2000),
				// Silences and the notification log survive a restart, so a silenced alert
				// does not page again and a sent page is not sent twice. 10Gi is the smallest
				// disk every cloud's CSI driver provisions.
				"storage": volumeClaim(a.StorageClass, "10Gi"),
			},
		},
		"grafana": grafanaValues(a),
	}
}

func prometheusSpec(a *MonitoringArgs) pulumi.Map {
	return pulumi.Map{
		"retention":      pulumi.String(fmt.Sprintf("%dd", a.RetentionDays)),
		"walCompression": pulumi.Bool(true),
		"storageSpec":    volumeClaim(a.StorageClass, a.StorageSize),
		// Nil selectors would pick only the chart's own objects: the estate's rules,
		// ServiceMonitors, PodMonitors, Probes and ScrapeConfigs would be silently ignored.
		"ruleSelectorNilUsesHelmValues":           pulumi.Bool(false),
		"serviceMonitorSelectorNilUsesHelmValues": pulumi.Bool(false),
		"podMonitorSelectorNilUsesHelmValues":     pulumi.Bool(false),
		"probeSelectorNilUsesHelmValues":          pulumi.Bool(false),
		"scrapeConfigSelectorNilUsesHelmValues":   pulumi.Bool(false),
		"securityContext":                         podSecurity(1000, 2000),
	}
}

// alertmanagerConfig pages on critical and mails the rest. Watchdog (always firing, for an
// external dead-man's switch) and InfoInhibitor (always firing, to mute info alerts) go to
// the null receiver, or they would mail every few hours forever.
func alertmanagerConfig(r AlertRoutes) pulumi.Map {
	return pulumi.Map{
		"route": pulumi.Map{
			"receiver":        pulumi.String(r.Warning.Name),
			"group_by":        pulumi.ToStringArray([]string{"namespace", "alertname"}),
			"group_wait":      pulumi.String("30s"),
			"group_interval":  pulumi.String("5m"),
			"repeat_interval": pulumi.String("12h"),
			"routes": pulumi.Array{
				pulumi.Map{"receiver": pulumi.String(nullReceiver), "matchers": pulumi.ToStringArray([]string{`alertname =~ "Watchdog|InfoInhibitor"`})},
				// An unresolved PHI outage pages again every hour, not twice a day.
				pulumi.Map{"receiver": pulumi.String(r.Critical.Name), "matchers": pulumi.ToStringArray([]string{`severity = "critical"`}), "repeat_interval": pulumi.String("1h")},
			},
		},
		"receivers": pulumi.Array{pulumi.Map{"name": pulumi.String(nullReceiver)}, r.Warning.body(), r.Critical.body()},
	}
}

// body is the receiver as Alertmanager reads it: its configs, named.
func (r Receiver) body() pulumi.Map {
	out := pulumi.Map{"name": pulumi.String(r.Name)}
	for k, v := range r.Config {
		out[k] = v
	}
	return out
}

func grafanaValues(a *MonitoringArgs) pulumi.Map {
	return pulumi.Map{
		"admin": pulumi.Map{
			"existingSecret": pulumi.String(a.GrafanaAdminSecret),
			"userKey":        pulumi.String("admin-user"),
			"passwordKey":    pulumi.String("admin-password"),
		},
		// The chart renders each key of grafana.ini as one [section], so a section whose name
		// has a dot is one key ("auth.anonymous"), not a nested map.
		"grafana.ini": pulumi.Map{
			// Dashboards show which services fail and when: no one reads them unidentified
			// (§164.312(a)(1), (d)).
			"auth.anonymous": pulumi.Map{"enabled": pulumi.Bool(false)},
			"users":          pulumi.Map{"allow_sign_up": pulumi.Bool(false)},
			"security": pulumi.Map{
				"cookie_secure": pulumi.Bool(true),
				// Gravatar sends a hash of each user's e-mail address to a third party.
				"disable_gravatar": pulumi.Bool(true),
			},
			// No usage reports and update checks to grafana.com from inside the estate.
			"analytics": pulumi.Map{
				"reporting_enabled":        pulumi.Bool(false),
				"check_for_updates":        pulumi.Bool(false),
				"check_for_plugin_updates": pulumi.Bool(false),
			},
		},
		"ingress": enabled(false),
		// A StatefulSet's claim outlives the release, so dashboards and users survive an
		// uninstall; the claim is on the encrypted class.
		"persistence": pulumi.Map{
			"enabled":          pulumi.Bool(true),
			"type":             pulumi.String("sts"),
			"storageClassName": a.StorageClass,
			"accessModes":      pulumi.ToStringArray([]string{"ReadWriteOnce"}),
			"size":             pulumi.String("10Gi"),
		},
		// 472 is the Grafana image's own user; fsGroup gives it the volume, so the chart's
		// init container that chowns it as root (with CHOWN and DAC_OVERRIDE) is not needed.
		// Its root filesystem stays writable: the chart mounts volumes for the data and
		// search paths only, and Grafana writes elsewhere too.
		"securityContext":          podSecurity(472, 472),
		"containerSecurityContext": containerSecurity(false),
		"initChownData":            enabled(false),
		// The chart's test pod runs only under `helm test`, unhardened: it is not rendered.
		"testFramework": enabled(false),
	}
}

func enabled(on bool) pulumi.Map { return pulumi.Map{"enabled": pulumi.Bool(on)} }

// podSecurity is the pod-level part of the restricted Pod Security Standard: never root,
// never group 0 (NSA/CISA 1.6), the runtime's seccomp profile.
func podSecurity(user, group int) pulumi.Map {
	return pulumi.Map{
		"runAsNonRoot":   pulumi.Bool(true),
		"runAsUser":      pulumi.Int(user),
		"runAsGroup":     pulumi.Int(group),
		"fsGroup":        pulumi.Int(group),
		"seccompProfile": pulumi.Map{"type": pulumi.String("RuntimeDefault")},
	}
}

// containerSecurity is the container-level part: no escalation, no capabilities.
func containerSecurity(readOnlyRoot bool) pulumi.Map {
	return pulumi.Map{
		"allowPrivilegeEscalation": pulumi.Bool(false),
		"readOnlyRootFilesystem":   pulumi.Bool(readOnlyRoot),
		"capabilities":             pulumi.Map{"drop": pulumi.ToStringArray([]string{"ALL"})},
		"seccompProfile":           pulumi.Map{"type": pulumi.String("RuntimeDefault")},
	}
}

func volumeClaim(class pulumi.StringInput, size string) pulumi.Map {
	return pulumi.Map{"volumeClaimTemplate": pulumi.Map{"spec": pulumi.Map{
		"storageClassName": class,
		"accessModes":      pulumi.ToStringArray([]string{"ReadWriteOnce"}),
		"resources":        pulumi.Map{"requests": pulumi.Map{"storage": pulumi.String(size)}},
	}}}
}
