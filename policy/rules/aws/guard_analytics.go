package aws

import (
	"fmt"
	"slices"

	"github.com/healthhub/estate/policy/rules"
)

// Analytics and integration types: Athena queries PHI in the buckets and writes results
// beside it; AppFlow moves records between SaaS systems and the estate.
const (
	TypeAthenaDatabase   = "aws:athena/database:Database"
	TypeAthenaWorkgroup  = "aws:athena/workgroup:Workgroup"
	TypeAppFlowFlow      = "aws:appflow/flow:Flow"
	TypeAppFlowConnector = "aws:appflow/connectorProfile:ConnectorProfile"
)

// Where a database and a workgroup keep their result encryption.
const (
	athenaDatabaseEncryption = "encryptionConfiguration"
	athenaResultEncryption   = "configuration.resultConfiguration.encryptionConfiguration"
)

// athenaKMSOptions are the result encryption options that use a KMS key; SSE_S3 uses a key
// no one can audit or revoke.
var athenaKMSOptions = []string{"SSE_KMS", "CSE_KMS"}

// athenaEncrypted: query results are PHI as much as the tables they come from. A workgroup
// that does not enforce its configuration lets each client choose its own result settings,
// unencrypted included.
var athenaEncrypted = rules.Rule{
	Name:        "aws-athena-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "Athena databases and workgroups encrypt query results with SSE-KMS or CSE-KMS under a customer-managed key, and workgroups enforce their configuration so a client cannot override it.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "option and enforcement fail; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeAthenaDatabase, TypeAthenaWorkgroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		p, key := athenaDatabaseEncryption, athenaDatabaseEncryption+".kmsKey"
		if r.Type == TypeAthenaWorkgroup {
			p, key = athenaResultEncryption, athenaResultEncryption+".kmsKeyArn"
		}
		var out []string
		if o := rules.Str(r.Inputs, p+".encryptionOption"); !slices.Contains(athenaKMSOptions, o) {
			out = append(out, fmt.Sprintf("%s.encryptionOption is %q; must be SSE_KMS or CSE_KMS", p, o))
		}
		if ok, why := customerKey(r.Inputs, key); !ok {
			out = append(out, why)
		}
		// The provider's default is to enforce; only a value other than true weakens it.
		if v, set := rules.Get(r.Inputs, "configuration.enforceWorkgroupConfiguration"); r.Type == TypeAthenaWorkgroup && set && v != true {
			out = append(out, fmt.Sprintf("configuration.enforceWorkgroupConfiguration is %v; must be true so clients cannot override result encryption", v))
		}
		return out
	},
}

// appFlowEncrypted: without a key of the estate's, AppFlow encrypts flow data and connector
// credentials under its AWS-managed key.
var appFlowEncrypted = rules.Rule{
	Name:        "aws-appflow-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "AppFlow flows and connector profiles encrypt data and credentials with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeAppFlowFlow, TypeAppFlowConnector},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if ok, why := customerKey(r.Inputs, "kmsArn"); !ok {
			return []string{why + " (AppFlow would use its AWS-managed key)"}
		}
		return nil
	},
}
