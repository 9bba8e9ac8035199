package aws

import (
	"github.com/healthhub/estate/policy/rules"
)

func dataCases() []ruleCase {
	cluster := func(inputs map[string]any) rules.Resource { return res(TypeRdsCluster, "db", inputs) }
	goodCluster := map[string]any{
		"storageEncrypted": true, "kmsKeyId": "arn:key", "manageMasterUserPassword": true,
		"backupRetentionPeriod": int64(35), "enabledCloudwatchLogsExports": []any{"postgresql"},
		"deletionProtection": true, "skipFinalSnapshot": false, "performanceInsightsEnabled": true,
		"performanceInsightsKmsKeyId": "arn:key",
	}
	instance := func(inputs map[string]any) rules.Resource { return res(TypeRdsClusterInstance, "db-1", inputs) }
	pg := func(value string) rules.Resource {
		return res(TypeRdsClusterParameterGroup, "db", map[string]any{"parameters": []any{map[string]any{"name": "rds.force_ssl", "value": value}}})
	}
	redis := func(inputs map[string]any) rules.Resource { return res(TypeReplicationGroup, "cache", inputs) }
	goodRedis := map[string]any{
		"atRestEncryptionEnabled": true, "kmsKeyId": "arn:key", "transitEncryptionEnabled": true,
		"authToken": rules.Secret, "snapshotRetentionLimit": int64(7),
	}
	table := func(inputs map[string]any) rules.Resource { return res(TypeDynamoTable, "records", inputs) }
	goodTable := map[string]any{
		"serverSideEncryption":      map[string]any{"enabled": true, "kmsKeyArn": "arn:key"},
		"pointInTimeRecovery":       map[string]any{"enabled": true},
		"deletionProtectionEnabled": true,
		"replicas":                  []any{map[string]any{"regionName": "eu-west-1", "kmsKeyArn": "arn:dr-key", "pointInTimeRecovery": true}},
	}
	secret := res(TypeSecret, "openai", map[string]any{"kmsKeyId": "arn:key"})
	rotation := func(days int64) rules.Resource {
		return dependsOn(res(TypeSecretRotation, "openai", map[string]any{"rotationRules": map[string]any{"automaticallyAfterDays": days}}), secret)
	}
	plan := func(deleteAfter int64, copies bool) rules.Resource {
		rule := map[string]any{"ruleName": "monthly", "lifecycle": map[string]any{"deleteAfter": deleteAfter}}
		if copies {
			rule["copyActions"] = []any{map[string]any{"destinationVaultArn": "arn:dr-vault"}}
		}
		return res(TypeBackupPlan, "phi", map[string]any{"rules": []any{rule}})
	}

	return []ruleCase{
		{"aws-rds-encrypted", "encrypted with the database key", []rules.Resource{cluster(goodCluster)}, false, ""},
		{"aws-rds-encrypted", "key unknown at preview", []rules.Resource{cluster(with(goodCluster, "kmsKeyId", rules.Unknown))}, false, ""},
		{"aws-rds-encrypted", "storage not encrypted", []rules.Resource{cluster(with(goodCluster, "storageEncrypted", false))}, true, "storageEncrypted must be true"},
		{"aws-rds-encrypted", "storage encryption unknown", []rules.Resource{cluster(with(goodCluster, "storageEncrypted", rules.Unknown))}, true, "storageEncrypted must be true"},
		{"aws-rds-encrypted", "AWS-managed key", []rules.Resource{cluster(with(goodCluster, "kmsKeyId", "alias/aws/rds"))}, true, "AWS-managed key"},
		{"aws-rds-encrypted", "performance insights without a key", []rules.Resource{cluster(with(goodCluster, "performanceInsightsKmsKeyId", nil))}, true, "query text"},
		{"aws-rds-encrypted", "unencrypted global cluster", []rules.Resource{res(TypeRdsGlobalCluster, "g", map[string]any{})}, true, "storageEncrypted"},

		{"aws-database-credentials-secret", "managed master password", []rules.Resource{cluster(goodCluster)}, false, ""},
		{"aws-database-credentials-secret", "password as a Pulumi secret", []rules.Resource{cluster(with(with(goodCluster, "manageMasterUserPassword", nil), "masterPassword", rules.Secret))}, false, ""},
		{"aws-database-credentials-secret", "password in clear", []rules.Resource{cluster(with(with(goodCluster, "manageMasterUserPassword", nil), "masterPassword", "hunter2"))}, true, "clear text"},
		{"aws-database-credentials-secret", "password unknown and not secret", []rules.Resource{cluster(with(with(goodCluster, "manageMasterUserPassword", nil), "masterPassword", rules.Unknown))}, true, "clear text"},
		{"aws-database-credentials-secret", "no password management", []rules.Resource{cluster(with(goodCluster, "manageMasterUserPassword", nil))}, true, "manageMasterUserPassword must be true"},
		{"aws-database-credentials-secret", "redis token as a secret", []rules.Resource{redis(goodRedis)}, false, ""},
		{"aws-database-credentials-secret", "redis without auth", []rules.Resource{redis(with(goodRedis, "authToken", nil))}, true, "authToken is not set"},
		{"aws-database-credentials-secret", "redis token in clear", []rules.Resource{redis(with(goodRedis, "authToken", "hunter2"))}, true, "clear text"},

		{"aws-rds-not-public", "private instance", []rules.Resource{instance(map[string]any{"publiclyAccessible": false})}, false, ""},
		{"aws-rds-not-public", "default is private", []rules.Resource{instance(map[string]any{})}, false, ""},
		{"aws-rds-not-public", "public instance", []rules.Resource{instance(map[string]any{"publiclyAccessible": true})}, true, "publiclyAccessible must be false"},
		{"aws-rds-not-public", "unknown is taken as public", []rules.Resource{res(TypeRdsInstance, "db", map[string]any{"publiclyAccessible": rules.Unknown})}, true, "publiclyAccessible"},

		{"aws-rds-tls-enforced", "force_ssl parameter group", []rules.Resource{pg("1"), dependsOn(cluster(goodCluster), pg("1"))}, false, ""},
		{"aws-rds-tls-enforced", "force_ssl off", []rules.Resource{pg("0"), dependsOn(cluster(goodCluster), pg("0"))}, true, "rds.force_ssl"},
		{"aws-rds-tls-enforced", "default parameter group", []rules.Resource{cluster(goodCluster)}, true, "without TLS"},

		{"aws-rds-backups", "35 days in production", []rules.Resource{cluster(goodCluster)}, false, ""},
		{"aws-rds-backups", "replica backed up by its source", []rules.Resource{cluster(map[string]any{"replicationSourceIdentifier": "arn:primary"})}, false, ""},
		{"aws-rds-backups", "7 days in production", []rules.Resource{cluster(with(goodCluster, "backupRetentionPeriod", int64(7)))}, true, "backupRetentionPeriod is 7; at least 35"},
		{"aws-rds-backups", "AWS default of one day", []rules.Resource{cluster(with(goodCluster, "backupRetentionPeriod", nil))}, true, "backupRetentionPeriod is 1"},

		{"aws-rds-log-exports", "postgresql log", []rules.Resource{cluster(goodCluster)}, false, ""},
		{"aws-rds-log-exports", "no exports", []rules.Resource{cluster(with(goodCluster, "enabledCloudwatchLogsExports", nil))}, true, "enabledCloudwatchLogsExports is empty"},

		{"aws-elasticache-encrypted", "encrypted both ways", []rules.Resource{redis(goodRedis)}, false, ""},
		{"aws-elasticache-encrypted", "no at-rest encryption", []rules.Resource{redis(with(goodRedis, "atRestEncryptionEnabled", false))}, true, "atRestEncryptionEnabled"},
		{"aws-elasticache-encrypted", "no TLS", []rules.Resource{redis(with(goodRedis, "transitEncryptionEnabled", nil))}, true, "transitEncryptionEnabled"},
		{"aws-elasticache-encrypted", "TLS preferred, not required", []rules.Resource{redis(with(goodRedis, "transitEncryptionMode", "preferred"))}, true, `"preferred"`},
		{"aws-elasticache-encrypted", "default key", []rules.Resource{redis(with(goodRedis, "kmsKeyId", nil))}, true, "kmsKeyId is not set"},

		{"aws-elasticache-snapshots", "a week of snapshots", []rules.Resource{redis(goodRedis)}, false, ""},
		{"aws-elasticache-snapshots", "no snapshots", []rules.Resource{redis(with(goodRedis, "snapshotRetentionLimit", nil))}, true, "snapshots are off"},

		{"aws-dynamodb-encrypted-cmk", "table and replica with CMKs", []rules.Resource{table(goodTable)}, false, ""},
		{"aws-dynamodb-encrypted-cmk", "AWS-owned key", []rules.Resource{table(with(goodTable, "serverSideEncryption", nil))}, true, "AWS-owned key"},
		{"aws-dynamodb-encrypted-cmk", "AWS-managed key", []rules.Resource{table(with(goodTable, "serverSideEncryption", map[string]any{"enabled": true}))}, true, "serverSideEncryption.kmsKeyArn is not set"},
		{"aws-dynamodb-encrypted-cmk", "replica on the default key", []rules.Resource{table(with(goodTable, "replicas", []any{map[string]any{"regionName": "eu-west-1", "pointInTimeRecovery": true}}))}, true, "replicas[0].kmsKeyArn"},

		{"aws-dynamodb-pitr", "table and replica", []rules.Resource{table(goodTable)}, false, ""},
		{"aws-dynamodb-pitr", "PITR off", []rules.Resource{table(with(goodTable, "pointInTimeRecovery", map[string]any{"enabled": false}))}, true, "pointInTimeRecovery.enabled"},
		{"aws-dynamodb-pitr", "replica without PITR", []rules.Resource{table(with(goodTable, "replicas", []any{map[string]any{"regionName": "eu-west-1", "kmsKeyArn": "arn:k"}}))}, true, "replicas[0].pointInTimeRecovery"},

		{"aws-deletion-protection", "protected database", []rules.Resource{cluster(goodCluster)}, false, ""},
		{"aws-deletion-protection", "Redis with a final snapshot", []rules.Resource{redis(with(goodRedis, "finalSnapshotIdentifier", "cache-final"))}, false, ""},
		{"aws-deletion-protection", "Redis without a final snapshot", []rules.Resource{redis(goodRedis)}, true, "finalSnapshotIdentifier must be set"},
		{"aws-deletion-protection", "database without protection", []rules.Resource{cluster(with(goodCluster, "deletionProtection", nil))}, true, "deletionProtection must be true"},
		{"aws-deletion-protection", "database skipping its final snapshot", []rules.Resource{cluster(with(goodCluster, "skipFinalSnapshot", true))}, true, "skipFinalSnapshot"},
		{"aws-deletion-protection", "unprotected table", []rules.Resource{table(with(goodTable, "deletionProtectionEnabled", false))}, true, "deletionProtectionEnabled"},
		{"aws-deletion-protection", "internet-facing load balancer", []rules.Resource{res(TypeLoadBalancer, "alb", map[string]any{})}, true, "enableDeletionProtection"},
		{"aws-deletion-protection", "secret deleted at once", []rules.Resource{res(TypeSecret, "s", map[string]any{"recoveryWindowInDays": int64(0)})}, true, "recoveryWindowInDays is 0"},

		{"aws-secrets-encrypted-cmk", "secrets key", []rules.Resource{secret}, false, ""},
		{"aws-secrets-encrypted-cmk", "default key", []rules.Resource{res(TypeSecret, "s", map[string]any{})}, true, "kmsKeyId is not set"},
		{"aws-secrets-encrypted-cmk", "replica on the default key", []rules.Resource{res(TypeSecret, "s", map[string]any{"kmsKeyId": "arn:k", "replicas": []any{map[string]any{"region": "eu-west-1"}}})}, true, "replicas[0].kmsKeyId"},

		{"aws-secrets-rotation", "every 90 days", []rules.Resource{secret, rotation(90)}, false, ""},
		{"aws-secrets-rotation", "yearly", []rules.Resource{secret, rotation(365)}, true, "at most 90"},
		{"aws-secrets-rotation", "never", []rules.Resource{secret}, true, "no rotation"},

		{"aws-sqs-encrypted-cmk", "customer key", []rules.Resource{res(TypeSqsQueue, "dlq", map[string]any{"kmsMasterKeyId": "arn:key"})}, false, ""},
		{"aws-sqs-encrypted-cmk", "SQS-managed encryption", []rules.Resource{res(TypeSqsQueue, "dlq", map[string]any{"sqsManagedSseEnabled": true})}, true, "SQS-managed"},
		{"aws-sqs-encrypted-cmk", "AWS-managed key", []rules.Resource{res(TypeSqsQueue, "dlq", map[string]any{"kmsMasterKeyId": "alias/aws/sqs"})}, true, "AWS-managed key"},

		{"aws-backup-vault-encrypted", "customer key", []rules.Resource{res(TypeBackupVault, "v", map[string]any{"kmsKeyArn": "arn:key"})}, false, ""},
		{"aws-backup-vault-encrypted", "default key", []rules.Resource{res(TypeBackupVault, "v", map[string]any{})}, true, "kmsKeyArn is not set"},

		{"aws-backup-vault-locked", "compliance lock in production", []rules.Resource{res(TypeBackupVault, "v", nil), dependsOn(res(TypeBackupVaultLock, "v", map[string]any{"changeableForDays": int64(3)}), res(TypeBackupVault, "v", nil))}, false, ""},
		{"aws-backup-vault-locked", "no lock", []rules.Resource{res(TypeBackupVault, "v", nil)}, true, "vault has no vault lock"},
		{"aws-backup-vault-locked", "governance lock in production", []rules.Resource{res(TypeBackupVault, "v", nil), dependsOn(res(TypeBackupVaultLock, "v", map[string]any{"minRetentionDays": int64(7)}), res(TypeBackupVault, "v", nil))}, true, "governance mode"},
		{"aws-backup-plan-retention", "seven years, copied", []rules.Resource{plan(2557, true)}, false, ""},
		{"aws-backup-plan-retention", "one year", []rules.Resource{plan(365, true)}, true, "keeps recovery points 365 days; at least 2190"},
		{"aws-backup-plan-retention", "retention unknown", []rules.Resource{res(TypeBackupPlan, "phi", map[string]any{"rules": []any{map[string]any{"lifecycle": map[string]any{"deleteAfter": rules.Unknown}, "copyActions": []any{map[string]any{}}}}})}, true, "keeps recovery points 0 days"},
		{"aws-backup-plan-retention", "no copy", []rules.Resource{plan(2557, false)}, true, "another region"},
	}
}
