package config

import (
	"fmt"
	"slices"
)

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
	// Clouds are the clouds whose estate reads the key; empty means every cloud. A secret is
	// required only on these clouds, and a key set on any other cloud is an error naming it.
	Clouds []string
}

// Keys lists every key the program reads.
//
// The secrets are scoped to the estate that reads them:
//   - databasePassword: Aurora in a global database cannot have Secrets Manager manage its
//     master password, so it comes from the stack. Cloud SQL and Azure's Flexible Server
//     authenticate through IAM and Entra ID: no password exists.
//   - cacheAuthToken: the Redis AUTH token, chosen by us, for ElastiCache and for the Redis the
//     AKS cluster runs (Key Vault keeps it for the cache and the backend). Memorystore
//     generates its own AUTH string.
//   - openaiApiKey, azureSpeechKey and googleVisionKey belong to the AWS serverless estate,
//     which no other cloud builds.
//   - pagerUrl is the on-call webhook every estate's alert channel calls.
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
	{Name: CloudAWS, Default: mustJSON(DefaultAWS), Clouds: []string{CloudAWS}},
	{Name: CloudGCP, Default: mustJSON(DefaultGCP), Clouds: []string{CloudGCP}},
	{Name: CloudAzure, Default: mustJSON(DefaultAzure), Clouds: []string{CloudAzure}},
	{Name: "workloads", Default: mustJSON(DefaultWorkloads)},
	{Name: KeyDatabasePassword, Secret: true, Clouds: []string{CloudAWS}},
	{Name: KeyCacheAuthToken, Secret: true, Clouds: []string{CloudAWS, CloudAzure}},
	{Name: KeyOpenAIApiKey, Secret: true, Clouds: []string{CloudAWS}},
	{Name: KeyAzureSpeechKey, Secret: true, Clouds: []string{CloudAWS}},
	{Name: KeyGoogleVisionKey, Secret: true, Clouds: []string{CloudAWS}},
	{Name: KeyPagerURL, Secret: true, Clouds: []string{CloudAWS, CloudGCP, CloudAzure}},
}

// RequiredSecrets names the secret keys a stack on the given cloud must set, in Keys order.
func RequiredSecrets(cloud string) []string {
	var out []string
	for _, k := range Keys {
		if k.Secret && (len(k.Clouds) == 0 || slices.Contains(k.Clouds, cloud)) {
			out = append(out, k.Name)
		}
	}
	return out
}

// SecretFix is the command that sets a secret key on a stack.
func SecretFix(key, stack string) string {
	if stack == "" {
		stack = "<stack>"
	}
	return fmt.Sprintf("pulumi config set --secret %s:%s <value> -s %s", Namespace, key, stack)
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
