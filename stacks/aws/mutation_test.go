package aws_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/internal/mutation"
	"github.com/healthhub/estate/policy/rules"
	awsrules "github.com/healthhub/estate/policy/rules/aws"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
	"github.com/healthhub/estate/stacks"
)

var worldSSH = []any{map[string]any{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": []any{"0.0.0.0/0"}}}

// mutations is every guarded property of the types the production estate deploys. A rule
// family added for new resource types adds its mutations here when those types join the
// estate; TestMutationCatalogueIsLive fails on an entry that no longer matches anything.
var mutations = append([]mutation.Mutation{
	{Rule: "estate-region-allow-list", What: "provider region outside the allow-list", Types: []string{awsrules.TypeProvider}, Apply: mutation.Set("region", "us-west-2")},
	{Rule: "estate-region-allow-list", What: "provider without a region", Types: []string{awsrules.TypeProvider}, Apply: mutation.Remove("region")},
	{Rule: "estate-region-allow-list", What: "resource on the default provider", Types: nil, Apply: func(r *rules.Resource) bool {
		if r.Provider == "" || !strings.HasPrefix(r.Type, "aws:") {
			return false
		}
		r.Provider = ""
		return true
	}},
	{Rule: "estate-stateful-protected", What: "protect flag off", Types: []string{awsrules.TypeKmsKey, awsrules.TypeKmsReplicaKey, awsrules.TypeBucket, awsrules.TypeLogGroup, awsrules.TypeRdsCluster, awsrules.TypeRdsGlobalCluster, awsrules.TypeBackupVault, awsrules.TypeEksCluster, awsrules.TypeDynamoTable, awsrules.TypeSecret, awsrules.TypeReplicationGroup}, Apply: mutation.Always(func(r *rules.Resource) { r.Protect = false })},
	{Rule: "estate-required-tags", What: "owner tag removed", Types: nil, Apply: func(r *rules.Resource) bool {
		tags, ok := r.Inputs["tags"].(map[string]any)
		if !ok || tags["owner"] == nil {
			return false
		}
		return mutation.SetPath(r.Inputs, "tags.owner", nil)
	}},
	{Rule: "aws-kms-key-rotation", What: "rotation off", Types: []string{awsrules.TypeKmsKey}, Apply: mutation.Set("enableKeyRotation", false)},
	{Rule: "aws-kms-key-rotation", What: "rotation every two years", Types: []string{awsrules.TypeKmsKey}, Apply: mutation.Set("rotationPeriodInDays", 730.0)},
	{Rule: "aws-s3-encryption-cmk", What: "SSE-S3 instead of KMS", Types: []string{awsrules.TypeBucketSSE}, Apply: mutation.Set("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", "AES256")},
	{Rule: "aws-s3-encryption-cmk", What: "AWS-managed key", Types: []string{awsrules.TypeBucketSSE}, Apply: mutation.Remove("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId")},
	{Rule: "aws-s3-encryption-cmk", What: "encryption configuration removed", Types: []string{awsrules.TypeBucketSSE}, Drop: true},
	{Rule: "aws-s3-public-access-blocked", What: "blockPublicAcls off", Types: []string{awsrules.TypeBucketPublicAccess}, Apply: mutation.Set("blockPublicAcls", false)},
	{Rule: "aws-s3-public-access-blocked", What: "blockPublicPolicy off", Types: []string{awsrules.TypeBucketPublicAccess}, Apply: mutation.Set("blockPublicPolicy", false)},
	{Rule: "aws-s3-public-access-blocked", What: "ignorePublicAcls off", Types: []string{awsrules.TypeBucketPublicAccess}, Apply: mutation.Set("ignorePublicAcls", false)},
	{Rule: "aws-s3-public-access-blocked", What: "restrictPublicBuckets off", Types: []string{awsrules.TypeBucketPublicAccess}, Apply: mutation.Set("restrictPublicBuckets", false)},
	{Rule: "aws-s3-public-access-blocked", What: "public access block removed", Types: []string{awsrules.TypeBucketPublicAccess}, Drop: true},
	{Rule: "aws-s3-versioning", What: "versioning suspended", Types: []string{awsrules.TypeBucketVersioning}, Apply: mutation.Set("versioningConfiguration.status", "Suspended")},
	{Rule: "aws-s3-tls-only", What: "TLS denial dropped from the policy", Types: []string{awsrules.TypeBucketPolicy}, Apply: mutation.Set("policy", `{"Version":"2012-10-17","Statement":[]}`)},
	{Rule: "aws-cloudwatch-log-group-encrypted", What: "log group without a key", Types: []string{awsrules.TypeLogGroup}, Apply: mutation.Remove("kmsKeyId")},
	{Rule: "aws-cloudwatch-log-group-retention", What: "one year of logs", Types: []string{awsrules.TypeLogGroup}, Apply: mutation.Set("retentionInDays", 365.0)},
	{Rule: "aws-cloudtrail-hardened", What: "single-region trail", Types: []string{awsrules.TypeTrail}, Apply: mutation.Set("isMultiRegionTrail", false)},
	{Rule: "aws-cloudtrail-hardened", What: "log file validation off", Types: []string{awsrules.TypeTrail}, Apply: mutation.Set("enableLogFileValidation", false)},
	{Rule: "aws-cloudtrail-hardened", What: "trail without a key", Types: []string{awsrules.TypeTrail}, Apply: mutation.Remove("kmsKeyId")},
	{Rule: "aws-cloudtrail-hardened", What: "logging stopped", Types: []string{awsrules.TypeTrail}, Apply: mutation.Set("enableLogging", false)},
	{Rule: "aws-vpc-flow-logs", What: "rejected traffic only", Types: []string{awsrules.TypeFlowLog}, Apply: mutation.Set("trafficType", "REJECT")},
	{Rule: "aws-vpc-flow-logs", What: "flow log removed", Types: []string{awsrules.TypeFlowLog}, Drop: true},
	{Rule: "aws-ec2-default-security-group-closed", What: "default group admits SSH", Types: []string{awsrules.TypeDefaultSecurityGroup}, Apply: mutation.Set("ingress", worldSSH)},
	{Rule: "aws-ec2-security-group-no-world-ingress", What: "SSH from the internet", Types: []string{awsrules.TypeSecurityGroup}, Apply: mutation.Set("ingress", worldSSH)},
	{Rule: "aws-sns-topic-encrypted", What: "topic without a key", Types: []string{awsrules.TypeSnsTopic}, Apply: mutation.Remove("kmsMasterKeyId")},
	{Rule: "aws-sns-topic-encrypted", What: "AWS-managed SNS key", Types: []string{awsrules.TypeSnsTopic}, Apply: mutation.Set("kmsMasterKeyId", "alias/aws/sns")},
	{Rule: "aws-rds-encrypted", What: "database storage unencrypted", Types: []string{awsrules.TypeRdsCluster, awsrules.TypeRdsGlobalCluster}, Apply: mutation.Set("storageEncrypted", false)},
	{Rule: "aws-rds-encrypted", What: "database on the AWS-managed key", Types: []string{awsrules.TypeRdsCluster}, Apply: mutation.Set("kmsKeyId", "alias/aws/rds")},
	{Rule: "aws-rds-encrypted", What: "Performance Insights without a key", Types: []string{awsrules.TypeRdsClusterInstance}, Apply: mutation.Remove("performanceInsightsKmsKeyId")},
	{Rule: "aws-database-credentials-secret", What: "master password in clear text", Types: []string{awsrules.TypeRdsCluster}, Apply: func(r *rules.Resource) bool {
		if _, ok := r.Inputs["masterPassword"]; !ok {
			return false
		}
		return mutation.SetPath(r.Inputs, "masterPassword", "hunter2")
	}},
	{Rule: "aws-rds-not-public", What: "publicly accessible instance", Types: []string{awsrules.TypeRdsClusterInstance}, Apply: mutation.Set("publiclyAccessible", true)},
	{Rule: "aws-rds-tls-enforced", What: "rds.force_ssl off", Types: []string{awsrules.TypeRdsClusterParameterGroup}, Apply: mutation.Set("parameters[0].value", "0")},
	{Rule: "aws-rds-tls-enforced", What: "parameter group removed", Types: []string{awsrules.TypeRdsClusterParameterGroup}, Drop: true},
	{Rule: "aws-rds-backups", What: "one day of backups", Types: []string{awsrules.TypeRdsCluster}, Apply: mutation.Set("backupRetentionPeriod", 1.0)},
	{Rule: "aws-rds-log-exports", What: "log export off", Types: []string{awsrules.TypeRdsCluster}, Apply: mutation.Remove("enabledCloudwatchLogsExports")},
	{Rule: "aws-deletion-protection", What: "database deletion protection off", Types: []string{awsrules.TypeRdsCluster, awsrules.TypeRdsGlobalCluster}, Apply: mutation.Set("deletionProtection", false)},
	{Rule: "aws-deletion-protection", What: "no final snapshot", Types: []string{awsrules.TypeRdsCluster}, Apply: mutation.Set("skipFinalSnapshot", true)},
	{Rule: "aws-deletion-protection", What: "cache without a final snapshot", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Remove("finalSnapshotIdentifier")},
	{Rule: "aws-elasticache-encrypted", What: "cache at rest unencrypted", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Set("atRestEncryptionEnabled", false)},
	{Rule: "aws-elasticache-encrypted", What: "cache on the default key", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Remove("kmsKeyId")},
	{Rule: "aws-elasticache-encrypted", What: "cache without TLS", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Set("transitEncryptionEnabled", false)},
	{Rule: "aws-elasticache-encrypted", What: "cache TLS only preferred", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Set("transitEncryptionMode", "preferred")},
	{Rule: "aws-database-credentials-secret", What: "cache without an auth token", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Remove("authToken")},
	{Rule: "aws-database-credentials-secret", What: "cache token in clear text", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Set("authToken", "hunter2hunter2hunter2")},
	{Rule: "aws-elasticache-snapshots", What: "cache snapshots off", Types: []string{awsrules.TypeReplicationGroup}, Apply: mutation.Set("snapshotRetentionLimit", 0.0)},
	{Rule: "aws-lb-listener-tls", What: "TLS 1.0 listener policy", Types: []string{awsrules.TypeListener}, Apply: func(r *rules.Resource) bool {
		return r.Inputs["protocol"] == "HTTPS" && mutation.SetPath(r.Inputs, "sslPolicy", "ELBSecurityPolicy-2016-08")
	}},
	{Rule: "aws-lb-listener-tls", What: "HTTP listener forwards instead of redirecting", Types: []string{awsrules.TypeListener}, Apply: func(r *rules.Resource) bool {
		return r.Inputs["protocol"] == "HTTP" && mutation.SetPath(r.Inputs, "defaultActions[0].type", "forward")
	}},
	{Rule: "aws-lb-hardened", What: "access logs off", Types: []string{awsrules.TypeLoadBalancer}, Apply: mutation.Set("accessLogs.enabled", false)},
	{Rule: "aws-lb-hardened", What: "invalid headers passed on", Types: []string{awsrules.TypeLoadBalancer}, Apply: mutation.Set("dropInvalidHeaderFields", false)},
	{Rule: "aws-lb-hardened", What: "desync mitigation only monitors", Types: []string{awsrules.TypeLoadBalancer}, Apply: mutation.Set("desyncMitigationMode", "monitor")},
	{Rule: "aws-deletion-protection", What: "load balancer deletion protection off", Types: []string{awsrules.TypeLoadBalancer}, Apply: mutation.Set("enableDeletionProtection", false)},
	{Rule: "aws-waf-on-public-entry-points", What: "web ACL association removed", Types: []string{awsrules.TypeWebACLAssociation}, Drop: true},
	{Rule: "aws-waf-logging", What: "web ACL logging removed", Types: []string{awsrules.TypeWebACLLogging}, Drop: true},
	{Rule: "aws-waf-logging", What: "authorization header logged", Types: []string{awsrules.TypeWebACLLogging}, Apply: mutation.Set("redactedFields[0].singleHeader.name", "x-request-id")},
	{Rule: "aws-ec2-security-group-no-world-ingress", What: "load balancer opens 8443 to the internet", Types: []string{awsrules.TypeSecurityGroup}, Apply: func(r *rules.Resource) bool {
		if cidrs, _ := mutation.GetPath(r.Inputs, "ingress[0].cidrBlocks"); !slices.Contains(mutation.AsList(cidrs), any("0.0.0.0/0")) {
			return false // only the internet-facing group is guarded on this property
		}
		return mutation.SetPath(r.Inputs, "ingress[0].fromPort", 8443.0) && mutation.SetPath(r.Inputs, "ingress[0].toPort", 8443.0)
	}},
	{Rule: "aws-backup-vault-encrypted", What: "vault on the default key", Types: []string{awsrules.TypeBackupVault}, Apply: mutation.Remove("kmsKeyArn")},
	{Rule: "aws-backup-plan-retention", What: "monthly points kept a year", Types: []string{awsrules.TypeBackupPlan}, Apply: mutation.Set("rules[1].lifecycle.deleteAfter", 365.0)},
	{Rule: "aws-backup-plan-retention", What: "no copy to the DR region", Types: []string{awsrules.TypeBackupPlan}, Apply: func(r *rules.Resource) bool {
		return mutation.SetPath(r.Inputs, "rules[0].copyActions", []any{}) && mutation.SetPath(r.Inputs, "rules[1].copyActions", []any{})
	}},
	{Rule: "aws-eks-secrets-encrypted", What: "secrets not envelope-encrypted", Types: []string{awsrules.TypeEksCluster}, Apply: mutation.Remove("encryptionConfig")},
	{Rule: "aws-eks-endpoint-private", What: "public API endpoint", Types: []string{awsrules.TypeEksCluster}, Apply: mutation.Set("vpcConfig.endpointPublicAccess", true)},
	{Rule: "aws-eks-endpoint-private", What: "no private API endpoint", Types: []string{awsrules.TypeEksCluster}, Apply: mutation.Set("vpcConfig.endpointPrivateAccess", false)},
	{Rule: "aws-eks-control-plane-logs", What: "audit log off", Types: []string{awsrules.TypeEksCluster}, Apply: mutation.Set("enabledClusterLogTypes", []any{"api"})},
	{Rule: "aws-eks-nodes-no-ssh", What: "SSH to the nodes", Types: []string{awsrules.TypeEksNodeGroup}, Apply: mutation.Set("remoteAccess", map[string]any{"ec2SshKey": "ops"})},
	{Rule: "aws-ec2-launch-template-hardened", What: "IMDSv1 allowed", Types: []string{awsrules.TypeLaunchTemplate}, Apply: mutation.Set("metadataOptions.httpTokens", "optional")},
	{Rule: "aws-ec2-launch-template-hardened", What: "pods reach the node role", Types: []string{awsrules.TypeLaunchTemplate}, Apply: mutation.Set("metadataOptions.httpPutResponseHopLimit", 2.0)},
	{Rule: "aws-ec2-launch-template-hardened", What: "unencrypted node volume", Types: []string{awsrules.TypeLaunchTemplate}, Apply: mutation.Set("blockDeviceMappings[0].ebs.encrypted", "false")},
	{Rule: "aws-ec2-launch-template-hardened", What: "node volume on the default key", Types: []string{awsrules.TypeLaunchTemplate}, Apply: mutation.Remove("blockDeviceMappings[0].ebs.kmsKeyId")},
	{Rule: "aws-backup-vault-locked", What: "vault lock removed", Types: []string{awsrules.TypeBackupVaultLock}, Drop: true},
	{Rule: "aws-backup-vault-locked", What: "compliance lock turned to governance", Types: []string{awsrules.TypeBackupVaultLock}, Apply: mutation.Remove("changeableForDays")},
	{Rule: "aws-iam-no-broad-managed-policies", What: "administrator policy attached", Types: []string{awsrules.TypeRolePolicyAttachment}, Apply: mutation.Set("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")},
	{Rule: "aws-backup-phi-stores-selected", What: "database left out of the backup plan", Types: []string{awsrules.TypeBackupSelection}, Drop: true},
	{Rule: "aws-eks-network-policy", What: "network policy enforcement off", Types: []string{awsrules.TypeEksAddon}, Apply: func(r *rules.Resource) bool {
		return r.Inputs["addonName"] == "vpc-cni" && mutation.SetPath(r.Inputs, "configurationValues", "{}")
	}},
	{Rule: "aws-lb-listener-tls", What: "plain HTTP to the targets", Types: []string{awsrules.TypeTargetGroup}, Apply: mutation.Set("protocol", "HTTP")},
	{Rule: "aws-dynamodb-encrypted-cmk", What: "table on the AWS-owned key", Types: []string{awsrules.TypeDynamoTable}, Apply: mutation.Remove("serverSideEncryption")},
	{Rule: "aws-dynamodb-encrypted-cmk", What: "table on the AWS-managed key", Types: []string{awsrules.TypeDynamoTable}, Apply: mutation.Remove("serverSideEncryption.kmsKeyArn")},
	{Rule: "aws-dynamodb-pitr", What: "point-in-time recovery off", Types: []string{awsrules.TypeDynamoTable}, Apply: mutation.Set("pointInTimeRecovery.enabled", false)},
	{Rule: "aws-deletion-protection", What: "table deletion protection off", Types: []string{awsrules.TypeDynamoTable}, Apply: mutation.Set("deletionProtectionEnabled", false)},
	{Rule: "estate-phi-dr-copy", What: "PHI table replica removed", Types: []string{awsrules.TypeDynamoTable}, Apply: mutation.Remove("replicas")},
	{Rule: "aws-lambda-environment-encrypted", What: "function environment on the default key", Types: []string{awsrules.TypeLambda}, Apply: mutation.Remove("kmsKeyArn")},
	{Rule: "aws-lambda-tracing", What: "tracing passed through", Types: []string{awsrules.TypeLambda}, Apply: mutation.Set("tracingConfig.mode", "PassThrough")},
	{Rule: "aws-sqs-encrypted-cmk", What: "dead-letter queue on SQS-managed encryption", Types: []string{awsrules.TypeSqsQueue}, Apply: mutation.Remove("kmsMasterKeyId")},
	{Rule: "aws-secrets-encrypted-cmk", What: "secret on the default key", Types: []string{awsrules.TypeSecret}, Apply: mutation.Remove("kmsKeyId")},
	{Rule: "aws-deletion-protection", What: "secret deleted without recovery", Types: []string{awsrules.TypeSecret}, Apply: mutation.Set("recoveryWindowInDays", 0.0)},
	{Rule: "aws-secrets-rotation", What: "rotation removed", Types: []string{awsrules.TypeSecretRotation}, Drop: true},
	{Rule: "aws-lambda-not-public", What: "rotation permission for any principal", Types: []string{awsrules.TypeLambdaPerm}, Apply: mutation.Set("principal", "*")},
	{Rule: "aws-api-gateway-authorization", What: "a route loses its authorizer", Types: []string{awsrules.TypeRestMethod}, Apply: mutation.Set("authorization", "NONE")},
	{Rule: "aws-api-gateway-access-logs", What: "stage access logs off", Types: []string{awsrules.TypeRestStage}, Apply: mutation.Remove("accessLogSettings")},
	{Rule: "aws-api-gateway-tls", What: "API domain on TLS 1.0", Types: []string{awsrules.TypeRestDomainName}, Apply: mutation.Set("securityPolicy", "TLS_1_0")},
	{Rule: "aws-lambda-not-public", What: "API permission without a source", Types: []string{awsrules.TypeLambdaPerm}, Apply: mutation.Remove("sourceArn")},
	{Rule: "aws-cognito-mfa-required", What: "MFA optional", Types: []string{awsrules.TypeCognitoUserPool}, Apply: mutation.Set("mfaConfiguration", "OPTIONAL")},
	{Rule: "aws-cognito-mfa-required", What: "8-character passwords", Types: []string{awsrules.TypeCognitoUserPool}, Apply: mutation.Set("passwordPolicy.minimumLength", 8.0)},
	{Rule: "aws-api-gateway-no-body-logging", What: "request bodies logged", Types: []string{awsrules.TypeRestMethodConfig}, Apply: mutation.Set("settings.dataTraceEnabled", true)},
	{Rule: "aws-cloudfront-tls", What: "viewers on TLS 1.0", Types: []string{awsrules.TypeDistribution}, Apply: mutation.Set("viewerCertificate.minimumProtocolVersion", "TLSv1")},
	{Rule: "aws-cloudfront-tls", What: "HTTP allowed", Types: []string{awsrules.TypeDistribution}, Apply: mutation.Set("defaultCacheBehavior.viewerProtocolPolicy", "allow-all")},
	{Rule: "aws-cloudfront-tls", What: "origin without access control", Types: []string{awsrules.TypeDistribution}, Apply: mutation.Remove("origins[0].originAccessControlId")},
	{Rule: "aws-waf-on-public-entry-points", What: "distribution without a web ACL", Types: []string{awsrules.TypeDistribution}, Apply: mutation.Remove("webAclId")},
	{Rule: "aws-cloudfront-logging", What: "access log delivery removed", Types: []string{awsrules.TypeLogDeliverySource}, Drop: true},
	{Rule: "aws-cloudfront-security-headers", What: "a day of HSTS", Types: []string{awsrules.TypeResponseHeadersPolicy}, Apply: mutation.Set("securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec", 86400.0)},
	{Rule: "aws-delivery-over-tls", What: "pager over plain HTTP", Types: []string{awsrules.TypeSnsSubscription}, Apply: func(r *rules.Resource) bool {
		return r.Inputs["protocol"] == "https" && mutation.SetPath(r.Inputs, "protocol", "http")
	}},
	{Rule: "aws-delivery-over-tls", What: "unsigned origin requests", Types: []string{awsrules.TypeOriginAccessControl}, Apply: mutation.Set("signingBehavior", "never")},
	{Rule: "aws-cognito-client-hardened", What: "user existence revealed", Types: []string{awsrules.TypeCognitoClient}, Apply: mutation.Set("preventUserExistenceErrors", "LEGACY")},
	{Rule: "aws-secret-values-secret", What: "secret value in clear text", Types: []string{awsrules.TypeSecretVersion}, Apply: mutation.Set("secretString", "sk-live-123")},
	{Rule: "aws-cloudwatch-alarms-notify", What: "alarm notifies no one", Types: []string{awsrules.TypeMetricAlarm}, Apply: mutation.Remove("alarmActions")},
	{Rule: "estate-phi-dr-copy", What: "a cluster of the global database removed", Types: []string{awsrules.TypeRdsCluster}, Drop: true},
	{Rule: "estate-phi-dr-copy", What: "replication disabled", Types: []string{awsrules.TypeBucketReplication}, Apply: mutation.Set("rules[0].status", "Disabled")},
	{Rule: "estate-phi-dr-copy", What: "replication removed", Types: []string{awsrules.TypeBucketReplication}, Drop: true},
	{Rule: "kubernetes-ingress-tls", What: "the load balancer's certificate removed", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(`metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]`)},
	{Rule: "kubernetes-ingress-tls", What: "plain HTTP served", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(`metadata.annotations["alb.ingress.kubernetes.io/ssl-redirect"]`)},
	{Rule: "kubernetes-ingress-tls", What: "TLS 1.0 policy", Types: []string{k8srules.TypeIngress}, Apply: mutation.Set(`metadata.annotations["alb.ingress.kubernetes.io/ssl-policy"]`, "ELBSecurityPolicy-2016-08")},
	{Rule: "kubernetes-ingress-alb-waf", What: "ingress without the web ACL", Types: []string{k8srules.TypeIngress}, Apply: mutation.Remove(`metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]`)},
}, mutation.Workloads...)

func productionSubjects(t testing.TB) ([]rules.Resource, rules.Config) {
	t.Helper()
	return mutation.Subjects(t, "../..", "production", stacks.Run, []string{"eu-west-2", "eu-west-1", "us-east-1"})
}

// TestMutationDetection: every guarded property of the production plan, flipped one at a
// time, is flagged by the rule that guards it.
func TestMutationDetection(t *testing.T) {
	base, cfg := productionSubjects(t)
	assert.Greater(t, mutation.Detect(t, base, cfg, mutations), 300, "the catalogue should reach most of the estate")
}

// TestMutationCatalogueIsLive: every entry applies to at least one resource of the production
// plan.
func TestMutationCatalogueIsLive(t *testing.T) {
	base, _ := productionSubjects(t)
	mutation.CatalogueIsLive(t, base, mutations)
}
