package aws

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// AWS data-store types: the platform's PostgreSQL and Redis, the serverless tables, queues and
// secrets, and AWS Backup.
const (
	TypeRdsCluster               = "aws:rds/cluster:Cluster"
	TypeRdsClusterInstance       = "aws:rds/clusterInstance:ClusterInstance"
	TypeRdsInstance              = "aws:rds/instance:Instance"
	TypeRdsGlobalCluster         = "aws:rds/globalCluster:GlobalCluster"
	TypeRdsClusterParameterGroup = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
	TypeRdsParameterGroup        = "aws:rds/parameterGroup:ParameterGroup"
	TypeReplicationGroup         = "aws:elasticache/replicationGroup:ReplicationGroup"
	TypeDynamoTable              = "aws:dynamodb/table:Table"
	TypeDynamoTableReplica       = "aws:dynamodb/tableReplica:TableReplica"
	TypeSecret                   = "aws:secretsmanager/secret:Secret"
	TypeSecretRotation           = "aws:secretsmanager/secretRotation:SecretRotation"
	TypeSqsQueue                 = "aws:sqs/queue:Queue"
	TypeBackupVault              = "aws:backup/vault:Vault"
	TypeBackupPlan               = "aws:backup/plan:Plan"
)

var rdsEncrypted = rules.Rule{
	Name:        "aws-rds-encrypted",
	Cloud:       rules.CloudAWS,
	Description: "PostgreSQL clusters and instances encrypt storage and Performance Insights with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "`storageEncrypted` fails; keys pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsInstance, TypeRdsGlobalCluster, TypeRdsClusterInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if r.Type != TypeRdsClusterInstance && !rules.BoolTrue(r.Inputs, "storageEncrypted") {
			out = append(out, "storageEncrypted must be true")
		}
		if r.Type == TypeRdsCluster || r.Type == TypeRdsInstance {
			// A cluster joining a global cluster or restoring a snapshot still takes its own key.
			if ok, why := customerKey(r.Inputs, "kmsKeyId"); !ok {
				out = append(out, why)
			}
		}
		if r.Type != TypeRdsGlobalCluster && rules.ExplicitlyTrue(r.Inputs, "performanceInsightsEnabled") {
			if ok, why := customerKey(r.Inputs, "performanceInsightsKmsKeyId"); !ok {
				out = append(out, "Performance Insights holds query text, which can carry PHI: "+why)
			}
		}
		return out
	},
}

// databaseCredentials keeps database passwords out of state and plans in clear text.
var databaseCredentials = rules.Rule{
	Name:        "aws-database-credentials-secret",
	Cloud:       rules.CloudAWS,
	Description: "Database master passwords are managed by Secrets Manager or passed as Pulumi secrets, and Redis requires an auth token, never in clear text.",
	Sections:    []rules.Section{rules.UniqueUserID, rules.Authentication},
	Unknown:     "a non-secret unknown password fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsInstance, TypeReplicationGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if r.Type == TypeReplicationGroup {
			v, ok := rules.Get(r.Inputs, "authToken")
			switch {
			case !ok && len(rules.List(r.Inputs, "userGroupIds")) == 0:
				return []string{"authToken is not set and no user group is attached: any client in the network could read the cache"}
			case ok && v != rules.Secret:
				return []string{"authToken is in clear text; pass it as a Pulumi secret"}
			}
			return nil
		}
		if rules.BoolTrue(r.Inputs, "manageMasterUserPassword") {
			return nil
		}
		if v, ok := rules.Get(r.Inputs, "masterPassword"); ok && v != rules.Secret {
			return []string{"masterPassword is in clear text; set manageMasterUserPassword or pass it as a Pulumi secret"}
		}
		if _, ok := rules.Get(r.Inputs, "masterPassword"); !ok && !rules.Present(r.Inputs, "snapshotIdentifier") &&
			!rules.Present(r.Inputs, "replicationSourceIdentifier") && !rules.Present(r.Inputs, "globalClusterIdentifier") && !rules.Present(r.Inputs, "replicateSourceDb") {
			return []string{"manageMasterUserPassword must be true so Secrets Manager holds and rotates the master password"}
		}
		return nil
	},
}

var rdsNotPublic = rules.Rule{
	Name:        "aws-rds-not-public",
	Cloud:       rules.CloudAWS,
	Description: "Database instances are not publicly accessible.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails (taken as public)",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsClusterInstance, TypeRdsInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if rules.ExplicitlyTrue(r.Inputs, "publiclyAccessible") {
			return []string{"publiclyAccessible must be false"}
		}
		return nil
	},
}

// tlsParameters are the engine settings that refuse unencrypted connections.
var tlsParameters = map[string]string{"rds.force_ssl": "1", "require_secure_transport": "ON"}

func forcesTLS(pg rules.Resource) bool {
	for _, raw := range rules.List(pg.Inputs, "parameters") {
		p, _ := raw.(map[string]any)
		name, _ := p["name"].(string)
		value := fmt.Sprint(p["value"])
		if want, ok := tlsParameters[name]; ok && strings.EqualFold(value, want) {
			return true
		}
	}
	return false
}

var rdsTLS = rules.Rule{
	Name:        "aws-rds-tls-enforced",
	Cloud:       rules.CloudAWS,
	Description: "Databases use a parameter group that refuses unencrypted connections (rds.force_ssl = 1 or require_secure_transport = ON).",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "parameter value fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsInstance, TypeRdsClusterParameterGroup, TypeRdsParameterGroup},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, r := range all {
			group := map[string]string{TypeRdsCluster: TypeRdsClusterParameterGroup, TypeRdsInstance: TypeRdsParameterGroup}[r.Type]
			if group == "" {
				continue
			}
			if !rules.HasDependency(all, r, group, forcesTLS) {
				out = append(out, rules.Finding{URN: r.URN, Message: "no parameter group with rds.force_ssl = 1 (or require_secure_transport = ON) is attached; clients could connect without TLS"})
			}
		}
		return out
	},
}

var rdsBackups = rules.Rule{
	Name:        "aws-rds-backups",
	Cloud:       rules.CloudAWS,
	Description: "Databases keep automated backups for point-in-time recovery at least the backup floor: 35 days in production, 7 elsewhere.",
	Sections:    []rules.Section{rules.DataBackupPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsInstance},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if rules.Present(r.Inputs, "replicationSourceIdentifier") || rules.Present(r.Inputs, "replicateSourceDb") {
			return nil // a read replica is backed up by its source
		}
		days, ok := rules.Number(r.Inputs, "backupRetentionPeriod")
		if !ok {
			days = 1 // the AWS default
		}
		if int(days) < cfg.BackupFloor() {
			return []string{fmt.Sprintf("backupRetentionPeriod is %d; at least %d", days, cfg.BackupFloor())}
		}
		return nil
	},
}

var rdsLogExports = rules.Rule{
	Name:        "aws-rds-log-exports",
	Cloud:       rules.CloudAWS,
	Description: "Databases export their engine logs to CloudWatch Logs, where the retention floor and encryption apply.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsInstance},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if len(rules.Strs(r.Inputs, "enabledCloudwatchLogsExports")) == 0 {
			return []string{"enabledCloudwatchLogsExports is empty; export at least the postgresql log"}
		}
		return nil
	},
}

var elastiCacheEncrypted = rules.Rule{
	Name:        "aws-elasticache-encrypted",
	Cloud:       rules.CloudAWS,
	Description: "Redis encrypts data at rest with a customer-managed KMS key and requires TLS in transit.",
	Sections:    []rules.Section{rules.Encryption, rules.TransmissionSecurity},
	Unknown:     "switches fail; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeReplicationGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "atRestEncryptionEnabled") {
			out = append(out, "atRestEncryptionEnabled must be true")
		}
		if ok, why := customerKey(r.Inputs, "kmsKeyId"); !ok {
			out = append(out, why)
		}
		if !rules.BoolTrue(r.Inputs, "transitEncryptionEnabled") {
			out = append(out, "transitEncryptionEnabled must be true")
		}
		if mode := rules.Str(r.Inputs, "transitEncryptionMode"); mode != "" && mode != "required" {
			out = append(out, fmt.Sprintf("transitEncryptionMode is %q; must be required", mode))
		}
		return out
	},
}

// elastiCacheBackups is advisory: the cache holds sessions and derived data that the
// database can rebuild, so whether to snapshot it is the team's call.
var elastiCacheBackups = rules.Rule{
	Name:        "aws-elasticache-snapshots",
	Cloud:       rules.CloudAWS,
	Description: "Redis keeps daily snapshots. Advisory: a cache is rebuilt from the system of record.",
	Sections:    []rules.Section{rules.DataBackupPlan},
	Unknown:     "fails",
	Level:       rules.Advisory,
	Types:       []string{TypeReplicationGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if days, _ := rules.Number(r.Inputs, "snapshotRetentionLimit"); days < 1 {
			return []string{"snapshotRetentionLimit is 0; snapshots are off"}
		}
		return nil
	},
}

var dynamoEncrypted = rules.Rule{
	Name:        "aws-dynamodb-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "DynamoDB tables and their replicas are encrypted with a customer-managed KMS key, not the AWS-owned default.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "switch fails; keys pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeDynamoTable},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "serverSideEncryption.enabled") {
			out = append(out, "serverSideEncryption.enabled must be true: the default AWS-owned key cannot be audited or revoked")
		} else if ok, why := customerKey(r.Inputs, "serverSideEncryption.kmsKeyArn"); !ok {
			out = append(out, why)
		}
		for i := range rules.List(r.Inputs, "replicas") {
			if ok, why := customerKey(r.Inputs, fmt.Sprintf("replicas[%d].kmsKeyArn", i)); !ok {
				out = append(out, why)
			}
		}
		return out
	},
}

var dynamoPITR = rules.Rule{
	Name:        "aws-dynamodb-pitr",
	Cloud:       rules.CloudAWS,
	Description: "DynamoDB tables and their replicas have point-in-time recovery on.",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.Integrity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeDynamoTable},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "pointInTimeRecovery.enabled") {
			out = append(out, "pointInTimeRecovery.enabled must be true")
		}
		for i := range rules.List(r.Inputs, "replicas") {
			if !rules.BoolTrue(r.Inputs, fmt.Sprintf("replicas[%d].pointInTimeRecovery", i)) {
				out = append(out, fmt.Sprintf("replicas[%d].pointInTimeRecovery must be true", i))
			}
		}
		return out
	},
}

// deletionProtection is the provider-side guard that complements Pulumi's protect flag: it
// holds even against a console user or another tool.
var deletionProtection = rules.Rule{
	Name:        "aws-deletion-protection",
	Cloud:       rules.CloudAWS,
	Description: "In production, databases, tables and internet-facing load balancers have deletion protection, databases and Redis take a final snapshot, and secrets keep a recovery window.",
	Sections:    []rules.Section{rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsInstance, TypeRdsGlobalCluster, TypeDynamoTable, TypeLoadBalancer, TypeAlbLoadBalancer, TypeSecret, TypeReplicationGroup},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if !cfg.Production() {
			return nil
		}
		var out []string
		switch r.Type {
		case TypeRdsCluster, TypeRdsInstance, TypeRdsGlobalCluster:
			if !rules.BoolTrue(r.Inputs, "deletionProtection") {
				out = append(out, "deletionProtection must be true")
			}
			if r.Type != TypeRdsGlobalCluster && rules.ExplicitlyTrue(r.Inputs, "skipFinalSnapshot") {
				out = append(out, "skipFinalSnapshot must be false so deleting the database leaves a snapshot")
			}
		case TypeDynamoTable:
			if !rules.BoolTrue(r.Inputs, "deletionProtectionEnabled") {
				out = append(out, "deletionProtectionEnabled must be true")
			}
		case TypeLoadBalancer, TypeAlbLoadBalancer:
			if isInternetFacingLB(r) && !rules.BoolTrue(r.Inputs, "enableDeletionProtection") {
				out = append(out, "enableDeletionProtection must be true: deleting the load balancer takes the service and its DNS name down")
			}
		case TypeReplicationGroup:
			// Redis holds sessions and cached records; a replacement or a destroy without a
			// final snapshot loses them with no way back.
			if !rules.Present(r.Inputs, "finalSnapshotIdentifier") {
				out = append(out, "finalSnapshotIdentifier must be set so deleting the cache leaves a snapshot")
			}
		case TypeSecret:
			if days, ok := rules.Number(r.Inputs, "recoveryWindowInDays"); ok && days == 0 {
				out = append(out, "recoveryWindowInDays is 0: the secret would be deleted at once with no recovery")
			}
		}
		return out
	},
}

var secretsEncrypted = rules.Rule{
	Name:        "aws-secrets-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "Secrets Manager secrets and their replicas are encrypted with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecret},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if ok, why := customerKey(r.Inputs, "kmsKeyId"); !ok {
			out = append(out, why)
		}
		for i := range rules.List(r.Inputs, "replicas") {
			if ok, why := customerKey(r.Inputs, fmt.Sprintf("replicas[%d].kmsKeyId", i)); !ok {
				out = append(out, why)
			}
		}
		return out
	},
}

// secretsRotation is advisory: third-party API keys are issued by the vendor, and some
// vendors offer no API to rotate them, so a team may rotate by hand on a schedule instead.
var secretsRotation = rules.Rule{
	Name:        "aws-secrets-rotation",
	Cloud:       rules.CloudAWS,
	Description: "Secrets rotate at least every 90 days. Advisory: some vendor keys can only be rotated by hand.",
	Sections:    []rules.Section{rules.PasswordManagement},
	Unknown:     "period passes",
	Level:       rules.Advisory,
	Types:       []string{TypeSecret, TypeSecretRotation},
	CheckStack: companion(TypeSecret, TypeSecretRotation, "secret has no rotation", func(_, rot rules.Resource) string {
		if days, ok := rules.Number(rot.Inputs, "rotationRules.automaticallyAfterDays"); ok && days > 90 {
			return fmt.Sprintf("rotationRules.automaticallyAfterDays is %d; at most 90", days)
		}
		return ""
	}),
}

var sqsEncrypted = rules.Rule{
	Name:        "aws-sqs-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "SQS queues (dead-letter queues hold failed events with their payloads) are encrypted with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeSqsQueue},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if ok, why := customerKey(r.Inputs, "kmsMasterKeyId"); !ok {
			return []string{why + " (SQS-managed encryption cannot be audited or revoked)"}
		}
		return nil
	},
}

var backupVaultEncrypted = rules.Rule{
	Name:        "aws-backup-vault-encrypted",
	Cloud:       rules.CloudAWS,
	Description: "AWS Backup vaults encrypt recovery points with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeBackupVault},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if ok, why := customerKey(r.Inputs, "kmsKeyArn"); !ok {
			return []string{why}
		}
		return nil
	},
}

var backupPlanRetention = rules.Rule{
	Name:        "aws-backup-plan-retention",
	Cloud:       rules.CloudAWS,
	Description: "Every AWS Backup plan keeps at least one series of recovery points for the retention floor, six years by default, and copies it to another region.",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.DocumentationRetention},
	Unknown:     "retention fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeBackupPlan},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		var out []string
		longest, copies := int64(0), 0
		for i := range rules.List(r.Inputs, "rules") {
			path := fmt.Sprintf("rules[%d].lifecycle.deleteAfter", i)
			days, ok := rules.Number(r.Inputs, path)
			if _, set := rules.Get(r.Inputs, path); !set {
				days = 1 << 31 // kept until deleted by hand
			} else if !ok {
				days = 0 // unknown at preview: cannot be shown to meet the floor
			}
			longest = max(longest, days)
			copies += len(rules.List(r.Inputs, fmt.Sprintf("rules[%d].copyActions", i)))
		}
		if longest < int64(cfg.RetentionFloorDays) {
			out = append(out, fmt.Sprintf("the longest rule keeps recovery points %d days; at least %d", longest, cfg.RetentionFloorDays))
		}
		if copies == 0 {
			out = append(out, "no rule copies recovery points to a vault in another region")
		}
		return out
	},
}

// TypeBackupVaultLock is the lock that makes a vault's recovery points immutable.
const TypeBackupVaultLock = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"

// backupVaultLocked keeps backups out of reach of whoever compromises the account: without a
// lock, an attacker with admin rights deletes the recovery points before the ransom note.
var backupVaultLocked = rules.Rule{
	Name:        "aws-backup-vault-locked",
	Cloud:       rules.CloudAWS,
	Description: "Every AWS Backup vault has a vault lock, in compliance mode (a grace period set) in production, so no one can delete recovery points early.",
	Sections:    []rules.Section{rules.DataBackupPlan, rules.Integrity},
	Unknown:     "lock settings fail",
	Level:       rules.Mandatory,
	Types:       []string{TypeBackupVault, TypeBackupVaultLock},
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		return companion(TypeBackupVault, TypeBackupVaultLock, "vault has no vault lock", func(_, lock rules.Resource) string {
			if _, ok := rules.Get(lock.Inputs, "changeableForDays"); cfg.Production() && !ok {
				return "the lock is in governance mode; production needs compliance mode (set changeableForDays)"
			}
			return ""
		})(all, cfg)
	},
}

// TypeBackupSelection names the resources an AWS Backup plan covers.
const TypeBackupSelection = "aws:backup/selection:Selection"

// phiStoresBackedUp asks, in production, that every PHI store of record is in a backup plan:
// replication copies a bad write or a dropped table at once; only a recovery point from
// before it can undo it (164.308(a)(7)(ii)(A) data backup plan).
var phiStoresBackedUp = rules.Rule{
	Name:        "aws-backup-phi-stores-selected",
	Aliases:     []string{"aws-phi-stores-backed-up"},
	Cloud:       rules.CloudAWS,
	Description: "In production, every PostgreSQL cluster and DynamoDB table that is not itself a replica is selected by an AWS Backup plan.",
	Sections:    []rules.Section{rules.DataBackupPlan},
	Unknown:     "not applicable",
	Level:       rules.Mandatory,
	Types:       []string{TypeRdsCluster, TypeDynamoTable, TypeBackupSelection},
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		if !cfg.Production() {
			return nil
		}
		var out []rules.Finding
		for _, r := range all {
			switch {
			case r.Type != TypeRdsCluster && r.Type != TypeDynamoTable:
				continue
			case rules.Present(r.Inputs, "replicationSourceIdentifier") || isGlobalSecondary(all, r):
				continue // the copy; its source is the one backed up
			case len(rules.Dependents(all, r, TypeBackupSelection)) == 0:
				out = append(out, rules.Finding{URN: r.URN, Message: fmt.Sprintf("%s is in no AWS Backup selection", r.Name)})
			}
		}
		return out
	},
}

// isGlobalSecondary is a cluster of a global database that joins after another cluster of
// the same global database, in another region: the secondary.
func isGlobalSecondary(all []rules.Resource, r rules.Resource) bool {
	global := rules.DependencyOf(all, r, TypeRdsGlobalCluster, nil).URN
	if global == "" {
		return false
	}
	for _, d := range r.Dependencies {
		for _, o := range all {
			if o.URN == d && o.Type == TypeRdsClusterInstance && o.Region != r.Region {
				return true
			}
		}
	}
	return false
}
