package azure

import (
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// drCopy is the Azure half of the cross-cloud DR rule: a PostgreSQL flexible server primary
// with a read replica in another allowed region, or a storage account whose geo-redundant SKU
// keeps a copy in its paired region, when that region is allowed. A replica is itself the copy
// and no store. Geo-redundant backups alone are a restore someone has to run during the
// incident, not a copy, so a server needs its replica.
func drCopy(all []rules.Resource, r rules.Resource, elsewhere func(region string) bool) (store, copied bool) {
	switch {
	case is(r.Type, TypePostgresServer):
		if isReplica(r) {
			return false, false
		}
		return true, slices.ContainsFunc(of(all, TypePostgresServer), func(o rules.Resource) bool {
			return isReplica(o) && replicates(o, r) && elsewhere(o.Region)
		})
	case is(r.Type, TypeStorageAccount):
		return true, oneOf(rules.Str(r.Inputs, "sku.name"), geoSKUs...) && elsewhere(pairedRegions[strings.ToLower(r.Region)])
	}
	return false, false
}

// pairedRegions are where a geo-redundant account's copy goes: Azure pairs each region with
// one other, fixed, and does not let an account choose (learn.microsoft.com "Azure region
// pairs"). A region missing here cannot be shown to copy to an allowed one.
var pairedRegions = map[string]string{
	"uksouth": "ukwest", "ukwest": "uksouth",
	"northeurope": "westeurope", "westeurope": "northeurope",
	"francecentral": "francesouth", "francesouth": "francecentral",
	"germanywestcentral": "germanynorth", "germanynorth": "germanywestcentral",
	"switzerlandnorth": "switzerlandwest", "switzerlandwest": "switzerlandnorth",
	"norwayeast": "norwaywest", "norwaywest": "norwayeast",
	"swedencentral": "swedensouth", "swedensouth": "swedencentral",
	"eastus": "westus", "westus": "eastus",
	"eastus2": "centralus", "centralus": "eastus2",
	"northcentralus": "southcentralus", "southcentralus": "northcentralus",
	"westus2": "westcentralus", "westcentralus": "westus2", "westus3": "eastus",
	"canadacentral": "canadaeast", "canadaeast": "canadacentral",
	"australiaeast": "australiasoutheast", "australiasoutheast": "australiaeast",
	"japaneast": "japanwest", "japanwest": "japaneast",
}
