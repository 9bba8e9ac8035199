package azure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// aksPrivateCluster: the API server is reached from the VNet only in production (Azure Policy
// 040732e8, Prowler aks_clusters_public_access_disabled). Outside production a public API
// server serves a team's CI and laptops, but only from the ranges it lists. A private
// cluster publishes no name in public DNS: AKS adds one by default, which tells the internet
// the cluster exists and where its private address is.
var aksPrivateCluster = rules.Rule{
	Name:        "azure-aks-private-cluster",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters have a private API server (apiServerAccessProfile.enablePrivateCluster) in production, with no public FQDN (enablePrivateClusterPublicFQDN false; AKS creates one unless told not to); a public one elsewhere admits only the ranges listed in apiServerAccessProfile.authorizedIPRanges, never 0.0.0.0/0.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails (taken as public)",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		const a = "apiServerAccessProfile."
		if rules.BoolTrue(r.Inputs, a+"enablePrivateCluster") {
			switch v, set := rules.Get(r.Inputs, a+"enablePrivateClusterPublicFQDN"); {
			case !set:
				return []string{a + "enablePrivateClusterPublicFQDN is not set, and AKS then publishes the private API server in public DNS; set it false"}
			case v != false:
				return []string{fmt.Sprintf(a+"enablePrivateClusterPublicFQDN is %v; must be false: a public DNS name would resolve to the private API server", v)}
			}
			return nil
		}
		ranges := rules.Strs(r.Inputs, a+"authorizedIPRanges")
		switch {
		case cfg.Production():
			return []string{a + "enablePrivateCluster must be true in production"}
		case len(ranges) == 0:
			return []string{"the API server is open to the internet; list the ranges that may reach it in " + a + "authorizedIPRanges or make it private"}
		case slices.Contains(ranges, "0.0.0.0/0"):
			return []string{a + "authorizedIPRanges contains 0.0.0.0/0"}
		}
		return nil
	},
}

// aksEntraRBAC: people reach the cluster as themselves through Entra ID and are authorized by
// Azure RBAC role assignments, reviewed with every other grant; local accounts (the cluster
// admin certificate) would let anyone holding the kubeconfig in as cluster-admin with no name
// on it (Azure Policy 993c2fcd, 450d2877, ac4a19c2).
var aksEntraRBAC = rules.Rule{
	Name:        "azure-aks-entra-rbac",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters use managed Entra ID integration with Azure RBAC for Kubernetes authorization (aadProfile.managed, aadProfile.enableAzureRBAC), keep Kubernetes RBAC on (enableRBAC) and disable local accounts (disableLocalAccounts).",
	Sections:    []rules.Section{rules.AccessControl, rules.Authentication, rules.UniqueUserID},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster),
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, on := range []string{"aadProfile.managed", "aadProfile.enableAzureRBAC", "disableLocalAccounts"} {
			if !rules.BoolTrue(r.Inputs, on) {
				out = append(out, on+" must be true")
			}
		}
		// Kubernetes RBAC is on unless a cluster turns it off.
		if v, ok := rules.Get(r.Inputs, "enableRBAC"); ok && v != true {
			out = append(out, fmt.Sprintf("enableRBAC is %v; must stay true", v))
		}
		return out
	},
}

// aksKMS: Kubernetes secrets in etcd are encrypted with a key of the estate's vault, reached
// over the private network (Azure Policy dbbdc317; the AKS module's kms_key_vault_network_access).
var aksKMS = rules.Rule{
	Name:        "azure-aks-kms-etcd",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters encrypt Kubernetes secrets in etcd with a Key Vault key (securityProfile.azureKeyVaultKms enabled with a keyId) in a vault reached privately (keyVaultNetworkAccess Private, keyVaultResourceId).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "the switch and the access fail; the key and the vault pass",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const k = "securityProfile.azureKeyVaultKms."
		var out []string
		if !rules.BoolTrue(r.Inputs, k+"enabled") {
			out = append(out, k+"enabled must be true: secrets would sit in etcd under the platform's key only")
		}
		if !rules.Present(r.Inputs, k+"keyId") {
			out = append(out, k+"keyId is not set")
		}
		if a := rules.Str(r.Inputs, k+"keyVaultNetworkAccess"); !oneOf(a, "Private") {
			out = append(out, fmt.Sprintf(k+"keyVaultNetworkAccess is %q; must be Private", a))
		}
		if !rules.Present(r.Inputs, k+"keyVaultResourceId") {
			out = append(out, k+"keyVaultResourceId is not set: a private vault is named by its resource id")
		}
		return out
	},
}

// addonEnabled reports an AKS add-on turned on; add-on names are matched in any case.
func addonEnabled(r rules.Resource, name string) (map[string]any, bool) {
	a, ok := entry(r.Inputs, "addonProfiles", name)
	return a, ok && a["enabled"] == true
}

// aksHardened gathers the settings of Azure Policy's AKS built-ins and the AKS baseline that
// are not about the endpoint, identity, keys, nodes or logs: no run command (which would run
// anything as cluster-admin past the private endpoint), stale images removed, pods federated
// to Entra identities instead of the node's, policy enforced in the cluster, Defender
// watching it (89f2d532, af3c26b2, 2cc2e023, 0a15ec92, a1840de2).
var aksHardened = rules.Rule{
	Name:        "azure-aks-hardened",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters disable run command (apiServerAccessProfile.disableRunCommand), run Image Cleaner, use workload identity with the OIDC issuer and no pod identity, and turn on the Azure Policy add-on and Defender security monitoring with a Log Analytics workspace.",
	Sections:    []rules.Section{rules.AccessControl, rules.Integrity, rules.Authentication},
	Unknown:     "switches fail; the workspace passes",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster),
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, on := range []string{
			"apiServerAccessProfile.disableRunCommand", "securityProfile.imageCleaner.enabled",
			"securityProfile.workloadIdentity.enabled", "oidcIssuerProfile.enabled",
			"securityProfile.defender.securityMonitoring.enabled",
		} {
			if !rules.BoolTrue(r.Inputs, on) {
				out = append(out, on+" must be true")
			}
		}
		if !rules.Present(r.Inputs, "securityProfile.defender.logAnalyticsWorkspaceResourceId") {
			out = append(out, "securityProfile.defender.logAnalyticsWorkspaceResourceId is not set: Defender has nowhere to report")
		}
		if _, ok := addonEnabled(r, "azurepolicy"); !ok {
			out = append(out, "addonProfiles.azurepolicy.enabled must be true")
		}
		if rules.ExplicitlyTrue(r.Inputs, "podIdentityProfile.enabled") {
			out = append(out, "podIdentityProfile.enabled must be false: pod-managed identity is deprecated in favour of workload identity")
		}
		return out
	},
}

// aksAutoUpgrade: Kubernetes patches and node images with their security fixes arrive without
// anyone remembering to apply them, in the cluster's maintenance windows.
var aksAutoUpgrade = rules.Rule{
	Name:        "azure-aks-auto-upgrade",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters upgrade automatically: autoUpgradeProfile.upgradeChannel is set and not none, and autoUpgradeProfile.nodeOSUpgradeChannel is NodeImage or SecurityPatch.",
	Sections:    []rules.Section{rules.Integrity, rules.RiskManagement},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster),
	Check: func(r rules.Resource, _ rules.Config) []string {
		const u = "autoUpgradeProfile."
		var out []string
		if c := rules.Str(r.Inputs, u+"upgradeChannel"); c == "" || oneOf(c, "none") || rules.IsUnknown(c) {
			out = append(out, fmt.Sprintf(u+"upgradeChannel is %q; must be patch, stable, rapid or node-image", c))
		}
		if c := rules.Str(r.Inputs, u+"nodeOSUpgradeChannel"); !oneOf(c, "NodeImage", "SecurityPatch") {
			out = append(out, fmt.Sprintf(u+"nodeOSUpgradeChannel is %q; must be NodeImage or SecurityPatch", c))
		}
		return out
	},
}

// networkPolicies are the engines that enforce Kubernetes network policies on AKS.
var networkPolicies = []string{"azure", "calico", "cilium"}

// nodePoolFindings checks a node pool, inline in a cluster (at its agentPoolProfiles entry) or
// an AgentPool resource (at ""): data on the VM host (temp disks, caches) encrypted with the
// rest (Azure Policy 41425d9f), no public address on a node, and no SSH into one (Azure
// Policy 28257686): AKS gives nodes a local SSH user unless told not to, a way onto a node
// that neither Kubernetes RBAC nor its audit log sees, where `kubectl debug` goes through both.
func nodePoolFindings(inputs map[string]any, at string) []string {
	var out []string
	if !rules.BoolTrue(inputs, at+"enableEncryptionAtHost") {
		out = append(out, at+"enableEncryptionAtHost must be true: temp disks and caches would be unencrypted")
	}
	if rules.ExplicitlyTrue(inputs, at+"enableNodePublicIP") {
		out = append(out, at+"enableNodePublicIP must be false: nodes would get public addresses")
	}
	if ssh := rules.Str(inputs, at+"securityProfile.sshAccess"); !oneOf(ssh, "Disabled") {
		out = append(out, fmt.Sprintf(at+"securityProfile.sshAccess is %q; must be Disabled: node debugging goes through kubectl debug", ssh))
	}
	return out
}

// aksNodesHardened: nodes sit on the private network, pods are isolated by network policy,
// and every disk a node has is under the estate's key (Azure Policy 7d7be79c): the cluster's
// disk encryption set wraps its OS and data disks with a key of the vault, following the key's
// rotations.
var aksNodesHardened = rules.Rule{
	Name:        "azure-aks-nodes-hardened",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters enforce network policy (networkProfile.networkPolicy azure, calico or cilium) and encrypt node disks with a customer-managed key (diskEncryptionSetID); every node pool, inline or an AgentPool, encrypts at host, gives nodes no public IP and no SSH access (securityProfile.sshAccess Disabled; AKS allows a local user by default); disk encryption sets use a customer-managed key (activeKey.keyUrl) and follow its rotations (rotationToLatestKeyVersionEnabled).",
	Sections:    []rules.Section{rules.Encryption, rules.AccessControl},
	Unknown:     "switches and the policy fail; keys and the disk encryption set pass",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster, TypeAgentPool, TypeDiskEncryptionSet),
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		switch {
		case is(r.Type, TypeManagedCluster):
			if p := rules.Str(r.Inputs, "networkProfile.networkPolicy"); !oneOf(p, networkPolicies...) {
				out = append(out, fmt.Sprintf("networkProfile.networkPolicy is %q; must be %s: pods could reach every other pod", p, strings.Join(networkPolicies, ", ")))
			}
			if !rules.Present(r.Inputs, "diskEncryptionSetID") {
				out = append(out, "diskEncryptionSetID is not set: node disks would use a platform-managed key")
			}
			for i := range rules.List(r.Inputs, "agentPoolProfiles") {
				out = append(out, nodePoolFindings(r.Inputs, fmt.Sprintf("agentPoolProfiles[%d].", i))...)
			}
		case is(r.Type, TypeAgentPool):
			out = nodePoolFindings(r.Inputs, "")
		case is(r.Type, TypeDiskEncryptionSet):
			if t := rules.Str(r.Inputs, "encryptionType"); t != "" && !oneOf(t, "EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys") {
				out = append(out, fmt.Sprintf("encryptionType is %q; must use a customer key", t))
			}
			if !rules.Present(r.Inputs, "activeKey.keyUrl") {
				out = append(out, "activeKey.keyUrl is not set")
			}
			if !rules.BoolTrue(r.Inputs, "rotationToLatestKeyVersionEnabled") {
				out = append(out, "rotationToLatestKeyVersionEnabled must be true: disks would stay on the key version the set was created with")
			}
		}
		return out
	},
}

// aksLogging keeps the workloads' and nodes' logs and metrics through Container Insights; the
// control plane's (kube-audit and the others) arrive through diagnostic settings
// (azure-monitor-diagnostic-settings).
var aksLogging = rules.Rule{
	Name:        "azure-aks-logging",
	Cloud:       rules.CloudAzure,
	Description: "AKS clusters send container logs to a Log Analytics workspace through the monitoring add-on (addonProfiles.omsagent enabled with config.logAnalyticsWorkspaceResourceID).",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "the switch fails; the workspace passes",
	Level:       rules.Mandatory,
	Types:       versions(TypeManagedCluster),
	Check: func(r rules.Resource, _ rules.Config) []string {
		oms, ok := addonEnabled(r, "omsagent")
		if !ok {
			return []string{"addonProfiles.omsagent.enabled must be true"}
		}
		config, _ := oms["config"].(map[string]any)
		for k, v := range config {
			if strings.EqualFold(k, "logAnalyticsWorkspaceResourceID") && v != "" {
				return nil
			}
		}
		return []string{"addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID is not set"}
	},
}
