// Package azureformat holds the shapes of Azure values that both the config validator and the
// Azure components check, so a stack file is refused for the same value a component would
// refuse, before anything is registered.
package azureformat

import "regexp"

var (
	// GUID is a subscription, tenant or Entra object id.
	GUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// Location is an Azure location as ARM names it: lowercase, no spaces (uksouth, westeurope,
	// eastus2). "UK South" is the display name, which the region rule would not match.
	Location = regexp.MustCompile(`^[a-z]+[a-z0-9]*$`)
	// KubernetesVersion is an AKS minor version the estate supports, 1.30 to 1.34.
	KubernetesVersion = regexp.MustCompile(`^1\.3[0-4]$`)
	// VMSize is a virtual machine size such as Standard_D4ds_v5 or Standard_NC4as_T4_v3.
	VMSize = regexp.MustCompile(`^Standard_[A-Za-z0-9_]+$`)
	// PostgresSku is a Flexible Server compute SKU: burstable (Standard_B2s), general purpose
	// (Standard_D4ds_v5) or memory optimised (Standard_E4ds_v5).
	PostgresSku = regexp.MustCompile(`^Standard_[BDE][0-9]+[a-z]*(_v[0-9]+)?$`)
	// KeyVaultName is Key Vault's rule: 3 to 24 letters, digits or hyphens, starting with a
	// letter and not ending with a hyphen; names are global, so a prefix must leave room.
	KeyVaultName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$`)
	// StorageAccountName is 3 to 24 lowercase letters or digits, global across Azure.
	StorageAccountName = regexp.MustCompile(`^[a-z0-9]{3,24}$`)
	// Prefix names an estate's Azure resources: lowercase letters and digits, starting with a
	// letter, short enough that "<prefix><suffix>" stays within the storage and vault limits.
	Prefix = regexp.MustCompile(`^[a-z][a-z0-9]{1,9}$`)
	// SuffixedPrefix is Prefix with room for a two-character suffix ("dr"): what names a
	// network, whose DR twin is the estate's prefix and "dr", and what names its edge.
	SuffixedPrefix = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
)

// KeyVaultObject is the name of a key, secret or certificate in a vault: 1 to 127 letters,
// digits or hyphens.
var KeyVaultObject = regexp.MustCompile(`^[a-zA-Z0-9-]{1,127}$`)

// LogAnalyticsTotalRetention are the total retentions past two years a Log Analytics table
// accepts, whole years up to twelve; anything else fails the deployment with InvalidParameter.
var LogAnalyticsTotalRetention = []int{1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018, 4383}
