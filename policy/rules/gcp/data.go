package gcp

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// The data stores: Cloud SQL for PostgreSQL and Memorystore for Redis.
const (
	TypeSQLInstance   = "gcp:sql/databaseInstance:DatabaseInstance"
	TypeSQLUser       = "gcp:sql/user:User"
	TypeRedisInstance = "gcp:redis/instance:Instance"
)

// isReplica is a Cloud SQL read replica: backed up and made highly available through its
// primary, and itself the DR copy when it sits in another region.
func isReplica(r rules.Resource) bool { return rules.Present(r.Inputs, "masterInstanceName") }

func isPostgres(r rules.Resource) bool {
	return strings.HasPrefix(rules.Str(r.Inputs, "databaseVersion"), "POSTGRES_")
}

var sqlEncrypted = rules.Rule{
	Name:        "gcp-sql-encrypted-cmek",
	Cloud:       rules.CloudGCP,
	Description: "Cloud SQL instances, replicas included (each with a key of its own region), encrypt storage and backups with a customer-managed Cloud KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeSQLInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !rules.Present(r.Inputs, "encryptionKeyName") {
			return []string{"encryptionKeyName is not set: the instance would use a Google-managed key"}
		}
		return nil
	},
}

// sqlPrivate: the provider's default gives an instance a public address; private IP (or
// Private Service Connect) keeps it on the VPC, and authorized networks would open it again.
var sqlPrivate = rules.Rule{
	Name:        "gcp-sql-private",
	Cloud:       rules.CloudGCP,
	Description: "Cloud SQL instances have no public IP (settings.ipConfiguration.ipv4Enabled false), are reached on a private network or through Private Service Connect, and list no authorized networks.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails (taken as public); the private network passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeSQLInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		const ip = "settings.ipConfiguration."
		var out []string
		if v, _ := rules.Get(r.Inputs, ip+"ipv4Enabled"); v != false {
			out = append(out, "settings.ipConfiguration.ipv4Enabled must be false: the instance would get a public IP")
		}
		psc := false
		for i := range rules.List(r.Inputs, ip+"pscConfigs") {
			psc = psc || rules.BoolTrue(r.Inputs, fmt.Sprintf(ip+"pscConfigs[%d].pscEnabled", i))
		}
		if !rules.Present(r.Inputs, ip+"privateNetwork") && !psc {
			out = append(out, "settings.ipConfiguration.privateNetwork is not set and Private Service Connect is off: the instance has no private address")
		}
		if v, ok := rules.Get(r.Inputs, ip+"authorizedNetworks"); ok && (rules.IsUnknown(v) || len(rules.List(r.Inputs, ip+"authorizedNetworks")) > 0) {
			out = append(out, "settings.ipConfiguration.authorizedNetworks must be empty")
		}
		return out
	},
}

// tlsModes refuse unencrypted connections; the second also asks clients for a certificate.
var tlsModes = []string{"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}

var sqlTLS = rules.Rule{
	Name:        "gcp-sql-tls-enforced",
	Cloud:       rules.CloudGCP,
	Description: "Cloud SQL instances refuse unencrypted connections (settings.ipConfiguration.sslMode ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED).",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSQLInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if m := rules.Str(r.Inputs, "settings.ipConfiguration.sslMode"); !slices.Contains(tlsModes, m) {
			return []string{fmt.Sprintf("settings.ipConfiguration.sslMode is %q; must be %s", m, strings.Join(tlsModes, " or "))}
		}
		return nil
	},
}

// sqlBackupFloor is the number of daily backups Cloud SQL keeps: a policy config's floor,
// else 30 in production (the estate's config asks as much) and 7 elsewhere (Cloud SQL's
// default). Cloud SQL counts backups rather than days, unlike the RDS floor of BackupFloor.
func sqlBackupFloor(cfg rules.Config) int64 {
	switch {
	case cfg.BackupRetentionDays > 0:
		return int64(cfg.BackupRetentionDays)
	case cfg.Production():
		return 30
	}
	return 7
}

var sqlBackups = rules.Rule{
	Name:        "gcp-sql-backups",
	Cloud:       rules.CloudGCP,
	Description: "Cloud SQL primaries take automated backups with point-in-time recovery and keep at least 30 of them in production, 7 elsewhere; a read replica is backed up through its primary.",
	Sections:    []rules.Section{rules.DataBackupPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSQLInstance},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if isReplica(r) {
			return nil
		}
		const b = "settings.backupConfiguration."
		var out []string
		if !rules.BoolTrue(r.Inputs, b+"enabled") {
			out = append(out, b+"enabled must be true")
		}
		// MySQL recovers to a point in time from its binary log; the others from the
		// write-ahead or transaction log that this switch keeps.
		pitr := "pointInTimeRecoveryEnabled"
		if strings.HasPrefix(rules.Str(r.Inputs, "databaseVersion"), "MYSQL_") {
			pitr = "binaryLogEnabled"
		}
		if !rules.BoolTrue(r.Inputs, b+pitr) {
			out = append(out, b+pitr+" must be true for point-in-time recovery")
		}
		kept, ok := rules.Number(r.Inputs, b+"backupRetentionSettings.retainedBackups")
		if _, set := rules.Get(r.Inputs, b+"backupRetentionSettings.retainedBackups"); !set {
			kept, ok = 7, true // Cloud SQL's default
		}
		if floor := sqlBackupFloor(cfg); !ok || kept < floor {
			out = append(out, fmt.Sprintf(b+"backupRetentionSettings.retainedBackups is %d; at least %d", kept, floor))
		}
		return out
	},
}

var sqlHighAvailability = rules.Rule{
	Name:        "gcp-sql-high-availability",
	Cloud:       rules.CloudGCP,
	Description: "In production, Cloud SQL primaries are regional (settings.availabilityType REGIONAL): a standby in another zone takes over within the region.",
	Sections:    []rules.Section{rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSQLInstance},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if !cfg.Production() || isReplica(r) {
			return nil
		}
		if a := rules.Str(r.Inputs, "settings.availabilityType"); a != "REGIONAL" {
			return []string{fmt.Sprintf("settings.availabilityType is %q; must be REGIONAL in production", a)}
		}
		return nil
	},
}

// postgresAuditFlags log who connected and what they did (Prowler's
// cloudsql_instance_postgres_* checks), and let people sign in as themselves through IAM
// rather than as a shared database user. pgaudit records nothing until pgaudit.log names
// the classes to log, so enabling the extension alone is not enough.
var postgresAuditFlags = map[string]string{
	"cloudsql.enable_pgaudit":     "on",
	"log_connections":             "on",
	"log_disconnections":          "on",
	"cloudsql.iam_authentication": "on",
}

var sqlAuditFlags = rules.Rule{
	Name:        "gcp-sql-audit-flags",
	Cloud:       rules.CloudGCP,
	Description: "Cloud SQL for PostgreSQL instances set cloudsql.enable_pgaudit, log_connections, log_disconnections and cloudsql.iam_authentication on, and pgaudit.log to the classes to record.",
	Sections:    []rules.Section{rules.AuditControls, rules.UniqueUserID},
	Unknown:     "flags fail",
	Level:       rules.Mandatory,
	Types:       []string{TypeSQLInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !isPostgres(r) {
			return nil
		}
		flags := map[string]string{}
		for i := range rules.List(r.Inputs, "settings.databaseFlags") {
			at := fmt.Sprintf("settings.databaseFlags[%d].", i)
			flags[rules.Str(r.Inputs, at+"name")] = rules.Str(r.Inputs, at+"value")
		}
		var out []string
		for _, name := range slices.Sorted(maps.Keys(postgresAuditFlags)) {
			if want := postgresAuditFlags[name]; !strings.EqualFold(flags[name], want) {
				out = append(out, fmt.Sprintf("database flag %s is %q; must be %s", name, flags[name], want))
			}
		}
		if l := flags["pgaudit.log"]; l == "" || strings.EqualFold(l, "none") {
			out = append(out, `database flag pgaudit.log is not set: pgaudit records nothing until it names the classes to log (such as "write,ddl,role")`)
		}
		return out
	},
}

var redisEncrypted = rules.Rule{
	Name:        "gcp-redis-encrypted",
	Cloud:       rules.CloudGCP,
	Description: "Memorystore for Redis encrypts data at rest with a customer-managed key and requires TLS in transit (transitEncryptionMode SERVER_AUTHENTICATION).",
	Sections:    []rules.Section{rules.Encryption, rules.TransmissionSecurity},
	Unknown:     "mode fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeRedisInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.Present(r.Inputs, "customerManagedKey") {
			out = append(out, "customerManagedKey is not set")
		}
		if m := rules.Str(r.Inputs, "transitEncryptionMode"); m != "SERVER_AUTHENTICATION" {
			out = append(out, fmt.Sprintf("transitEncryptionMode is %q; must be SERVER_AUTHENTICATION", m))
		}
		return out
	},
}

// redisPrivateAuth: without AUTH any client on the network reads the cache; direct peering
// exposes it to the peered network rather than through private service access.
var redisPrivateAuth = rules.Rule{
	Name:        "gcp-redis-auth-private",
	Cloud:       rules.CloudGCP,
	Description: "Memorystore for Redis requires AUTH (authEnabled) and is reached through private service access (connectMode PRIVATE_SERVICE_ACCESS).",
	Sections:    []rules.Section{rules.AccessControl, rules.Authentication},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRedisInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "authEnabled") {
			out = append(out, "authEnabled must be true: any client on the network could read the cache")
		}
		if m := rules.Str(r.Inputs, "connectMode"); m != "PRIVATE_SERVICE_ACCESS" {
			out = append(out, fmt.Sprintf("connectMode is %q; must be PRIVATE_SERVICE_ACCESS", m))
		}
		return out
	},
}

// redisResilience is advisory, as on AWS: the cache holds sessions and derived data that the
// database can rebuild, so a standby and snapshots are the team's call.
var redisResilience = rules.Rule{
	Name:        "gcp-redis-resilience",
	Cloud:       rules.CloudGCP,
	Description: "Memorystore for Redis keeps RDB snapshots and, in production, a standby in another zone (tier STANDARD_HA). Advisory: a cache is rebuilt from the system of record.",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Advisory,
	Types:       []string{TypeRedisInstance},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		var out []string
		if m := rules.Str(r.Inputs, "persistenceConfig.persistenceMode"); m != "RDB" {
			out = append(out, fmt.Sprintf("persistenceConfig.persistenceMode is %q; RDB keeps snapshots", m))
		}
		if t := rules.Str(r.Inputs, "tier"); cfg.Production() && t != "STANDARD_HA" {
			out = append(out, fmt.Sprintf("tier is %q; STANDARD_HA keeps a standby in production", t))
		}
		return out
	},
}
