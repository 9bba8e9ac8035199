package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// primaryServer is a production primary as the estate's Database component writes it.
func primaryServer() map[string]any {
	return map[string]any{
		"serverName": "hh-prod-db", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"version": "16", "sku": map[string]any{"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
		"network": map[string]any{
			"delegatedSubnetResourceId": rules.Unknown, "privateDnsZoneArmResourceId": rules.Unknown, "publicNetworkAccess": "Disabled",
		},
		"dataEncryption": map[string]any{
			"type": "AzureKeyVault", "primaryKeyURI": rules.Unknown, "primaryUserAssignedIdentityId": identityID,
			"geoBackupKeyURI": rules.Unknown, "geoBackupUserAssignedIdentityId": rules.Unknown,
		},
		"identity":         map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{identityID: map[string]any{}}},
		"authConfig":       map[string]any{"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled", "tenantId": "00000000-0000-0000-0000-0000000000aa"},
		"highAvailability": map[string]any{"mode": "ZoneRedundant"},
		"backup":           map[string]any{"backupRetentionDays": int64(35), "geoRedundantBackup": "Enabled"},
		"storage":          map[string]any{"storageSizeGB": int64(128), "autoGrow": "Enabled"},
	}
}

// replicaServer is the read replica in the DR region.
func replicaServer() map[string]any {
	return map[string]any{
		"serverName": "hh-prod-db-dr", "location": "ukwest", "resourceGroupName": "hh-prod-dr-rg", "tags": tags(),
		"createMode": "Replica", "sourceServerResourceId": serverID,
		"network":        map[string]any{"delegatedSubnetResourceId": rules.Unknown, "publicNetworkAccess": "Disabled"},
		"dataEncryption": map[string]any{"type": "AzureKeyVault", "primaryKeyURI": rules.Unknown, "primaryUserAssignedIdentityId": rules.Unknown},
		"authConfig":     map[string]any{"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled"},
	}
}

// serverParameters are the Configurations the Database component sets on a server.
func serverParameters(server string, kv ...string) []rules.Resource {
	var out []rules.Resource
	for i := 0; i < len(kv); i += 2 {
		out = append(out, res(TypePostgresConfiguration, server+"-"+kv[i], map[string]any{
			"serverName": server, "resourceGroupName": "hh-prod-rg", "configurationName": kv[i], "value": kv[i+1], "source": "user-override",
		}))
	}
	return out
}

var (
	tlsSettings   = []string{"require_secure_transport", "on", "ssl_min_protocol_version", "TLSv1.2"}
	auditSettings = []string{
		"log_connections", "on", "log_disconnections", "on", "log_checkpoints", "on",
		"shared_preload_libraries", "pg_cron,pgaudit", "pgaudit.log", "ddl,role,write",
	}
	replicaAuditSettings = auditSettings[:4]
)

// param is one parameter, possibly changed, for the server.
func param(server, name, value string) rules.Resource {
	return serverParameters(server, name, value)[0]
}

// without drops the resources of a name.
func without(all []rules.Resource, name string) []rules.Resource {
	var out []rules.Resource
	for _, r := range all {
		if r.Name != name {
			out = append(out, r)
		}
	}
	return out
}

func postgresCases() []ruleCase {
	server := func(inputs map[string]any) rules.Resource { return res(TypePostgresServer, "db", inputs) }
	good := primaryServer()
	replica := inRegion(res(TypePostgresServer, "db-dr", replicaServer()), "ukwest")
	withParams := func(s rules.Resource, kv ...string) []rules.Resource {
		return append([]rules.Resource{s}, serverParameters(rules.Str(s.Inputs, "serverName"), kv...)...)
	}
	tlsStack := withParams(server(good), tlsSettings...)
	auditStack := withParams(server(good), auditSettings...)
	admin := res(TypePostgresAdministrator, "db-admin", map[string]any{
		"serverName": "hh-prod-db", "resourceGroupName": "hh-prod-rg", "objectId": "33333333-3333-3333-3333-333333333333",
		"principalName": "hh-dba", "principalType": "Group", "tenantId": "00000000-0000-0000-0000-0000000000aa",
	})
	firewall := func(start, end string) rules.Resource {
		return res(TypePostgresFirewallRule, "fw", map[string]any{"serverName": "hh-prod-db", "startIpAddress": start, "endIpAddress": end})
	}
	// At preview the server's name may be left to the provider; its children refer to it.
	unnamed := server(with(good, "serverName", nil))
	unnamedTLS := []rules.Resource{unnamed}
	for _, c := range serverParameters("", tlsSettings...) {
		unnamedTLS = append(unnamedTLS, dependsOn(withInput(c, "serverName", rules.Unknown), unnamed))
	}

	return []ruleCase{
		{"azure-postgres-encrypted-cmk", "keys of both regions", []rules.Resource{server(good)}, false, "", ""},
		{"azure-postgres-encrypted-cmk", "a replica with its region's key", []rules.Resource{replica}, false, "", ""},
		{"azure-postgres-encrypted-cmk", "local backups need no geo key", []rules.Resource{server(set(set(set(good, "backup.geoRedundantBackup", "Disabled"), "dataEncryption.geoBackupKeyURI", nil), "dataEncryption.geoBackupUserAssignedIdentityId", nil))}, false, "", ""},
		{"azure-postgres-encrypted-cmk", "Microsoft-managed key", []rules.Resource{server(with(good, "dataEncryption", nil))}, true, `dataEncryption.type is ""`, ""},
		{"azure-postgres-encrypted-cmk", "geo backups without a key of their region", []rules.Resource{server(set(good, "dataEncryption.geoBackupKeyURI", nil))}, true, "dataEncryption.geoBackupKeyURI is not set", ""},
		{"azure-postgres-encrypted-cmk", "a replica without a key", []rules.Resource{withInput(replica, "dataEncryption.primaryKeyURI", nil)}, true, "primaryKeyURI is not set", ""},

		{"azure-postgres-private", "in its delegated subnet", []rules.Resource{server(good)}, false, "", ""},
		{"azure-postgres-private", "a firewall rule for one address", []rules.Resource{firewall("203.0.113.10", "203.0.113.10")}, false, "", ""},
		{"azure-postgres-private", "public access", []rules.Resource{server(set(good, "network.publicNetworkAccess", "Enabled"))}, true, `network.publicNetworkAccess is "Enabled"`, ""},
		{"azure-postgres-private", "public access left to the default", []rules.Resource{server(with(good, "network", nil))}, true, `publicNetworkAccess is ""`, ""},
		{"azure-postgres-private", "all of Azure", []rules.Resource{firewall("0.0.0.0", "0.0.0.0")}, true, "admits every Azure tenant or the internet", ""},
		{"azure-postgres-private", "the internet", []rules.Resource{firewall("0.0.0.0", "255.255.255.255")}, true, "starts at 0.0.0.0 to 255.255.255.255", ""},

		{"azure-postgres-tls", "TLS 1.2 required", tlsStack, false, "", ""},
		{"azure-postgres-tls", "TLS 1.3", append(withParams(server(good), tlsSettings[:2]...), param("hh-prod-db", "ssl_min_protocol_version", "TLSv1.3")), false, "", ""},
		{"azure-postgres-tls", "matched by reference while the server's name is unknown", unnamedTLS, false, "", ""},
		{"azure-postgres-tls", "the replica too", append(append([]rules.Resource{}, tlsStack...), withParams(replica, tlsSettings...)...), false, "", ""},
		{"azure-postgres-tls", "no parameters", []rules.Resource{server(good)}, true, "no Configuration of the stack sets require_secure_transport", ""},
		{"azure-postgres-tls", "a replica without them", append(append([]rules.Resource{}, tlsStack...), replica), true, "no Configuration of the stack sets", ""},
		{"azure-postgres-tls", "plain connections allowed", append(withParams(server(good), tlsSettings[2:]...), param("hh-prod-db", "require_secure_transport", "off")), true, `require_secure_transport is "off"; must be on`, ""},
		{"azure-postgres-tls", "TLS 1.0", append(withParams(server(good), tlsSettings[:2]...), param("hh-prod-db", "ssl_min_protocol_version", "TLSv1")), true, `ssl_min_protocol_version is "TLSv1"; must be TLSv1.2 or TLSv1.3`, ""},
		{"azure-postgres-tls", "another server's parameters", append([]rules.Resource{server(good)}, serverParameters("hh-other-db", tlsSettings...)...), true, "no Configuration", ""},

		{"azure-postgres-backups", "35 days, geo-redundant", []rules.Resource{server(good)}, false, "", ""},
		{"azure-postgres-backups", "a replica is backed up by its primary", []rules.Resource{replica}, false, "", ""},
		{"azure-postgres-backups", "the default week in dev", []rules.Resource{server(with(good, "backup", nil))}, false, "", "dev"},
		{"azure-postgres-backups", "a week in production", []rules.Resource{server(set(good, "backup.backupRetentionDays", int64(7)))}, true, "backup.backupRetentionDays is 7; at least 35", ""},
		{"azure-postgres-backups", "local backups in production", []rules.Resource{server(set(good, "backup.geoRedundantBackup", "Disabled"))}, true, `backup.geoRedundantBackup is "Disabled"`, ""},

		{"azure-postgres-high-availability", "zone-redundant standby", []rules.Resource{server(good)}, false, "", ""},
		{"azure-postgres-high-availability", "a replica", []rules.Resource{replica}, false, "", ""},
		{"azure-postgres-high-availability", "no standby in dev", []rules.Resource{server(with(good, "highAvailability", nil))}, false, "", "dev"},
		{"azure-postgres-high-availability", "no standby in production", []rules.Resource{server(with(good, "highAvailability", nil))}, true, `highAvailability.mode is ""`, ""},
		{"azure-postgres-high-availability", "a standby in the same zone", []rules.Resource{server(set(good, "highAvailability.mode", "SameZone"))}, true, `highAvailability.mode is "SameZone"`, ""},

		{"azure-postgres-entra-auth", "Entra only, with an administrator", []rules.Resource{server(good), admin}, false, "", ""},
		{"azure-postgres-entra-auth", "a replica takes its primary's administrators", []rules.Resource{server(good), admin, replica}, false, "", ""},
		{"azure-postgres-entra-auth", "passwords allowed", []rules.Resource{server(set(good, "authConfig.passwordAuth", "Enabled")), admin}, true, `authConfig.passwordAuth is "Enabled"`, ""},
		{"azure-postgres-entra-auth", "left to the defaults", []rules.Resource{server(with(good, "authConfig", nil)), admin}, true, `authConfig.activeDirectoryAuth is ""`, ""},
		{"azure-postgres-entra-auth", "no administrator", []rules.Resource{server(good)}, true, "no Administrator of the stack", ""},

		{"azure-postgres-audit-logging", "connections, checkpoints and pgaudit", auditStack, false, "", ""},
		{"azure-postgres-audit-logging", "a replica logs its connections", append(append([]rules.Resource{}, auditStack...), withParams(replica, replicaAuditSettings...)...), false, "", ""},
		{"azure-postgres-audit-logging", "no parameters", []rules.Resource{server(good)}, true, "no Configuration of the stack sets log_connections", ""},
		{"azure-postgres-audit-logging", "a replica that logs no connections", append(append([]rules.Resource{}, auditStack...), replica), true, "no Configuration of the stack sets log_connections", ""},
		{"azure-postgres-audit-logging", "disconnections not logged", append(without(auditStack, "hh-prod-db-log_disconnections"), param("hh-prod-db", "log_disconnections", "off")), true, `log_disconnections is "off"; must be on`, ""},
		{"azure-postgres-audit-logging", "pgaudit not preloaded", append(without(auditStack, "hh-prod-db-shared_preload_libraries"), param("hh-prod-db", "shared_preload_libraries", "pg_cron")), true, "must be a list including pgaudit", ""},
		{"azure-postgres-audit-logging", "pgaudit with nothing to log", append(without(auditStack, "hh-prod-db-pgaudit.log"), param("hh-prod-db", "pgaudit.log", "none")), true, `pgaudit.log is "none"`, ""},
	}
}
