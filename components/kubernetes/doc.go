// Package kubernetes holds the components that run the medical AI system on whichever cluster
// the cloud's build returned: every resource goes through an explicit provider built from the
// platform's kubeconfig, never through an ambient one, so the workloads are the same on EKS,
// GKE and AKS.
package kubernetes
