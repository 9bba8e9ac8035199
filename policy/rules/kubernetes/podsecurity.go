package kubernetes

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// restrictedVolumeTypes are the volume sources the restricted Pod Security Standard allows:
// none of them reaches the node's filesystem, so a compromised container cannot read another
// pod's PHI off the host or plant something in it.
var restrictedVolumeTypes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}

// podRestricted checks the pods themselves against the restricted Pod Security Standard,
// before the cluster sees them: namespace admission rejects a bad pod only after its
// Deployment was accepted, which leaves an update half applied and a workload that never
// starts. The pack fails the preview instead.
var podRestricted = rules.Rule{
	Name:        "kubernetes-pod-restricted-pss",
	Cloud:       rules.CloudKubernetes,
	Description: "Every pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) meets the restricted Pod Security Standard: each container and init container sets allowPrivilegeEscalation false, runs as non-root and not as UID 0, has a RuntimeDefault or Localhost seccomp profile (its own or the pod's), drops ALL capabilities and adds none but NET_BIND_SERVICE, is not privileged and binds no hostPort; the pod uses no host network, PID or IPC namespace and only the restricted volume types (no hostPath).",
	Sections:    []rules.Section{rules.AccessControl, rules.Integrity},
	Unknown:     "a pod template, container or field unknown at preview fails",
	Level:       rules.Mandatory,
	Types:       workloadTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		out := perContainer(r, "", restrictedContainer)
		if spec, _, _ := podOf(r); spec != nil {
			if bad := restrictedPod(spec); len(bad) > 0 {
				out = append(out, "pod: "+strings.Join(bad, "; "))
			}
		}
		return out
	},
}

func restrictedContainer(spec map[string]any, c container) []string {
	var bad []string
	if v, _ := rules.Get(c.fields, "securityContext.allowPrivilegeEscalation"); v != false {
		bad = append(bad, "securityContext.allowPrivilegeEscalation must be false")
	}
	if rules.ExplicitlyTrue(c.fields, "securityContext.privileged") {
		bad = append(bad, "securityContext.privileged must not be true")
	}
	nonRoot, set := rules.Get(c.fields, "securityContext.runAsNonRoot")
	if !set {
		nonRoot, _ = rules.Get(spec, "securityContext.runAsNonRoot")
	}
	if nonRoot != true {
		bad = append(bad, "securityContext.runAsNonRoot must be true (on the container or the pod)")
	}
	if rootUser(c.fields) {
		bad = append(bad, "securityContext.runAsUser must not be 0")
	}
	if t, set := rules.Get(c.fields, "securityContext.seccompProfile.type"); set {
		if !allowedSeccomp(t) {
			bad = append(bad, fmt.Sprintf("securityContext.seccompProfile.type is %v; use RuntimeDefault or Localhost", t))
		}
	} else if _, podSet := rules.Get(spec, "securityContext.seccompProfile.type"); !podSet {
		bad = append(bad, "securityContext.seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)")
	}
	if !slices.Contains(rules.Strs(c.fields, "securityContext.capabilities.drop"), "ALL") {
		bad = append(bad, "securityContext.capabilities.drop must include ALL")
	}
	if add, _ := rules.Get(c.fields, "securityContext.capabilities.add"); rules.IsUnknown(add) {
		bad = append(bad, "securityContext.capabilities.add is unknown at preview")
	}
	for _, capability := range rules.Strs(c.fields, "securityContext.capabilities.add") {
		if capability != "NET_BIND_SERVICE" {
			bad = append(bad, fmt.Sprintf("securityContext.capabilities.add holds %s; only NET_BIND_SERVICE is allowed", capability))
		}
	}
	for i := range rules.List(c.fields, "ports") {
		path := fmt.Sprintf("ports[%d].hostPort", i)
		if v, set := rules.Get(c.fields, path); set {
			if n, _ := rules.Number(c.fields, path); n != 0 || rules.IsUnknown(v) {
				bad = append(bad, fmt.Sprintf("%s is %v; a host port exposes the container on the node's address", path, v))
			}
		}
	}
	return bad
}

func restrictedPod(spec map[string]any) []string {
	var bad []string
	for _, host := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if rules.ExplicitlyTrue(spec, host) {
			bad = append(bad, host+" must not be true")
		}
	}
	if v, _ := rules.Get(spec, "securityContext.runAsNonRoot"); v == false || rules.IsUnknown(v) {
		bad = append(bad, "securityContext.runAsNonRoot must not be false")
	}
	if rootUser(spec) {
		bad = append(bad, "securityContext.runAsUser must not be 0")
	}
	if t, set := rules.Get(spec, "securityContext.seccompProfile.type"); set && !allowedSeccomp(t) {
		bad = append(bad, fmt.Sprintf("securityContext.seccompProfile.type is %v; use RuntimeDefault or Localhost", t))
	}
	volumes, _ := rules.Get(spec, "volumes")
	if rules.IsUnknown(volumes) {
		return append(bad, "volumes are unknown at preview")
	}
	for i, v := range rules.List(spec, "volumes") {
		volume, ok := v.(map[string]any)
		if !ok {
			bad = append(bad, fmt.Sprintf("volumes[%d] is unknown at preview", i))
			continue
		}
		var sources []string
		for k := range volume {
			if k != "name" && !slices.Contains(restrictedVolumeTypes, k) {
				sources = append(sources, k)
			}
		}
		sort.Strings(sources)
		for _, s := range sources {
			bad = append(bad, fmt.Sprintf("volume %q is %s; only %s are allowed", rules.Str(volume, "name"), s, strings.Join(restrictedVolumeTypes, ", ")))
		}
	}
	return bad
}

// rootUser reports a securityContext.runAsUser of 0, or one preview cannot know.
func rootUser(fields map[string]any) bool {
	if _, set := rules.Get(fields, "securityContext.runAsUser"); !set {
		return false
	}
	n, isNumber := rules.Number(fields, "securityContext.runAsUser")
	return !isNumber || n == 0
}

func allowedSeccomp(t any) bool { return t == "RuntimeDefault" || t == "Localhost" }

// podReadOnlyRoot is the NSA/CISA immutable-filesystem control: a container that cannot write
// its own image cannot be made to carry a dropped tool or a modified binary, and writes PHI
// only where a volume says it may.
var podReadOnlyRoot = rules.Rule{
	Name:        "kubernetes-pod-read-only-root",
	Cloud:       rules.CloudKubernetes,
	Description: "Every container and init container of every pod template sets securityContext.readOnlyRootFilesystem true; scratch space is an emptyDir volume (NSA/CISA Kubernetes Hardening Guidance).",
	Sections:    []rules.Section{rules.Integrity},
	Unknown:     "a pod template, container or switch unknown at preview fails",
	Level:       rules.Mandatory,
	Types:       workloadTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		return perContainer(r, "", func(_ map[string]any, c container) []string {
			if !rules.BoolTrue(c.fields, "securityContext.readOnlyRootFilesystem") {
				return []string{"securityContext.readOnlyRootFilesystem must be true"}
			}
			return nil
		})
	},
}

// podNoTokenAutomount is the NSA/CISA service-account token control: a token mounted into
// every pod by default lets whoever breaks into the container speak to the API server as the
// workload. A pod that needs the API mounts a projected serviceAccountToken volume, with its
// own audience and expiry, and keeps automount off.
var podNoTokenAutomount = rules.Rule{
	Name:        "kubernetes-pod-no-token-automount",
	Cloud:       rules.CloudKubernetes,
	Description: "Every pod template sets automountServiceAccountToken false; a pod that calls the API server mounts a projected token volume instead (NSA/CISA Kubernetes Hardening Guidance).",
	Sections:    []rules.Section{rules.AccessControl, rules.Authentication},
	Unknown:     "a pod template or switch unknown at preview fails",
	Level:       rules.Mandatory,
	Types:       workloadTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		spec, _, problems := podOf(r)
		if spec == nil {
			return problems
		}
		if v, _ := rules.Get(spec, "automountServiceAccountToken"); v != false {
			return []string{"pod: automountServiceAccountToken must be false"}
		}
		return nil
	},
}
