package kubernetes

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	k8s "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// MonitoringInstall is how the monitoring stack gets onto the cluster.
type MonitoringInstall string

const (
	// InstallChart installs kube-prometheus-stack as a Helm release with the estate's values.
	InstallChart MonitoringInstall = "chart"
	// InstallExternal ships only the healthcare PrometheusRules, for a cluster whose operator,
	// Prometheus and Alertmanager someone else installs (a GitOps repository, a shared
	// platform team). The rules need the operator's PrometheusRule CRD on the cluster.
	InstallExternal MonitoringInstall = "external"
)

// MonitoringArgs configure kube-prometheus-stack and the estate's healthcare alerts.
type MonitoringArgs struct {
	// Install is InstallChart unless set.
	Install MonitoringInstall
	// Namespace is the monitoring namespace (the Namespaces component's, so the release waits
	// for it and its Pod Security exception).
	Namespace pulumi.StringInput
	// ChartVersion pins kube-prometheus-stack to one 88.x.y release: a range or "latest" would
	// change the operator, the CRDs and every default rule on an unrelated `pulumi up`.
	ChartVersion string
	// Managed decides which control-plane scrapers run: on a managed control plane the
	// controller manager, scheduler and etcd are not reachable, and scraping them makes their
	// Down alerts fire forever, which teaches the on-call to ignore the pager.
	Managed kit.ControlPlane
	// GrafanaAdminSecret names an existing Secret in the namespace with keys admin-user and
	// admin-password. Required: without it the Grafana chart generates a password on every
	// render, a drift on each preview and a credential no one holds.
	GrafanaAdminSecret string
	// StorageClass is an encrypted StorageClass (the cloud's KMS-backed disks) for the
	// Prometheus, Alertmanager and Grafana volumes: metric labels and alert texts name
	// services, pods and sometimes request paths, which is not data to leave on a plain disk.
	StorageClass pulumi.StringInput
	// RetentionDays is how long Prometheus keeps metrics; 30 unless set, at least 15 so a
	// fortnight's incident review still has the data. Metrics are operational evidence, not
	// the audit trail, whose retention the cloud's audit log keeps.
	RetentionDays int
	// StorageSize is the Prometheus volume, "100Gi" unless set.
	StorageSize string
	// Alerts are where alerts go: critical ones page, the rest are mailed.
	Alerts AlertRoutes
	// AlertmanagerIdentity are the annotations binding Alertmanager's service account
	// (naming.AlertmanagerServiceAccount) to the cloud identity its receivers publish as (on EKS the
	// IRSA role allowed to publish to the alert topic).
	AlertmanagerIdentity map[string]pulumi.StringInput
	// Targets are what the healthcare alerts watch.
	Targets ServiceTargets
	// Production keeps the release through destroys and runs two Alertmanagers, so losing
	// one node does not lose a page.
	Production bool
	// Labels are the estate's labels (config.Config.Tags()).
	Labels map[string]string
}

// AlertRoutes are the two receivers the cloud's platform gives: the pager and the mailbox.
type AlertRoutes struct {
	Critical, Warning Receiver
}

// Receiver is one Alertmanager receiver.
type Receiver struct {
	Name string
	// Config is the receiver's body without its name: sns_configs, webhook_configs,
	// email_configs, ... URLs and keys in it should be Pulumi secrets; they stay secret in
	// the release's values.
	Config pulumi.Map
}

// ServiceTargets are the services the healthcare alerts watch.
type ServiceTargets struct {
	// PHIServices serve or process PHI. Each is scraped through its Service and runs as the
	// Deployment of the same name (the estate's workloads name both after the service).
	PHIServices []PHIService
	// ModelServing is the GPU inference Deployment.
	ModelServing ModelServing
	// LatencySeconds is the p95 latency target, 0.2 (200 ms) unless set.
	LatencySeconds float64
	// ErrorRatio is the share of 5xx responses that pages, 0.01 unless set.
	ErrorRatio float64
}

// PHIService is a service that serves or processes PHI.
type PHIService struct {
	Namespace, Service string
}

// ModelServing is the model-serving Deployment.
type ModelServing struct {
	Namespace, Deployment string
}

// Monitoring is kube-prometheus-stack, installed as a Helm release with the estate's hardened
// values, and the PrometheusRules that watch the medical AI services.
type Monitoring struct {
	pulumi.ResourceState

	// ReleaseName is the Helm release's name.
	ReleaseName pulumi.StringOutput `pulumi:"releaseName"`
	// ReleaseStatus is Helm's status of the release ("deployed"), known once it is applied.
	ReleaseStatus pulumi.StringOutput `pulumi:"releaseStatus"`
	// Release is the Helm release, for resources that need the CRDs it installs.
	Release *helmv3.Release
}

const (
	chartName        = "kube-prometheus-stack"
	chartRepo        = "https://prometheus-community.github.io/helm-charts"
	defaultChart     = "88.5.3"
	nullReceiver     = "null"
	minRetentionDays = 15
)

var (
	chartVersion = regexp.MustCompile(`^88\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	// releaseName is what Helm accepts as a release name.
	releaseName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$`)
	secretName  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

var controlPlanes = []kit.ControlPlane{kit.ManagedEKS, kit.ManagedGKE, kit.ManagedAKS, kit.SelfManaged}

// Validate fills the defaults and checks the Args before anything is registered.
func (a *MonitoringArgs) Validate() error {
	const c = "Monitoring"
	if a.Install == "" {
		a.Install = InstallChart
	}
	if a.ChartVersion == "" {
		a.ChartVersion = defaultChart
	}
	if a.RetentionDays == 0 {
		a.RetentionDays = 30
	}
	if a.StorageSize == "" {
		a.StorageSize = "100Gi"
	}
	if a.Targets.LatencySeconds == 0 {
		a.Targets.LatencySeconds = 0.2
	}
	if a.Targets.ErrorRatio == 0 {
		a.Targets.ErrorRatio = 0.01
	}
	switch {
	case a.Namespace == nil:
		return kit.ArgError(c, "Namespace", nil, "required: the monitoring namespace")
	case a.Install != InstallChart && a.Install != InstallExternal:
		return kit.ArgError(c, "Install", fmt.Sprintf("%q", a.Install), "must be %q or %q", InstallChart, InstallExternal)
	case !chartVersion.MatchString(a.ChartVersion):
		return kit.ArgError(c, "ChartVersion", fmt.Sprintf("%q", a.ChartVersion), `must be an exact kube-prometheus-stack 88.x.y version such as %q, not a range`, defaultChart)
	case !slices.Contains(controlPlanes, a.Managed):
		return kit.ArgError(c, "Managed", fmt.Sprintf("%q", a.Managed), "must be %q, %q, %q or %q", kit.ManagedEKS, kit.ManagedGKE, kit.ManagedAKS, kit.SelfManaged)
	case len(a.GrafanaAdminSecret) > 253 || !secretName.MatchString(a.GrafanaAdminSecret):
		return kit.ArgError(c, "GrafanaAdminSecret", fmt.Sprintf("%q", a.GrafanaAdminSecret), "required: the name of an existing Secret with keys admin-user and admin-password")
	case a.StorageClass == nil:
		return kit.ArgError(c, "StorageClass", nil, "required: an encrypted StorageClass")
	case a.RetentionDays < minRetentionDays:
		return kit.ArgError(c, "RetentionDays", a.RetentionDays, "must be at least %d", minRetentionDays)
	case !quantity.MatchString(a.StorageSize):
		return kit.ArgError(c, "StorageSize", fmt.Sprintf("%q", a.StorageSize), "must be a Kubernetes quantity such as 100Gi")
	}
	if err := a.Alerts.Critical.validate(c, "Alerts.Critical"); err != nil {
		return err
	}
	if err := a.Alerts.Warning.validate(c, "Alerts.Warning"); err != nil {
		return err
	}
	if a.Alerts.Critical.Name == a.Alerts.Warning.Name {
		return kit.ArgError(c, "Alerts.Warning.Name", a.Alerts.Warning.Name, "is also the critical receiver's: pages and mail need their own receivers")
	}
	if err := a.Targets.validate(c); err != nil {
		return err
	}
	return kit.RequireTags(c, a.Labels)
}

func (r Receiver) validate(c, arg string) error {
	keys := slices.Sorted(maps.Keys(r.Config))
	switch {
	case r.Name == "" || r.Name == nullReceiver:
		return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", r.Name), "required: the platform's receiver; %q is the one that drops alerts", nullReceiver)
	case slices.Contains(keys, "name"):
		return kit.ArgError(c, arg+".Config", keys, "must not hold name: Name names the receiver")
	case !slices.ContainsFunc(keys, func(k string) bool { return strings.HasSuffix(k, "_configs") }):
		// Only the keys are shown: the values may hold secret URLs.
		return kit.ArgError(c, arg+".Config", keys, "must hold at least one *_configs list (sns_configs, webhook_configs, email_configs): a receiver without one drops every alert")
	}
	return nil
}

func (t ServiceTargets) validate(c string) error {
	seen := map[PHIService]bool{}
	for i, s := range t.PHIServices {
		// The names go into PromQL label matchers: DNS labels cannot break out of the quotes.
		arg := fmt.Sprintf("Targets.PHIServices[%d]", i)
		switch {
		case !dnsLabel.MatchString(s.Namespace):
			return kit.ArgError(c, arg+".Namespace", fmt.Sprintf("%q", s.Namespace), "must be a DNS label")
		case !dnsLabel.MatchString(s.Service):
			return kit.ArgError(c, arg+".Service", fmt.Sprintf("%q", s.Service), "must be a DNS label")
		case seen[s]:
			return kit.ArgError(c, arg, s.Namespace+"/"+s.Service, "is listed twice")
		}
		seen[s] = true
	}
	servesModels := t.ModelServing != ModelServing{}
	switch {
	case servesModels && !dnsLabel.MatchString(t.ModelServing.Namespace):
		return kit.ArgError(c, "Targets.ModelServing.Namespace", fmt.Sprintf("%q", t.ModelServing.Namespace), "must be a DNS label: the model-serving namespace")
	case servesModels && !dnsLabel.MatchString(t.ModelServing.Deployment):
		return kit.ArgError(c, "Targets.ModelServing.Deployment", fmt.Sprintf("%q", t.ModelServing.Deployment), "must be a DNS label: the model-serving Deployment")
	case t.LatencySeconds <= 0:
		return kit.ArgError(c, "Targets.LatencySeconds", t.LatencySeconds, "must be above 0 (0.2 unless set)")
	case t.ErrorRatio <= 0 || t.ErrorRatio >= 1:
		return kit.ArgError(c, "Targets.ErrorRatio", t.ErrorRatio, "must be between 0 and 1 (0.01 unless set)")
	}
	return nil
}

// NewMonitoring installs kube-prometheus-stack and the healthcare alerts; the provider comes
// from the options. name is also the Helm release's name, so the chart's objects keep stable
// names that dashboards and probes can rely on.
func NewMonitoring(ctx *pulumi.Context, name string, args *MonitoringArgs, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	if !releaseName.MatchString(name) {
		return nil, kit.ArgError("Monitoring", "name", fmt.Sprintf("%q", name), "must be a Helm release name: a DNS label of at most 53 characters")
	}
	m := &Monitoring{}
	if err := kit.Register(ctx, TypeMonitoring, name, args, m, opts...); err != nil {
		return nil, err
	}
	in := []pulumi.ResourceOption{pulumi.Parent(m)}
	m.ReleaseName, m.ReleaseStatus = pulumi.String("").ToStringOutput(), pulumi.String(string(InstallExternal)).ToStringOutput()
	if args.Install == InstallChart {
		release, err := chartRelease(ctx, m, name, args)
		if err != nil {
			return nil, err
		}
		m.Release = release
		m.ReleaseName, m.ReleaseStatus = release.Name.Elem(), release.Status.Status()
		// The rules need the PrometheusRule CRD the release installs.
		in = append(in, pulumi.DependsOn([]pulumi.Resource{release}))
	}
	l := labels(args.Labels)
	// The chart's Prometheus selects every PrometheusRule (ruleSelectorNilUsesHelmValues
	// false); the release label keeps them selected if that is ever turned back on.
	l["release"] = pulumi.String(name)
	for _, g := range healthcareRules(args.Targets) {
		if _, err := apiextensions.NewCustomResource(ctx, name+"-"+g.Name, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("monitoring.coreos.com/v1"),
			Kind:        pulumi.String("PrometheusRule"),
			Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String("healthhub-" + g.Name), Namespace: args.Namespace, Labels: l},
			OtherFields: k8s.UntypedArgs{"spec": pulumi.Map{"groups": pulumi.Array{g.toMap()}}},
		}, in...); err != nil {
			return nil, err
		}
	}
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{"releaseName": m.ReleaseName, "releaseStatus": m.ReleaseStatus})
}

// chartRelease is kube-prometheus-stack from its chart, with the estate's hardened values.
func chartRelease(ctx *pulumi.Context, m *Monitoring, name string, args *MonitoringArgs) (*helmv3.Release, error) {
	// Losing the release loses the alerting HIPAA's activity review and contingency plan
	// rely on (§164.308(a)(1)(ii)(D), (a)(7)); in production it is kept through destroys.
	return helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:           pulumi.String(name),
		Chart:          pulumi.String(chartName),
		Version:        pulumi.String(args.ChartVersion),
		RepositoryOpts: &helmv3.RepositoryOptsArgs{Repo: pulumi.String(chartRepo)},
		Namespace:      args.Namespace.ToStringOutput().ToStringPtrOutput(),
		// The namespace is the Namespaces component's, with its Pod Security exception.
		CreateNamespace: pulumi.Bool(false),
		// A failed install or upgrade rolls back instead of leaving half a monitoring stack.
		Atomic:        pulumi.Bool(true),
		CleanupOnFail: pulumi.Bool(true),
		SkipCrds:      pulumi.Bool(false),
		// Helm's five minutes are too short to provision three volumes and roll the stack
		// out, and an atomic release that times out is rolled back.
		Timeout: pulumi.Int(900),
		Values:  chartValues(name, args),
	}, kit.Stateful(m, args.Production)...)
}
