package kubernetes

import (
	"fmt"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// IngressArgs publish one Service on the internet through the cloud's ingress controller.
type IngressArgs struct {
	// Namespace and Service are the published workload's; Port is the Service's port.
	Namespace string
	Service   pulumi.StringInput
	Port      int
	// Host is the one host name served; TLS covers exactly it.
	Host string
	// Class is the platform's IngressClass ("alb" on EKS, "gce" on GKE).
	Class string
	// ClassAnnotation names Class in the kubernetes.io/ingress.class annotation instead of
	// spec.ingressClassName, for a controller that reads only the annotation.
	ClassAnnotation bool
	// Annotations are the controller's, from the platform: where the certificate, the TLS
	// policy, the web firewall and the HTTP redirect are set for that controller.
	Annotations map[string]pulumi.StringInput
	// TLSSecret names a certificate Secret for a controller that terminates TLS in the
	// cluster; empty where the cloud's load balancer holds the certificate.
	TLSSecret string
	// Companions are the controller's custom objects the annotations name, created in
	// Namespace before the Ingress.
	Companions []CustomObject
	Labels     map[string]string
}

// classAnnotation is where a controller that predates IngressClass reads its class.
const classAnnotation = "kubernetes.io/ingress.class"

// Ingress is the estate's only entry from the internet: TLS for one host, through the
// platform's controller, with that controller's firewall and TLS policy.
type Ingress struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
}

// Validate checks the Args before anything is registered.
func (a *IngressArgs) Validate() error {
	const c = "Ingress"
	switch {
	case !dnsLabel.MatchString(a.Namespace):
		return kit.ArgError(c, "Namespace", fmt.Sprintf("%q", a.Namespace), "must be the published workload's namespace")
	case a.Service == nil:
		return kit.ArgError(c, "Service", nil, "required: the Service published")
	case a.Port < 1 || a.Port > 65535:
		return kit.ArgError(c, "Port", a.Port, "must be the Service's port, 1 to 65535")
	case !naming.HostName.MatchString(a.Host):
		return kit.ArgError(c, "Host", fmt.Sprintf("%q", a.Host), "must be one fully qualified host name: a wildcard or an empty host would serve every name the load balancer is reached by")
	case !dnsLabel.MatchString(a.Class):
		return kit.ArgError(c, "Class", fmt.Sprintf("%q", a.Class), "required: the platform's IngressClass; a default class could be a controller without the firewall")
	case a.TLSSecret != "" && !dnsLabel.MatchString(a.TLSSecret):
		return kit.ArgError(c, "TLSSecret", fmt.Sprintf("%q", a.TLSSecret), "must name a Secret of the namespace")
	case a.Annotations[classAnnotation] != nil:
		return kit.ArgError(c, "Annotations", classAnnotation, "must not be set: the class is Class (with ClassAnnotation, where the controller reads it from the annotation); the API server refuses an Ingress naming its class twice")
	}
	if err := validateCompanions(c, a.Companions); err != nil {
		return err
	}
	return kit.RequireTags(c, a.Labels)
}

// NewIngress creates the Ingress; the provider comes from the options.
func NewIngress(ctx *pulumi.Context, name string, args *IngressArgs, opts ...pulumi.ResourceOption) (*Ingress, error) {
	in := &Ingress{}
	if err := kit.Register(ctx, TypeIngress, name, args, in, opts...); err != nil {
		return nil, err
	}
	companions, err := newCompanions(ctx, name, args, in)
	if err != nil {
		return nil, err
	}
	annotations := pulumi.StringMap{}
	for k, v := range args.Annotations {
		annotations[k] = v
	}
	spec := &networkingv1.IngressSpecArgs{
		Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
			Host: pulumi.String(args.Host),
			Http: &networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{networkingv1.HTTPIngressPathArgs{
				Path: pulumi.String("/"), PathType: pulumi.String("Prefix"),
				Backend: networkingv1.IngressBackendArgs{Service: &networkingv1.IngressServiceBackendArgs{
					Name: args.Service, Port: &networkingv1.ServiceBackendPortArgs{Number: pulumi.Int(args.Port)},
				}},
			}}},
		}},
	}
	if args.ClassAnnotation {
		annotations[classAnnotation] = pulumi.String(args.Class)
	} else {
		spec.IngressClassName = pulumi.String(args.Class)
	}
	// spec.tls is where a controller finds a certificate Secret. With none, the certificate is
	// the load balancer's, named in the controller's annotations, and a tls entry without a
	// secretName stops GKE's controller ("secret \"\" does not exist") while the ALB's ignores it.
	if args.TLSSecret != "" {
		spec.Tls = networkingv1.IngressTLSArray{networkingv1.IngressTLSArgs{
			Hosts: pulumi.ToStringArray([]string{args.Host}), SecretName: pulumi.String(args.TLSSecret),
		}}
	}
	if len(annotations) == 0 {
		annotations = nil
	}
	ing, err := networkingv1.NewIngress(ctx, name, &networkingv1.IngressArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(name), Namespace: pulumi.String(args.Namespace),
			Labels: labels(args.Labels), Annotations: annotations,
		},
		Spec: spec,
	}, pulumi.Parent(in), pulumi.DependsOn(companions))
	if err != nil {
		return nil, err
	}
	in.Name = ing.Metadata.Name().Elem()
	return in, ctx.RegisterResourceOutputs(in, pulumi.Map{"name": in.Name})
}
