package kubernetes

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeRelease        = "kubernetes:helm.sh/v3:Release"
	typePrometheusRule = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
)

func monitoringArgs(mutate func(*MonitoringArgs)) *MonitoringArgs {
	a := &MonitoringArgs{
		Namespace:          pulumi.String("monitoring"),
		Managed:            kit.ManagedEKS,
		GrafanaAdminSecret: "grafana-admin",
		StorageClass:       pulumi.String("encrypted-gp3"),
		Alerts: AlertRoutes{
			Critical: Receiver{Name: "pager", Config: pulumi.Map{"sns_configs": pulumi.Array{pulumi.Map{
				"topic_arn": pulumi.String("arn:aws:sns:eu-west-2:111122223333:pager"),
			}}}},
			Warning: Receiver{Name: "mail", Config: pulumi.Map{"email_configs": pulumi.Array{pulumi.Map{
				"to": pulumi.String("platform@healthhub.example"),
			}}}},
		},
		Targets: ServiceTargets{
			PHIServices: []PHIService{
				{Namespace: "backend", Service: "patient-api"},
				{Namespace: "frontend", Service: "portal"},
			},
			ModelServing: ModelServing{Namespace: "model-serving", Deployment: "inference"},
		},
		Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// runMonitoring builds the component with the cluster provider and exports its outputs.
func runMonitoring(t *testing.T, args *MonitoringArgs) (*mockcloud.Monitor, error) {
	t.Helper()
	return withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		m, err := NewMonitoring(ctx, "monitoring", args, pulumi.Provider(p))
		if err != nil {
			return err
		}
		ctx.Export("releaseName", m.ReleaseName)
		return nil
	})
}

func TestMonitoringDefaults(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(nil))
	require.NoError(t, err)
	const grafanaINI = `values.grafana["grafana.ini"]`
	const prom = "values.prometheus.prometheusSpec."
	const am = "values.alertmanager."
	table := []kittest.Expectation{
		{Path: "chart", Want: "kube-prometheus-stack"},
		{Path: "version", Want: "88.5.3"},
		{Path: "repositoryOpts.repo", Want: "https://prometheus-community.github.io/helm-charts"},
		{Path: "name", Want: "monitoring"},
		{Path: "namespace", Want: "monitoring"},
		{Path: "createNamespace", Want: false},
		{Path: "atomic", Want: true},
		{Path: "cleanupOnFail", Want: true},
		{Path: "skipCrds", Want: false},
		{Path: "values.crds.enabled", Want: true},
		{Path: `values.commonLabels["data-classification"]`, Want: "phi"},

		{Path: "values.grafana.admin.existingSecret", Want: "grafana-admin"},
		{Path: "values.grafana.admin.userKey", Want: "admin-user"},
		{Path: "values.grafana.admin.passwordKey", Want: "admin-password"},
		{Path: grafanaINI + `["auth.anonymous"].enabled`, Want: false},
		{Path: grafanaINI + ".users.allow_sign_up", Want: false},
		{Path: grafanaINI + ".security.cookie_secure", Want: true},
		{Path: grafanaINI + ".security.disable_gravatar", Want: true},
		{Path: grafanaINI + ".analytics.reporting_enabled", Want: false},
		{Path: grafanaINI + ".analytics.check_for_updates", Want: false},
		{Path: "values.grafana.ingress.enabled", Want: false},
		{Path: "values.grafana.persistence.enabled", Want: true},
		{Path: "values.grafana.persistence.storageClassName", Want: "encrypted-gp3"},
		{Path: "values.grafana.initChownData.enabled", Want: false},
		{Path: "values.grafana.securityContext.runAsNonRoot", Want: true},
		{Path: "values.grafana.securityContext.runAsUser", Want: int64(472)},
		{Path: "values.grafana.securityContext.seccompProfile.type", Want: "RuntimeDefault"},
		{Path: "values.grafana.containerSecurityContext.capabilities.drop", Want: []any{"ALL"}},

		{Path: prom + "retention", Want: "30d"},
		{Path: prom + "walCompression", Want: true},
		{Path: prom + "storageSpec.volumeClaimTemplate.spec.storageClassName", Want: "encrypted-gp3"},
		{Path: prom + "storageSpec.volumeClaimTemplate.spec.resources.requests.storage", Want: "100Gi"},
		{Path: prom + "ruleSelectorNilUsesHelmValues", Want: false},
		{Path: prom + "serviceMonitorSelectorNilUsesHelmValues", Want: false},
		{Path: prom + "podMonitorSelectorNilUsesHelmValues", Want: false},
		{Path: prom + "probeSelectorNilUsesHelmValues", Want: false},
		{Path: prom + "securityContext.runAsNonRoot", Want: true},
		{Path: prom + "securityContext.runAsUser", Want: int64(1000)},
		{Path: prom + "securityContext.fsGroup", Want: int64(2000)},
		{Path: prom + "securityContext.seccompProfile.type", Want: "RuntimeDefault"},
		{Path: "values.prometheus.ingress.enabled", Want: false},

		{Path: "values.prometheusOperator.securityContext.runAsNonRoot", Want: true},
		{Path: "values.prometheusOperator.securityContext.runAsUser", Want: int64(65534)},
		{Path: "values.prometheusOperator.securityContext.seccompProfile.type", Want: "RuntimeDefault"},
		{Path: "values.prometheusOperator.containerSecurityContext.allowPrivilegeEscalation", Want: false},

		{Path: am + "alertmanagerSpec.securityContext.runAsNonRoot", Want: true},
		{Path: am + "alertmanagerSpec.securityContext.runAsUser", Want: int64(1000)},
		{Path: am + "alertmanagerSpec.securityContext.fsGroup", Want: int64(2000)},
		{Path: am + "alertmanagerSpec.securityContext.seccompProfile.type", Want: "RuntimeDefault"},
		{Path: am + "alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName", Want: "encrypted-gp3"},
		{Path: am + "alertmanagerSpec.replicas", Want: int64(1)},
		{Path: am + "ingress.enabled", Want: false},
		{Path: am + "config.route.receiver", Want: "mail"},
		{Path: am + "config.route.group_by", Want: []any{"namespace", "alertname"}},
		{Path: am + "config.route.routes[0].receiver", Want: "null"},
		{Path: am + "config.route.routes[0].matchers", Want: []any{`alertname =~ "Watchdog|InfoInhibitor"`}},
		{Path: am + "config.route.routes[1].receiver", Want: "pager"},
		{Path: am + "config.route.routes[1].matchers", Want: []any{`severity = "critical"`}},
		{Path: am + "config.receivers[0]", Want: map[string]any{"name": "null"}},
		{Path: am + "config.receivers[1].name", Want: "mail"},
		{Path: am + "config.receivers[1].email_configs[0].to", Want: "platform@healthhub.example"},
		{Path: am + "config.receivers[2].name", Want: "pager"},
		{Path: am + "config.receivers[2].sns_configs[0].topic_arn", Want: "arn:aws:sns:eu-west-2:111122223333:pager"},
	}
	for i := range table {
		table[i].Type, table[i].Name = typeRelease, "monitoring"
	}
	kittest.AssertInputs(t, m, table)

	r, _ := m.Find(typeRelease, "monitoring")
	assert.False(t, r.Protect, "outside production the release can be destroyed")
	assert.NotEmpty(t, r.Provider, "the release names the cluster's provider")
	assert.Equal(t, "monitoring", m.Outputs()["releaseName"].Value)
	assert.Empty(t, kittest.Violations(m, "production"), "monitoring passes the whole policy pack")
}

func TestMonitoringProduction(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(func(a *MonitoringArgs) { a.Production = true }))
	require.NoError(t, err)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeRelease, Name: "monitoring", Path: "values.alertmanager.alertmanagerSpec.replicas", Want: int64(2)},
	})
	r, _ := m.Find(typeRelease, "monitoring")
	assert.True(t, r.Protect, "the production alerting survives a destroy")
	assert.True(t, r.RetainOnDelete)
	assert.Empty(t, kittest.Violations(m, "production"))
}

func TestMonitoringControlPlaneScrapers(t *testing.T) {
	tests := []struct {
		managed                                       kit.ControlPlane
		controllerManager, scheduler, etcd, kubeProxy bool
	}{
		{kit.ManagedEKS, false, false, false, true},
		{kit.ManagedGKE, false, false, false, false},
		{kit.ManagedAKS, false, false, false, false},
		{kit.SelfManaged, true, true, true, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.managed), func(t *testing.T) {
			m, err := runMonitoring(t, monitoringArgs(func(a *MonitoringArgs) { a.Managed = tt.managed }))
			require.NoError(t, err)
			kittest.AssertInputs(t, m, []kittest.Expectation{
				{Type: typeRelease, Name: "monitoring", Path: "values.kubeControllerManager.enabled", Want: tt.controllerManager},
				{Type: typeRelease, Name: "monitoring", Path: "values.kubeScheduler.enabled", Want: tt.scheduler},
				{Type: typeRelease, Name: "monitoring", Path: "values.kubeEtcd.enabled", Want: tt.etcd},
				{Type: typeRelease, Name: "monitoring", Path: "values.kubeProxy.enabled", Want: tt.kubeProxy},
			})
			assert.Empty(t, kittest.Violations(m, "production"))
		})
	}
}

func TestMonitoringReceiverSecretsStaySecret(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(func(a *MonitoringArgs) {
		a.Alerts.Critical.Config = pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{
			"url": pulumi.ToSecret(pulumi.String("https://events.pager.example/v2/enqueue?token=abc")),
		}}}
	}))
	require.NoError(t, err)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeRelease, Name: "monitoring", Path: "values.alertmanager.config.receivers[2].webhook_configs[0].url", Want: "[secret]"},
	})
	r, _ := m.Find(typeRelease, "monitoring")
	values, _ := r.Get("values")
	assert.NotContains(t, fmt.Sprint(values), "token=abc", "the URL appears nowhere in the values")
	assert.Empty(t, kittest.Violations(m, "production"))
}

// alert is one rule as registered, with the PrometheusRule that holds it.
type alert struct {
	object, expr, severity, summary, description string
}

func registeredAlerts(t *testing.T, m *mockcloud.Monitor) map[string][]alert {
	t.Helper()
	out := map[string][]alert{}
	for _, r := range m.ByType(typePrometheusRule) {
		groups, _ := r.Get("spec.groups")
		require.Len(t, groups, 1, "%s holds one group", r.Name)
		rules, _ := r.Get("spec.groups[0].rules")
		for i := range rules.([]any) {
			get := func(p string) string {
				v, _ := r.Get(fmt.Sprintf("spec.groups[0].rules[%d].%s", i, p))
				s, _ := v.(string)
				return s
			}
			out[get("alert")] = append(out[get("alert")], alert{
				object: r.Name, expr: get("expr"), severity: get("labels.severity"),
				summary: get("annotations.summary"), description: get("annotations.description"),
			})
		}
	}
	return out
}

func TestMonitoringHealthcareAlerts(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(func(a *MonitoringArgs) {
		a.Targets.LatencySeconds = 0.25
		a.Targets.ErrorRatio = 0.02
	}))
	require.NoError(t, err)
	alerts := registeredAlerts(t, m)

	tests := []struct {
		alert, severity string
		perService      bool
		want            string // the expression for the first PHI service, or the one expression
	}{
		{"PHIServiceDown", "critical", true, `sum by (namespace, service) (up{namespace="backend", service="patient-api"}) == 0 or absent(up{namespace="backend", service="patient-api"})`},
		{"PHIServiceReplicasUnavailable", "critical", true, `kube_deployment_status_replicas_available{namespace="backend", deployment="patient-api"} < kube_deployment_spec_replicas{namespace="backend", deployment="patient-api"}`},
		{"PHIServiceErrorRate", "critical", true, `sum by (namespace, service) (rate(http_requests_total{namespace="backend", service="patient-api", code=~"5.."}[5m])) / sum by (namespace, service) (rate(http_requests_total{namespace="backend", service="patient-api"}[5m])) > 0.02`},
		{"PHIServiceLatencyHigh", "warning", true, `histogram_quantile(0.95, sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket{namespace="backend", service="patient-api"}[5m]))) > 0.25`},
		{"PodRestartingOften", "warning", false, `increase(kube_pod_container_status_restarts_total{namespace=~"backend|frontend|model-serving"}[1h]) > 3`},
		{"HPAAtMaximum", "warning", false, `kube_horizontalpodautoscaler_status_current_replicas{namespace=~"backend|frontend|model-serving"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace=~"backend|frontend|model-serving"}`},
		{"CertificateExpiringSoon", "warning", false, `probe_ssl_earliest_cert_expiry - time() < 30 * 86400`},
		{"CertManagerCertificateExpiringSoon", "warning", false, `certmanager_certificate_expiration_timestamp_seconds - time() < 30 * 86400`},
		{"ModelServingGPUSaturated", "warning", false, `DCGM_FI_DEV_GPU_UTIL{namespace="model-serving", pod=~"inference-[a-z0-9]{1,10}-[a-z0-9]{5}"} > 90`},
	}
	for _, tt := range tests {
		t.Run(tt.alert, func(t *testing.T) {
			got := alerts[tt.alert]
			want := 1
			if tt.perService {
				want = 2
			}
			require.Len(t, got, want)
			assert.Equal(t, tt.want, got[0].expr)
			if tt.perService {
				assert.Contains(t, got[1].expr, `namespace="frontend"`)
				assert.Contains(t, got[1].expr, `"portal"`)
			}
			for _, a := range got {
				assert.Equal(t, tt.severity, a.severity)
				assert.NotEmpty(t, a.summary)
				assert.NotEmpty(t, a.description)
			}
		})
	}
	assert.Len(t, alerts, len(tests), "no alert beyond the table")

	release, _ := m.Find(typeRelease, "monitoring")
	for _, r := range m.ByType(typePrometheusRule) {
		assert.Contains(t, r.Dependencies, release.URN, "%s waits for the CRDs the release installs", r.Name)
		ns, _ := r.Get("metadata.namespace")
		assert.Equal(t, "monitoring", ns)
		l, _ := r.Get("metadata.labels.release")
		assert.Equal(t, "monitoring", l)
		annotations, _ := r.Get("spec.groups[0].rules[0].annotations")
		assert.NotContains(t, annotations, "runbook_url")
	}
	assert.Empty(t, kittest.Violations(m, "production"))
}

func TestMonitoringArgErrors(t *testing.T) {
	noConfigs := func(a *MonitoringArgs) { a.Alerts.Warning.Config = pulumi.Map{"send_resolved": pulumi.Bool(true)} }
	tests := []struct {
		name   string
		mutate func(*MonitoringArgs)
		want   string
	}{
		{"nil namespace", func(a *MonitoringArgs) { a.Namespace = nil }, "Monitoring: Namespace = <nil>: required"},
		{"unknown install", func(a *MonitoringArgs) { a.Install = "operator" }, `Install = "operator": must be "chart" or "external"`},
		{"version range", func(a *MonitoringArgs) { a.ChartVersion = "~88.5.0" }, `ChartVersion = "~88.5.0": must be an exact kube-prometheus-stack 88.x.y`},
		{"version lower bound", func(a *MonitoringArgs) { a.ChartVersion = ">=88.0.0" }, `ChartVersion = ">=88.0.0"`},
		{"other major", func(a *MonitoringArgs) { a.ChartVersion = "89.0.0" }, `ChartVersion = "89.0.0"`},
		{"latest", func(a *MonitoringArgs) { a.ChartVersion = "latest" }, `ChartVersion = "latest"`},
		{"unknown control plane", func(a *MonitoringArgs) { a.Managed = "openshift" }, `Managed = "openshift": must be "eks", "gke", "aks" or "self-managed"`},
		{"no control plane", func(a *MonitoringArgs) { a.Managed = "" }, `Managed = "": must be`},
		{"no grafana secret", func(a *MonitoringArgs) { a.GrafanaAdminSecret = "" }, `GrafanaAdminSecret = "": required`},
		{"nil storage class", func(a *MonitoringArgs) { a.StorageClass = nil }, "StorageClass = <nil>: required: an encrypted StorageClass"},
		{"short retention", func(a *MonitoringArgs) { a.RetentionDays = 7 }, "RetentionDays = 7: must be at least 15"},
		{"bad storage size", func(a *MonitoringArgs) { a.StorageSize = "big" }, `StorageSize = "big": must be a Kubernetes quantity`},
		{"no critical receiver", func(a *MonitoringArgs) { a.Alerts.Critical = Receiver{} }, `Alerts.Critical.Name = "": required`},
		{"no warning receiver", func(a *MonitoringArgs) { a.Alerts.Warning = Receiver{} }, `Alerts.Warning.Name = "": required`},
		{"null receiver", func(a *MonitoringArgs) { a.Alerts.Critical.Name = "null" }, `Alerts.Critical.Name = "null": required`},
		{"receiver without configs", noConfigs, "Alerts.Warning.Config = [send_resolved]: must hold at least one *_configs list"},
		{"receiver naming itself", func(a *MonitoringArgs) { a.Alerts.Warning.Config["name"] = pulumi.String("x") }, "Alerts.Warning.Config = [email_configs name]: must not hold name"},
		{"one receiver for both", func(a *MonitoringArgs) { a.Alerts.Warning.Name = "pager" }, "Alerts.Warning.Name = pager: is also the critical receiver's"},
		{"no latency target", func(a *MonitoringArgs) { a.Targets.LatencySeconds = -0.2 }, "Targets.LatencySeconds = -0.2: must be above 0"},
		{"error ratio of one", func(a *MonitoringArgs) { a.Targets.ErrorRatio = 1 }, "Targets.ErrorRatio = 1: must be between 0 and 1"},
		{"PHI service breaking PromQL", func(a *MonitoringArgs) { a.Targets.PHIServices[0].Service = `api"} or vector(1) #` }, "Targets.PHIServices[0].Service"},
		{"PHI service twice", func(a *MonitoringArgs) { a.Targets.PHIServices[1] = a.Targets.PHIServices[0] }, "Targets.PHIServices[1] = backend/patient-api: is listed twice"},
		{"model serving half named", func(a *MonitoringArgs) { a.Targets.ModelServing.Namespace = "" }, `Targets.ModelServing.Namespace = "": must be a DNS label`},
		{"no labels", func(a *MonitoringArgs) { a.Labels = nil }, "Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := runMonitoring(t, monitoringArgs(tt.mutate))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
	t.Run("release name", func(t *testing.T) {
		m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
			_, err := NewMonitoring(ctx, "Kube_Prometheus", monitoringArgs(nil), pulumi.Provider(p))
			return err
		})
		require.ErrorContains(t, err, `Monitoring: name = "Kube_Prometheus": must be a Helm release name`)
		kittest.AssertNothingRegistered(t, m)
	})
}

func TestMonitoringRestrictedSecurityContexts(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(nil))
	require.NoError(t, err)
	r, _ := m.Find(typeRelease, "monitoring")
	for _, path := range []string{
		"values.prometheus.prometheusSpec.securityContext",
		"values.alertmanager.alertmanagerSpec.securityContext",
		"values.grafana.securityContext",
		"values.prometheusOperator.securityContext",
	} {
		v, ok := r.Get(path)
		require.True(t, ok, path)
		sc := v.(map[string]any)
		assert.Equal(t, true, sc["runAsNonRoot"], path)
		for _, id := range []string{"runAsUser", "runAsGroup", "fsGroup"} {
			assert.NotContains(t, []any{nil, int64(0)}, sc[id], "%s.%s is set and not root", path, id)
		}
		assert.True(t, slices.Contains([]any{"RuntimeDefault", "Localhost"}, sc["seccompProfile"].(map[string]any)["type"]), path)
	}
	assert.Empty(t, kittest.Violations(m, "production"))
}

// With nothing to watch, only the certificate alerts stand: an alert on an empty namespace
// list would match every namespace or none.
func TestMonitoringWithoutApps(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(func(a *MonitoringArgs) {
		a.Targets.PHIServices, a.Targets.ModelServing = nil, ModelServing{}
	}))
	require.NoError(t, err)
	var names []string
	for alert := range registeredAlerts(t, m) {
		names = append(names, alert)
	}
	assert.ElementsMatch(t, []string{"CertificateExpiringSoon", "CertManagerCertificateExpiringSoon"}, names)
}

// A cluster whose operator someone else runs gets the same alert rules and no release.
func TestMonitoringExternalInstall(t *testing.T) {
	m, err := runMonitoring(t, monitoringArgs(func(a *MonitoringArgs) { a.Install = InstallExternal }))
	require.NoError(t, err)
	assert.Empty(t, m.ByType(typeRelease), "no chart is installed")
	chart, err := runMonitoring(t, monitoringArgs(nil))
	require.NoError(t, err)
	assert.Equal(t, registeredAlerts(t, chart), registeredAlerts(t, m), "the same healthcare alerts")
	for _, r := range m.ByType(typePrometheusRule) {
		ns, _ := r.Get("metadata.namespace")
		assert.Equal(t, "monitoring", ns)
	}
	assert.Empty(t, kittest.Violations(m, "production"))
}
