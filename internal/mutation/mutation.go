// Package mutation is the stacks' mutation test, written once for every cloud: it takes a
// shipped stack's offline plan, turns one guarded property of one resource at a time into its
// insecure value (or drops a companion resource), and checks that the pack flags each change
// under the rule that guards it. Each cloud's stack test brings its catalogue; the workloads'
// entries, the same on every cloud, are here.
package mutation

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/audit"
	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
)

// Mutation turns one secure property of one resource into its insecure value, the way a
// careless change or a hand-edited component would. Apply returns false when the resource
// does not carry the property, and Drop=true removes the resource (a missing companion).
type Mutation struct {
	Rule  string // the rule that must catch it
	What  string
	Types []string
	Apply func(r *rules.Resource) (applies bool)
	Drop  bool
	// When, if set, picks which resources of the Types a mutation applies to.
	When func(r rules.Resource) bool
}

// Set changes the value at path; a resource that already holds v is not a mutation of it.
func Set(path string, v any) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		if old, ok := GetPath(r.Inputs, path); ok && reflect.DeepEqual(old, v) {
			return false
		}
		return SetPath(r.Inputs, path, v)
	}
}

// Remove deletes the value at path.
func Remove(path string) func(r *rules.Resource) bool { return Set(path, nil) }

// Always applies f to every resource of the types.
func Always(f func(r *rules.Resource)) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool { f(r); return true }
}

// GetPath reads a property path ("a.b[0][\"c\"]") of plain inputs.
func GetPath(inputs map[string]any, path string) (any, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return nil, false
	}
	return walk(inputs, p)
}

// walk follows property-path segments through plain inputs.
func walk(cur any, segments []any) (any, bool) {
	for _, seg := range segments {
		switch k := seg.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			cur = m[k]
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			cur = a[k]
		}
	}
	return cur, true
}

// SetPath sets (or, with nil, deletes) the value at a property path; false if the path's
// parent does not exist or the value is already absent.
func SetPath(inputs map[string]any, path string, v any) bool {
	p, err := resource.ParsePropertyPath(path)
	if err != nil || len(p) == 0 {
		return false
	}
	cur, ok := walk(inputs, p[:len(p)-1])
	if !ok {
		return false
	}
	switch k := p[len(p)-1].(type) {
	case string:
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if v == nil {
			if _, had := m[k]; !had {
				return false
			}
			delete(m, k)
			return true
		}
		m[k] = v
		return true
	case int:
		a, ok := cur.([]any)
		if !ok || k >= len(a) {
			return false
		}
		a[k] = v
		return true
	}
	return false
}

// AsList is v as a list, or nil.
func AsList(v any) []any {
	l, _ := v.([]any)
	return l
}

// Subjects is a shipped stack's offline plan as the pack reads it, through the JSON an
// auditor would be handed, with the config its rules run under.
func Subjects(t testing.TB, root, stack string, program pulumi.RunFunc, allowedRegions []string) ([]rules.Resource, rules.Config) {
	t.Helper()
	p, err := plan.Run(root, stack, program)
	require.NoError(t, err)
	data, err := json.Marshal(p)
	require.NoError(t, err)
	snap, err := audit.Parse(data)
	require.NoError(t, err)
	return snap.Resources, rules.Config{AllowedRegions: allowedRegions, RetentionFloorDays: 2190, Environment: "production"}
}

// reconvert runs mutated resources through the one conversion again, so that a mutated
// provider region reaches its resources as it would in a plan.
func reconvert(rs []rules.Resource) []rules.Resource {
	records := make([]rules.Record, len(rs))
	for i, r := range rs {
		records[i] = rules.Record{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider,
			Protect: r.Protect, Dependencies: r.Dependencies, Inputs: r.Inputs,
		}
	}
	return estate.Resources(records)
}

// Detect flips each guarded property of each resource that carries it, one at a time, and
// asserts the pack flags the change under the rule that guards it. It logs how many it tried
// and caught, and returns the number tried.
func Detect(t *testing.T, base []rules.Resource, cfg rules.Config, catalogue []Mutation) int {
	t.Helper()
	before := map[string]bool{}
	for _, v := range estate.Evaluate(base, cfg) {
		require.Equal(t, rules.Advisory, v.Level, "the plan must start with no mandatory violation: %v", v)
		before[v.Policy+" "+v.URN+" "+v.Message] = true
	}
	// A mutation is caught when its rule reports something the untouched plan did not.
	flagged := func(vs []rules.Violation, rule string) bool {
		for _, v := range vs {
			if v.Policy == rule && !before[v.Policy+" "+v.URN+" "+v.Message] {
				return true
			}
		}
		return false
	}

	tried, caught := 0, 0
	properties := map[string]bool{}
	var missed []string
	for _, m := range catalogue {
		for i := range base {
			if !m.matches(base[i]) {
				continue
			}
			mutated := slices.Clone(base)
			if m.Drop {
				mutated = slices.Delete(mutated, i, i+1)
			} else {
				mutated[i] = deepCopy(base[i])
				if !m.Apply(&mutated[i]) {
					continue
				}
			}
			tried++
			properties[m.Rule+": "+m.What] = true
			if flagged(estate.Evaluate(reconvert(mutated), cfg), m.Rule) {
				caught++
			} else {
				missed = append(missed, fmt.Sprintf("%s on %s %s", m.What, base[i].Type, base[i].Name))
			}
		}
	}
	t.Logf("mutation test: %d guarded properties, %d mutations over %d resources, %d caught (%.1f%%)",
		len(properties), tried, len(base), caught, 100*float64(caught)/float64(max(tried, 1)))
	assert.Empty(t, missed, "mutations the pack did not flag")
	assert.Equal(t, tried, caught)
	return tried
}

// CatalogueIsLive keeps a catalogue honest: every entry applies to at least one resource of
// the plan, so none silently tests nothing.
func CatalogueIsLive(t *testing.T, base []rules.Resource, catalogue []Mutation) {
	t.Helper()
	for _, m := range catalogue {
		applies := false
		for _, r := range base {
			if !m.matches(r) {
				continue
			}
			c := deepCopy(r)
			if m.Drop || m.Apply(&c) {
				applies = true
				break
			}
		}
		assert.True(t, applies, "%s (%s) matches nothing in the plan", m.What, m.Rule)
	}
}

func (m Mutation) matches(r rules.Resource) bool {
	return (m.Types == nil || slices.Contains(m.Types, r.Type)) && (m.When == nil || m.When(r))
}

func deepCopy(r rules.Resource) rules.Resource {
	r.Inputs = copyValue(r.Inputs).(map[string]any)
	r.Dependencies = slices.Clone(r.Dependencies)
	return r
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// podTemplates are the workloads the estate runs pods with: the apps' Deployments, and the
// in-cluster cache's StatefulSet where the platform asks for one (a catalogue entry applies to
// the types a plan holds).
var podTemplates = []string{k8srules.TypeDeployment, k8srules.TypeStatefulSet}

// Workloads are the mutations of what runs on the cluster, the same on every cloud but the
// ingress controller's own annotations, which each cloud's catalogue adds.
var Workloads = []Mutation{
	{Rule: "kubernetes-namespace-restricted-pss", What: "namespace enforces baseline", Types: []string{k8srules.TypeNamespace}, Apply: func(r *rules.Resource) bool {
		if _, excepted := GetPath(r.Inputs, `metadata.annotations["`+naming.PodSecurityException+`"]`); excepted {
			return false // a named exception may be looser; the next mutation drops its reason
		}
		return Set(`metadata.labels["`+naming.PodSecurityEnforce+`"]`, "baseline")(r)
	}},
	{Rule: "kubernetes-namespace-restricted-pss", What: "exception without its reason", Types: []string{k8srules.TypeNamespace}, Apply: Remove(`metadata.annotations["` + naming.PodSecurityException + `"]`)},
	{Rule: "kubernetes-namespace-default-deny", What: "default-deny policy removed", Types: []string{k8srules.TypeNetworkPolicy}, Drop: true,
		When: func(r rules.Resource) bool { return r.Inputs["metadata"].(map[string]any)["name"] == "default-deny" }},
	{Rule: "kubernetes-namespace-default-deny", What: "default-deny policy opened to ingress", Types: []string{k8srules.TypeNetworkPolicy}, Apply: func(r *rules.Resource) bool {
		return r.Inputs["metadata"].(map[string]any)["name"] == "default-deny" && SetPath(r.Inputs, "spec.ingress", []any{map[string]any{}})
	}},
	{Rule: "kubernetes-pod-restricted-pss", What: "privilege escalation allowed", Types: podTemplates, Apply: Set("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", true)},
	{Rule: "kubernetes-pod-restricted-pss", What: "container runs as root", Types: podTemplates, Apply: Set("spec.template.spec.containers[0].securityContext.runAsUser", 0.0)},
	{Rule: "kubernetes-pod-restricted-pss", What: "non-root not required", Types: podTemplates, Apply: func(r *rules.Resource) bool {
		return Remove("spec.template.spec.securityContext.runAsNonRoot")(r) && Remove("spec.template.spec.containers[0].securityContext.runAsNonRoot")(r)
	}},
	{Rule: "kubernetes-pod-restricted-pss", What: "capabilities kept", Types: podTemplates, Apply: Remove("spec.template.spec.containers[0].securityContext.capabilities")},
	{Rule: "kubernetes-pod-restricted-pss", What: "seccomp unconfined", Types: podTemplates, Apply: func(r *rules.Resource) bool {
		return Set("spec.template.spec.securityContext.seccompProfile.type", "Unconfined")(r)
	}},
	{Rule: "kubernetes-pod-restricted-pss", What: "privileged container", Types: podTemplates, Apply: Set("spec.template.spec.containers[0].securityContext.privileged", true)},
	{Rule: "kubernetes-pod-restricted-pss", What: "host network", Types: podTemplates, Apply: Set("spec.template.spec.hostNetwork", true)},
	{Rule: "kubernetes-pod-read-only-root", What: "writable root filesystem", Types: podTemplates, Apply: Set("spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", false)},
	{Rule: "kubernetes-pod-no-token-automount", What: "API token mounted in pods", Types: podTemplates, Apply: Set("spec.template.spec.automountServiceAccountToken", true)},
	{Rule: "kubernetes-serviceaccount-no-token-automount", What: "service account mounts its token", Types: []string{k8srules.TypeServiceAccount}, Apply: Set("automountServiceAccountToken", true)},
	{Rule: "kubernetes-pod-image-digest", What: "image by tag", Types: podTemplates, Apply: func(r *rules.Resource) bool {
		image, _ := GetPath(r.Inputs, "spec.template.spec.containers[0].image")
		ref, _, found := strings.Cut(fmt.Sprint(image), "@")
		return found && SetPath(r.Inputs, "spec.template.spec.containers[0].image", ref)
	}},
	{Rule: "kubernetes-pod-resources-bounded", What: "no memory limit", Types: podTemplates, Apply: Remove("spec.template.spec.containers[0].resources.limits.memory")},
	{Rule: "kubernetes-pod-resources-bounded", What: "no requests", Types: podTemplates, Apply: Remove("spec.template.spec.containers[0].resources.requests")},
	{Rule: "kubernetes-pod-health-probes", What: "no readiness probe", Types: podTemplates, Apply: Remove("spec.template.spec.containers[0].readinessProbe")},
	{Rule: "kubernetes-pod-health-probes", What: "no liveness probe", Types: podTemplates, Apply: Remove("spec.template.spec.containers[0].livenessProbe")},
	{Rule: "kubernetes-workload-disruption-budget", What: "disruption budget removed", Types: []string{k8srules.TypePodDisruptionBudget}, Drop: true},
	{Rule: "kubernetes-workload-disruption-budget", What: "budget allows no disruption", Types: []string{k8srules.TypePodDisruptionBudget}, Apply: Set("spec.maxUnavailable", 0.0)},
	{Rule: "kubernetes-service-not-exposed", What: "service as a load balancer", Types: []string{k8srules.TypeService}, Apply: Set("spec.type", "LoadBalancer")},
	{Rule: "kubernetes-service-not-exposed", What: "service on node ports", Types: []string{k8srules.TypeService}, Apply: Set("spec.type", "NodePort")},
	{Rule: "kubernetes-helm-chart-pinned", What: "chart version range", Types: []string{k8srules.TypeHelmRelease}, Apply: Set("version", "^88.0.0")},
	{Rule: "kubernetes-helm-chart-pinned", What: "chart over HTTP", Types: []string{k8srules.TypeHelmRelease}, Apply: Set("repositoryOpts.repo", "http://prometheus-community.github.io/helm-charts")},
	{Rule: "kubernetes-rbac-no-cluster-admin", What: "a binding grants cluster-admin", Types: []string{k8srules.TypeRoleBinding, k8srules.TypeClusterRoleBinding}, Apply: Set("roleRef.name", "cluster-admin")},
	{Rule: "kubernetes-provider-kubeconfig-secret", What: "kubeconfig in clear text", Types: []string{k8srules.TypeProvider}, Apply: Set("kubeconfig", "apiVersion: v1\nkind: Config\n")},
	{Rule: "kubernetes-provider-kubeconfig-secret", What: "ambient kubeconfig", Types: []string{k8srules.TypeProvider}, Apply: Remove("kubeconfig")},
	{Rule: "kubernetes-await-readiness", What: "update does not wait for the workload", Types: podTemplates, Apply: func(r *rules.Resource) bool {
		meta, ok := r.Inputs["metadata"].(map[string]any)
		if !ok {
			return false
		}
		annotations, _ := meta["annotations"].(map[string]any)
		if annotations == nil {
			annotations = map[string]any{}
			meta["annotations"] = annotations
		}
		annotations[k8srules.SkipAwait] = "true"
		return true
	}},
	{Rule: "kubernetes-admission-policies", What: "an admission policy removed", Types: []string{k8srules.TypeAdmissionPolicy}, Drop: true},
	{Rule: "kubernetes-admission-policies", What: "an admission policy fails open", Types: []string{k8srules.TypeAdmissionPolicy}, Apply: Set("spec.failurePolicy", "Ignore")},
	{Rule: "kubernetes-admission-policies", What: "an admission policy only audits", Types: []string{k8srules.TypeAdmissionBinding}, Apply: Set("spec.validationActions", []any{"Audit"})},
}
