package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

// flags are database flags as the settings list them.
func flags(kv ...string) []any {
	var out []any
	for i := 0; i < len(kv); i += 2 {
		out = append(out, map[string]any{"name": kv[i], "value": kv[i+1]})
	}
	return out
}

var auditedPostgres = flags(
	"cloudsql.iam_authentication", "on", "cloudsql.enable_pgaudit", "on", "pgaudit.log", "ddl,role,write",
	"log_connections", "on", "log_disconnections", "on",
)

// primaryDB is a production primary as the estate's database component writes it.
func primaryDB() map[string]any {
	return map[string]any{
		"name":               "healthhub-prod-db",
		"region":             "europe-west2",
		"databaseVersion":    "POSTGRES_16",
		"encryptionKeyName":  rules.Unknown,
		"deletionProtection": true,
		"settings": map[string]any{
			"availabilityType":          "REGIONAL",
			"deletionProtectionEnabled": true,
			"ipConfiguration":           map[string]any{"ipv4Enabled": false, "privateNetwork": rules.Unknown, "sslMode": "ENCRYPTED_ONLY"},
			"backupConfiguration": map[string]any{
				"enabled": true, "pointInTimeRecoveryEnabled": true,
				"backupRetentionSettings": map[string]any{"retainedBackups": int64(35), "retentionUnit": "COUNT"},
			},
			"databaseFlags": auditedPostgres,
			"userLabels":    map[string]any{"environment": "production", "data-classification": "phi", "owner": "platform"},
		},
	}
}

// setting returns the instance with one of its settings changed (removed when v is nil).
func setting(inputs map[string]any, k string, v any) map[string]any {
	return nested(inputs, "settings", k, v)
}

// ipConfig returns the instance with one of its IP settings changed.
func ipConfig(inputs map[string]any, k string, v any) map[string]any {
	ip, _ := inputs["settings"].(map[string]any)["ipConfiguration"].(map[string]any)
	return setting(inputs, "ipConfiguration", with(ip, k, v))
}

// backups returns the instance with one of its backup settings changed.
func backups(inputs map[string]any, k string, v any) map[string]any {
	b, _ := inputs["settings"].(map[string]any)["backupConfiguration"].(map[string]any)
	return setting(inputs, "backupConfiguration", with(b, k, v))
}

func dataCases() []ruleCase {
	db := func(inputs map[string]any) rules.Resource { return res(TypeSQLInstance, "db", inputs) }
	good := primaryDB()
	replica := with(with(good, "masterInstanceName", "healthhub-prod-db"), "region", "europe-west1")
	replica = setting(setting(replica, "backupConfiguration", map[string]any{"enabled": false}), "availabilityType", "ZONAL")
	retained := func(n int64) map[string]any {
		return backups(good, "backupRetentionSettings", map[string]any{"retainedBackups": n})
	}

	redis := func(inputs map[string]any) rules.Resource { return res(TypeRedisInstance, "cache", inputs) }
	goodRedis := map[string]any{
		"region": "europe-west2", "tier": "STANDARD_HA", "authEnabled": true, "connectMode": "PRIVATE_SERVICE_ACCESS",
		"transitEncryptionMode": "SERVER_AUTHENTICATION", "customerManagedKey": rules.Unknown,
		"persistenceConfig": map[string]any{"persistenceMode": "RDB", "rdbSnapshotPeriod": "ONE_HOUR"},
	}

	return []ruleCase{
		{"gcp-sql-encrypted-cmek", "customer-managed key", []rules.Resource{db(good)}, false, "", ""},
		{"gcp-sql-encrypted-cmek", "Google-managed key", []rules.Resource{db(with(good, "encryptionKeyName", nil))}, true, "encryptionKeyName is not set", ""},
		{"gcp-sql-encrypted-cmek", "a replica needs its own key", []rules.Resource{db(with(replica, "encryptionKeyName", nil))}, true, "encryptionKeyName is not set", ""},

		{"gcp-sql-private", "private IP only", []rules.Resource{db(good)}, false, "", ""},
		{"gcp-sql-private", "Private Service Connect", []rules.Resource{db(ipConfig(ipConfig(good, "privateNetwork", nil), "pscConfigs", []any{map[string]any{"pscEnabled": true}}))}, false, "", ""},
		{"gcp-sql-private", "public IP left to the default", []rules.Resource{db(ipConfig(good, "ipv4Enabled", nil))}, true, "ipv4Enabled must be false", ""},
		{"gcp-sql-private", "public IP unknown at preview", []rules.Resource{db(ipConfig(good, "ipv4Enabled", rules.Unknown))}, true, "ipv4Enabled must be false", ""},
		{"gcp-sql-private", "no private network", []rules.Resource{db(ipConfig(good, "privateNetwork", nil))}, true, "no private address", ""},
		{"gcp-sql-private", "authorized networks", []rules.Resource{db(ipConfig(good, "authorizedNetworks", []any{map[string]any{"value": "203.0.113.0/24"}}))}, true, "authorizedNetworks must be empty", ""},

		{"gcp-sql-tls-enforced", "encrypted only", []rules.Resource{db(good)}, false, "", ""},
		{"gcp-sql-tls-enforced", "client certificates", []rules.Resource{db(ipConfig(good, "sslMode", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"))}, false, "", ""},
		{"gcp-sql-tls-enforced", "plain connections allowed", []rules.Resource{db(ipConfig(good, "sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED"))}, true, `sslMode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED"`, ""},
		{"gcp-sql-tls-enforced", "left to the default", []rules.Resource{db(ipConfig(good, "sslMode", nil))}, true, `sslMode is ""`, ""},

		{"gcp-sql-backups", "35 daily backups with PITR", []rules.Resource{db(good)}, false, "", ""},
		{"gcp-sql-backups", "30 in production", []rules.Resource{db(retained(30))}, false, "", ""},
		{"gcp-sql-backups", "a replica is backed up by its primary", []rules.Resource{db(replica)}, false, "", ""},
		{"gcp-sql-backups", "Cloud SQL's default of 7 in dev", []rules.Resource{db(backups(good, "backupRetentionSettings", nil))}, false, "", "dev"},
		{"gcp-sql-backups", "Cloud SQL's default of 7 in production", []rules.Resource{db(backups(good, "backupRetentionSettings", nil))}, true, "retainedBackups is 7; at least 30", ""},
		{"gcp-sql-backups", "two weeks in production", []rules.Resource{db(retained(14))}, true, "retainedBackups is 14; at least 30", ""},
		{"gcp-sql-backups", "backups off", []rules.Resource{db(backups(good, "enabled", false))}, true, "backupConfiguration.enabled must be true", ""},
		{"gcp-sql-backups", "no point-in-time recovery", []rules.Resource{db(backups(good, "pointInTimeRecoveryEnabled", nil))}, true, "pointInTimeRecoveryEnabled must be true", ""},
		{"gcp-sql-backups", "MySQL recovers from its binary log", []rules.Resource{db(backups(with(good, "databaseVersion", "MYSQL_8_0"), "pointInTimeRecoveryEnabled", nil))}, true, "binaryLogEnabled must be true", ""},

		{"gcp-sql-high-availability", "regional primary", []rules.Resource{db(good)}, false, "", ""},
		{"gcp-sql-high-availability", "zonal replica", []rules.Resource{db(replica)}, false, "", ""},
		{"gcp-sql-high-availability", "zonal primary in dev", []rules.Resource{db(setting(good, "availabilityType", "ZONAL"))}, false, "", "dev"},
		{"gcp-sql-high-availability", "zonal primary in production", []rules.Resource{db(setting(good, "availabilityType", "ZONAL"))}, true, `availabilityType is "ZONAL"`, ""},

		{"gcp-sql-audit-flags", "pgaudit, connections and IAM sign-in", []rules.Resource{db(good)}, false, "", ""},
		{"gcp-sql-audit-flags", "not PostgreSQL", []rules.Resource{db(setting(with(good, "databaseVersion", "MYSQL_8_0"), "databaseFlags", nil))}, false, "", ""},
		{"gcp-sql-audit-flags", "no flags", []rules.Resource{db(setting(good, "databaseFlags", nil))}, true, `database flag cloudsql.enable_pgaudit is ""; must be on`, ""},
		{"gcp-sql-audit-flags", "disconnections not logged", []rules.Resource{db(setting(good, "databaseFlags", append(flags("log_disconnections", "off"), auditedPostgres[:4]...)))}, true, `log_disconnections is "off"`, ""},
		{"gcp-sql-audit-flags", "pgaudit on with nothing to log", []rules.Resource{db(setting(good, "databaseFlags", append(flags("pgaudit.log", "none"), auditedPostgres[0], auditedPostgres[1], auditedPostgres[3], auditedPostgres[4])))}, true, "pgaudit records nothing", ""},

		{"gcp-redis-encrypted", "CMEK and TLS", []rules.Resource{redis(goodRedis)}, false, "", ""},
		{"gcp-redis-encrypted", "Google-managed key", []rules.Resource{redis(with(goodRedis, "customerManagedKey", nil))}, true, "customerManagedKey is not set", ""},
		{"gcp-redis-encrypted", "no TLS", []rules.Resource{redis(with(goodRedis, "transitEncryptionMode", "DISABLED"))}, true, `transitEncryptionMode is "DISABLED"`, ""},

		{"gcp-redis-auth-private", "AUTH over private service access", []rules.Resource{redis(goodRedis)}, false, "", ""},
		{"gcp-redis-auth-private", "no AUTH", []rules.Resource{redis(with(goodRedis, "authEnabled", nil))}, true, "authEnabled must be true", ""},
		{"gcp-redis-auth-private", "direct peering", []rules.Resource{redis(with(goodRedis, "connectMode", "DIRECT_PEERING"))}, true, `connectMode is "DIRECT_PEERING"`, ""},

		{"gcp-redis-resilience", "standby and snapshots", []rules.Resource{redis(goodRedis)}, false, "", ""},
		{"gcp-redis-resilience", "basic tier in dev", []rules.Resource{redis(with(goodRedis, "tier", "BASIC"))}, false, "", "dev"},
		{"gcp-redis-resilience", "basic tier in production", []rules.Resource{redis(with(goodRedis, "tier", "BASIC"))}, true, `tier is "BASIC"`, ""},
		{"gcp-redis-resilience", "no persistence", []rules.Resource{redis(with(goodRedis, "persistenceConfig", nil))}, true, "persistenceMode", ""},
	}
}
