package serverless

// Type tokens of the serverless components. They stay in the healthhub:aws module beside the
// platform's components, although this is a package of its own: the token's middle part names
// the cloud a component is built on (Lambda, DynamoDB, API Gateway, CloudFront), not the Go
// package that holds it, and these components are AWS-only. A module of their own
// (healthhub:serverless:*) would say less and would change the URN of every deployed table,
// function and secret, which then needs an alias on each to avoid a replacement. The token
// test in components/kit keeps every token unique across packages, so Table here cannot
// collide with a platform component of the same name.
const (
	TypeAlarms     = "healthhub:aws:Alarms"
	TypeFrontend   = "healthhub:aws:Frontend"
	TypeFunction   = "healthhub:aws:Function"
	TypeSecrets    = "healthhub:aws:Secrets"
	TypeServiceApi = "healthhub:aws:ServiceApi"
	TypeTable      = "healthhub:aws:Table"
)
