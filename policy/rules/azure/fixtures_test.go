package azure

import (
	"strings"
	"testing"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

func res(typ, name string, inputs map[string]any) rules.Resource {
	return rulestest.AzureRes(typ, name, inputs)
}

func dependsOn(r rules.Resource, on ...rules.Resource) rules.Resource {
	for _, o := range on {
		r = rulestest.DependsOn(r, o)
	}
	return r
}

func with(base map[string]any, k string, v any) map[string]any { return rulestest.With(base, k, v) }

// set returns a copy of base with the value at a dotted path of nested objects changed
// (removed when v is nil), copying each object on the way.
func set(base map[string]any, path string, v any) map[string]any {
	k, rest, deep := strings.Cut(path, ".")
	if !deep {
		return with(base, k, v)
	}
	inner, _ := base[k].(map[string]any)
	return with(base, k, set(inner, rest, v))
}

// withInput is the resource with the input at a dotted path changed.
func withInput(r rules.Resource, path string, v any) rules.Resource {
	r.Inputs = set(r.Inputs, path, v)
	return r
}

func inRegion(r rules.Resource, region string) rules.Resource { r.Region = region; return r }

// The ids fixtures name each other by, as ARM gives them.
const (
	subscription = "/subscriptions/00000000-0000-0000-0000-000000000001"
	group        = subscription + "/resourceGroups/hh-prod-rg"
	vaultID      = group + "/providers/Microsoft.KeyVault/vaults/hhprodkvuks"
	workspaceID  = group + "/providers/Microsoft.OperationalInsights/workspaces/hh-prod-logs"
	archiveID    = group + "/providers/Microsoft.Storage/storageAccounts/hhprodarchive"
	recordsID    = group + "/providers/Microsoft.Storage/storageAccounts/hhprodrecords"
	serverID     = group + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/hh-prod-db"
	clusterID    = group + "/providers/Microsoft.ContainerService/managedClusters/hh-prod-aks"
	identityID   = group + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/hh-prod-id-database"
	backupsID    = group + "/providers/Microsoft.RecoveryServices/vaults/hh-prod-rsv"
)

func tags() map[string]any { return rulestest.GoodTags() }

var provider = rules.Resource{URN: rulestest.AzureProviderURN, Type: TypeProvider, Name: "azure-primary", Region: "uksouth", Inputs: map[string]any{"location": "uksouth"}}

// ruleCase is one fixture, written positionally in each family's table; env, when set, is
// the environment of the stack it runs in.
type ruleCase struct {
	rule, name string
	resources  []rules.Resource
	violates   bool
	message    string
	env        string
}

func TestRules(t *testing.T) {
	var cases []rulestest.Case
	for _, family := range [][]ruleCase{
		keyVaultCases(), iamCases(), storageCases(), postgresCases(), aksCases(), networkCases(), peeringCases(), edgeCases(), loggingCases(), recoveryCases(),
	} {
		for _, c := range family {
			cases = append(cases, rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message, Environment: c.env})
		}
	}
	rulestest.RunWith(t, rulestest.AzureConfig, Rules, cases)
}
