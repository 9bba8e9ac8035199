package workloads

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
	"github.com/healthhub/estate/stacks/platform/platformtest"
	"github.com/healthhub/estate/stacks/workloads/workloadstest"
)

const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// stack is a production config with the three apps and both duties named.
func stack(mutate func(*config.Config)) *config.Config {
	w := config.DefaultWorkloads
	w.OperatorGroups, w.AuditorGroups = []string{"healthhub-prod-operators"}, []string{"healthhub-compliance-auditors"}
	w.Domain = "assistant.healthhub.example"
	w.Apps = config.Apps{
		Frontend:     &config.App{Image: "registry.healthhub.example/assistant-frontend" + digest, MinReplicas: 3, MaxReplicas: 12},
		Backend:      &config.App{Image: "registry.healthhub.example/assistant-backend" + digest, MinReplicas: 3, MaxReplicas: 12},
		ModelServing: &config.App{Image: "registry.healthhub.example/assistant-model-serving" + digest, MinReplicas: 2, MaxReplicas: 6, GPU: true},
	}
	cfg := &config.Config{Project: "healthhub", Environment: config.EnvProduction, Owner: "platform", CostCentre: "cc-1", Workloads: w}
	if mutate != nil {
		mutate(cfg)
	}
	return cfg
}

// cluster is a platform of the given cloud, shaped as its build returns it: the workloads
// read nothing else, so no cloud SDK is in this test's binary.
func cluster(cloud string, mutate func(*platform.Platform)) *platform.Platform {
	p := platformtest.Cluster(cloud, "1.31", "apiVersion: v1\nkind: Config\n")
	if mutate != nil {
		mutate(p)
	}
	return p
}

const (
	typeNamespace  = "kubernetes:core/v1:Namespace"
	typeDeployment = "kubernetes:apps/v1:Deployment"
	typeIngress    = "kubernetes:networking.k8s.io/v1:Ingress"
	typePolicy     = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	typeQuota      = "kubernetes:core/v1:ResourceQuota"
)

// The workloads read only the platform contract: a GCP-shaped platform gets the same system
// as EKS, with no cloud SDK in this test's binary.
func TestWorkloadsOnAnyCloudsCluster(t *testing.T) {
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		return Build(ctx, stack(nil), cluster(config.CloudGCP, nil))
	})
	assert.Len(t, m.ByType(typeNamespace), 4)
	ns, ok := m.Find(typeNamespace, "model-serving")
	require.True(t, ok)
	v, _ := ns.Get(`metadata.labels["pod-security.kubernetes.io/enforce-version"]`)
	assert.Equal(t, "v1.31", v, "Pod Security is pinned to the cluster's version")
	assert.True(t, ns.Protect)
	provider, ok := m.Find("pulumi:providers:kubernetes", "cluster")
	require.True(t, ok)
	kubeconfig, _ := provider.Get("kubeconfig")
	assert.Equal(t, "[secret]", kubeconfig, "the kubeconfig stays a secret")

	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeDeployment, Name: "frontend-deployment", Path: "metadata.namespace", Want: "frontend"},
		{Type: typeDeployment, Name: "backend-deployment", Path: "spec.replicas", Want: int64(3)},
		{Type: typeDeployment, Name: "model-serving-deployment", Path: `spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]`, Want: "1"},
		{Type: typeDeployment, Name: "backend-deployment", Path: "spec.template.spec.containers[0].livenessProbe.httpGet.scheme", Want: "HTTPS"},
		{Type: "kubernetes:core/v1:ServiceAccount", Name: "backend-service-account", Path: `metadata.annotations["iam.gke.io/gcp-service-account"]`, Want: "backend@p.iam.gserviceaccount.com"},
		{Type: typeIngress, Name: "frontend", Path: "spec.ingressClassName", Want: "nginx"},
		{Type: typeIngress, Name: "frontend", Path: "spec.tls[0].secretName", Want: "assistant-tls"},
		{Type: typeIngress, Name: "frontend", Path: "spec.rules[0].host", Want: "assistant.healthhub.example"},
		{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[1].ports[0].port", Want: int64(5432)},
		{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[2].ports[0].port", Want: int64(6378)},
		{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[3].to[0].ipBlock.cidr", Want: "199.36.153.8/30"},
		// The identity's tokens come from the metadata server, outside a default-deny egress.
		{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[4].to[1].ipBlock.cidr", Want: "169.254.169.254/32"},
		{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[4].ports[1].port", Want: int64(988)},
		{Type: typePolicy, Name: "frontend-flows", Path: "spec.egress[2].to[0].ipBlock.cidr", Want: "169.254.169.252/32"},
		// The autoscaler's maximum plus a rolling update's surge fits the namespace's quota.
		{Type: typeQuota, Name: "backend", Path: `spec.hard["limits.cpu"]`, Want: "26000m"},
		{Type: typeQuota, Name: "backend", Path: "spec.hard.pods", Want: "13"},
		{Type: "kubernetes:storage.k8s.io/v1:StorageClass", Name: "encrypted", Path: "provisioner", Want: "pd.csi.storage.gke.io"},
	})
	assert.Len(t, m.ByType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"), 3)
	assert.Len(t, m.ByType("kubernetes:policy/v1:PodDisruptionBudget"), 3)
	assert.Len(t, m.ByType("kubernetes:helm.sh/v3:Release"), 1)
	assert.Empty(t, kittest.Violations(m, "production"), "the workloads pass the whole policy pack")
}

func TestWorkloadsRefuseWhatTheirPlatformCannotRun(t *testing.T) {
	for _, tt := range []struct {
		name     string
		platform func(*platform.Platform)
		want     string
	}{
		{"no Kubernetes version", func(p *platform.Platform) { p.Cluster.Version = "" }, "the gcp platform names no Kubernetes version"},
		{"GPU workload, no GPU pool", func(p *platform.Platform) { p.Cluster.NodePools = p.Cluster.NodePools[:1] }, "healthhub:workloads apps.modelServing.gpu is true, but the gcp cluster has no GPU node pool"},
		{"no ingress controller", func(p *platform.Platform) { p.Ingress.Kind = platform.IngressLoadBalancer }, `the gcp platform's ingress is "load-balancer"`},
		{"no storage", func(p *platform.Platform) { p.Cluster.Storage = platform.Storage{} }, "names no storage provisioner"},
		{"no receivers", func(p *platform.Platform) { p.Alerts.Critical = nil }, "names no Alertmanager receivers"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kittest.Run(t, func(ctx *pulumi.Context) error {
				return Build(ctx, stack(nil), cluster(config.CloudGCP, tt.platform))
			})
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestAccessIsBoundOnlyToTheConfiguredGroups(t *testing.T) {
	for _, tt := range []struct {
		name     string
		cfg      *config.Config
		bindings int
	}{
		{"no groups named: no one is bound", stack(func(c *config.Config) { c.Workloads.OperatorGroups, c.Workloads.AuditorGroups = nil, nil }), 0},
		{"groups named: an operator binding per namespace", stack(nil), 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := kittest.MustRun(t, func(ctx *pulumi.Context) error { return Build(ctx, tt.cfg, cluster(config.CloudAWS, nil)) })
			assert.Len(t, m.ByType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"), tt.bindings)
			assert.Empty(t, kittest.Violations(m, "production"))
		})
	}
}

// A stack that names no app runs none: the namespaces, their policies and monitoring stand
// ready, and nothing is published.
func TestNoAppsNoWorkloads(t *testing.T) {
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		return Build(ctx, stack(func(c *config.Config) { c.Workloads.Apps = config.Apps{} }), cluster(config.CloudAzure, nil))
	})
	assert.Empty(t, m.ByType(typeDeployment))
	assert.Empty(t, m.ByType(typeIngress))
	assert.Len(t, m.ByType(typeNamespace), 4)
	assert.Empty(t, kittest.Violations(m, "production"))
}

// The API server judges what the program does not send: the workloads ship the admission
// policies, leave the monitoring namespace and the cloud's system namespaces out of the pod
// policies.
func TestWorkloadsShipTheAdmissionPolicies(t *testing.T) {
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		return Build(ctx, stack(nil), cluster(config.CloudGCP, func(p *platform.Platform) { p.Cluster.SystemNamespaces = []string{"gmp-system"} }))
	})
	policies := m.ByType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")
	require.Len(t, policies, 6)
	binding, ok := m.Find("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "healthhub-image-digest")
	require.True(t, ok)
	outside, _ := binding.Get("spec.matchResources.namespaceSelector.matchExpressions[0].values")
	assert.Equal(t, []any{"gmp-system", "kube-system", "kube-public", "kube-node-lease", "monitoring"}, outside)
	assert.Empty(t, kittest.Violations(m, "production"))
}

// A cluster whose Prometheus operator runs already gets the alert rules and no chart.
func TestWorkloadsWithExternalMonitoring(t *testing.T) {
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		return Build(ctx, stack(func(c *config.Config) { c.Workloads.Monitoring.Install = config.MonitoringExternal }), cluster(config.CloudGCP, nil))
	})
	assert.Empty(t, m.ByType("kubernetes:helm.sh/v3:Release"))
	assert.Len(t, m.ByType("kubernetes:monitoring.coreos.com/v1:PrometheusRule"), 4)
	assert.Empty(t, kittest.Violations(m, "production"))
}

// gke publishes through a GKE-shaped ingress: the controller reads its class from the
// annotation, TLS ends at Google's front end with the estate's certificate, and its
// FrontendConfig (TLS policy) and BackendConfig (Cloud Armor, logging, health check) stand
// beside the Ingress. change alters the companion of the kind given.
func gke(change func(kind string, spec pulumi.Map)) func(*platform.Platform) {
	return func(p *platform.Platform) {
		companions := []platform.CustomObject{
			{APIVersion: "networking.gke.io/v1beta1", Kind: "FrontendConfig", Name: "edge-tls", Spec: pulumi.Map{"sslPolicy": pulumi.String("healthhub-tls12")}},
			{APIVersion: "cloud.google.com/v1", Kind: "BackendConfig", Name: "edge-backend", Spec: pulumi.Map{
				"securityPolicy": pulumi.Map{"name": pulumi.String("healthhub-edge")},
				"logging":        pulumi.Map{"enable": pulumi.Bool(true), "sampleRate": pulumi.Float64(1)},
				"healthCheck":    pulumi.Map{"type": pulumi.String("HTTPS"), "requestPath": pulumi.String("/readyz"), "port": pulumi.Int(8443)},
			}},
		}
		if change != nil {
			for _, c := range companions {
				change(c.Kind, c.Spec)
			}
		}
		p.Ingress = platform.Ingress{
			Kind: platform.IngressController, Class: "gce", ClassAnnotation: true,
			Annotations: map[string]pulumi.StringInput{
				"kubernetes.io/ingress.global-static-ip-name": pulumi.String("healthhub-edge"),
				"ingress.gcp.kubernetes.io/pre-shared-cert":   pulumi.String("healthhub-edge"),
				"kubernetes.io/ingress.allow-http":            pulumi.String("false"),
				"networking.gke.io/v1beta1.FrontendConfig":    pulumi.String("edge-tls"),
			},
			ServiceAnnotations: map[string]pulumi.StringInput{
				"cloud.google.com/neg":            pulumi.String(`{"ingress": true}`),
				"cloud.google.com/backend-config": pulumi.String(`{"default": "edge-backend"}`),
				"cloud.google.com/app-protocols":  pulumi.String(`{"http": "HTTPS"}`),
			},
			Companions:  companions,
			SourceCidrs: []string{"130.211.0.0/22", "35.191.0.0/16"},
		}
	}
}

const (
	typeService        = "kubernetes:core/v1:Service"
	typeFrontendConfig = "kubernetes:networking.gke.io/v1beta1:FrontendConfig"
	typeBackendConfig  = "kubernetes:cloud.google.com/v1:BackendConfig"
)

// A controller that reads its class from the annotation gets it there only, its objects in the
// frontend's namespace, and the frontend's Service annotated for it; the pack judges the
// load balancer through them.
func TestWorkloadsPublishTheFrontendThroughTheGKEController(t *testing.T) {
	for _, tt := range []struct {
		name     string
		platform func(*platform.Platform)
		flagged  []string
	}{
		{"certificate, TLS policy, Cloud Armor and logging", gke(nil), nil},
		{"HTTP served on port 80", func(p *platform.Platform) {
			gke(nil)(p)
			p.Ingress.Annotations["kubernetes.io/ingress.allow-http"] = pulumi.String("true")
		}, []string{"kubernetes-ingress-tls"}},
		{"no TLS policy", gke(func(kind string, spec pulumi.Map) {
			if kind == "FrontendConfig" {
				delete(spec, "sslPolicy")
				spec["redirectToHttps"] = pulumi.Map{"enabled": pulumi.Bool(true)}
			}
		}), []string{"kubernetes-ingress-gce-ssl-policy"}},
		{"no Cloud Armor", gke(func(kind string, spec pulumi.Map) {
			if kind == "BackendConfig" {
				delete(spec, "securityPolicy")
			}
		}), []string{"kubernetes-ingress-gce-waf"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
				return Build(ctx, stack(nil), cluster(config.CloudGCP, tt.platform))
			})
			kittest.AssertInputs(t, m, []kittest.Expectation{
				{Type: typeIngress, Name: "frontend", Path: `metadata.annotations["kubernetes.io/ingress.class"]`, Want: "gce"},
				{Type: typeIngress, Name: "frontend", Path: `metadata.annotations["ingress.gcp.kubernetes.io/pre-shared-cert"]`, Want: "healthhub-edge"},
				{Type: typeIngress, Name: "frontend", Path: "spec.rules[0].host", Want: "assistant.healthhub.example"},
				{Type: typeFrontendConfig, Name: "frontend-edge-tls", Path: "metadata.namespace", Want: "frontend"},
				{Type: typeFrontendConfig, Name: "frontend-edge-tls", Path: "metadata.name", Want: "edge-tls"},
				{Type: typeBackendConfig, Name: "frontend-edge-backend", Path: "metadata.namespace", Want: "frontend"},
				{Type: typeBackendConfig, Name: "frontend-edge-backend", Path: "spec.healthCheck.port", Want: int64(8443)},
				{Type: typeService, Name: "frontend-service", Path: `metadata.annotations["cloud.google.com/backend-config"]`, Want: `{"default": "edge-backend"}`},
				{Type: typeService, Name: "frontend-service", Path: `metadata.annotations["cloud.google.com/neg"]`, Want: `{"ingress": true}`},
				// The app-protocols annotation names the Service's port.
				{Type: typeService, Name: "frontend-service", Path: "spec.ports[0].name", Want: "http"},
			})
			ing, _ := m.Find(typeIngress, "frontend")
			for _, absent := range []string{"spec.ingressClassName", "spec.tls"} {
				_, set := ing.Get(absent)
				assert.False(t, set, "%s: GKE reads neither, and the API server refuses a class named twice", absent)
			}
			for _, name := range []string{"backend-service", "model-serving-service"} {
				svc, _ := m.Find(typeService, name)
				_, set := svc.Get("metadata.annotations")
				assert.False(t, set, "%s is not published: the controller has nothing to read on it", name)
			}
			assert.Equal(t, tt.flagged, kittest.Policies(kittest.Violations(m, "production")))
		})
	}
}

// inCluster is the cache as the Azure estate's contract asks for it: no managed cache, so the
// workloads run Redis in a namespace of its own, with the certificate and token from Key Vault
// read as the cache's own identity.
func inCluster(p *platform.Platform) {
	ic := &platform.InClusterCache{
		Namespace: "cache",
		Binding: platform.WorkloadBinding{
			IdentityAnnotations: map[string]pulumi.StringInput{"azure.workload.identity/client-id": pulumi.String("00000000-0000-0000-0000-000000000002")},
			PodLabels:           map[string]string{"azure.workload.identity/use": "true"},
			Secrets: &platform.SecretProvider{Provider: "azure", Parameters: pulumi.StringMap{
				"clientID": pulumi.String("00000000-0000-0000-0000-000000000002"), "keyvaultName": pulumi.String("hhprodkvuks"),
				"tenantId": pulumi.String("00000000-0000-0000-0000-000000000000"),
				"objects":  pulumi.String("array:\n  - |\n    objectName: cache-tls\n    objectType: secret\n    objectAlias: tls.pem\n  - |\n    objectName: cache-auth-token\n    objectType: secret\n    objectAlias: auth-token\n"),
			}},
		},
		VolumeSize: "16Gi",
	}
	p.Cache = platform.Cache{
		Endpoint: pulumi.String(ic.Host()).ToStringOutput(), Port: pulumi.Int(platform.InClusterCachePort).ToIntOutput(), InCluster: ic,
	}
}

// A platform with a managed cache gets the workloads as before; one that asks for the cache in
// the cluster gets its namespace, Redis in it, and the backend's flow to its pods instead of
// the data subnet.
func TestWorkloadsRunTheCacheWhereThePlatformAsks(t *testing.T) {
	const typeStatefulSet = "kubernetes:apps/v1:StatefulSet"
	for _, tt := range []struct {
		name     string
		platform func(*platform.Platform)
		counts   map[string]int
		egress   []kittest.Expectation
		env      map[string]any
	}{
		{"managed cache", nil, workloadstest.With(map[string]int{}), []kittest.Expectation{
			{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[2].to[0].ipBlock.cidr", Want: "10.30.64.0/24"},
			{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[2].ports[0].port", Want: int64(6378)},
		}, map[string]any{"name": "CACHE_HOST", "value": "10.30.64.4"}},
		{"in-cluster cache", inCluster, workloadstest.WithInClusterCache(map[string]int{}), []kittest.Expectation{
			{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[1].to[0].ipBlock.cidr", Want: "10.30.64.0/24"},
			{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[1].ports[0].port", Want: int64(5432)},
			{Type: typePolicy, Name: "backend-flows", Path: "spec.egress[2]", Want: map[string]any{
				"to": []any{map[string]any{
					"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "cache"}},
					"podSelector":       map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "redis"}},
				}},
				"ports": []any{map[string]any{"protocol": "TCP", "port": int64(6379)}},
			}},
			{Type: typeNamespace, Name: "cache", Path: `metadata.labels["pod-security.kubernetes.io/enforce"]`, Want: "restricted"},
			{Type: typeNamespace, Name: "cache", Path: `metadata.labels["pod-security.kubernetes.io/enforce-version"]`, Want: "v1.31"},
			{Type: typePolicy, Name: "cache-default-deny", Path: "metadata.namespace", Want: "cache"},
			{Type: typePolicy, Name: "cache-flows", Path: "spec.ingress[0].from[0].namespaceSelector.matchLabels", Want: map[string]any{"kubernetes.io/metadata.name": "backend"}},
			{Type: typePolicy, Name: "cache-flows", Path: "spec.ingress[0].from[0].podSelector.matchLabels", Want: map[string]any{"app.kubernetes.io/name": "backend"}},
			{Type: typeStatefulSet, Name: "cache-statefulset", Path: "metadata.namespace", Want: "cache"},
			{Type: typeStatefulSet, Name: "cache-statefulset", Path: "spec.volumeClaimTemplates[0].spec.storageClassName", Want: "encrypted"},
			{Type: typeStatefulSet, Name: "cache-statefulset", Path: "spec.volumeClaimTemplates[0].spec.resources.requests.storage", Want: "16Gi"},
			{Type: typeStatefulSet, Name: "cache-statefulset", Path: "spec.template.spec.containers[0].resources.limits.memory", Want: "4Gi"},
			{Type: "kubernetes:core/v1:ServiceAccount", Name: "cache-service-account", Path: `metadata.annotations["azure.workload.identity/client-id"]`, Want: "00000000-0000-0000-0000-000000000002"},
			{Type: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", Name: "cache-secrets", Path: "spec.provider", Want: "azure"},
			{Type: typeQuota, Name: "cache", Path: "spec.hard.pods", Want: "2"},
		}, map[string]any{"name": "CACHE_HOST", "value": "redis.cache.svc.cluster.local"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
				return Build(ctx, stack(nil), cluster(config.CloudAzure, tt.platform))
			})
			assert.Equal(t, tt.counts, m.CountByType())
			kittest.AssertInputs(t, m, tt.egress)
			backend, ok := m.Find(typeDeployment, "backend-deployment")
			require.True(t, ok)
			env, _ := backend.Get("spec.template.spec.containers[0].env")
			assert.Contains(t, env, tt.env)
			assert.Empty(t, kittest.Violations(m, "production"), "the workloads pass the whole policy pack")
		})
	}
}

// The cache runs apart from the apps, with its certificate and token from the cloud's store;
// a stack with no backend has no client for it, and runs none.
func TestInClusterCacheRefusals(t *testing.T) {
	for _, tt := range []struct {
		name     string
		platform func(*platform.Platform)
		want     string
	}{
		{"in the backend's namespace", func(p *platform.Platform) { inCluster(p); p.Cache.InCluster.Namespace = "backend" },
			`the azure platform runs the cache in namespace "backend", which healthhub:workloads also gives an app or monitoring`},
		{"no secret provider", func(p *platform.Platform) { inCluster(p); p.Cache.InCluster.Binding.Secrets = nil },
			"the azure platform's in-cluster cache names no secret provider"},
		{"no volume size", func(p *platform.Platform) { inCluster(p); p.Cache.InCluster.VolumeSize = "" },
			`Cache: VolumeSize = "": must be a size in Mi, Gi or Ti`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kittest.Run(t, func(ctx *pulumi.Context) error {
				return Build(ctx, stack(nil), cluster(config.CloudAzure, tt.platform))
			})
			require.ErrorContains(t, err, tt.want)
		})
	}
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		return Build(ctx, stack(func(c *config.Config) { c.Workloads.Apps.Backend = nil }), cluster(config.CloudAzure, inCluster))
	})
	assert.Empty(t, m.ByType("kubernetes:apps/v1:StatefulSet"), "no backend, no cache")
	assert.Len(t, m.ByType(typeNamespace), 5, "the cache's namespace stands ready, as the apps' do")
	assert.Empty(t, kittest.Violations(m, "production"))
}
