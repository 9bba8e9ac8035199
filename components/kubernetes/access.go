package kubernetes

import (
	"fmt"
	"strings"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// AccessArgs bind people to what they may do on the cluster, by the groups the cloud's
// identity provider puts them in.
type AccessArgs struct {
	// Namespaces are where operators deploy.
	Namespaces []string
	// OperatorGroups may deploy and inspect the workloads of those namespaces, but never read
	// a secret or exec into a pod: a deployer is not a reader of PHI.
	OperatorGroups []string
	// AuditorGroups may read, across the cluster, everything an auditor asks for (workloads,
	// policies, RBAC, quotas, events) and nothing that holds data (secrets, config maps, logs).
	AuditorGroups []string
	Labels        map[string]string
}

// Access is the estate's RBAC: an operator Role and its binding in every namespace, and one
// auditor ClusterRole with its binding. It never binds cluster-admin.
type Access struct {
	pulumi.ResourceState
}

// operatorRules: deploy and operate, no secrets, no pods/exec or attach, no RBAC changes.
var operatorRules = []rule{
	{[]string{"apps"}, []string{"deployments", "replicasets", "statefulsets"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{"autoscaling"}, []string{"horizontalpodautoscalers"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{"policy"}, []string{"poddisruptionbudgets"}, []string{"get", "list", "watch", "create", "update", "patch", "delete"}},
	{[]string{""}, []string{"pods", "services", "events", "endpoints"}, []string{"get", "list", "watch"}},
	{[]string{"networking.k8s.io"}, []string{"ingresses", "networkpolicies"}, []string{"get", "list", "watch"}},
}

// auditorRules: read what shows how the estate is configured and who may do what.
var auditorRules = []rule{
	{[]string{""}, []string{"namespaces", "pods", "services", "serviceaccounts", "events", "resourcequotas", "limitranges", "persistentvolumeclaims", "nodes"}, []string{"get", "list", "watch"}},
	{[]string{"apps"}, []string{"deployments", "replicasets", "statefulsets", "daemonsets"}, []string{"get", "list", "watch"}},
	{[]string{"batch"}, []string{"jobs", "cronjobs"}, []string{"get", "list", "watch"}},
	{[]string{"autoscaling"}, []string{"horizontalpodautoscalers"}, []string{"get", "list", "watch"}},
	{[]string{"policy"}, []string{"poddisruptionbudgets"}, []string{"get", "list", "watch"}},
	{[]string{"networking.k8s.io"}, []string{"ingresses", "networkpolicies"}, []string{"get", "list", "watch"}},
	{[]string{"rbac.authorization.k8s.io"}, []string{"roles", "rolebindings", "clusterroles", "clusterrolebindings"}, []string{"get", "list", "watch"}},
}

type rule struct{ groups, resources, verbs []string }

func policyRules(rules []rule) rbacv1.PolicyRuleArray {
	out := make(rbacv1.PolicyRuleArray, len(rules))
	for i, r := range rules {
		out[i] = rbacv1.PolicyRuleArgs{
			ApiGroups: pulumi.ToStringArray(r.groups), Resources: pulumi.ToStringArray(r.resources), Verbs: pulumi.ToStringArray(r.verbs),
		}
	}
	return out
}

func groups(names []string) rbacv1.SubjectArray {
	out := make(rbacv1.SubjectArray, len(names))
	for i, g := range names {
		out[i] = rbacv1.SubjectArgs{Kind: pulumi.String("Group"), Name: pulumi.String(g), ApiGroup: pulumi.String("rbac.authorization.k8s.io")}
	}
	return out
}

// Validate checks the Args before anything is registered.
func (a *AccessArgs) Validate() error {
	const c = "Access"
	if len(a.Namespaces) == 0 {
		return kit.ArgError(c, "Namespaces", "[]", "required: the namespaces operators deploy to")
	}
	for field, list := range map[string][]string{"OperatorGroups": a.OperatorGroups, "AuditorGroups": a.AuditorGroups} {
		if len(list) == 0 {
			return kit.ArgError(c, field, "[]", "required: the identity provider's groups; access is never granted to named users")
		}
		for i, g := range list {
			// system: groups are the cluster's own; system:masters is cluster-admin by another name.
			if g == "" || strings.HasPrefix(g, "system:") {
				return kit.ArgError(c, fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%q", g), "must be a group of the identity provider, not empty and not a system: group")
			}
		}
	}
	return kit.RequireTags(c, a.Labels)
}

// NewAccess creates the roles and bindings; the provider comes from the options.
func NewAccess(ctx *pulumi.Context, name string, args *AccessArgs, opts ...pulumi.ResourceOption) (*Access, error) {
	a := &Access{}
	if err := kit.Register(ctx, TypeAccess, name, args, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	l := labels(args.Labels)
	for _, ns := range args.Namespaces {
		role, err := rbacv1.NewRole(ctx, ns+"-operator", &rbacv1.RoleArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("operator"), Namespace: pulumi.String(ns), Labels: l},
			Rules:    policyRules(operatorRules),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := rbacv1.NewRoleBinding(ctx, ns+"-operator", &rbacv1.RoleBindingArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("operator"), Namespace: pulumi.String(ns), Labels: l},
			RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("Role"), Name: role.Metadata.Name().Elem()},
			Subjects: groups(args.OperatorGroups),
		}, parent); err != nil {
			return nil, err
		}
	}
	auditor, err := rbacv1.NewClusterRole(ctx, "healthhub-auditor", &rbacv1.ClusterRoleArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("healthhub-auditor"), Labels: l},
		Rules:    policyRules(auditorRules),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := rbacv1.NewClusterRoleBinding(ctx, "healthhub-auditor", &rbacv1.ClusterRoleBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("healthhub-auditor"), Labels: l},
		RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: auditor.Metadata.Name().Elem()},
		Subjects: groups(args.AuditorGroups),
	}, parent); err != nil {
		return nil, err
	}
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{})
}
