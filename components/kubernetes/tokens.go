package kubernetes

// Component type tokens. The module is the cluster's, not a cloud's: the same components run on
// every cloud's cluster.
const (
	TypeNamespaces = "healthhub:kubernetes:Namespaces"
	TypeAccess     = "healthhub:kubernetes:Access"
	TypeMonitoring = "healthhub:kubernetes:Monitoring"
)
