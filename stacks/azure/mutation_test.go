package azure_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/internal/mutation"
	"github.com/healthhub/estate/policy/rules"
	azurerules "github.com/healthhub/estate/policy/rules/azure"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
)

// The Application Gateway Ingress Controller's annotations on the frontend's Ingress.
const (
	agicCertificate = `metadata.annotations["appgw.ingress.kubernetes.io/appgw-ssl-certificate"]`
	agicSSLRedirect = `metadata.annotations["appgw.ingress.kubernetes.io/ssl-redirect"]`
)

// outside is a location outside the allow-list.
const outside = "eastus"

// keyAdmins is the production estate's key vault administrator group
// (healthhub:azure.keyAdmins), which must never use a key.
const keyAdmins = "2a4c6e80-1b3d-4f5a-9c7e-0d2f4a6c8e1b"

// Built-in roles, by the GUID their definition has in every tenant.
const (
	roleOwner                   = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	roleContributor             = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	roleUserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
	roleRBACAdministrator       = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	roleKeyVaultAdministrator   = "00482a5a-887f-4fb3-b363-3b7fe8e74483"
)

// keyUserRoles are the Key Vault data roles the estate's workloads and services hold: Crypto
// User, Crypto Service Encryption User and Secrets User.
var keyUserRoles = []string{
	string(azurekit.RoleKeyVaultCryptoUser),
	string(azurekit.RoleKeyVaultCryptoServiceEncryptionUser),
	string(azurekit.RoleKeyVaultSecretsUser),
}

// watchesSecurityOperation: the alert fires on one of the operations the security alerts rule
// asks for.
func watchesSecurityOperation(r rules.Resource) bool {
	for _, c := range mutation.AsList(mustGet(r.Inputs, "condition.allOf")) {
		condition, _ := c.(map[string]any)
		if op, _ := condition["equals"].(string); condition["field"] == "operationName" && slices.Contains(azurerules.SecurityOperations, op) {
			return true
		}
	}
	return false
}

// diagnosedCollections are the ARM collections of the kinds whose logs
// azure-monitor-diagnostic-settings requires: vaults, PHI accounts, servers, the cluster, the
// gateway, the backup vault and the workspace.
var diagnosedCollections = []string{
	"/microsoft.keyvault/vaults/", "/microsoft.storage/storageaccounts/", "/microsoft.dbforpostgresql/flexibleservers/",
	"/microsoft.containerservice/managedclusters/", "/microsoft.network/applicationgateways/",
	"/microsoft.recoveryservices/vaults/", "/microsoft.operationalinsights/workspaces/",
}

// auditArchive is the audit trail's archive account. Its blob service has two settings, the
// audit trail's own and the stack's, so dropping or emptying one leaves the other sending its
// logs: no finding is due, and the mutations below leave it out.
const auditArchive = "/microsoft.storage/storageaccounts/hhprodaudit/"

// diagnosesOnce: the setting is the one that sends a diagnosed resource's logs.
func diagnosesOnce(r rules.Resource) bool {
	uri := strings.ToLower(str(r.Inputs["resourceUri"]))
	return !strings.Contains(uri, auditArchive) && slices.ContainsFunc(diagnosedCollections, func(c string) bool { return strings.Contains(uri, c) })
}

func isReplica(r rules.Resource) bool { return r.Inputs["createMode"] == "Replica" }

// parameter picks a server's Configuration by name.
func parameter(names ...string) func(r rules.Resource) bool {
	return func(r rules.Resource) bool { return slices.Contains(names, str(r.Inputs["configurationName"])) }
}

// primaryParameter picks the primary's Configuration by name: the replica takes pgaudit and
// log_checkpoints from its primary, so only its connection logging is its own to guard.
func primaryParameter(names ...string) func(r rules.Resource) bool {
	return func(r rules.Resource) bool {
		return !strings.HasSuffix(str(r.Inputs["serverName"]), "-dr") && parameter(names...)(r)
	}
}

// grantRole makes a role assignment grant the built-in role, keeping the definition id's
// subscription.
func grantRole(role string) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		id := str(r.Inputs["roleDefinitionId"])
		i := strings.LastIndex(id, "/")
		return i >= 0 && mutation.Set("roleDefinitionId", id[:i+1]+role)(r)
	}
}

// grants: the role assignment grants one of the roles.
func grants(roles ...string) func(r rules.Resource) bool {
	return func(r rules.Resource) bool {
		id := strings.ToLower(str(r.Inputs["roleDefinitionId"]))
		return slices.ContainsFunc(roles, func(role string) bool { return strings.HasSuffix(id, "/"+role) })
	}
}

// element applies f to the first element of the list at path that ok picks.
func element(path string, ok func(e map[string]any) bool, f func(e map[string]any) bool) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		for _, e := range mutation.AsList(mustGet(r.Inputs, path)) {
			if m, _ := e.(map[string]any); m != nil && ok(m) {
				return f(m)
			}
		}
		return false
	}
}

// appendTo adds an element to the list at path.
func appendTo(path string, e any) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		l, ok := mustGet(r.Inputs, path).([]any)
		return ok && mutation.SetPath(r.Inputs, path, append(slices.Clone(l), e))
	}
}

func anyOne(map[string]any) bool { return true }

func named(name string) func(e map[string]any) bool {
	return func(e map[string]any) bool { return e["name"] == name }
}

// set is mutation.Set on a map of a list's element.
func set(path string, v any) func(e map[string]any) bool {
	return func(e map[string]any) bool { return mutation.Set(path, v)(&rules.Resource{Inputs: e}) }
}

// onListener picks a gateway routing rule by the listener it serves.
func onListener(listener string) func(e map[string]any) bool {
	return func(e map[string]any) bool {
		return strings.HasSuffix(str(mustGet(e, "httpListener.id")), "/httpListeners/"+listener)
	}
}

// isDefaultRuleSet picks the WAF policy's Microsoft default rule set.
func isDefaultRuleSet(e map[string]any) bool { return e["ruleSetType"] == "Microsoft_DefaultRuleSet" }

// inboundFromInternet is an NSG rule admitting a port from anywhere.
func inboundFromInternet(name, source, port string, priority float64) map[string]any {
	return map[string]any{
		"name": name, "priority": priority, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
		"sourceAddressPrefix": source, "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": port,
	}
}

func isGatewayNSG(r rules.Resource) bool { return strings.Contains(r.Name, "-nsg-gateway-") }

func mustGet(inputs map[string]any, path string) any {
	v, _ := mutation.GetPath(inputs, path)
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// azureMutations is every guarded property of the types the production Azure estate deploys,
// rule by rule; TestAzureMutationCatalogueIsLive fails on an entry that no longer matches
// anything, TestAzureCatalogueCoversEveryMandatoryRule on a mandatory Azure rule with a subject
// in the plan and no entry.
var azureMutations = []mutation.Mutation{
	// Data residency: the providers, and each resource's own location, which overrides its
	// provider's.
	{Rule: "estate-region-allow-list", What: "provider location outside the allow-list", Types: []string{azurerules.TypeProvider}, Apply: mutation.Set("location", outside)},
	{Rule: "estate-region-allow-list", What: "provider without a location", Types: []string{azurerules.TypeProvider}, Apply: mutation.Remove("location")},
	{Rule: "estate-region-allow-list", What: "resource on the default provider", Apply: func(r *rules.Resource) bool {
		if r.Provider == "" || !strings.HasPrefix(r.Type, "azure-native:") {
			return false
		}
		r.Provider = ""
		return true
	}},
	{Rule: "estate-region-allow-list", What: "own location outside the allow-list", Apply: func(r *rules.Resource) bool {
		if _, ok := r.Inputs["location"].(string); !ok || !strings.HasPrefix(r.Type, "azure-native:") {
			return false
		}
		return mutation.SetPath(r.Inputs, "location", outside)
	}},

	// Protection from destroy, and the tags an auditor finds PHI by.
	{Rule: "estate-stateful-protected", What: "protect flag off", Types: slices.Concat(statefulTypes, []string{azurerules.TypeWorkspace}), Apply: mutation.Always(func(r *rules.Resource) { r.Protect = false })},
	{Rule: "estate-stateful-protected", What: "protect off on a table", Types: []string{azurerules.TypeTable}, Apply: mutation.Always(func(r *rules.Resource) { r.Protect = false })},
	{Rule: "estate-required-tags", What: "owner tag removed", Apply: func(r *rules.Resource) bool {
		if !strings.HasPrefix(r.Type, "azure-native:") {
			return false
		}
		tags, ok := r.Inputs["tags"].(map[string]any)
		return ok && tags["owner"] != nil && mutation.SetPath(r.Inputs, "tags.owner", nil)
	}},

	// The DR copies: the database's replica in UK West, the accounts' geo-redundant SKUs.
	{Rule: "estate-phi-dr-copy", What: "database replica removed", Types: []string{azurerules.TypePostgresServer}, Drop: true, When: isReplica},
	{Rule: "estate-phi-dr-copy", What: "replica promoted to a primary", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("createMode")},
	{Rule: "estate-phi-dr-copy", What: "replica in the primary's location", Types: []string{azurerules.TypePostgresServer}, When: isReplica, Apply: mutation.Set("location", "uksouth")},
	{Rule: "estate-phi-dr-copy", What: "replica of another server", Types: []string{azurerules.TypePostgresServer}, Apply: func(r *rules.Resource) bool {
		source := str(r.Inputs["sourceServerResourceId"])
		return source != "" && mutation.SetPath(r.Inputs, "sourceServerResourceId", source+"-old")
	}},
	{Rule: "estate-phi-dr-copy", What: "account kept in one datacentre", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("sku.name", "Standard_LRS")},
	{Rule: "estate-phi-dr-copy", What: "account kept in one region", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("sku.name", "Standard_ZRS")},

	// Key Vault.
	{Rule: "azure-keyvault-hardened", What: "access policies instead of RBAC", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.enableRbacAuthorization", false)},
	{Rule: "azure-keyvault-hardened", What: "an access policy", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.accessPolicies", []any{map[string]any{
		"objectId": keyAdmins, "tenantId": "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "permissions": map[string]any{"keys": []any{"all"}},
	}})},
	{Rule: "azure-keyvault-hardened", What: "purge protection off", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.enablePurgeProtection", false)},
	{Rule: "azure-keyvault-hardened", What: "purge protection left out", Types: []string{azurerules.TypeVault}, Apply: mutation.Remove("properties.enablePurgeProtection")},
	{Rule: "azure-keyvault-hardened", What: "soft delete off", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.enableSoftDelete", false)},
	{Rule: "azure-keyvault-hardened", What: "a week of soft-deleted keys", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.softDeleteRetentionInDays", 7.0)},
	{Rule: "azure-keyvault-hardened", What: "VMs read the vault", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.enabledForDeployment", true)},
	{Rule: "azure-keyvault-hardened", What: "templates read the vault", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.enabledForTemplateDeployment", true)},
	{Rule: "azure-keyvault-hardened", What: "Azure Disk Encryption reads the vault", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.enabledForDiskEncryption", true)},
	{Rule: "azure-keyvault-private", What: "public network access Enabled", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.publicNetworkAccess", "Enabled")},
	{Rule: "azure-keyvault-private", What: "firewall allows by default", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.networkAcls.defaultAction", "Allow")},
	{Rule: "azure-keyvault-private", What: "an IP rule", Types: []string{azurerules.TypeVault}, Apply: mutation.Set("properties.networkAcls.ipRules", []any{map[string]any{"value": "203.0.113.0/24"}})},
	{Rule: "azure-keyvault-key-rotation", What: "rotation policy removed", Types: []string{azurerules.TypeKey}, Apply: mutation.Remove("properties.rotationPolicy")},
	{Rule: "azure-keyvault-key-rotation", What: "versions never expire", Types: []string{azurerules.TypeKey}, Apply: mutation.Remove("properties.rotationPolicy.attributes.expiryTime")},
	{Rule: "azure-keyvault-key-rotation", What: "rotation once a year", Types: []string{azurerules.TypeKey}, Apply: element("properties.rotationPolicy.lifetimeActions", func(e map[string]any) bool {
		return mustGet(e, "action.type") == "Rotate"
	}, set("trigger.timeAfterCreate", "P1Y"))},
	{Rule: "azure-keyvault-key-rotation", What: "rotation only notifies", Types: []string{azurerules.TypeKey}, Apply: element("properties.rotationPolicy.lifetimeActions", func(e map[string]any) bool {
		return mustGet(e, "action.type") == "Rotate"
	}, set("action.type", "Notify"))},
	{Rule: "azure-keyvault-key-rotation", What: "software-protected key", Types: []string{azurerules.TypeKey}, Apply: mutation.Set("properties.kty", "RSA")},
	{Rule: "azure-keyvault-separation-of-duties", What: "the key admins also use a key or secret", Types: []string{azurerules.TypeRoleAssignment}, When: grants(keyUserRoles...), Apply: mutation.Set("principalId", keyAdmins)},
	{Rule: "azure-keyvault-separation-of-duties", What: "the cluster that uses its key administers the vault", Types: []string{azurerules.TypeRoleAssignment},
		When: func(r rules.Resource) bool { return strings.HasSuffix(r.Name, "-control-plane-kms-vault") }, Apply: grantRole(roleKeyVaultAdministrator)},
	{Rule: "azure-secret-values-secret", What: "secret value in clear text", Types: []string{azurerules.TypeSecret}, Apply: mutation.Set("properties.value", "mock-cache-auth-token")},
	{Rule: "azure-secret-values-secret", What: "pager webhook in clear text", Types: []string{azurerules.TypeActionGroup}, Apply: mutation.Set("webhookReceivers[0].serviceUri", "https://events.pager.example/integration/abc123/enqueue")},
	{Rule: "azure-secret-values-secret", What: "database administrator password in clear text", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("administratorLoginPassword", "hunter2hunter2")},

	// Storage: the audit archive and the two flow-log accounts.
	{Rule: "azure-storage-encrypted-cmk", What: "Microsoft-managed key", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("encryption.keySource", "Microsoft.Storage")},
	{Rule: "azure-storage-encrypted-cmk", What: "key vault properties removed", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Remove("encryption.keyVaultProperties")},
	{Rule: "azure-storage-encrypted-cmk", What: "no infrastructure encryption", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("encryption.requireInfrastructureEncryption", false)},
	// Every account receives logs, so an open endpoint must at least be for trusted services.
	{Rule: "azure-storage-private", What: "public network access Enabled without the trusted-services bypass", Types: []string{azurerules.TypeStorageAccount}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "publicNetworkAccess", "Enabled") && mutation.SetPath(r.Inputs, "networkRuleSet.bypass", "None")
	}},
	{Rule: "azure-storage-private", What: "public network access left to its default", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Remove("publicNetworkAccess")},
	{Rule: "azure-storage-private", What: "firewall allows by default", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("networkRuleSet.defaultAction", "Allow")},
	{Rule: "azure-storage-private", What: "an IP rule", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("networkRuleSet.ipRules", []any{map[string]any{"value": "203.0.113.0/24", "action": "Allow"}})},
	{Rule: "azure-storage-private", What: "a virtual network rule", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("networkRuleSet.virtualNetworkRules", []any{map[string]any{
		"virtualNetworkResourceId": "/subscriptions/3f1c9a2e-7b4d-4c8e-a1f0-5d6e7f8a9b0c/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/other/subnets/default",
	}})},
	{Rule: "azure-storage-private", What: "shared key access", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("allowSharedKeyAccess", true)},
	{Rule: "azure-storage-private", What: "shared key access left to its default", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Remove("allowSharedKeyAccess")},
	{Rule: "azure-storage-private", What: "anonymous blob access", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("allowBlobPublicAccess", true)},
	{Rule: "azure-storage-private", What: "cross-tenant replication", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("allowCrossTenantReplication", true)},
	{Rule: "azure-storage-private", What: "local users", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("isLocalUserEnabled", true)},
	{Rule: "azure-storage-private", What: "SFTP", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("isSftpEnabled", true)},
	{Rule: "azure-storage-tls", What: "TLS 1.0 accepted", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("minimumTlsVersion", "TLS1_0")},
	{Rule: "azure-storage-tls", What: "TLS 1.1 accepted", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("minimumTlsVersion", "TLS1_1")},
	{Rule: "azure-storage-tls", What: "no TLS floor", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Remove("minimumTlsVersion")},
	{Rule: "azure-storage-tls", What: "plain HTTP accepted", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("enableHttpsTrafficOnly", false)},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "blob service properties removed", Types: []string{azurerules.TypeBlobServiceProperties}, Drop: true},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "versioning off", Types: []string{azurerules.TypeBlobServiceProperties}, Apply: mutation.Set("isVersioningEnabled", false)},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "blob soft delete off", Types: []string{azurerules.TypeBlobServiceProperties}, Apply: mutation.Set("deleteRetentionPolicy.enabled", false)},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "deleted blobs kept a day", Types: []string{azurerules.TypeBlobServiceProperties}, Apply: mutation.Set("deleteRetentionPolicy.days", 1.0)},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "soft-deleted blobs purgeable", Types: []string{azurerules.TypeBlobServiceProperties}, Apply: mutation.Set("deleteRetentionPolicy.allowPermanentDelete", true)},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "container soft delete off", Types: []string{azurerules.TypeBlobServiceProperties}, Apply: mutation.Set("containerDeleteRetentionPolicy.enabled", false)},
	{Rule: "azure-storage-blob-soft-delete-versioning", What: "container soft delete removed", Types: []string{azurerules.TypeBlobServiceProperties}, Apply: mutation.Remove("containerDeleteRetentionPolicy")},
	{Rule: "azure-storage-redundancy", What: "LRS SKU", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("sku.name", "Standard_LRS")},
	{Rule: "azure-storage-redundancy", What: "premium LRS SKU", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("sku.name", "Premium_LRS")},
	{Rule: "azure-storage-redundancy", What: "zone- but not geo-redundant", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("sku.name", "Standard_ZRS")},
	{Rule: "azure-storage-audit-log-immutable", What: "immutability off", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("immutableStorageWithVersioning.enabled", false)},
	{Rule: "azure-storage-audit-log-immutable", What: "immutability removed", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Remove("immutableStorageWithVersioning")},
	{Rule: "azure-storage-audit-log-immutable", What: "logs immutable a year", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("immutableStorageWithVersioning.immutabilityPolicy.immutabilityPeriodSinceCreationInDays", 365.0)},
	{Rule: "azure-storage-audit-log-locked", What: "immutability policy unlocked", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("immutableStorageWithVersioning.immutabilityPolicy.state", "Unlocked")},
	{Rule: "azure-storage-audit-log-immutable", What: "immutability policy disabled", Types: []string{azurerules.TypeStorageAccount}, Apply: mutation.Set("immutableStorageWithVersioning.immutabilityPolicy.state", "Disabled")},

	// PostgreSQL, the primary and its replica.
	{Rule: "azure-postgres-encrypted-cmk", What: "Microsoft-managed key", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("dataEncryption.type", "SystemManaged")},
	{Rule: "azure-postgres-encrypted-cmk", What: "data encryption removed", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("dataEncryption")},
	{Rule: "azure-postgres-encrypted-cmk", What: "no key", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("dataEncryption.primaryKeyURI")},
	{Rule: "azure-postgres-encrypted-cmk", What: "no identity to reach the key", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("dataEncryption.primaryUserAssignedIdentityId")},
	{Rule: "azure-postgres-encrypted-cmk", What: "geo-redundant backups without their key", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("dataEncryption.geoBackupKeyURI")},
	{Rule: "azure-postgres-private", What: "public network access Enabled", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("network.publicNetworkAccess", "Enabled")},
	{Rule: "azure-postgres-tls", What: "require_secure_transport off", Types: []string{azurerules.TypePostgresConfiguration}, When: parameter("require_secure_transport"), Apply: mutation.Set("value", "off")},
	{Rule: "azure-postgres-tls", What: "TLS 1.1 accepted", Types: []string{azurerules.TypePostgresConfiguration}, When: parameter("ssl_min_protocol_version"), Apply: mutation.Set("value", "TLSv1.1")},
	{Rule: "azure-postgres-tls", What: "a TLS parameter left to Azure's default", Types: []string{azurerules.TypePostgresConfiguration}, When: parameter("require_secure_transport", "ssl_min_protocol_version"), Drop: true},
	{Rule: "azure-postgres-backups", What: "a week of backups", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("backup.backupRetentionDays", 7.0)},
	{Rule: "azure-postgres-backups", What: "retention left to the default", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("backup.backupRetentionDays")},
	{Rule: "azure-postgres-backups", What: "backups in the region only", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("backup.geoRedundantBackup", "Disabled")},
	// A replica is made highly available through its primary, which is what is guarded.
	{Rule: "azure-postgres-high-availability", What: "HA disabled", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("highAvailability.mode", "Disabled")},
	{Rule: "azure-postgres-high-availability", What: "standby in the same zone", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("highAvailability.mode", "SameZone")},
	{Rule: "azure-postgres-high-availability", What: "HA removed", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("highAvailability")},
	{Rule: "azure-postgres-entra-auth", What: "password sign-in Enabled", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("authConfig.passwordAuth", "Enabled")},
	{Rule: "azure-postgres-entra-auth", What: "Entra sign-in Disabled", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Set("authConfig.activeDirectoryAuth", "Disabled")},
	{Rule: "azure-postgres-entra-auth", What: "auth config left to its default", Types: []string{azurerules.TypePostgresServer}, Apply: mutation.Remove("authConfig")},
	{Rule: "azure-postgres-entra-auth", What: "Entra administrator removed", Types: []string{azurerules.TypePostgresAdministrator}, Drop: true},
	{Rule: "azure-postgres-audit-logging", What: "connections not logged", Types: []string{azurerules.TypePostgresConfiguration}, When: parameter("log_connections"), Apply: mutation.Set("value", "off")},
	{Rule: "azure-postgres-audit-logging", What: "disconnections not logged", Types: []string{azurerules.TypePostgresConfiguration}, When: parameter("log_disconnections"), Apply: mutation.Set("value", "off")},
	{Rule: "azure-postgres-audit-logging", What: "connection logging left to Azure's default", Types: []string{azurerules.TypePostgresConfiguration}, When: parameter("log_connections", "log_disconnections"), Drop: true},
	{Rule: "azure-postgres-audit-logging", What: "checkpoints not logged", Types: []string{azurerules.TypePostgresConfiguration},
		When: primaryParameter("log_checkpoints"), Apply: mutation.Set("value", "off")},
	{Rule: "azure-postgres-audit-logging", What: "pgaudit not preloaded", Types: []string{azurerules.TypePostgresConfiguration},
		When: primaryParameter("shared_preload_libraries"), Apply: mutation.Set("value", "pg_stat_statements")},
	{Rule: "azure-postgres-audit-logging", What: "pgaudit logs nothing", Types: []string{azurerules.TypePostgresConfiguration},
		When: primaryParameter("pgaudit.log"), Apply: mutation.Set("value", "none")},
	{Rule: "azure-postgres-audit-logging", What: "a pgaudit parameter left to Azure's default", Types: []string{azurerules.TypePostgresConfiguration},
		When: primaryParameter("log_checkpoints", "shared_preload_libraries", "pgaudit.log"), Drop: true},

	// AKS.
	{Rule: "azure-aks-private-cluster", What: "public API server", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("apiServerAccessProfile.enablePrivateCluster", false)},
	{Rule: "azure-aks-private-cluster", What: "private cluster left to its default", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("apiServerAccessProfile.enablePrivateCluster")},
	{Rule: "azure-aks-private-cluster", What: "the private API server named in public DNS", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("apiServerAccessProfile.enablePrivateClusterPublicFQDN", true)},
	{Rule: "azure-aks-private-cluster", What: "the public FQDN left to AKS's default", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("apiServerAccessProfile.enablePrivateClusterPublicFQDN")},
	{Rule: "azure-aks-entra-rbac", What: "local accounts enabled", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("disableLocalAccounts", false)},
	{Rule: "azure-aks-entra-rbac", What: "legacy Entra integration", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("aadProfile.managed", false)},
	{Rule: "azure-aks-entra-rbac", What: "Kubernetes authorization without Azure RBAC", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("aadProfile.enableAzureRBAC", false)},
	{Rule: "azure-aks-entra-rbac", What: "no Entra integration", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("aadProfile")},
	{Rule: "azure-aks-entra-rbac", What: "Kubernetes RBAC off", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("enableRBAC", false)},
	{Rule: "azure-aks-kms-etcd", What: "KMS disabled", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("securityProfile.azureKeyVaultKms.enabled", false)},
	{Rule: "azure-aks-kms-etcd", What: "KMS removed", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("securityProfile.azureKeyVaultKms")},
	{Rule: "azure-aks-kms-etcd", What: "no KMS key", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("securityProfile.azureKeyVaultKms.keyId")},
	{Rule: "azure-aks-kms-etcd", What: "KMS vault reached publicly", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("securityProfile.azureKeyVaultKms.keyVaultNetworkAccess", "Public")},
	{Rule: "azure-aks-kms-etcd", What: "KMS vault not named", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("securityProfile.azureKeyVaultKms.keyVaultResourceId")},
	{Rule: "azure-aks-hardened", What: "run command allowed", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("apiServerAccessProfile.disableRunCommand", false)},
	{Rule: "azure-aks-hardened", What: "Image Cleaner off", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("securityProfile.imageCleaner.enabled", false)},
	{Rule: "azure-aks-hardened", What: "no workload identity", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("securityProfile.workloadIdentity.enabled", false)},
	{Rule: "azure-aks-hardened", What: "no OIDC issuer", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("oidcIssuerProfile.enabled", false)},
	{Rule: "azure-aks-hardened", What: "Defender off", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("securityProfile.defender.securityMonitoring.enabled", false)},
	{Rule: "azure-aks-hardened", What: "Defender with no workspace", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("securityProfile.defender.logAnalyticsWorkspaceResourceId")},
	{Rule: "azure-aks-hardened", What: "Azure Policy add-on off", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("addonProfiles.azurepolicy.enabled", false)},
	{Rule: "azure-aks-hardened", What: "pod-managed identity on", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("podIdentityProfile", map[string]any{"enabled": true})},
	{Rule: "azure-aks-auto-upgrade", What: "no automatic upgrades", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("autoUpgradeProfile.upgradeChannel", "none")},
	{Rule: "azure-aks-auto-upgrade", What: "upgrade channel left out", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("autoUpgradeProfile.upgradeChannel")},
	{Rule: "azure-aks-auto-upgrade", What: "node images unmanaged", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("autoUpgradeProfile.nodeOSUpgradeChannel", "Unmanaged")},
	{Rule: "azure-aks-nodes-hardened", What: "network policy removed", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("networkProfile.networkPolicy")},
	{Rule: "azure-aks-nodes-hardened", What: "network policy none", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("networkProfile.networkPolicy", "none")},
	{Rule: "azure-aks-nodes-hardened", What: "node disks on a platform key", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("diskEncryptionSetID")},
	{Rule: "azure-aks-nodes-hardened", What: "system pool without encryption at host", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("agentPoolProfiles[0].enableEncryptionAtHost", false)},
	{Rule: "azure-aks-nodes-hardened", What: "system pool nodes with public IPs", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("agentPoolProfiles[0].enableNodePublicIP", true)},
	{Rule: "azure-aks-nodes-hardened", What: "SSH to the system pool's nodes as a local user", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("agentPoolProfiles[0].securityProfile.sshAccess", "LocalUser")},
	{Rule: "azure-aks-nodes-hardened", What: "the system pool's SSH left to AKS's default", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("agentPoolProfiles[0].securityProfile")},
	{Rule: "azure-aks-nodes-hardened", What: "nodes with public IPs", Types: []string{azurerules.TypeAgentPool}, Apply: mutation.Set("enableNodePublicIP", true)},
	{Rule: "azure-aks-nodes-hardened", What: "no encryption at host", Types: []string{azurerules.TypeAgentPool}, Apply: mutation.Set("enableEncryptionAtHost", false)},
	{Rule: "azure-aks-nodes-hardened", What: "encryption at host left out", Types: []string{azurerules.TypeAgentPool}, Apply: mutation.Remove("enableEncryptionAtHost")},
	{Rule: "azure-aks-nodes-hardened", What: "SSH to the nodes as a local user", Types: []string{azurerules.TypeAgentPool}, Apply: mutation.Set("securityProfile.sshAccess", "LocalUser")},
	{Rule: "azure-aks-nodes-hardened", What: "SSH to the nodes through Entra ID", Types: []string{azurerules.TypeAgentPool}, Apply: mutation.Set("securityProfile.sshAccess", "EntraId")},
	{Rule: "azure-aks-nodes-hardened", What: "SSH left to AKS's default", Types: []string{azurerules.TypeAgentPool}, Apply: mutation.Remove("securityProfile")},
	{Rule: "azure-aks-nodes-hardened", What: "disks stay on the first key version", Types: []string{azurerules.TypeDiskEncryptionSet}, Apply: mutation.Set("rotationToLatestKeyVersionEnabled", false)},
	{Rule: "azure-aks-nodes-hardened", What: "disk encryption set without a key", Types: []string{azurerules.TypeDiskEncryptionSet}, Apply: mutation.Remove("activeKey.keyUrl")},
	{Rule: "azure-aks-logging", What: "Container Insights off", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Set("addonProfiles.omsagent.enabled", false)},
	{Rule: "azure-aks-logging", What: "Container Insights with no workspace", Types: []string{azurerules.TypeManagedCluster}, Apply: mutation.Remove("addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID")},

	// The networks.
	{Rule: "azure-network-nsg-no-world-ingress", What: "SSH from the internet", Types: []string{azurerules.TypeNetworkSecurityGroup}, Apply: appendTo("securityRules", inboundFromInternet("allow-ssh", "Internet", "22", 200))},
	{Rule: "azure-network-nsg-no-world-ingress", What: "RDP from 0.0.0.0/0", Types: []string{azurerules.TypeNetworkSecurityGroup}, Apply: appendTo("securityRules", inboundFromInternet("allow-rdp", "0.0.0.0/0", "3389", 210))},
	{Rule: "azure-network-nsg-no-world-ingress", What: "SSH and RDP from a source list that includes the internet", Types: []string{azurerules.TypeNetworkSecurityGroup}, Apply: appendTo("securityRules", map[string]any{
		"name": "allow-admin", "priority": 220.0, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
		"sourceAddressPrefixes": []any{"10.0.0.0/8", "Internet"}, "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRanges": []any{"22", "3389"},
	})},
	{Rule: "azure-network-nsg-no-world-ingress", What: "SSH from every Azure tenant", Types: []string{azurerules.TypeNetworkSecurityGroup}, Apply: appendTo("securityRules", inboundFromInternet("allow-azure-ssh", "AzureCloud", "22", 230))},
	{Rule: "azure-network-nsg-no-world-ingress", What: "an allow rule opened to every Azure tenant in the region", Types: []string{azurerules.TypeNetworkSecurityGroup}, When: func(r rules.Resource) bool { return !isGatewayNSG(r) },
		Apply: element("securityRules", func(e map[string]any) bool { return e["access"] == "Allow" }, set("sourceAddressPrefix", "AzureCloud.UKSouth"))},
	{Rule: "azure-network-nsg-no-world-ingress", What: "deny-all turned to allow-all", Types: []string{azurerules.TypeNetworkSecurityGroup}, Apply: element("securityRules", named("deny-all-inbound"), set("access", "Allow"))},
	{Rule: "azure-network-nsg-no-world-ingress", What: "an allow rule opened to any source", Types: []string{azurerules.TypeNetworkSecurityGroup}, When: func(r rules.Resource) bool { return !isGatewayNSG(r) },
		Apply: element("securityRules", func(e map[string]any) bool { return e["access"] == "Allow" }, set("sourceAddressPrefix", "*"))},
	{Rule: "azure-network-nsg-no-world-ingress", What: "the gateway's HTTPS rule opened to every port", Types: []string{azurerules.TypeNetworkSecurityGroup}, When: isGatewayNSG,
		Apply: element("securityRules", named("allow-https-from-internet"), set("destinationPortRange", "*"))},
	{Rule: "azure-network-subnet-nsg", What: "nodes subnet without an NSG", Types: []string{azurerules.TypeVirtualNetwork}, Apply: element("subnets", named("nodes"), set("networkSecurityGroup", nil))},
	{Rule: "azure-network-subnet-nsg", What: "database subnet without an NSG", Types: []string{azurerules.TypeVirtualNetwork}, Apply: element("subnets", named("database"), set("networkSecurityGroup", nil))},
	{Rule: "azure-network-subnet-nsg", What: "a subnet added without an NSG", Types: []string{azurerules.TypeVirtualNetwork}, Apply: appendTo("subnets", map[string]any{"name": "jumpbox", "addressPrefix": "10.60.140.0/28"})},
	{Rule: "azure-network-flow-logs", What: "flow log removed", Types: []string{azurerules.TypeFlowLog}, Drop: true},
	{Rule: "azure-network-flow-logs", What: "flow log disabled", Types: []string{azurerules.TypeFlowLog}, Apply: mutation.Set("enabled", false)},
	{Rule: "azure-network-flow-logs", What: "flow log for another network", Types: []string{azurerules.TypeFlowLog}, Apply: func(r *rules.Resource) bool {
		target := str(r.Inputs["targetResourceId"])
		return target != "" && mutation.SetPath(r.Inputs, "targetResourceId", target+"-old")
	}},
	{Rule: "azure-network-flow-logs", What: "flows kept a month", Types: []string{azurerules.TypeFlowLog}, Apply: mutation.Set("retentionPolicy.days", 30.0)},
	{Rule: "azure-network-peering-no-transit", What: "peering forwards a third network's traffic", Types: []string{azurerules.TypeVirtualNetworkPeering}, Apply: mutation.Set("allowForwardedTraffic", true)},
	{Rule: "azure-network-peering-no-transit", What: "peering lends its gateway", Types: []string{azurerules.TypeVirtualNetworkPeering}, Apply: mutation.Set("allowGatewayTransit", true)},
	{Rule: "azure-network-peering-no-transit", What: "peering borrows the remote gateway", Types: []string{azurerules.TypeVirtualNetworkPeering}, Apply: mutation.Set("useRemoteGateways", true)},
	{Rule: "azure-network-public-ip-gateways-only", What: "the NAT gateway's address left unused", Types: []string{azurerules.TypeNatGateway}, Apply: mutation.Remove("publicIpAddresses")},

	// The entry point: the gateway and its WAF policy.
	{Rule: "azure-appgw-waf", What: "Standard_v2 tier", Types: []string{azurerules.TypeApplicationGateway}, Apply: mutation.Set("sku", map[string]any{"name": "Standard_v2", "tier": "Standard_v2"})},
	{Rule: "azure-appgw-waf", What: "no WAF policy", Types: []string{azurerules.TypeApplicationGateway}, Apply: mutation.Remove("firewallPolicy")},
	{Rule: "azure-appgw-tls", What: "TLS 1.0 predefined policy", Types: []string{azurerules.TypeApplicationGateway}, Apply: mutation.Set("sslPolicy", map[string]any{"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"})},
	{Rule: "azure-appgw-tls", What: "custom policy from TLSv1_0", Types: []string{azurerules.TypeApplicationGateway}, Apply: mutation.Set("sslPolicy", map[string]any{
		"policyType": "CustomV2", "minProtocolVersion": "TLSv1_0", "cipherSuites": []any{"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
	})},
	{Rule: "azure-appgw-tls", What: "no SSL policy", Types: []string{azurerules.TypeApplicationGateway}, Apply: mutation.Remove("sslPolicy")},
	{Rule: "azure-appgw-http-redirects-only", What: "HTTP listener served by the backend", Types: []string{azurerules.TypeApplicationGateway}, Apply: element("requestRoutingRules", onListener("http"), func(e map[string]any) bool {
		delete(e, "redirectConfiguration")
		e["backendAddressPool"] = map[string]any{"id": "backendAddressPools/bootstrap"}
		e["backendHttpSettings"] = map[string]any{"id": "backendHttpSettingsCollection/bootstrap"}
		return true
	})},
	{Rule: "azure-appgw-http-redirects-only", What: "HTTP redirected to itself", Types: []string{azurerules.TypeApplicationGateway}, Apply: element("redirectConfigurations", anyOne, func(e map[string]any) bool {
		id := str(mustGet(e, "targetListener.id"))
		return strings.HasSuffix(id, "/https") && mutation.SetPath(e, "targetListener.id", strings.TrimSuffix(id, "s"))
	})},
	{Rule: "azure-appgw-http-redirects-only", What: "HTTP redirected to an http:// URL", Types: []string{azurerules.TypeApplicationGateway}, Apply: element("redirectConfigurations", anyOne, func(e map[string]any) bool {
		delete(e, "targetListener")
		e["targetUrl"] = "http://assistant.healthhub.example"
		return true
	})},
	{Rule: "azure-appgw-http-redirects-only", What: "the redirect configuration removed", Types: []string{azurerules.TypeApplicationGateway}, Apply: mutation.Remove("redirectConfigurations")},
	{Rule: "azure-appgw-http-redirects-only", What: "the HTTPS listener downgraded to HTTP", Types: []string{azurerules.TypeApplicationGateway}, Apply: element("httpListeners", named("https"), set("protocol", "Http"))},
	{Rule: "azure-waf-policy-prevention", What: "Detection mode", Types: []string{azurerules.TypeWAFPolicy}, Apply: mutation.Set("policySettings.mode", "Detection")},
	{Rule: "azure-waf-policy-prevention", What: "policy disabled", Types: []string{azurerules.TypeWAFPolicy}, Apply: mutation.Set("policySettings.state", "Disabled")},
	{Rule: "azure-waf-policy-prevention", What: "request bodies not inspected", Types: []string{azurerules.TypeWAFPolicy}, Apply: mutation.Set("policySettings.requestBodyCheck", false)},
	{Rule: "azure-waf-policy-prevention", What: "default rule set 2.0", Types: []string{azurerules.TypeWAFPolicy}, Apply: element("managedRules.managedRuleSets", func(e map[string]any) bool {
		return e["ruleSetType"] == "Microsoft_DefaultRuleSet"
	}, set("ruleSetVersion", "2.0"))},
	{Rule: "azure-waf-policy-prevention", What: "OWASP 3.1 instead of the default rule set", Types: []string{azurerules.TypeWAFPolicy}, Apply: element("managedRules.managedRuleSets", func(e map[string]any) bool {
		return e["ruleSetType"] == "Microsoft_DefaultRuleSet"
	}, func(e map[string]any) bool { e["ruleSetType"], e["ruleSetVersion"] = "OWASP", "3.1"; return true })},
	{Rule: "azure-waf-policy-prevention", What: "bot rules only", Types: []string{azurerules.TypeWAFPolicy}, Apply: func(r *rules.Resource) bool {
		sets := mutation.AsList(mustGet(r.Inputs, "managedRules.managedRuleSets"))
		kept := slices.DeleteFunc(slices.Clone(sets), func(e any) bool { return e.(map[string]any)["ruleSetType"] == "Microsoft_DefaultRuleSet" })
		return len(kept) < len(sets) && mutation.SetPath(r.Inputs, "managedRules.managedRuleSets", kept)
	}},
	{Rule: "azure-waf-policy-prevention", What: "a default rule disabled", Types: []string{azurerules.TypeWAFPolicy}, Apply: element("managedRules.managedRuleSets", isDefaultRuleSet,
		set("ruleGroupOverrides", []any{map[string]any{"ruleGroupName": "APPLICATION-ATTACK-SQLI", "rules": []any{map[string]any{"ruleId": "942100", "state": "Disabled"}}}}))},
	{Rule: "azure-waf-policy-prevention", What: "a default rule overridden with no state", Types: []string{azurerules.TypeWAFPolicy}, Apply: element("managedRules.managedRuleSets", isDefaultRuleSet,
		set("ruleGroupOverrides", []any{map[string]any{"ruleGroupName": "APPLICATION-ATTACK-XSS", "rules": []any{map[string]any{"ruleId": "941100", "action": "Block"}}}}))},
	{Rule: "azure-waf-policy-prevention", What: "a default rule group turned off", Types: []string{azurerules.TypeWAFPolicy}, Apply: element("managedRules.managedRuleSets", isDefaultRuleSet,
		set("ruleGroupOverrides", []any{map[string]any{"ruleGroupName": "APPLICATION-ATTACK-SQLI"}}))},
	{Rule: "azure-waf-policy-prevention", What: "every header excluded from inspection", Types: []string{azurerules.TypeWAFPolicy}, Apply: mutation.Set("managedRules.exclusions", []any{
		map[string]any{"matchVariable": "RequestHeaderNames", "selectorMatchOperator": "EqualsAny"},
	})},
	{Rule: "azure-waf-bot-protection", What: "bot manager rule set removed", Types: []string{azurerules.TypeWAFPolicy}, Apply: func(r *rules.Resource) bool {
		sets := mutation.AsList(mustGet(r.Inputs, "managedRules.managedRuleSets"))
		kept := slices.DeleteFunc(slices.Clone(sets), func(e any) bool { return e.(map[string]any)["ruleSetType"] == "Microsoft_BotManagerRuleSet" })
		return len(kept) < len(sets) && mutation.SetPath(r.Inputs, "managedRules.managedRuleSets", kept)
	}},

	// The audit trail: the workspace and its tables, each diagnosed resource's setting, the
	// activity log's export and the alerts on it.
	{Rule: "azure-loganalytics-hardened", What: "a month of logs to query", Types: []string{azurerules.TypeWorkspace}, Apply: mutation.Set("retentionInDays", 30.0)},
	{Rule: "azure-loganalytics-hardened", What: "workspace keys", Types: []string{azurerules.TypeWorkspace}, Apply: mutation.Set("features.disableLocalAuth", false)},
	{Rule: "azure-loganalytics-hardened", What: "workspace features left to their defaults", Types: []string{azurerules.TypeWorkspace}, Apply: mutation.Remove("features")},
	{Rule: "azure-loganalytics-hardened", What: "a table kept a year", Types: []string{azurerules.TypeTable}, Apply: mutation.Set("totalRetentionInDays", 365.0)},
	{Rule: "azure-loganalytics-hardened", What: "a table's archive left to its default", Types: []string{azurerules.TypeTable}, Apply: mutation.Remove("totalRetentionInDays")},
	{Rule: "azure-monitor-diagnostic-settings", What: "a resource's diagnostic setting removed", Types: []string{azurerules.TypeDiagnosticSetting}, When: diagnosesOnce, Drop: true},
	{Rule: "azure-monitor-diagnostic-settings", What: "a resource's logs turned off", Types: []string{azurerules.TypeDiagnosticSetting}, When: diagnosesOnce, Apply: mutation.Set("logs[0].enabled", false)},
	{Rule: "azure-monitor-diagnostic-settings", What: "a resource's logs narrowed to an unrelated category", Types: []string{azurerules.TypeDiagnosticSetting}, When: diagnosesOnce,
		Apply: mutation.Set("logs", []any{map[string]any{"category": "AzurePolicyEvaluationDetails", "enabled": true}})},
	{Rule: "azure-monitor-diagnostic-settings", What: "a resource's metrics only", Types: []string{azurerules.TypeDiagnosticSetting}, When: diagnosesOnce, Apply: mutation.Remove("logs")},
	{Rule: "azure-monitor-diagnostic-settings", What: "a resource's logs sent nowhere", Types: []string{azurerules.TypeDiagnosticSetting}, When: diagnosesOnce, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "workspaceId", nil) && mutation.SetPath(r.Inputs, "storageAccountId", nil)
	}},
	{Rule: "azure-monitor-activity-log-export", What: "activity log export removed", Types: []string{azurerules.TypeSubscriptionDiagnosticSetting}, Drop: true},
	{Rule: "azure-monitor-activity-log-export", What: "administrative events not exported", Types: []string{azurerules.TypeSubscriptionDiagnosticSetting}, Apply: element("logs", func(e map[string]any) bool {
		return e["category"] == "Administrative"
	}, set("enabled", false))},
	{Rule: "azure-monitor-activity-log-export", What: "security events left out", Types: []string{azurerules.TypeSubscriptionDiagnosticSetting}, Apply: func(r *rules.Resource) bool {
		logs := mutation.AsList(r.Inputs["logs"])
		kept := slices.DeleteFunc(slices.Clone(logs), func(e any) bool { return e.(map[string]any)["category"] == "Security" })
		return len(kept) < len(logs) && mutation.SetPath(r.Inputs, "logs", kept)
	}},
	{Rule: "azure-monitor-activity-log-export", What: "activity log exported nowhere", Types: []string{azurerules.TypeSubscriptionDiagnosticSetting}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "workspaceId", nil) && mutation.SetPath(r.Inputs, "storageAccountId", nil)
	}},
	{Rule: "azure-monitor-security-alerts", What: "security alert removed", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Drop: true},
	{Rule: "azure-monitor-security-alerts", What: "security alert disabled", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Apply: mutation.Set("enabled", false)},
	{Rule: "azure-monitor-security-alerts", What: "security alert notifies no one", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Apply: mutation.Set("actions.actionGroups", []any{})},
	{Rule: "azure-monitor-security-alerts", What: "security alert watches one resource group", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Apply: func(r *rules.Resource) bool {
		scopes := mutation.AsList(r.Inputs["scopes"])
		return len(scopes) == 1 && mutation.SetPath(r.Inputs, "scopes", []any{str(scopes[0]) + "/resourceGroups/hhprod-rg"})
	}},
	{Rule: "azure-monitor-security-alerts", What: "security alert on the Security category", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Apply: element("condition.allOf", func(e map[string]any) bool {
		return e["field"] == "category"
	}, set("equals", "Security"))},
	{Rule: "azure-monitor-security-alerts", What: "security alert without its category", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Apply: func(r *rules.Resource) bool {
		conditions := mutation.AsList(mustGet(r.Inputs, "condition.allOf"))
		kept := slices.DeleteFunc(slices.Clone(conditions), func(e any) bool { m, _ := e.(map[string]any); return m["field"] == "category" })
		return len(kept) < len(conditions) && mutation.SetPath(r.Inputs, "condition.allOf", kept)
	}},
	{Rule: "azure-monitor-security-alerts", What: "security alert watches reads", Types: []string{azurerules.TypeActivityLogAlert}, When: watchesSecurityOperation, Apply: element("condition.allOf", func(e map[string]any) bool {
		return e["field"] == "operationName"
	}, func(e map[string]any) bool {
		e["equals"] = strings.TrimSuffix(strings.TrimSuffix(str(e["equals"]), "/write"), "/delete") + "/read"
		return true
	})},

	// The Recovery Services vault.
	{Rule: "azure-recoveryservices-immutable", What: "immutability Disabled", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.securitySettings.immutabilitySettings.state", "Disabled")},
	{Rule: "azure-recoveryservices-immutable", What: "immutability unlocked", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.securitySettings.immutabilitySettings.state", "Unlocked")},
	{Rule: "azure-recoveryservices-immutable", What: "soft delete off", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.securitySettings.softDeleteSettings.softDeleteState", "Disabled")},
	{Rule: "azure-recoveryservices-immutable", What: "soft delete reversible", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.securitySettings.softDeleteSettings.softDeleteState", "Enabled")},
	{Rule: "azure-recoveryservices-immutable", What: "security settings left to their defaults", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Remove("properties.securitySettings")},
	{Rule: "azure-recoveryservices-hardened", What: "backups on a Microsoft-managed key", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Remove("properties.encryption.keyVaultProperties")},
	{Rule: "azure-recoveryservices-hardened", What: "no identity to reach the key", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Remove("properties.encryption.kekIdentity")},
	{Rule: "azure-recoveryservices-hardened", What: "no infrastructure encryption", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.encryption.infrastructureEncryption", "Disabled")},
	{Rule: "azure-recoveryservices-hardened", What: "public network access Enabled", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.publicNetworkAccess", "Enabled")},
	{Rule: "azure-recoveryservices-hardened", What: "restores into another subscription", Types: []string{azurerules.TypeRecoveryVault},
		Apply: mutation.Set("properties.restoreSettings.crossSubscriptionRestoreSettings.crossSubscriptionRestoreState", "Enabled")},
	{Rule: "azure-recoveryservices-hardened", What: "cross-subscription restore left to Azure's default", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Remove("properties.restoreSettings")},
	{Rule: "azure-recoveryservices-hardened", What: "backups in one region", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.redundancySettings.standardTierStorageRedundancy", "ZoneRedundant")},
	{Rule: "azure-recoveryservices-hardened", What: "no cross-region restore", Types: []string{azurerules.TypeRecoveryVault}, Apply: mutation.Set("properties.redundancySettings.crossRegionRestore", "Disabled")},

	// IAM.
	{Rule: "azure-iam-no-privileged-roles", What: "Owner granted", Types: []string{azurerules.TypeRoleAssignment}, Apply: grantRole(roleOwner)},
	{Rule: "azure-iam-no-privileged-roles", What: "Contributor granted", Types: []string{azurerules.TypeRoleAssignment}, Apply: grantRole(roleContributor)},
	{Rule: "azure-iam-no-privileged-roles", What: "User Access Administrator granted", Types: []string{azurerules.TypeRoleAssignment}, Apply: grantRole(roleUserAccessAdministrator)},
	{Rule: "azure-iam-no-privileged-roles", What: "RBAC Administrator granted", Types: []string{azurerules.TypeRoleAssignment}, Apply: grantRole(roleRBACAdministrator)},
	{Rule: "azure-iam-no-privileged-roles", What: "the custom role allows every action", Types: []string{azurerules.TypeRoleDefinition}, Apply: mutation.Set("permissions[0].actions", []any{"*"})},
	{Rule: "azure-iam-no-privileged-roles", What: "the custom role grants roles", Types: []string{azurerules.TypeRoleDefinition}, Apply: appendTo("permissions[0].actions", "Microsoft.Authorization/roleAssignments/write")},
	{Rule: "azure-iam-resource-scoped", What: "a grant on the whole subscription", Types: []string{azurerules.TypeRoleAssignment}, Apply: func(r *rules.Resource) bool {
		scope := str(r.Inputs["scope"])
		parts := strings.SplitN(scope, "/", 4) // "", "subscriptions", <id>, the rest
		return len(parts) == 4 && mutation.SetPath(r.Inputs, "scope", strings.Join(parts[:3], "/"))
	}},
}

// agicIngress is the Application Gateway Ingress Controller's half of the workloads: the
// annotations the platform gives the frontend's Ingress.
var agicIngress = []mutation.Mutation{
	{Rule: "kubernetes-ingress-tls", What: "the gateway's certificate annotation removed", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(agicCertificate)},
	{Rule: "kubernetes-ingress-tls", What: "port 80 served, not redirected", Types: []string{k8srules.TypeIngress}, Apply: mutation.Set(agicSSLRedirect, "false")},
	{Rule: "kubernetes-ingress-tls", What: "ssl-redirect left to its default", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(agicSSLRedirect)},
	{Rule: "kubernetes-ingress-tls", What: "class removed", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove("spec.ingressClassName")},
}

// mutations is the Azure catalogue, the ingress add-on's and the workloads' shared one.
var mutations = slices.Concat(azureMutations, agicIngress, mutation.Workloads)

func productionSubjects(t testing.TB) ([]rules.Resource, rules.Config) {
	t.Helper()
	return mutation.Subjects(t, "../..", "production-azure", prog, allowedRegions)
}

// TestAzureMutationDetection: every guarded property of the production Azure plan, flipped one
// at a time, is flagged by the rule that guards it.
func TestAzureMutationDetection(t *testing.T) {
	base, cfg := productionSubjects(t)
	assert.Greater(t, mutation.Detect(t, base, cfg, mutations), 1000, "the catalogue should reach most of the estate")
}

// TestAzureMutationCatalogueIsLive: every entry applies to at least one resource of the
// production Azure plan.
func TestAzureMutationCatalogueIsLive(t *testing.T) {
	base, _ := productionSubjects(t)
	mutation.CatalogueIsLive(t, base, mutations)
}

// noSubject are the mandatory Azure rules whose types the production Azure estate does not
// deploy, so there is nothing of theirs to mutate; the test below fails when one of those
// types joins the plan while its rule is listed here. Every mandatory Azure rule has a
// subject today: the types the estate does not build (PostgreSQL firewall rules, Subnet and
// SecurityRule resources) belong to rules whose other types it does.
var noSubject = map[string]string{}

// TestAzureCatalogueCoversEveryMandatoryRule: every mandatory Azure rule with a subject in the
// production Azure plan has at least one mutation, as do the cross-cloud rules and the
// ingress add-on's TLS rule.
func TestAzureCatalogueCoversEveryMandatoryRule(t *testing.T) {
	base, _ := productionSubjects(t)
	mutation.CoversEveryMandatoryRule(t, base, mutations, azurerules.Rules, noSubject,
		"estate-region-allow-list", "estate-stateful-protected", "estate-required-tags", "estate-phi-dr-copy",
		"kubernetes-ingress-tls")
}
