package kubernetes

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Workload types: everything that runs a pod, each with its pod spec at its own path.
const (
	TypeDeployment  = "kubernetes:apps/v1:Deployment"
	TypeStatefulSet = "kubernetes:apps/v1:StatefulSet"
	TypeDaemonSet   = "kubernetes:apps/v1:DaemonSet"
	TypeReplicaSet  = "kubernetes:apps/v1:ReplicaSet"
	TypeJob         = "kubernetes:batch/v1:Job"
	TypeCronJob     = "kubernetes:batch/v1:CronJob"
	TypePod         = "kubernetes:core/v1:Pod"
)

// podSpecPaths says where each workload type carries its pod spec. A bare Pod and a ReplicaSet
// are here although the estate builds neither: the pack guards what a team may add, and a pod
// the rules did not read would run unchecked.
var podSpecPaths = map[string]string{
	TypeDeployment:  "spec.template.spec",
	TypeStatefulSet: "spec.template.spec",
	TypeDaemonSet:   "spec.template.spec",
	TypeReplicaSet:  "spec.template.spec",
	TypeJob:         "spec.template.spec",
	TypeCronJob:     "spec.jobTemplate.spec.template.spec",
	TypePod:         "spec",
}

// workloadTypes are the types every pod rule reads.
var workloadTypes = []string{TypeDeployment, TypeStatefulSet, TypeDaemonSet, TypeReplicaSet, TypeJob, TypeCronJob, TypePod}

// longRunningTypes keep their pods up: the controllers a probe restarts and a Service routes
// to. A Job's pod ends by design.
var longRunningTypes = []string{TypeDeployment, TypeStatefulSet, TypeDaemonSet, TypeReplicaSet}

// container is one container or init container of a pod spec, named as findings name it.
type container struct {
	label  string // `container "api"`, `initContainer "migrate"`
	fields map[string]any
}

// podOf reads a workload's pod spec and its containers. problems holds what cannot be read: a
// pod template or container unknown at preview cannot be shown to be safe, so it is a finding;
// spec is nil when the pod template itself is unknown or missing.
func podOf(r rules.Resource) (spec map[string]any, containers []container, problems []string) {
	path := podSpecPaths[r.Type]
	segments := strings.Split(path, ".")
	for i := range segments {
		v, ok := rules.Get(r.Inputs, strings.Join(segments[:i+1], "."))
		switch {
		case rules.IsUnknown(v):
			return nil, nil, []string{fmt.Sprintf("the pod template (%s) is unknown at preview, so its pods cannot be checked", path)}
		case !ok:
			return nil, nil, []string{fmt.Sprintf("no pod template at %s", path)}
		}
	}
	v, _ := rules.Get(r.Inputs, path)
	spec, ok := v.(map[string]any)
	if !ok {
		return nil, nil, []string{fmt.Sprintf("the pod template at %s is not an object", path)}
	}
	for _, kind := range []string{"containers", "initContainers"} {
		label := strings.TrimSuffix(kind, "s")
		list := spec[kind]
		if rules.IsUnknown(list) {
			problems = append(problems, fmt.Sprintf("%s are unknown at preview, so they cannot be checked", kind))
			continue
		}
		items, _ := list.([]any)
		for i, item := range items {
			fields, ok := item.(map[string]any)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s[%d] is unknown at preview, so it cannot be checked", kind, i))
				continue
			}
			name := rules.Str(fields, "name")
			if name == "" || rules.IsUnknown(name) {
				name = fmt.Sprintf("%s[%d]", kind, i)
			}
			containers = append(containers, container{label: fmt.Sprintf("%s %q", label, name), fields: fields})
		}
	}
	return spec, containers, problems
}

// perContainer runs check over every container the pod spec can be read for and returns one
// message per failing container, naming it and every field it fails.
func perContainer(r rules.Resource, only string, check func(spec map[string]any, c container) []string) []string {
	spec, containers, out := podOf(r)
	if spec == nil {
		return out
	}
	for _, c := range containers {
		if only != "" && !strings.HasPrefix(c.label, only+" ") {
			continue
		}
		if bad := check(spec, c); len(bad) > 0 {
			out = append(out, c.label+": "+strings.Join(bad, "; "))
		}
	}
	return out
}

// annotation reads a metadata annotation whose key holds dots and a slash.
func annotation(r rules.Resource, key string) string {
	return rules.Str(r.Inputs, "metadata.annotations"+quoted(key))
}
