package aws

import (
	"testing"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

var cfg = rulestest.Config

func res(typ, name string, inputs map[string]any) rules.Resource {
	return rulestest.Res(typ, name, inputs)
}

func dependsOn(r, on rules.Resource) rules.Resource { return rulestest.DependsOn(r, on) }

var (
	bucket       = res(TypeBucket, "phi", map[string]any{"tags": goodTags()})
	legacy       = res(TypeLegacyBucket, "old", map[string]any{"tags": goodTags()})
	elbLogBucket = res(TypeBucket, "alb-logs", map[string]any{"tags": map[string]any{"log-delivery": naming.LogDeliveryELB}})
)

func goodTags() map[string]any { return rulestest.GoodTags() }

func sse(algo, key string) rules.Resource {
	return dependsOn(res(TypeBucketSSE, "phi", map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": algo, "kmsMasterKeyId": key},
	}}}), bucket)
}

func pab(flags ...bool) rules.Resource {
	return dependsOn(res(TypeBucketPublicAccess, "phi", map[string]any{
		"blockPublicAcls": flags[0], "blockPublicPolicy": flags[1], "ignorePublicAcls": flags[2], "restrictPublicBuckets": flags[3],
	}), bucket)
}

func bucketPolicy(doc any) rules.Resource {
	return dependsOn(res(TypeBucketPolicy, "phi", map[string]any{"policy": doc}), bucket)
}

const tlsDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// ruleCase is one fixture, written positionally in each family's table.
type ruleCase struct {
	rule, name string
	resources  []rules.Resource
	violates   bool
	message    string
}

func toCases(in []ruleCase) []rulestest.Case {
	out := make([]rulestest.Case, len(in))
	for i, c := range in {
		out[i] = rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message}
	}
	return out
}

func with(base map[string]any, k string, v any) map[string]any { return rulestest.With(base, k, v) }

func baseCases() []ruleCase {
	key := func(inputs map[string]any) rules.Resource { return res(TypeKmsKey, "k", inputs) }
	logGroup := func(inputs map[string]any) rules.Resource { return res(TypeLogGroup, "lg", inputs) }
	trail := func(inputs map[string]any) rules.Resource { return res(TypeTrail, "t", inputs) }
	vpc := res(TypeVpc, "v", map[string]any{"tags": goodTags()})
	flowLog := func(traffic string) rules.Resource {
		return dependsOn(res(TypeFlowLog, "v", map[string]any{"trafficType": traffic}), vpc)
	}
	sg := func(from, to int64, cidr string) rules.Resource {
		return res(TypeSecurityGroup, "sg", map[string]any{"ingress": []any{map[string]any{
			"protocol": "tcp", "fromPort": from, "toPort": to, "cidrBlocks": []any{cidr},
		}}})
	}
	goodTrail := map[string]any{"isMultiRegionTrail": true, "enableLogFileValidation": true, "kmsKeyId": "arn:key", "enableLogging": true}

	return []ruleCase{

		{"aws-kms-key-rotation", "rotating", []rules.Resource{key(map[string]any{"enableKeyRotation": true, "rotationPeriodInDays": int64(365)})}, false, ""},
		{"aws-kms-key-rotation", "rotation off", []rules.Resource{key(map[string]any{"enableKeyRotation": false})}, true, "enableKeyRotation must be true"},
		{"aws-kms-key-rotation", "rotation unknown", []rules.Resource{key(map[string]any{"enableKeyRotation": rules.Unknown})}, true, "enableKeyRotation"},
		{"aws-kms-key-rotation", "rotation too slow", []rules.Resource{key(map[string]any{"enableKeyRotation": true, "rotationPeriodInDays": int64(730)})}, true, "at most 365"},

		{"aws-s3-encryption-cmk", "sse-kms with key", []rules.Resource{bucket, sse("aws:kms", "arn:key")}, false, ""},
		{"aws-s3-encryption-cmk", "key unknown at preview", []rules.Resource{bucket, sse("aws:kms", rules.Unknown)}, false, ""},
		{"aws-s3-encryption-cmk", "SSE-S3 on the load balancer log bucket", []rules.Resource{elbLogBucket, dependsOn(sse("AES256", ""), elbLogBucket)}, false, ""},
		{"aws-s3-encryption-cmk", "no encryption resource", []rules.Resource{bucket}, true, "no server-side encryption"},
		{"aws-s3-encryption-cmk", "AES256", []rules.Resource{bucket, sse("AES256", "")}, true, `sseAlgorithm is "AES256"`},
		{"aws-s3-encryption-cmk", "AWS-managed key", []rules.Resource{bucket, sse("aws:kms", "")}, true, "kmsMasterKeyId is not set"},

		{"aws-s3-public-access-blocked", "all blocked", []rules.Resource{bucket, pab(true, true, true, true)}, false, ""},
		{"aws-s3-public-access-blocked", "no block", []rules.Resource{bucket}, true, "no public access block"},
		{"aws-s3-public-access-blocked", "legacy bucket without a block", []rules.Resource{legacy}, true, "no public access block"},
		{"aws-s3-public-access-blocked", "legacy bucket blocked", []rules.Resource{legacy, dependsOn(res(TypeBucketPublicAccess, "old", map[string]any{
			"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true,
		}), legacy)}, false, ""},
		{"aws-s3-public-access-blocked", "policy allowed", []rules.Resource{bucket, pab(true, false, true, false)}, true, "blockPublicPolicy, restrictPublicBuckets"},

		{"aws-s3-versioning", "enabled", []rules.Resource{bucket, dependsOn(res(TypeBucketVersioning, "phi", map[string]any{"versioningConfiguration": map[string]any{"status": "Enabled"}}), bucket)}, false, ""},
		{"aws-s3-versioning", "suspended", []rules.Resource{bucket, dependsOn(res(TypeBucketVersioning, "phi", map[string]any{"versioningConfiguration": map[string]any{"status": "Suspended"}}), bucket)}, true, `"Suspended"`},
		{"aws-s3-versioning", "missing", []rules.Resource{bucket}, true, "no versioning"},

		{"aws-s3-tls-only", "deny insecure transport", []rules.Resource{bucket, bucketPolicy(tlsDeny)}, false, ""},
		{"aws-s3-tls-only", "policy unknown at preview", []rules.Resource{bucket, bucketPolicy(rules.Unknown)}, false, ""},
		{"aws-s3-tls-only", "allow-only policy", []rules.Resource{bucket, bucketPolicy(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`)}, true, "no Deny statement"},
		{"aws-s3-tls-only", "malformed policy", []rules.Resource{bucket, bucketPolicy("{")}, true, "not valid JSON"},
		{"aws-s3-tls-only", "no policy", []rules.Resource{bucket}, true, "no policy denying non-TLS"},
		{"aws-s3-tls-only", "legacy bucket without a policy", []rules.Resource{legacy}, true, "no policy denying non-TLS"},
		{"aws-s3-tls-only", "legacy bucket with the deny inline", []rules.Resource{res(TypeLegacyBucket, "old", map[string]any{"policy": tlsDeny})}, false, ""},
		{"aws-s3-tls-only", "legacy bucket with an inline policy that allows plain HTTP", []rules.Resource{res(TypeLegacyBucket, "old", map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`})}, true, "no Deny statement"},
		{"aws-s3-tls-only", "legacy bucket with a separate policy", []rules.Resource{legacy, dependsOn(res(TypeBucketPolicy, "old", map[string]any{"policy": tlsDeny}), legacy)}, false, ""},

		{"aws-cloudwatch-log-group-encrypted", "with key", []rules.Resource{logGroup(map[string]any{"kmsKeyId": "arn:key"})}, false, ""},
		{"aws-cloudwatch-log-group-encrypted", "key unknown at preview", []rules.Resource{logGroup(map[string]any{"kmsKeyId": rules.Unknown})}, false, ""},
		{"aws-cloudwatch-log-group-encrypted", "no key", []rules.Resource{logGroup(map[string]any{})}, true, "kmsKeyId is not set"},

		{"aws-cloudwatch-log-group-retention", "seven years", []rules.Resource{logGroup(map[string]any{"retentionInDays": int64(2557)})}, false, ""},
		{"aws-cloudwatch-log-group-retention", "never expires", []rules.Resource{logGroup(map[string]any{"retentionInDays": int64(0)})}, false, ""},
		{"aws-cloudwatch-log-group-retention", "unknown at preview", []rules.Resource{logGroup(map[string]any{"retentionInDays": rules.Unknown})}, true, "unknown at preview"},
		{"aws-cloudwatch-log-group-retention", "one year", []rules.Resource{logGroup(map[string]any{"retentionInDays": int64(365)})}, true, "retentionInDays is 365; at least 2190"},

		{"aws-cloudtrail-hardened", "hardened", []rules.Resource{trail(goodTrail)}, false, ""},
		{"aws-cloudtrail-hardened", "single region", []rules.Resource{trail(with(goodTrail, "isMultiRegionTrail", false))}, true, "isMultiRegionTrail"},
		{"aws-cloudtrail-hardened", "no validation", []rules.Resource{trail(with(goodTrail, "enableLogFileValidation", nil))}, true, "enableLogFileValidation"},
		{"aws-cloudtrail-hardened", "no key", []rules.Resource{trail(with(goodTrail, "kmsKeyId", nil))}, true, "kmsKeyId"},
		{"aws-cloudtrail-hardened", "logging unknown", []rules.Resource{trail(with(goodTrail, "enableLogging", rules.Unknown))}, true, "enableLogging is [unknown]"},
		{"aws-cloudtrail-hardened", "logging off", []rules.Resource{trail(with(goodTrail, "enableLogging", false))}, true, "enableLogging is false"},

		{"aws-vpc-flow-logs", "all traffic", []rules.Resource{vpc, flowLog("ALL")}, false, ""},
		{"aws-vpc-flow-logs", "no flow log", []rules.Resource{vpc}, true, "VPC has no flow log"},
		{"aws-vpc-flow-logs", "rejects only", []rules.Resource{vpc, flowLog("REJECT")}, true, `trafficType is "REJECT"`},

		{"aws-ec2-default-security-group-closed", "closed", []rules.Resource{res(TypeDefaultSecurityGroup, "d", map[string]any{"ingress": []any{}, "egress": []any{}})}, false, ""},
		{"aws-ec2-default-security-group-closed", "rules unknown", []rules.Resource{res(TypeDefaultSecurityGroup, "d", map[string]any{"ingress": rules.Unknown})}, true, "unknown at preview"},
		{"aws-ec2-default-security-group-closed", "ingress rule", []rules.Resource{res(TypeDefaultSecurityGroup, "d", map[string]any{"ingress": []any{map[string]any{"fromPort": int64(0)}}})}, true, "1 ingress rules"},

		{"aws-ec2-security-group-no-world-ingress", "https from anywhere at an internet-facing load balancer", []rules.Resource{sg(443, 443, "0.0.0.0/0"), dependsOn(res(TypeLoadBalancer, "alb", nil), sg(443, 443, "0.0.0.0/0"))}, false, ""},
		{"aws-ec2-security-group-no-world-ingress", "http redirect port at an internet-facing load balancer", []rules.Resource{sg(80, 80, "0.0.0.0/0"), dependsOn(res(TypeLoadBalancer, "alb", nil), sg(80, 80, "0.0.0.0/0"))}, false, ""},
		{"aws-ec2-security-group-no-world-ingress", "https from anywhere on no load balancer", []rules.Resource{sg(443, 443, "0.0.0.0/0")}, true, "opens ports 443-443/tcp"},
		{"aws-ec2-security-group-no-world-ingress", "https from anywhere at an internal load balancer", []rules.Resource{sg(443, 443, "0.0.0.0/0"), dependsOn(res(TypeLoadBalancer, "alb", map[string]any{"internal": true}), sg(443, 443, "0.0.0.0/0"))}, true, "443-443"},
		{"aws-ec2-security-group-no-world-ingress", "ssh from the VPC", []rules.Resource{sg(22, 22, "10.0.0.0/16")}, false, ""},
		{"aws-ec2-security-group-no-world-ingress", "ssh from anywhere", []rules.Resource{sg(22, 22, "0.0.0.0/0")}, true, "opens ports 22-22/tcp"},
		{"aws-ec2-security-group-no-world-ingress", "postgres from ipv6 anywhere", []rules.Resource{res(TypeSecurityGroup, "sg", map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": int64(5432), "toPort": int64(5432), "ipv6CidrBlocks": []any{"::/0"}}}})}, true, "5432-5432"},

		{"aws-sns-topic-encrypted", "customer-managed key", []rules.Resource{res(TypeSnsTopic, "alerts", map[string]any{"kmsMasterKeyId": "arn:key"})}, false, ""},
		{"aws-sns-topic-encrypted", "unencrypted", []rules.Resource{res(TypeSnsTopic, "alerts", map[string]any{})}, true, "kmsMasterKeyId is not set"},
		{"aws-sns-topic-encrypted", "AWS-managed key", []rules.Resource{res(TypeSnsTopic, "alerts", map[string]any{"kmsMasterKeyId": "alias/aws/sns"})}, true, "AWS-managed key"},
		{"aws-sns-topic-encrypted", "AWS-managed key by its alias ARN", []rules.Resource{res(TypeSnsTopic, "alerts", map[string]any{"kmsMasterKeyId": "arn:aws:kms:eu-west-2:123456789012:alias/aws/sns"})}, true, "AWS-managed key"},
		{"aws-sns-topic-encrypted", "customer-managed key by its alias ARN", []rules.Resource{res(TypeSnsTopic, "alerts", map[string]any{"kmsMasterKeyId": "arn:aws:kms:eu-west-2:123456789012:alias/healthhub-prod-logs"})}, false, ""},
	}
}

func TestRules(t *testing.T) {
	var cases []ruleCase
	for _, family := range [][]ruleCase{baseCases(), dataCases(), computeCases(), edgeCases(), backupSelectionCases(), guardCases()} {
		cases = append(cases, family...)
	}
	rulestest.Run(t, Rules, toCases(cases))
}

// find returns one of this package's rules by name.
func find(name string) (rules.Rule, bool) {
	for _, r := range Rules {
		if r.Name == name {
			return r, true
		}
	}
	return rules.Rule{}, false
}
