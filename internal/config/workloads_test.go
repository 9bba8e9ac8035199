package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pinned = "registry.healthhub.example/ai/backend@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestWorkloadsSection(t *testing.T) {
	groups := `"operatorGroups":["platform-operators"],"auditorGroups":["compliance-auditors"]`
	app := func(extra string) string {
		return `{"image":"` + pinned + `","minReplicas":2,"maxReplicas":6` + extra + `}`
	}
	for _, tt := range []struct {
		name, section string
		env           string
		check         func(t *testing.T, w Workloads)
		key, problem  string
	}{
		{name: "left out: no one is bound, nothing runs", check: func(t *testing.T, w Workloads) {
			assert.Equal(t, DefaultWorkloads, w)
			assert.False(t, w.HasAccess())
			assert.Empty(t, w.AppList())
		}},
		{name: "both duties named", section: `{` + groups + `}`, check: func(t *testing.T, w Workloads) {
			assert.Equal(t, []string{"platform-operators"}, w.OperatorGroups)
			assert.Equal(t, []string{"compliance-auditors"}, w.AuditorGroups)
			assert.True(t, w.HasAccess())
			assert.Equal(t, DefaultWorkloads.Namespaces, w.Namespaces, "unnamed namespaces keep their defaults")
		}},
		{name: "the three apps, in order, in their namespaces", section: `{"domain":"app.healthhub.example","namespaces":{"modelServing":"inference"},"apps":{"modelServing":` + app(`,"gpu":true`) + `,"frontend":` + app("") + `,"backend":` + app("") + `}}`,
			check: func(t *testing.T, w Workloads) {
				list := w.AppList()
				require.Len(t, list, 3)
				assert.Equal(t, []string{"frontend", "backend", "model-serving"}, []string{list[0].Name, list[1].Name, list[2].Name})
				assert.Equal(t, "inference", list[2].Namespace)
				assert.True(t, list[2].GPU)
				assert.Equal(t, 6, list[1].MaxReplicas)
			}},
		{name: "operators without auditors", section: `{"operatorGroups":["platform-operators"]}`, key: "workloads", problem: "name the groups for both, or neither"},
		{name: "a system group", section: `{"operatorGroups":["system:masters"],"auditorGroups":["compliance-auditors"]}`, key: "workloads.operatorGroups", problem: `"system:masters" is not a group of the identity provider`},
		{name: "a misspelt field", section: `{"operatorGroup":["x"]}`, key: "workloads", problem: "must be an object with operatorGroups, auditorGroups, domain"},
		{name: "an image by tag", section: `{"apps":{"backend":{"image":"registry.healthhub.example/ai/backend:1.4.2","minReplicas":2,"maxReplicas":4}}}`, key: "workloads.apps.backend.image", problem: "must be pinned by digest"},
		{name: "one replica in production", section: `{"apps":{"backend":` + strings.Replace(app(""), `"minReplicas":2`, `"minReplicas":1`, 1) + `}}`, key: "workloads.apps.backend.minReplicas", problem: "must be at least 2 in this environment"},
		{name: "one replica in dev", env: "dev", section: `{"apps":{"backend":` + strings.Replace(app(""), `"minReplicas":2`, `"minReplicas":1`, 1) + `}}`, check: func(t *testing.T, w Workloads) {
			assert.Equal(t, 1, w.Apps.Backend.MinReplicas)
		}},
		{name: "max below min", section: `{"apps":{"backend":` + strings.Replace(app(""), `"maxReplicas":6`, `"maxReplicas":1`, 1) + `}}`, key: "workloads.apps.backend.maxReplicas", problem: "must be at least minReplicas (2)"},
		{name: "frontend without a domain", section: `{"apps":{"frontend":` + app("") + `}}`, key: "workloads.domain", problem: "must be the host name the frontend serves"},
		{name: "frontend on GPUs", section: `{"domain":"app.healthhub.example","apps":{"frontend":` + app(`,"gpu":true`) + `}}`, key: "workloads.apps.frontend.gpu", problem: "must be false"},
		{name: "a cluster namespace", section: `{"namespaces":{"backend":"kube-system"}}`, key: "workloads.namespaces.backend", problem: "is the cluster's own namespace"},
		{name: "two workloads in one namespace", section: `{"namespaces":{"backend":"frontend"}}`, key: "workloads.namespaces.backend", problem: "is also the frontend namespace"},
		{name: "short retention", section: `{"monitoring":{"retentionDays":7}}`, key: "workloads.monitoring.retentionDays", problem: "must be at least 15"},
		{name: "unknown monitoring install", section: `{"monitoring":{"install":"operator"}}`, key: "workloads.monitoring.install", problem: `must be "chart" (kube-prometheus-stack from its chart) or "external"`},
		{name: "no Grafana secret", section: `{"monitoring":{"grafanaAdminSecret":""}}`, key: "workloads.monitoring.grafanaAdminSecret", problem: "must name an existing Secret"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			changes := map[string]string{}
			if tt.section != "" {
				changes["workloads"] = tt.section
			}
			// On AWS, which asks nothing more of the section than its own checks (GCP and Azure also
			// need the domain for their load balancers).
			raw := with(changes)
			if tt.env != "" {
				raw["environment"] = tt.env
			}
			cfg, err := Parse(engineDefaults(raw))
			if tt.problem != "" {
				var verr *ValidationError
				require.ErrorAs(t, err, &verr)
				assert.Equal(t, []string{tt.key}, verr.Keys())
				assert.Contains(t, err.Error(), tt.problem)
				return
			}
			require.NoError(t, err)
			tt.check(t, cfg.Workloads)
		})
	}
}
