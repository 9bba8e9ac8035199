package config

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/internal/naming"
)

// DefaultWorkloads grants no one access and runs no application: a stack names the groups of
// its identity provider, and the images it has reviewed, by digest.
var DefaultWorkloads = Workloads{
	OperatorGroups: []string{}, AuditorGroups: []string{},
	Namespaces: WorkloadNamespaces{Frontend: "frontend", Backend: "backend", ModelServing: "model-serving", Monitoring: "monitoring"},
	Monitoring: MonitoringSettings{Install: MonitoringChart, GrafanaAdminSecret: "grafana-admin", RetentionDays: 30},
}

// Workloads holds the settings under healthhub:workloads, read on every cloud.
type Workloads struct {
	// OperatorGroups may deploy and operate the workloads in their namespaces, never read a
	// secret or exec into a pod.
	OperatorGroups []string `json:"operatorGroups"`
	// AuditorGroups may read, across the cluster, how it is configured and who may do what.
	AuditorGroups []string `json:"auditorGroups"`
	// Domain is the host name the frontend is served on; its certificate is the platform's.
	Domain     string             `json:"domain,omitempty"`
	Namespaces WorkloadNamespaces `json:"namespaces"`
	Apps       Apps               `json:"apps"`
	Monitoring MonitoringSettings `json:"monitoring"`
}

// WorkloadNamespaces are the namespaces' names.
type WorkloadNamespaces struct {
	Frontend     string `json:"frontend"`
	Backend      string `json:"backend"`
	ModelServing string `json:"modelServing"`
	Monitoring   string `json:"monitoring"`
}

// Apps are the medical AI system's three workloads; one left out is not deployed.
type Apps struct {
	Frontend     *App `json:"frontend,omitempty"`
	Backend      *App `json:"backend,omitempty"`
	ModelServing *App `json:"modelServing,omitempty"`
}

// App is one workload: its image by digest, its replica bounds (the HPA's) and whether it runs
// on the GPU pool.
type App struct {
	Image       string `json:"image"`
	MinReplicas int    `json:"minReplicas"`
	MaxReplicas int    `json:"maxReplicas"`
	GPU         bool   `json:"gpu"`
}

// How the monitoring stack gets onto the cluster (healthhub:workloads.monitoring.install).
const (
	// MonitoringChart installs kube-prometheus-stack from its chart, with the estate's values.
	MonitoringChart = "chart"
	// MonitoringExternal leaves the operator, Prometheus and Alertmanager to whoever already
	// runs them on the cluster (a GitOps repository, a shared platform install); the estate
	// ships its alert rules only, which need the operator's PrometheusRule CRD.
	MonitoringExternal = "external"
)

// MonitoringSettings configure the Prometheus and Grafana stack.
type MonitoringSettings struct {
	// Install is MonitoringChart or MonitoringExternal.
	Install string `json:"install"`
	// GrafanaAdminSecret is an existing Secret in the monitoring namespace (admin-user,
	// admin-password): the chart would otherwise make a password no one knows, anew each run.
	GrafanaAdminSecret string `json:"grafanaAdminSecret"`
	RetentionDays      int    `json:"retentionDays"`
}

// HasAccess reports whether the stack names the groups that the cluster's RBAC binds.
func (w Workloads) HasAccess() bool { return len(w.OperatorGroups) > 0 || len(w.AuditorGroups) > 0 }

// AppList is the configured workloads by name, in a fixed order; absent ones are left out.
func (w Workloads) AppList() []NamedApp {
	var out []NamedApp
	for _, a := range []NamedApp{
		{"frontend", w.Namespaces.Frontend, w.Apps.Frontend},
		{"backend", w.Namespaces.Backend, w.Apps.Backend},
		{"model-serving", w.Namespaces.ModelServing, w.Apps.ModelServing},
	} {
		if a.App != nil {
			out = append(out, a)
		}
	}
	return out
}

// NamedApp is a configured workload with its name and namespace.
type NamedApp struct {
	Name, Namespace string
	*App
}

// minProductionReplicas keeps a workload serving through a node's loss or drain.
const minProductionReplicas = 2

func parseWorkloads(c *checker, v string, production bool) Workloads {
	w, err := decodeSection(DefaultWorkloads, v)
	if err != nil {
		c.fail("workloads", v, "must be an object with %s (%v)", fieldNames(Workloads{}), err)
		return DefaultWorkloads
	}
	// Operators without auditors (or the reverse) would leave one duty with no one to do it.
	if w.HasAccess() && (len(w.OperatorGroups) == 0 || len(w.AuditorGroups) == 0) {
		c.fail("workloads", v, "operatorGroups and auditorGroups go together: name the groups for both, or neither")
	}
	for field, groups := range map[string][]string{"workloads.operatorGroups": w.OperatorGroups, "workloads.auditorGroups": w.AuditorGroups} {
		for _, g := range groups {
			if g == "" || strings.HasPrefix(g, "system:") {
				c.fail(field, fmt.Sprint(groups), "%q is not a group of the identity provider: groups are non-empty and never system: groups", g)
			}
		}
	}
	checkNamespaces(c, w.Namespaces)
	if w.Apps.Frontend != nil && !naming.HostName.MatchString(w.Domain) {
		c.fail("workloads.domain", w.Domain, "must be the host name the frontend serves (app.example.org): its Ingress is TLS-only for that host")
	}
	if w.Apps.Frontend != nil && w.Apps.Frontend.GPU {
		c.fail("workloads.apps.frontend.gpu", "true", "must be false: the frontend serves pages, and GPU nodes are for inference")
	}
	for _, a := range []struct {
		key string
		app *App
	}{{"frontend", w.Apps.Frontend}, {"backend", w.Apps.Backend}, {"modelServing", w.Apps.ModelServing}} {
		if a.app != nil {
			checkApp(c, "workloads.apps."+a.key, a.app, production)
		}
	}
	if m := w.Monitoring.Install; m != MonitoringChart && m != MonitoringExternal {
		c.fail("workloads.monitoring.install", m, "must be %q (kube-prometheus-stack from its chart) or %q (the cluster already runs the operator; only the alert rules are shipped)", MonitoringChart, MonitoringExternal)
	}
	if m := w.Monitoring; !naming.DNSLabel.MatchString(m.GrafanaAdminSecret) {
		c.fail("workloads.monitoring.grafanaAdminSecret", m.GrafanaAdminSecret, "must name an existing Secret (a DNS label) holding admin-user and admin-password")
	}
	if w.Monitoring.RetentionDays < 15 {
		c.fail("workloads.monitoring.retentionDays", fmt.Sprint(w.Monitoring.RetentionDays), "must be at least 15: alerts and incident reviews look back two weeks")
	}
	return w
}

func checkNamespaces(c *checker, ns WorkloadNamespaces) {
	seen := map[string]string{}
	for _, n := range [][2]string{{"frontend", ns.Frontend}, {"backend", ns.Backend}, {"modelServing", ns.ModelServing}, {"monitoring", ns.Monitoring}} {
		key, name := n[0], n[1]
		switch {
		case !naming.DNSLabel.MatchString(name):
			c.fail("workloads.namespaces."+key, name, "must be a DNS label: lowercase letters, digits and '-', at most 63")
		case strings.HasPrefix(name, "kube-") || name == "default":
			c.fail("workloads.namespaces."+key, name, "is the cluster's own namespace; the workloads run in namespaces of their own")
		case seen[name] != "":
			c.fail("workloads.namespaces."+key, name, "is also the %s namespace: each workload is isolated in its own", seen[name])
		}
		seen[name] = key
	}
}

func checkApp(c *checker, key string, a *App, production bool) {
	if !naming.PinnedImage.MatchString(a.Image) {
		c.fail(key+".image", a.Image, "must be pinned by digest (registry/name@sha256:<64 hex>): a tag can be moved to other bytes after review")
	}
	floor := 1
	if production {
		floor = minProductionReplicas
	}
	if a.MinReplicas < floor {
		c.fail(key+".minReplicas", fmt.Sprint(a.MinReplicas), "must be at least %d in this environment", floor)
	}
	if a.MaxReplicas < a.MinReplicas {
		c.fail(key+".maxReplicas", fmt.Sprint(a.MaxReplicas), "must be at least minReplicas (%d)", a.MinReplicas)
	}
}
