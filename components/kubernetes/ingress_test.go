package kubernetes

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
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

func TestIngressServesOneHostOverTLSThroughThePlatformsController(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(*IngressArgs)
		want   []kittest.Expectation
	}{
		{"certificate at the load balancer (EKS)", nil, []kittest.Expectation{
			{Type: typeIngress, Name: "web", Path: "spec.tls[0].hosts", Want: []any{"app.healthhub.example"}},
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]`, Want: "arn:aws:wafv2:eu-west-2:111122223333:regional/webacl/edge/1"},
			{Type: typeIngress, Name: "web", Path: `metadata.annotations["alb.ingress.kubernetes.io/ssl-redirect"]`, Want: "443"},
		}},
		{"certificate in the cluster", func(a *IngressArgs) { a.Class, a.Annotations, a.TLSSecret = "nginx", nil, "app-tls" }, []kittest.Expectation{
			{Type: typeIngress, Name: "web", Path: "spec.tls[0].secretName", Want: "app-tls"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewIngress(ctx, "web", ingressArgs(tt.mutate), pulumi.Provider(p))
				return err
			})
			require.NoError(t, err)
			kittest.AssertInputs(t, m, append(tt.want, []kittest.Expectation{
				{Type: typeIngress, Name: "web", Path: "metadata.namespace", Want: "frontend"},
				{Type: typeIngress, Name: "web", Path: "spec.ingressClassName", Want: ingressArgs(tt.mutate).Class},
				{Type: typeIngress, Name: "web", Path: "spec.rules[0].host", Want: "app.healthhub.example"},
				{Type: typeIngress, Name: "web", Path: "spec.rules[0].http.paths[0].backend.service.name", Want: "frontend"},
				{Type: typeIngress, Name: "web", Path: "spec.rules[0].http.paths[0].backend.service.port.number", Want: int64(8443)},
			}...))
			require.Empty(t, kittest.Violations(m, "production"))
		})
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
