package gcp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Secret Manager types.
const (
	TypeSecret        = "gcp:secretmanager/secret:Secret"
	TypeSecretVersion = "gcp:secretmanager/secretVersion:SecretVersion"
)

// secretReplicas: automatic replication lets Google place the secret in regions of its
// choosing, outside the allow-list, and its key would have to be a global one; user-managed
// replication names each region and the regional key that encrypts the replica there.
var secretReplicas = rules.Rule{
	Name:        "gcp-secretmanager-replicas-cmek",
	Cloud:       rules.CloudGCP,
	Description: "Secret Manager secrets use user-managed replication, every replica in an allowed region and encrypted with a customer-managed key of its region; automatic replication is refused, since Google picks its regions.",
	Sections:    []rules.Section{rules.Encryption, rules.RiskManagement},
	Unknown:     "locations fail; keys pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecret},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if _, auto := rules.Get(r.Inputs, "replication.auto"); auto {
			return []string{"replication.auto lets Google choose the secret's regions; use replication.userManaged with a replica in each allowed region you need"}
		}
		const replicas = "replication.userManaged.replicas"
		if len(rules.List(r.Inputs, replicas)) == 0 {
			return []string{replicas + " is empty"}
		}
		var out []string
		for i := range rules.List(r.Inputs, replicas) {
			at := fmt.Sprintf("%s[%d].", replicas, i)
			if loc := strings.ToLower(rules.Str(r.Inputs, at+"location")); !slices.Contains(cfg.AllowedRegions, loc) {
				out = append(out, fmt.Sprintf("%slocation is %q, outside the allowed regions (%s)", at, loc, strings.Join(cfg.AllowedRegions, ", ")))
			}
			if !rules.Present(r.Inputs, at+"customerManagedEncryption.kmsKeyName") {
				out = append(out, at+"customerManagedEncryption.kmsKeyName is not set")
			}
		}
		return out
	},
}

// secretValues keeps credentials out of the state and the plans in clear text: a secret's
// payload and the database passwords the provider would otherwise store as given.
var secretValues = rules.Rule{
	Name:        "gcp-secret-values-secret",
	Cloud:       rules.CloudGCP,
	Description: "Secret Manager payloads, Cloud SQL user passwords and instance root passwords are Pulumi secrets, never clear text in state or plans.",
	Sections:    []rules.Section{rules.Encryption, rules.Authentication},
	Unknown:     "a non-secret unknown fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecretVersion, TypeSQLUser, TypeSQLInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		field := map[string]string{TypeSecretVersion: "secretData", TypeSQLUser: "password", TypeSQLInstance: "rootPassword"}[r.Type]
		if v, ok := rules.Get(r.Inputs, field); ok && v != rules.Secret {
			return []string{field + " is in clear text; pass it as a Pulumi secret"}
		}
		return nil
	},
}
