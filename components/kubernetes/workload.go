package kubernetes

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// Replicas bound the autoscaler; the Deployment starts at Min.
type Replicas struct {
	Min, Max int
}

// Resources are the container's requests and limits, all required: an unbounded container
// can starve the other workloads on its node (NSA/CISA 4.1).
type Resources struct {
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
}

// ScaleTargets are the average utilisations, in percent of the requests, the autoscaler keeps.
type ScaleTargets struct {
	CPUPercent, MemoryPercent int
}

// Identity is the cloud identity the workload's ServiceAccount is bound to, as the platform
// gives it: the IAM role (EKS), Google service account (GKE) or Entra application (AKS) the
// pods act as, so no static cloud credential is ever handed to them.
type Identity struct {
	// Annotations go on the ServiceAccount (eks.amazonaws.com/role-arn,
	// iam.gke.io/gcp-service-account, azure.workload.identity/client-id).
	Annotations map[string]pulumi.StringInput
	// PodLabels go on the pods (azure.workload.identity/use=true on AKS).
	PodLabels map[string]string
}

// SecretMount mounts the cloud's secret store into the pods through the Secrets Store CSI
// driver, read with the workload's own identity.
type SecretMount struct {
	// Provider is the driver's provider: "aws", "gcp" or "azure".
	Provider string
	// Parameters are the provider's SecretProviderClass parameters (which secrets, which vault).
	Parameters pulumi.StringMap
	// MountPath is where the secrets appear as files; "/mnt/secrets" unless set.
	MountPath string
}

// WorkloadArgs are one service of the medical AI system: the frontend, the backend API or a
// model server.
type WorkloadArgs struct {
	// Name names the Deployment, Service, ServiceAccount, autoscaler and disruption budget, and
	// is the pods' app.kubernetes.io/name label.
	Name string
	// Namespace is the namespace's name (Namespaces.Namespaces[...].Metadata.Name().Elem()).
	Namespace pulumi.StringInput
	// Image must be pinned by digest: a tag can be moved to other code after review.
	Image string
	// Port is the container's port, which the Service exposes under the same number.
	Port int
	// TLS says the container serves HTTPS on Port (with its own certificate), so the load
	// balancer and the calling apps reach it encrypted; the probes then use HTTPS.
	TLS       bool
	Replicas  Replicas
	Resources Resources
	// GPUs is the nvidia.com/gpu limit; a workload with GPUs runs on the GPU pool.
	GPUs int
	// LivenessPath and ReadinessPath are the HTTP probes' paths; "/livez" and "/readyz" unless
	// set. The startup probe uses the liveness path.
	LivenessPath, ReadinessPath string
	// ScaleOn defaults to 70% CPU and 80% memory.
	ScaleOn  ScaleTargets
	Identity Identity
	// Secrets, when set, mounts the cloud's secrets as files.
	Secrets *SecretMount
	// ServiceAnnotations go on the Service: where the ingress controller reads how to reach
	// the pods of a published workload. The Service's one port is named PortName.
	ServiceAnnotations map[string]pulumi.StringInput
	// Env holds plain settings only; a secret comes through Secrets, never an env var that
	// anyone who can read the Deployment also reads.
	Env        map[string]pulumi.StringInput
	Production bool
	// Labels are the estate's labels (config.Config.Tags()).
	Labels map[string]string
}

// Workload is a hardened Deployment with its ServiceAccount, ClusterIP Service, autoscaler and
// disruption budget, and, when it reads secrets, their SecretProviderClass.
type Workload struct {
	pulumi.ResourceState

	ServiceName        pulumi.StringOutput `pulumi:"serviceName"`
	ServiceAccountName pulumi.StringOutput `pulumi:"serviceAccountName"`

	// Deployment and Service are for the components built next to the workload.
	Deployment *appsv1.Deployment
	Service    *corev1.Service
	// Selector is the pods' selector, for the network policies that open flows to them.
	Selector map[string]string
}

// PortName names the container's port and the Service's, whether the app serves HTTP or
// HTTPS on it: a controller's Service annotations refer to the port by this name (GKE's
// cloud.google.com/app-protocols), so renaming it silently changes how the load balancer
// talks to the pods.
const PortName = "http"

const (
	// nonRootID is the user, group and fsGroup every container runs as: never 0, so neither a
	// root user nor the root group (NSA/CISA 1.0, 1.6).
	nonRootID = 10001
	// tmpSize caps the scratch space a read-only root filesystem leaves a container.
	tmpSize = "1Gi"
	// revisionHistory keeps enough ReplicaSets to roll back a bad release.
	revisionHistory = 5

	gpuResource       = "nvidia.com/gpu"
	gpuPoolLabel      = "healthhub.io/pool"
	secretsStoreCSI   = "secrets-store.csi.k8s.io"
	defaultSecretPath = "/mnt/secrets"
	nameLabel         = "app.kubernetes.io/name"
)

var (
	// serviceName is an RFC 1035 label: a Service's name must start with a letter.
	serviceName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// secretEnv are the endings of a setting's name that say it holds a credential.
	secretEnv = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS", "KEY", "KEYS", "CREDENTIAL", "CREDENTIALS", "CONNECTION_STRING", "DSN"}
	// staticCloudKeys are in the names of a cloud's static credentials, which workload
	// identity replaces.
	staticCloudKeys = []string{"ACCESS_KEY", "SECRET_KEY", "PRIVATE_KEY"}
	secretProviders = []string{"aws", "gcp", "azure"}
)

// Validate fills the defaults and checks the Args before anything is registered.
func (a *WorkloadArgs) Validate() error {
	const c = "Workload"
	a.defaults()
	switch {
	case !serviceName.MatchString(a.Name):
		return kit.ArgError(c, "Name", fmt.Sprintf("%q", a.Name), "must be a DNS label that starts with a letter: lowercase letters, digits and '-', at most 63")
	case a.Namespace == nil:
		return kit.ArgError(c, "Namespace", nil, "required: the namespace's name from Namespaces")
	case !strings.Contains(a.Image, "@"):
		return kit.ArgError(c, "Image", fmt.Sprintf("%q", a.Image), "must be pinned by digest (<repository>[:tag]@sha256:<digest>): a tag can be moved to unreviewed code")
	case !naming.PinnedImage.MatchString(a.Image):
		return kit.ArgError(c, "Image", fmt.Sprintf("%q", a.Image), "must be <repository>[:tag]@sha256:<64 lowercase hex digits>")
	case a.Port < 1024 || a.Port > 65535:
		return kit.ArgError(c, "Port", a.Port, "must be 1024 to 65535: the container runs as non-root, which cannot bind a lower port")
	case a.Replicas.Min < 1:
		return kit.ArgError(c, "Replicas.Min", a.Replicas.Min, "must be at least 1")
	case a.Replicas.Max < a.Replicas.Min:
		return kit.ArgError(c, "Replicas.Max", a.Replicas.Max, "must be at least Replicas.Min (%d)", a.Replicas.Min)
	case a.Production && a.Replicas.Min < 2:
		return kit.ArgError(c, "Replicas.Min", a.Replicas.Min, "must be at least 2 in production, so losing a node or a zone leaves the service up")
	case a.GPUs < 0:
		return kit.ArgError(c, "GPUs", a.GPUs, "must be 0 (none) or more")
	}
	for _, q := range []struct{ arg, value string }{
		{"Resources.CPURequest", a.Resources.CPURequest}, {"Resources.MemoryRequest", a.Resources.MemoryRequest},
		{"Resources.CPULimit", a.Resources.CPULimit}, {"Resources.MemoryLimit", a.Resources.MemoryLimit},
	} {
		if !quantity.MatchString(q.value) {
			return kit.ArgError(c, q.arg, fmt.Sprintf("%q", q.value), "required: a Kubernetes quantity such as 250m or 512Mi")
		}
	}
	for _, p := range []struct {
		arg   string
		value int
	}{{"ScaleOn.CPUPercent", a.ScaleOn.CPUPercent}, {"ScaleOn.MemoryPercent", a.ScaleOn.MemoryPercent}} {
		if p.value < 1 || p.value > 100 {
			return kit.ArgError(c, p.arg, p.value, "must be 1 to 100 (percent of the request)")
		}
	}
	for _, path := range []struct{ arg, value string }{{"LivenessPath", a.LivenessPath}, {"ReadinessPath", a.ReadinessPath}} {
		if !strings.HasPrefix(path.value, "/") {
			return kit.ArgError(c, path.arg, fmt.Sprintf("%q", path.value), "must be an HTTP path starting with /")
		}
	}
	if _, ok := a.Identity.PodLabels[nameLabel]; ok {
		return kit.ArgError(c, "Identity.PodLabels", a.Identity.PodLabels, "must not set %s: it is the pods' selector", nameLabel)
	}
	if a.Secrets != nil {
		if err := a.Secrets.check(c); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		switch {
		case !envName.MatchString(k):
			return kit.ArgError(c, "Env", fmt.Sprintf("%q", k), "must be a variable name: letters, digits and '_', not starting with a digit")
		case secretLooking(k):
			return kit.ArgError(c, "Env", k, "looks like a secret; mount it through Secrets: an env var is readable by anyone who can read the Deployment")
		}
	}
	return kit.RequireTags(c, a.Labels)
}

// check refuses a mount the driver cannot serve, or one that would hide the container's own
// files; the mount path is defaulted first.
func (s *SecretMount) check(component string) error {
	switch {
	case !slices.Contains(secretProviders, s.Provider):
		return kit.ArgError(component, "Secrets.Provider", fmt.Sprintf("%q", s.Provider), "must be one of %s", strings.Join(secretProviders, ", "))
	case len(s.Parameters) == 0:
		return kit.ArgError(component, "Secrets.Parameters", "{}", "required: the provider's parameters naming the secrets to mount")
	case !strings.HasPrefix(s.MountPath, "/") || s.MountPath == "/" || s.MountPath == "/tmp":
		return kit.ArgError(component, "Secrets.MountPath", fmt.Sprintf("%q", s.MountPath), "must be an absolute path of its own, not / or /tmp")
	}
	return nil
}

func (a *WorkloadArgs) defaults() {
	if a.LivenessPath == "" {
		a.LivenessPath = "/livez"
	}
	if a.ReadinessPath == "" {
		a.ReadinessPath = "/readyz"
	}
	if a.ScaleOn.CPUPercent == 0 {
		a.ScaleOn.CPUPercent = 70
	}
	if a.ScaleOn.MemoryPercent == 0 {
		a.ScaleOn.MemoryPercent = 80
	}
	if a.Secrets != nil && a.Secrets.MountPath == "" {
		a.Secrets.MountPath = defaultSecretPath
	}
}

// secretLooking reports whether a setting's name says it holds a credential.
func secretLooking(key string) bool {
	k := strings.ToUpper(key)
	for _, s := range secretEnv {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	for _, s := range staticCloudKeys {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// NewWorkload creates the workload; the provider comes from the options (pulumi.Provider).
func NewWorkload(ctx *pulumi.Context, name string, args *WorkloadArgs, opts ...pulumi.ResourceOption) (*Workload, error) {
	w := &Workload{}
	if err := kit.Register(ctx, TypeWorkload, name, args, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)
	id, err := newAppIdentity(ctx, name, args.Name, args.Namespace, args.Labels, args.Identity, parent)
	if err != nil {
		return nil, err
	}
	w.Selector, w.ServiceAccountName = id.selector, id.serviceAccount
	meta, selector := id.meta, id.labelSelector

	var secretClass pulumi.StringInput
	if args.Secrets != nil {
		if secretClass, err = newSecretProviderClass(ctx, name+"-secrets", meta, args.Secrets, parent); err != nil {
			return nil, err
		}
	}

	w.Deployment, err = appsv1.NewDeployment(ctx, name+"-deployment", &appsv1.DeploymentArgs{
		Metadata: meta,
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas:             pulumi.Int(args.Replicas.Min),
			RevisionHistoryLimit: pulumi.Int(revisionHistory),
			Selector:             selector,
			// A new pod is ready before an old one goes: capacity never drops during a rollout.
			Strategy: &appsv1.DeploymentStrategyArgs{
				Type:          pulumi.String("RollingUpdate"),
				RollingUpdate: &appsv1.RollingUpdateDeploymentArgs{MaxUnavailable: pulumi.Int(0), MaxSurge: pulumi.Int(1)},
			},
			Template: podTemplate(args, w.Selector, w.ServiceAccountName, secretClass),
		},
		// The autoscaler owns the replica count once the Deployment exists.
	}, parent, pulumi.IgnoreChanges([]string{"spec.replicas"}))
	if err != nil {
		return nil, err
	}

	// ClusterIP only: the cloud's ingress, behind its firewall, is the only way in.
	w.Service, err = corev1.NewService(ctx, name+"-service", &corev1.ServiceArgs{
		Metadata: withAnnotations(meta, pulumi.StringMap(args.ServiceAnnotations)),
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: pulumi.ToStringMap(w.Selector),
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String(PortName), Port: pulumi.Int(args.Port), TargetPort: pulumi.String(PortName), Protocol: pulumi.String("TCP"),
			}},
		},
	}, parent)
	if err != nil {
		return nil, err
	}
	w.ServiceName = w.Service.Metadata.Name().Elem()

	if _, err := autoscalingv2.NewHorizontalPodAutoscaler(ctx, name+"-autoscaler", &autoscalingv2.HorizontalPodAutoscalerArgs{
		Metadata: meta,
		Spec: &autoscalingv2.HorizontalPodAutoscalerSpecArgs{
			ScaleTargetRef: &autoscalingv2.CrossVersionObjectReferenceArgs{
				ApiVersion: pulumi.String("apps/v1"), Kind: pulumi.String("Deployment"), Name: w.Deployment.Metadata.Name().Elem(),
			},
			MinReplicas: pulumi.Int(args.Replicas.Min),
			MaxReplicas: pulumi.Int(args.Replicas.Max),
			Metrics: autoscalingv2.MetricSpecArray{
				utilization("cpu", args.ScaleOn.CPUPercent),
				utilization("memory", args.ScaleOn.MemoryPercent),
			},
		},
	}, parent); err != nil {
		return nil, err
	}

	// One pod at a time may be evicted: never zero, which would block node drains and so the
	// cluster's security upgrades.
	if _, err := policyv1.NewPodDisruptionBudget(ctx, name+"-disruption-budget", &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta,
		Spec:     &policyv1.PodDisruptionBudgetSpecArgs{MaxUnavailable: pulumi.Int(1), Selector: selector},
	}, parent); err != nil {
		return nil, err
	}

	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{
		"serviceName": w.ServiceName, "serviceAccountName": w.ServiceAccountName,
	})
}

// appIdentity is what every app the package runs (a Workload, the Cache) starts from: its
// name label, metadata, selector and ServiceAccount.
type appIdentity struct {
	selector       map[string]string
	meta           *metav1.ObjectMetaArgs
	labelSelector  *metav1.LabelSelectorArgs
	serviceAccount pulumi.StringOutput
}

// newAppIdentity labels the app with its name and creates its ServiceAccount, bound to the
// cloud identity by the annotations. The identity webhooks (IRSA, GKE Workload Identity, Entra
// Workload ID) project a token of their own, and the secret store's driver asks for its own,
// so the Kubernetes API token is never mounted (NSA/CISA 1.11).
func newAppIdentity(ctx *pulumi.Context, name, app string, namespace pulumi.StringInput, base map[string]string, identity Identity, parent pulumi.ResourceOption) (appIdentity, error) {
	out := appIdentity{selector: map[string]string{nameLabel: app}}
	l := labels(base)
	l[nameLabel] = pulumi.String(app)
	out.meta = &metav1.ObjectMetaArgs{Name: pulumi.String(app), Namespace: namespace, Labels: l}
	out.labelSelector = &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(out.selector)}
	sa, err := corev1.NewServiceAccount(ctx, name+"-service-account", &corev1.ServiceAccountArgs{
		Metadata:                     withAnnotations(out.meta, pulumi.StringMap(identity.Annotations)),
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return appIdentity{}, err
	}
	out.serviceAccount = sa.Metadata.Name().Elem()
	return out, nil
}

// newSecretProviderClass is the driver's class for a mount, named by meta; the pods that name
// the class it returns wait for it. The secrets stay files in the pod: no secretObjects, since
// a synced Kubernetes Secret would be a second copy of the credential, in etcd.
func newSecretProviderClass(ctx *pulumi.Context, name string, meta *metav1.ObjectMetaArgs, s *SecretMount, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	spc, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("secrets-store.csi.x-k8s.io/v1"),
		Kind:       pulumi.String("SecretProviderClass"),
		Metadata:   meta,
		OtherFields: map[string]any{"spec": pulumi.Map{
			"provider":   pulumi.String(s.Provider),
			"parameters": s.Parameters,
		}},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return spc.Metadata.Name().Elem(), nil
}

func utilization(resource string, percent int) autoscalingv2.MetricSpecArgs {
	return autoscalingv2.MetricSpecArgs{
		Type: pulumi.String("Resource"),
		Resource: &autoscalingv2.ResourceMetricSourceArgs{
			Name:   pulumi.String(resource),
			Target: &autoscalingv2.MetricTargetArgs{Type: pulumi.String("Utilization"), AverageUtilization: pulumi.Int(percent)},
		},
	}
}

func withAnnotations(meta *metav1.ObjectMetaArgs, annotations pulumi.StringMap) *metav1.ObjectMetaArgs {
	m := *meta
	if len(annotations) > 0 {
		m.Annotations = annotations
	}
	return &m
}
