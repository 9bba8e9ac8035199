package azure

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// oneOf reports s equal to one of the values, in any case: ARM compares its enumerations
// without case ("Disabled", "disabled").
func oneOf(s string, values ...string) bool {
	return slices.ContainsFunc(values, func(v string) bool { return strings.EqualFold(s, v) })
}

// of lists the resources of a kind, whatever their API version.
func of(all []rules.Resource, typ string) []rules.Resource {
	var out []rules.Resource
	for _, r := range all {
		if is(r.Type, typ) {
			out = append(out, r)
		}
	}
	return out
}

// names are the input that names a resource of each kind and its ARM collection, for matching
// an ARM id another resource names it by.
var names = map[string]struct{ input, collection string }{
	kind(TypeVault):                {"vaultName", "Microsoft.KeyVault/vaults"},
	kind(TypeStorageAccount):       {"accountName", "Microsoft.Storage/storageAccounts"},
	kind(TypePostgresServer):       {"serverName", "Microsoft.DBforPostgreSQL/flexibleServers"},
	kind(TypeManagedCluster):       {"resourceName", "Microsoft.ContainerService/managedClusters"},
	kind(TypeApplicationGateway):   {"applicationGatewayName", "Microsoft.Network/applicationGateways"},
	kind(TypeVirtualNetwork):       {"virtualNetworkName", "Microsoft.Network/virtualNetworks"},
	kind(TypeNetworkSecurityGroup): {"networkSecurityGroupName", "Microsoft.Network/networkSecurityGroups"},
	kind(TypePublicIPAddress):      {"publicIpAddressName", "Microsoft.Network/publicIPAddresses"},
	kind(TypeRecoveryVault):        {"vaultName", "Microsoft.RecoveryServices/vaults"},
	kind(TypeWorkspace):            {"workspaceName", "Microsoft.OperationalInsights/workspaces"},
}

// nameOf is the name a resource gives itself; empty when it leaves naming to the provider or
// the name is unknown.
func nameOf(r rules.Resource) string {
	n, ok := names[kind(r.Type)]
	if !ok {
		return ""
	}
	return rules.Known(rules.Str(r.Inputs, n.input))
}

// idNames reports an ARM id that names the resource, or a child of it (a storage account's
// blob service): .../providers/<namespace>/<collection>/<name>[/...].
func idNames(id string, r rules.Resource) bool {
	name, n := nameOf(r), names[kind(r.Type)]
	if name == "" || rules.Known(id) == "" {
		return false
	}
	id, want := strings.ToLower(id), strings.ToLower("/providers/"+n.collection+"/"+name)
	i := strings.Index(id, want)
	return i >= 0 && (len(id) == i+len(want) || id[i+len(want)] == '/')
}

// refersTo: from names to at path, by the ARM id it gives, or, while that id is unknown, by
// referring to it at all. A known id decides, so a resource that refers to two of a kind (a
// diagnostic setting of one account that writes to another) is matched to the right one.
func refersTo(from rules.Resource, path string, to rules.Resource) bool {
	if id := rules.Str(from.Inputs, path); rules.Known(id) != "" {
		return idNames(id, to)
	}
	return slices.Contains(from.Dependencies, to.URN)
}

// isoDuration is an ISO 8601 duration of whole years, months, weeks and days ("P90D", "P1Y").
var isoDuration = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$`)

// isoDays reads an ISO 8601 duration in days, a month counted as 30 and a year as 365; false
// when unset, unknown or malformed.
func isoDays(s string) (int, bool) {
	m := isoDuration.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return 0, false
	}
	days, set := 0, false
	for i, unit := range []int{365, 30, 7, 1} {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil {
				return 0, false
			}
			days, set = days+n*unit, true
		}
	}
	return days, set
}

// subscriptionAnchor is what a subscription-wide finding is reported on: the stack's first
// Azure Native provider, else its first Azure resource; false when the stack deploys nothing
// on Azure.
func subscriptionAnchor(all []rules.Resource) (rules.Resource, bool) {
	return rules.Anchor(all, TypeProvider, "azure-native")
}

// entry reads a key of the map at path in any case (AKS add-on names: "azurepolicy",
// "azurePolicy").
func entry(inputs map[string]any, path, key string) (map[string]any, bool) {
	v, _ := rules.Get(inputs, path)
	m, _ := v.(map[string]any)
	for k, e := range m {
		if strings.EqualFold(k, key) {
			out, ok := e.(map[string]any)
			return out, ok
		}
	}
	return nil, false
}
