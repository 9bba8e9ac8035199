package aws

import "github.com/healthhub/estate/components/aws/kit"

// The shared pieces under the names this package has always used.
var (
	argError      = kit.ArgError
	stateful      = kit.Stateful
	tags          = kit.Tags
	requireTags   = kit.RequireTags
	lookupAccount = kit.LookupAccount
	serviceRole   = kit.ServiceRole
	trustPolicy   = kit.TrustPolicy
	policyJSON    = kit.PolicyJSON
	clientCidrs   = kit.ClientCidrs
)

// account is where a component is being deployed.
type account = kit.Account

// MinRetentionDays is the HIPAA six-year floor (45 CFR 164.316(b)(2)(i)).
const MinRetentionDays = kit.MinRetentionDays
