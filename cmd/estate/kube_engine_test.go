package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	k8sc "github.com/healthhub/estate/components/kubernetes"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/kubeharness"
	"github.com/healthhub/estate/stacks"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/platform/platformtest"
	"github.com/healthhub/estate/stacks/workloads"
)

// kubeStack is a dev stack whose platform is the test's control plane. Its cloud section is
// GCP's, with no cloud resource built: the workloads read only the platform contract. The
// monitoring chart cannot be fetched here, so the operator counts as installed elsewhere and
// only the alert rules are shipped.
const kubeStack = `config:
  healthhub:cloud: gcp
  healthhub:environment: dev
  healthhub:primaryRegion: europe-west2
  healthhub:drRegion: europe-west1
  healthhub:allowedRegions: [europe-west2, europe-west1]
  healthhub:alertEmail: platform-dev@healthhub.example
  healthhub:owner: platform
  healthhub:costCentre: cc-platform-dev
  healthhub:gcp:
    projectId: healthhub-dev
  healthhub:workloads:
    operatorGroups: [healthhub-dev-operators]
    auditorGroups: [healthhub-compliance-auditors]
    domain: assistant.dev.healthhub.example
    monitoring:
      install: external
    apps:
      frontend:
        image: registry.healthhub.example/assistant-frontend:2.4.1@sha256:200d180e4382a94dbbbd4553237da30fa90fa9351674d914a6b06d468e2995df
        minReplicas: 1
        maxReplicas: 3
      backend:
        image: registry.healthhub.example/assistant-backend:3.9.0@sha256:f8cab528e2141284d49b121fb9d36285375482b875b8b91299258614ad7e2a46
        minReplicas: 2
        maxReplicas: 3
      modelServing:
        image: registry.healthhub.example/assistant-model-serving:1.6.2@sha256:f253a300db703c490252dc2e86ce08cf7d68476e20270efdb0596340fff76b9b
        minReplicas: 1
        maxReplicas: 2
        gpu: true
`

// appPods are the pods each app's Deployment must have once the controllers ran: its
// minReplicas.
var appPods = map[string]int{"frontend": 1, "backend": 2, "model-serving": 1}

// localPlatform is the platform contract of the test's control plane, with no cloud around
// it, shaped as a GKE platform hands it over.
func localPlatform(cluster *kubeharness.Cluster) stacks.Builder {
	return func(_ *pulumi.Context, cfg *config.Config) (*platform.Platform, error) {
		p := platformtest.Cluster(cfg.Cloud, "1.34", cluster.Kubeconfig)
		p.Region = cfg.PrimaryRegion
		return p, nil
	}
}

// withSkipAwait marks every Kubernetes object of the program pulumi.com/skipAwait: the control
// plane has no nodes, so no workload ever becomes ready. Only this test stack does this; the
// kubernetes-await-readiness rule refuses it in production.
func withSkipAwait(program pulumi.RunFunc) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if err := ctx.RegisterResourceTransform(skipAwait); err != nil {
			return err
		}
		return program(ctx)
	}
}

func skipAwait(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if !a.Custom || !strings.HasPrefix(a.Type, "kubernetes:") || a.Type == "kubernetes:helm.sh/v3:Release" {
		return nil
	}
	props := pulumi.Map{}
	for k, v := range a.Props {
		props[k] = v
	}
	meta := pulumi.Map{}
	if m, ok := props["metadata"].(pulumi.Map); ok {
		for k, v := range m {
			meta[k] = v
		}
	}
	annotations := pulumi.Map{}
	if m, ok := meta["annotations"].(pulumi.Map); ok {
		for k, v := range m {
			annotations[k] = v
		}
	}
	annotations["pulumi.com/skipAwait"] = pulumi.String("true")
	meta["annotations"] = annotations
	props["metadata"] = meta
	return &pulumi.ResourceTransformResult{Props: props, Opts: a.Opts}
}

// kubeProject is a project directory holding the estate's Pulumi.yaml and the test stack, with
// a file backend inside it.
func kubeProject(t testing.TB, stack string) (dir string, flags []string) {
	t.Helper()
	root := cliRoot(t)
	requireKubernetesPlugin(t)
	dir = t.TempDir()
	project, err := os.ReadFile(filepath.Join(repo, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(kubeStack), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "state"), 0o755))
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "kube-engine-test")
	return dir, []string{"--dir", dir, "--backend", "file://" + filepath.Join(dir, "state"), "--secrets-provider", "passphrase", "--pulumi-root", root}
}

// requireKubernetesPlugin fails, naming the make target, when the provider plugin is not in
// the Pulumi home the CLI will read.
func requireKubernetesPlugin(t testing.TB) {
	t.Helper()
	home := os.Getenv("PULUMI_HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		require.NoError(t, err)
		home = filepath.Join(h, ".pulumi")
	}
	plugin := filepath.Join(home, "plugins", "resource-kubernetes-v"+kubernetesPluginVersion, "pulumi-resource-kubernetes")
	if _, err := os.Stat(plugin); err != nil {
		t.Fatalf("no Kubernetes provider plugin %s at %s: run `make kube`", kubernetesPluginVersion, plugin)
	}
}

// kubernetesPluginVersion is the plugin `make kube` installs; the SDK in go.mod is the same.
const kubernetesPluginVersion = "4.24.0"

// crds are the minimal CustomResourceDefinitions of the operators the workloads' custom
// objects belong to (the Prometheus operator, the Secrets Store CSI driver): the API server
// stores the objects, with no operator to act on them.
var crds = []struct{ group, kind, plural string }{
	{"monitoring.coreos.com", "PrometheusRule", "prometheusrules"},
	{"secrets-store.csi.x-k8s.io", "SecretProviderClass", "secretproviderclasses"},
}

func installCRDs(ctx context.Context, t testing.TB, cluster *kubeharness.Cluster) {
	t.Helper()
	for _, c := range crds {
		require.NoError(t, cluster.Create(ctx, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"metadata": map[string]any{"name": c.plural + "." + c.group},
			"spec": map[string]any{
				"group": c.group, "scope": "Namespaced",
				"names": map[string]any{"kind": c.kind, "plural": c.plural, "singular": strings.ToLower(c.kind)},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true, "schema": map[string]any{
					"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
				}}},
			},
		}))
	}
	for _, c := range crds {
		require.Eventually(t, func() bool {
			status, _, err := cluster.Do(ctx, "GET", "/apis/"+c.group+"/v1", nil)
			return err == nil && status == 200
		}, time.Minute, 250*time.Millisecond, "%s is not served", c.kind)
	}
}

type podList struct {
	Items []struct {
		Metadata struct {
			Name            string
			OwnerReferences []struct{ Kind, Name string }
		}
		Status struct{ Phase string }
	}
}

// The workloads applied by the real engine and the real Kubernetes provider, through `estate`,
// to a real API server: every object is created, every Deployment's pods are admitted under the
// restricted Pod Security Standard, a second preview changes nothing, and destroy removes it
// all. A weakened workload that bypasses the pack is refused by the API server, and the
// release driver reports it with its failure exit code.
func TestWorkloadsOnARealAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cluster := kubeharness.Start(t)
	installCRDs(ctx, t, cluster)
	_, flags := kubeProject(t, "kube")
	program := withSkipAwait(stacks.Program(map[string]stacks.Builder{config.CloudGCP: localPlatform(cluster)}, workloads.Build))
	withPack := append(append([]string{}, flags...), "--policy-pack", packBinary(t))

	code, stdout, stderr := runCLI(t, program, append([]string{"up", "kube", "--json"}, withPack...)...)
	require.Equal(t, exitOK, code, "up:\n%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, `"create"`)

	t.Run("every Deployment's pods are admitted under restricted", func(t *testing.T) {
		for app, want := range appPods {
			var ns struct {
				Metadata struct{ Labels map[string]string }
			}
			require.NoError(t, cluster.Get(ctx, "/api/v1/namespaces/"+app, &ns))
			assert.Equal(t, "restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"], app)
			assert.Equal(t, "v1.34", ns.Metadata.Labels["pod-security.kubernetes.io/enforce-version"], app)
			var pods podList
			require.Eventually(t, func() bool {
				pods = podList{}
				return cluster.Get(ctx, "/api/v1/namespaces/"+app+"/pods", &pods) == nil && len(pods.Items) >= want
			}, 3*time.Minute, time.Second, "%s: the ReplicaSet made %d of %d pods", app, len(pods.Items), want)
			for _, p := range pods.Items {
				require.Len(t, p.Metadata.OwnerReferences, 1)
				assert.Equal(t, "ReplicaSet", p.Metadata.OwnerReferences[0].Kind, "%s/%s", app, p.Metadata.Name)
				assert.True(t, strings.HasPrefix(p.Metadata.OwnerReferences[0].Name, app+"-"), "%s/%s", app, p.Metadata.Name)
			}
		}
	})

	t.Run("every kind the workloads ship is on the API server", func(t *testing.T) {
		for _, path := range []string{
			"/apis/apps/v1/namespaces/backend/deployments/backend",
			"/api/v1/namespaces/backend/services/backend",
			"/api/v1/namespaces/backend/serviceaccounts/backend",
			"/apis/autoscaling/v2/namespaces/backend/horizontalpodautoscalers/backend",
			"/apis/policy/v1/namespaces/backend/poddisruptionbudgets/backend",
			"/apis/networking.k8s.io/v1/namespaces/frontend/ingresses/frontend",
			"/apis/secrets-store.csi.x-k8s.io/v1/namespaces/backend/secretproviderclasses/backend",
			"/apis/monitoring.coreos.com/v1/namespaces/monitoring/prometheusrules/healthhub-phi-services",
			"/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/healthhub-restricted-pod-template",
			"/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/healthhub-restricted-pod-template",
			"/apis/rbac.authorization.k8s.io/v1/clusterroles/healthhub-auditor",
			"/apis/storage.k8s.io/v1/storageclasses/encrypted",
		} {
			var obj map[string]any
			assert.NoError(t, cluster.Get(ctx, path, &obj))
		}
		var policies struct{ Items []any }
		require.NoError(t, cluster.Get(ctx, "/apis/networking.k8s.io/v1/namespaces/backend/networkpolicies", &policies))
		assert.GreaterOrEqual(t, len(policies.Items), 3, "default deny, DNS and the backend's flows")
	})

	code, stdout, stderr = runCLI(t, program, append([]string{"preview", "kube", "--expect-no-changes"}, withPack...)...)
	assert.Equal(t, exitOK, code, "a second preview changes nothing:\n%s\n%s", stdout, stderr)

	t.Run("the rendered manifests apply to the API server", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "rendered")
		code, stdout, stderr := runCLI(t, program, append([]string{"manifests", "kube", "--out", out}, flags...)...)
		require.Equal(t, exitOK, code, "manifests:\n%s\n%s", stdout, stderr)
		var kustomization struct{ Resources []string }
		data, err := os.ReadFile(filepath.Join(out, "kustomization.yaml"))
		require.NoError(t, err)
		require.NoError(t, yaml.Unmarshal(data, &kustomization))
		kinds := map[string]int{}
		for _, file := range kustomization.Resources {
			data, err := os.ReadFile(filepath.Join(out, file))
			require.NoError(t, err)
			var obj struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string
				Metadata   struct{ Name, Namespace string }
			}
			require.NoError(t, yaml.Unmarshal(data, &obj), file)
			path, err := cluster.ObjectPath(ctx, obj.APIVersion, obj.Kind, obj.Metadata.Namespace, obj.Metadata.Name)
			require.NoError(t, err, file)
			assert.NoError(t, cluster.DryRunApply(ctx, path, data), file)
			kinds[obj.Kind]++
		}
		assert.Equal(t, 3, kinds["Deployment"])
		assert.Equal(t, 4, kinds["Namespace"])
		assert.Equal(t, 6, kinds["ValidatingAdmissionPolicy"])
		assert.Contains(t, stdout, fmt.Sprintf("wrote %d files", len(kustomization.Resources)+1))
	})

	t.Run("a weakened workload is refused by the API server", func(t *testing.T) {
		weakened := func(ctx *pulumi.Context) error {
			if err := program(ctx); err != nil {
				return err
			}
			return weakenedWorkloads(ctx, cluster.Kubeconfig)
		}
		// No pack here: it would stop these before they are sent. The cluster refuses them
		// whoever sends them.
		code, stdout, stderr := runCLI(t, weakened, append([]string{"up", "kube"}, flags...)...)
		assert.Equal(t, exitFailure, code, "%s\n%s", stdout, stderr)
		if i := strings.Index(stderr, "up failed:"); i >= 0 {
			t.Logf("the API server refused:\n%s", stderr[i:])
		}
		assert.Contains(t, stderr, `violates PodSecurity "restricted:v1.34": allowPrivilegeEscalation != false`)
		assert.Contains(t, stderr, "ValidatingAdmissionPolicy 'healthhub-restricted-pod-template' with binding 'healthhub-restricted-pod-template' denied request: restricted Pod Security: set securityContext.allowPrivilegeEscalation false and privileged unset in containers debug")
		for _, path := range []string{"/api/v1/namespaces/backend/pods/debug", "/apis/apps/v1/namespaces/backend/deployments/debug"} {
			status, _, err := cluster.Do(ctx, "GET", path, nil)
			require.NoError(t, err)
			assert.Equal(t, 404, status, "%s was not created", path)
		}
	})

	code, stdout, stderr = runCLI(t, program, append([]string{"destroy", "kube"}, flags...)...)
	require.Equal(t, exitOK, code, "destroy:\n%s\n%s", stdout, stderr)
	waitNamespacesGone(ctx, t, cluster)
	status, _, err := cluster.Do(ctx, "GET", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/healthhub-image-digest", nil)
	require.NoError(t, err)
	assert.Equal(t, 404, status, "the admission policies are gone")
}

// waitNamespacesGone waits for the namespace controller to empty and remove the workloads'
// namespaces after a destroy: skipAwait spares the provider that wait.
func waitNamespacesGone(ctx context.Context, t testing.TB, cluster *kubeharness.Cluster) {
	t.Helper()
	for _, ns := range []string{"frontend", "backend", "model-serving", "monitoring"} {
		deadline := time.Now().Add(3 * time.Minute)
		for {
			status, _, err := cluster.Do(ctx, "GET", "/api/v1/namespaces/"+ns, nil)
			if err == nil && status == 404 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("namespace %s is still there 3 minutes after destroy (%d, %v)", ns, status, err)
			}
			time.Sleep(time.Second)
		}
	}
}

// weakenedWorkloads are what a hurried hotfix might send: a debug pod and a Deployment whose
// container may escalate its privileges, in the backend's namespace.
func weakenedWorkloads(ctx *pulumi.Context, kubeconfig string) error {
	provider, err := k8sc.NewProvider(ctx, "hotfix", &k8sc.ProviderArgs{Kubeconfig: pulumi.String(kubeconfig)})
	if err != nil {
		return err
	}
	container := corev1.ContainerArgs{
		Name: pulumi.String("debug"), Image: pulumi.String("registry.healthhub.example/debug:1.0@sha256:" + strings.Repeat("ab", 32)),
		Resources: &corev1.ResourceRequirementsArgs{Limits: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("64Mi")}},
		SecurityContext: &corev1.SecurityContextArgs{
			AllowPrivilegeEscalation: pulumi.Bool(true), RunAsNonRoot: pulumi.Bool(true),
			Capabilities:   &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
			SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
	}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String("debug"), Namespace: pulumi.String("backend"), Annotations: pulumi.StringMap{"pulumi.com/skipAwait": pulumi.String("true")}}
	labels := pulumi.StringMap{"app": pulumi.String("debug")}
	on := pulumi.Provider(provider)
	if _, err := corev1.NewPod(ctx, "debug", &corev1.PodArgs{Metadata: meta, Spec: &corev1.PodSpecArgs{Containers: corev1.ContainerArray{container}}}, on); err != nil {
		return err
	}
	_, err = appsv1.NewDeployment(ctx, "debug", &appsv1.DeploymentArgs{
		Metadata: meta,
		Spec: &appsv1.DeploymentSpecArgs{
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{Metadata: &metav1.ObjectMetaArgs{Labels: labels}, Spec: &corev1.PodSpecArgs{Containers: corev1.ContainerArray{container}}},
		},
	}, on)
	return err
}

// packBinary is the policy pack `make test` builds (HEALTHHUB_POLICY_PACK); a plain `go test`
// builds its own.
func packBinary(t testing.TB) string {
	t.Helper()
	if path := os.Getenv("HEALTHHUB_POLICY_PACK"); path != "" {
		return path
	}
	path := filepath.Join(t.TempDir(), "healthhub-policy")
	build := exec.Command("go", "build", "-o", path, "../../policy")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the policy pack: %s", out)
	return path
}
