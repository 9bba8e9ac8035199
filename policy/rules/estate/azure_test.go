package estate

import (
	"testing"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/azure"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

// azureResource is an Azure resource as the one conversion makes it from a record on the
// primary provider (uksouth), so its own location decides its region.
func azureResource(typ, name string, inputs map[string]any) rules.Resource {
	provider := rules.Record{URN: rulestest.AzureProviderURN, Type: azure.TypeProvider, Inputs: map[string]any{"location": "uksouth"}}
	r := rulestest.AzureRes(typ, name, inputs)
	converted := Resources([]rules.Record{provider, {URN: r.URN, Type: typ, Name: name, Provider: provider.URN, Protect: true, Dependencies: r.Dependencies, Inputs: inputs}})
	return converted[1]
}

func azureTags(classification string) map[string]any {
	return map[string]any{"environment": "production", "data-classification": classification, "owner": "platform"}
}

// azureCases are the cross-cloud rules fed by the Azure profile.
func azureCases() []ruleCase {
	account := func(location, sku string, tags map[string]any) rules.Resource {
		return azureResource(azure.TypeStorageAccount, "records", map[string]any{
			"accountName": "hhprodrecords", "location": location, "kind": "StorageV2", "sku": map[string]any{"name": sku}, "tags": tags,
		})
	}
	server := func(name, location string, extra map[string]any) rules.Resource {
		inputs := map[string]any{"serverName": name, "location": location, "tags": azureTags("phi")}
		for k, v := range extra {
			inputs[k] = v
		}
		return azureResource(azure.TypePostgresServer, name, inputs)
	}
	primary := server("hh-prod-db", "uksouth", nil)
	const primaryID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/hh-prod-rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/hh-prod-db"
	replica := server("hh-prod-db-dr", "ukwest", map[string]any{"createMode": "Replica", "sourceServerResourceId": primaryID})
	sameRegionReplica := server("hh-prod-db-ro", "uksouth", map[string]any{"createMode": "Replica", "sourceServerResourceId": primaryID})
	global := func(typ, location string) rules.Resource {
		return azureResource(typ, "global", map[string]any{"location": location, "tags": azureTags("operational")})
	}

	return []ruleCase{
		{"estate-region-allow-list", "a storage account in the primary location", []rules.Resource{account("uksouth", "Standard_RAGZRS", azureTags("phi"))}, false, ""},
		{"estate-region-allow-list", "a location written as ARM's display casing", []rules.Resource{account("UKSouth", "Standard_RAGZRS", azureTags("phi"))}, false, ""},
		{"estate-region-allow-list", "an account outside the allowed locations", []rules.Resource{account("westeurope", "Standard_RAGZRS", azureTags("phi"))}, true, "in region westeurope, outside the allowed regions"},
		{"estate-region-allow-list", "an action group's Global location", []rules.Resource{global(azure.TypeActionGroup, "Global")}, false, ""},
		{"estate-region-allow-list", "an activity log alert's global location", []rules.Resource{global(azure.TypeActivityLogAlert, "global")}, false, ""},
		{"estate-region-allow-list", "a private DNS zone", []rules.Resource{global(azure.TypePrivateZone, "global")}, false, ""},
		{"estate-region-allow-list", "a key in its provider's location", []rules.Resource{azureResource(azure.TypeKey, "database", map[string]any{"keyName": "database"})}, false, ""},
		{"estate-region-allow-list", "a location unknown at preview", []rules.Resource{account(rules.Unknown, "Standard_RAGZRS", azureTags("phi"))}, true, "unknown at preview"},

		{"estate-stateful-protected", "a protected server", []rules.Resource{primary}, false, ""},
		{"estate-stateful-protected", "an unprotected key vault", []rules.Resource{unprotected(azureResource(azure.TypeVault, "kv", map[string]any{"location": "uksouth"}))}, true, "not protected in production"},
		{"estate-stateful-protected", "an unprotected recovery vault", []rules.Resource{unprotected(azureResource(azure.TypeRecoveryVault, "rsv", map[string]any{"location": "uksouth"}))}, true, "not protected in production"},
		{"estate-stateful-protected", "an unprotected workspace", []rules.Resource{unprotected(azureResource(azure.TypeWorkspace, "logs", map[string]any{"location": "uksouth"}))}, true, "not protected"},
		{"estate-stateful-protected", "a protected audit table", []rules.Resource{azureResource(azure.TypeTable, "AKSAudit", map[string]any{"tableName": "AKSAudit", "workspaceName": "hh-prod-logs"})}, false, ""},
		{"estate-stateful-protected", "an unprotected audit table", []rules.Resource{unprotected(azureResource(azure.TypeTable, "AKSAudit", map[string]any{"tableName": "AKSAudit", "workspaceName": "hh-prod-logs"}))}, true, "not protected in production"},
		{"estate-stateful-protected", "an unprotected resource group", []rules.Resource{unprotected(azureResource(azure.TypeResourceGroup, "rg", map[string]any{"location": "uksouth"}))}, true, "not protected in production"},

		{"estate-required-tags", "a tagged vault", []rules.Resource{azureResource(azure.TypeVault, "kv", map[string]any{"location": "uksouth", "tags": azureTags("phi")})}, false, ""},
		{"estate-required-tags", "an untagged vault", []rules.Resource{azureResource(azure.TypeVault, "kv", map[string]any{"location": "uksouth"})}, true, "missing tags: environment, data-classification, owner"},
		{"estate-required-tags", "a role assignment takes no tags", []rules.Resource{azureResource(azure.TypeRoleAssignment, "grant", map[string]any{"scope": "/subscriptions/s"})}, false, ""},

		{"estate-phi-dr-copy", "a server with a replica in the DR location", []rules.Resource{primary, replica}, false, ""},
		{"estate-phi-dr-copy", "a server alone", []rules.Resource{primary}, true, "hh-prod-db has no replica in another allowed region"},
		{"estate-phi-dr-copy", "a replica in the same location", []rules.Resource{primary, sameRegionReplica}, true, "hh-prod-db has no replica"},
		{"estate-phi-dr-copy", "an operational server", []rules.Resource{server("reporting", "uksouth", map[string]any{"tags": azureTags("operational")})}, false, ""},
		{"estate-phi-dr-copy", "a geo-redundant account paired with an allowed location", []rules.Resource{account("uksouth", "Standard_RAGZRS", azureTags("phi"))}, false, ""},
		{"estate-phi-dr-copy", "a zone-redundant account", []rules.Resource{account("uksouth", "Standard_ZRS", azureTags("phi"))}, true, "records has no replica"},
		{"estate-phi-dr-copy", "a geo-redundant account paired outside the allowed locations", []rules.Resource{account("westeurope", "Standard_GZRS", azureTags("phi"))}, true, "records has no replica"},
		{"estate-phi-dr-copy", "an untagged account is held to the PHI rule", []rules.Resource{account("uksouth", "Standard_LRS", nil)}, true, "records has no replica"},
	}
}

func TestAzureProfileFeedsTheCrossCloudRules(t *testing.T) {
	var cases []rulestest.Case
	for _, c := range azureCases() {
		cases = append(cases, rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message})
	}
	rulestest.RunWith(t, rulestest.AzureConfig, All[:4], cases)
}
