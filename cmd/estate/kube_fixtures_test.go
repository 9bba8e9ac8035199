package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/network"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/kubeharness"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/platform/platformtest"
	"github.com/healthhub/estate/stacks/program"
)

// kubeStack is a dev stack whose platform is the test's control plane. Its cloud section is
// GCP's, with no cloud resource built: the workloads read only the platform contract. It is
// still a GCP dev stack the config must accept, so it lists the networks that may reach the
// public API endpoint, and kubeProject sets the pager webhook every GCP stack requires. The
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
    gke:
      masterAuthorizedNetworks: [203.0.113.0/24]
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

// localPlatform is the platform contract of the test's control plane, with no cloud around
// it, shaped as a GKE platform hands it over, its Ingress included.
func localPlatform(cluster *kubeharness.Cluster) program.Builder {
	return func(_ *pulumi.Context, cfg *config.Config) (*platform.Platform, error) {
		p := platformtest.Cluster(cfg.Cloud, "1.34", cluster.Kubeconfig)
		p.Region = cfg.PrimaryRegion
		p.Ingress = gkeIngress()
		return p, nil
	}
}

// gkeIngress is the Ingress as the GCP estate's contract hands it over (stacks/gcp), with its
// cloud resources' names written out: GKE's controller reads the class from the annotation,
// serves the load balancer's certificate with no HTTP listener, and reads its TLS policy from
// a FrontendConfig and Cloud Armor, request logging and the health check from a BackendConfig,
// created beside the Ingress. The API server's admission policies then judge the Ingress, the
// Service and the companions as a GKE cluster receives them.
func gkeIngress() platform.Ingress {
	return platform.Ingress{
		Kind: platform.IngressController, Class: "gce", ClassAnnotation: true,
		Annotations: map[string]pulumi.StringInput{
			"kubernetes.io/ingress.global-static-ip-name": pulumi.String("healthhub-dev-edge"),
			"ingress.gcp.kubernetes.io/pre-shared-cert":   pulumi.String("healthhub-dev-edge"),
			"kubernetes.io/ingress.allow-http":            pulumi.String("false"),
			"networking.gke.io/v1beta1.FrontendConfig":    pulumi.String(gkeFrontendConfig),
		},
		ServiceAnnotations: map[string]pulumi.StringInput{
			"cloud.google.com/neg":            pulumi.String(`{"ingress": true}`),
			"cloud.google.com/backend-config": pulumi.String(`{"default": "` + gkeBackendConfig + `"}`),
			"cloud.google.com/app-protocols":  pulumi.String(`{"http": "HTTPS"}`),
		},
		Companions: []platform.CustomObject{
			{APIVersion: "networking.gke.io/v1beta1", Kind: "FrontendConfig", Name: gkeFrontendConfig, Spec: pulumi.Map{
				"sslPolicy": pulumi.String("healthhub-dev"),
			}},
			{APIVersion: "cloud.google.com/v1", Kind: "BackendConfig", Name: gkeBackendConfig, Spec: pulumi.Map{
				"securityPolicy": pulumi.Map{"name": pulumi.String("healthhub-dev-edge")},
				"logging":        pulumi.Map{"enable": pulumi.Bool(true), "sampleRate": pulumi.Float64(1.0)},
				"healthCheck":    pulumi.Map{"type": pulumi.String("HTTPS"), "requestPath": pulumi.String("/readyz"), "port": pulumi.Int(8443)},
			}},
		},
		SourceCidrs: network.GoogleFrontEnds,
	}
}

// The GKE controller's objects, by the names the Ingress's and the Service's annotations use.
const (
	gkeFrontendConfig = "healthhub-frontend-tls"
	gkeBackendConfig  = "healthhub-frontend-backend"
)

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
	backend := "file://" + filepath.Join(dir, "state")
	// The release verbs refuse a GCP stack whose pager webhook is unset or does not decrypt, so
	// the stack is created with its passphrase and the secret set as an operator sets it.
	pulumiCLI(t, root, dir, backend, "stack", "init", stack, "--secrets-provider", "passphrase")
	pulumiCLI(t, root, dir, backend, "config", "set", "--secret", "-s", stack, "healthhub:pagerUrl", "https://pager.example/hook")
	return dir, []string{"--dir", dir, "--backend", backend, "--secrets-provider", "passphrase", "--pulumi-root", root}
}

// pulumiCLI runs the Pulumi CLI in dir against backend and fails the test with its output.
func pulumiCLI(t testing.TB, root, dir, backend string, args ...string) {
	t.Helper()
	cli := exec.Command(filepath.Join(root, "bin", "pulumi"), append(args, "--cwd", dir)...)
	cli.Env = append(os.Environ(), "PULUMI_BACKEND_URL="+backend, "PULUMI_SKIP_UPDATE_CHECK=true")
	out, err := cli.CombinedOutput()
	require.NoError(t, err, "pulumi %s: %s", strings.Join(args, " "), out)
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
// objects belong to (the Prometheus operator, the Secrets Store CSI driver, GKE's Ingress
// controller): the API server stores the objects, with no operator to act on them.
var crds = []struct{ group, version, kind, plural string }{
	{"monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules"},
	{"secrets-store.csi.x-k8s.io", "v1", "SecretProviderClass", "secretproviderclasses"},
	{"networking.gke.io", "v1beta1", "FrontendConfig", "frontendconfigs"},
	{"cloud.google.com", "v1", "BackendConfig", "backendconfigs"},
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
				"versions": []any{map[string]any{"name": c.version, "served": true, "storage": true, "schema": map[string]any{
					"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
				}}},
			},
		}))
	}
	for _, c := range crds {
		require.Eventually(t, func() bool {
			status, _, err := cluster.Do(ctx, "GET", "/apis/"+c.group+"/"+c.version, nil)
			return err == nil && status == 200
		}, time.Minute, 250*time.Millisecond, "%s is not served", c.kind)
	}
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
