package kubernetes

import (
	"fmt"
	"regexp"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// PodSecurityLevel is a Pod Security Standard a namespace enforces.
type PodSecurityLevel string

const (
	PodSecurityRestricted PodSecurityLevel = "restricted"
	PodSecurityBaseline   PodSecurityLevel = "baseline"
	PodSecurityPrivileged PodSecurityLevel = "privileged"
)

// Namespace is one namespace the workloads run in.
type Namespace struct {
	Name string
	// PodSecurity is enforced by the API server's admission; restricted unless set. A looser
	// level must say why in Exception, which the namespace carries for the auditor to read.
	PodSecurity PodSecurityLevel
	Exception   string
	// Quota caps what the namespace may request and use, so one workload cannot starve the
	// others on the cluster (NSA/CISA 4.0).
	Quota Quota
}

// Quota is a namespace's ResourceQuota.
type Quota struct {
	CPU, Memory string
	Pods        int
}

// ContainerDefaults are the LimitRange defaults: a container that names no requests or limits
// still gets bounded ones (NSA/CISA 4.1).
type ContainerDefaults struct {
	CPURequest, MemoryRequest, CPULimit, MemoryLimit string
}

// NamespacesArgs are the namespaces of the estate.
type NamespacesArgs struct {
	Namespaces []Namespace
	// PodSecurityVersion pins the standard's version ("v1.31"), so a cluster upgrade cannot
	// change what is admitted without a change here.
	PodSecurityVersion string
	Defaults           ContainerDefaults
	// Protect keeps the namespaces, and so the claims and secrets in them, through destroys
	// and config changes (production).
	Protect bool
	// Labels are the estate's labels (config.Config.Tags()).
	Labels map[string]string
}

// Namespaces is the estate's namespaces, each with Pod Security admission, a quota, container
// defaults and a default-deny network policy that the workloads' own policies open up.
type Namespaces struct {
	pulumi.ResourceState

	// Names are the namespaces' names, in the order given.
	Names pulumi.StringArrayOutput `pulumi:"names"`
	// Namespaces by name, for the components that place workloads in them.
	Namespaces map[string]*corev1.Namespace
}

var (
	dnsLabel   = naming.DNSLabel
	psaVersion = regexp.MustCompile(`^v1\.[0-9]{2}$`)
	quantity   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$`)
)

// reserved namespaces belong to the cluster; the estate's workloads never run there
// (NSA/CISA 1.12).
var reserved = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// Validate checks the Args before anything is registered.
func (a *NamespacesArgs) Validate() error {
	const c = "Namespaces"
	if len(a.Namespaces) == 0 {
		return kit.ArgError(c, "Namespaces", "[]", "required: the namespaces the workloads run in")
	}
	if !psaVersion.MatchString(a.PodSecurityVersion) {
		return kit.ArgError(c, "PodSecurityVersion", fmt.Sprintf("%q", a.PodSecurityVersion), `must pin a version such as "v1.31" ("latest" would change with the cluster)`)
	}
	for field, v := range map[string]string{
		"Defaults.CPURequest": a.Defaults.CPURequest, "Defaults.MemoryRequest": a.Defaults.MemoryRequest,
		"Defaults.CPULimit": a.Defaults.CPULimit, "Defaults.MemoryLimit": a.Defaults.MemoryLimit,
	} {
		if !quantity.MatchString(v) {
			return kit.ArgError(c, field, fmt.Sprintf("%q", v), "must be a Kubernetes quantity such as 250m or 512Mi")
		}
	}
	seen := map[string]bool{}
	for i, ns := range a.Namespaces {
		arg := fmt.Sprintf("Namespaces[%d]", i)
		switch {
		case !dnsLabel.MatchString(ns.Name):
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", ns.Name), "must be a DNS label: lowercase letters, digits and '-', at most 63")
		case slices.Contains(reserved, ns.Name):
			return kit.ArgError(c, arg+".Name", ns.Name, "is the cluster's own namespace; workloads run in namespaces of their own")
		case seen[ns.Name]:
			return kit.ArgError(c, arg+".Name", ns.Name, "is listed twice")
		case ns.PodSecurity != "" && !slices.Contains([]PodSecurityLevel{PodSecurityRestricted, PodSecurityBaseline, PodSecurityPrivileged}, ns.PodSecurity):
			return kit.ArgError(c, arg+".PodSecurity", fmt.Sprintf("%q", ns.PodSecurity), "must be %q, %q or %q", PodSecurityRestricted, PodSecurityBaseline, PodSecurityPrivileged)
		case ns.PodSecurity != "" && ns.PodSecurity != PodSecurityRestricted && ns.Exception == "":
			return kit.ArgError(c, arg+".Exception", `""`, "required with PodSecurity %q: say which workload needs it and why", ns.PodSecurity)
		case !quantity.MatchString(ns.Quota.CPU) || !quantity.MatchString(ns.Quota.Memory):
			return kit.ArgError(c, arg+".Quota", fmt.Sprintf("%+v", ns.Quota), "CPU and Memory must be Kubernetes quantities such as 8 or 32Gi")
		case ns.Quota.Pods < 1:
			return kit.ArgError(c, arg+".Quota.Pods", ns.Quota.Pods, "must be at least 1")
		}
		seen[ns.Name] = true
	}
	return kit.RequireTags(c, a.Labels)
}

// NewNamespaces creates the namespaces; the provider comes from the options (pulumi.Provider).
func NewNamespaces(ctx *pulumi.Context, name string, args *NamespacesArgs, opts ...pulumi.ResourceOption) (*Namespaces, error) {
	n := &Namespaces{Namespaces: map[string]*corev1.Namespace{}}
	if err := kit.Register(ctx, TypeNamespaces, name, args, n, opts...); err != nil {
		return nil, err
	}
	in := pulumi.Parent(n)
	var names pulumi.StringArray
	for _, spec := range args.Namespaces {
		ns, err := namespace(ctx, n, spec, args)
		if err != nil {
			return nil, err
		}
		n.Namespaces[spec.Name] = ns
		names = append(names, ns.Metadata.Name().Elem())
		inNamespace := ns.Metadata.Name().Elem()
		meta := &metav1.ObjectMetaArgs{Namespace: inNamespace, Labels: labels(args.Labels)}
		if _, err := corev1.NewResourceQuota(ctx, spec.Name, &corev1.ResourceQuotaArgs{
			Metadata: withName(meta, "quota"),
			Spec: &corev1.ResourceQuotaSpecArgs{Hard: pulumi.StringMap{
				"requests.cpu": pulumi.String(spec.Quota.CPU), "limits.cpu": pulumi.String(spec.Quota.CPU),
				"requests.memory": pulumi.String(spec.Quota.Memory), "limits.memory": pulumi.String(spec.Quota.Memory),
				"pods": pulumi.String(fmt.Sprint(spec.Quota.Pods)),
			}},
		}, in); err != nil {
			return nil, err
		}
		if _, err := corev1.NewLimitRange(ctx, spec.Name, &corev1.LimitRangeArgs{
			Metadata: withName(meta, "container-defaults"),
			Spec: &corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{corev1.LimitRangeItemArgs{
				Type:           pulumi.String("Container"),
				DefaultRequest: pulumi.StringMap{"cpu": pulumi.String(args.Defaults.CPURequest), "memory": pulumi.String(args.Defaults.MemoryRequest)},
				Default:        pulumi.StringMap{"cpu": pulumi.String(args.Defaults.CPULimit), "memory": pulumi.String(args.Defaults.MemoryLimit)},
			}}},
		}, in); err != nil {
			return nil, err
		}
		// Nothing reaches a pod and no pod reaches anything until a workload's own policy
		// allows the flow it needs (NSA/CISA 2.0).
		if _, err := networkingv1.NewNetworkPolicy(ctx, spec.Name+"-default-deny", &networkingv1.NetworkPolicyArgs{
			Metadata: withName(meta, "default-deny"),
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{},
				PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			},
		}, in); err != nil {
			return nil, err
		}
	}
	n.Names = names.ToStringArrayOutput()
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{"names": n.Names})
}

func namespace(ctx *pulumi.Context, n *Namespaces, spec Namespace, args *NamespacesArgs) (*corev1.Namespace, error) {
	level := spec.PodSecurity
	if level == "" {
		level = PodSecurityRestricted
	}
	l := labels(args.Labels)
	// Audit and warn stay restricted even where enforce is looser, so every pod that would not
	// pass restricted is still reported.
	for key, value := range map[string]string{
		naming.PodSecurityEnforce:                  string(level),
		naming.PodSecurityEnforce + "-version":     args.PodSecurityVersion,
		"pod-security.kubernetes.io/audit":         string(PodSecurityRestricted),
		"pod-security.kubernetes.io/audit-version": args.PodSecurityVersion,
		"pod-security.kubernetes.io/warn":          string(PodSecurityRestricted),
		"pod-security.kubernetes.io/warn-version":  args.PodSecurityVersion,
	} {
		l[key] = pulumi.String(value)
	}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String(spec.Name), Labels: l}
	if level != PodSecurityRestricted {
		meta.Annotations = pulumi.StringMap{naming.PodSecurityException: pulumi.String(spec.Exception)}
	}
	// A namespace holds its workloads' secrets and volume claims: deleting it deletes them.
	return corev1.NewNamespace(ctx, spec.Name, &corev1.NamespaceArgs{Metadata: meta}, kit.Stateful(n, args.Protect)...)
}

// labels are the estate's tags as Kubernetes labels, marked as managed by Pulumi.
func labels(base map[string]string) pulumi.StringMap {
	out := kit.Tags(base)
	out["app.kubernetes.io/managed-by"] = pulumi.String("pulumi")
	return out
}

func withName(meta *metav1.ObjectMetaArgs, name string) *metav1.ObjectMetaArgs {
	m := *meta
	m.Name = pulumi.String(name)
	return &m
}
