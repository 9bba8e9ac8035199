package aws_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/audit"
	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/policy/rules"
	awsrules "github.com/healthhub/estate/policy/rules/aws"
	"github.com/healthhub/estate/policy/rules/estate"
	k8srules "github.com/healthhub/estate/policy/rules/kubernetes"
	"github.com/healthhub/estate/stacks"
)

// mutation turns one secure property of one resource into its insecure value, the way a
// careless change or a hand-edited component would. apply returns false when the resource
// does not carry the property, and drop=true removes the resource (a missing companion).
type mutation struct {
	rule  string // the rule that must catch it
	what  string
	types []string
	apply func(r *rules.Resource) (applies bool)
	drop  bool
	// when, if set, picks which resources of the types a drop applies to.
	when func(r rules.Resource) bool
}

// set changes the value at path; a resource that already holds v is not a mutation of it.
func set(path string, v any) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool {
		if old, ok := getPath(r.Inputs, path); ok && reflect.DeepEqual(old, v) {
			return false
		}
		return setPath(r.Inputs, path, v)
	}
}

func getPath(inputs map[string]any, path string) (any, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return nil, false
	}
	return walk(inputs, p)
}

// walk follows property-path segments through plain inputs.
func walk(cur any, segments []any) (any, bool) {
	for _, seg := range segments {
		switch k := seg.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			cur = m[k]
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			cur = a[k]
		}
	}
	return cur, true
}

func remove(path string) func(r *rules.Resource) bool { return set(path, nil) }

func always(f func(r *rules.Resource)) func(r *rules.Resource) bool {
	return func(r *rules.Resource) bool { f(r); return true }
}

var worldSSH = []any{map[string]any{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": []any{"0.0.0.0/0"}}}

// mutations is every guarded property of the types the production estate deploys. A rule
// family added for new resource types adds its mutations here when those types join the
// estate; TestMutationCatalogueIsLive fails on an entry that no longer matches anything.
var mutations = []mutation{
	{rule: "estate-region-allow-list", what: "provider region outside the allow-list", types: []string{awsrules.TypeProvider}, apply: set("region", "us-west-2")},
	{rule: "estate-region-allow-list", what: "provider without a region", types: []string{awsrules.TypeProvider}, apply: remove("region")},
	{rule: "estate-region-allow-list", what: "resource on the default provider", types: nil, apply: func(r *rules.Resource) bool {
		if r.Provider == "" || !strings.HasPrefix(r.Type, "aws:") {
			return false
		}
		r.Provider = ""
		return true
	}},
	{rule: "estate-stateful-protected", what: "protect flag off", types: []string{awsrules.TypeKmsKey, awsrules.TypeKmsReplicaKey, awsrules.TypeBucket, awsrules.TypeLogGroup, awsrules.TypeRdsCluster, awsrules.TypeRdsGlobalCluster, awsrules.TypeBackupVault, awsrules.TypeEksCluster, awsrules.TypeDynamoTable, awsrules.TypeSecret, awsrules.TypeReplicationGroup}, apply: always(func(r *rules.Resource) { r.Protect = false })},
	{rule: "estate-required-tags", what: "owner tag removed", types: nil, apply: func(r *rules.Resource) bool {
		tags, ok := r.Inputs["tags"].(map[string]any)
		if !ok || tags["owner"] == nil {
			return false
		}
		return setPath(r.Inputs, "tags.owner", nil)
	}},
	{rule: "aws-kms-key-rotation", what: "rotation off", types: []string{awsrules.TypeKmsKey}, apply: set("enableKeyRotation", false)},
	{rule: "aws-kms-key-rotation", what: "rotation every two years", types: []string{awsrules.TypeKmsKey}, apply: set("rotationPeriodInDays", 730.0)},
	{rule: "aws-s3-encryption-cmk", what: "SSE-S3 instead of KMS", types: []string{awsrules.TypeBucketSSE}, apply: set("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", "AES256")},
	{rule: "aws-s3-encryption-cmk", what: "AWS-managed key", types: []string{awsrules.TypeBucketSSE}, apply: remove("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId")},
	{rule: "aws-s3-encryption-cmk", what: "encryption configuration removed", types: []string{awsrules.TypeBucketSSE}, drop: true},
	{rule: "aws-s3-public-access-blocked", what: "blockPublicAcls off", types: []string{awsrules.TypeBucketPublicAccess}, apply: set("blockPublicAcls", false)},
	{rule: "aws-s3-public-access-blocked", what: "blockPublicPolicy off", types: []string{awsrules.TypeBucketPublicAccess}, apply: set("blockPublicPolicy", false)},
	{rule: "aws-s3-public-access-blocked", what: "ignorePublicAcls off", types: []string{awsrules.TypeBucketPublicAccess}, apply: set("ignorePublicAcls", false)},
	{rule: "aws-s3-public-access-blocked", what: "restrictPublicBuckets off", types: []string{awsrules.TypeBucketPublicAccess}, apply: set("restrictPublicBuckets", false)},
	{rule: "aws-s3-public-access-blocked", what: "public access block removed", types: []string{awsrules.TypeBucketPublicAccess}, drop: true},
	{rule: "aws-s3-versioning", what: "versioning suspended", types: []string{awsrules.TypeBucketVersioning}, apply: set("versioningConfiguration.status", "Suspended")},
	{rule: "aws-s3-tls-only", what: "TLS denial dropped from the policy", types: []string{awsrules.TypeBucketPolicy}, apply: set("policy", `{"Version":"2012-10-17","Statement":[]}`)},
	{rule: "aws-cloudwatch-log-group-encrypted", what: "log group without a key", types: []string{awsrules.TypeLogGroup}, apply: remove("kmsKeyId")},
	{rule: "aws-cloudwatch-log-group-retention", what: "one year of logs", types: []string{awsrules.TypeLogGroup}, apply: set("retentionInDays", 365.0)},
	{rule: "aws-cloudtrail-hardened", what: "single-region trail", types: []string{awsrules.TypeTrail}, apply: set("isMultiRegionTrail", false)},
	{rule: "aws-cloudtrail-hardened", what: "log file validation off", types: []string{awsrules.TypeTrail}, apply: set("enableLogFileValidation", false)},
	{rule: "aws-cloudtrail-hardened", what: "trail without a key", types: []string{awsrules.TypeTrail}, apply: remove("kmsKeyId")},
	{rule: "aws-cloudtrail-hardened", what: "logging stopped", types: []string{awsrules.TypeTrail}, apply: set("enableLogging", false)},
	{rule: "aws-vpc-flow-logs", what: "rejected traffic only", types: []string{awsrules.TypeFlowLog}, apply: set("trafficType", "REJECT")},
	{rule: "aws-vpc-flow-logs", what: "flow log removed", types: []string{awsrules.TypeFlowLog}, drop: true},
	{rule: "aws-ec2-default-security-group-closed", what: "default group admits SSH", types: []string{awsrules.TypeDefaultSecurityGroup}, apply: set("ingress", worldSSH)},
	{rule: "aws-ec2-security-group-no-world-ingress", what: "SSH from the internet", types: []string{awsrules.TypeSecurityGroup}, apply: set("ingress", worldSSH)},
	{rule: "aws-sns-topic-encrypted", what: "topic without a key", types: []string{awsrules.TypeSnsTopic}, apply: remove("kmsMasterKeyId")},
	{rule: "aws-sns-topic-encrypted", what: "AWS-managed SNS key", types: []string{awsrules.TypeSnsTopic}, apply: set("kmsMasterKeyId", "alias/aws/sns")},
	{rule: "aws-rds-encrypted", what: "database storage unencrypted", types: []string{awsrules.TypeRdsCluster, awsrules.TypeRdsGlobalCluster}, apply: set("storageEncrypted", false)},
	{rule: "aws-rds-encrypted", what: "database on the AWS-managed key", types: []string{awsrules.TypeRdsCluster}, apply: set("kmsKeyId", "alias/aws/rds")},
	{rule: "aws-rds-encrypted", what: "Performance Insights without a key", types: []string{awsrules.TypeRdsClusterInstance}, apply: remove("performanceInsightsKmsKeyId")},
	{rule: "aws-database-credentials-secret", what: "master password in clear text", types: []string{awsrules.TypeRdsCluster}, apply: func(r *rules.Resource) bool {
		if _, ok := r.Inputs["masterPassword"]; !ok {
			return false
		}
		return setPath(r.Inputs, "masterPassword", "hunter2")
	}},
	{rule: "aws-rds-not-public", what: "publicly accessible instance", types: []string{awsrules.TypeRdsClusterInstance}, apply: set("publiclyAccessible", true)},
	{rule: "aws-rds-tls-enforced", what: "rds.force_ssl off", types: []string{awsrules.TypeRdsClusterParameterGroup}, apply: set("parameters[0].value", "0")},
	{rule: "aws-rds-tls-enforced", what: "parameter group removed", types: []string{awsrules.TypeRdsClusterParameterGroup}, drop: true},
	{rule: "aws-rds-backups", what: "one day of backups", types: []string{awsrules.TypeRdsCluster}, apply: set("backupRetentionPeriod", 1.0)},
	{rule: "aws-rds-log-exports", what: "log export off", types: []string{awsrules.TypeRdsCluster}, apply: remove("enabledCloudwatchLogsExports")},
	{rule: "aws-deletion-protection", what: "database deletion protection off", types: []string{awsrules.TypeRdsCluster, awsrules.TypeRdsGlobalCluster}, apply: set("deletionProtection", false)},
	{rule: "aws-deletion-protection", what: "no final snapshot", types: []string{awsrules.TypeRdsCluster}, apply: set("skipFinalSnapshot", true)},
	{rule: "aws-deletion-protection", what: "cache without a final snapshot", types: []string{awsrules.TypeReplicationGroup}, apply: remove("finalSnapshotIdentifier")},
	{rule: "aws-elasticache-encrypted", what: "cache at rest unencrypted", types: []string{awsrules.TypeReplicationGroup}, apply: set("atRestEncryptionEnabled", false)},
	{rule: "aws-elasticache-encrypted", what: "cache on the default key", types: []string{awsrules.TypeReplicationGroup}, apply: remove("kmsKeyId")},
	{rule: "aws-elasticache-encrypted", what: "cache without TLS", types: []string{awsrules.TypeReplicationGroup}, apply: set("transitEncryptionEnabled", false)},
	{rule: "aws-elasticache-encrypted", what: "cache TLS only preferred", types: []string{awsrules.TypeReplicationGroup}, apply: set("transitEncryptionMode", "preferred")},
	{rule: "aws-database-credentials-secret", what: "cache without an auth token", types: []string{awsrules.TypeReplicationGroup}, apply: remove("authToken")},
	{rule: "aws-database-credentials-secret", what: "cache token in clear text", types: []string{awsrules.TypeReplicationGroup}, apply: set("authToken", "hunter2hunter2hunter2")},
	{rule: "aws-elasticache-snapshots", what: "cache snapshots off", types: []string{awsrules.TypeReplicationGroup}, apply: set("snapshotRetentionLimit", 0.0)},
	{rule: "aws-lb-listener-tls", what: "TLS 1.0 listener policy", types: []string{awsrules.TypeListener}, apply: func(r *rules.Resource) bool {
		return r.Inputs["protocol"] == "HTTPS" && setPath(r.Inputs, "sslPolicy", "ELBSecurityPolicy-2016-08")
	}},
	{rule: "aws-lb-listener-tls", what: "HTTP listener forwards instead of redirecting", types: []string{awsrules.TypeListener}, apply: func(r *rules.Resource) bool {
		return r.Inputs["protocol"] == "HTTP" && setPath(r.Inputs, "defaultActions[0].type", "forward")
	}},
	{rule: "aws-lb-hardened", what: "access logs off", types: []string{awsrules.TypeLoadBalancer}, apply: set("accessLogs.enabled", false)},
	{rule: "aws-lb-hardened", what: "invalid headers passed on", types: []string{awsrules.TypeLoadBalancer}, apply: set("dropInvalidHeaderFields", false)},
	{rule: "aws-lb-hardened", what: "desync mitigation only monitors", types: []string{awsrules.TypeLoadBalancer}, apply: set("desyncMitigationMode", "monitor")},
	{rule: "aws-deletion-protection", what: "load balancer deletion protection off", types: []string{awsrules.TypeLoadBalancer}, apply: set("enableDeletionProtection", false)},
	{rule: "aws-waf-on-public-entry-points", what: "web ACL association removed", types: []string{awsrules.TypeWebACLAssociation}, drop: true},
	{rule: "aws-waf-logging", what: "web ACL logging removed", types: []string{awsrules.TypeWebACLLogging}, drop: true},
	{rule: "aws-waf-logging", what: "authorization header logged", types: []string{awsrules.TypeWebACLLogging}, apply: set("redactedFields[0].singleHeader.name", "x-request-id")},
	{rule: "aws-ec2-security-group-no-world-ingress", what: "load balancer opens 8443 to the internet", types: []string{awsrules.TypeSecurityGroup}, apply: func(r *rules.Resource) bool {
		if cidrs, _ := getPath(r.Inputs, "ingress[0].cidrBlocks"); !slices.Contains(asList(cidrs), any("0.0.0.0/0")) {
			return false // only the internet-facing group is guarded on this property
		}
		return setPath(r.Inputs, "ingress[0].fromPort", 8443.0) && setPath(r.Inputs, "ingress[0].toPort", 8443.0)
	}},
	{rule: "aws-backup-vault-encrypted", what: "vault on the default key", types: []string{awsrules.TypeBackupVault}, apply: remove("kmsKeyArn")},
	{rule: "aws-backup-plan-retention", what: "monthly points kept a year", types: []string{awsrules.TypeBackupPlan}, apply: set("rules[1].lifecycle.deleteAfter", 365.0)},
	{rule: "aws-backup-plan-retention", what: "no copy to the DR region", types: []string{awsrules.TypeBackupPlan}, apply: func(r *rules.Resource) bool {
		return setPath(r.Inputs, "rules[0].copyActions", []any{}) && setPath(r.Inputs, "rules[1].copyActions", []any{})
	}},
	{rule: "aws-eks-secrets-encrypted", what: "secrets not envelope-encrypted", types: []string{awsrules.TypeEksCluster}, apply: remove("encryptionConfig")},
	{rule: "aws-eks-endpoint-private", what: "public API endpoint", types: []string{awsrules.TypeEksCluster}, apply: set("vpcConfig.endpointPublicAccess", true)},
	{rule: "aws-eks-endpoint-private", what: "no private API endpoint", types: []string{awsrules.TypeEksCluster}, apply: set("vpcConfig.endpointPrivateAccess", false)},
	{rule: "aws-eks-control-plane-logs", what: "audit log off", types: []string{awsrules.TypeEksCluster}, apply: set("enabledClusterLogTypes", []any{"api"})},
	{rule: "aws-eks-nodes-no-ssh", what: "SSH to the nodes", types: []string{awsrules.TypeEksNodeGroup}, apply: set("remoteAccess", map[string]any{"ec2SshKey": "ops"})},
	{rule: "aws-ec2-launch-template-hardened", what: "IMDSv1 allowed", types: []string{awsrules.TypeLaunchTemplate}, apply: set("metadataOptions.httpTokens", "optional")},
	{rule: "aws-ec2-launch-template-hardened", what: "pods reach the node role", types: []string{awsrules.TypeLaunchTemplate}, apply: set("metadataOptions.httpPutResponseHopLimit", 2.0)},
	{rule: "aws-ec2-launch-template-hardened", what: "unencrypted node volume", types: []string{awsrules.TypeLaunchTemplate}, apply: set("blockDeviceMappings[0].ebs.encrypted", "false")},
	{rule: "aws-ec2-launch-template-hardened", what: "node volume on the default key", types: []string{awsrules.TypeLaunchTemplate}, apply: remove("blockDeviceMappings[0].ebs.kmsKeyId")},
	{rule: "aws-backup-vault-locked", what: "vault lock removed", types: []string{awsrules.TypeBackupVaultLock}, drop: true},
	{rule: "aws-backup-vault-locked", what: "compliance lock turned to governance", types: []string{awsrules.TypeBackupVaultLock}, apply: remove("changeableForDays")},
	{rule: "aws-iam-no-broad-managed-policies", what: "administrator policy attached", types: []string{awsrules.TypeRolePolicyAttachment}, apply: set("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")},
	{rule: "aws-backup-phi-stores-selected", what: "database left out of the backup plan", types: []string{awsrules.TypeBackupSelection}, drop: true},
	{rule: "aws-eks-network-policy", what: "network policy enforcement off", types: []string{awsrules.TypeEksAddon}, apply: func(r *rules.Resource) bool {
		return r.Inputs["addonName"] == "vpc-cni" && setPath(r.Inputs, "configurationValues", "{}")
	}},
	{rule: "aws-lb-listener-tls", what: "plain HTTP to the targets", types: []string{awsrules.TypeTargetGroup}, apply: set("protocol", "HTTP")},
	{rule: "aws-dynamodb-encrypted-cmk", what: "table on the AWS-owned key", types: []string{awsrules.TypeDynamoTable}, apply: remove("serverSideEncryption")},
	{rule: "aws-dynamodb-encrypted-cmk", what: "table on the AWS-managed key", types: []string{awsrules.TypeDynamoTable}, apply: remove("serverSideEncryption.kmsKeyArn")},
	{rule: "aws-dynamodb-pitr", what: "point-in-time recovery off", types: []string{awsrules.TypeDynamoTable}, apply: set("pointInTimeRecovery.enabled", false)},
	{rule: "aws-deletion-protection", what: "table deletion protection off", types: []string{awsrules.TypeDynamoTable}, apply: set("deletionProtectionEnabled", false)},
	{rule: "estate-phi-dr-copy", what: "PHI table replica removed", types: []string{awsrules.TypeDynamoTable}, apply: remove("replicas")},
	{rule: "aws-lambda-environment-encrypted", what: "function environment on the default key", types: []string{awsrules.TypeLambda}, apply: remove("kmsKeyArn")},
	{rule: "aws-lambda-tracing", what: "tracing passed through", types: []string{awsrules.TypeLambda}, apply: set("tracingConfig.mode", "PassThrough")},
	{rule: "aws-sqs-encrypted-cmk", what: "dead-letter queue on SQS-managed encryption", types: []string{awsrules.TypeSqsQueue}, apply: remove("kmsMasterKeyId")},
	{rule: "aws-secrets-encrypted-cmk", what: "secret on the default key", types: []string{awsrules.TypeSecret}, apply: remove("kmsKeyId")},
	{rule: "aws-deletion-protection", what: "secret deleted without recovery", types: []string{awsrules.TypeSecret}, apply: set("recoveryWindowInDays", 0.0)},
	{rule: "aws-secrets-rotation", what: "rotation removed", types: []string{awsrules.TypeSecretRotation}, drop: true},
	{rule: "aws-lambda-not-public", what: "rotation permission for any principal", types: []string{awsrules.TypeLambdaPerm}, apply: set("principal", "*")},
	{rule: "aws-api-gateway-authorization", what: "a route loses its authorizer", types: []string{awsrules.TypeRestMethod}, apply: set("authorization", "NONE")},
	{rule: "aws-api-gateway-access-logs", what: "stage access logs off", types: []string{awsrules.TypeRestStage}, apply: remove("accessLogSettings")},
	{rule: "aws-api-gateway-tls", what: "API domain on TLS 1.0", types: []string{awsrules.TypeRestDomainName}, apply: set("securityPolicy", "TLS_1_0")},
	{rule: "aws-lambda-not-public", what: "API permission without a source", types: []string{awsrules.TypeLambdaPerm}, apply: remove("sourceArn")},
	{rule: "aws-cognito-mfa-required", what: "MFA optional", types: []string{awsrules.TypeCognitoUserPool}, apply: set("mfaConfiguration", "OPTIONAL")},
	{rule: "aws-cognito-mfa-required", what: "8-character passwords", types: []string{awsrules.TypeCognitoUserPool}, apply: set("passwordPolicy.minimumLength", 8.0)},
	{rule: "aws-api-gateway-no-body-logging", what: "request bodies logged", types: []string{awsrules.TypeRestMethodConfig}, apply: set("settings.dataTraceEnabled", true)},
	{rule: "aws-cloudfront-tls", what: "viewers on TLS 1.0", types: []string{awsrules.TypeDistribution}, apply: set("viewerCertificate.minimumProtocolVersion", "TLSv1")},
	{rule: "aws-cloudfront-tls", what: "HTTP allowed", types: []string{awsrules.TypeDistribution}, apply: set("defaultCacheBehavior.viewerProtocolPolicy", "allow-all")},
	{rule: "aws-cloudfront-tls", what: "origin without access control", types: []string{awsrules.TypeDistribution}, apply: remove("origins[0].originAccessControlId")},
	{rule: "aws-waf-on-public-entry-points", what: "distribution without a web ACL", types: []string{awsrules.TypeDistribution}, apply: remove("webAclId")},
	{rule: "aws-cloudfront-logging", what: "access log delivery removed", types: []string{awsrules.TypeLogDeliverySource}, drop: true},
	{rule: "aws-cloudfront-security-headers", what: "a day of HSTS", types: []string{awsrules.TypeResponseHeadersPolicy}, apply: set("securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec", 86400.0)},
	{rule: "aws-delivery-over-tls", what: "pager over plain HTTP", types: []string{awsrules.TypeSnsSubscription}, apply: func(r *rules.Resource) bool {
		return r.Inputs["protocol"] == "https" && setPath(r.Inputs, "protocol", "http")
	}},
	{rule: "aws-delivery-over-tls", what: "unsigned origin requests", types: []string{awsrules.TypeOriginAccessControl}, apply: set("signingBehavior", "never")},
	{rule: "aws-cognito-client-hardened", what: "user existence revealed", types: []string{awsrules.TypeCognitoClient}, apply: set("preventUserExistenceErrors", "LEGACY")},
	{rule: "aws-secret-values-secret", what: "secret value in clear text", types: []string{awsrules.TypeSecretVersion}, apply: set("secretString", "sk-live-123")},
	{rule: "aws-cloudwatch-alarms-notify", what: "alarm notifies no one", types: []string{awsrules.TypeMetricAlarm}, apply: remove("alarmActions")},
	{rule: "estate-phi-dr-copy", what: "a cluster of the global database removed", types: []string{awsrules.TypeRdsCluster}, drop: true},
	{rule: "estate-phi-dr-copy", what: "replication disabled", types: []string{awsrules.TypeBucketReplication}, apply: set("rules[0].status", "Disabled")},
	{rule: "estate-phi-dr-copy", what: "replication removed", types: []string{awsrules.TypeBucketReplication}, drop: true},

	// The workloads on the cluster.
	{rule: "kubernetes-namespace-restricted-pss", what: "namespace enforces baseline", types: []string{k8srules.TypeNamespace}, apply: func(r *rules.Resource) bool {
		if _, excepted := getPath(r.Inputs, `metadata.annotations["`+naming.PodSecurityException+`"]`); excepted {
			return false // a named exception may be looser; the next mutation drops its reason
		}
		return set(`metadata.labels["`+naming.PodSecurityEnforce+`"]`, "baseline")(r)
	}},
	{rule: "kubernetes-namespace-restricted-pss", what: "exception without its reason", types: []string{k8srules.TypeNamespace}, apply: remove(`metadata.annotations["` + naming.PodSecurityException + `"]`)},
	{rule: "kubernetes-namespace-default-deny", what: "default-deny policy removed", types: []string{k8srules.TypeNetworkPolicy}, drop: true,
		when: func(r rules.Resource) bool { return r.Inputs["metadata"].(map[string]any)["name"] == "default-deny" }},
	{rule: "kubernetes-namespace-default-deny", what: "default-deny policy opened to ingress", types: []string{k8srules.TypeNetworkPolicy}, apply: func(r *rules.Resource) bool {
		return r.Inputs["metadata"].(map[string]any)["name"] == "default-deny" && setPath(r.Inputs, "spec.ingress", []any{map[string]any{}})
	}},
	{rule: "kubernetes-pod-restricted-pss", what: "privilege escalation allowed", types: []string{k8srules.TypeDeployment}, apply: set("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", true)},
	{rule: "kubernetes-pod-restricted-pss", what: "container runs as root", types: []string{k8srules.TypeDeployment}, apply: set("spec.template.spec.containers[0].securityContext.runAsUser", 0.0)},
	{rule: "kubernetes-pod-restricted-pss", what: "non-root not required", types: []string{k8srules.TypeDeployment}, apply: func(r *rules.Resource) bool {
		return remove("spec.template.spec.securityContext.runAsNonRoot")(r) && remove("spec.template.spec.containers[0].securityContext.runAsNonRoot")(r)
	}},
	{rule: "kubernetes-pod-restricted-pss", what: "capabilities kept", types: []string{k8srules.TypeDeployment}, apply: remove("spec.template.spec.containers[0].securityContext.capabilities")},
	{rule: "kubernetes-pod-restricted-pss", what: "seccomp unconfined", types: []string{k8srules.TypeDeployment}, apply: func(r *rules.Resource) bool {
		return set("spec.template.spec.securityContext.seccompProfile.type", "Unconfined")(r)
	}},
	{rule: "kubernetes-pod-restricted-pss", what: "privileged container", types: []string{k8srules.TypeDeployment}, apply: set("spec.template.spec.containers[0].securityContext.privileged", true)},
	{rule: "kubernetes-pod-restricted-pss", what: "host network", types: []string{k8srules.TypeDeployment}, apply: set("spec.template.spec.hostNetwork", true)},
	{rule: "kubernetes-pod-read-only-root", what: "writable root filesystem", types: []string{k8srules.TypeDeployment}, apply: set("spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", false)},
	{rule: "kubernetes-pod-no-token-automount", what: "API token mounted in pods", types: []string{k8srules.TypeDeployment}, apply: set("spec.template.spec.automountServiceAccountToken", true)},
	{rule: "kubernetes-serviceaccount-no-token-automount", what: "service account mounts its token", types: []string{k8srules.TypeServiceAccount}, apply: set("automountServiceAccountToken", true)},
	{rule: "kubernetes-pod-image-digest", what: "image by tag", types: []string{k8srules.TypeDeployment}, apply: func(r *rules.Resource) bool {
		image, _ := getPath(r.Inputs, "spec.template.spec.containers[0].image")
		ref, _, found := strings.Cut(fmt.Sprint(image), "@")
		return found && setPath(r.Inputs, "spec.template.spec.containers[0].image", ref)
	}},
	{rule: "kubernetes-pod-resources-bounded", what: "no memory limit", types: []string{k8srules.TypeDeployment}, apply: remove("spec.template.spec.containers[0].resources.limits.memory")},
	{rule: "kubernetes-pod-resources-bounded", what: "no requests", types: []string{k8srules.TypeDeployment}, apply: remove("spec.template.spec.containers[0].resources.requests")},
	{rule: "kubernetes-pod-health-probes", what: "no readiness probe", types: []string{k8srules.TypeDeployment}, apply: remove("spec.template.spec.containers[0].readinessProbe")},
	{rule: "kubernetes-pod-health-probes", what: "no liveness probe", types: []string{k8srules.TypeDeployment}, apply: remove("spec.template.spec.containers[0].livenessProbe")},
	{rule: "kubernetes-workload-disruption-budget", what: "disruption budget removed", types: []string{k8srules.TypePodDisruptionBudget}, drop: true},
	{rule: "kubernetes-workload-disruption-budget", what: "budget allows no disruption", types: []string{k8srules.TypePodDisruptionBudget}, apply: set("spec.maxUnavailable", 0.0)},
	{rule: "kubernetes-ingress-tls", what: "the load balancer's certificate removed", types: []string{k8srules.TypeIngress}, apply: remove(`metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]`)},
	{rule: "kubernetes-ingress-tls", what: "plain HTTP served", types: []string{k8srules.TypeIngress}, apply: remove(`metadata.annotations["alb.ingress.kubernetes.io/ssl-redirect"]`)},
	{rule: "kubernetes-ingress-tls", what: "TLS 1.0 policy", types: []string{k8srules.TypeIngress}, apply: set(`metadata.annotations["alb.ingress.kubernetes.io/ssl-policy"]`, "ELBSecurityPolicy-2016-08")},
	{rule: "kubernetes-ingress-alb-waf", what: "ingress without the web ACL", types: []string{k8srules.TypeIngress}, apply: remove(`metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]`)},
	{rule: "kubernetes-service-not-exposed", what: "service as a load balancer", types: []string{k8srules.TypeService}, apply: set("spec.type", "LoadBalancer")},
	{rule: "kubernetes-service-not-exposed", what: "service on node ports", types: []string{k8srules.TypeService}, apply: set("spec.type", "NodePort")},
	{rule: "kubernetes-helm-chart-pinned", what: "chart version range", types: []string{k8srules.TypeHelmRelease}, apply: set("version", "^88.0.0")},
	{rule: "kubernetes-helm-chart-pinned", what: "chart over HTTP", types: []string{k8srules.TypeHelmRelease}, apply: set("repositoryOpts.repo", "http://prometheus-community.github.io/helm-charts")},
	{rule: "kubernetes-rbac-no-cluster-admin", what: "a binding grants cluster-admin", types: []string{k8srules.TypeRoleBinding, k8srules.TypeClusterRoleBinding}, apply: set("roleRef.name", "cluster-admin")},
	{rule: "kubernetes-provider-kubeconfig-secret", what: "kubeconfig in clear text", types: []string{k8srules.TypeProvider}, apply: set("kubeconfig", "apiVersion: v1\nkind: Config\n")},
	{rule: "kubernetes-provider-kubeconfig-secret", what: "ambient kubeconfig", types: []string{k8srules.TypeProvider}, apply: remove("kubeconfig")},
	{rule: "kubernetes-await-readiness", what: "update does not wait for the workload", types: []string{k8srules.TypeDeployment}, apply: func(r *rules.Resource) bool {
		meta, ok := r.Inputs["metadata"].(map[string]any)
		if !ok {
			return false
		}
		annotations, _ := meta["annotations"].(map[string]any)
		if annotations == nil {
			annotations = map[string]any{}
			meta["annotations"] = annotations
		}
		annotations[k8srules.SkipAwait] = "true"
		return true
	}},
	{rule: "kubernetes-admission-policies", what: "an admission policy removed", types: []string{k8srules.TypeAdmissionPolicy}, drop: true},
	{rule: "kubernetes-admission-policies", what: "an admission policy fails open", types: []string{k8srules.TypeAdmissionPolicy}, apply: set("spec.failurePolicy", "Ignore")},
	{rule: "kubernetes-admission-policies", what: "an admission policy only audits", types: []string{k8srules.TypeAdmissionBinding}, apply: set("spec.validationActions", []any{"Audit"})},
}

func productionSubjects(t testing.TB) ([]rules.Resource, rules.Config) {
	t.Helper()
	p, err := plan.Run("../..", "production", stacks.Run)
	require.NoError(t, err)
	data, err := json.Marshal(p)
	require.NoError(t, err)
	snap, err := audit.Parse(data)
	require.NoError(t, err)
	cfg := rules.Config{AllowedRegions: []string{"eu-west-2", "eu-west-1", "us-east-1"}, RetentionFloorDays: 2190, Environment: "production"}
	return snap.Resources, cfg
}

// reconvert runs mutated resources through the one conversion again, so that a mutated
// provider region reaches its resources as it would in a plan.
func reconvert(rs []rules.Resource) []rules.Resource {
	records := make([]rules.Record, len(rs))
	for i, r := range rs {
		records[i] = rules.Record{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider,
			Protect: r.Protect, Dependencies: r.Dependencies, Inputs: r.Inputs,
		}
	}
	return estate.Resources(records)
}

// TestMutationDetection takes the production plan, flips each guarded property of each
// resource that carries it to its insecure value, one at a time, and asserts the pack flags
// the change under the rule that guards it. It reports how many it tried and caught.
func TestMutationDetection(t *testing.T) {
	base, cfg := productionSubjects(t)
	before := map[string]bool{}
	for _, v := range estate.Evaluate(base, cfg) {
		require.Equal(t, rules.Advisory, v.Level, "the production plan must start with no mandatory violation: %v", v)
		before[v.Policy+" "+v.URN+" "+v.Message] = true
	}
	// A mutation is caught when its rule reports something the untouched plan did not.
	flagged := func(vs []rules.Violation, rule string) bool {
		for _, v := range vs {
			if v.Policy == rule && !before[v.Policy+" "+v.URN+" "+v.Message] {
				return true
			}
		}
		return false
	}

	tried, caught := 0, 0
	properties := map[string]bool{}
	var missed []string
	for _, m := range mutations {
		for i := range base {
			if m.types != nil && !slices.Contains(m.types, base[i].Type) || m.when != nil && !m.when(base[i]) {
				continue
			}
			mutated := slices.Clone(base)
			if m.drop {
				mutated = slices.Delete(mutated, i, i+1)
			} else {
				mutated[i] = deepCopy(base[i])
				if !m.apply(&mutated[i]) {
					continue
				}
			}
			tried++
			properties[m.rule+": "+m.what] = true
			if flagged(estate.Evaluate(reconvert(mutated), cfg), m.rule) {
				caught++
			} else {
				missed = append(missed, fmt.Sprintf("%s on %s %s", m.what, base[i].Type, base[i].Name))
			}
		}
	}
	t.Logf("mutation test: %d guarded properties, %d mutations over %d resources, %d caught (%.1f%%)",
		len(properties), tried, len(base), caught, 100*float64(caught)/float64(max(tried, 1)))
	assert.Empty(t, missed, "mutations the pack did not flag")
	assert.Equal(t, tried, caught)
	assert.Greater(t, tried, 300, "the catalogue should reach most of the estate")
}

// TestMutationCatalogueIsLive keeps the catalogue honest: every entry applies to at least one
// resource of the production plan, so none silently tests nothing.
func TestMutationCatalogueIsLive(t *testing.T) {
	base, _ := productionSubjects(t)
	for _, m := range mutations {
		applies := false
		for _, r := range base {
			if m.types != nil && !slices.Contains(m.types, r.Type) || m.when != nil && !m.when(r) {
				continue
			}
			c := deepCopy(r)
			if m.drop || m.apply(&c) {
				applies = true
				break
			}
		}
		assert.True(t, applies, "%s (%s) matches nothing in the production plan", m.what, m.rule)
	}
}

func deepCopy(r rules.Resource) rules.Resource {
	r.Inputs = copyValue(r.Inputs).(map[string]any)
	r.Dependencies = slices.Clone(r.Dependencies)
	return r
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// setPath sets (or, with nil, deletes) the value at a property path; false if the path's
// parent does not exist or the value is already absent.
func setPath(inputs map[string]any, path string, v any) bool {
	p, err := resource.ParsePropertyPath(path)
	if err != nil || len(p) == 0 {
		return false
	}
	cur, ok := walk(inputs, p[:len(p)-1])
	if !ok {
		return false
	}
	switch k := p[len(p)-1].(type) {
	case string:
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if v == nil {
			if _, had := m[k]; !had {
				return false
			}
			delete(m, k)
			return true
		}
		m[k] = v
		return true
	case int:
		a, ok := cur.([]any)
		if !ok || k >= len(a) {
			return false
		}
		a[k] = v
		return true
	}
	return false
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
