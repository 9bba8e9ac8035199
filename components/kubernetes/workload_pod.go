package kubernetes

import (
	"fmt"
	"maps"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// podTemplate is the restricted Pod Security Standard and the NSA/CISA pod controls, set on
// the pod and the container both, so the pods pass admission in a restricted namespace and
// every field an auditor reads is explicit.
func podTemplate(args *WorkloadArgs, selector map[string]string, serviceAccount, secretClass pulumi.StringInput) *corev1.PodTemplateSpecArgs {
	podLabels := maps.Clone(args.Identity.PodLabels)
	if podLabels == nil {
		podLabels = map[string]string{}
	}
	maps.Copy(podLabels, selector)
	// Losing a zone loses at most its share of the pods; in production a pod waits rather
	// than crowd into one zone.
	zones := "ScheduleAnyway"
	if args.Production {
		zones = "DoNotSchedule"
	}
	limits := pulumi.StringMap{"cpu": pulumi.String(args.Resources.CPULimit), "memory": pulumi.String(args.Resources.MemoryLimit)}
	mounts := corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")}}
	volumes := corev1.VolumeArray{corev1.VolumeArgs{
		Name:     pulumi.String("tmp"),
		EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String(tmpSize)},
	}}
	if secretClass != nil {
		mount, volume := secretsVolume(args.Secrets.MountPath, secretClass)
		mounts, volumes = append(mounts, mount), append(volumes, volume)
	}
	spec := &corev1.PodSpecArgs{
		ServiceAccountName:           serviceAccount,
		AutomountServiceAccountToken: pulumi.Bool(false),
		HostNetwork:                  pulumi.Bool(false),
		HostPID:                      pulumi.Bool(false),
		HostIPC:                      pulumi.Bool(false),
		ShareProcessNamespace:        pulumi.Bool(false),
		SecurityContext:              restrictedPodSecurity(),
		Containers: corev1.ContainerArray{corev1.ContainerArgs{
			Name:            pulumi.String(args.Name),
			Image:           pulumi.String(args.Image),
			ImagePullPolicy: pulumi.String("IfNotPresent"),
			Ports:           corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String(PortName), ContainerPort: pulumi.Int(args.Port), Protocol: pulumi.String("TCP")}},
			Env:             env(args.Env),
			Resources: &corev1.ResourceRequirementsArgs{
				Requests: pulumi.StringMap{"cpu": pulumi.String(args.Resources.CPURequest), "memory": pulumi.String(args.Resources.MemoryRequest)},
				Limits:   limits,
			},
			SecurityContext: restrictedContainerSecurity(),
			// The startup probe holds the others off while a model loads; then a hung process is
			// restarted and a pod that cannot serve gets no traffic.
			StartupProbe:   probe(args, args.LivenessPath, 10, 30),
			LivenessProbe:  probe(args, args.LivenessPath, 10, 3),
			ReadinessProbe: probe(args, args.ReadinessPath, 5, 3),
			VolumeMounts:   mounts,
		}},
		Volumes: volumes,
		TopologySpreadConstraints: corev1.TopologySpreadConstraintArray{
			spread("topology.kubernetes.io/zone", zones, selector),
			spread("kubernetes.io/hostname", "ScheduleAnyway", selector),
		},
	}
	if args.GPUs > 0 {
		limits[gpuResource] = pulumi.String(fmt.Sprint(args.GPUs))
		spec.NodeSelector = pulumi.StringMap{gpuPoolLabel: pulumi.String("gpu")}
		spec.Tolerations = corev1.TolerationArray{corev1.TolerationArgs{
			Key: pulumi.String(gpuResource), Operator: pulumi.String("Exists"), Effect: pulumi.String("NoSchedule"),
		}}
	}
	return &corev1.PodTemplateSpecArgs{
		Metadata: &metav1.ObjectMetaArgs{Labels: pulumi.ToStringMap(podLabels)},
		Spec:     spec,
	}
}

// restrictedPodSecurity is the pod's half of the restricted standard: a fixed non-root user
// and group, which also own the pod's volumes, and the runtime's seccomp profile.
func restrictedPodSecurity() *corev1.PodSecurityContextArgs {
	return &corev1.PodSecurityContextArgs{
		RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(nonRootID), RunAsGroup: pulumi.Int(nonRootID),
		FsGroup: pulumi.Int(nonRootID), SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
	}
}

// restrictedContainerSecurity is the container's half: no privilege, no escalation, no
// capability, and an image it cannot write to.
func restrictedContainerSecurity() *corev1.SecurityContextArgs {
	return &corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false),
		Privileged:               pulumi.Bool(false),
		ReadOnlyRootFilesystem:   pulumi.Bool(true),
		RunAsNonRoot:             pulumi.Bool(true),
		Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
		SeccompProfile:           &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
	}
}

// secretsVolume mounts a SecretProviderClass's secrets read-only at path.
func secretsVolume(path string, class pulumi.StringInput) (corev1.VolumeMountArgs, corev1.VolumeArgs) {
	return corev1.VolumeMountArgs{Name: pulumi.String("secrets"), MountPath: pulumi.String(path), ReadOnly: pulumi.Bool(true)},
		corev1.VolumeArgs{
			Name: pulumi.String("secrets"),
			Csi: &corev1.CSIVolumeSourceArgs{
				Driver: pulumi.String(secretsStoreCSI), ReadOnly: pulumi.Bool(true),
				VolumeAttributes: pulumi.StringMap{"secretProviderClass": class},
			},
		}
}

func probe(args *WorkloadArgs, path string, period, failures int) *corev1.ProbeArgs {
	scheme := "HTTP"
	if args.TLS {
		scheme = "HTTPS"
	}
	return &corev1.ProbeArgs{
		HttpGet:          &corev1.HTTPGetActionArgs{Path: pulumi.String(path), Port: pulumi.String(PortName), Scheme: pulumi.String(scheme)},
		PeriodSeconds:    pulumi.Int(period),
		FailureThreshold: pulumi.Int(failures),
	}
}

func spread(key, whenUnsatisfiable string, selector map[string]string) corev1.TopologySpreadConstraintArgs {
	return corev1.TopologySpreadConstraintArgs{
		MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String(key), WhenUnsatisfiable: pulumi.String(whenUnsatisfiable),
		LabelSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selector)},
	}
}

// env is the settings in name order, so a plan does not change with map order.
func env(settings map[string]pulumi.StringInput) corev1.EnvVarArray {
	var out corev1.EnvVarArray
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		out = append(out, corev1.EnvVarArgs{Name: pulumi.String(k), Value: settings[k]})
	}
	return out
}
