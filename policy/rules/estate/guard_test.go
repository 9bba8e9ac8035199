package estate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/aws"
)

// guardFixture is one resource a team may add, with whatever it needs beside it.
type guardFixture struct {
	name      string
	resources []rules.Resource
}

func tagged(inputs map[string]any) map[string]any {
	inputs["tags"] = goodTags()
	return inputs
}

// secureLegacyBucket is encrypted, private, versioned, logged and replicated, in region.
func secureLegacyBucket(name string) map[string]any {
	return tagged(map[string]any{
		"acl": "private",
		"serverSideEncryptionConfiguration": map[string]any{"rule": map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:key"},
		}},
		"versioning": map[string]any{"enabled": true},
		"loggings":   []any{map[string]any{"targetBucket": "access-logs", "targetPrefix": name + "/"}},
		"policy":     `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
	})
}

// blocked is the public access block of a bucket.
func blocked(bucket rules.Resource) rules.Resource {
	return dependsOn(res(aws.TypeBucketPublicAccess, bucket.Name, map[string]any{
		"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true,
	}), bucket)
}

func secureGuarded() []guardFixture {
	drBucket := inRegion(res(aws.TypeLegacyBucket, "records-dr", secureLegacyBucket("records-dr")), "eu-west-1")
	source := secureLegacyBucket("records")
	source["replicationConfiguration"] = map[string]any{"role": "arn:role", "rules": []any{map[string]any{
		"status": "Enabled", "destination": map[string]any{"bucket": rules.Unknown, "replicaKmsKeyId": "arn:dr-key"},
	}}}
	sourceBucket := dependsOn(res(aws.TypeLegacyBucket, "records", source), drBucket)
	template := res(aws.TypeLaunchTemplate, "workers", tagged(map[string]any{
		"metadataOptions":     map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(1)},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "true", "kmsKeyId": "arn:key"}}},
		"networkInterfaces":   []any{map[string]any{"deviceIndex": int64(0), "associatePublicIpAddress": "false"}},
	}))

	return []guardFixture{
		{"EBS volume", []rules.Resource{res(aws.TypeEbsVolume, "data", tagged(map[string]any{"encrypted": true, "kmsKeyId": "arn:key", "size": int64(100)}))}},
		{"EFS file system", []rules.Resource{res(aws.TypeEfsFileSystem, "shared", tagged(map[string]any{"encrypted": true, "kmsKeyId": "arn:key"}))}},
		{"ECR repository", []rules.Resource{res(aws.TypeEcrRepository, "app", tagged(map[string]any{
			"encryptionConfigurations": []any{map[string]any{"encryptionType": "KMS", "kmsKey": "arn:key"}},
		}))}},
		{"EC2 instance", []rules.Resource{res(aws.TypeInstance, "bastion", tagged(map[string]any{
			"associatePublicIpAddress": false,
			"metadataOptions":          map[string]any{"httpTokens": "required"},
			"rootBlockDevice":          map[string]any{"encrypted": true, "kmsKeyId": "arn:key"},
			"ebsBlockDevices":          []any{map[string]any{"deviceName": "/dev/sdf", "encrypted": true, "kmsKeyId": "arn:key"}},
		}))}},
		{"EC2 instance from a launch template", []rules.Resource{template, dependsOn(res(aws.TypeInstance, "worker", tagged(map[string]any{
			"launchTemplate": map[string]any{"id": rules.Unknown, "version": "$Latest"},
		})), template)}},
		{"launch configuration", []rules.Resource{res(aws.TypeLaunchConfiguration, "workers", map[string]any{
			"associatePublicIpAddress": false,
			"metadataOptions":          map[string]any{"httpTokens": "required"},
			"rootBlockDevice":          map[string]any{"encrypted": true},
		})}},
		{"launch template without public IPs", []rules.Resource{template}},
		{"classic load balancer", []rules.Resource{res(aws.TypeClassicELB, "legacy", tagged(map[string]any{
			"internal":   true,
			"accessLogs": map[string]any{"bucket": "elb-logs", "enabled": true},
			"listeners":  []any{map[string]any{"lbPort": int64(443), "lbProtocol": "HTTPS", "instancePort": int64(8443), "instanceProtocol": "HTTPS", "sslCertificateId": "arn:cert"}},
		}))}},
		{"legacy bucket replicated to DR", []rules.Resource{sourceBucket, drBucket, blocked(sourceBucket), blocked(drBucket)}},
		{"Athena database", []rules.Resource{res(aws.TypeAthenaDatabase, "records", map[string]any{
			"bucket": "athena-results", "encryptionConfiguration": map[string]any{"encryptionOption": "SSE_KMS", "kmsKey": "arn:key"},
		})}},
		{"Athena workgroup", []rules.Resource{res(aws.TypeAthenaWorkgroup, "analysts", tagged(map[string]any{"configuration": map[string]any{
			"enforceWorkgroupConfiguration": true,
			"resultConfiguration": map[string]any{"outputLocation": "s3://athena-results/",
				"encryptionConfiguration": map[string]any{"encryptionOption": "SSE_KMS", "kmsKeyArn": "arn:key"}},
		}}))}},
		{"AppFlow flow", []rules.Resource{res(aws.TypeAppFlowFlow, "crm", tagged(map[string]any{"kmsArn": "arn:key"}))}},
		{"AppFlow connector profile", []rules.Resource{res(aws.TypeAppFlowConnector, "crm", map[string]any{"kmsArn": "arn:key", "connectorType": "Salesforce"})}},
		{"KMS key keeping the lockout check", []rules.Resource{res(aws.TypeKmsKey, "phi", tagged(map[string]any{
			"enableKeyRotation": true, "rotationPeriodInDays": int64(365), "bypassPolicyLockoutSafetyCheck": false,
		}))}},
		{"HTTP API stage with an access-log format", []rules.Resource{res(aws.TypeHTTPStage, "api", tagged(map[string]any{
			"accessLogSettings": map[string]any{"destinationArn": "arn:log-group", "format": `{"requestId":"$context.requestId"}`},
		}))}},
		{"account password policy", []rules.Resource{res(aws.TypePasswordPolicy, "account", map[string]any{
			"minimumPasswordLength": int64(14), "passwordReusePrevention": int64(24), "maxPasswordAge": int64(90),
			"requireLowercaseCharacters": true, "requireUppercaseCharacters": true, "requireNumbers": true, "requireSymbols": true,
		})}},
	}
}

// insecureGuarded are the same types as a new user writes them first, each with the rule that
// must stop it.
func insecureGuarded() []struct {
	rule string
	r    rules.Resource
} {
	return []struct {
		rule string
		r    rules.Resource
	}{
		{"aws-ebs-volume-encrypted-cmk", res(aws.TypeEbsVolume, "data", tagged(map[string]any{"size": int64(100)}))},
		{"aws-efs-encrypted-cmk", res(aws.TypeEfsFileSystem, "shared", tagged(map[string]any{}))},
		{"aws-ecr-encrypted-cmk", res(aws.TypeEcrRepository, "app", tagged(map[string]any{}))},
		{"aws-ec2-instance-hardened", res(aws.TypeInstance, "bastion", tagged(map[string]any{"associatePublicIpAddress": true}))},
		{"aws-ec2-instance-hardened", res(aws.TypeLaunchConfiguration, "workers", map[string]any{"associatePublicIpAddress": true})},
		{"aws-elb-classic-hardened", res(aws.TypeClassicELB, "legacy", tagged(map[string]any{
			"listeners": []any{map[string]any{"lbPort": int64(80), "lbProtocol": "HTTP", "instancePort": int64(80), "instanceProtocol": "HTTP"}},
		}))},
		{"aws-s3-legacy-bucket-hardened", res(aws.TypeLegacyBucket, "records", tagged(map[string]any{"acl": "public-read"}))},
		{"aws-athena-encrypted-cmk", res(aws.TypeAthenaDatabase, "records", map[string]any{"bucket": "athena-results"})},
		{"aws-athena-encrypted-cmk", res(aws.TypeAthenaWorkgroup, "analysts", tagged(map[string]any{"configuration": map[string]any{"enforceWorkgroupConfiguration": false}}))},
		{"aws-appflow-encrypted-cmk", res(aws.TypeAppFlowFlow, "crm", tagged(map[string]any{}))},
		{"aws-appflow-encrypted-cmk", res(aws.TypeAppFlowConnector, "crm", map[string]any{"connectorType": "Salesforce"})},
		{"aws-kms-key-lockout-safety-check", res(aws.TypeKmsKey, "phi", tagged(map[string]any{"enableKeyRotation": true, "bypassPolicyLockoutSafetyCheck": true}))},
		{"aws-iam-password-policy", res(aws.TypePasswordPolicy, "account", map[string]any{"minimumPasswordLength": int64(8)})},
		{"aws-ec2-launch-template-hardened", res(aws.TypeLaunchTemplate, "workers", tagged(map[string]any{
			"metadataOptions":   map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(1)},
			"networkInterfaces": []any{map[string]any{"deviceIndex": int64(0), "associatePublicIpAddress": "true"}},
		}))},
		{"aws-api-gateway-access-logs", res(aws.TypeHTTPStage, "api", tagged(map[string]any{"accessLogSettings": map[string]any{"destinationArn": "arn:log-group", "format": ""}}))},
		{"estate-phi-dr-copy", res(aws.TypeLegacyBucket, "unreplicated", secureLegacyBucket("unreplicated"))},
	}
}

// TestGuardedTypesSecure runs the whole pack over a secure resource of each type a team may
// add: not even an advisory finding.
func TestGuardedTypesSecure(t *testing.T) {
	for _, f := range secureGuarded() {
		t.Run(f.name, func(t *testing.T) {
			assert.Empty(t, Evaluate(f.resources, cfg))
		})
	}
}

func TestGuardedTypesInsecure(t *testing.T) {
	for _, tt := range insecureGuarded() {
		t.Run(tt.r.Type, func(t *testing.T) {
			vs := Evaluate([]rules.Resource{tt.r}, cfg)
			mandatory, _ := rules.Count(vs)
			require.Positive(t, mandatory, "a mandatory finding")
			var policies []string
			for _, v := range vs {
				policies = append(policies, v.Policy)
			}
			assert.Contains(t, policies, tt.rule)
		})
	}
}

// TestGuardedTypesInProfile: the added stores are protected in production and carry tags.
func TestGuardedTypesInProfile(t *testing.T) {
	for _, typ := range []string{aws.TypeEbsVolume, aws.TypeEfsFileSystem, aws.TypeLegacyBucket} {
		assert.Contains(t, aws.Profile.Stateful, typ)
		vs := Evaluate([]rules.Resource{unprotected(res(typ, "store", tagged(map[string]any{})))}, cfg)
		var policies []string
		for _, v := range vs {
			policies = append(policies, v.Policy)
		}
		assert.Contains(t, policies, "estate-stateful-protected", typ)
	}
	for _, typ := range []string{aws.TypeEbsVolume, aws.TypeEcrRepository, aws.TypeInstance, aws.TypeClassicELB, aws.TypeLegacyBucket, aws.TypeAthenaWorkgroup, aws.TypeAppFlowFlow} {
		rule, _ := Find("estate-required-tags")
		vs := rules.Evaluate([]rules.Rule{rule}, []rules.Resource{res(typ, "untagged", map[string]any{})}, cfg)
		assert.Len(t, vs, 1, "%s must carry the estate's tags", typ)
	}
}
