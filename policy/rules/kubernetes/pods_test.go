package kubernetes

import (
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// digest is a well-formed image digest.
var digest = "@sha256:" + strings.Repeat("0123456789abcdef", 4)

// goodContainer meets every pod rule: restricted, read-only, pinned, bounded and probed. Its
// seccomp profile comes from the pod.
func goodContainer(name string) map[string]any {
	return map[string]any{
		"name":  name,
		"image": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/" + name + digest,
		"securityContext": map[string]any{
			"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true, "runAsUser": int64(10001),
			"capabilities": map[string]any{"drop": []any{"ALL"}},
		},
		"resources": map[string]any{
			"requests": map[string]any{"cpu": "250m", "memory": "256Mi"},
			"limits":   map[string]any{"cpu": "1", "memory": "512Mi"},
		},
		"ports":          []any{map[string]any{"containerPort": int64(8080)}},
		"livenessProbe":  map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": int64(8080)}},
		"readinessProbe": map[string]any{"httpGet": map[string]any{"path": "/ready", "port": int64(8080)}},
	}
}

func goodPodSpec() map[string]any {
	initContainer := goodContainer("migrate")
	delete(initContainer, "livenessProbe")
	delete(initContainer, "readinessProbe")
	delete(initContainer, "ports")
	return map[string]any{
		"automountServiceAccountToken": false,
		"securityContext":              map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
		"containers":                   []any{goodContainer("api")},
		"initContainers":               []any{initContainer},
		"volumes": []any{
			map[string]any{"name": "tmp", "emptyDir": map[string]any{}},
			map[string]any{"name": "config", "configMap": map[string]any{"name": "api"}},
			map[string]any{"name": "token", "projected": map[string]any{"sources": []any{map[string]any{"serviceAccountToken": map[string]any{"path": "token"}}}}},
		},
	}
}

// workload is a controller of the type around goodPodSpec, changed by edit (given the pod
// spec, its container "api" and its initContainer "migrate"; nil leaves it good).
func workload(typ string, edit func(pod, c, init map[string]any)) rules.Resource {
	pod := goodPodSpec()
	if edit != nil {
		edit(pod, pod["containers"].([]any)[0].(map[string]any), pod["initContainers"].([]any)[0].(map[string]any))
	}
	labels := map[string]any{"app": "api", "tier": "backend"}
	template := map[string]any{"metadata": map[string]any{"labels": labels}, "spec": pod}
	metadata := map[string]any{"name": "api", "namespace": "clinical"}
	var spec map[string]any
	switch typ {
	case TypePod:
		return res(typ, "api", map[string]any{"metadata": map[string]any{"name": "api", "namespace": "clinical", "labels": labels}, "spec": pod})
	case TypeCronJob:
		spec = map[string]any{"schedule": "0 2 * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": template}}}
	case TypeJob:
		spec = map[string]any{"template": template}
	default:
		spec = map[string]any{"replicas": int64(3), "selector": map[string]any{"matchLabels": map[string]any{"app": "api"}}, "template": template}
	}
	return res(typ, "api", map[string]any{"metadata": metadata, "spec": spec})
}

func deployment(edit func(pod, c, init map[string]any)) []rules.Resource {
	return []rules.Resource{workload(TypeDeployment, edit)}
}

func sc(c map[string]any) map[string]any { return c["securityContext"].(map[string]any) }

var podRuleNames = []string{
	"kubernetes-pod-restricted-pss", "kubernetes-pod-read-only-root", "kubernetes-pod-no-token-automount",
	"kubernetes-pod-image-digest", "kubernetes-pod-resources-bounded", "kubernetes-pod-health-probes",
}

func podCases() []ruleCase {
	var cases []ruleCase
	// Every workload type, as the estate would write it, passes every pod rule.
	for _, typ := range workloadTypes {
		for _, rule := range podRuleNames {
			cases = append(cases, ruleCase{rule, "good " + typ, []rules.Resource{workload(typ, nil)}, false, ""})
		}
	}
	unknownTemplate := res(TypeDeployment, "api", map[string]any{"spec": map[string]any{"replicas": int64(3), "template": rules.Unknown}})
	unknownCronTemplate := res(TypeCronJob, "nightly", map[string]any{"spec": map[string]any{"jobTemplate": map[string]any{"spec": rules.Unknown}}})
	for _, rule := range podRuleNames {
		cases = append(cases, ruleCase{rule, "pod template unknown at preview", []rules.Resource{unknownTemplate}, true, "pod template (spec.template.spec) is unknown at preview"})
		if rule != "kubernetes-pod-health-probes" { // a CronJob takes no probes
			cases = append(cases, ruleCase{rule, "cron job's pod template unknown at preview", []rules.Resource{unknownCronTemplate}, true, "pod template (spec.jobTemplate.spec.template.spec) is unknown at preview"})
		}
	}
	cases = append(cases, restrictedCases()...)
	return append(cases, []ruleCase{
		{"kubernetes-pod-restricted-pss", "no pod template", []rules.Resource{res(TypeDeployment, "api", map[string]any{"spec": map[string]any{"replicas": int64(1)}})}, true, "no pod template at spec.template.spec"},

		{"kubernetes-pod-read-only-root", "writable root", deployment(func(_, c, _ map[string]any) { delete(sc(c), "readOnlyRootFilesystem") }), true, `container "api": securityContext.readOnlyRootFilesystem must be true`},
		{"kubernetes-pod-read-only-root", "init container writes its root", deployment(func(_, _, init map[string]any) { sc(init)["readOnlyRootFilesystem"] = false }), true, `initContainer "migrate": securityContext.readOnlyRootFilesystem`},
		{"kubernetes-pod-read-only-root", "switch unknown", deployment(func(_, c, _ map[string]any) { sc(c)["readOnlyRootFilesystem"] = rules.Unknown }), true, "readOnlyRootFilesystem must be true"},
		{"kubernetes-pod-read-only-root", "cron job writes its root", []rules.Resource{workload(TypeCronJob, func(_, c, _ map[string]any) { delete(c, "securityContext") })}, true, `container "api": securityContext.readOnlyRootFilesystem`},

		{"kubernetes-pod-no-token-automount", "token mounted by default", deployment(func(pod, _, _ map[string]any) { delete(pod, "automountServiceAccountToken") }), true, "pod: automountServiceAccountToken must be false"},
		{"kubernetes-pod-no-token-automount", "token mounted on purpose", []rules.Resource{workload(TypeJob, func(pod, _, _ map[string]any) { pod["automountServiceAccountToken"] = true })}, true, "automountServiceAccountToken must be false"},
		{"kubernetes-pod-no-token-automount", "containers unknown do not matter", deployment(func(pod, _, _ map[string]any) { pod["containers"] = rules.Unknown }), false, ""},

		{"kubernetes-pod-image-digest", "tag only", deployment(func(_, c, _ map[string]any) { c["image"] = "nginx:1.27.3" }), true, `container "api": image "nginx:1.27.3" is not pinned by digest`},
		{"kubernetes-pod-image-digest", "no tag at all", deployment(func(_, c, _ map[string]any) { c["image"] = "nginx" }), true, `image "nginx" is not pinned`},
		{"kubernetes-pod-image-digest", "short digest", deployment(func(_, c, _ map[string]any) { c["image"] = "nginx@sha256:abc123" }), true, "not pinned by digest"},
		{"kubernetes-pod-image-digest", "init container by tag", deployment(func(_, _, init map[string]any) { init["image"] = "flyway:10" }), true, `initContainer "migrate": image "flyway:10"`},
		{"kubernetes-pod-image-digest", "tag and digest", deployment(func(_, c, _ map[string]any) { c["image"] = "nginx:1.27.3" + digest }), false, ""},
		{"kubernetes-pod-image-digest", "image built in the same update", deployment(func(_, c, _ map[string]any) { c["image"] = rules.Unknown }), false, ""},
		{"kubernetes-pod-image-digest", "one container of two by tag", deployment(func(pod, _, _ map[string]any) {
			sidecar := goodContainer("proxy")
			sidecar["image"] = "envoy:v1.31"
			pod["containers"] = append(pod["containers"].([]any), sidecar)
		}), true, `container "proxy": image "envoy:v1.31"`},

		{"kubernetes-pod-resources-bounded", "no limits", deployment(func(_, c, _ map[string]any) { delete(c["resources"].(map[string]any), "limits") }), true, `container "api": sets no resources.limits.cpu, resources.limits.memory`},
		{"kubernetes-pod-resources-bounded", "no resources", []rules.Resource{workload(TypeStatefulSet, func(_, c, _ map[string]any) { delete(c, "resources") })}, true, "resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory"},
		{"kubernetes-pod-resources-bounded", "init container without requests", deployment(func(_, _, init map[string]any) { delete(init["resources"].(map[string]any), "requests") }), true, `initContainer "migrate": sets no resources.requests.cpu`},
		{"kubernetes-pod-resources-bounded", "empty memory limit", deployment(func(_, c, _ map[string]any) {
			c["resources"].(map[string]any)["limits"] = map[string]any{"cpu": "1", "memory": ""}
		}), true, "sets no resources.limits.memory"},
		{"kubernetes-pod-resources-bounded", "quantity from config of the same update", deployment(func(_, c, _ map[string]any) {
			c["resources"].(map[string]any)["limits"] = map[string]any{"cpu": rules.Unknown, "memory": "1Gi"}
		}), false, ""},

		{"kubernetes-pod-health-probes", "no readiness probe", deployment(func(_, c, _ map[string]any) { delete(c, "readinessProbe") }), true, `container "api": has no readinessProbe`},
		{"kubernetes-pod-health-probes", "daemon set without probes", []rules.Resource{workload(TypeDaemonSet, func(_, c, _ map[string]any) { delete(c, "readinessProbe"); delete(c, "livenessProbe") })}, true, "has no livenessProbe, readinessProbe"},
		{"kubernetes-pod-health-probes", "empty liveness probe", []rules.Resource{workload(TypeStatefulSet, func(_, c, _ map[string]any) { c["livenessProbe"] = map[string]any{} })}, true, "has no livenessProbe"},
		{"kubernetes-pod-health-probes", "a job ends by design", []rules.Resource{workload(TypeJob, func(_, c, _ map[string]any) { delete(c, "readinessProbe"); delete(c, "livenessProbe") })}, false, ""},
		{"kubernetes-pod-health-probes", "a cron job ends by design", []rules.Resource{workload(TypeCronJob, func(_, c, _ map[string]any) { delete(c, "livenessProbe") })}, false, ""},
		{"kubernetes-pod-health-probes", "probe unknown at preview", deployment(func(_, c, _ map[string]any) { c["livenessProbe"] = rules.Unknown }), false, ""},

		{"kubernetes-serviceaccount-no-token-automount", "off", []rules.Resource{res(TypeServiceAccount, "api", map[string]any{"automountServiceAccountToken": false})}, false, ""},
		{"kubernetes-serviceaccount-no-token-automount", "left to the default", []rules.Resource{res(TypeServiceAccount, "api", map[string]any{"metadata": map[string]any{"name": "api"}})}, true, "automountServiceAccountToken must be false"},
		{"kubernetes-serviceaccount-no-token-automount", "on", []rules.Resource{res(TypeServiceAccount, "api", map[string]any{"automountServiceAccountToken": true})}, true, "must be false"},
		{"kubernetes-serviceaccount-no-token-automount", "unknown", []rules.Resource{res(TypeServiceAccount, "api", map[string]any{"automountServiceAccountToken": rules.Unknown})}, true, "must be false"},
	}...)
}

func restrictedCases() []ruleCase {
	const rule = "kubernetes-pod-restricted-pss"
	return []ruleCase{
		{rule, "escalation allowed", deployment(func(_, c, _ map[string]any) { sc(c)["allowPrivilegeEscalation"] = true }), true, `container "api": securityContext.allowPrivilegeEscalation must be false`},
		{rule, "escalation left to the default", deployment(func(_, c, _ map[string]any) { delete(sc(c), "allowPrivilegeEscalation") }), true, "allowPrivilegeEscalation must be false"},
		{rule, "escalation unknown", deployment(func(_, c, _ map[string]any) { sc(c)["allowPrivilegeEscalation"] = rules.Unknown }), true, "allowPrivilegeEscalation must be false"},
		{rule, "privileged", deployment(func(_, c, _ map[string]any) { sc(c)["privileged"] = true }), true, "securityContext.privileged must not be true"},
		{rule, "no securityContext", deployment(func(_, c, _ map[string]any) { delete(c, "securityContext") }), true, `container "api": securityContext.allowPrivilegeEscalation must be false; securityContext.capabilities.drop must include ALL`},

		{rule, "non-root on the pod only", deployment(func(_, c, _ map[string]any) { delete(sc(c), "runAsNonRoot") }), false, ""},
		{rule, "non-root nowhere", deployment(func(pod, c, _ map[string]any) {
			delete(sc(c), "runAsNonRoot")
			delete(pod["securityContext"].(map[string]any), "runAsNonRoot")
		}), true, "securityContext.runAsNonRoot must be true (on the container or the pod)"},
		{rule, "container overrides the pod's non-root", deployment(func(_, c, _ map[string]any) { sc(c)["runAsNonRoot"] = false }), true, `container "api": securityContext.runAsNonRoot must be true`},
		{rule, "pod says root is fine", deployment(func(pod, _, _ map[string]any) { pod["securityContext"].(map[string]any)["runAsNonRoot"] = false }), true, "pod: securityContext.runAsNonRoot must not be false"},
		{rule, "UID 0", deployment(func(_, c, _ map[string]any) { sc(c)["runAsUser"] = int64(0) }), true, "securityContext.runAsUser must not be 0"},
		{rule, "UID 0 for the pod", deployment(func(pod, _, _ map[string]any) { pod["securityContext"].(map[string]any)["runAsUser"] = int64(0) }), true, "pod: securityContext.runAsUser must not be 0"},

		{rule, "seccomp Localhost on the container only", deployment(func(pod, c, init map[string]any) {
			delete(pod["securityContext"].(map[string]any), "seccompProfile")
			for _, x := range []map[string]any{c, init} {
				sc(x)["seccompProfile"] = map[string]any{"type": "Localhost", "localhostProfile": "profiles/api.json"}
			}
		}), false, ""},
		{rule, "seccomp nowhere", deployment(func(pod, _, _ map[string]any) { delete(pod["securityContext"].(map[string]any), "seccompProfile") }), true, "seccompProfile.type must be RuntimeDefault or Localhost (on the container or the pod)"},
		{rule, "container unconfined", deployment(func(_, c, _ map[string]any) { sc(c)["seccompProfile"] = map[string]any{"type": "Unconfined"} }), true, `container "api": securityContext.seccompProfile.type is Unconfined`},
		{rule, "pod unconfined", deployment(func(pod, _, _ map[string]any) {
			pod["securityContext"].(map[string]any)["seccompProfile"] = map[string]any{"type": "Unconfined"}
		}), true, "pod: securityContext.seccompProfile.type is Unconfined"},

		{rule, "capabilities kept", deployment(func(_, c, _ map[string]any) { sc(c)["capabilities"] = map[string]any{"drop": []any{"NET_RAW"}} }), true, "securityContext.capabilities.drop must include ALL"},
		{rule, "adds SYS_ADMIN", deployment(func(_, c, _ map[string]any) { sc(c)["capabilities"].(map[string]any)["add"] = []any{"SYS_ADMIN"} }), true, "capabilities.add holds SYS_ADMIN; only NET_BIND_SERVICE"},
		{rule, "adds NET_BIND_SERVICE", deployment(func(_, c, _ map[string]any) {
			sc(c)["capabilities"].(map[string]any)["add"] = []any{"NET_BIND_SERVICE"}
		}), false, ""},
		{rule, "added capabilities unknown", deployment(func(_, c, _ map[string]any) { sc(c)["capabilities"].(map[string]any)["add"] = rules.Unknown }), true, "capabilities.add is unknown at preview"},

		{rule, "host network", deployment(func(pod, _, _ map[string]any) { pod["hostNetwork"] = true }), true, "pod: hostNetwork must not be true"},
		{rule, "host PID", []rules.Resource{workload(TypeDaemonSet, func(pod, _, _ map[string]any) { pod["hostPID"] = true })}, true, "pod: hostPID must not be true"},
		{rule, "host IPC unknown", deployment(func(pod, _, _ map[string]any) { pod["hostIPC"] = rules.Unknown }), true, "pod: hostIPC must not be true"},
		{rule, "host namespaces off", deployment(func(pod, _, _ map[string]any) {
			pod["hostNetwork"], pod["hostPID"], pod["hostIPC"] = false, false, false
		}), false, ""},
		{rule, "hostPath volume", deployment(func(pod, _, _ map[string]any) {
			pod["volumes"] = append(pod["volumes"].([]any), map[string]any{"name": "host", "hostPath": map[string]any{"path": "/var/lib"}})
		}), true, `pod: volume "host" is hostPath; only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret are allowed`},
		{rule, "nfs volume", []rules.Resource{workload(TypeJob, func(pod, _, _ map[string]any) {
			pod["volumes"] = []any{map[string]any{"name": "share", "nfs": map[string]any{"server": "10.0.0.5", "path": "/"}}}
		})}, true, `volume "share" is nfs`},
		{rule, "claim and secret volumes", deployment(func(pod, _, _ map[string]any) {
			pod["volumes"] = []any{map[string]any{"name": "data", "persistentVolumeClaim": map[string]any{"claimName": "data"}}, map[string]any{"name": "tls", "secret": map[string]any{"secretName": "tls"}}}
		}), false, ""},
		{rule, "volumes unknown", deployment(func(pod, _, _ map[string]any) { pod["volumes"] = rules.Unknown }), true, "pod: volumes are unknown at preview"},
		{rule, "host port", deployment(func(_, c, _ map[string]any) {
			c["ports"] = []any{map[string]any{"containerPort": int64(8080), "hostPort": int64(8080)}}
		}), true, `container "api": ports[0].hostPort is 8080`},
		{rule, "host port 0 is none", deployment(func(_, c, _ map[string]any) {
			c["ports"] = []any{map[string]any{"containerPort": int64(8080), "hostPort": int64(0)}}
		}), false, ""},

		{rule, "init container escalates", deployment(func(_, _, init map[string]any) { sc(init)["allowPrivilegeEscalation"] = true }), true, `initContainer "migrate": securityContext.allowPrivilegeEscalation must be false`},
		{rule, "cron job privileged", []rules.Resource{workload(TypeCronJob, func(_, c, _ map[string]any) { sc(c)["privileged"] = true })}, true, `container "api": securityContext.privileged must not be true`},
		{rule, "bare pod on the host network", []rules.Resource{workload(TypePod, func(pod, _, _ map[string]any) { pod["hostNetwork"] = true })}, true, "hostNetwork must not be true"},
		{rule, "one container unknown at preview", deployment(func(pod, _, _ map[string]any) {
			pod["containers"] = append(pod["containers"].([]any), rules.Unknown)
		}), true, "containers[1] is unknown at preview"},
		{rule, "containers unknown at preview", deployment(func(pod, _, _ map[string]any) { pod["containers"] = rules.Unknown }), true, "containers are unknown at preview"},
	}
}
