package kubernetes

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// digestPinned is an image reference that ends in its content digest.
var digestPinned = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

// imageDigest: a tag is a name anyone who can push to the registry can move, so a pod pulled
// by tag may run code nobody reviewed; a digest names the exact image that was scanned and
// approved, on every node and every restart.
var imageDigest = rules.Rule{
	Name:        "kubernetes-pod-image-digest",
	Cloud:       rules.CloudKubernetes,
	Description: "Every container and init container of every pod template pulls its image by digest (image@sha256:<64 hex>), never by a tag alone.",
	Sections:    []rules.Section{rules.Integrity},
	Unknown:     "an image unknown at preview passes (an image built in the same update is referenced by its digest output); an unknown pod template fails",
	Level:       rules.Mandatory,
	Types:       workloadTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		return perContainer(r, "", func(_ map[string]any, c container) []string {
			image, _ := rules.Get(c.fields, "image")
			if s, _ := image.(string); !rules.IsUnknown(image) && !digestPinned.MatchString(s) {
				return []string{fmt.Sprintf("image %q is not pinned by digest (@sha256:<64 hex>)", s)}
			}
			return nil
		})
	},
}

// containerResources: a container without limits can take a node's memory or CPU from the
// pods beside it, so one runaway model or leak takes PHI services down with it; without
// requests the scheduler packs pods onto nodes that cannot run them.
var containerResources = rules.Rule{
	Name:        "kubernetes-pod-resources-bounded",
	Cloud:       rules.CloudKubernetes,
	Description: "Every container and init container of every pod template sets resources.requests and resources.limits for cpu and memory.",
	Sections:    []rules.Section{rules.RiskManagement},
	Unknown:     "a quantity unknown at preview passes; an unknown pod template fails",
	Level:       rules.Mandatory,
	Types:       workloadTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		return perContainer(r, "", func(_ map[string]any, c container) []string {
			var missing []string
			for _, path := range []string{"resources.requests.cpu", "resources.requests.memory", "resources.limits.cpu", "resources.limits.memory"} {
				if !rules.Present(c.fields, path) {
					missing = append(missing, path)
				}
			}
			if len(missing) > 0 {
				return []string{"sets no " + strings.Join(missing, ", ")}
			}
			return nil
		})
	},
}

// containerProbes: without a liveness probe a hung process keeps its pod and serves nothing;
// without a readiness probe traffic reaches a pod before it can answer, and during a rollout
// the old pods go before the new ones work. Init containers take no probes, and a Job's pod
// is meant to end.
var containerProbes = rules.Rule{
	Name:        "kubernetes-pod-health-probes",
	Cloud:       rules.CloudKubernetes,
	Description: "Every container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet) has a livenessProbe and a readinessProbe.",
	Sections:    []rules.Section{rules.RiskManagement},
	Unknown:     "a probe unknown at preview passes; an unknown pod template fails",
	Level:       rules.Mandatory,
	Types:       longRunningTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		return perContainer(r, "container", func(_ map[string]any, c container) []string {
			var missing []string
			for _, probe := range []string{"livenessProbe", "readinessProbe"} {
				if v, _ := rules.Get(c.fields, probe); !rules.IsUnknown(v) && !nonEmpty(v) {
					missing = append(missing, probe)
				}
			}
			if len(missing) > 0 {
				return []string{"has no " + strings.Join(missing, ", ")}
			}
			return nil
		})
	},
}

func nonEmpty(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) > 0
}
