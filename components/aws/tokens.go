package aws

// Type tokens of the AWS components. A token is part of the URN of every resource the
// component parents, so changing one replaces deployed resources unless the new token carries
// an alias; the token test in components/kit keeps them unique and shaped
// healthhub:<cloud>:<Name>.
const (
	TypeAuditTrail       = "healthhub:aws:AuditTrail"
	TypeCache            = "healthhub:aws:Cache"
	TypeDatabase         = "healthhub:aws:Database"
	TypeDisasterRecovery = "healthhub:aws:DisasterRecovery"
	TypeEksCluster       = "healthhub:aws:EksCluster"
	TypeKeys             = "healthhub:aws:Keys"
	TypeLoadBalancer     = "healthhub:aws:LoadBalancer"
	TypeNetwork          = "healthhub:aws:Network"
	TypePlatformAlarms   = "healthhub:aws:PlatformAlarms"
	TypeSecureBucket     = "healthhub:aws:SecureBucket"
	TypeSecurityAlerts   = "healthhub:aws:SecurityAlerts"
	TypeStateBackend     = "healthhub:aws:StateBackend"
	TypeWebFirewall      = "healthhub:aws:WebFirewall"
	TypeWorkloadRoles    = "healthhub:aws:WorkloadRoles"
)
