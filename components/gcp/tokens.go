package gcp

// Type tokens of the GCP components in this package. A token is part of the URN of every
// resource the component parents, so changing one replaces deployed resources unless the new
// token carries an alias; the token test in components/kit keeps them unique and shaped
// healthhub:<cloud>:<Name>.
const (
	TypeAlertChannels      = "healthhub:gcp:AlertChannels"
	TypeAuditTrail         = "healthhub:gcp:AuditTrail"
	TypeCache              = "healthhub:gcp:Cache"
	TypeDatabase           = "healthhub:gcp:Database"
	TypeDisasterRecovery   = "healthhub:gcp:DisasterRecovery"
	TypeKeys               = "healthhub:gcp:Keys"
	TypeSecrets            = "healthhub:gcp:Secrets"
	TypeSecureBucket       = "healthhub:gcp:SecureBucket"
	TypeWorkloadIdentities = "healthhub:gcp:WorkloadIdentities"
)
