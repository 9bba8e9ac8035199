package kubernetes

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeServiceAccount      = "kubernetes:core/v1:ServiceAccount"
	typeDeployment          = "kubernetes:apps/v1:Deployment"
	typeService             = "kubernetes:core/v1:Service"
	typeAutoscaler          = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
	typeDisruptionBudget    = "kubernetes:policy/v1:PodDisruptionBudget"
	typeSecretProviderClass = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"

	digest    = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	testImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/backend-api:1.4.2@" + digest
	pod       = "spec.template.spec."
	container = pod + "containers[0]."
)

func workloadArgs(mutate func(*WorkloadArgs)) *WorkloadArgs {
	a := &WorkloadArgs{
		Name: "api", Namespace: pulumi.String("backend"), Image: testImage, Port: 8080,
		Replicas:  Replicas{Min: 2, Max: 6},
		Resources: Resources{CPURequest: "250m", MemoryRequest: "512Mi", CPULimit: "1", MemoryLimit: "1Gi"},
		Env:       map[string]pulumi.StringInput{"LOG_LEVEL": pulumi.String("info"), "CACHE_HOST": pulumi.String("cache.internal")},
		Identity: Identity{Annotations: map[string]pulumi.StringInput{
			"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::123456789012:role/backend-api"),
		}},
		Production: true,
		Labels:     kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// runWorkload builds the workload on the cluster provider and exports its outputs.
func runWorkload(t *testing.T, args *WorkloadArgs) (*mockcloud.Monitor, *Workload, error) {
	t.Helper()
	var w *Workload
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		var err error
		if w, err = NewWorkload(ctx, "backend-api", args, pulumi.Provider(p)); err != nil {
			return err
		}
		ctx.Export("serviceName", w.ServiceName)
		ctx.Export("serviceAccountName", w.ServiceAccountName)
		return nil
	})
	return m, w, err
}

func mustRunWorkload(t *testing.T, args *WorkloadArgs) (*mockcloud.Monitor, *Workload) {
	t.Helper()
	m, w, err := runWorkload(t, args)
	require.NoError(t, err)
	return m, w
}

func TestWorkloadDefaults(t *testing.T) {
	r, w := mustRunWorkload(t, workloadArgs(nil))
	selector := map[string]any{"app.kubernetes.io/name": "api"}
	const dep, svc = "backend-api-deployment", "backend-api-service"
	kittest.AssertInputs(t, r, []kittest.Expectation{
		{Type: typeServiceAccount, Name: "backend-api-service-account", Path: "metadata.name", Want: "api"},
		{Type: typeServiceAccount, Name: "backend-api-service-account", Path: "metadata.namespace", Want: "backend"},
		{Type: typeServiceAccount, Name: "backend-api-service-account", Path: "automountServiceAccountToken", Want: false},
		{Type: typeDeployment, Name: dep, Path: "metadata.name", Want: "api"},
		{Type: typeDeployment, Name: dep, Path: "metadata.namespace", Want: "backend"},
		{Type: typeDeployment, Name: dep, Path: `metadata.labels["app.kubernetes.io/name"]`, Want: "api"},
		{Type: typeDeployment, Name: dep, Path: `metadata.labels["data-classification"]`, Want: "phi"},
		{Type: typeDeployment, Name: dep, Path: "spec.replicas", Want: int64(2)},
		{Type: typeDeployment, Name: dep, Path: "spec.selector.matchLabels", Want: selector},
		{Type: typeDeployment, Name: dep, Path: "spec.strategy.type", Want: "RollingUpdate"},
		{Type: typeDeployment, Name: dep, Path: "spec.strategy.rollingUpdate.maxUnavailable", Want: int64(0)},
		{Type: typeDeployment, Name: dep, Path: "spec.strategy.rollingUpdate.maxSurge", Want: int64(1)},
		{Type: typeDeployment, Name: dep, Path: "spec.revisionHistoryLimit", Want: int64(5)},
		{Type: typeDeployment, Name: dep, Path: "spec.template.metadata.labels", Want: selector},
		{Type: typeDeployment, Name: dep, Path: pod + "serviceAccountName", Want: "api"},
		{Type: typeDeployment, Name: dep, Path: pod + "automountServiceAccountToken", Want: false},
		{Type: typeDeployment, Name: dep, Path: pod + "hostNetwork", Want: false},
		{Type: typeDeployment, Name: dep, Path: pod + "hostPID", Want: false},
		{Type: typeDeployment, Name: dep, Path: pod + "hostIPC", Want: false},
		{Type: typeDeployment, Name: dep, Path: pod + "shareProcessNamespace", Want: false},
		{Type: typeDeployment, Name: dep, Path: pod + "securityContext.runAsNonRoot", Want: true},
		{Type: typeDeployment, Name: dep, Path: pod + "securityContext.runAsUser", Want: int64(10001)},
		{Type: typeDeployment, Name: dep, Path: pod + "securityContext.runAsGroup", Want: int64(10001)},
		{Type: typeDeployment, Name: dep, Path: pod + "securityContext.fsGroup", Want: int64(10001)},
		{Type: typeDeployment, Name: dep, Path: pod + "securityContext.seccompProfile.type", Want: "RuntimeDefault"},
		{Type: typeDeployment, Name: dep, Path: container + "image", Want: testImage},
		{Type: typeDeployment, Name: dep, Path: container + "ports[0]", Want: map[string]any{"name": "http", "containerPort": int64(8080), "protocol": "TCP"}},
		{Type: typeDeployment, Name: dep, Path: container + "env", Want: []any{
			map[string]any{"name": "CACHE_HOST", "value": "cache.internal"},
			map[string]any{"name": "LOG_LEVEL", "value": "info"},
		}},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.allowPrivilegeEscalation", Want: false},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.privileged", Want: false},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.readOnlyRootFilesystem", Want: true},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.runAsNonRoot", Want: true},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.capabilities.drop", Want: []any{"ALL"}},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.seccompProfile.type", Want: "RuntimeDefault"},
		{Type: typeDeployment, Name: dep, Path: container + "resources.requests", Want: map[string]any{"cpu": "250m", "memory": "512Mi"}},
		{Type: typeDeployment, Name: dep, Path: container + "resources.limits", Want: map[string]any{"cpu": "1", "memory": "1Gi"}},
		{Type: typeDeployment, Name: dep, Path: container + "livenessProbe.httpGet", Want: map[string]any{"path": "/livez", "port": "http", "scheme": "HTTP"}},
		{Type: typeDeployment, Name: dep, Path: container + "readinessProbe.httpGet", Want: map[string]any{"path": "/readyz", "port": "http", "scheme": "HTTP"}},
		{Type: typeDeployment, Name: dep, Path: container + "startupProbe.httpGet", Want: map[string]any{"path": "/livez", "port": "http", "scheme": "HTTP"}},
		{Type: typeDeployment, Name: dep, Path: container + "volumeMounts", Want: []any{map[string]any{"name": "tmp", "mountPath": "/tmp"}}},
		{Type: typeDeployment, Name: dep, Path: pod + "volumes", Want: []any{map[string]any{"name": "tmp", "emptyDir": map[string]any{"sizeLimit": "1Gi"}}}},
		{Type: typeDeployment, Name: dep, Path: pod + "topologySpreadConstraints", Want: []any{
			map[string]any{"maxSkew": int64(1), "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": map[string]any{"matchLabels": selector}},
			map[string]any{"maxSkew": int64(1), "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": map[string]any{"matchLabels": selector}},
		}},
		{Type: typeService, Name: svc, Path: "metadata.name", Want: "api"},
		{Type: typeService, Name: svc, Path: "spec.type", Want: "ClusterIP"},
		{Type: typeService, Name: svc, Path: "spec.selector", Want: selector},
		{Type: typeService, Name: svc, Path: "spec.ports", Want: []any{map[string]any{"name": "http", "port": int64(8080), "targetPort": "http", "protocol": "TCP"}}},
		{Type: typeAutoscaler, Name: "backend-api-autoscaler", Path: "spec.scaleTargetRef", Want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}},
		{Type: typeAutoscaler, Name: "backend-api-autoscaler", Path: "spec.minReplicas", Want: int64(2)},
		{Type: typeAutoscaler, Name: "backend-api-autoscaler", Path: "spec.maxReplicas", Want: int64(6)},
		{Type: typeAutoscaler, Name: "backend-api-autoscaler", Path: "spec.metrics", Want: []any{
			map[string]any{"type": "Resource", "resource": map[string]any{"name": "cpu", "target": map[string]any{"type": "Utilization", "averageUtilization": int64(70)}}},
			map[string]any{"type": "Resource", "resource": map[string]any{"name": "memory", "target": map[string]any{"type": "Utilization", "averageUtilization": int64(80)}}},
		}},
		{Type: typeDisruptionBudget, Name: "backend-api-disruption-budget", Path: "spec.maxUnavailable", Want: int64(1)},
		{Type: typeDisruptionBudget, Name: "backend-api-disruption-budget", Path: "spec.selector.matchLabels", Want: selector},
	})
	d, _ := r.Find(typeDeployment, dep)
	for _, absent := range []string{pod + "nodeSelector", pod + "tolerations", container + `resources.limits["nvidia.com/gpu"]`} {
		_, set := d.Get(absent)
		assert.False(t, set, "%s is only for GPU workloads", absent)
	}
	assert.Empty(t, r.ByType(typeSecretProviderClass), "no secrets asked for")
	assert.Equal(t, []string{"spec.replicas"}, d.IgnoreChanges, "the autoscaler owns the replica count")
	assert.NotEmpty(t, d.Provider, "every resource names the cluster's provider")
	assert.Equal(t, map[string]string{"app.kubernetes.io/name": "api"}, w.Selector)
	assert.Equal(t, "api", r.Outputs()["serviceName"].Value)
	assert.Equal(t, "api", r.Outputs()["serviceAccountName"].Value)
	assert.Empty(t, kittest.Violations(r, "production"), "the workload passes the whole policy pack")
}

func TestWorkloadOutsideProduction(t *testing.T) {
	r, _ := mustRunWorkload(t, workloadArgs(func(a *WorkloadArgs) {
		a.Production, a.Replicas = false, Replicas{Min: 1, Max: 2}
		a.ScaleOn = ScaleTargets{CPUPercent: 50, MemoryPercent: 90}
		a.LivenessPath, a.ReadinessPath = "/healthz", "/ready"
	}))
	const dep = "backend-api-deployment"
	kittest.AssertInputs(t, r, []kittest.Expectation{
		{Type: typeDeployment, Name: dep, Path: "spec.replicas", Want: int64(1)},
		{Type: typeDeployment, Name: dep, Path: pod + "topologySpreadConstraints[0].whenUnsatisfiable", Want: "ScheduleAnyway"},
		{Type: typeDeployment, Name: dep, Path: container + "livenessProbe.httpGet.path", Want: "/healthz"},
		{Type: typeDeployment, Name: dep, Path: container + "startupProbe.httpGet.path", Want: "/healthz"},
		{Type: typeDeployment, Name: dep, Path: container + "readinessProbe.httpGet.path", Want: "/ready"},
		{Type: typeAutoscaler, Name: "backend-api-autoscaler", Path: "spec.metrics[0].resource.target.averageUtilization", Want: int64(50)},
		{Type: typeAutoscaler, Name: "backend-api-autoscaler", Path: "spec.metrics[1].resource.target.averageUtilization", Want: int64(90)},
		{Type: typeDisruptionBudget, Name: "backend-api-disruption-budget", Path: "spec.maxUnavailable", Want: int64(1)},
	})
	assert.Empty(t, kittest.Violations(r, "production"), "the workload passes the whole policy pack")
}

// A workload that serves HTTPS is probed over HTTPS; one that does not, over HTTP.
func TestWorkloadProbeScheme(t *testing.T) {
	for _, tt := range []struct {
		tls    bool
		scheme string
	}{{true, "HTTPS"}, {false, "HTTP"}} {
		r, _ := mustRunWorkload(t, workloadArgs(func(a *WorkloadArgs) { a.TLS = tt.tls }))
		const dep = "backend-api-deployment"
		kittest.AssertInputs(t, r, []kittest.Expectation{
			{Type: typeDeployment, Name: dep, Path: container + "livenessProbe.httpGet.scheme", Want: tt.scheme},
			{Type: typeDeployment, Name: dep, Path: container + "readinessProbe.httpGet.scheme", Want: tt.scheme},
			{Type: typeDeployment, Name: dep, Path: container + "startupProbe.httpGet.scheme", Want: tt.scheme},
		})
	}
}

func TestWorkloadGPUs(t *testing.T) {
	r, _ := mustRunWorkload(t, workloadArgs(func(a *WorkloadArgs) { a.Name, a.GPUs = "triage-model", 2 }))
	const dep = "backend-api-deployment"
	kittest.AssertInputs(t, r, []kittest.Expectation{
		{Type: typeDeployment, Name: dep, Path: container + `resources.limits["nvidia.com/gpu"]`, Want: "2"},
		{Type: typeDeployment, Name: dep, Path: container + "resources.limits.cpu", Want: "1"},
		{Type: typeDeployment, Name: dep, Path: pod + "nodeSelector", Want: map[string]any{"healthhub.io/pool": "gpu"}},
		{Type: typeDeployment, Name: dep, Path: pod + "tolerations", Want: []any{map[string]any{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}}},
		{Type: typeDeployment, Name: dep, Path: container + "securityContext.readOnlyRootFilesystem", Want: true},
	})
	assert.Empty(t, kittest.Violations(r, "production"), "the workload passes the whole policy pack")
}

func TestWorkloadSecrets(t *testing.T) {
	params := pulumi.StringMap{"objects": pulumi.String(`- objectName: "backend/database"` + "\n  objectType: secretsmanager\n"), "region": pulumi.String("eu-west-2")}
	tests := []struct {
		name, mountPath, want string
	}{
		{"default mount path", "", "/mnt/secrets"},
		{"own mount path", "/var/run/secrets/app", "/var/run/secrets/app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := mustRunWorkload(t, workloadArgs(func(a *WorkloadArgs) {
				a.Secrets = &SecretMount{Provider: "aws", Parameters: params, MountPath: tt.mountPath}
			}))
			const dep, spc = "backend-api-deployment", "backend-api-secrets"
			kittest.AssertInputs(t, r, []kittest.Expectation{
				{Type: typeSecretProviderClass, Name: spc, Path: "apiVersion", Want: "secrets-store.csi.x-k8s.io/v1"},
				{Type: typeSecretProviderClass, Name: spc, Path: "kind", Want: "SecretProviderClass"},
				{Type: typeSecretProviderClass, Name: spc, Path: "metadata.name", Want: "api"},
				{Type: typeSecretProviderClass, Name: spc, Path: "metadata.namespace", Want: "backend"},
				{Type: typeSecretProviderClass, Name: spc, Path: "spec", Want: map[string]any{
					"provider":   "aws",
					"parameters": map[string]any{"objects": "- objectName: \"backend/database\"\n  objectType: secretsmanager\n", "region": "eu-west-2"},
				}},
				{Type: typeDeployment, Name: dep, Path: pod + "volumes[1]", Want: map[string]any{"name": "secrets", "csi": map[string]any{
					"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": map[string]any{"secretProviderClass": "api"},
				}}},
				{Type: typeDeployment, Name: dep, Path: container + "volumeMounts[1]", Want: map[string]any{"name": "secrets", "mountPath": tt.want, "readOnly": true}},
				{Type: typeDeployment, Name: dep, Path: container + "volumeMounts[0].mountPath", Want: "/tmp"},
			})
			s, _ := r.Find(typeSecretProviderClass, spc)
			_, synced := s.Get("spec.secretObjects")
			assert.False(t, synced, "no Kubernetes Secret copy of the credential")
			d, _ := r.Find(typeDeployment, dep)
			assert.Contains(t, d.Dependencies, s.URN, "the pods wait for their SecretProviderClass")
			assert.Empty(t, kittest.Violations(r, "production"), "the workload passes the whole policy pack")
		})
	}
}

func TestWorkloadIdentity(t *testing.T) {
	tests := []struct {
		cloud       string
		annotations map[string]pulumi.StringInput
		podLabels   map[string]string
		wantSA      map[string]any
		wantPod     map[string]any
	}{
		{"eks", map[string]pulumi.StringInput{"eks.amazonaws.com/role-arn": pulumi.String("arn:aws:iam::123456789012:role/api")}, nil,
			map[string]any{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/api"},
			map[string]any{"app.kubernetes.io/name": "api"}},
		{"gke", map[string]pulumi.StringInput{"iam.gke.io/gcp-service-account": pulumi.String("api@healthhub.iam.gserviceaccount.com")}, nil,
			map[string]any{"iam.gke.io/gcp-service-account": "api@healthhub.iam.gserviceaccount.com"},
			map[string]any{"app.kubernetes.io/name": "api"}},
		{"aks", map[string]pulumi.StringInput{"azure.workload.identity/client-id": pulumi.String("00000000-0000-0000-0000-000000000001")},
			map[string]string{"azure.workload.identity/use": "true"},
			map[string]any{"azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000001"},
			map[string]any{"app.kubernetes.io/name": "api", "azure.workload.identity/use": "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.cloud, func(t *testing.T) {
			r, w := mustRunWorkload(t, workloadArgs(func(a *WorkloadArgs) {
				a.Identity = Identity{Annotations: tt.annotations, PodLabels: tt.podLabels}
			}))
			kittest.AssertInputs(t, r, []kittest.Expectation{
				{Type: typeServiceAccount, Name: "backend-api-service-account", Path: "metadata.annotations", Want: tt.wantSA},
				{Type: typeServiceAccount, Name: "backend-api-service-account", Path: "automountServiceAccountToken", Want: false},
				{Type: typeDeployment, Name: "backend-api-deployment", Path: "spec.template.metadata.labels", Want: tt.wantPod},
				{Type: typeDeployment, Name: "backend-api-deployment", Path: "spec.selector.matchLabels", Want: map[string]any{"app.kubernetes.io/name": "api"}},
			})
			assert.Equal(t, map[string]string{"app.kubernetes.io/name": "api"}, w.Selector, "identity labels are not part of the selector")
			assert.Empty(t, kittest.Violations(r, "production"), "the workload passes the whole policy pack")
		})
	}
}

// The controller's annotations go on the Service alone: the ServiceAccount keeps its identity
// and the pods are not told about the load balancer.
func TestWorkloadServiceAnnotations(t *testing.T) {
	identity := map[string]any{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/backend-api"}
	for _, tt := range []struct {
		name        string
		annotations map[string]pulumi.StringInput
		want        map[string]any
	}{
		{"none: a Service no controller reads", nil, nil},
		{"the controller's", map[string]pulumi.StringInput{
			"cloud.google.com/neg":           pulumi.String(`{"ingress": true}`),
			"cloud.google.com/app-protocols": pulumi.String(`{"http": "HTTPS"}`),
		}, map[string]any{"cloud.google.com/neg": `{"ingress": true}`, "cloud.google.com/app-protocols": `{"http": "HTTPS"}`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := mustRunWorkload(t, workloadArgs(func(a *WorkloadArgs) { a.ServiceAnnotations = tt.annotations }))
			svc, _ := r.Find(typeService, "backend-api-service")
			got, set := svc.Get("metadata.annotations")
			if tt.want == nil {
				assert.False(t, set, "annotated with %v", got)
			} else {
				assert.Equal(t, tt.want, got)
			}
			sa, _ := r.Find(typeServiceAccount, "backend-api-service-account")
			got, _ = sa.Get("metadata.annotations")
			assert.Equal(t, identity, got, "the ServiceAccount's annotations are the identity's")
			d, _ := r.Find(typeDeployment, "backend-api-deployment")
			_, set = d.Get("metadata.annotations")
			assert.False(t, set, "the Deployment carries no annotations")
			assert.Empty(t, kittest.Violations(r, "production"))
		})
	}
}

func TestWorkloadArgErrors(t *testing.T) {
	secrets := func(s SecretMount) func(*WorkloadArgs) { return func(a *WorkloadArgs) { a.Secrets = &s } }
	params := pulumi.StringMap{"secrets": pulumi.String("- resourceName: projects/p/secrets/db/versions/1\n")}
	tests := []struct {
		name   string
		mutate func(*WorkloadArgs)
		want   string
	}{
		{"no name", func(a *WorkloadArgs) { a.Name = "" }, `Name = "": must be a DNS label`},
		{"bad name", func(a *WorkloadArgs) { a.Name = "Backend_API" }, `Name = "Backend_API": must be a DNS label`},
		{"name starting with a digit", func(a *WorkloadArgs) { a.Name = "1api" }, `Name = "1api": must be a DNS label that starts with a letter`},
		{"name too long", func(a *WorkloadArgs) { a.Name = strings.Repeat("a", 64) }, "must be a DNS label"},
		{"no namespace", func(a *WorkloadArgs) { a.Namespace = nil }, "Namespace = <nil>: required"},
		{"tag only", func(a *WorkloadArgs) { a.Image = "registry.example/backend-api:1.4.2" }, `Image = "registry.example/backend-api:1.4.2": must be pinned by digest`},
		{"latest", func(a *WorkloadArgs) { a.Image = "backend-api" }, "must be pinned by digest"},
		{"short digest", func(a *WorkloadArgs) { a.Image = "registry.example/backend-api@sha256:0123abcd" }, "must be <repository>[:tag]@sha256:<64 lowercase hex digits>"},
		{"uppercase digest", func(a *WorkloadArgs) { a.Image = "registry.example/api@" + strings.ToUpper(digest) }, "must be <repository>[:tag]@sha256"},
		{"other algorithm", func(a *WorkloadArgs) { a.Image = "registry.example/api@sha512:" + strings.Repeat("a", 128) }, "must be <repository>[:tag]@sha256"},
		{"no repository", func(a *WorkloadArgs) { a.Image = "@" + digest }, "must be <repository>[:tag]@sha256"},
		{"privileged port", func(a *WorkloadArgs) { a.Port = 443 }, "Port = 443: must be 1024 to 65535"},
		{"port too high", func(a *WorkloadArgs) { a.Port = 65536 }, "Port = 65536: must be 1024 to 65535"},
		{"no replicas", func(a *WorkloadArgs) { a.Replicas = Replicas{Min: 0, Max: 3} }, "Replicas.Min = 0: must be at least 1"},
		{"min above max", func(a *WorkloadArgs) { a.Replicas = Replicas{Min: 4, Max: 3} }, "Replicas.Max = 3: must be at least Replicas.Min (4)"},
		{"one replica in production", func(a *WorkloadArgs) { a.Replicas = Replicas{Min: 1, Max: 3} }, "Replicas.Min = 1: must be at least 2 in production"},
		{"no cpu request", func(a *WorkloadArgs) { a.Resources.CPURequest = "" }, `Resources.CPURequest = "": required: a Kubernetes quantity`},
		{"bad memory limit", func(a *WorkloadArgs) { a.Resources.MemoryLimit = "1 GB" }, `Resources.MemoryLimit = "1 GB": required: a Kubernetes quantity`},
		{"cpu target above 100", func(a *WorkloadArgs) { a.ScaleOn.CPUPercent = 101 }, "ScaleOn.CPUPercent = 101: must be 1 to 100"},
		{"negative memory target", func(a *WorkloadArgs) { a.ScaleOn.MemoryPercent = -5 }, "ScaleOn.MemoryPercent = -5: must be 1 to 100"},
		{"negative GPUs", func(a *WorkloadArgs) { a.GPUs = -1 }, "GPUs = -1: must be 0"},
		{"relative probe path", func(a *WorkloadArgs) { a.ReadinessPath = "readyz" }, `ReadinessPath = "readyz": must be an HTTP path`},
		{"identity label takes the selector", func(a *WorkloadArgs) { a.Identity.PodLabels = map[string]string{"app.kubernetes.io/name": "other"} }, "Identity.PodLabels = map[app.kubernetes.io/name:other]: must not set app.kubernetes.io/name"},
		{"unknown secrets provider", secrets(SecretMount{Provider: "vault", Parameters: params}), `Secrets.Provider = "vault": must be one of aws, gcp, azure`},
		{"secrets without parameters", secrets(SecretMount{Provider: "gcp"}), "Secrets.Parameters = {}: required"},
		{"secrets over tmp", secrets(SecretMount{Provider: "gcp", Parameters: params, MountPath: "/tmp"}), `Secrets.MountPath = "/tmp": must be an absolute path of its own`},
		{"password in env", func(a *WorkloadArgs) { a.Env["DB_PASSWORD"] = pulumi.String("x") }, "Env = DB_PASSWORD: looks like a secret; mount it through Secrets"},
		{"token in env", func(a *WorkloadArgs) { a.Env["github_token"] = pulumi.String("x") }, "Env = github_token: looks like a secret"},
		{"api key in env", func(a *WorkloadArgs) { a.Env["OPENAI_API_KEY"] = pulumi.String("x") }, "Env = OPENAI_API_KEY: looks like a secret"},
		{"client secret in env", func(a *WorkloadArgs) { a.Env["CLIENT_SECRET"] = pulumi.String("x") }, "Env = CLIENT_SECRET: looks like a secret"},
		{"static cloud key in env", func(a *WorkloadArgs) { a.Env["AWS_ACCESS_KEY_ID"] = pulumi.String("x") }, "Env = AWS_ACCESS_KEY_ID: looks like a secret"},
		{"bad env name", func(a *WorkloadArgs) { a.Env["1LOG"] = pulumi.String("x") }, `Env = "1LOG": must be a variable name`},
		{"no labels", func(a *WorkloadArgs) { a.Labels = nil }, "Workload: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, err := runWorkload(t, workloadArgs(tt.mutate))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, r)
		})
	}
}

func TestWorkloadPinnedImages(t *testing.T) {
	for _, image := range []string{
		"123456789012.dkr.ecr.eu-west-2.amazonaws.com/backend-api@" + digest,
		"europe-west2-docker.pkg.dev/healthhub/models/triage-model:2024.06.1@" + digest,
		"healthhub.azurecr.io/frontend:v2.0.1@" + digest,
		"registry.internal:5000/team/api@" + digest,
	} {
		t.Run(image, func(t *testing.T) {
			assert.NoError(t, workloadArgs(func(a *WorkloadArgs) { a.Image = image }).Validate())
		})
	}
}
