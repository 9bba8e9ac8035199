package azure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// isReplica is a PostgreSQL flexible server read replica: backed up and made highly available
// through its primary, and itself the DR copy when it sits in another region.
func isReplica(r rules.Resource) bool { return oneOf(rules.Str(r.Inputs, "createMode"), "Replica") }

// replicates: the replica refers to its primary, or names it in sourceServerResourceId.
func replicates(replica, primary rules.Resource) bool {
	return refersTo(replica, "sourceServerResourceId", primary)
}

var postgresEncrypted = rules.Rule{
	Name:        "azure-postgres-encrypted-cmk",
	Cloud:       rules.CloudAzure,
	Description: "PostgreSQL flexible servers, replicas included, encrypt data and backups with a customer-managed Key Vault key (dataEncryption.type AzureKeyVault, primaryKeyURI, primaryUserAssignedIdentityId) and, when backups are geo-redundant, the copy in the paired region with a key of that region (geoBackupKeyURI, geoBackupUserAssignedIdentityId).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "keys and identities pass; the type fails",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const e = "dataEncryption."
		var out []string
		if t := rules.Str(r.Inputs, e+"type"); !oneOf(t, "AzureKeyVault") {
			out = append(out, fmt.Sprintf(e+"type is %q; must be AzureKeyVault: the server would use a Microsoft-managed key", t))
		}
		need := []string{"primaryKeyURI", "primaryUserAssignedIdentityId"}
		if oneOf(rules.Str(r.Inputs, "backup.geoRedundantBackup"), "Enabled") {
			need = append(need, "geoBackupKeyURI", "geoBackupUserAssignedIdentityId")
		}
		for _, k := range need {
			if !rules.Present(r.Inputs, e+k) {
				out = append(out, e+k+" is not set")
			}
		}
		return out
	},
}

// postgresPrivate: a flexible server injected into a delegated subnet, or reached through a
// private endpoint, with public access off (Azure Policy 5e1de0e3); a firewall rule that opens
// it to all of Azure (0.0.0.0) or the internet lets any tenant's VM knock.
var postgresPrivate = rules.Rule{
	Name:        "azure-postgres-private",
	Cloud:       rules.CloudAzure,
	Description: "PostgreSQL flexible servers refuse public network access (network.publicNetworkAccess Disabled), and no firewall rule of a server starts at 0.0.0.0 (all of Azure, or the internet).",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer, TypePostgresFirewallRule),
	Check: func(r rules.Resource, _ rules.Config) []string {
		if is(r.Type, TypePostgresFirewallRule) {
			if start := rules.Str(r.Inputs, "startIpAddress"); start == "0.0.0.0" || rules.IsUnknown(start) {
				return []string{fmt.Sprintf("the firewall rule starts at %s to %s: it admits every Azure tenant or the internet", start, rules.Str(r.Inputs, "endIpAddress"))}
			}
			return nil
		}
		if a := rules.Str(r.Inputs, "network.publicNetworkAccess"); !oneOf(a, "Disabled") {
			return []string{fmt.Sprintf("network.publicNetworkAccess is %q; must be Disabled", a)}
		}
		return nil
	},
}

// parameters are the server parameters the stack sets on a server: the Configuration
// resources that refer to it or name it by serverName, by lowercase parameter name.
func parameters(all []rules.Resource, server rules.Resource) map[string][]rules.Resource {
	out := map[string][]rules.Resource{}
	for _, c := range of(all, TypePostgresConfiguration) {
		if ofServer(c, server) {
			name := strings.ToLower(rules.Str(c.Inputs, "configurationName"))
			out[name] = append(out[name], c)
		}
	}
	return out
}

// ofServer: a child of a server names it by serverName, or refers to it.
func ofServer(child, server rules.Resource) bool {
	if name := rules.Known(rules.Str(child.Inputs, "serverName")); name != "" && nameOf(server) != "" {
		return strings.EqualFold(name, nameOf(server))
	}
	return slices.Contains(child.Dependencies, server.URN)
}

// parameter is one server parameter a rule requires: its name and the check of its value,
// which returns what it should be when the value fails.
type parameter struct {
	name  string
	check func(value string) (want string, ok bool)
}

func equalsOn(v string) (string, bool) { return "on", oneOf(v, "on") }

// requireParameters reports, for each server, the parameters it has no Configuration for, and
// for each Configuration of one of them, a value that fails.
func requireParameters(all []rules.Resource, params func(server rules.Resource) []parameter) []rules.Finding {
	var out []rules.Finding
	seen := map[string]bool{}
	for _, s := range of(all, TypePostgresServer) {
		set := parameters(all, s)
		for _, p := range params(s) {
			configs := set[p.name]
			if len(configs) == 0 {
				out = append(out, rules.Finding{URN: s.URN, Message: fmt.Sprintf("no Configuration of the stack sets %s on the server", p.name)})
			}
			for _, c := range configs {
				v := rules.Str(c.Inputs, "value")
				if want, ok := p.check(v); !ok && !seen[c.URN] {
					seen[c.URN] = true
					out = append(out, rules.Finding{URN: c.URN, Message: fmt.Sprintf("%s is %q; must be %s", p.name, v, want)})
				}
			}
		}
	}
	return out
}

// tlsParameters refuse unencrypted connections and anything under TLS 1.2 (Azure Policy
// c29c38cb and a43d5475, Prowler postgresql_flexible_server_enforce_ssl_enabled).
var tlsParameters = []parameter{
	{"require_secure_transport", equalsOn},
	{"ssl_min_protocol_version", func(v string) (string, bool) {
		return "TLSv1.2 or TLSv1.3", oneOf(v, "TLSv1.2", "TLSv1.3")
	}},
}

// postgresTLS holds every server to its TLS parameters explicitly, rather than to Azure's
// defaults, which a later change of the server's parameters could drop unseen.
var postgresTLS = rules.Rule{
	Name:        "azure-postgres-tls",
	Cloud:       rules.CloudAzure,
	Description: "Every PostgreSQL flexible server, replicas included, has Configurations in the stack setting require_secure_transport on and ssl_min_protocol_version TLSv1.2 or TLSv1.3.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "values fail; a Configuration is matched to its server by serverName, else by reference",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer, TypePostgresConfiguration),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		return requireParameters(all, func(rules.Resource) []parameter { return tlsParameters })
	},
}

var postgresBackups = rules.Rule{
	Name:        "azure-postgres-backups",
	Cloud:       rules.CloudAzure,
	Description: "PostgreSQL flexible server primaries keep automated backups at least 35 days in production and 7 elsewhere (backup.backupRetentionDays, a policy config's floor if set) and, in production, geo-redundant in the paired region (backup.geoRedundantBackup Enabled); a read replica is backed up through its primary.",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.DisasterRecoveryPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if isReplica(r) {
			return nil
		}
		var out []string
		days, ok := rules.Number(r.Inputs, "backup.backupRetentionDays")
		if _, set := rules.Get(r.Inputs, "backup.backupRetentionDays"); !set {
			days, ok = 7, true // the service's default
		}
		if floor := int64(cfg.BackupFloor()); !ok || days < floor {
			out = append(out, fmt.Sprintf("backup.backupRetentionDays is %d; at least %d", days, floor))
		}
		if g := rules.Str(r.Inputs, "backup.geoRedundantBackup"); cfg.Production() && !oneOf(g, "Enabled") {
			out = append(out, fmt.Sprintf("backup.geoRedundantBackup is %q; must be Enabled in production", g))
		}
		return out
	},
}

var postgresHighAvailability = rules.Rule{
	Name:        "azure-postgres-high-availability",
	Cloud:       rules.CloudAzure,
	Description: "In production, PostgreSQL flexible server primaries keep a standby in another zone (highAvailability.mode ZoneRedundant) that takes over within the region.",
	Sections:    []rules.Section{rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if !cfg.Production() || isReplica(r) {
			return nil
		}
		if m := rules.Str(r.Inputs, "highAvailability.mode"); !oneOf(m, "ZoneRedundant") {
			return []string{fmt.Sprintf("highAvailability.mode is %q; must be ZoneRedundant in production", m)}
		}
		return nil
	},
}

// postgresEntraAuth: people and workloads sign in as themselves through Entra ID, never as a
// shared password user (Azure Policy fa498b91 and ce39a96d, Prowler
// postgresql_flexible_server_entra_id_authentication_enabled); with passwords off, a server
// with no Entra administrator could not be administered at all. A replica takes its
// administrators from its primary.
var postgresEntraAuth = rules.Rule{
	Name:        "azure-postgres-entra-auth",
	Cloud:       rules.CloudAzure,
	Description: "PostgreSQL flexible servers take Entra ID sign-in only (authConfig.activeDirectoryAuth Enabled, passwordAuth Disabled), and every primary has an Entra administrator (an Administrator resource of the stack).",
	Sections:    []rules.Section{rules.Authentication, rules.UniqueUserID, rules.AccessControl},
	Unknown:     "settings fail; an Administrator is matched to its server by serverName, else by reference",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer, TypePostgresAdministrator),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		admins := of(all, TypePostgresAdministrator)
		for _, s := range of(all, TypePostgresServer) {
			var msgs []string
			if a := rules.Str(s.Inputs, "authConfig.activeDirectoryAuth"); !oneOf(a, "Enabled") {
				msgs = append(msgs, fmt.Sprintf("authConfig.activeDirectoryAuth is %q; must be Enabled", a))
			}
			if p := rules.Str(s.Inputs, "authConfig.passwordAuth"); !oneOf(p, "Disabled") {
				msgs = append(msgs, fmt.Sprintf("authConfig.passwordAuth is %q; must be Disabled: a password login is shared and not tied to a person", p))
			}
			if !isReplica(s) && !slices.ContainsFunc(admins, func(a rules.Resource) bool { return ofServer(a, s) }) {
				msgs = append(msgs, "no Administrator of the stack makes an Entra principal the server's administrator")
			}
			if len(msgs) > 0 {
				out = append(out, rules.Finding{URN: s.URN, Message: strings.Join(msgs, "; ")})
			}
		}
		return out
	},
}

// auditParameters record who connected and what they changed (Azure Policy 086709ac,
// 1d14b021, 70be9e12, 4eb5e667, dd626066; Prowler postgresql_flexible_server_log_*). pgaudit
// records nothing until pgaudit.log names the classes to log, and cannot until the library is
// preloaded. A read replica changes nothing and takes pgaudit from its primary, but who read
// PHI from it is logged there.
var (
	connectionParameters = []parameter{
		{"log_connections", equalsOn},
		{"log_disconnections", equalsOn},
	}
	auditParameters = append(append([]parameter(nil), connectionParameters...),
		parameter{"log_checkpoints", equalsOn},
		parameter{"shared_preload_libraries", func(v string) (string, bool) {
			return "a list including pgaudit", slices.ContainsFunc(strings.Split(v, ","), func(l string) bool { return oneOf(strings.TrimSpace(l), "pgaudit") })
		}},
		parameter{"pgaudit.log", func(v string) (string, bool) {
			return `the classes to record (such as "ddl,role,write")`, strings.TrimSpace(v) != "" && !oneOf(v, "none") && !rules.IsUnknown(v)
		}},
	)
)

var postgresAuditLogging = rules.Rule{
	Name:        "azure-postgres-audit-logging",
	Cloud:       rules.CloudAzure,
	Description: "Every PostgreSQL flexible server has Configurations in the stack setting log_connections and log_disconnections on and, on a primary, log_checkpoints on, shared_preload_libraries including pgaudit and pgaudit.log naming the classes to record.",
	Sections:    []rules.Section{rules.AuditControls, rules.UniqueUserID},
	Unknown:     "values fail; a Configuration is matched to its server by serverName, else by reference",
	Level:       rules.Mandatory,
	Types:       versions(TypePostgresServer, TypePostgresConfiguration),
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		return requireParameters(all, func(s rules.Resource) []parameter {
			if isReplica(s) {
				return connectionParameters
			}
			return auditParameters
		})
	},
}
