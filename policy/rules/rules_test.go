package rules

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var cfg = Config{AllowedRegions: []string{"eu-west-2", "eu-west-1"}, RetentionFloorDays: 2190, Environment: "production"}

const providerURN = "urn:pulumi:production::healthhub::pulumi:providers:aws::aws-primary"

func res(typ, name string, inputs map[string]any) Resource {
	return Resource{
		URN:  "urn:pulumi:production::healthhub::" + typ + "::" + name,
		Type: typ, Name: name, Provider: providerURN, Region: "eu-west-2", Protect: true, Inputs: inputs,
	}
}

func dependsOn(r Resource, on Resource) Resource {
	r.Dependencies = append(r.Dependencies, on.URN)
	return r
}

func unprotected(r Resource) Resource { r.Protect = false; return r }

func noProvider(r Resource) Resource { r.Provider = ""; return r }

func inRegion(r Resource, region string) Resource { r.Region = region; return r }

var (
	bucket       = res(TypeBucket, "phi", map[string]any{"tags": goodTags()})
	elbLogBucket = res(TypeBucket, "alb-logs", map[string]any{"tags": map[string]any{"log-delivery": LogDeliveryELB}})
)

func goodTags() map[string]any {
	return map[string]any{"environment": "production", "data-classification": "phi", "owner": "platform"}
}

func sse(algo, key string) Resource {
	return dependsOn(res(TypeBucketSSE, "phi", map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": algo, "kmsMasterKeyId": key},
	}}}), bucket)
}

func pab(flags ...bool) Resource {
	return dependsOn(res(TypeBucketPublicAccess, "phi", map[string]any{
		"blockPublicAcls": flags[0], "blockPublicPolicy": flags[1], "ignorePublicAcls": flags[2], "restrictPublicBuckets": flags[3],
	}), bucket)
}

func bucketPolicy(doc any) Resource {
	return dependsOn(res(TypeBucketPolicy, "phi", map[string]any{"policy": doc}), bucket)
}

const tlsDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// ruleCase is one fixture: resources and whether the rule must flag them. Each family's test
// file contributes its cases; TestRules runs them all and checks every rule has a violating one.
type ruleCase struct {
	rule      string
	name      string
	resources []Resource
	violates  bool
	message   string
}

// with returns a copy of inputs with k set to v, or removed when v is nil.
func with(base map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range base {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func baseCases() []ruleCase {
	key := func(inputs map[string]any) Resource { return res(TypeKmsKey, "k", inputs) }
	logGroup := func(inputs map[string]any) Resource { return res(TypeLogGroup, "lg", inputs) }
	trail := func(inputs map[string]any) Resource { return res(TypeTrail, "t", inputs) }
	vpc := res(TypeVpc, "v", map[string]any{"tags": goodTags()})
	flowLog := func(traffic string) Resource {
		return dependsOn(res(TypeFlowLog, "v", map[string]any{"trafficType": traffic}), vpc)
	}
	sg := func(from, to int64, cidr string) Resource {
		return res(TypeSecurityGroup, "sg", map[string]any{"ingress": []any{map[string]any{
			"protocol": "tcp", "fromPort": from, "toPort": to, "cidrBlocks": []any{cidr},
		}}})
	}
	provider := func(region any) Resource {
		return Resource{URN: providerURN, Type: TypeAWSProvider, Name: "aws-primary", Inputs: map[string]any{"region": region}}
	}
	goodTrail := map[string]any{"isMultiRegionTrail": true, "enableLogFileValidation": true, "kmsKeyId": "arn:key", "enableLogging": true}

	return []ruleCase{
		{"region-allow-list", "allowed provider region", []Resource{provider("eu-west-2"), bucket}, false, ""},
		{"region-allow-list", "provider outside allow-list", []Resource{provider("us-west-2")}, true, "us-west-2 is not in the allowed regions"},
		{"region-allow-list", "provider without region", []Resource{provider(nil)}, true, "no explicit region"},
		{"region-allow-list", "provider region unknown", []Resource{provider(Unknown)}, true, "no explicit region"},
		{"region-allow-list", "resource on default provider", []Resource{noProvider(bucket)}, true, "default provider"},
		{"region-allow-list", "resource in a disallowed region", []Resource{inRegion(bucket, "ap-south-1")}, true, "in region ap-south-1, outside the allowed regions"},
		{"region-allow-list", "kubernetes provider is not regional", []Resource{{URN: "urn:k8s", Type: "pulumi:providers:kubernetes", Inputs: map[string]any{"kubeconfig": Secret}}}, false, ""},
		{"region-allow-list", "azure provider location", []Resource{{URN: "urn:az", Type: "pulumi:providers:azure-native", Inputs: map[string]any{"location": "uksouth"}}}, true, "uksouth is not in the allowed regions"},
		{"region-allow-list", "gcp provider without region", []Resource{{URN: "urn:gcp", Type: "pulumi:providers:gcp", Inputs: map[string]any{}}}, true, "no explicit region"},
		{"region-allow-list", "component needs no provider", []Resource{noProvider(res("healthhub:aws:Network", "n", nil))}, false, ""},

		{"stateful-resources-protected", "protected key", []Resource{key(nil)}, false, ""},
		{"stateful-resources-protected", "unprotected bucket", []Resource{unprotected(bucket)}, true, "not protected in production"},

		{"required-tags", "tagged", []Resource{bucket}, false, ""},
		{"required-tags", "missing owner", []Resource{res(TypeVpc, "v", map[string]any{"tags": map[string]any{"environment": "x", "data-classification": "phi"}})}, true, "missing tags: owner"},
		{"required-tags", "untagged subnet group", []Resource{res("aws:rds/subnetGroup:SubnetGroup", "sg", map[string]any{"subnetIds": []any{"s-1"}})}, true, "environment, data-classification, owner"},
		{"required-tags", "OIDC provider without owner", []Resource{res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc", map[string]any{"tags": map[string]any{"environment": "x", "data-classification": "phi"}})}, true, "missing tags: owner"},
		{"required-tags", "any tagged resource is checked", []Resource{res("aws:ecr/repository:Repository", "r", map[string]any{"tags": map[string]any{}})}, true, "environment, data-classification, owner"},
		{"required-tags", "untagged", []Resource{res(TypeLogGroup, "lg", map[string]any{})}, true, "environment, data-classification, owner"},

		{"aws-kms-key-rotation", "rotating", []Resource{key(map[string]any{"enableKeyRotation": true, "rotationPeriodInDays": int64(365)})}, false, ""},
		{"aws-kms-key-rotation", "rotation off", []Resource{key(map[string]any{"enableKeyRotation": false})}, true, "enableKeyRotation must be true"},
		{"aws-kms-key-rotation", "rotation unknown", []Resource{key(map[string]any{"enableKeyRotation": Unknown})}, true, "enableKeyRotation"},
		{"aws-kms-key-rotation", "rotation too slow", []Resource{key(map[string]any{"enableKeyRotation": true, "rotationPeriodInDays": int64(730)})}, true, "at most 365"},

		{"aws-s3-encryption-cmk", "sse-kms with key", []Resource{bucket, sse("aws:kms", "arn:key")}, false, ""},
		{"aws-s3-encryption-cmk", "key unknown at preview", []Resource{bucket, sse("aws:kms", Unknown)}, false, ""},
		{"aws-s3-encryption-cmk", "SSE-S3 on the load balancer log bucket", []Resource{elbLogBucket, dependsOn(sse("AES256", ""), elbLogBucket)}, false, ""},
		{"aws-s3-encryption-cmk", "no encryption resource", []Resource{bucket}, true, "no server-side encryption"},
		{"aws-s3-encryption-cmk", "AES256", []Resource{bucket, sse("AES256", "")}, true, `sseAlgorithm is "AES256"`},
		{"aws-s3-encryption-cmk", "AWS-managed key", []Resource{bucket, sse("aws:kms", "")}, true, "kmsMasterKeyId is not set"},

		{"aws-s3-public-access-blocked", "all blocked", []Resource{bucket, pab(true, true, true, true)}, false, ""},
		{"aws-s3-public-access-blocked", "no block", []Resource{bucket}, true, "no public access block"},
		{"aws-s3-public-access-blocked", "policy allowed", []Resource{bucket, pab(true, false, true, false)}, true, "blockPublicPolicy, restrictPublicBuckets"},

		{"aws-s3-versioning", "enabled", []Resource{bucket, dependsOn(res(TypeBucketVersioning, "phi", map[string]any{"versioningConfiguration": map[string]any{"status": "Enabled"}}), bucket)}, false, ""},
		{"aws-s3-versioning", "suspended", []Resource{bucket, dependsOn(res(TypeBucketVersioning, "phi", map[string]any{"versioningConfiguration": map[string]any{"status": "Suspended"}}), bucket)}, true, `"Suspended"`},
		{"aws-s3-versioning", "missing", []Resource{bucket}, true, "no versioning"},

		{"aws-s3-tls-only", "deny insecure transport", []Resource{bucket, bucketPolicy(tlsDeny)}, false, ""},
		{"aws-s3-tls-only", "policy unknown at preview", []Resource{bucket, bucketPolicy(Unknown)}, false, ""},
		{"aws-s3-tls-only", "allow-only policy", []Resource{bucket, bucketPolicy(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`)}, true, "no Deny statement"},
		{"aws-s3-tls-only", "malformed policy", []Resource{bucket, bucketPolicy("{")}, true, "not valid JSON"},
		{"aws-s3-tls-only", "no policy", []Resource{bucket}, true, "no policy denying non-TLS"},

		{"aws-log-group-encrypted", "with key", []Resource{logGroup(map[string]any{"kmsKeyId": "arn:key"})}, false, ""},
		{"aws-log-group-encrypted", "key unknown at preview", []Resource{logGroup(map[string]any{"kmsKeyId": Unknown})}, false, ""},
		{"aws-log-group-encrypted", "no key", []Resource{logGroup(map[string]any{})}, true, "kmsKeyId is not set"},

		{"aws-log-group-retention", "seven years", []Resource{logGroup(map[string]any{"retentionInDays": int64(2557)})}, false, ""},
		{"aws-log-group-retention", "never expires", []Resource{logGroup(map[string]any{"retentionInDays": int64(0)})}, false, ""},
		{"aws-log-group-retention", "unknown at preview", []Resource{logGroup(map[string]any{"retentionInDays": Unknown})}, true, "unknown at preview"},
		{"aws-log-group-retention", "one year", []Resource{logGroup(map[string]any{"retentionInDays": int64(365)})}, true, "retentionInDays is 365; at least 2190"},

		{"aws-cloudtrail-hardened", "hardened", []Resource{trail(goodTrail)}, false, ""},
		{"aws-cloudtrail-hardened", "single region", []Resource{trail(with(goodTrail, "isMultiRegionTrail", false))}, true, "isMultiRegionTrail"},
		{"aws-cloudtrail-hardened", "no validation", []Resource{trail(with(goodTrail, "enableLogFileValidation", nil))}, true, "enableLogFileValidation"},
		{"aws-cloudtrail-hardened", "no key", []Resource{trail(with(goodTrail, "kmsKeyId", nil))}, true, "kmsKeyId"},
		{"aws-cloudtrail-hardened", "logging unknown", []Resource{trail(with(goodTrail, "enableLogging", Unknown))}, true, "enableLogging is [unknown]"},
		{"aws-cloudtrail-hardened", "logging off", []Resource{trail(with(goodTrail, "enableLogging", false))}, true, "enableLogging is false"},

		{"aws-vpc-flow-logs", "all traffic", []Resource{vpc, flowLog("ALL")}, false, ""},
		{"aws-vpc-flow-logs", "no flow log", []Resource{vpc}, true, "VPC has no flow log"},
		{"aws-vpc-flow-logs", "rejects only", []Resource{vpc, flowLog("REJECT")}, true, `trafficType is "REJECT"`},

		{"aws-default-security-group-closed", "closed", []Resource{res(TypeDefaultSecurityGroup, "d", map[string]any{"ingress": []any{}, "egress": []any{}})}, false, ""},
		{"aws-default-security-group-closed", "rules unknown", []Resource{res(TypeDefaultSecurityGroup, "d", map[string]any{"ingress": Unknown})}, true, "unknown at preview"},
		{"aws-default-security-group-closed", "ingress rule", []Resource{res(TypeDefaultSecurityGroup, "d", map[string]any{"ingress": []any{map[string]any{"fromPort": int64(0)}}})}, true, "1 ingress rules"},

		{"aws-security-group-no-world-ingress", "https from anywhere at an internet-facing load balancer", []Resource{sg(443, 443, "0.0.0.0/0"), dependsOn(res(TypeLoadBalancer, "alb", nil), sg(443, 443, "0.0.0.0/0"))}, false, ""},
		{"aws-security-group-no-world-ingress", "http redirect port at an internet-facing load balancer", []Resource{sg(80, 80, "0.0.0.0/0"), dependsOn(res(TypeLoadBalancer, "alb", nil), sg(80, 80, "0.0.0.0/0"))}, false, ""},
		{"aws-security-group-no-world-ingress", "https from anywhere on no load balancer", []Resource{sg(443, 443, "0.0.0.0/0")}, true, "opens ports 443-443/tcp"},
		{"aws-security-group-no-world-ingress", "https from anywhere at an internal load balancer", []Resource{sg(443, 443, "0.0.0.0/0"), dependsOn(res(TypeLoadBalancer, "alb", map[string]any{"internal": true}), sg(443, 443, "0.0.0.0/0"))}, true, "443-443"},
		{"aws-security-group-no-world-ingress", "ssh from the VPC", []Resource{sg(22, 22, "10.0.0.0/16")}, false, ""},
		{"aws-security-group-no-world-ingress", "ssh from anywhere", []Resource{sg(22, 22, "0.0.0.0/0")}, true, "opens ports 22-22/tcp"},
		{"aws-security-group-no-world-ingress", "postgres from ipv6 anywhere", []Resource{res(TypeSecurityGroup, "sg", map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": int64(5432), "toPort": int64(5432), "ipv6CidrBlocks": []any{"::/0"}}}})}, true, "5432-5432"},

		{"aws-sns-topic-encrypted", "customer-managed key", []Resource{res(TypeSnsTopic, "alerts", map[string]any{"kmsMasterKeyId": "arn:key"})}, false, ""},
		{"aws-sns-topic-encrypted", "unencrypted", []Resource{res(TypeSnsTopic, "alerts", map[string]any{})}, true, "kmsMasterKeyId is not set"},
		{"aws-sns-topic-encrypted", "AWS-managed key", []Resource{res(TypeSnsTopic, "alerts", map[string]any{"kmsMasterKeyId": "alias/aws/sns"})}, true, "AWS-managed key"},
	}
}

func TestRules(t *testing.T) {
	var tests []ruleCase
	for _, family := range [][]ruleCase{baseCases(), dataCases(), computeCases(), edgeCases(), drCases(), kubernetesCases()} {
		tests = append(tests, family...)
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			rule, ok := Find(tt.rule)
			require.True(t, ok)
			vs := Evaluate([]Rule{rule}, tt.resources, cfg)
			if !tt.violates {
				assert.Empty(t, vs)
				return
			}
			require.NotEmpty(t, vs)
			assert.Equal(t, tt.rule, vs[0].Policy)
			assert.Equal(t, rule.Level, vs[0].Level)
			assert.Contains(t, vs[0].Message, tt.message)
			assert.NotEmpty(t, vs[0].URN)
		})
		if tt.violates {
			covered[tt.rule] = true
		}
	}
	for _, r := range All {
		assert.True(t, covered[r.Name], "rule %s has no violating fixture", r.Name)
	}
}

func TestRuleMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All {
		assert.False(t, seen[r.Name], "duplicate rule name %s", r.Name)
		seen[r.Name] = true
		assert.Regexp(t, `^[a-z0-9-]+$`, r.Name)
		assert.Regexp(t, `164\.3\d\d`, r.Description, "%s must cite the HIPAA Security Rule section it serves", r.Name)
		assert.Contains(t, []Level{Mandatory, Advisory}, r.Level)
		assert.True(t, (r.Check != nil) != (r.CheckStack != nil), "%s must have exactly one check", r.Name)
	}
}

func TestStatefulRuleOnlyInProduction(t *testing.T) {
	rule, _ := Find("stateful-resources-protected")
	dev := cfg
	dev.Environment = "dev"
	assert.Empty(t, Evaluate([]Rule{rule}, []Resource{unprotected(bucket)}, dev))
}

func TestPlain(t *testing.T) {
	m := resource.PropertyMap{
		"password": resource.MakeSecret(resource.NewProperty("hunter2")),
		"arn":      resource.MakeComputed(resource.NewProperty("")),
		"count":    resource.NewProperty(3.0),
		"ratio":    resource.NewProperty(0.5),
		"nested":   resource.NewProperty(resource.PropertyMap{"list": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(true)})}),
		"out":      resource.NewProperty(resource.Output{Element: resource.NewProperty("x"), Known: true, Secret: true}),
	}
	assert.Equal(t, map[string]any{
		"password": Secret, "arn": Unknown, "count": int64(3), "ratio": 0.5,
		"nested": map[string]any{"list": []any{true}}, "out": Secret,
	}, PlainMap(m))
}
