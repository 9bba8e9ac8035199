// Package azure holds the Azure rules and the profile the cross-cloud rules read. The rules read
// resource inputs as the Azure Native provider spells them, at the API versions the estate
// builds with; a type from another API version of the same kind is read the same way. Each
// family (Key Vault, storage, PostgreSQL, AKS, network, edge, logging, recovery, IAM) has a
// file of its own.
package azure

import "github.com/healthhub/estate/policy/rules"

// TypeProvider is the Azure Native provider.
const TypeProvider = "pulumi:providers:azure-native"

// Profile: every Azure Native resource names its own location, which the region rule reads
// before the provider's; ARM takes a location in any case, and "global" for the resources that
// keep nothing in a region. Every taggable type keeps its tags in "tags".
var Profile = rules.Profile{
	Cloud:           rules.CloudAzure,
	Package:         "azure-native",
	Regional:        true,
	RegionInputs:    []string{"location"},
	FoldRegionCase:  true,
	GlobalLocations: []string{"global"},
	TagsInput:       "tags",
	Taggable:        taggable,
	Stateful:        stateful,
	PHIStores:       phiStores,
	DRCopy:          drCopy,
}

// taggable are the types the estate builds that take tags.
var taggable = versions(
	TypeVault, TypeKey, TypeSecret, TypeStorageAccount, TypeUserAssignedIdentity,
	TypePostgresServer, TypeManagedCluster, TypeDiskEncryptionSet,
	TypeVirtualNetwork, TypeNetworkSecurityGroup, TypeFlowLog, TypePrivateEndpoint, TypePrivateZone,
	TypeNatGateway, TypePublicIPAddress, TypeApplicationGateway, TypeWAFPolicy,
	TypeWorkspace, TypeActionGroup, TypeActivityLogAlert, TypeRecoveryVault,
)

// stateful hold PHI, the keys and secrets that open it, its backups, or the audit record of
// who touched it (the workspace, and its tables: deleting a table resource resets the table to
// the workspace's retention, and the years of records past it go); and the resource groups
// they live in, since ARM deletes a group with everything in it, whatever protects its
// resources in Pulumi.
var stateful = versions(
	TypeVault, TypeKey, TypeSecret, TypeStorageAccount, TypePostgresServer, TypeManagedCluster,
	TypeWorkspace, TypeTable, TypeRecoveryVault, TypeResourceGroup,
)

// phiStores are the stores of PHI records the DR rule asks a copy of in another region.
var phiStores = versions(TypePostgresServer, TypeStorageAccount)

// Rules are the Azure rules, in the order they are reported.
var Rules = []rules.Rule{
	keyVaultHardened,
	keyVaultPrivate,
	keyRotation,
	keyVaultSeparationOfDuties,
	secretValues,
	storageEncrypted,
	storagePrivate,
	storageTLS,
	storageBlobRecovery,
	storageRedundancy,
	storageAuditImmutable,
	storageAuditLocked,
	postgresEncrypted,
	postgresPrivate,
	postgresTLS,
	postgresBackups,
	postgresHighAvailability,
	postgresEntraAuth,
	postgresAuditLogging,
	aksPrivateCluster,
	aksEntraRBAC,
	aksKMS,
	aksHardened,
	aksAutoUpgrade,
	aksNodesHardened,
	aksLogging,
	nsgNoWorldIngress,
	subnetNSG,
	flowLogs,
	peeringNoTransit,
	publicIPGatewayOnly,
	appGatewayWAF,
	wafPolicyPrevention,
	wafBotProtection,
	appGatewayTLS,
	appGatewayHTTPRedirectsOnly,
	logAnalyticsHardened,
	diagnosticSettings,
	activityLogExport,
	securityAlerts,
	recoveryImmutable,
	recoveryHardened,
	iamNoPrivilegedRoles,
	iamResourceScoped,
}

// SubscriptionRules hold for a whole subscription or stack rather than for the part of it one
// component builds: the activity log's export, the security alerts on it, and the diagnostic
// settings the stack adds to every store, vault, cluster, gateway, backup vault and workspace
// its components build. A test of one component leaves them out; a test of a whole stack
// keeps them.
var SubscriptionRules = []string{diagnosticSettings.Name, activityLogExport.Name, securityAlerts.Name}
