package kubernetes

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// RBAC types the access rules inspect.
const (
	TypeRoleBinding        = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
	TypeClusterRoleBinding = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
)

// noClusterAdmin keeps the cluster's superuser role for the cluster's own principals: a person
// or workload bound to cluster-admin reads every secret of every namespace, PHI included.
var noClusterAdmin = rules.Rule{
	Name:        "kubernetes-rbac-no-cluster-admin",
	Cloud:       rules.CloudKubernetes,
	Description: "No role binding grants cluster-admin to anyone but the cluster's own principals (system: users and groups, kube-system service accounts).",
	Sections:    []rules.Section{rules.AccessControl, rules.InformationAccess},
	Unknown:     "an unknown role passes (a role of the same update); unknown subjects fail",
	Level:       rules.Mandatory,
	Types:       []string{TypeRoleBinding, TypeClusterRoleBinding},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if rules.Str(r.Inputs, "roleRef.name") != "cluster-admin" {
			return nil
		}
		if v, _ := rules.Get(r.Inputs, "subjects"); rules.IsUnknown(v) {
			return []string{"binds cluster-admin to subjects unknown at preview"}
		}
		var out []string
		for i := range rules.List(r.Inputs, "subjects") {
			kind := rules.Str(r.Inputs, fmt.Sprintf("subjects[%d].kind", i))
			name := rules.Str(r.Inputs, fmt.Sprintf("subjects[%d].name", i))
			namespace := rules.Str(r.Inputs, fmt.Sprintf("subjects[%d].namespace", i))
			system := strings.HasPrefix(name, "system:") || (kind == "ServiceAccount" && namespace == "kube-system")
			if !system {
				out = append(out, fmt.Sprintf("binds cluster-admin to %s %q; grant a role that names what it may do", kind, name))
			}
		}
		return out
	},
}

// TypeServiceAccount is a workload's identity on the cluster.
const TypeServiceAccount = "kubernetes:core/v1:ServiceAccount"

// serviceAccountNoAutomount turns the token off where it is issued, so a pod that forgets to
// opt out still gets no API credential; a pod that needs one mounts a projected token.
var serviceAccountNoAutomount = rules.Rule{
	Name:        "kubernetes-serviceaccount-no-token-automount",
	Cloud:       rules.CloudKubernetes,
	Description: "Every ServiceAccount sets automountServiceAccountToken false (NSA/CISA Kubernetes Hardening Guidance).",
	Sections:    []rules.Section{rules.AccessControl, rules.Authentication},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeServiceAccount},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if v, _ := rules.Get(r.Inputs, "automountServiceAccountToken"); v != false {
			return []string{"automountServiceAccountToken must be false"}
		}
		return nil
	},
}
