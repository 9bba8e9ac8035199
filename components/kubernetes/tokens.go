package kubernetes

// Component type tokens. The module is the cluster's, not a cloud's: the same components run on
// every cloud's cluster.
const (
	TypeNamespaces        = "healthhub:kubernetes:Namespaces"
	TypeAccess            = "healthhub:kubernetes:Access"
	TypeNetworkPolicies   = "healthhub:kubernetes:NetworkPolicies"
	TypeIngress           = "healthhub:kubernetes:Ingress"
	TypeStorageClass      = "healthhub:kubernetes:StorageClass"
	TypeWorkload          = "healthhub:kubernetes:Workload"
	TypeMonitoring        = "healthhub:kubernetes:Monitoring"
	TypeAdmissionPolicies = "healthhub:kubernetes:AdmissionPolicies"
	TypeCache             = "healthhub:kubernetes:Cache"
)
