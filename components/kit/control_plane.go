package kit

// ControlPlane says who runs a Kubernetes cluster's control plane: on a managed one the
// scheduler, controller manager and etcd are the cloud's, out of the estate's reach. The
// platform names it and the monitoring stack scrapes by it.
type ControlPlane string

const (
	ManagedEKS  ControlPlane = "eks"
	ManagedGKE  ControlPlane = "gke"
	ManagedAKS  ControlPlane = "aks"
	SelfManaged ControlPlane = "self-managed"
)
