package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

// hardenedNodeConfig is a node configuration as the estate's pools write it.
func hardenedNodeConfig() map[string]any {
	return map[string]any{
		"imageType":              "COS_CONTAINERD",
		"serviceAccount":         "gke-nodes@healthhub-prod.iam.gserviceaccount.com",
		"bootDiskKmsKey":         rules.Unknown,
		"workloadMetadataConfig": map[string]any{"mode": "GKE_METADATA"},
		"shieldedInstanceConfig": map[string]any{"enableSecureBoot": true, "enableIntegrityMonitoring": true},
	}
}

// hardenedCluster is a production cluster as the estate's GKE component writes it.
func hardenedCluster() map[string]any {
	return map[string]any{
		"location":                       "europe-west2",
		"removeDefaultNodePool":          true,
		"privateClusterConfig":           map[string]any{"enablePrivateNodes": true, "enablePrivateEndpoint": true},
		"masterAuthorizedNetworksConfig": map[string]any{"cidrBlocks": []any{map[string]any{"cidrBlock": "10.8.0.0/24"}}, "gcpPublicCidrsAccessEnabled": false},
		"masterAuth":                     map[string]any{"clientCertificateConfig": map[string]any{"issueClientCertificate": false}},
		"enableLegacyAbac":               false,
		"enableKubernetesAlpha":          false,
		"enableShieldedNodes":            true,
		"databaseEncryption":             map[string]any{"state": "ENCRYPTED", "keyName": rules.Unknown},
		"workloadIdentityConfig":         map[string]any{"workloadPool": "healthhub-prod.svc.id.goog"},
		"datapathProvider":               "ADVANCED_DATAPATH",
		"binaryAuthorization":            map[string]any{"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
		"releaseChannel":                 map[string]any{"channel": "REGULAR"},
		"securityPostureConfig":          map[string]any{"mode": "BASIC", "vulnerabilityMode": "VULNERABILITY_BASIC"},
		"loggingConfig":                  map[string]any{"enableComponents": []any{"SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"}},
		"deletionProtection":             true,
		"resourceLabels":                 map[string]any{"environment": "production", "data-classification": "phi", "owner": "platform"},
	}
}

func gkeCases() []ruleCase {
	cluster := func(inputs map[string]any) rules.Resource { return res(TypeCluster, "gke", inputs) }
	good := hardenedCluster()
	publicEndpoint := nested(good, "privateClusterConfig", "enablePrivateEndpoint", false)
	pool := func(inputs map[string]any) rules.Resource { return res(TypeNodePool, "app", inputs) }
	goodPool := map[string]any{"nodeConfig": hardenedNodeConfig(), "management": map[string]any{"autoRepair": true, "autoUpgrade": true}}
	plan := func(inputs map[string]any) rules.Resource { return res(TypeBackupPlan, "gke", inputs) }
	goodPlan := map[string]any{
		"location":        "europe-west1",
		"backupConfig":    map[string]any{"includeVolumeData": true, "includeSecrets": true, "allNamespaces": true, "encryptionKey": map[string]any{"gcpKmsEncryptionKey": rules.Unknown}},
		"backupSchedule":  map[string]any{"cronSchedule": "0 3 * * *"},
		"retentionPolicy": map[string]any{"backupRetainDays": int64(35)},
	}

	return []ruleCase{
		{"gcp-gke-private-cluster", "private endpoint in production", []rules.Resource{cluster(good)}, false, "", ""},
		{"gcp-gke-private-cluster", "public endpoint in production", []rules.Resource{cluster(publicEndpoint)}, true, "enablePrivateEndpoint must be true in production", ""},
		{"gcp-gke-private-cluster", "public endpoint with listed networks in dev", []rules.Resource{cluster(publicEndpoint)}, false, "", "dev"},
		{"gcp-gke-private-cluster", "public endpoint open to all in dev", []rules.Resource{cluster(nested(publicEndpoint, "masterAuthorizedNetworksConfig", "cidrBlocks", nil))}, true, "open to the internet", "dev"},
		{"gcp-gke-private-cluster", "public endpoint listing 0.0.0.0/0 in dev", []rules.Resource{cluster(nested(publicEndpoint, "masterAuthorizedNetworksConfig", "cidrBlocks", []any{map[string]any{"cidrBlock": "0.0.0.0/0"}}))}, true, "contains 0.0.0.0/0", "dev"},
		{"gcp-gke-private-cluster", "Google's public ranges", []rules.Resource{cluster(nested(good, "masterAuthorizedNetworksConfig", "gcpPublicCidrsAccessEnabled", true))}, true, "gcpPublicCidrsAccessEnabled must be false", ""},
		{"gcp-gke-private-cluster", "public nodes", []rules.Resource{cluster(nested(good, "privateClusterConfig", "enablePrivateNodes", nil))}, true, "enablePrivateNodes must be true", ""},
		{"gcp-gke-private-cluster", "endpoint unknown at preview", []rules.Resource{cluster(nested(good, "privateClusterConfig", "enablePrivateEndpoint", rules.Unknown))}, true, "enablePrivateEndpoint", ""},

		{"gcp-gke-secrets-encrypted", "application-layer encryption", []rules.Resource{cluster(good)}, false, "", ""},
		{"gcp-gke-secrets-encrypted", "decrypted", []rules.Resource{cluster(with(good, "databaseEncryption", map[string]any{"state": "DECRYPTED"}))}, true, `databaseEncryption.state is "DECRYPTED"`, ""},
		{"gcp-gke-secrets-encrypted", "no key", []rules.Resource{cluster(nested(good, "databaseEncryption", "keyName", nil))}, true, "keyName is not set", ""},

		{"gcp-gke-hardened", "hardened", []rules.Resource{cluster(good)}, false, "", ""},
		{"gcp-gke-hardened", "network policy by Calico", []rules.Resource{cluster(with(with(good, "datapathProvider", nil), "networkPolicy", map[string]any{"enabled": true}))}, false, "", ""},
		{"gcp-gke-hardened", "shielded nodes left to the default", []rules.Resource{cluster(with(good, "enableShieldedNodes", nil))}, false, "", ""},
		{"gcp-gke-hardened", "default pool kept with a hardened node config", []rules.Resource{cluster(with(with(good, "removeDefaultNodePool", nil), "nodeConfig", hardenedNodeConfig()))}, false, "", ""},
		{"gcp-gke-hardened", "default pool kept as Google makes it", []rules.Resource{cluster(with(good, "removeDefaultNodePool", false))}, true, "the default node pool is kept", ""},
		{"gcp-gke-hardened", "no Workload Identity", []rules.Resource{cluster(with(good, "workloadIdentityConfig", nil))}, true, "workloadIdentityConfig.workloadPool is not set", ""},
		{"gcp-gke-hardened", "legacy ABAC", []rules.Resource{cluster(with(good, "enableLegacyAbac", true))}, true, "enableLegacyAbac must be false", ""},
		{"gcp-gke-hardened", "client certificate", []rules.Resource{cluster(with(good, "masterAuth", map[string]any{"clientCertificateConfig": map[string]any{"issueClientCertificate": true}}))}, true, "issueClientCertificate must be false", ""},
		{"gcp-gke-hardened", "shielded nodes off", []rules.Resource{cluster(with(good, "enableShieldedNodes", false))}, true, "enableShieldedNodes is false", ""},
		{"gcp-gke-hardened", "binary authorization off", []rules.Resource{cluster(with(good, "binaryAuthorization", map[string]any{"evaluationMode": "DISABLED"}))}, true, `evaluationMode is "DISABLED"`, ""},
		{"gcp-gke-hardened", "rapid channel", []rules.Resource{cluster(with(good, "releaseChannel", map[string]any{"channel": "RAPID"}))}, true, `releaseChannel.channel is "RAPID"`, ""},
		{"gcp-gke-hardened", "no security posture", []rules.Resource{cluster(with(good, "securityPostureConfig", nil))}, true, "securityPostureConfig.mode", ""},
		{"gcp-gke-hardened", "no network policy", []rules.Resource{cluster(with(good, "datapathProvider", "LEGACY_DATAPATH"))}, true, "network policy is not enforced", ""},
		{"gcp-gke-hardened", "alpha APIs", []rules.Resource{cluster(with(good, "enableKubernetesAlpha", true))}, true, "enableKubernetesAlpha must be false", ""},

		{"gcp-gke-logging", "system, API server and workloads", []rules.Resource{cluster(good)}, false, "", ""},
		{"gcp-gke-logging", "API server left out", []rules.Resource{cluster(with(good, "loggingConfig", map[string]any{"enableComponents": []any{"SYSTEM_COMPONENTS", "WORKLOADS"}}))}, true, "lacks APISERVER", ""},
		{"gcp-gke-logging", "left to the default", []rules.Resource{cluster(with(good, "loggingConfig", nil))}, true, "lacks SYSTEM_COMPONENTS, APISERVER, WORKLOADS", ""},

		{"gcp-gke-node-pool-hardened", "hardened", []rules.Resource{pool(goodPool)}, false, "", ""},
		{"gcp-gke-node-pool-hardened", "node metadata exposed", []rules.Resource{pool(with(goodPool, "nodeConfig", nested(hardenedNodeConfig(), "workloadMetadataConfig", "mode", "GCE_METADATA")))}, true, `workloadMetadataConfig.mode is "GCE_METADATA"`, ""},
		{"gcp-gke-node-pool-hardened", "Ubuntu", []rules.Resource{pool(with(goodPool, "nodeConfig", with(hardenedNodeConfig(), "imageType", "UBUNTU_CONTAINERD")))}, true, `imageType is "UBUNTU_CONTAINERD"`, ""},
		{"gcp-gke-node-pool-hardened", "no secure boot", []rules.Resource{pool(with(goodPool, "nodeConfig", nested(hardenedNodeConfig(), "shieldedInstanceConfig", "enableSecureBoot", false)))}, true, "enableSecureBoot must be true", ""},
		{"gcp-gke-node-pool-hardened", "default compute service account", []rules.Resource{pool(with(goodPool, "nodeConfig", with(hardenedNodeConfig(), "serviceAccount", "123456789012-compute@developer.gserviceaccount.com")))}, true, "is the default compute service account", ""},
		{"gcp-gke-node-pool-hardened", "no service account", []rules.Resource{pool(with(goodPool, "nodeConfig", with(hardenedNodeConfig(), "serviceAccount", nil)))}, true, "serviceAccount is not set", ""},
		{"gcp-gke-node-pool-hardened", "Google-managed boot disk key", []rules.Resource{pool(with(goodPool, "nodeConfig", with(hardenedNodeConfig(), "bootDiskKmsKey", nil)))}, true, "bootDiskKmsKey is not set", ""},
		{"gcp-gke-node-pool-hardened", "no auto-upgrade", []rules.Resource{pool(with(goodPool, "management", map[string]any{"autoRepair": true}))}, true, "management.autoUpgrade must be true", ""},

		{"gcp-gkebackup-plan-hardened", "daily, encrypted, with volumes", []rules.Resource{plan(goodPlan)}, false, "", ""},
		{"gcp-gkebackup-plan-hardened", "by RPO target", []rules.Resource{plan(with(goodPlan, "backupSchedule", map[string]any{"rpoConfig": map[string]any{"targetRpoMinutes": int64(1440)}}))}, false, "", ""},
		{"gcp-gkebackup-plan-hardened", "a week in dev", []rules.Resource{plan(with(goodPlan, "retentionPolicy", map[string]any{"backupRetainDays": int64(7)}))}, false, "", "dev"},
		{"gcp-gkebackup-plan-hardened", "a week in production", []rules.Resource{plan(with(goodPlan, "retentionPolicy", map[string]any{"backupRetainDays": int64(7)}))}, true, "backupRetainDays is 7; at least 30", ""},
		{"gcp-gkebackup-plan-hardened", "no key", []rules.Resource{plan(with(goodPlan, "backupConfig", map[string]any{"includeVolumeData": true}))}, true, "gcpKmsEncryptionKey is not set", ""},
		{"gcp-gkebackup-plan-hardened", "manifests only", []rules.Resource{plan(with(goodPlan, "backupConfig", nested(goodPlan, "backupConfig", "includeVolumeData", false)["backupConfig"]))}, true, "includeVolumeData must be true", ""},
		{"gcp-gkebackup-plan-hardened", "no schedule", []rules.Resource{plan(with(goodPlan, "backupSchedule", nil))}, true, "no backup would ever run", ""},
		{"gcp-gkebackup-plan-hardened", "paused", []rules.Resource{plan(with(goodPlan, "backupSchedule", map[string]any{"cronSchedule": "0 3 * * *", "paused": true}))}, true, "backupSchedule.paused must not be true", ""},
	}
}
