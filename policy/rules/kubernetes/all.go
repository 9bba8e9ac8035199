package kubernetes

import "github.com/healthhub/estate/policy/rules"

// Rules are the Kubernetes workload rules.
var Rules = []rules.Rule{
	namespaceRestricted, namespaceDefaultDeny, noClusterAdmin, serviceAccountNoAutomount,
	podRestricted, podReadOnlyRoot, podNoTokenAutomount, imageDigest, containerResources, containerProbes,
	disruptionBudget, ingressTLS, ingressWAF, ingressGCESSLPolicy, ingressGCEWAF, serviceNotExposed, helmPinned, secretValuesSecret, kubeconfigSecret,
	awaitReadiness, admissionPolicies,
}

// Profile tells the cross-cloud rules about Kubernetes: its provider is not regional (its
// resources live where their cluster does), and it has no stateful type the estate creates yet.
var Profile = rules.Profile{Cloud: rules.CloudKubernetes, Package: "kubernetes"}
