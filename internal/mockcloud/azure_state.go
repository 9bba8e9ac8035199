package mockcloud

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AzureResourceID is the ARM id of a resource in a resource group: typ is the provider
// namespace and collection path ("Microsoft.KeyVault/vaults").
func AzureResourceID(subscription, group, typ, name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", subscription, group, typ, name)
}

// azureNamespaces are the ARM provider namespaces of the Azure Native modules the estate uses.
var azureNamespaces = map[string]string{
	"authorization": "Microsoft.Authorization", "compute": "Microsoft.Compute",
	"containerservice": "Microsoft.ContainerService", "dbforpostgresql": "Microsoft.DBforPostgreSQL",
	"insights": "Microsoft.Insights", "keyvault": "Microsoft.KeyVault",
	"managedidentity": "Microsoft.ManagedIdentity", "network": "Microsoft.Network",
	"operationalinsights": "Microsoft.OperationalInsights", "recoveryservices": "Microsoft.RecoveryServices",
	"storage": "Microsoft.Storage",
}

// azureKind is how ARM names one resource type: its collection, the input that holds its
// name, and, for a child, the input naming its parent and the parent's collection.
type azureKind struct {
	collection, nameKey, parentKey, parentCollection string
}

// azureKinds are the types whose collection or name input do not follow from their kind
// (Vault → vaults, vaultName); a child type lists its parent.
var azureKinds = map[string]azureKind{
	"keyvault:Key":                                {collection: "keys", nameKey: "keyName", parentKey: "vaultName", parentCollection: "vaults"},
	"keyvault:Secret":                             {collection: "secrets", nameKey: "secretName", parentKey: "vaultName", parentCollection: "vaults"},
	"network:Subnet":                              {collection: "subnets", nameKey: "subnetName", parentKey: "virtualNetworkName", parentCollection: "virtualNetworks"},
	"network:PrivateZone":                         {collection: "privateDnsZones", nameKey: "privateZoneName"},
	"network:VirtualNetworkLink":                  {collection: "virtualNetworkLinks", nameKey: "virtualNetworkLinkName", parentKey: "privateZoneName", parentCollection: "privateDnsZones"},
	"network:PrivateDnsZoneGroup":                 {collection: "privateDnsZoneGroups", nameKey: "privateDnsZoneGroupName", parentKey: "privateEndpointName", parentCollection: "privateEndpoints"},
	"network:FlowLog":                             {collection: "flowLogs", nameKey: "flowLogName", parentKey: "networkWatcherName", parentCollection: "networkWatchers"},
	"network:WebApplicationFirewallPolicy":        {collection: "ApplicationGatewayWebApplicationFirewallPolicies", nameKey: "policyName"},
	"network:PublicIPAddress":                     {collection: "publicIPAddresses", nameKey: "publicIpAddressName"},
	"network:VirtualNetworkPeering":               {collection: "virtualNetworkPeerings", nameKey: "virtualNetworkPeeringName", parentKey: "virtualNetworkName", parentCollection: "virtualNetworks"},
	"containerservice:ManagedCluster":             {collection: "managedClusters", nameKey: "resourceName"},
	"containerservice:AgentPool":                  {collection: "agentPools", nameKey: "agentPoolName", parentKey: "resourceName", parentCollection: "managedClusters"},
	"containerservice:MaintenanceConfiguration":   {collection: "maintenanceConfigurations", nameKey: "configName", parentKey: "resourceName", parentCollection: "managedClusters"},
	"dbforpostgresql:Server":                      {collection: "flexibleServers", nameKey: "serverName"},
	"dbforpostgresql:Configuration":               {collection: "configurations", nameKey: "configurationName", parentKey: "serverName", parentCollection: "flexibleServers"},
	"dbforpostgresql:Administrator":               {collection: "administrators", nameKey: "objectId", parentKey: "serverName", parentCollection: "flexibleServers"},
	"dbforpostgresql:Database":                    {collection: "databases", nameKey: "databaseName", parentKey: "serverName", parentCollection: "flexibleServers"},
	"storage:StorageAccount":                      {collection: "storageAccounts", nameKey: "accountName"},
	"storage:BlobServiceProperties":               {collection: "blobServices", nameKey: "blobServicesName", parentKey: "accountName", parentCollection: "storageAccounts"},
	"storage:BlobContainer":                       {collection: "blobServices/default/containers", nameKey: "containerName", parentKey: "accountName", parentCollection: "storageAccounts"},
	"storage:BlobContainerImmutabilityPolicy":     {collection: "blobServices/default/containers/immutabilityPolicies", nameKey: "immutabilityPolicyName", parentKey: "accountName", parentCollection: "storageAccounts"},
	"managedidentity:UserAssignedIdentity":        {collection: "userAssignedIdentities", nameKey: "resourceName"},
	"managedidentity:FederatedIdentityCredential": {collection: "federatedIdentityCredentials", nameKey: "federatedIdentityCredentialResourceName", parentKey: "resourceName", parentCollection: "userAssignedIdentities"},
	"operationalinsights:Table":                   {collection: "tables", nameKey: "tableName", parentKey: "workspaceName", parentCollection: "workspaces"},
	"recoveryservices:ProtectionPolicy":           {collection: "backupPolicies", nameKey: "policyName", parentKey: "vaultName", parentCollection: "vaults"},
	"insights:DiagnosticSetting":                  {collection: "diagnosticSettings", nameKey: "name"},
	"authorization:RoleAssignment":                {collection: "roleAssignments", nameKey: "roleAssignmentName"},
}

// stateAzure computes what ARM returns for the resources the Azure estate reads back: ARM ids
// (/subscriptions/S/resourceGroups/G/providers/N/T/name), a managed identity's client and
// principal ids, a vault's and a key's URIs, the database's and the cluster's host names, the
// workspace's customer id.
func stateAzure(r Resource, id string, provider providerInfo, out resource.PropertyMap) {
	_, module, kind := splitType(r.Type)
	module, _, _ = strings.Cut(module, "/") // dbforpostgresql/v20230601preview
	subscription := AzureSubscriptionID
	if v := str(provider.Inputs, "subscriptionId"); v != "" {
		subscription = v
	}
	if str(out, "location") == "" && provider.Region != "" && kind != "RoleAssignment" {
		out["location"] = resource.NewProperty(provider.Region)
	}
	k, ok := azureKinds[module+":"+kind]
	if !ok {
		k = azureKind{collection: strings.ToLower(kind[:1]) + kind[1:] + "s", nameKey: strings.ToLower(kind[:1]) + kind[1:] + "Name"}
	}
	name := str(out, resource.PropertyKey(k.nameKey))
	if name == "" {
		name = str(out, "resourceName")
	}
	if name == "" {
		name = r.Name
	}
	out["name"] = resource.NewProperty(name)
	group := str(out, "resourceGroupName")
	typ := azureNamespaces[module] + "/" + k.collection
	if k.parentKey != "" {
		typ = fmt.Sprintf("%s/%s/%s/%s", azureNamespaces[module], k.parentCollection, str(out, resource.PropertyKey(k.parentKey)), k.collection)
	}
	switch {
	case module == "resources" && kind == "ResourceGroup":
		out["id"] = resource.NewProperty(fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", subscription, name))
	case group != "":
		out["id"] = resource.NewProperty(AzureResourceID(subscription, group, typ, name))
	case str(out, "scope") != "":
		// Extension resources (role assignments, diagnostic settings) live under their scope.
		out["id"] = resource.NewProperty(fmt.Sprintf("%s/providers/%s/%s", str(out, "scope"), azureNamespaces[module]+"/"+k.collection, name))
	case str(out, "resourceUri") != "":
		out["id"] = resource.NewProperty(fmt.Sprintf("%s/providers/%s/%s", str(out, "resourceUri"), azureNamespaces[module]+"/"+k.collection, name))
	}
	set := func(path string, v any) {
		parts := strings.Split(path, ".")
		m := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[resource.PropertyKey(p)]
			if !ok || !next.IsObject() {
				next = resource.NewObjectProperty(resource.PropertyMap{})
				m[resource.PropertyKey(p)] = next
			}
			m = next.ObjectValue()
		}
		if _, ok := m[resource.PropertyKey(parts[len(parts)-1])]; !ok {
			m[resource.PropertyKey(parts[len(parts)-1])] = resource.NewPropertyValue(v)
		}
	}
	switch module + ":" + kind {
	case "managedidentity:UserAssignedIdentity":
		set("clientId", azureGUID(r.URN, "client"))
		set("principalId", azureGUID(r.URN, "principal"))
		set("tenantId", AzureTenantID)
	case "keyvault:Vault":
		set("properties.vaultUri", fmt.Sprintf("https://%s.vault.azure.net/", name))
	case "keyvault:Key":
		uri := fmt.Sprintf("https://%s.vault.azure.net/keys/%s", str(out, "vaultName"), name)
		set("keyUri", uri)
		set("keyUriWithVersion", uri+"/"+strings.ReplaceAll(azureGUID(r.URN, "version"), "-", ""))
	case "keyvault:Secret":
		uri := fmt.Sprintf("https://%s.vault.azure.net/secrets/%s", str(out, "vaultName"), name)
		set("properties.secretUri", uri)
		set("properties.secretUriWithVersion", uri+"/"+strings.ReplaceAll(azureGUID(r.URN, "version"), "-", ""))
	case "containerservice:ManagedCluster":
		set("privateFQDN", fmt.Sprintf("%s-%s.privatelink.%s.azmk8s.io", name, azureGUID(r.URN, "dns")[:8], provider.Region))
		set("fqdn", fmt.Sprintf("%s-%s.hcp.%s.azmk8s.io", name, azureGUID(r.URN, "dns")[:8], provider.Region))
		set("oidcIssuerProfile.issuerURL", fmt.Sprintf("https://%s.oic.prod-aks.azure.com/%s/%s/", provider.Region, AzureTenantID, azureGUID(r.URN, "oidc")))
		// The ingress add-on's identity, which AKS creates; copies, so the recorded inputs keep
		// only what the program set.
		if addons := out["addonProfiles"]; addons.IsObject() {
			if agic, ok := addons.ObjectValue()["ingressApplicationGateway"]; ok && agic.IsObject() {
				profile := agic.ObjectValue().Copy()
				profile["identity"] = resource.NewProperty(resource.PropertyMap{"objectId": resource.NewProperty(azureGUID(r.URN, "agic"))})
				profiles := addons.ObjectValue().Copy()
				profiles["ingressApplicationGateway"] = resource.NewProperty(profile)
				out["addonProfiles"] = resource.NewProperty(profiles)
			}
		}
	case "dbforpostgresql:Server":
		set("fullyQualifiedDomainName", name+".postgres.database.azure.com")
	case "operationalinsights:Workspace":
		set("customerId", azureGUID(r.URN, "customer"))
	case "storage:StorageAccount":
		set("primaryEndpoints.blob", fmt.Sprintf("https://%s.blob.core.windows.net/", name))
	case "network:PublicIPAddress":
		set("ipAddress", "20.90.0."+fmt.Sprint(len(name)%200+10))
	}
}

// azureGUID is a GUID stable per resource and purpose, as Entra and ARM mint them.
func azureGUID(urn, purpose string) string {
	s := fmt.Sprintf("%x", sha256.Sum256([]byte(urn+"/"+purpose)))
	return s[0:8] + "-" + s[8:12] + "-4" + s[12:15] + "-8" + s[15:18] + "-" + s[18:30]
}
