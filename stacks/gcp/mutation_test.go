package gcp_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/internal/mutation"
	"github.com/healthhub/estate/policy/rules"
	gcprules "github.com/healthhub/estate/policy/rules/gcp"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
)

// The IAM member types the estate grants with that policy/rules/gcp names no constant for.
const (
	typeSecretIAMMember         = "gcp:secretmanager/secretIamMember:SecretIamMember"
	typeServiceAccountIAMMember = "gcp:serviceaccount/iAMMember:IAMMember"
)

// The GKE Ingress controller's annotations, on the Ingress and on the Service it publishes.
const (
	annotations       = "metadata.annotations"
	gcePreSharedCert  = `metadata.annotations["ingress.gcp.kubernetes.io/pre-shared-cert"]`
	gceAllowHTTP      = `metadata.annotations["kubernetes.io/ingress.allow-http"]`
	gceFrontendConfig = `metadata.annotations["networking.gke.io/v1beta1.FrontendConfig"]`
	gceBackendConfig  = `metadata.annotations["cloud.google.com/backend-config"]`
	ingressClass      = `metadata.annotations["kubernetes.io/ingress.class"]`
)

// outside is a region outside the allow-list.
const outside = "us-central1"

// serviceAgent is a Google service agent of the mock project: the Cloud SQL one uses the
// database key in both rings.
func serviceAgent(agent string) string {
	return "serviceAccount:service-" + mockcloud.GCPProjectNumber + "@gcp-sa-" + agent + ".iam.gserviceaccount.com"
}

// The production estate's key admin group (healthhub:gcp.keyAdmins), which must never use a key.
const keyAdmins = "group:healthhub-kms-admins@healthhub.example"

// securityEvents are the log-based metrics gcp-logging-security-alerts asks for, by the name
// of the estate's metric and alert policy, and the part of the filter the rule matches them by.
var securityEvents = map[string]string{
	"project-iam-changes":   "SetIamPolicy",
	"audit-config-changes":  "AuditConfigDelta",
	"firewall-rule-changes": "compute.firewalls.",
	"sql-instance-changes":  "cloudsql.instances.update",
}

// watchesSecurityEvent: the metric or alert policy is one of securityEvents'.
func watchesSecurityEvent(r rules.Resource) bool {
	for suffix := range securityEvents {
		if strings.HasSuffix(r.Name, "-"+suffix) {
			return true
		}
	}
	return false
}

func isReplica(r rules.Resource) bool {
	_, ok := r.Inputs["masterInstanceName"]
	return ok
}

// setFlag changes a Cloud SQL database flag's value, or removes the flag with value nil.
func setFlag(name string, value any) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		flags := mutation.AsList(mustGet(r.Inputs, "settings.databaseFlags"))
		for i, f := range flags {
			flag, _ := f.(map[string]any)
			if flag["name"] != name {
				continue
			}
			if value == nil {
				return mutation.SetPath(r.Inputs, "settings.databaseFlags", slices.Delete(slices.Clone(flags), i, i+1))
			}
			return flag["value"] != value && mutation.SetPath(flag, "value", value)
		}
		return false
	}
}

// armorRule applies f to the first Cloud Armor rule that ok picks.
func armorRule(ok func(rule map[string]any) bool, f func(rule map[string]any) bool) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		for _, e := range mutation.AsList(mustGet(r.Inputs, "rules")) {
			if rule, _ := e.(map[string]any); ok(rule) {
				return f(rule)
			}
		}
		return false
	}
}

func wafSet(name string) func(rule map[string]any) bool {
	return func(rule map[string]any) bool {
		expr, _ := mutation.GetPath(rule, "match.expr.expression")
		s, _ := expr.(string)
		return strings.Contains(s, "'"+name+"-")
	}
}

func mustGet(inputs map[string]any, path string) any {
	v, _ := mutation.GetPath(inputs, path)
	return v
}

// allows: a firewall rule that admits traffic (not the deny-all at the bottom).
func allows(r rules.Resource) bool { return len(mutation.AsList(r.Inputs["allows"])) > 0 }

// gcpMutations is every guarded property of the types the production GCP estate deploys, rule
// by rule; TestGCPMutationCatalogueIsLive fails on an entry that no longer matches anything,
// TestGCPCatalogueCoversEveryMandatoryRule on a mandatory GCP rule with a subject in the plan
// and no entry.
var gcpMutations = []mutation.Mutation{
	// Data residency: the providers, and each resource's own region or location, which
	// overrides its provider's.
	{Rule: "estate-region-allow-list", What: "provider region outside the allow-list", Types: []string{gcprules.TypeProvider}, Apply: mutation.Set("region", outside)},
	{Rule: "estate-region-allow-list", What: "provider without a region", Types: []string{gcprules.TypeProvider}, Apply: mutation.Remove("region")},
	{Rule: "estate-region-allow-list", What: "resource on the default provider", Apply: func(r *rules.Resource) bool {
		if r.Provider == "" || !strings.HasPrefix(r.Type, "gcp:") {
			return false
		}
		r.Provider = ""
		return true
	}},
	{Rule: "estate-region-allow-list", What: "own region or location outside the allow-list", Apply: func(r *rules.Resource) bool {
		if !strings.HasPrefix(r.Type, "gcp:") {
			return false
		}
		for _, key := range gcprules.Profile.RegionInputs {
			if _, ok := r.Inputs[key].(string); ok {
				return mutation.SetPath(r.Inputs, key, outside)
			}
		}
		return false
	}},
	{Rule: "estate-region-allow-list", What: "bucket in the EU multi-region", Types: []string{gcprules.TypeBucket}, Apply: mutation.Set("location", "EU")},
	{Rule: "estate-region-allow-list", What: "dual-region bucket reaching outside", Types: []string{gcprules.TypeBucket}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "location", "EU") &&
			mutation.SetPath(r.Inputs, "customPlacementConfig", map[string]any{"dataLocations": []any{"EUROPE-WEST2", "EUROPE-NORTH1"}})
	}},

	// Protection from destroy, and the labels an auditor finds PHI by.
	{Rule: "estate-stateful-protected", What: "protect flag off", Types: statefulTypes, Apply: mutation.Always(func(r *rules.Resource) { r.Protect = false })},
	{Rule: "estate-required-tags", What: "owner label removed", Apply: func(r *rules.Resource) bool {
		if !strings.HasPrefix(r.Type, "gcp:") {
			return false
		}
		path := gcprules.Profile.TagsPath(r.Type)
		labels, ok := mustGet(r.Inputs, path).(map[string]any)
		return ok && labels["owner"] != nil && mutation.SetPath(r.Inputs, path+".owner", nil)
	}},

	// The DR copies: the database's replica in the DR region, the audit archive's daily
	// transfer to its copy there.
	{Rule: "estate-phi-dr-copy", What: "database replica removed", Types: []string{gcprules.TypeSQLInstance}, Drop: true, When: isReplica},
	{Rule: "estate-phi-dr-copy", What: "replica promoted to a primary", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Remove("masterInstanceName")},
	{Rule: "estate-phi-dr-copy", What: "replica in the primary's region", Types: []string{gcprules.TypeSQLInstance}, When: isReplica, Apply: mutation.Set("region", "europe-west2")},
	{Rule: "estate-phi-dr-copy", What: "DR transfer disabled", Types: []string{gcprules.TypeStorageTransferJob}, Apply: mutation.Set("status", "DISABLED")},
	{Rule: "estate-phi-dr-copy", What: "DR transfer removed", Types: []string{gcprules.TypeStorageTransferJob}, Drop: true},
	{Rule: "estate-phi-dr-copy", What: "DR copy in the primary's region", Types: []string{gcprules.TypeBucket}, When: func(r rules.Resource) bool { return strings.HasSuffix(r.Name, "-dr") }, Apply: mutation.Set("location", "europe-west2")},

	// Cloud KMS.
	{Rule: "gcp-kms-key-rotation", What: "rotation off", Types: []string{gcprules.TypeCryptoKey}, Apply: mutation.Remove("rotationPeriod")},
	{Rule: "gcp-kms-key-rotation", What: "rotation once a year", Types: []string{gcprules.TypeCryptoKey}, Apply: mutation.Set("rotationPeriod", "31536000s")},
	{Rule: "gcp-kms-separation-of-duties", What: "the key admins also use a key", Types: []string{gcprules.TypeCryptoKeyIAMMember}, Apply: mutation.Set("member", keyAdmins)},
	{Rule: "gcp-kms-separation-of-duties", What: "a key user administers the ring", Types: []string{gcprules.TypeKeyRingIAMMember}, Apply: mutation.Set("member", serviceAgent("cloud-sql"))},
	{Rule: "gcp-deletion-protection", What: "destroyed key version recoverable a day", Types: []string{gcprules.TypeCryptoKey}, Apply: mutation.Set("destroyScheduledDuration", "86400s")},

	// GKE.
	{Rule: "gcp-gke-private-cluster", What: "nodes with public addresses", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("privateClusterConfig.enablePrivateNodes", false)},
	{Rule: "gcp-gke-private-cluster", What: "public API endpoint in production", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("privateClusterConfig.enablePrivateEndpoint", false)},
	{Rule: "gcp-gke-private-cluster", What: "API open to Google Cloud's public ranges", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true)},
	{Rule: "gcp-gke-secrets-encrypted", What: "secrets not envelope-encrypted", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("databaseEncryption.state", "DECRYPTED")},
	{Rule: "gcp-gke-secrets-encrypted", What: "secrets key removed", Types: []string{gcprules.TypeCluster}, Apply: mutation.Remove("databaseEncryption.keyName")},
	{Rule: "gcp-gke-hardened", What: "no Workload Identity", Types: []string{gcprules.TypeCluster}, Apply: mutation.Remove("workloadIdentityConfig")},
	{Rule: "gcp-gke-hardened", What: "Binary Authorization off", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("binaryAuthorization.evaluationMode", "DISABLED")},
	{Rule: "gcp-gke-hardened", What: "shielded nodes off", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("enableShieldedNodes", false)},
	{Rule: "gcp-gke-hardened", What: "rapid release channel", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("releaseChannel.channel", "RAPID")},
	{Rule: "gcp-gke-hardened", What: "security posture off", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("securityPostureConfig.mode", "DISABLED")},
	{Rule: "gcp-gke-hardened", What: "network policy not enforced", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("datapathProvider", "LEGACY_DATAPATH")},
	{Rule: "gcp-gke-hardened", What: "legacy ABAC on", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("enableLegacyAbac", true)},
	{Rule: "gcp-gke-hardened", What: "client certificates issued", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("masterAuth.clientCertificateConfig.issueClientCertificate", true)},
	{Rule: "gcp-gke-hardened", What: "alpha APIs on", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("enableKubernetesAlpha", true)},
	{Rule: "gcp-gke-hardened", What: "default pool kept with the node metadata exposed", Types: []string{gcprules.TypeCluster}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "removeDefaultNodePool", false) && mutation.SetPath(r.Inputs, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA")
	}},
	{Rule: "gcp-gke-logging", What: "API server and workload logs off", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("loggingConfig.enableComponents", []any{"SYSTEM_COMPONENTS"})},
	{Rule: "gcp-gke-logging", What: "logging service none", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("loggingService", "none")},
	{Rule: "gcp-deletion-protection", What: "cluster deletion protection off", Types: []string{gcprules.TypeCluster}, Apply: mutation.Set("deletionProtection", false)},
	{Rule: "gcp-gke-node-pool-hardened", What: "pods reach the node's metadata", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA")},
	{Rule: "gcp-gke-node-pool-hardened", What: "Ubuntu nodes", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("nodeConfig.imageType", "UBUNTU_CONTAINERD")},
	{Rule: "gcp-gke-node-pool-hardened", What: "secure boot off", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("nodeConfig.shieldedInstanceConfig.enableSecureBoot", false)},
	{Rule: "gcp-gke-node-pool-hardened", What: "integrity monitoring off", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", false)},
	{Rule: "gcp-gke-node-pool-hardened", What: "nodes as the default service account", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Remove("nodeConfig.serviceAccount")},
	{Rule: "gcp-gke-node-pool-hardened", What: "nodes as the default compute account by name", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("nodeConfig.serviceAccount", mockcloud.GCPProjectNumber+"-compute@developer.gserviceaccount.com")},
	{Rule: "gcp-gke-node-pool-hardened", What: "boot disks on a Google-managed key", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Remove("nodeConfig.bootDiskKmsKey")},
	{Rule: "gcp-gke-node-pool-hardened", What: "auto-repair off", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("management.autoRepair", false)},
	{Rule: "gcp-gke-node-pool-hardened", What: "auto-upgrade off", Types: []string{gcprules.TypeNodePool}, Apply: mutation.Set("management.autoUpgrade", false)},
	{Rule: "gcp-gkebackup-plan-hardened", What: "backups on a Google-managed key", Types: []string{gcprules.TypeBackupPlan}, Apply: mutation.Remove("backupConfig.encryptionKey")},
	{Rule: "gcp-gkebackup-plan-hardened", What: "volumes left out", Types: []string{gcprules.TypeBackupPlan}, Apply: mutation.Set("backupConfig.includeVolumeData", false)},
	{Rule: "gcp-gkebackup-plan-hardened", What: "no schedule", Types: []string{gcprules.TypeBackupPlan}, Apply: mutation.Remove("backupSchedule.cronSchedule")},
	{Rule: "gcp-gkebackup-plan-hardened", What: "schedule paused", Types: []string{gcprules.TypeBackupPlan}, Apply: mutation.Set("backupSchedule.paused", true)},
	{Rule: "gcp-gkebackup-plan-hardened", What: "plan deactivated", Types: []string{gcprules.TypeBackupPlan}, Apply: mutation.Set("deactivated", true)},
	{Rule: "gcp-gkebackup-plan-hardened", What: "two weeks of backups", Types: []string{gcprules.TypeBackupPlan}, Apply: mutation.Set("retentionPolicy.backupRetainDays", int64(14))},

	// Cloud SQL, the primary and its replica.
	{Rule: "gcp-sql-encrypted-cmek", What: "instance on a Google-managed key", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Remove("encryptionKeyName")},
	{Rule: "gcp-sql-private", What: "public IP", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.ipConfiguration.ipv4Enabled", true)},
	{Rule: "gcp-sql-private", What: "no private network", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Remove("settings.ipConfiguration.privateNetwork")},
	{Rule: "gcp-sql-private", What: "authorized network", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.ipConfiguration.authorizedNetworks", []any{map[string]any{"value": "0.0.0.0/0"}})},
	{Rule: "gcp-sql-tls-enforced", What: "unencrypted connections allowed", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED")},
	{Rule: "gcp-sql-backups", What: "backups off", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.backupConfiguration.enabled", false)},
	{Rule: "gcp-sql-backups", What: "point-in-time recovery off", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.backupConfiguration.pointInTimeRecoveryEnabled", false)},
	{Rule: "gcp-sql-backups", What: "a week of backups", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.backupConfiguration.backupRetentionSettings.retainedBackups", int64(7))},
	// A replica is made highly available through its primary, which is what is guarded.
	{Rule: "gcp-sql-high-availability", What: "zonal primary", Types: []string{gcprules.TypeSQLInstance}, When: func(r rules.Resource) bool { return !isReplica(r) }, Apply: mutation.Set("settings.availabilityType", "ZONAL")},
	{Rule: "gcp-sql-audit-flags", What: "pgaudit off", Types: []string{gcprules.TypeSQLInstance}, Apply: setFlag("cloudsql.enable_pgaudit", "off")},
	{Rule: "gcp-sql-audit-flags", What: "pgaudit logs nothing", Types: []string{gcprules.TypeSQLInstance}, Apply: setFlag("pgaudit.log", "none")},
	{Rule: "gcp-sql-audit-flags", What: "pgaudit.log removed", Types: []string{gcprules.TypeSQLInstance}, Apply: setFlag("pgaudit.log", nil)},
	{Rule: "gcp-sql-audit-flags", What: "connections not logged", Types: []string{gcprules.TypeSQLInstance}, Apply: setFlag("log_connections", "off")},
	{Rule: "gcp-sql-audit-flags", What: "disconnections not logged", Types: []string{gcprules.TypeSQLInstance}, Apply: setFlag("log_disconnections", "off")},
	{Rule: "gcp-sql-audit-flags", What: "IAM authentication off", Types: []string{gcprules.TypeSQLInstance}, Apply: setFlag("cloudsql.iam_authentication", "off")},
	{Rule: "gcp-deletion-protection", What: "instance deletion protection off", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("deletionProtection", false)},
	{Rule: "gcp-deletion-protection", What: "API-side deletion protection off", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("settings.deletionProtectionEnabled", false)},
	{Rule: "gcp-secret-values-secret", What: "root password in clear text", Types: []string{gcprules.TypeSQLInstance}, Apply: mutation.Set("rootPassword", "hunter2hunter2")},
	{Rule: "gcp-secret-values-secret", What: "database user password in clear text", Types: []string{gcprules.TypeSQLUser}, Apply: mutation.Set("password", "hunter2hunter2")},

	// Memorystore.
	{Rule: "gcp-redis-encrypted", What: "cache on a Google-managed key", Types: []string{gcprules.TypeRedisInstance}, Apply: mutation.Remove("customerManagedKey")},
	{Rule: "gcp-redis-encrypted", What: "no TLS to the cache", Types: []string{gcprules.TypeRedisInstance}, Apply: mutation.Set("transitEncryptionMode", "DISABLED")},
	{Rule: "gcp-redis-auth-private", What: "AUTH off", Types: []string{gcprules.TypeRedisInstance}, Apply: mutation.Set("authEnabled", false)},
	{Rule: "gcp-redis-auth-private", What: "direct peering", Types: []string{gcprules.TypeRedisInstance}, Apply: mutation.Set("connectMode", "DIRECT_PEERING")},
	{Rule: "gcp-redis-resilience", What: "no snapshots", Types: []string{gcprules.TypeRedisInstance}, Apply: mutation.Set("persistenceConfig.persistenceMode", "DISABLED")},
	{Rule: "gcp-redis-resilience", What: "no standby", Types: []string{gcprules.TypeRedisInstance}, Apply: mutation.Set("tier", "BASIC")},

	// Cloud Storage: the audit archive and its DR copy.
	{Rule: "gcp-storage-encrypted-cmek", What: "bucket on a Google-managed key", Types: []string{gcprules.TypeBucket}, Apply: mutation.Remove("encryption")},
	{Rule: "gcp-storage-public-access-prevented", What: "object ACLs", Types: []string{gcprules.TypeBucket}, Apply: mutation.Set("uniformBucketLevelAccess", false)},
	{Rule: "gcp-storage-public-access-prevented", What: "public access prevention inherited", Types: []string{gcprules.TypeBucket}, Apply: mutation.Set("publicAccessPrevention", "inherited")},
	{Rule: "gcp-storage-versioning", What: "retention policy removed, versioning off", Types: []string{gcprules.TypeBucket}, Apply: mutation.Remove("retentionPolicy")},
	{Rule: "gcp-storage-audit-log-retention", What: "audit logs kept a year", Types: []string{gcprules.TypeBucket}, Apply: mutation.Set("retentionPolicy.retentionPeriod", int64(365*24*3600))},
	{Rule: "gcp-storage-audit-log-retention", What: "retention policy unlocked", Types: []string{gcprules.TypeBucket}, Apply: mutation.Set("retentionPolicy.isLocked", false)},
	{Rule: "gcp-deletion-protection", What: "bucket destroyed with its objects", Types: []string{gcprules.TypeBucket}, Apply: mutation.Set("forceDestroy", true)},

	// The network.
	{Rule: "gcp-compute-network-private", What: "auto-mode network", Types: []string{gcprules.TypeNetwork}, Apply: mutation.Set("autoCreateSubnetworks", true)},
	{Rule: "gcp-compute-network-private", What: "no private Google access", Types: []string{gcprules.TypeSubnetwork}, Apply: mutation.Set("privateIpGoogleAccess", false)},
	{Rule: "gcp-compute-network-logs", What: "no flow logs", Types: []string{gcprules.TypeSubnetwork}, Apply: mutation.Remove("logConfig")},
	{Rule: "gcp-compute-network-logs", What: "firewall matches not logged", Types: []string{gcprules.TypeFirewall}, Apply: mutation.Remove("logConfig")},
	{Rule: "gcp-compute-network-logs", What: "NAT translations not logged", Types: []string{gcprules.TypeRouterNat}, Apply: mutation.Set("logConfig.enable", false)},
	{Rule: "gcp-compute-firewall-no-world-ingress", What: "allow rule opened to the internet", Types: []string{gcprules.TypeFirewall}, When: allows, Apply: mutation.Set("sourceRanges", []any{"0.0.0.0/0"})},
	{Rule: "gcp-compute-firewall-no-world-ingress", What: "allow rule opened to the IPv6 internet", Types: []string{gcprules.TypeFirewall}, When: allows, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "sourceRanges", append(slices.Clone(mutation.AsList(r.Inputs["sourceRanges"])), "::/0"))
	}},
	{Rule: "gcp-compute-firewall-no-world-ingress", What: "allow rule without a source", Types: []string{gcprules.TypeFirewall}, When: allows, Apply: mutation.Remove("sourceRanges")},
	{Rule: "gcp-compute-firewall-no-world-ingress", What: "deny-all turned to allow-all", Types: []string{gcprules.TypeFirewall}, When: func(r rules.Resource) bool { return !allows(r) }, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "allows", r.Inputs["denies"]) && mutation.SetPath(r.Inputs, "denies", nil)
	}},

	// The entry point: TLS policy, the HTTP redirect, Cloud Armor.
	{Rule: "gcp-compute-lb-tls", What: "TLS 1.0 floor", Types: []string{gcprules.TypeSSLPolicy}, Apply: mutation.Set("minTlsVersion", "TLS_1_0")},
	{Rule: "gcp-compute-lb-tls", What: "COMPATIBLE profile", Types: []string{gcprules.TypeSSLPolicy}, Apply: mutation.Set("profile", "COMPATIBLE")},
	{Rule: "gcp-compute-lb-tls", What: "custom profile with a CBC suite", Types: []string{gcprules.TypeSSLPolicy}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "profile", "CUSTOM") && mutation.SetPath(r.Inputs, "customFeatures", []any{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"})
	}},
	{Rule: "gcp-compute-lb-tls", What: "custom profile with no suites", Types: []string{gcprules.TypeSSLPolicy}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "profile", "CUSTOM") && mutation.SetPath(r.Inputs, "customFeatures", []any{})
	}},
	{Rule: "gcp-compute-http-redirects-only", What: "port 80 no longer redirects", Types: []string{gcprules.TypeURLMap}, Apply: mutation.Set("defaultUrlRedirect.httpsRedirect", false)},
	{Rule: "gcp-compute-http-redirects-only", What: "port 80 serves a backend", Types: []string{gcprules.TypeURLMap}, Apply: mutation.Set("defaultService", "projects/healthhub-prod/global/backendServices/frontend")},
	{Rule: "gcp-compute-http-redirects-only", What: "the redirect's URL map removed", Types: []string{gcprules.TypeURLMap}, Drop: true},
	{Rule: "gcp-armor-waf-rules", What: "a WAF rule set only previewed", Types: []string{gcprules.TypeSecurityPolicy}, Apply: armorRule(wafSet("sqli"), func(rule map[string]any) bool { return mutation.SetPath(rule, "preview", true) })},
	{Rule: "gcp-armor-waf-rules", What: "a WAF rule set allowed", Types: []string{gcprules.TypeSecurityPolicy}, Apply: armorRule(wafSet("xss"), func(rule map[string]any) bool { return mutation.SetPath(rule, "action", "allow") })},
	{Rule: "gcp-armor-waf-rules", What: "a WAF rule set left out", Types: []string{gcprules.TypeSecurityPolicy}, Apply: armorRule(wafSet("rce"), func(rule map[string]any) bool {
		return mutation.SetPath(rule, "match", map[string]any{"expr": map[string]any{"expression": "evaluatePreconfiguredWaf('methodenforcement-v33-stable')"}})
	})},
	{Rule: "gcp-armor-waf-rules", What: "no rate limit", Types: []string{gcprules.TypeSecurityPolicy}, Apply: armorRule(func(rule map[string]any) bool { return rule["action"] == "rate_based_ban" }, func(rule map[string]any) bool {
		return mutation.SetPath(rule, "action", "allow")
	})},
	{Rule: "gcp-armor-adaptive-protection", What: "Adaptive Protection off", Types: []string{gcprules.TypeSecurityPolicy}, Apply: mutation.Set("adaptiveProtectionConfig.layer7DdosDefenseConfig.enable", false)},

	// The project's audit trail: the audit config, the sink and the security alerts are the
	// project's, so a missing one is a drop.
	{Rule: "gcp-logging-audit-config", What: "Data Access logs off", Types: []string{gcprules.TypeAuditConfig}, Drop: true},
	{Rule: "gcp-logging-audit-config", What: "reads not logged", Types: []string{gcprules.TypeAuditConfig}, Apply: func(r *rules.Resource) bool {
		kept := slices.DeleteFunc(slices.Clone(mutation.AsList(r.Inputs["auditLogConfigs"])), func(c any) bool {
			return c.(map[string]any)["logType"] == "DATA_READ"
		})
		return len(kept) < len(mutation.AsList(r.Inputs["auditLogConfigs"])) && mutation.SetPath(r.Inputs, "auditLogConfigs", kept)
	}},
	{Rule: "gcp-logging-audit-config", What: "a member exempted", Types: []string{gcprules.TypeAuditConfig}, Apply: mutation.Set("auditLogConfigs[0].exemptedMembers", []any{"user:ops@healthhub.example"})},
	{Rule: "gcp-logging-audit-config", What: "one service audited instead of all", Types: []string{gcprules.TypeAuditConfig}, Apply: mutation.Set("service", "storage.googleapis.com")},
	{Rule: "gcp-logging-audit-sink", What: "audit sink removed", Types: []string{gcprules.TypeProjectSink}, Drop: true},
	{Rule: "gcp-logging-audit-sink", What: "audit sink disabled", Types: []string{gcprules.TypeProjectSink}, Apply: mutation.Set("disabled", true)},
	{Rule: "gcp-logging-audit-sink", What: "sink exports errors only", Types: []string{gcprules.TypeProjectSink}, Apply: mutation.Set("filter", "severity>=ERROR")},
	{Rule: "gcp-logging-audit-sink", What: "sink exports to BigQuery", Types: []string{gcprules.TypeProjectSink}, Apply: mutation.Set("destination", "bigquery.googleapis.com/projects/healthhub-prod/datasets/audit")},
	{Rule: "gcp-logging-security-alerts", What: "security metric removed", Types: []string{gcprules.TypeLogMetric}, When: watchesSecurityEvent, Drop: true},
	{Rule: "gcp-logging-security-alerts", What: "security metric disabled", Types: []string{gcprules.TypeLogMetric}, When: watchesSecurityEvent, Apply: mutation.Set("disabled", true)},
	{Rule: "gcp-logging-security-alerts", What: "security alert removed", Types: []string{gcprules.TypeAlertPolicy}, When: watchesSecurityEvent, Drop: true},
	{Rule: "gcp-logging-security-alerts", What: "security alert disabled", Types: []string{gcprules.TypeAlertPolicy}, When: watchesSecurityEvent, Apply: mutation.Set("enabled", false)},
	{Rule: "gcp-logging-security-alerts", What: "security alert notifies no one", Types: []string{gcprules.TypeAlertPolicy}, When: watchesSecurityEvent, Apply: mutation.Remove("notificationChannels")},

	// Secret Manager.
	{Rule: "gcp-secretmanager-replicas-cmek", What: "automatic replication", Types: []string{gcprules.TypeSecret}, Apply: mutation.Set("replication", map[string]any{"auto": map[string]any{}})},
	{Rule: "gcp-secretmanager-replicas-cmek", What: "a replica outside the allow-list", Types: []string{gcprules.TypeSecret}, Apply: mutation.Set("replication.userManaged.replicas[1].location", outside)},
	{Rule: "gcp-secretmanager-replicas-cmek", What: "a replica on a Google-managed key", Types: []string{gcprules.TypeSecret}, Apply: mutation.Remove("replication.userManaged.replicas[0].customerManagedEncryption")},
	{Rule: "gcp-secretmanager-replicas-cmek", What: "no replicas", Types: []string{gcprules.TypeSecret}, Apply: mutation.Set("replication.userManaged.replicas", []any{})},
	{Rule: "gcp-secret-values-secret", What: "secret payload in clear text", Types: []string{gcprules.TypeSecretVersion}, Apply: mutation.Set("secretData", "mock-redis-auth-string")},

	// IAM.
	{Rule: "gcp-iam-no-public-members", What: "anyone granted", Types: []string{
		gcprules.TypeProjectIAMMember, gcprules.TypeCryptoKeyIAMMember, gcprules.TypeKeyRingIAMMember,
		gcprules.TypeBucketIAMMember, typeSecretIAMMember,
	}, Apply: mutation.Set("member", "allUsers")},
	{Rule: "gcp-iam-no-public-members", What: "any Google account granted", Types: []string{
		gcprules.TypeProjectIAMMember, gcprules.TypeCryptoKeyIAMMember, gcprules.TypeKeyRingIAMMember,
		gcprules.TypeBucketIAMMember, typeSecretIAMMember,
	}, Apply: mutation.Set("member", "allAuthenticatedUsers")},
	{Rule: "gcp-iam-no-public-members", What: "anyone may act as a workload's service account", Types: []string{typeServiceAccountIAMMember}, Apply: mutation.Set("member", "allAuthenticatedUsers")},
	{Rule: "gcp-iam-no-primitive-roles", What: "editor granted", Types: []string{gcprules.TypeProjectIAMMember}, Apply: mutation.Set("role", "roles/editor")},
	{Rule: "gcp-iam-no-primitive-roles", What: "owner granted", Types: []string{gcprules.TypeProjectIAMMember}, Apply: mutation.Set("role", "roles/owner")},
}

// gkeIngress is the GKE Ingress controller's half of the workloads: the annotations the
// platform gives the frontend's Ingress and Service, and the FrontendConfig and BackendConfig
// they name.
var gkeIngress = []mutation.Mutation{
	{Rule: "kubernetes-ingress-tls", What: "the pre-shared certificate removed", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(gcePreSharedCert)},
	{Rule: "kubernetes-ingress-tls", What: "plain HTTP served on port 80", Types: []string{k8srules.TypeIngress}, Apply: mutation.Set(gceAllowHTTP, "true")},
	{Rule: "kubernetes-ingress-tls", What: "allow-http left to its default", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(gceAllowHTTP)},
	{Rule: "kubernetes-ingress-tls", What: "class annotation removed", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(ingressClass)},
	{Rule: "kubernetes-ingress-gce-ssl-policy", What: "no FrontendConfig named", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(gceFrontendConfig)},
	{Rule: "kubernetes-ingress-gce-ssl-policy", What: "a FrontendConfig not in the stack named", Types: []string{k8srules.TypeIngress}, Apply: mutation.Set(gceFrontendConfig, "default-tls")},
	{Rule: "kubernetes-ingress-gce-ssl-policy", What: "FrontendConfig removed", Types: []string{k8srules.TypeFrontendConfig}, Drop: true},
	{Rule: "kubernetes-ingress-gce-ssl-policy", What: "FrontendConfig without an SSL policy", Types: []string{k8srules.TypeFrontendConfig}, Apply: mutation.Remove("spec.sslPolicy")},
	{Rule: "kubernetes-ingress-gce-waf", What: "Ingress publishes a Service not in the stack", Types: []string{k8srules.TypeIngress}, Apply: mutation.Set("spec.rules[0].http.paths[0].backend.service.name", "frontend-canary")},
	{Rule: "kubernetes-ingress-gce-waf", What: "published Service names no BackendConfig", Types: []string{k8srules.TypeService}, Apply: mutation.Remove(gceBackendConfig)},
	{Rule: "kubernetes-ingress-gce-waf", What: "published Service names a BackendConfig not in the stack", Types: []string{k8srules.TypeService}, Apply: func(r *rules.Resource) bool {
		_, ok := mutation.GetPath(r.Inputs, gceBackendConfig)
		return ok && mutation.SetPath(r.Inputs, gceBackendConfig, `{"default": "permissive"}`)
	}},
	{Rule: "kubernetes-ingress-gce-waf", What: "BackendConfig removed", Types: []string{k8srules.TypeBackendConfig}, Drop: true},
	{Rule: "kubernetes-ingress-gce-waf", What: "BackendConfig without Cloud Armor", Types: []string{k8srules.TypeBackendConfig}, Apply: mutation.Remove("spec.securityPolicy")},
	{Rule: "kubernetes-ingress-gce-waf", What: "BackendConfig without request logs", Types: []string{k8srules.TypeBackendConfig}, Apply: mutation.Set("spec.logging.enable", false)},
}

// mutations is the GCP catalogue, the GKE Ingress's and the workloads' shared one.
var mutations = slices.Concat(gcpMutations, gkeIngress, mutation.Workloads)

func productionSubjects(t testing.TB) ([]rules.Resource, rules.Config) {
	t.Helper()
	return mutation.Subjects(t, "../..", "production-gcp", prog, allowedRegions)
}

// TestGCPMutationDetection: every guarded property of the production GCP plan, flipped one at
// a time, is flagged by the rule that guards it.
func TestGCPMutationDetection(t *testing.T) {
	base, cfg := productionSubjects(t)
	assert.Greater(t, mutation.Detect(t, base, cfg, mutations), 300, "the catalogue should reach most of the estate")
}

// TestGCPMutationCatalogueIsLive: every entry applies to at least one resource of the
// production GCP plan.
func TestGCPMutationCatalogueIsLive(t *testing.T) {
	base, _ := productionSubjects(t)
	mutation.CatalogueIsLive(t, base, mutations)
}

// noSubject are the mandatory GCP rules whose types the production GCP estate does not
// deploy, so there is nothing of theirs to mutate; the test below fails when one of those
// types joins the plan without entries here.
var noSubject = map[string]string{
	// The GKE Ingress controller creates the load balancer's backend services from the
	// Service's BackendConfig, which kubernetes-ingress-gce-waf checks for the same Cloud
	// Armor policy and request logs.
	"gcp-armor-on-external-backends": "backend services are the GKE Ingress controller's",
	"gcp-compute-backend-logging":    "backend services are the GKE Ingress controller's",
	// Workloads federate through Workload Identity; TestProductionGCPStack asserts no key.
	"gcp-iam-no-service-account-keys": "no service account key",
	"gcp-pubsub-topic-encrypted-cmek": "no Pub/Sub topic",
}

// TestGCPCatalogueCoversEveryMandatoryRule: every mandatory GCP rule with a subject in the
// production GCP plan has at least one mutation, as do the cross-cloud rules and the GKE
// Ingress rules.
func TestGCPCatalogueCoversEveryMandatoryRule(t *testing.T) {
	base, _ := productionSubjects(t)
	mutation.CoversEveryMandatoryRule(t, base, mutations, gcprules.Rules, noSubject,
		"estate-region-allow-list", "estate-stateful-protected", "estate-required-tags", "estate-phi-dr-copy",
		"kubernetes-ingress-tls", "kubernetes-ingress-gce-ssl-policy", "kubernetes-ingress-gce-waf")
}
