package azure_test

// The Azure stack's tests build the program from stacks/program with the Azure builder alone,
// so this test binary links the Azure SDK and not the AWS or GCP ones that stacks.Run carries.

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
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/policy/rules"
	azurerules "github.com/healthhub/estate/policy/rules/azure"
	"github.com/healthhub/estate/policy/rules/estate"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
	"github.com/healthhub/estate/stacks/azure"
	"github.com/healthhub/estate/stacks/program"
	"github.com/healthhub/estate/stacks/workloads"
	"github.com/healthhub/estate/stacks/workloads/workloadstest"
)

// prog is the estate as an Azure stack runs it: the Azure build, then the workloads, then the
// outputs.
var prog pulumi.RunFunc = program.New(map[string]program.Builder{config.CloudAzure: azure.Build}, workloads.Build)

// allowedRegions are production-azure's healthhub:allowedRegions: UK South, and UK West for DR.
var allowedRegions = []string{"uksouth", "ukwest"}

// The production Azure estate, type by type. A change that drops or adds resources shows here.
var productionCounts = workloadstest.WithInClusterCache(map[string]int{
	"pulumi:providers:azure-native":        2, // primary and DR, pinned to the subscription
	"azure-native:resources:ResourceGroup": 2,
	// Keys: a vault per location, 10 keys = 5 domains (database, storage, logs, cluster,
	// backup) × 2 vaults.
	"azure-native:keyvault:Vault": 2,
	"azure-native:keyvault:Key":   10,
	// The cache's AUTH token.
	"azure-native:keyvault:Secret": 1,
	// 13 identities = the key users of 4 domains (the cluster's key is its own identities')
	// and the DR database's, the cluster's control plane, kubelet and disk encryption set, the
	// gateway's, and the 3 apps' and the cache's workload identities, federated to their
	// service accounts.
	"azure-native:managedidentity:UserAssignedIdentity":        13,
	"azure-native:managedidentity:FederatedIdentityCredential": 4,
	// 32 grants, each at one resource's scope: the key admin group on the 2 vaults; each
	// domain's identity on its key in both vaults, the cluster's aside, and the DR database's
	// (9); the cluster's control plane on its 2 subnets, its VNet, its DNS zone, the KMS key
	// and vault, the kubelet identity and the disk set (8), the disk set's identity on the key,
	// the deployer on the cluster; the cache's token to the cache and the backend, the
	// gateway's certificate to the gateway, the cache's to the cache and its public part to
	// the backend; the ingress controller's custom role on its gateway, subnet, public IP,
	// identity and WAF policy, and Reader on the group.
	"azure-native:authorization:RoleAssignment": 32,
	"azure-native:authorization:RoleDefinition": 1,
	// The networks: a VNet per location with 5 subnets each, an NSG per subnet, a NAT gateway
	// and its public IP per location, a VNet flow log per location; the private DNS zones
	// (vault, blob, PostgreSQL, the AKS API server) created with the primary network and
	// linked to both, the AKS one to the primary only; the private endpoints of the two
	// vaults and the audit archive.
	"azure-native:network:VirtualNetwork":       2,
	"azure-native:network:NetworkSecurityGroup": 10,
	"azure-native:network:NatGateway":           2,
	"azure-native:network:PublicIPAddress":      3, // 2 NAT gateways and the Application Gateway
	"azure-native:network:FlowLog":              2,
	"azure-native:network:PrivateZone":          5,
	"azure-native:network:VirtualNetworkLink":   8,
	"azure-native:network:PrivateEndpoint":      3,
	"azure-native:network:PrivateDnsZoneGroup":  3,
	// The two networks peered both ways, for the replica's stream and a DR rebuild.
	"azure-native:network:VirtualNetworkPeering": 2,
	// The entry point: the Application Gateway WAF_v2 and its WAF policy.
	"azure-native:network:ApplicationGateway":           1,
	"azure-native:network:WebApplicationFirewallPolicy": 1,
	// The cluster: its app and GPU pools (the system pool is inline), the two maintenance
	// windows, the disk encryption set, and Container Insights' data collection rule.
	"azure-native:containerservice/v20240902preview:ManagedCluster":           1,
	"azure-native:containerservice/v20240902preview:AgentPool":                2,
	"azure-native:containerservice/v20240902preview:MaintenanceConfiguration": 2,
	"azure-native:compute:DiskEncryptionSet":                                  1,
	"azure-native:insights:DataCollectionRule":                                1,
	"azure-native:insights:DataCollectionRuleAssociation":                     1,
	// The database: the primary and its replica in the DR location, 11 server parameters on
	// each, the backend's Entra administrator, the database.
	"azure-native:dbforpostgresql/v20230601preview:Server":        2,
	"azure-native:dbforpostgresql/v20230601preview:Configuration": 22,
	"azure-native:dbforpostgresql/v20230601preview:Administrator": 1,
	"azure-native:dbforpostgresql/v20230601preview:Database":      1,
	// Storage: the two flow-log accounts and the immutable audit archive.
	"azure-native:storage:StorageAccount":        3,
	"azure-native:storage:BlobServiceProperties": 3,
	// The audit trail: the workspace with 10 audit tables kept for logRetentionDays, the
	// activity log's export, 11 diagnostic settings (the 2 vaults, the 2 servers, the
	// cluster, the gateway, the recovery vault, the 3 accounts' blob services and the
	// workspace), the action group and 18 activity log alerts.
	"azure-native:operationalinsights:Workspace":          1,
	"azure-native:operationalinsights:Table":              10,
	"azure-native:insights:SubscriptionDiagnosticSetting": 1,
	"azure-native:insights:DiagnosticSetting":             11,
	"azure-native:insights:ActionGroup":                   1,
	"azure-native:insights:ActivityLogAlert":              18,
	// The Recovery Services vault, immutable and geo-redundant.
	"azure-native:recoveryservices/v20241001:Vault": 1,

	"healthhub:azure:AksCluster":         1,
	"healthhub:azure:AlertChannels":      1,
	"healthhub:azure:AuditTrail":         1,
	"healthhub:azure:Database":           1,
	"healthhub:azure:Diagnostics":        2, // the stack's and the audit trail's own
	"healthhub:azure:DisasterRecovery":   1,
	"healthhub:azure:Keys":               1,
	"healthhub:azure:LoadBalancer":       1,
	"healthhub:azure:Network":            2,
	"healthhub:azure:Peering":            1,
	"healthhub:azure:PrivateEndpoint":    3,
	"healthhub:azure:Secrets":            1,
	"healthhub:azure:SecureStorage":      3,
	"healthhub:azure:WebFirewall":        1,
	"healthhub:azure:WorkloadIdentities": 1,
	"pulumi:pulumi:Stack":                1,
})

// statefulTypes are what holds PHI, the keys that decrypt it, its backups or the cluster that
// runs on it: protected from destroy in production.
var statefulTypes = []string{
	azurerules.TypeVault, azurerules.TypeKey, azurerules.TypeSecret, azurerules.TypeStorageAccount,
	azurerules.TypePostgresServer, azurerules.TypeManagedCluster, azurerules.TypeRecoveryVault,
	"azure-native:resources:ResourceGroup",
}

func TestProductionAzureStack(t *testing.T) {
	p, err := plan.Run("../..", "production-azure", prog)
	require.NoError(t, err)
	assert.Equal(t, productionCounts, p.Summary.ByType)
	assert.Equal(t, 307, p.Summary.Resources)
	assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)
	// The one advisory: the ingress add-on reads its gateway's group, as it requires.
	require.Len(t, p.Violations, 1)
	assert.Equal(t, "azure-iam-resource-scoped", p.Violations[0].Policy)
	assert.True(t, strings.HasSuffix(p.Violations[0].URN, "::agic-group"), p.Violations[0].URN)
	assert.Equal(t, "azure", p.Cloud)
	assert.Equal(t, "production", p.Environment)

	// Both providers are pinned to the subscription and the tenant, each to its location, and
	// sign in through OIDC.
	providers := map[string][3]any{}
	for _, r := range p.Resources {
		if r.Type == azurerules.TypeProvider {
			providers[r.Name] = [3]any{r.Inputs["subscriptionId"], r.Inputs["location"], r.Inputs["useOidc"]}
			assert.Equal(t, "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d", r.Inputs["tenantId"])
		}
	}
	const subscription = "3f1c9a2e-7b4d-4c8e-a1f0-5d6e7f8a9b0c"
	assert.Equal(t, map[string][3]any{
		"azure-primary": {subscription, "uksouth", true},
		"azure-dr":      {subscription, "ukwest", true},
	}, providers)

	byName := map[string]plan.Resource{}
	for _, r := range p.Resources {
		byName[r.Type+" "+r.Name] = r
		if slices.Contains(statefulTypes, r.Type) {
			assert.True(t, r.Protect, "%s %s is protected in production", r.Type, r.Name)
		}
	}
	for _, typ := range statefulTypes {
		assert.NotZero(t, p.Summary.ByType[typ], "the estate has a %s to protect", typ)
	}

	// The replica sits in the DR location and replicates the primary.
	replica := byName[azurerules.TypePostgresServer+" hhprod-pg-dr"]
	assert.Equal(t, "ukwest", replica.Inputs["location"])
	assert.Equal(t, "Replica", replica.Inputs["createMode"])
	assert.Equal(t, "uksouth", byName[azurerules.TypePostgresServer+" hhprod-pg"].Inputs["location"])

	// The cluster's API server is private and in the network, with no local account.
	cluster := findInputs(t, p, azurerules.TypeManagedCluster)
	access, _ := cluster["apiServerAccessProfile"].(map[string]any)
	assert.Equal(t, true, access["enablePrivateCluster"])
	assert.Equal(t, true, access["enableVnetIntegration"])
	assert.Equal(t, true, cluster["disableLocalAccounts"])

	// The workloads reach the cluster with a kubeconfig that is a secret in state and plans.
	kube := byName[k8srules.TypeProvider+" cluster"]
	assert.Equal(t, rules.Secret, kube.Inputs["kubeconfig"])

	// No grant of a built-in role that could delete or re-grant: the ingress controller's
	// rights are the stack's custom role.
	for _, r := range p.Resources {
		if r.Type != azurerules.TypeRoleAssignment {
			continue
		}
		role, _ := r.Inputs["roleDefinitionId"].(string)
		for _, privileged := range []string{"8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"} {
			assert.NotContains(t, role, privileged, "%s grants a privileged role", r.Name)
		}
	}

	// Every resource that names its location names an allowed one, or "global" for what ARM
	// keeps nowhere in particular (DNS zones, the action group and its alerts).
	located := 0
	for _, r := range p.Resources {
		if !strings.HasPrefix(r.Type, "azure-native:") {
			continue
		}
		if l, ok := r.Inputs["location"].(string); ok {
			located++
			if strings.EqualFold(l, "global") {
				continue
			}
			assert.Contains(t, allowedRegions, l, "%s %s: location %q", r.Type, r.Name, l)
		}
	}
	assert.Greater(t, located, 60, "a check that found nothing to check would pass for the wrong reason")
}

// productionOnly are the controls that depend on the environment by design; dev-azure, read
// under the production policy config, may fall short of these and of nothing else:
//
//   - estate-stateful-protected: outside production nothing is protected from destroy, so a
//     dev estate can be torn down and rebuilt.
//   - azure-aks-private-cluster: dev's API server is public, reachable from its listed
//     networks only (the rule's non-production branch checks that allow-list).
//   - azure-postgres-high-availability: dev's database has no zone-redundant standby.
//   - azure-postgres-backups: dev keeps 7 days of backups against production's 35.
//   - azure-keyvault-key-rotation: dev's keys are software-protected on the Standard vault;
//     production's are HSM keys on Premium.
//   - azure-recoveryservices-immutable: dev's recovery vault is immutable but not locked, since
//     a locked vault could never be deleted (dev's audit archive likewise, which the advisory
//     azure-storage-audit-log-locked reports).
var productionOnly = []string{
	"estate-stateful-protected", "azure-aks-private-cluster", "azure-postgres-high-availability",
	"azure-postgres-backups", "azure-keyvault-key-rotation", "azure-recoveryservices-immutable",
}

// TestDevAzureIsCheaperNotWeaker runs dev-azure through the production policy config: the
// only findings allowed are the production-only controls, so encryption, exposure, TLS,
// logging, identity and the DR copies are the same everywhere.
func TestDevAzureIsCheaperNotWeaker(t *testing.T) {
	prodCfg := rules.Config{AllowedRegions: allowedRegions, RetentionFloorDays: config.HIPAARetentionFloorDays, Environment: "production"}
	p, err := plan.Run("../..", "dev-azure", prog)
	require.NoError(t, err)
	assert.Equal(t, "dev", p.Environment)
	assert.Equal(t, "azure", p.Cloud)
	assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)

	db := findInputs(t, p, azurerules.TypePostgresServer, "hhdev-pg")
	assert.Equal(t, "Standard_D2ds_v5", db["sku"].(map[string]any)["name"])

	data, err := json.Marshal(p)
	require.NoError(t, err)
	snap, err := audit.Parse(data)
	require.NoError(t, err)
	var mandatory []string
	for _, v := range estate.Evaluate(snap.Resources, prodCfg) {
		if v.Level == rules.Advisory {
			continue
		}
		mandatory = append(mandatory, v.Policy)
		assert.Contains(t, productionOnly, v.Policy, "dev-azure is weaker than production: %s on %s", v.Message, v.URN)
	}
	// Each production-only control is one dev really falls short of: the list is the
	// difference, not an allowance.
	for _, rule := range productionOnly {
		assert.Contains(t, mandatory, rule, "dev-azure meets %s under the production config: drop it from productionOnly", rule)
	}
}

// findInputs is the inputs of the one resource of the type in the plan, or of the one named.
func findInputs(t *testing.T, p *plan.Plan, typ string, name ...string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range p.Resources {
		if r.Type == typ && (len(name) == 0 || r.Name == name[0]) {
			found = append(found, r.Inputs)
		}
	}
	require.Len(t, found, 1, "one %s", typ)
	return found[0]
}

// A production stack's first `up` builds the audit archive's policy unlocked, as ARM requires:
// the logs are immutable all the same, and the one finding more is the advisory that says to
// lock it with the next deployment.
func TestProductionAzureFirstDeploymentLocksTheArchiveNext(t *testing.T) {
	m, err := run(t, "production-azure", prog, func(s *stackfile.Stack) {
		key := config.FullKey(config.CloudAzure)
		var section map[string]any
		require.NoError(t, json.Unmarshal([]byte(s.Config[key]), &section))
		section["auditArchiveUnlocked"] = true
		raw, err := json.Marshal(section)
		require.NoError(t, err)
		s.Config[key] = string(raw)
	})
	require.NoError(t, err)
	archive, ok := m.Find(azurerules.TypeStorageAccount, "hhprodaudit")
	require.True(t, ok)
	state, _ := archive.Get("immutableStorageWithVersioning.immutabilityPolicy.state")
	assert.Equal(t, "Unlocked", state)

	var policies []string
	for _, v := range estate.Evaluate(estate.Resources(m.Records()), rules.Config{
		AllowedRegions: allowedRegions, RetentionFloorDays: config.HIPAARetentionFloorDays, Environment: "production",
	}) {
		assert.Equal(t, rules.Advisory, v.Level, "%s: %s", v.Policy, v.Message)
		policies = append(policies, v.Policy)
	}
	assert.ElementsMatch(t, []string{"azure-iam-resource-scoped", "azure-storage-audit-log-locked"}, policies)
}
