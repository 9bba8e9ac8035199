package gcp_test

// The GCP stack's tests build the program from stacks/program with the GCP builder alone, so
// this test binary links the GCP SDK and not the AWS one that stacks.Run carries.

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/audit"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
	gcprules "github.com/healthhub/estate/policy/rules/gcp"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
	"github.com/healthhub/estate/stacks/gcp"
	"github.com/healthhub/estate/stacks/program"
	"github.com/healthhub/estate/stacks/workloads"
	"github.com/healthhub/estate/stacks/workloads/workloadstest"
)

// prog is the estate as a GCP stack runs it: the GCP build, then the workloads, then the
// outputs.
var prog pulumi.RunFunc = program.New(map[string]program.Builder{config.CloudGCP: gcp.Build}, workloads.Build)

// allowedRegions are production-gcp's healthhub:allowedRegions: London, and Belgium for DR.
var allowedRegions = []string{"europe-west2", "europe-west1"}

// The production GCP estate, type by type. A change that drops or adds resources shows here.
var productionCounts = workloadstest.With(map[string]int{
	// The network: one global VPC, a subnet, router and NAT per region, and the firewall's
	// three rules (Google's load balancer ranges, the network's own ranges, deny the rest).
	"gcp:compute/network:Network":                 1,
	"gcp:compute/subnetwork:Subnetwork":           2,
	"gcp:compute/router:Router":                   2,
	"gcp:compute/routerNat:RouterNat":             2,
	"gcp:compute/firewall:Firewall":               3,
	"gcp:servicenetworking/connection:Connection": 1,
	// The entry point's address and the private service access range of the data stores.
	"gcp:compute/globalAddress:GlobalAddress": 2,
	// The entry point: the Ingress's certificate and TLS policy, the HTTP redirect (forwarding
	// rule, proxy, URL map) and Cloud Armor. The GKE Ingress controller makes the HTTPS proxy
	// and backend services, so they are not in the plan.
	"gcp:compute/managedSslCertificate:ManagedSslCertificate": 1,
	"gcp:compute/sSLPolicy:SSLPolicy":                         1,
	"gcp:compute/globalForwardingRule:GlobalForwardingRule":   1,
	"gcp:compute/targetHttpProxy:TargetHttpProxy":             1,
	"gcp:compute/uRLMap:URLMap":                               1,
	"gcp:compute/securityPolicy:SecurityPolicy":               1,
	// The cluster, its three pools (system, app, gpu), and Backup for GKE into the DR region.
	"gcp:container/cluster:Cluster":       1,
	"gcp:container/nodePool:NodePool":     3,
	"gcp:gkebackup/backupPlan:BackupPlan": 1,
	// Keys: a ring per region, 14 keys = 7 domains (database, storage, logs, secrets, cluster,
	// cache, backup) × 2 regions; 18 grants = 9 service agents on their domain's key × 2
	// regions; the key admin group on each ring.
	"gcp:kms/keyRing:KeyRing":                       2,
	"gcp:kms/cryptoKey:CryptoKey":                   14,
	"gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 18,
	"gcp:kms/keyRingIAMMember:KeyRingIAMMember":     2,
	// The service agents created ahead of their first use, so their keys can be granted:
	// Backup for GKE, Secret Manager and Cloud SQL.
	"gcp:projects/serviceIdentity:ServiceIdentity": 3,
	// The audit trail: Data Access logs for allServices, the sink to the locked archive, and
	// 11 log-based metrics, each with its alert policy (CIS 2.4 to 2.11 and the project IAM,
	// key destruction and log sink changes), notifying the e-mail and pager channels.
	"gcp:projects/iAMAuditConfig:IAMAuditConfig":             1,
	"gcp:logging/projectSink:ProjectSink":                    1,
	"gcp:logging/metric:Metric":                              11,
	"gcp:monitoring/alertPolicy:AlertPolicy":                 11,
	"gcp:monitoring/notificationChannel:NotificationChannel": 2,
	// The audit archive and its DR copy, with the daily transfer between them; 5 grants =
	// the sink's writer and the transfer service's read, list, compare and write.
	"gcp:storage/bucket:Bucket":                   2,
	"gcp:storage/bucketIAMMember:BucketIAMMember": 5,
	"gcp:storage/transferJob:TransferJob":         1,
	// The database: primary and its replica in the DR region, the database, the backend's
	// IAM user.
	"gcp:sql/databaseInstance:DatabaseInstance": 2,
	"gcp:sql/database:Database":                 1,
	"gcp:sql/user:User":                         1,
	// The cache and its AUTH string in Secret Manager, read by the backend's identity.
	"gcp:redis/instance:Instance":                       1,
	"gcp:secretmanager/secret:Secret":                   1,
	"gcp:secretmanager/secretVersion:SecretVersion":     1,
	"gcp:secretmanager/secretIamMember:SecretIamMember": 1,
	// Identities: the nodes' account and one per app, each app's federated to its Kubernetes
	// service account; 4 project grants = the nodes' two roles and the backend's two Cloud SQL
	// roles.
	"gcp:serviceaccount/account:Account":     4,
	"gcp:serviceaccount/iAMMember:IAMMember": 3,
	"gcp:projects/iAMMember:IAMMember":       4,

	"healthhub:gcp:AlertChannels":      1,
	"healthhub:gcp:AuditTrail":         1,
	"healthhub:gcp:Cache":              1,
	"healthhub:gcp:Database":           1,
	"healthhub:gcp:DisasterRecovery":   1,
	"healthhub:gcp:GkeCluster":         1,
	"healthhub:gcp:Keys":               1,
	"healthhub:gcp:LoadBalancer":       1,
	"healthhub:gcp:Network":            1,
	"healthhub:gcp:Secrets":            1,
	"healthhub:gcp:SecureBucket":       1, // the audit archive, with its DR copy and transfer
	"healthhub:gcp:WebFirewall":        1,
	"healthhub:gcp:WorkloadIdentities": 1,
	"pulumi:providers:gcp":             2, // primary and DR
	"pulumi:pulumi:Stack":              1,
	// The GKE Ingress controller's FrontendConfig (the SSL policy) and BackendConfig (Cloud
	// Armor, request logs, HTTPS health check) beside the workloads' own.
	"kubernetes:networking.gke.io/v1beta1:FrontendConfig": 1,
	"kubernetes:cloud.google.com/v1:BackendConfig":        1,
})

// statefulTypes are what holds PHI, the keys that decrypt it, its backups or the cluster that
// runs on it: protected from destroy in production.
var statefulTypes = []string{
	gcprules.TypeKeyRing, gcprules.TypeCryptoKey, gcprules.TypeBucket, gcprules.TypeSQLInstance,
	gcprules.TypeRedisInstance, gcprules.TypeCluster, gcprules.TypeSecret, gcprules.TypeBackupPlan,
}

func TestProductionGCPStack(t *testing.T) {
	p, err := plan.Run("../..", "production-gcp", prog)
	require.NoError(t, err)
	assert.Equal(t, productionCounts, p.Summary.ByType)
	assert.Equal(t, 214, p.Summary.Resources)
	// No advisory either: the cache is STANDARD_HA with RDB snapshots, Cloud Armor has
	// Adaptive Protection, and every labelled type carries the estate's labels.
	assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)
	assert.Zero(t, p.Summary.Advisory, "violations: %v", p.Violations)
	assert.Equal(t, "gcp", p.Cloud)
	assert.Equal(t, "production", p.Environment)

	// Both providers are pinned to the project, each to its region.
	providers := map[string][2]any{}
	for _, r := range p.Resources {
		if r.Type == gcprules.TypeProvider {
			providers[r.Name] = [2]any{r.Inputs["project"], r.Inputs["region"]}
		}
	}
	assert.Equal(t, map[string][2]any{
		"gcp-primary": {"healthhub-prod", "europe-west2"},
		"gcp-dr":      {"healthhub-prod", "europe-west1"},
	}, providers)

	byName := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byName[r.Type+" "+r.Name] = r
		if slices.Contains(statefulTypes, r.Type) {
			assert.True(t, r.Protect, "%s %s is protected in production", r.Type, r.Name)
		}
		// A user-managed key is a credential that leaves Google; workloads federate instead.
		assert.NotEqual(t, gcprules.TypeServiceAccountKey, r.Type, "%s: no service account key", r.Name)
	}
	for _, typ := range statefulTypes {
		assert.NotZero(t, p.Summary.ByType[typ], "the estate has a %s to protect", typ)
	}

	// The DR copies sit in the DR region by their own region or location, whatever provider
	// registers them: the replica goes through the primary's provider, as Cloud SQL requires.
	replica := byName[gcprules.TypeSQLInstance+" healthhub-prod-pg-dr"]
	assert.Equal(t, "europe-west1", replica.Inputs["region"])
	assert.Equal(t, "healthhub-prod-pg", replica.Inputs["masterInstanceName"])
	assert.Equal(t, "europe-west2", byName[gcprules.TypeSQLInstance+" healthhub-prod-pg"].Inputs["region"])
	backup := byName[gcprules.TypeBackupPlan+" healthhub-prod"]
	assert.Equal(t, "europe-west1", backup.Inputs["location"])
	assert.True(t, strings.HasSuffix(backup.Provider, "::gcp-dr"), "the backup plan is on the DR provider: %s", backup.Provider)

	// The cluster's API server has no public endpoint in production, and its nodes no public
	// address.
	cluster := byName[gcprules.TypeCluster+" healthhub-prod-gke"]
	private, _ := cluster.Inputs["privateClusterConfig"].(map[string]any)
	assert.Equal(t, true, private["enablePrivateEndpoint"])
	assert.Equal(t, true, private["enablePrivateNodes"])

	// The workloads reach the cluster with a kubeconfig that is a secret in state and plans.
	kube := byName[k8srules.TypeProvider+" cluster"]
	assert.Equal(t, rules.Secret, kube.Inputs["kubeconfig"])

	// Every resource that says where it lives (region, location or zone, in any case) lives
	// in an allowed region.
	located := 0
	for _, r := range p.Resources {
		if !strings.HasPrefix(r.Type, "gcp:") {
			continue
		}
		for _, key := range []string{"region", "location", "zone"} {
			if s, ok := r.Inputs[key].(string); ok {
				located++
				region := strings.ToLower(s)
				if key == "zone" {
					region = region[:strings.LastIndex(region, "-")]
				}
				assert.Contains(t, allowedRegions, region, "%s %s: %s %q", r.Type, r.Name, key, s)
			}
		}
	}
	// 18 = 2 key rings, 2 buckets, 2 subnets, 2 routers, 2 NATs, 2 database instances, the
	// cache, the cluster, its 3 pools and the backup plan: a check that found nothing to check
	// would pass for the wrong reason.
	assert.Equal(t, 18, located)
}

// productionOnly are the controls that depend on the environment by design; dev-gcp, read
// under the production policy config, may fall short of these and of nothing else:
//
//   - estate-stateful-protected: outside production nothing is protected from destroy, so a
//     dev estate can be torn down and rebuilt.
//   - gcp-deletion-protection: likewise the cluster's own deletionProtection is off in dev.
//   - gcp-gke-private-cluster: dev's API endpoint is public, reachable from its listed
//     networks only (the rule's non-production branch checks that allow-list).
//   - gcp-sql-high-availability: dev's database is ZONAL, no standby in a second zone.
//   - gcp-sql-backups: dev keeps 7 daily backups, Cloud SQL's default, against production's 30.
//   - gcp-storage-audit-log-retention: dev's audit archive keeps the retention floor but does
//     not lock the policy, since a locked bucket could never be deleted.
//
// The cache's single BASIC node (gcp-redis-resilience) is advisory and reported separately.
// The DR copies (database replica, audit archive transfer, backups in the DR region) and the
// Backup for GKE retention are the same as production's, so estate-phi-dr-copy and
// gcp-gkebackup-plan-hardened find nothing.
var productionOnly = []string{
	"estate-stateful-protected", "gcp-deletion-protection", "gcp-gke-private-cluster",
	"gcp-sql-high-availability", "gcp-sql-backups", "gcp-storage-audit-log-retention",
}

// TestDevGCPIsCheaperNotWeaker runs dev-gcp through the production policy config: the only
// findings allowed are the production-only controls, so encryption, exposure, TLS, logging,
// identity and the DR copies are the same everywhere. The savings are in the sizes.
func TestDevGCPIsCheaperNotWeaker(t *testing.T) {
	prodCfg := rules.Config{AllowedRegions: allowedRegions, RetentionFloorDays: config.HIPAARetentionFloorDays, Environment: "production"}
	p, err := plan.Run("../..", "dev-gcp", prog)
	require.NoError(t, err)
	assert.Equal(t, "dev", p.Environment)
	assert.Equal(t, "gcp", p.Cloud)
	assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)
	assert.Zero(t, p.Summary.Advisory, "dev's own config asks no standby of the cache: %v", p.Violations)
	// Production less the key admin group's two ring grants: dev-gcp names no keyAdmins.
	assert.Equal(t, 212, p.Summary.Resources)
	assert.Zero(t, p.Summary.ByType[gcprules.TypeKeyRingIAMMember])
	for typ, n := range productionCounts {
		if typ != gcprules.TypeKeyRingIAMMember {
			assert.Equal(t, n, p.Summary.ByType[typ], "%s: dev builds what production builds", typ)
		}
	}

	cache := findInputs(t, p, gcprules.TypeRedisInstance)
	assert.Equal(t, "BASIC", cache["tier"], "one node is enough for synthetic data")
	assert.Nil(t, cache["replicaCount"], "a BASIC instance has no replicas")
	assert.Equal(t, int64(1), asInt(cache["memorySizeGb"]))
	for _, r := range p.Resources {
		if r.Type == gcprules.TypeSQLInstance {
			settings := r.Inputs["settings"].(map[string]any)
			assert.Equal(t, "ZONAL", settings["availabilityType"], "%s", r.Name)
			assert.Equal(t, "db-custom-2-7680", settings["tier"], "%s", r.Name)
		}
	}

	data, err := json.Marshal(p)
	require.NoError(t, err)
	snap, err := audit.Parse(data)
	require.NoError(t, err)
	var mandatory, advisory []string
	for _, v := range estate.Evaluate(snap.Resources, prodCfg) {
		if v.Level == rules.Advisory {
			advisory = append(advisory, v.Policy+" "+v.Message)
			continue
		}
		mandatory = append(mandatory, v.Policy)
		assert.Contains(t, productionOnly, v.Policy, "dev-gcp is weaker than production: %s on %s", v.Message, v.URN)
	}
	// Each production-only control is one dev really falls short of: the list is the
	// difference, not an allowance.
	for _, rule := range productionOnly {
		assert.Contains(t, mandatory, rule, "dev-gcp meets %s under the production config: drop it from productionOnly", rule)
	}
	assert.Equal(t, []string{`gcp-redis-resilience tier is "BASIC"; STANDARD_HA keeps a standby in production`}, advisory)
}

// findInputs is the inputs of the one resource of the type in the plan.
func findInputs(t *testing.T, p *plan.Plan, typ string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range p.Resources {
		if r.Type == typ {
			found = append(found, r.Inputs)
		}
	}
	require.Len(t, found, 1, "one %s", typ)
	return found[0]
}

// asInt reads a whole number input, whichever numeric type the recording gave it.
func asInt(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return -1
}

// Each Workload Identity binding waits for the cluster, whose creation makes the pool exist:
// the ordering comes with the pool's name, not with an extra dependency the stack must
// remember.
func TestWorkloadIdentityBindingsWaitForTheCluster(t *testing.T) {
	p, err := plan.Run("../..", "production-gcp", prog)
	require.NoError(t, err)
	var cluster string
	for _, r := range p.Resources {
		if r.Type == gcprules.TypeCluster {
			cluster = r.URN
		}
	}
	require.NotEmpty(t, cluster)
	bindings := 0
	for _, r := range p.Resources {
		if r.Type == "gcp:serviceaccount/iAMMember:IAMMember" {
			bindings++
			assert.Contains(t, r.Dependencies, cluster, "%s waits for the cluster", r.Name)
		}
	}
	assert.Equal(t, 3, bindings, "one per app")
}
