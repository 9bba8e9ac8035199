package edge

// Type tokens of the edge components; see components/azure/tokens.go.
const (
	TypeLoadBalancer = "healthhub:azure:LoadBalancer"
	TypeWebFirewall  = "healthhub:azure:WebFirewall"
)
