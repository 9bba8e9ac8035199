package kubernetes

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// CustomObject is one custom resource of the ingress controller that the Ingress's or the
// published Service's annotations name, such as where the controller reads its TLS policy or
// its backends' firewall from.
type CustomObject struct {
	// APIVersion is the custom resource's group/version.
	APIVersion string
	Kind       string
	// Name is what the annotations refer to it by.
	Name string
	Spec pulumi.Map
}

var (
	// customAPIVersion has a dotted group: a controller's own kinds are never in the core group.
	customAPIVersion = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+/v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)
	kindName         = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

func validateCompanions(c string, companions []CustomObject) error {
	seen := map[string]bool{}
	for i, o := range companions {
		arg := fmt.Sprintf("Companions[%d]", i)
		switch {
		case !customAPIVersion.MatchString(o.APIVersion):
			return kit.ArgError(c, arg+".APIVersion", fmt.Sprintf("%q", o.APIVersion), "must be a custom resource's group/version, such as example.com/v1")
		case !kindName.MatchString(o.Kind):
			return kit.ArgError(c, arg+".Kind", fmt.Sprintf("%q", o.Kind), "must be a kind in CamelCase")
		case !dnsLabel.MatchString(o.Name):
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", o.Name), "must be a DNS label: the name the annotations refer to")
		case len(o.Spec) == 0:
			return kit.ArgError(c, arg+".Spec", "{}", "required: the settings the controller reads from the %s", o.Kind)
		case seen[o.Kind+"/"+o.Name]:
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", o.Name), "names a second %s: the namespace holds one of each name", o.Kind)
		}
		seen[o.Kind+"/"+o.Name] = true
	}
	return nil
}

// newCompanions creates the custom objects in the published namespace, as the Ingress's
// children; the Ingress waits for them, so the controller never acts on an annotation naming
// an object not yet there.
func newCompanions(ctx *pulumi.Context, name string, args *IngressArgs, parent *Ingress) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, o := range args.Companions {
		r, err := apiextensions.NewCustomResource(ctx, name+"-"+o.Name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(o.APIVersion),
			Kind:       pulumi.String(o.Kind),
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(o.Name), Namespace: pulumi.String(args.Namespace), Labels: labels(args.Labels),
			},
			OtherFields: map[string]any{"spec": o.Spec},
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
