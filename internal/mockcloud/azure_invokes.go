package mockcloud

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The Azure identity the mocks pretend to deploy as.
const (
	AzureSubscriptionID = "00000000-0000-4000-8000-000000000001"
	AzureTenantID       = "00000000-0000-4000-8000-000000000002"
	AzureClientID       = "00000000-0000-4000-8000-000000000003"
	AzureObjectID       = "00000000-0000-4000-8000-000000000004"
)

// callAzure answers the Azure Native data sources an Azure estate reads first: the deploying
// identity, whose tenant a Key Vault needs and whose object id its access policy names.
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
	}
	return nil, errNoAnswer
}
