package edge

// Type tokens of the GCP edge components. A token is part of the URN of every resource the
// component parents, so changing one replaces deployed resources unless the new token carries
// an alias; the token test in components/kit keeps them unique and shaped
// healthhub:<cloud>:<Name>.
const (
	TypeLoadBalancer = "healthhub:gcp:LoadBalancer"
	TypeWebFirewall  = "healthhub:gcp:WebFirewall"
)
