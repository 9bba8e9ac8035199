// Package workloadstest is what the stacks' tests share about the workloads on the cluster:
// the resources the workloads step registers, the same on every cloud.
package workloadstest

import "maps"

// With is a cloud's own counts by type plus the workloads' for a stack that configures the
// frontend, the backend and model serving; a cloud's ingress controller objects are the
// cloud's to add.
func With(cloud map[string]int) map[string]int {
	out := maps.Clone(cloud)
	for typ, n := range counts {
		out[typ] += n
	}
	return out
}

// WithInClusterCache is With for a platform that asks the workloads to run the cache in the
// cluster (platform.Cache.InCluster, AKS): the cache's namespace and what runs in it come on
// top.
func WithInClusterCache(cloud map[string]int) map[string]int {
	out := With(cloud)
	for typ, n := range inClusterCache {
		out[typ] += n
	}
	return out
}

var inClusterCache = map[string]int{
	// The cache's namespace, with the same admission, quota, defaults and default deny as the
	// others, and its operator Role and binding; no DNS policy, as Redis resolves no names.
	"kubernetes:core/v1:Namespace":                        1,
	"kubernetes:core/v1:ResourceQuota":                    1,
	"kubernetes:core/v1:LimitRange":                       1,
	"kubernetes:rbac.authorization.k8s.io/v1:Role":        1,
	"kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
	// Redis: a StatefulSet with its ServiceAccount, SecretProviderClass (certificate and token),
	// Service and disruption budget, and its own policy: in from the backend, out to nothing.
	"healthhub:kubernetes:Cache":                                   1,
	"kubernetes:apps/v1:StatefulSet":                               1,
	"kubernetes:core/v1:ServiceAccount":                            1,
	"kubernetes:core/v1:Service":                                   1,
	"kubernetes:policy/v1:PodDisruptionBudget":                     1,
	"kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass": 1,
	"kubernetes:networking.k8s.io/v1:NetworkPolicy":                2,
}

var counts = map[string]int{
	// The workloads on the cluster: frontend, backend, model serving and monitoring, each with
	// Pod Security admission, a quota, container defaults and a default-deny policy.
	"pulumi:providers:kubernetes":                   1,
	"healthhub:kubernetes:Namespaces":               1,
	"kubernetes:core/v1:Namespace":                  4,
	"kubernetes:core/v1:ResourceQuota":              4,
	"kubernetes:core/v1:LimitRange":                 4,
	"kubernetes:networking.k8s.io/v1:NetworkPolicy": 12,
	// Access: an operator Role and binding per namespace, the auditor ClusterRole and binding.
	"healthhub:kubernetes:Access":                                1,
	"kubernetes:rbac.authorization.k8s.io/v1:Role":               4,
	"kubernetes:rbac.authorization.k8s.io/v1:RoleBinding":        4,
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRole":        1,
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": 1,
	// The API server's own controls: six ValidatingAdmissionPolicies, each bound to deny.
	"healthhub:kubernetes:AdmissionPolicies":                                      1,
	"kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy":        6,
	"kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding": 6,
	// The apps: frontend, backend and model serving, each a Deployment with its ServiceAccount,
	// Service, autoscaler and disruption budget; the backend's secrets through the CSI driver.
	"healthhub:kubernetes:Workload":                                3,
	"kubernetes:apps/v1:Deployment":                                3,
	"kubernetes:core/v1:ServiceAccount":                            3,
	"kubernetes:core/v1:Service":                                   3,
	"kubernetes:autoscaling/v2:HorizontalPodAutoscaler":            3,
	"kubernetes:policy/v1:PodDisruptionBudget":                     3,
	"kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass": 1,
	// Their flows (DNS per namespace, each app's flows, the monitoring stack's) and the
	// frontend's Ingress through the platform's controller.
	"healthhub:kubernetes:NetworkPolicies":    1,
	"healthhub:kubernetes:Ingress":            1,
	"kubernetes:networking.k8s.io/v1:Ingress": 1,
	// Monitoring: kube-prometheus-stack on the encrypted storage class, and the healthcare alerts.
	"healthhub:kubernetes:StorageClass":                  1,
	"kubernetes:storage.k8s.io/v1:StorageClass":          1,
	"healthhub:kubernetes:Monitoring":                    1,
	"kubernetes:helm.sh/v3:Release":                      1,
	"kubernetes:monitoring.coreos.com/v1:PrometheusRule": 4,
}
