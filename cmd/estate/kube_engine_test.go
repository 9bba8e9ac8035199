package main

import (
	"context"
	"fmt"
	"os"
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
	"github.com/healthhub/estate/stacks/program"
	"github.com/healthhub/estate/stacks/workloads"
)

// appPods are the pods each app's Deployment must have once the controllers ran: its
// minReplicas.
var appPods = map[string]int{"frontend": 1, "backend": 2, "model-serving": 1}

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
	program := withSkipAwait(program.New(map[string]program.Builder{config.CloudGCP: localPlatform(cluster)}, workloads.Build))
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
			"/apis/networking.gke.io/v1beta1/namespaces/frontend/frontendconfigs/" + gkeFrontendConfig,
			"/apis/cloud.google.com/v1/namespaces/frontend/backendconfigs/" + gkeBackendConfig,
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

	// The Ingress as GKE's controller reads it, admitted by the cluster's TLS policy for class
	// gce: the class in the annotation alone (the API server refuses both), the load balancer's
	// certificate instead of a tls section, no HTTP, and the objects its annotations name.
	t.Run("the frontend is published as GKE's controller reads it", func(t *testing.T) {
		var ing struct {
			Metadata struct{ Annotations map[string]string }
			Spec     struct {
				IngressClassName string
				TLS              []any
			}
		}
		require.NoError(t, cluster.Get(ctx, "/apis/networking.k8s.io/v1/namespaces/frontend/ingresses/frontend", &ing))
		assert.Equal(t, "gce", ing.Metadata.Annotations["kubernetes.io/ingress.class"])
		assert.Empty(t, ing.Spec.IngressClassName)
		assert.Empty(t, ing.Spec.TLS)
		assert.Equal(t, "false", ing.Metadata.Annotations["kubernetes.io/ingress.allow-http"])
		assert.Equal(t, gkeFrontendConfig, ing.Metadata.Annotations["networking.gke.io/v1beta1.FrontendConfig"])
		var svc struct {
			Metadata struct{ Annotations map[string]string }
		}
		require.NoError(t, cluster.Get(ctx, "/api/v1/namespaces/frontend/services/frontend", &svc))
		assert.Equal(t, `{"default": "`+gkeBackendConfig+`"}`, svc.Metadata.Annotations["cloud.google.com/backend-config"], "only the published Service")
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
		assert.Equal(t, 1, kinds["FrontendConfig"])
		assert.Equal(t, 1, kinds["BackendConfig"])
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
