package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// AZ opens a valid azure section, for a test to add one field and close it.
const AZ = `{"subscriptionId":"8f6e2c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b","tenantId":"0c7d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",`

// onCloud is a valid stack on gcp or azure: its own section, none of the AWS secrets.
func onCloud(cloud string, changes map[string]string) map[string]string {
	raw := map[string]string{
		"environment": "production",
		"alertEmail":  "oncall@healthhub.example",
		"owner":       "platform",
		"costCentre":  "cc-1234",
	}
	switch cloud {
	case CloudGCP:
		raw["cloud"], raw["primaryRegion"], raw["drRegion"] = CloudGCP, "europe-west2", "europe-west1"
		raw["allowedRegions"] = `["europe-west2","europe-west1"]`
		raw[KeyPagerURL] = SecretPlaceholder
		raw[CloudGCP] = `{"projectId":"healthhub-prod","gke":{"masterAuthorizedNetworks":["10.200.0.0/24"]}}`
		raw["workloads"] = `{"domain":"assistant.healthhub.example"}`
	case CloudAzure:
		raw["cloud"], raw["primaryRegion"], raw["drRegion"] = CloudAzure, "uksouth", "ukwest"
		raw["allowedRegions"] = `["uksouth","ukwest"]`
		raw[KeyPagerURL], raw[KeyCacheAuthToken] = SecretPlaceholder, SecretPlaceholder
		raw["logRetentionDays"] = "2191"
		raw[CloudAzure] = `{"subscriptionId":"8f6e2c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b","tenantId":"0c7d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"}`
		raw["workloads"] = `{"domain":"assistant.healthhub.example"}`
	}
	for k, v := range changes {
		if v == "<unset>" {
			delete(raw, k)
			continue
		}
		raw[k] = v
	}
	return raw
}

// engineDefaults adds what Pulumi hands every stack from Pulumi.yaml: each section's default.
func engineDefaults(raw map[string]string) map[string]string {
	for _, k := range Keys {
		if _, set := raw[k.Name]; !set && k.Default != "" {
			raw[k.Name] = k.Default
		}
	}
	return raw
}

func TestStacksOnOtherCloudsValidateWithoutAWSSecrets(t *testing.T) {
	tests := []struct {
		name  string
		raw   map[string]string
		check func(t *testing.T, cfg *Config)
	}{
		{"gcp", onCloud(CloudGCP, nil), func(t *testing.T, cfg *Config) {
			want := DefaultGCP
			want.ProjectID, want.GKE.MasterAuthorizedNetworks = "healthhub-prod", []string{"10.200.0.0/24"}
			assert.Equal(t, want, cfg.GCP, "production's shape by default")
			assert.Equal(t, AWS{}, cfg.AWS, "the aws section is not read on gcp")
		}},
		{"gcp with the defaults Pulumi hands every stack", engineDefaults(onCloud(CloudGCP, nil)), func(t *testing.T, cfg *Config) {
			assert.Equal(t, "healthhub-prod", cfg.GCP.ProjectID)
		}},
		{"gcp overriding a nested default", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"releaseChannel":"STABLE"}}`}), func(t *testing.T, cfg *Config) {
			assert.Equal(t, "STABLE", cfg.GCP.GKE.ReleaseChannel)
			assert.Equal(t, "10.50.0.0/16", cfg.GCP.NetworkCidr)
		}},
		{"azure", onCloud(CloudAzure, nil), func(t *testing.T, cfg *Config) {
			want := DefaultAzure
			want.SubscriptionID, want.TenantID = "8f6e2c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b", "0c7d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
			assert.Equal(t, want, cfg.Azure)
		}},
		{"azure with the defaults Pulumi hands every stack", engineDefaults(onCloud(CloudAzure, nil)), func(t *testing.T, cfg *Config) {
			assert.Equal(t, "patch", cfg.Azure.AKS.UpgradeChannel)
		}},
		{"aws with the defaults Pulumi hands every stack", engineDefaults(valid()), func(t *testing.T, cfg *Config) {
			assert.Equal(t, GCP{}, cfg.GCP)
			assert.Equal(t, Azure{}, cfg.Azure)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(tt.raw)
			require.NoError(t, err)
			tt.check(t, cfg)
		})
	}
}

func TestSectionsAndSecretsForAnotherCloudAreErrors(t *testing.T) {
	tests := []struct {
		name    string
		raw     map[string]string
		key     string
		message string
	}{
		{"aws section on gcp", onCloud(CloudGCP, map[string]string{CloudAWS: `{"vpcCidr":"10.40.0.0/16"}`}), CloudAWS,
			"set for cloud gcp; the aws section is only read when healthhub:cloud is aws"},
		{"aws section on azure", onCloud(CloudAzure, map[string]string{CloudAWS: `{"natGateways":"single"}`}), CloudAWS,
			"set for cloud azure; the aws section is only read when healthhub:cloud is aws"},
		{"unreadable aws section on gcp", onCloud(CloudGCP, map[string]string{CloudAWS: `{"vpc":"x"}`}), CloudAWS,
			"only read when healthhub:cloud is aws"},
		{"gcp section on aws", with(map[string]string{CloudGCP: `{"projectId":"healthhub-prod"}`}), CloudGCP,
			"set for cloud aws; the gcp section is only read when healthhub:cloud is gcp"},
		{"azure section on gcp", onCloud(CloudGCP, map[string]string{CloudAzure: `{"subscriptionId":"8f6e2c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b"}`}), CloudAzure,
			"the azure section is only read when healthhub:cloud is azure"},
		{"aurora password on gcp", onCloud(CloudGCP, map[string]string{KeyDatabasePassword: SecretPlaceholder}), KeyDatabasePassword,
			"set for cloud gcp; databasePassword is only read when healthhub:cloud is aws: remove it with `pulumi config rm healthhub:databasePassword`"},
		{"redis token on gcp", onCloud(CloudGCP, map[string]string{KeyCacheAuthToken: SecretPlaceholder}), KeyCacheAuthToken,
			"set for cloud gcp; cacheAuthToken is only read when healthhub:cloud is aws or azure"},
		{"no project", onCloud(CloudGCP, map[string]string{CloudGCP: "<unset>"}), "gcp.projectId", "required: a project ID"},
		{"project id with capitals", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"HealthHub"}`}), "gcp.projectId", "lowercase letters"},
		{"gcp ranges overlap", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","drNetworkCidr":"10.50.16.0/20"}`}), "gcp.drNetworkCidr", "must not overlap gcp.networkCidr"},
		{"gcp public range", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","networkCidr":"8.8.0.0/16"}`}), "gcp.networkCidr", "private range"},
		{"rapid channel", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"releaseChannel":"RAPID"}}`}), "gcp.gke.releaseChannel", "must be one of REGULAR, STABLE"},
		{"gcp unknown field", onCloud(CloudGCP, map[string]string{CloudGCP: `{"project":"healthhub-prod"}`}), CloudGCP, "must be an object with projectId, networkCidr, drNetworkCidr, podsCidr, servicesCidr, serviceAccessCidr, keyAdmins, gke, database, cache, loadBalancer"},
		{"pods range over the subnet", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","podsCidr":"10.48.0.0/14"}`}), "gcp.podsCidr", "must not overlap gcp.networkCidr (10.50.0.0/16)"},
		{"public services range", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","servicesCidr":"8.8.0.0/20"}`}), "gcp.servicesCidr", "must be a private (RFC 1918)"},
		{"service access over the DR subnet", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","serviceAccessCidr":"10.51.128.0/20"}`}), "gcp.serviceAccessCidr", "must not overlap gcp.drNetworkCidr"},
		{"dev endpoint without an allow-list", onCloud(CloudGCP, map[string]string{"environment": EnvDev, CloudGCP: `{"projectId":"healthhub-dev"}`}), "gcp.gke.masterAuthorizedNetworks", "required outside production"},
		{"dev endpoint open to the internet", onCloud(CloudGCP, map[string]string{"environment": EnvDev, CloudGCP: `{"projectId":"healthhub-dev","gke":{"masterAuthorizedNetworks":["0.0.0.0/0"]}}`}), "gcp.gke.masterAuthorizedNetworks", "whole internet"},
		{"public allow-list in production", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"masterAuthorizedNetworks":["203.0.113.0/24"]}}`}), "gcp.gke.masterAuthorizedNetworks", "must be private (RFC 1918) in production"},
		{"control plane range not a /28", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"masterCidr":"172.16.0.0/24"}}`}), "gcp.gke.masterCidr", "private /28"},
		{"old kubernetes", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"kubernetesVersion":"1.29"}}`}), "gcp.gke.kubernetesVersion", "from 1.30 to 1.34"},
		{"app pool that can scale to zero in production", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"nodePools":{"app":{"machineType":"n2-standard-8","min":0,"max":4}}}}`}), "gcp.gke.nodePools.app.min", "at least 1 per zone in production"},
		{"pool min over max", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"nodePools":{"gpu":{"machineType":"g2-standard-8","min":3,"max":2}}}}`}), "gcp.gke.nodePools.gpu", "0 <= min <= max"},
		{"week of backups in production", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","database":{"retainedBackups":7}}`}), "gcp.database.retainedBackups", "at least 30 in production"},
		{"compatible TLS profile", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","loadBalancer":{"sslProfile":"COMPATIBLE"}}`}), "gcp.loadBalancer.sslProfile", "must be one of MODERN, RESTRICTED"},
		{"key admin without a kind", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","keyAdmins":["kms-admins@healthhub.example"]}`}), "gcp.keyAdmins", "group:kms-admins@healthhub.example"},
		{"no domain on gcp", onCloud(CloudGCP, map[string]string{"workloads": "<unset>"}), "workloads.domain", "required on gcp and azure: the host name the load balancer's certificate"},
		{"tier the database refuses", onCloud(CloudGCP, map[string]string{CloudGCP: `{"projectId":"healthhub-prod","gke":{"masterAuthorizedNetworks":["10.200.0.0/24"]},"database":{"tier":"db-custom-0-0"}}`}), "gcp.database.tier", "must be a Cloud SQL tier"},
		{"no pager on gcp", onCloud(CloudGCP, map[string]string{KeyPagerURL: "<unset>"}), KeyPagerURL, "required secret on gcp"},
		{"no subscription", onCloud(CloudAzure, map[string]string{CloudAzure: "<unset>"}), "azure.subscriptionId", "required: the subscription's ID"},
		{"subscription by name", onCloud(CloudAzure, map[string]string{CloudAzure: `{"subscriptionId":"healthhub-prod"}`}), "azure.subscriptionId", "a GUID"},
		{"azure ranges overlap", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"vnetCidr":"10.61.0.0/16"}`}), "azure.drVnetCidr", "must not overlap azure.vnetCidr"},
		{"node-image channel", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"aks":{"upgradeChannel":"node-image"}}`}), "azure.aks.upgradeChannel", "must be one of patch, stable"},
		{"no tenant", onCloud(CloudAzure, map[string]string{CloudAzure: `{"subscriptionId":"8f6e2c1a-3b4d-4e5f-9a0b-1c2d3e4f5a6b"}`}), "azure.tenantId", "required: the Entra ID tenant's ID"},
		{"pods over the vnet", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"podCidr":"10.60.128.0/17"}`}), "azure.podCidr", "must not overlap azure.vnetCidr"},
		{"key admin by name", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"keyAdmins":["kv-admins"]}`}), "azure.keyAdmins", "Entra object ids"},
		{"public API server in production", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"aks":{"authorizedIpRanges":["203.0.113.0/24"]}}`}), "azure.aks.authorizedIpRanges", "must be empty in production"},
		{"dev API server without an allow-list", onCloud(CloudAzure, map[string]string{"environment": EnvDev}), "azure.aks.authorizedIpRanges", "required outside production"},
		{"dev API server open to the internet", onCloud(CloudAzure, map[string]string{"environment": EnvDev, CloudAzure: AZ + `"aks":{"authorizedIpRanges":["0.0.0.0/0"]}}`}), "azure.aks.authorizedIpRanges", "whole internet"},
		{"old aks", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"aks":{"kubernetesVersion":"1.28"}}`}), "azure.aks.kubernetesVersion", "from 1.30 to 1.34"},
		{"app pool of one node in production", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"aks":{"nodePools":{"app":{"vmSize":"Standard_D8ds_v5","min":1,"max":4}}}}`}), "azure.aks.nodePools.app.min", "at least 3 in production"},
		{"vm size by family", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"aks":{"nodePools":{"gpu":{"vmSize":"NC4as","min":0,"max":1}}}}`}), "azure.aks.nodePools.gpu.vmSize", "virtual machine size"},
		{"burstable database in production", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"database":{"skuName":"Standard_B2s"}}`}), "azure.database.skuName", "burstable servers have no zone-redundant standby"},
		{"a week of backups in production", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"database":{"backupRetentionDays":7}}`}), "azure.database.backupRetentionDays", "must be 35 in production"},
		{"certificate name with a dot", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"gateway":{"certificateName":"assistant.healthhub"}}`}), "azure.gateway.certificateName", "Key Vault certificate name"},
		{"one gateway instance in production", onCloud(CloudAzure, map[string]string{CloudAzure: AZ + `"gateway":{"minCapacity":1}}`}), "azure.gateway.minCapacity", "at least 2 in production"},
		{"log retention Log Analytics refuses", onCloud(CloudAzure, map[string]string{"logRetentionDays": "2192"}), "logRetentionDays", "on azure: past two years Log Analytics keeps whole years only"},
		{"unlocked archive outside production", onCloud(CloudAzure, map[string]string{"environment": EnvDev, CloudAzure: AZ + `"aks":{"authorizedIpRanges":["203.0.113.0/24"]},"auditArchiveUnlocked":true}`}), "azure.auditArchiveUnlocked", "applies to production only"},
		{"no pager on azure", onCloud(CloudAzure, map[string]string{KeyPagerURL: "<unset>"}), KeyPagerURL, "required secret on azure"},
		{"no cache token on azure", onCloud(CloudAzure, map[string]string{KeyCacheAuthToken: "<unset>"}), KeyCacheAuthToken, "required secret on azure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Contains(t, verr.Keys(), tt.key)
			assert.Contains(t, err.Error(), "healthhub:"+tt.key+" = ")
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestSecretValuesNeverReachTheMessage(t *testing.T) {
	_, err := Parse(onCloud(CloudGCP, map[string]string{KeyOpenAIApiKey: "sk-live-abcdef"}))
	require.ErrorContains(t, err, "healthhub:openaiApiKey")
	assert.NotContains(t, err.Error(), "sk-live-abcdef")
}

func TestRequiredSecretsPerCloud(t *testing.T) {
	aws := []string{KeyDatabasePassword, KeyCacheAuthToken, KeyOpenAIApiKey, KeyAzureSpeechKey, KeyGoogleVisionKey, KeyPagerURL}
	assert.Equal(t, aws, RequiredSecrets(CloudAWS))
	assert.Equal(t, []string{KeyPagerURL}, RequiredSecrets(CloudGCP), "the alert channel's webhook; the data stores authenticate through IAM")
	assert.Equal(t, []string{KeyCacheAuthToken, KeyPagerURL}, RequiredSecrets(CloudAzure), "the Redis the cluster runs, and the alert channel's webhook; the database authenticates through Entra ID")
}

func TestMissingSecretNamesTheStack(t *testing.T) {
	_, err := ParseStack("dev", with(map[string]string{KeyPagerURL: "<unset>", KeyCacheAuthToken: "<unset>"}))
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, []string{KeyCacheAuthToken, KeyPagerURL}, verr.Keys(), "every missing secret, in Keys order")
	assert.Contains(t, err.Error(), "`pulumi config set --secret healthhub:cacheAuthToken <value> -s dev`")
	assert.Contains(t, err.Error(), "`pulumi config set --secret healthhub:pagerUrl <value> -s dev`")
}
