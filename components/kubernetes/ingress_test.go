package kubernetes

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const typeIngress = "kubernetes:networking.k8s.io/v1:Ingress"

// albAnnotations are what the AWS platform hands the Ingress on EKS.
var albAnnotations = map[string]pulumi.StringInput{
	"alb.ingress.kubernetes.io/certificate-arn": pulumi.String("arn:aws:acm:eu-west-2:111122223333:certificate/abc"),
	"alb.ingress.kubernetes.io/ssl-policy":      pulumi.String("ELBSecurityPolicy-TLS13-1-2-2021-06"),
	"alb.ingress.kubernetes.io/wafv2-acl-arn":   pulumi.String("arn:aws:wafv2:eu-west-2:111122223333:regional/webacl/edge/1"),
	"alb.ingress.kubernetes.io/listen-ports":    pulumi.String(`[{"HTTP":80},{"HTTPS":443}]`),
	"alb.ingress.kubernetes.io/ssl-redirect":    pulumi.String("443"),
}

// gceAnnotations are what a GKE platform hands the Ingress: the estate's address, its
// managed certificate, port 80 left to the estate's redirect, and the TLS policy's
// FrontendConfig.
var gceAnnotations = map[string]pulumi.StringInput{
	"kubernetes.io/ingress.global-static-ip-name": pulumi.String("healthhub-edge"),
	"ingress.gcp.kubernetes.io/pre-shared-cert":   pulumi.String("healthhub-edge"),
	"kubernetes.io/ingress.allow-http":            pulumi.String("false"),
	"networking.gke.io/v1beta1.FrontendConfig":    pulumi.String("edge-tls"),
}

// gceCompanions are the FrontendConfig and BackendConfig those annotations and the Service's
// name.
var gceCompanions = []CustomObject{
	{APIVersion: "networking.gke.io/v1beta1", Kind: "FrontendConfig", Name: "edge-tls", Spec: pulumi.Map{"sslPolicy": pulumi.String("healthhub-tls12")}},
	{APIVersion: "cloud.google.com/v1", Kind: "BackendConfig", Name: "edge-backend", Spec: pulumi.Map{
		"securityPolicy": pulumi.Map{"name": pulumi.String("healthhub-edge")},
		"logging":        pulumi.Map{"enable": pulumi.Bool(true), "sampleRate": pulumi.Float64(1)},
		"healthCheck":    pulumi.Map{"type": pulumi.String("HTTPS"), "requestPath": pulumi.String("/readyz"), "port": pulumi.Int(8443)},
	}},
}

var gceServiceAnnotations = map[string]pulumi.StringInput{
	"cloud.google.com/neg":            pulumi.String(`{"ingress": true}`),
	"cloud.google.com/backend-config": pulumi.String(`{"default": "edge-backend"}`),
	"cloud.google.com/app-protocols":  pulumi.String(`{"` + PortName + `": "HTTPS"}`),
}

const (
	typeFrontendConfig = "kubernetes:networking.gke.io/v1beta1:FrontendConfig"
	typeBackendConfig  = "kubernetes:cloud.google.com/v1:BackendConfig"
)

func ingressArgs(mutate func(*IngressArgs)) *IngressArgs {
	a := &IngressArgs{
		Namespace: "frontend", Service: pulumi.String("frontend"), Port: 8443,
		Host: "app.healthhub.example", Class: "alb", Annotations: albAnnotations, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// publish builds the frontend's workload, its Service annotated for the controller, and the
// Ingress publishing that Service: the pack judges the Ingress with the Service it reaches.
func publish(t *testing.T, args *IngressArgs, serviceAnnotations map[string]pulumi.StringInput) (*mockcloud.Monitor, error) {
	t.Helper()
	return withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		w, err := NewWorkload(ctx, "frontend", workloadArgs(func(a *WorkloadArgs) {
			a.Name, a.Namespace, a.Port, a.TLS, a.ServiceAnnotations = "frontend", pulumi.String("frontend"), 8443, true, serviceAnnotations
		}), pulumi.Provider(p))
		if err != nil {
			return err
		}
		args.Service = w.ServiceName
		_, err = NewIngress(ctx, "web", args, pulumi.Provider(p))
		return err
	})
}

func TestIngressServesOneHostOverTLSThroughThePlatformsController(t *testing.T) {
	for _, tt := range []struct {
		name    string
		mutate  func(*IngressArgs)
		service map[string]pulumi.StringInput
		want    []kittest.Expectation
		absent  []string
	}{
		{"certificate at the load balancer (EKS)", nil, nil, []kittest.Expectation{
			{Type: typeIngress, Name: "web", Path: "spec.ingressClassName", Want: "alb"},
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]`, Want: "arn:aws:wafv2:eu-west-2:111122223333:regional/webacl/edge/1"},
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["alb.ingress.kubernetes.io/ssl-redirect"]`, Want: "443"},
		}, []string{"spec.tls", `metadata.annotations["kubernetes.io/ingress.class"]`}},
		{"certificate in the cluster", func(a *IngressArgs) { a.Class, a.Annotations, a.TLSSecret = "nginx", nil, "app-tls" }, nil, []kittest.Expectation{
			{Type: typeIngress, Name: "web", Path: "spec.ingressClassName", Want: "nginx"},
			{Type: typeIngress, Name: "web", Path: "spec.tls[0].hosts", Want: []any{"app.healthhub.example"}},
			{Type: typeIngress, Name: "web", Path: "spec.tls[0].secretName", Want: "app-tls"},
		}, []string{"metadata.annotations"}},
		{"class read from the annotation, controller's objects beside it (GKE)", func(a *IngressArgs) {
			a.Class, a.ClassAnnotation, a.Annotations, a.Companions = "gce", true, gceAnnotations, gceCompanions
		}, gceServiceAnnotations, []kittest.Expectation{
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["kubernetes.io/ingress.class"]`, Want: "gce"},
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["kubernetes.io/ingress.allow-http"]`, Want: "false"},
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["networking.gke.io/v1beta1.FrontendConfig"]`, Want: "edge-tls"},
			{Type: typeFrontendConfig, Name: "web-edge-tls", Path: "apiVersion", Want: "networking.gke.io/v1beta1"},
			{Type: typeFrontendConfig, Name: "web-edge-tls", Path: "kind", Want: "FrontendConfig"},
			{Type: typeFrontendConfig, Name: "web-edge-tls", Path: "metadata.name", Want: "edge-tls"},
			{Type: typeFrontendConfig, Name: "web-edge-tls", Path: "metadata.namespace", Want: "frontend"},
			{Type: typeFrontendConfig, Name: "web-edge-tls", Path: `metadata.labels["data-classification"]`, Want: "phi"},
			{Type: typeFrontendConfig, Name: "web-edge-tls", Path: "spec", Want: map[string]any{"sslPolicy": "healthhub-tls12"}},
			{Type: typeBackendConfig, Name: "web-edge-backend", Path: "metadata.name", Want: "edge-backend"},
			{Type: typeBackendConfig, Name: "web-edge-backend", Path: "metadata.namespace", Want: "frontend"},
			{Type: typeBackendConfig, Name: "web-edge-backend", Path: "spec.securityPolicy.name", Want: "healthhub-edge"},
			// A whole number reads back as an integer.
			{Type: typeBackendConfig, Name: "web-edge-backend", Path: "spec.logging", Want: map[string]any{"enable": true, "sampleRate": int64(1)}},
			{Type: typeBackendConfig, Name: "web-edge-backend", Path: "spec.healthCheck.port", Want: int64(8443)},
			{Type: typeService, Name: "frontend-service", Path: `metadata.annotations["cloud.google.com/backend-config"]`, Want: `{"default": "edge-backend"}`},
			{Type: typeService, Name: "frontend-service", Path: `metadata.annotations["cloud.google.com/app-protocols"]`, Want: `{"http": "HTTPS"}`},
		}, []string{"spec.ingressClassName", "spec.tls"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := publish(t, ingressArgs(tt.mutate), tt.service)
			require.NoError(t, err)
			kittest.AssertInputs(t, m, append(tt.want, []kittest.Expectation{
				{Type: typeIngress, Name: "web", Path: "metadata.namespace", Want: "frontend"},
				{Type: typeIngress, Name: "web", Path: "spec.rules[0].host", Want: "app.healthhub.example"},
				{Type: typeIngress, Name: "web", Path: "spec.rules[0].http.paths[0].backend.service.name", Want: "frontend"},
				{Type: typeIngress, Name: "web", Path: "spec.rules[0].http.paths[0].backend.service.port.number", Want: int64(8443)},
			}...))
			ing, _ := m.Find(typeIngress, "web")
			for _, path := range tt.absent {
				_, set := ing.Get(path)
				assert.False(t, set, "%s is set", path)
			}
			component, _ := m.Find(TypeIngress, "web")
			companions := append(m.ByType(typeFrontendConfig), m.ByType(typeBackendConfig)...)
			assert.Len(t, companions, len(ingressArgs(tt.mutate).Companions))
			for _, c := range companions {
				assert.Equal(t, component.URN, c.Parent, "%s is the Ingress's", c.Name)
				assert.Contains(t, ing.Dependencies, c.URN, "the Ingress waits for %s", c.Name)
			}
			require.Empty(t, kittest.Violations(m, "production"))
		})
	}
}

// companion changes the second of the GKE companions.
func companion(mutate func(*CustomObject)) func(*IngressArgs) {
	return func(a *IngressArgs) {
		a.Class, a.ClassAnnotation, a.Annotations = "gce", true, gceAnnotations
		a.Companions = slices.Clone(gceCompanions)
		mutate(&a.Companions[1])
	}
}

func TestIngressArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*IngressArgs)
		want   string
	}{
		{"no namespace", func(a *IngressArgs) { a.Namespace = "" }, `Namespace = "": must be`},
		{"no service", func(a *IngressArgs) { a.Service = nil }, "Service = <nil>: required"},
		{"no port", func(a *IngressArgs) { a.Port = 0 }, "Port = 0"},
		{"wildcard host", func(a *IngressArgs) { a.Host = "*.healthhub.example" }, `Host = "*.healthhub.example": must be one fully qualified host name`},
		{"no host", func(a *IngressArgs) { a.Host = "" }, `Host = ""`},
		{"default class", func(a *IngressArgs) { a.Class = "" }, `Class = "": required`},
		{"bad secret", func(a *IngressArgs) { a.TLSSecret = "App TLS" }, `TLSSecret = "App TLS"`},
		{"class named twice", func(a *IngressArgs) {
			a.Annotations = map[string]pulumi.StringInput{"kubernetes.io/ingress.class": pulumi.String("alb")}
		}, "Annotations = kubernetes.io/ingress.class: must not be set"},
		{"companion in the core group", companion(func(o *CustomObject) { o.APIVersion = "v1" }), `Companions[1].APIVersion = "v1": must be a custom resource's group/version`},
		{"companion without a version", companion(func(o *CustomObject) { o.APIVersion = "cloud.google.com" }), `Companions[1].APIVersion = "cloud.google.com"`},
		{"companion without a kind", companion(func(o *CustomObject) { o.Kind = "" }), `Companions[1].Kind = "": must be a kind`},
		{"companion kind not CamelCase", companion(func(o *CustomObject) { o.Kind = "backendconfig" }), `Companions[1].Kind = "backendconfig"`},
		{"companion name not a label", companion(func(o *CustomObject) { o.Name = "Edge Backend" }), `Companions[1].Name = "Edge Backend": must be a DNS label`},
		{"companion without a spec", companion(func(o *CustomObject) { o.Spec = nil }), "Companions[1].Spec = {}: required"},
		{"companion named twice", companion(func(o *CustomObject) { *o = gceCompanions[0] }), `Companions[1].Name = "edge-tls": names a second FrontendConfig`},
		{"no labels", func(a *IngressArgs) { a.Labels = nil }, "Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewIngress(ctx, "web", ingressArgs(tt.mutate), pulumi.Provider(p))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
