package config

import "regexp"

// DefaultAzure is what healthhub:azure holds when a stack leaves a field out. The subscription
// has no usable default: every Azure stack names its own.
var DefaultAzure = Azure{
	VnetCidr:   "10.60.0.0/16",
	DrVnetCidr: "10.61.0.0/16",
	AKS:        AKS{UpgradeChannel: "patch"},
}

// Azure holds the settings under healthhub:azure, read only when healthhub:cloud is azure.
type Azure struct {
	// SubscriptionID is the subscription that holds the estate; the providers are pinned to
	// it, so credentials for another subscription cannot deploy there. Required.
	SubscriptionID string `json:"subscriptionId"`
	// VnetCidr is the primary region's virtual network address space.
	VnetCidr string `json:"vnetCidr"`
	// DrVnetCidr is the DR region's address space; it must not overlap VnetCidr so the two
	// networks can peer.
	DrVnetCidr string `json:"drVnetCidr"`
	// AKS configures the Kubernetes cluster.
	AKS AKS `json:"aks"`
}

// AKS holds the settings under healthhub:azure.aks.
type AKS struct {
	// UpgradeChannel is patch or stable: AKS keeps the cluster on a supported version by
	// itself; rapid gets versions before they are proven, and node-image and none leave the
	// control plane unpatched.
	UpgradeChannel string `json:"upgradeChannel"`
}

// AKSUpgradeChannels are the automatic upgrade channels a HIPAA cluster may follow.
var AKSUpgradeChannels = []string{"patch", "stable"}

// azureSubscription is a subscription ID: a GUID.
var azureSubscription = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func parseAzure(c *checker, v string) Azure {
	a, err := decodeSection(DefaultAzure, v)
	if err != nil {
		c.fail(CloudAzure, v, "must be an object with %s (%v)", fieldNames(Azure{}), err)
		return Azure{}
	}
	if !azureSubscription.MatchString(a.SubscriptionID) {
		c.fail("azure.subscriptionId", a.SubscriptionID, "required: the subscription's ID, a GUID such as 00000000-0000-0000-0000-000000000000")
	}
	networkPair(c, "azure.vnetCidr", a.VnetCidr, "azure.drVnetCidr", a.DrVnetCidr)
	oneOf(c, "azure.aks.upgradeChannel", a.AKS.UpgradeChannel, AKSUpgradeChannels)
	return a
}
