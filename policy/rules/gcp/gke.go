package gcp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// GKE types.
const (
	TypeCluster    = "gcp:container/cluster:Cluster"
	TypeNodePool   = "gcp:container/nodePool:NodePool"
	TypeBackupPlan = "gcp:gkebackup/backupPlan:BackupPlan"
)

// gkePrivateCluster: nodes never get a public address, and the API server is reached from
// the VPC only in production (CIS GKE 5.6.3 to 5.6.5). Outside production a public endpoint
// serves a team's CI and laptops, but only from the networks it lists; Google's own public
// ranges (gcpPublicCidrsAccessEnabled) would let any Google Cloud VM knock.
var gkePrivateCluster = rules.Rule{
	Name:        "gcp-gke-private-cluster",
	Cloud:       rules.CloudGCP,
	Description: "GKE clusters have private nodes and, in production, a private endpoint; a public endpoint elsewhere admits only the networks listed in masterAuthorizedNetworksConfig, never 0.0.0.0/0 nor Google Cloud's public ranges.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails (taken as public)",
	Level:       rules.Mandatory,
	Types:       []string{TypeCluster},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "privateClusterConfig.enablePrivateNodes") {
			out = append(out, "privateClusterConfig.enablePrivateNodes must be true: nodes would get public addresses")
		}
		if rules.ExplicitlyTrue(r.Inputs, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled") {
			out = append(out, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled must be false: it opens the API server to every Google Cloud public address")
		}
		if rules.BoolTrue(r.Inputs, "privateClusterConfig.enablePrivateEndpoint") {
			return out
		}
		var cidrs []string
		for i := range rules.List(r.Inputs, "masterAuthorizedNetworksConfig.cidrBlocks") {
			cidrs = append(cidrs, rules.Str(r.Inputs, fmt.Sprintf("masterAuthorizedNetworksConfig.cidrBlocks[%d].cidrBlock", i)))
		}
		switch {
		case cfg.Production():
			out = append(out, "privateClusterConfig.enablePrivateEndpoint must be true in production")
		case len(cidrs) == 0:
			out = append(out, "the public endpoint is open to the internet; list the networks that may reach it in masterAuthorizedNetworksConfig.cidrBlocks or make it private")
		case slices.Contains(cidrs, "0.0.0.0/0"):
			out = append(out, "masterAuthorizedNetworksConfig.cidrBlocks contains 0.0.0.0/0")
		}
		return out
	},
}

var gkeSecretsEncrypted = rules.Rule{
	Name:        "gcp-gke-secrets-encrypted",
	Cloud:       rules.CloudGCP,
	Description: "GKE clusters encrypt Kubernetes secrets in etcd with a Cloud KMS key (databaseEncryption.state ENCRYPTED with a keyName).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "state fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeCluster},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if s := rules.Str(r.Inputs, "databaseEncryption.state"); s != "ENCRYPTED" {
			out = append(out, fmt.Sprintf("databaseEncryption.state is %q; must be ENCRYPTED", s))
		}
		if !rules.Present(r.Inputs, "databaseEncryption.keyName") {
			out = append(out, "databaseEncryption.keyName is not set")
		}
		return out
	},
}

// gkeHardened gathers the cluster-wide settings of the GKE hardening guide and CIS GKE 5.x
// that are not about the endpoint, encryption or logs. Switches whose provider default is
// safe (enableShieldedNodes) pass when left out; the others must be written.
var gkeHardened = rules.Rule{
	Name:        "gcp-gke-hardened",
	Cloud:       rules.CloudGCP,
	Description: "GKE clusters use Workload Identity, Binary Authorization enforcement, shielded nodes, a REGULAR or STABLE release channel, security posture, network policy (Dataplane V2 or networkPolicy), no legacy ABAC, client certificates or alpha APIs, and remove the default node pool unless its nodeConfig is hardened like a node pool's.",
	Sections:    []rules.Section{rules.AccessControl, rules.Integrity, rules.Authentication},
	Unknown:     "settings fail; the workload pool passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeCluster},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.Present(r.Inputs, "workloadIdentityConfig.workloadPool") {
			out = append(out, "workloadIdentityConfig.workloadPool is not set: pods would act as the node's service account")
		}
		if m := rules.Str(r.Inputs, "binaryAuthorization.evaluationMode"); m != "PROJECT_SINGLETON_POLICY_ENFORCE" {
			out = append(out, fmt.Sprintf("binaryAuthorization.evaluationMode is %q; must be PROJECT_SINGLETON_POLICY_ENFORCE", m))
		}
		if v, ok := rules.Get(r.Inputs, "enableShieldedNodes"); ok && v != true {
			out = append(out, fmt.Sprintf("enableShieldedNodes is %v; must be true", v))
		}
		if c := rules.Str(r.Inputs, "releaseChannel.channel"); c != "REGULAR" && c != "STABLE" {
			out = append(out, fmt.Sprintf("releaseChannel.channel is %q; must be REGULAR or STABLE", c))
		}
		if m := rules.Str(r.Inputs, "securityPostureConfig.mode"); m != "BASIC" && m != "ENTERPRISE" {
			out = append(out, fmt.Sprintf("securityPostureConfig.mode is %q; must be BASIC or ENTERPRISE", m))
		}
		if rules.Str(r.Inputs, "datapathProvider") != "ADVANCED_DATAPATH" && !rules.BoolTrue(r.Inputs, "networkPolicy.enabled") {
			out = append(out, "network policy is not enforced: set datapathProvider ADVANCED_DATAPATH or networkPolicy.enabled")
		}
		for _, off := range []string{"enableLegacyAbac", "masterAuth.clientCertificateConfig.issueClientCertificate", "enableKubernetesAlpha"} {
			if rules.ExplicitlyTrue(r.Inputs, off) {
				out = append(out, off+" must be false")
			}
		}
		if !rules.BoolTrue(r.Inputs, "removeDefaultNodePool") && !rules.BoolTrue(r.Inputs, "enableAutopilot") {
			if msgs := nodeConfigFindings(r.Inputs, "nodeConfig"); len(msgs) > 0 {
				out = append(out, "the default node pool is kept (removeDefaultNodePool is not true) and its node config is not hardened: "+strings.Join(msgs, "; "))
			}
		}
		return out
	},
}

// gkeLogging keeps the control plane's and the workloads' logs (CIS GKE 5.7.1); the
// Kubernetes audit log goes to Cloud Audit Logs regardless.
var gkeLogging = rules.Rule{
	Name:        "gcp-gke-logging",
	Cloud:       rules.CloudGCP,
	Description: "GKE clusters send system, API server and workload logs to Cloud Logging (loggingConfig.enableComponents includes SYSTEM_COMPONENTS, APISERVER and WORKLOADS).",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeCluster},
	Check: func(r rules.Resource, _ rules.Config) []string {
		got := rules.Strs(r.Inputs, "loggingConfig.enableComponents")
		var missing []string
		for _, want := range []string{"SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"} {
			if !slices.Contains(got, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			return []string{"loggingConfig.enableComponents lacks " + strings.Join(missing, ", ")}
		}
		if s := rules.Str(r.Inputs, "loggingService"); s == "none" {
			return []string{"loggingService is none"}
		}
		return nil
	},
}

// defaultComputeSA ends the e-mail of a project's default compute service account, which
// holds roles/editor on the project unless someone removed it.
const defaultComputeSA = "-compute@developer.gserviceaccount.com"

// nodeConfigFindings checks a node configuration (a node pool's, or a cluster's for its
// default pool) at the path: the GKE metadata server so pods cannot read the node's
// credentials, Container-Optimized OS, shielded boot, a dedicated service account and a
// customer-managed boot disk key (CIS GKE 5.2.1, 5.4.1, 5.5.1, 5.5.6, 5.5.7, 5.9.2).
func nodeConfigFindings(inputs map[string]any, at string) []string {
	var out []string
	if m := rules.Str(inputs, at+".workloadMetadataConfig.mode"); m != "GKE_METADATA" {
		out = append(out, fmt.Sprintf("%s.workloadMetadataConfig.mode is %q; must be GKE_METADATA", at, m))
	}
	if img := rules.Str(inputs, at+".imageType"); !strings.EqualFold(img, "COS_CONTAINERD") {
		out = append(out, fmt.Sprintf("%s.imageType is %q; must be COS_CONTAINERD", at, img))
	}
	for _, k := range []string{"enableSecureBoot", "enableIntegrityMonitoring"} {
		if !rules.BoolTrue(inputs, at+".shieldedInstanceConfig."+k) {
			out = append(out, fmt.Sprintf("%s.shieldedInstanceConfig.%s must be true", at, k))
		}
	}
	switch sa := rules.Str(inputs, at+".serviceAccount"); {
	case !rules.Present(inputs, at+".serviceAccount") || sa == "default":
		out = append(out, at+".serviceAccount is not set: nodes would run as the default compute service account")
	case strings.HasSuffix(sa, defaultComputeSA):
		out = append(out, at+".serviceAccount is the default compute service account; give nodes a dedicated one")
	}
	if !rules.Present(inputs, at+".bootDiskKmsKey") {
		out = append(out, at+".bootDiskKmsKey is not set: boot disks would use a Google-managed key")
	}
	return out
}

var gkeNodePoolHardened = rules.Rule{
	Name:        "gcp-gke-node-pool-hardened",
	Cloud:       rules.CloudGCP,
	Description: "GKE node pools run Container-Optimized OS with shielded secure boot and integrity monitoring, the GKE metadata server, a dedicated service account (not the default compute one) and boot disks under a customer-managed key, and repair and upgrade automatically.",
	Sections:    []rules.Section{rules.AccessControl, rules.Integrity, rules.Encryption},
	Unknown:     "settings fail; the service account and key pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeNodePool},
	Check: func(r rules.Resource, _ rules.Config) []string {
		out := nodeConfigFindings(r.Inputs, "nodeConfig")
		for _, k := range []string{"autoRepair", "autoUpgrade"} {
			if !rules.BoolTrue(r.Inputs, "management."+k) {
				out = append(out, "management."+k+" must be true")
			}
		}
		return out
	},
}

// gkeBackupPlan: Backup for GKE keeps the cluster's workloads and volumes; its backups are
// PHI at rest like the volumes they copy.
var gkeBackupPlan = rules.Rule{
	Name:        "gcp-gkebackup-plan-hardened",
	Cloud:       rules.CloudGCP,
	Description: "Backup for GKE plans run on a schedule, include volume data, encrypt backups with a customer-managed key and, in production, keep them at least 30 days.",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.Encryption},
	Unknown:     "settings fail; key and schedule pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeBackupPlan},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		var out []string
		if !rules.Present(r.Inputs, "backupConfig.encryptionKey.gcpKmsEncryptionKey") {
			out = append(out, "backupConfig.encryptionKey.gcpKmsEncryptionKey is not set")
		}
		if !rules.BoolTrue(r.Inputs, "backupConfig.includeVolumeData") {
			out = append(out, "backupConfig.includeVolumeData must be true: without it the backup holds no persistent volume")
		}
		if !rules.Present(r.Inputs, "backupSchedule.cronSchedule") && !rules.Present(r.Inputs, "backupSchedule.rpoConfig") {
			out = append(out, "backupSchedule has neither cronSchedule nor rpoConfig: no backup would ever run")
		}
		for _, off := range []string{"backupSchedule.paused", "deactivated"} {
			if rules.ExplicitlyTrue(r.Inputs, off) {
				out = append(out, off+" must not be true")
			}
		}
		if days, _ := rules.Number(r.Inputs, "retentionPolicy.backupRetainDays"); cfg.Production() && days < 30 {
			out = append(out, fmt.Sprintf("retentionPolicy.backupRetainDays is %d; at least 30 in production", days))
		}
		return out
	},
}
