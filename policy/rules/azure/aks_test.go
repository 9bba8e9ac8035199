package azure

import (
	"github.com/healthhub/estate/policy/rules"
)

// systemPool is the cluster's inline system pool as the AksCluster component writes it.
func systemPool() map[string]any {
	return map[string]any{
		"name": "system", "mode": "System", "vmSize": "Standard_D4ds_v5", "osSKU": "AzureLinux",
		"availabilityZones": []any{"1", "2", "3"}, "enableEncryptionAtHost": true, "enableNodePublicIP": false,
		"nodeTaints": []any{"CriticalAddonsOnly=true:NoSchedule"}, "vnetSubnetID": rules.Unknown,
		"securityProfile": map[string]any{"sshAccess": "Disabled"},
	}
}

// hardenedCluster is a production cluster as the AksCluster component writes it.
func hardenedCluster() map[string]any {
	return map[string]any{
		"resourceName": "hh-prod-aks", "location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(),
		"kubernetesVersion": "1.31", "dnsPrefix": "hh-prod-aks",
		"sku":      map[string]any{"name": "Base", "tier": "Standard"},
		"identity": map[string]any{"type": "UserAssigned", "userAssignedIdentities": []any{identityID}},
		"apiServerAccessProfile": map[string]any{
			"enablePrivateCluster": true, "enableVnetIntegration": true, "subnetId": rules.Unknown, "disableRunCommand": true,
			"enablePrivateClusterPublicFQDN": false,
		},
		"disableLocalAccounts": true,
		"enableRBAC":           true,
		"aadProfile": map[string]any{
			"managed": true, "enableAzureRBAC": true, "adminGroupObjectIDs": []any{"44444444-4444-4444-4444-444444444444"}, "tenantID": "00000000-0000-0000-0000-0000000000aa",
		},
		"oidcIssuerProfile": map[string]any{"enabled": true},
		"securityProfile": map[string]any{
			"workloadIdentity": map[string]any{"enabled": true},
			"imageCleaner":     map[string]any{"enabled": true, "intervalHours": int64(48)},
			"defender":         map[string]any{"logAnalyticsWorkspaceResourceId": workspaceID, "securityMonitoring": map[string]any{"enabled": true}},
			"azureKeyVaultKms": map[string]any{"enabled": true, "keyId": rules.Unknown, "keyVaultNetworkAccess": "Private", "keyVaultResourceId": vaultID},
		},
		"networkProfile": map[string]any{
			"networkPlugin": "azure", "networkPluginMode": "overlay", "networkDataplane": "cilium", "networkPolicy": "cilium",
			"outboundType": "userAssignedNATGateway", "loadBalancerSku": "standard",
		},
		"autoUpgradeProfile": map[string]any{"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
		"addonProfiles": map[string]any{
			"azurepolicy":                  map[string]any{"enabled": true},
			"omsagent":                     map[string]any{"enabled": true, "config": map[string]any{"logAnalyticsWorkspaceResourceID": workspaceID, "useAADAuth": "true"}},
			"azureKeyvaultSecretsProvider": map[string]any{"enabled": true, "config": map[string]any{"enableSecretRotation": "true"}},
		},
		"diskEncryptionSetID": rules.Unknown,
		"agentPoolProfiles":   []any{systemPool()},
	}
}

// appPool is an AgentPool resource as the component writes it.
func appPool() map[string]any {
	return map[string]any{
		"resourceName": "hh-prod-aks", "agentPoolName": "app", "resourceGroupName": "hh-prod-rg", "mode": "User",
		"vmSize": "Standard_D8ds_v5", "osSKU": "AzureLinux", "enableAutoScaling": true, "minCount": int64(2), "maxCount": int64(10),
		"enableEncryptionAtHost": true, "enableNodePublicIP": false, "availabilityZones": []any{"1", "2", "3"},
		"securityProfile": map[string]any{"sshAccess": "Disabled"},
	}
}

func aksCases() []ruleCase {
	cluster := func(inputs map[string]any) rules.Resource { return res(TypeManagedCluster, "aks", inputs) }
	good := hardenedCluster()
	public := set(good, "apiServerAccessProfile.enablePrivateCluster", false)
	pool := func(inputs map[string]any) rules.Resource { return res(TypeAgentPool, "app", inputs) }
	des := func(inputs map[string]any) rules.Resource { return res(TypeDiskEncryptionSet, "aks-disks", inputs) }
	goodDES := map[string]any{
		"location": "uksouth", "resourceGroupName": "hh-prod-rg", "tags": tags(), "encryptionType": "EncryptionAtRestWithCustomerKey",
		"activeKey": map[string]any{"keyUrl": rules.Unknown}, "rotationToLatestKeyVersionEnabled": true, "identity": map[string]any{"type": "SystemAssigned"},
	}
	publicPool := with(systemPool(), "enableNodePublicIP", true)

	return []ruleCase{
		{"azure-aks-private-cluster", "private API server", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-private-cluster", "the default API version's cluster", []rules.Resource{res("azure-native:containerservice:ManagedCluster", "aks", good)}, false, "", ""},
		{"azure-aks-private-cluster", "public with listed ranges in dev", []rules.Resource{cluster(set(public, "apiServerAccessProfile.authorizedIPRanges", []any{"203.0.113.0/24"}))}, false, "", "dev"},
		{"azure-aks-private-cluster", "public in production", []rules.Resource{cluster(public)}, true, "enablePrivateCluster must be true in production", ""},
		{"azure-aks-private-cluster", "public to everyone in dev", []rules.Resource{cluster(public)}, true, "open to the internet", "dev"},
		{"azure-aks-private-cluster", "public to 0.0.0.0/0 in dev", []rules.Resource{cluster(set(public, "apiServerAccessProfile.authorizedIPRanges", []any{"0.0.0.0/0"}))}, true, "contains 0.0.0.0/0", "dev"},
		{"azure-aks-private-cluster", "the default API version's public cluster", []rules.Resource{res("azure-native:containerservice:ManagedCluster", "aks", public)}, true, "must be true in production", ""},
		{"azure-aks-private-cluster", "a private cluster with a public FQDN", []rules.Resource{cluster(set(good, "apiServerAccessProfile.enablePrivateClusterPublicFQDN", true))}, true, "enablePrivateClusterPublicFQDN is true; must be false", ""},
		{"azure-aks-private-cluster", "a private cluster's public FQDN left to AKS's default", []rules.Resource{cluster(set(good, "apiServerAccessProfile.enablePrivateClusterPublicFQDN", nil))}, true, "enablePrivateClusterPublicFQDN is not set", ""},
		{"azure-aks-private-cluster", "the public FQDN switch is a private cluster's only", []rules.Resource{cluster(set(set(public, "apiServerAccessProfile.authorizedIPRanges", []any{"203.0.113.0/24"}), "apiServerAccessProfile.enablePrivateClusterPublicFQDN", nil))}, false, "", "dev"},

		{"azure-aks-entra-rbac", "Entra ID with Azure RBAC", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-entra-rbac", "Kubernetes RBAC left to its default", []rules.Resource{cluster(with(good, "enableRBAC", nil))}, false, "", ""},
		{"azure-aks-entra-rbac", "local accounts", []rules.Resource{cluster(with(good, "disableLocalAccounts", nil))}, true, "disableLocalAccounts must be true", ""},
		{"azure-aks-entra-rbac", "Kubernetes RBAC only", []rules.Resource{cluster(set(good, "aadProfile.enableAzureRBAC", false))}, true, "aadProfile.enableAzureRBAC must be true", ""},
		{"azure-aks-entra-rbac", "RBAC off", []rules.Resource{cluster(with(good, "enableRBAC", false))}, true, "enableRBAC is false", ""},

		{"azure-aks-kms-etcd", "a private vault's key", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-kms-etcd", "no KMS", []rules.Resource{cluster(set(good, "securityProfile.azureKeyVaultKms", nil))}, true, "azureKeyVaultKms.enabled must be true", ""},
		{"azure-aks-kms-etcd", "a public vault", []rules.Resource{cluster(set(good, "securityProfile.azureKeyVaultKms.keyVaultNetworkAccess", "Public"))}, true, `keyVaultNetworkAccess is "Public"`, ""},
		{"azure-aks-kms-etcd", "a private vault not named", []rules.Resource{cluster(set(good, "securityProfile.azureKeyVaultKms.keyVaultResourceId", nil))}, true, "keyVaultResourceId is not set", ""},

		{"azure-aks-hardened", "hardened", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-hardened", "the policy add-on named in camel case", []rules.Resource{cluster(set(set(good, "addonProfiles.azurepolicy", nil), "addonProfiles.azurePolicy", map[string]any{"enabled": true}))}, false, "", ""},
		{"azure-aks-hardened", "run command", []rules.Resource{cluster(set(good, "apiServerAccessProfile.disableRunCommand", false))}, true, "disableRunCommand must be true", ""},
		{"azure-aks-hardened", "no workload identity", []rules.Resource{cluster(set(good, "securityProfile.workloadIdentity", nil))}, true, "workloadIdentity.enabled must be true", ""},
		{"azure-aks-hardened", "no OIDC issuer", []rules.Resource{cluster(with(good, "oidcIssuerProfile", nil))}, true, "oidcIssuerProfile.enabled must be true", ""},
		{"azure-aks-hardened", "no image cleaner", []rules.Resource{cluster(set(good, "securityProfile.imageCleaner.enabled", false))}, true, "imageCleaner.enabled must be true", ""},
		{"azure-aks-hardened", "no Defender", []rules.Resource{cluster(set(good, "securityProfile.defender", nil))}, true, "defender.securityMonitoring.enabled must be true", ""},
		{"azure-aks-hardened", "no policy add-on", []rules.Resource{cluster(set(good, "addonProfiles.azurepolicy.enabled", false))}, true, "addonProfiles.azurepolicy.enabled must be true", ""},
		{"azure-aks-hardened", "pod identity", []rules.Resource{cluster(with(good, "podIdentityProfile", map[string]any{"enabled": true}))}, true, "podIdentityProfile.enabled must be false", ""},

		{"azure-aks-auto-upgrade", "patches and node images", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-auto-upgrade", "security patches only", []rules.Resource{cluster(set(good, "autoUpgradeProfile.nodeOSUpgradeChannel", "SecurityPatch"))}, false, "", ""},
		{"azure-aks-auto-upgrade", "no channel", []rules.Resource{cluster(set(good, "autoUpgradeProfile.upgradeChannel", "none"))}, true, `upgradeChannel is "none"`, ""},
		{"azure-aks-auto-upgrade", "left to the default", []rules.Resource{cluster(with(good, "autoUpgradeProfile", nil))}, true, `upgradeChannel is ""`, ""},
		{"azure-aks-auto-upgrade", "nodes unmanaged", []rules.Resource{cluster(set(good, "autoUpgradeProfile.nodeOSUpgradeChannel", "Unmanaged"))}, true, `nodeOSUpgradeChannel is "Unmanaged"`, ""},

		{"azure-aks-nodes-hardened", "hardened cluster", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-nodes-hardened", "hardened pool", []rules.Resource{pool(appPool())}, false, "", ""},
		{"azure-aks-nodes-hardened", "a disk encryption set following its key", []rules.Resource{des(goodDES)}, false, "", ""},
		{"azure-aks-nodes-hardened", "no network policy", []rules.Resource{cluster(set(good, "networkProfile.networkPolicy", "none"))}, true, `networkProfile.networkPolicy is "none"`, ""},
		{"azure-aks-nodes-hardened", "platform-managed disk keys", []rules.Resource{cluster(with(good, "diskEncryptionSetID", nil))}, true, "diskEncryptionSetID is not set", ""},
		{"azure-aks-nodes-hardened", "a public inline node", []rules.Resource{cluster(with(good, "agentPoolProfiles", []any{publicPool}))}, true, "agentPoolProfiles[0].enableNodePublicIP must be false", ""},
		{"azure-aks-nodes-hardened", "a pool without host encryption", []rules.Resource{pool(with(appPool(), "enableEncryptionAtHost", nil))}, true, "enableEncryptionAtHost must be true", ""},
		{"azure-aks-nodes-hardened", "a public pool", []rules.Resource{pool(with(appPool(), "enableNodePublicIP", true))}, true, "enableNodePublicIP must be false", ""},
		{"azure-aks-nodes-hardened", "SSH through Entra ID on a pool", []rules.Resource{pool(set(appPool(), "securityProfile.sshAccess", "EntraId"))}, true, `securityProfile.sshAccess is "EntraId"; must be Disabled`, ""},
		{"azure-aks-nodes-hardened", "a pool's SSH left to AKS's default", []rules.Resource{pool(with(appPool(), "securityProfile", nil))}, true, `securityProfile.sshAccess is ""`, ""},
		{"azure-aks-nodes-hardened", "a local SSH user on the system pool", []rules.Resource{cluster(with(good, "agentPoolProfiles", []any{set(systemPool(), "securityProfile.sshAccess", "LocalUser")}))}, true, `agentPoolProfiles[0].securityProfile.sshAccess is "LocalUser"`, ""},
		{"azure-aks-nodes-hardened", "a disk encryption set on its first key version", []rules.Resource{des(with(goodDES, "rotationToLatestKeyVersionEnabled", nil))}, true, "rotationToLatestKeyVersionEnabled must be true", ""},
		{"azure-aks-nodes-hardened", "a disk encryption set with no key", []rules.Resource{des(with(goodDES, "activeKey", nil))}, true, "activeKey.keyUrl is not set", ""},

		{"azure-aks-logging", "Container Insights", []rules.Resource{cluster(good)}, false, "", ""},
		{"azure-aks-logging", "no monitoring add-on", []rules.Resource{cluster(set(good, "addonProfiles.omsagent", nil))}, true, "addonProfiles.omsagent.enabled must be true", ""},
		{"azure-aks-logging", "no workspace", []rules.Resource{cluster(set(good, "addonProfiles.omsagent.config", nil))}, true, "logAnalyticsWorkspaceResourceID is not set", ""},
	}
}
