package kubernetes

import (
	"fmt"
	"slices"
	"strings"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// AdmissionPoliciesArgs say which namespaces the in-cluster policies leave alone.
type AdmissionPoliciesArgs struct {
	// PodExemptions are namespaces whose pods the pod policies (digest, limits, restricted
	// template) do not judge, each with its reason: the monitoring stack's chart runs
	// tag-pinned images and node-exporter reads the host. The Service, Ingress and RBAC
	// policies still apply there.
	PodExemptions []Exemption
	// SystemNamespaces are the cluster's own namespaces, which no policy judges: the cloud's
	// add-ons live there and are the cloud's to harden. kube-system, kube-public and
	// kube-node-lease are always among them; a cloud adds its own.
	SystemNamespaces []string
	Labels           map[string]string
}

// Exemption is a namespace a policy leaves alone, and why.
type Exemption struct {
	Namespace, Reason string
}

// AdmissionPolicies are ValidatingAdmissionPolicies and their bindings: the API server itself
// refuses an object that breaks the estate's per-object controls, whoever sends it. The
// program's own objects already meet them (the pack proves it before the preview); these keep
// the cluster compliant against kubectl, a CI job or a chart that bypasses the program.
type AdmissionPolicies struct {
	pulumi.ResourceState

	// Names are the policies' names, in the order of admissionPolicies.
	Names pulumi.StringArrayOutput `pulumi:"names"`
}

// alwaysSystem are the namespaces every cluster has for itself.
var alwaysSystem = []string{"kube-system", "kube-public", "kube-node-lease"}

// Validate fills the defaults and checks the Args before anything is registered.
func (a *AdmissionPoliciesArgs) Validate() error {
	const c = "AdmissionPolicies"
	for _, ns := range alwaysSystem {
		if !slices.Contains(a.SystemNamespaces, ns) {
			a.SystemNamespaces = append(a.SystemNamespaces, ns)
		}
	}
	for i, ns := range a.SystemNamespaces {
		if !dnsLabel.MatchString(ns) {
			return kit.ArgError(c, fmt.Sprintf("SystemNamespaces[%d]", i), fmt.Sprintf("%q", ns), "must be a namespace name (a DNS label)")
		}
	}
	seen := map[string]bool{}
	for i, e := range a.PodExemptions {
		arg := fmt.Sprintf("PodExemptions[%d]", i)
		switch {
		case !dnsLabel.MatchString(e.Namespace):
			return kit.ArgError(c, arg+".Namespace", fmt.Sprintf("%q", e.Namespace), "must be a namespace name (a DNS label)")
		case strings.TrimSpace(e.Reason) == "":
			return kit.ArgError(c, arg+".Reason", `""`, "required: say what in %s cannot meet the pod policies, so a reviewer can judge it", e.Namespace)
		case seen[e.Namespace]:
			return kit.ArgError(c, arg+".Namespace", e.Namespace, "is exempted twice")
		}
		seen[e.Namespace] = true
	}
	return kit.RequireTags(c, a.Labels)
}

// NewAdmissionPolicies creates every policy with a binding that denies; the provider comes
// from the options.
func NewAdmissionPolicies(ctx *pulumi.Context, name string, args *AdmissionPoliciesArgs, opts ...pulumi.ResourceOption) (*AdmissionPolicies, error) {
	ap := &AdmissionPolicies{}
	if err := kit.Register(ctx, TypeAdmissionPolicies, name, args, ap, opts...); err != nil {
		return nil, err
	}
	var exempt []string
	reasons := pulumi.StringMap{}
	for _, e := range args.PodExemptions {
		exempt = append(exempt, e.Namespace)
		reasons[e.Namespace] = pulumi.String(e.Reason)
	}
	var names pulumi.StringArray
	for _, p := range admissionPolicies() {
		policyName := "healthhub-" + p.name
		outside := args.SystemNamespaces
		if p.pods {
			outside = append(slices.Clone(outside), exempt...)
		}
		policyLabels := labels(args.Labels)
		policyLabels[naming.AdmissionControlLabel] = pulumi.String(p.name)
		policy, err := admissionv1.NewValidatingAdmissionPolicy(ctx, policyName, &admissionv1.ValidatingAdmissionPolicyArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(policyName), Labels: policyLabels},
			Spec: &admissionv1.ValidatingAdmissionPolicySpecArgs{
				// An expression that cannot be evaluated refuses the object: a policy that
				// fails open is no control.
				FailurePolicy:    pulumi.String("Fail"),
				MatchConstraints: p.match(),
				Variables:        p.variablesArgs(),
				Validations:      p.validationsArgs(),
			},
		}, pulumi.Parent(ap))
		if err != nil {
			return nil, err
		}
		meta := &metav1.ObjectMetaArgs{Name: pulumi.String(policyName), Labels: labels(args.Labels)}
		if p.pods && len(reasons) > 0 {
			meta.Annotations = reasons // why each exempt namespace is exempt, on the binding that exempts it
		}
		if _, err := admissionv1.NewValidatingAdmissionPolicyBinding(ctx, policyName, &admissionv1.ValidatingAdmissionPolicyBindingArgs{
			Metadata: meta,
			Spec: &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
				PolicyName:        policy.Metadata.Name().Elem(),
				ValidationActions: pulumi.StringArray{pulumi.String("Deny")},
				MatchResources: &admissionv1.MatchResourcesArgs{
					// Matched by the immutable name label: relabelling a namespace cannot take
					// it out of a policy's reach.
					NamespaceSelector: &metav1.LabelSelectorArgs{MatchExpressions: metav1.LabelSelectorRequirementArray{
						&metav1.LabelSelectorRequirementArgs{Key: pulumi.String(namespaceNameLabel), Operator: pulumi.String("NotIn"), Values: pulumi.ToStringArray(outside)},
					}},
				},
			},
		}, pulumi.Parent(ap), pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
			return nil, err
		}
		names = append(names, pulumi.String(policyName))
	}
	ap.Names = names.ToStringArrayOutput()
	return ap, ctx.RegisterResourceOutputs(ap, pulumi.Map{"names": ap.Names})
}
