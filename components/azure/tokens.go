package azure

// Type tokens of the Azure components in this package. A token is part of the URN of every
// resource the component parents, so changing one replaces deployed resources unless the new
// token carries an alias; the token test in components/kit keeps them unique and shaped
// healthhub:<cloud>:<Name>.
const (
	TypeAlertChannels      = "healthhub:azure:AlertChannels"
	TypeAuditTrail         = "healthhub:azure:AuditTrail"
	TypeDatabase           = "healthhub:azure:Database"
	TypeDiagnostics        = "healthhub:azure:Diagnostics"
	TypeDisasterRecovery   = "healthhub:azure:DisasterRecovery"
	TypeKeys               = "healthhub:azure:Keys"
	TypeSecrets            = "healthhub:azure:Secrets"
	TypeSecureStorage      = "healthhub:azure:SecureStorage"
	TypeWorkloadIdentities = "healthhub:azure:WorkloadIdentities"
)
