package config

// Environments, clouds and the HIPAA floor are the allowed values the validator names in its
// messages.
const (
	EnvProduction = "production"
	EnvStaging    = "staging"
	EnvDev        = "dev"

	CloudAWS   = "aws"
	CloudGCP   = "gcp"
	CloudAzure = "azure"

	// HIPAARetentionFloorDays is six years (45 CFR 164.316(b)(2)(i)): PHI records, backups and
	// audit logs are kept at least this long.
	HIPAARetentionFloorDays = 2190
)

var (
	Environments = []string{EnvProduction, EnvStaging, EnvDev}
	Clouds       = []string{CloudAWS, CloudGCP, CloudAzure}
	NatModes     = []string{"per-az", "single"}
)

// Key is one healthhub:* key. Default is the raw string Pulumi would hand the program; an empty
// Default means the key is required. Pulumi.yaml declares the same keys and defaults, and a test
// keeps the two in step.
type Key struct {
	Name    string
	Default string
	// Secret keys are set with `pulumi config set --secret` and read by the estate as secret
	// outputs (SecretKeys), so their values never land in Config, plans or logs.
	Secret bool
}

// Keys lists every key the program reads.
var Keys = []Key{
	{Name: "cloud", Default: CloudAWS},
	{Name: "environment"},
	{Name: "primaryRegion"},
	{Name: "drRegion"},
	{Name: "allowedRegions"},
	{Name: "allowedCountries", Default: `["GB","IE","US"]`},
	{Name: "retentionDays", Default: "2555"},
	{Name: "logRetentionDays", Default: "2192"},
	{Name: "alertEmail"},
	{Name: "owner"},
	{Name: "costCentre"},
	{Name: "aws", Default: `{"vpcCidr":"10.20.0.0/16","drVpcCidr":"10.21.0.0/16","availabilityZones":3,"natGateways":"per-az",` +
		`"database":{"engineVersion":"16.4","instanceClass":"db.r6g.large","instances":2,"backupRetentionDays":35},` +
		`"cache":{"engineVersion":"7.1","nodeType":"cache.r7g.large","nodes":2},` +
		`"loadBalancer":{"certificateArn":"","targetPort":8443,"rateLimit":2000},` +
		`"eks":{"kubernetesVersion":"1.31","nodeGroups":{` +
		`"system":{"instanceType":"m7i.large","min":2,"max":4},` +
		`"app":{"instanceType":"m7i.xlarge","min":3,"max":12},` +
		`"gpu":{"instanceType":"g5.xlarge","min":0,"max":4}}},` +
		`"api":{"domainName":"","certificateArn":"","rateLimit":100,"burstLimit":200},` +
		`"frontend":{"domainName":"","certificateArn":""},"monthlyBudgetUsd":20000,` +
		`"tables":{"provisioned":false,"minCapacity":10,"maxCapacity":1000,"targetUtilization":70}}`},
	{Name: KeyDatabasePassword, Secret: true},
	{Name: KeyCacheAuthToken, Secret: true},
	{Name: KeyOpenAIApiKey, Secret: true},
	{Name: KeyAzureSpeechKey, Secret: true},
	{Name: KeyGoogleVisionKey, Secret: true},
	{Name: KeyPagerURL, Secret: true},
}

// KeyPagerURL is the on-call pager's HTTPS webhook, which receives critical alarms.
const KeyPagerURL = "pagerUrl"

// The AI providers' API keys, which the estate holds in Secrets Manager.
const (
	KeyOpenAIApiKey    = "openaiApiKey"
	KeyAzureSpeechKey  = "azureSpeechKey"
	KeyGoogleVisionKey = "googleVisionKey"
)

// KeyCacheAuthToken is the Redis auth token every client presents over TLS.
const KeyCacheAuthToken = "cacheAuthToken"

// SecretPlaceholder stands for a secret's value wherever only its presence matters.
const SecretPlaceholder = "[secret]"

// KeyDatabasePassword is the Aurora master password. Aurora cannot let Secrets Manager manage
// the password of a cluster in a global database, which the DR copy needs, so it comes from
// the stack's encrypted config.
const KeyDatabasePassword = "databasePassword"

// cloudWatchRetention is the set of retention periods CloudWatch Logs accepts.
var cloudWatchRetention = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
