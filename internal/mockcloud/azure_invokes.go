package mockcloud

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The Azure identity the mocks pretend to deploy as.
const (
	AzureSubscriptionID = "00000000-0000-4000-8000-000000000001"
	AzureTenantID       = "00000000-0000-4000-8000-000000000002"
	AzureClientID       = "00000000-0000-4000-8000-000000000003"
	AzureObjectID       = "00000000-0000-4000-8000-000000000004"
)

// callAzure answers the Azure Native data sources an Azure estate reads: the deploying
// identity, whose tenant a Key Vault needs and whose object id its access policy names, and a
// cluster's user kubeconfig, where the API server's address and CA come from.
func callAzure(in invoke) (resource.PropertyMap, error) {
	switch in.Token {
	case "azure-native:authorization:getClientConfig":
		subscription := AzureSubscriptionID
		if v, ok := in.Provider["subscriptionId"]; ok && v.IsString() && v.StringValue() != "" {
			subscription = v.StringValue()
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"clientId": AzureClientID, "objectId": AzureObjectID, "subscriptionId": subscription, "tenantId": AzureTenantID,
		}), nil
	case "azure-native:containerservice/v20240902preview:listManagedClusterUserCredentials":
		if in.Region == "" {
			return nil, explicitRegion(in.Token)
		}
		return azureUserCredentials(in), nil
	}
	return nil, errNoAnswer
}

// azureUserCredentials is the user kubeconfig AKS returns for an Entra ID cluster: the private
// API server (a name built from the arguments, under the region's privatelink zone) and a CA,
// with the device-code exec plugin AKS puts in it, which a pipeline cannot use.
func azureUserCredentials(in invoke) resource.PropertyMap {
	name, group := str(in.Args, "resourceName"), str(in.Args, "resourceGroupName")
	user := "clusterUser_" + group + "_" + name
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    server: https://%[1]s.privatelink.%[2]s.azmk8s.io:443
contexts:
- name: %[1]s
  context:
    cluster: %[1]s
    user: %[3]s
current-context: %[1]s
users:
- name: %[3]s
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --tenant-id, %[4]s, --login, devicecode]
`, name, in.Region, user, AzureTenantID)
	return resource.NewPropertyMapFromMap(map[string]any{"kubeconfigs": []any{
		map[string]any{"name": "clusterUser", "value": base64.StdEncoding.EncodeToString([]byte(config))},
	}})
}
