package azure

import (
	"strings"
)

// The types the Azure estate builds. Default-API types are azure-native:<module>:<Kind>; the
// kinds only a newer API version can build hardened are taken from the versioned subpackage
// the components use (a PostgreSQL server's geo-backup key, an AKS API server in the VNet, a
// Recovery Services vault's redundancy).
const (
	TypeVault  = "azure-native:keyvault:Vault"
	TypeKey    = "azure-native:keyvault:Key"
	TypeSecret = "azure-native:keyvault:Secret"

	TypeStorageAccount        = "azure-native:storage:StorageAccount"
	TypeBlobServiceProperties = "azure-native:storage:BlobServiceProperties"

	TypePostgresServer        = "azure-native:dbforpostgresql/v20230601preview:Server"
	TypePostgresConfiguration = "azure-native:dbforpostgresql/v20230601preview:Configuration"
	TypePostgresAdministrator = "azure-native:dbforpostgresql/v20230601preview:Administrator"
	TypePostgresFirewallRule  = "azure-native:dbforpostgresql/v20230601preview:FirewallRule"

	TypeManagedCluster           = "azure-native:containerservice/v20240902preview:ManagedCluster"
	TypeAgentPool                = "azure-native:containerservice/v20240902preview:AgentPool"
	TypeMaintenanceConfiguration = "azure-native:containerservice/v20240902preview:MaintenanceConfiguration"
	TypeDiskEncryptionSet        = "azure-native:compute:DiskEncryptionSet"

	TypeVirtualNetwork       = "azure-native:network:VirtualNetwork"
	TypeSubnet               = "azure-native:network:Subnet"
	TypeNetworkSecurityGroup = "azure-native:network:NetworkSecurityGroup"
	TypeSecurityRule         = "azure-native:network:SecurityRule"
	TypeFlowLog              = "azure-native:network:FlowLog"
	TypePrivateEndpoint      = "azure-native:network:PrivateEndpoint"
	TypePrivateZone          = "azure-native:network:PrivateZone"
	TypeNatGateway           = "azure-native:network:NatGateway"
	TypePublicIPAddress      = "azure-native:network:PublicIPAddress"
	TypeApplicationGateway   = "azure-native:network:ApplicationGateway"
	TypeWAFPolicy            = "azure-native:network:WebApplicationFirewallPolicy"

	TypeWorkspace                     = "azure-native:operationalinsights:Workspace"
	TypeTable                         = "azure-native:operationalinsights:Table"
	TypeDiagnosticSetting             = "azure-native:insights:DiagnosticSetting"
	TypeSubscriptionDiagnosticSetting = "azure-native:insights:SubscriptionDiagnosticSetting"
	TypeActionGroup                   = "azure-native:insights:ActionGroup"
	TypeActivityLogAlert              = "azure-native:insights:ActivityLogAlert"

	TypeRecoveryVault = "azure-native:recoveryservices/v20241001:Vault"

	TypeResourceGroup = "azure-native:resources:ResourceGroup"

	TypeRoleAssignment       = "azure-native:authorization:RoleAssignment"
	TypeRoleDefinition       = "azure-native:authorization:RoleDefinition"
	TypeUserAssignedIdentity = "azure-native:managedidentity:UserAssignedIdentity"
)

// kind is a type without its API version ("dbforpostgresql:Server"), so a rule reads a
// resource built from another API version of the same kind as it reads the estate's.
func kind(typ string) string {
	_, rest, _ := strings.Cut(typ, ":")
	module, k, _ := strings.Cut(rest, ":")
	module, _, _ = strings.Cut(module, "/")
	return module + ":" + k
}

// is reports a resource of the same kind as typ, whatever its API version.
func is(typ, as string) bool { return strings.HasPrefix(typ, "azure-native:") && kind(typ) == kind(as) }

// versions lists each type with its default-API form, for the Types of a rule: the engine
// hands a rule only the types it lists.
func versions(types ...string) []string {
	var out []string
	for _, t := range types {
		out = append(out, t)
		if d := "azure-native:" + kind(t); d != t {
			out = append(out, d)
		}
	}
	return out
}
