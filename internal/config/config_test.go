package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func valid() map[string]string {
	return map[string]string{
		"cloud":             "aws",
		"environment":       "production",
		"primaryRegion":     "eu-west-2",
		"drRegion":          "eu-west-1",
		"allowedRegions":    `["eu-west-2","eu-west-1","us-east-1"]`,
		"retentionDays":     "2555",
		"alertEmail":        "oncall@healthhub.example",
		"owner":             "platform",
		"costCentre":        "cc-1234",
		KeyDatabasePassword: SecretPlaceholder,
		KeyCacheAuthToken:   SecretPlaceholder,
		KeyOpenAIApiKey:     SecretPlaceholder,
		KeyAzureSpeechKey:   SecretPlaceholder,
		KeyGoogleVisionKey:  SecretPlaceholder,
		KeyPagerURL:         SecretPlaceholder,
		"aws":               `{"loadBalancer":{"certificateArn":"` + testCertificate + `"},` + testAPI + `}`,
	}
}

func with(changes map[string]string) map[string]string {
	raw := valid()
	for k, v := range changes {
		if v == "<unset>" {
			delete(raw, k)
			continue
		}
		raw[k] = v
	}
	return raw
}

// awsWith is a valid aws object plus the given fields.
func awsWith(fields string) string {
	return `{"loadBalancer":{"certificateArn":"` + testCertificate + `"},` + testAPI + `,` + fields + `}`
}

// testAPI is the api object every valid test config carries.
const testAPI = `"api":{"domainName":"api.healthhub.example","certificateArn":"` + testCertificate + `"},` +
	`"frontend":{"domainName":"app.healthhub.example","certificateArn":"` + testEdgeCertificate + `"}`

const testEdgeCertificate = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"

const testCertificate = "arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"

func awsJSON(vpc, dr string, azs int, nat string) string {
	return fmt.Sprintf(`{"vpcCidr":%q,"drVpcCidr":%q,"availabilityZones":%d,"natGateways":%q,"loadBalancer":{"certificateArn":%q},%s}`, vpc, dr, azs, nat, testCertificate, testAPI)
}

func TestParseValid(t *testing.T) {
	cfg, err := Parse(valid())
	require.NoError(t, err)
	assert.Equal(t, "aws", cfg.Cloud)
	assert.True(t, cfg.Production())
	assert.Equal(t, []string{"eu-west-2", "eu-west-1", "us-east-1"}, cfg.AllowedRegions)
	assert.Equal(t, 2555, cfg.RetentionDays)
	assert.Equal(t, 2192, cfg.LogRetentionDays, "default from Keys")
	assert.Equal(t, AWS{VpcCidr: "10.20.0.0/16", DrVpcCidr: "10.21.0.0/16", AvailabilityZones: 3, NatGateways: "per-az", Database: defaultDatabase, Cache: defaultCache, LoadBalancer: testLB, EKS: defaultEKS, API: testAPIConfig, MonthlyBudgetUsd: 20000, Tables: Tables{false, 10, 1000, 70}, Frontend: Frontend{"app.healthhub.example", testEdgeCertificate}}, cfg.AWS)
	assert.Equal(t, []string{"GB", "IE", "US"}, cfg.AllowedCountries, "default from Keys")
}

var (
	defaultDatabase = Database{EngineVersion: "16.4", InstanceClass: "db.r6g.large", Instances: 2, BackupRetentionDays: 35}
	defaultCache    = Cache{EngineVersion: "7.1", NodeType: "cache.r7g.large", Nodes: 2}
	testLB          = LoadBalancer{CertificateArn: testCertificate, TargetPort: 8443, RateLimit: 2000}
	testAPIConfig   = API{DomainName: "api.healthhub.example", CertificateArn: testCertificate, RateLimit: 100, BurstLimit: 200}
	defaultEKS      = EKS{KubernetesVersion: "1.31", NodeGroups: NodeGroups{
		System: NodeGroup{"m7i.large", 2, 4}, App: NodeGroup{"m7i.xlarge", 3, 12}, GPU: NodeGroup{"g5.xlarge", 0, 4},
	}}
)

func databaseJSON(d string) string {
	return `{"vpcCidr":"10.20.0.0/16","drVpcCidr":"10.21.0.0/16","availabilityZones":3,"natGateways":"per-az","database":` + d + `,"loadBalancer":{"certificateArn":"` + testCertificate + `"},` + testAPI + `}`
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		key     string
		message string
	}{
		{"unknown cloud", map[string]string{"cloud": "oracle"}, "cloud", "must be one of aws, gcp, azure"},
		{"unknown environment", map[string]string{"environment": "prod"}, "environment", "must be one of production, staging, dev"},
		{"missing environment", map[string]string{"environment": "<unset>"}, "environment", "must be one of"},
		{"primary region not allowed", map[string]string{"primaryRegion": "ap-south-1"}, "primaryRegion", "must be one of allowedRegions"},
		{"dr region equals primary", map[string]string{"drRegion": "eu-west-2"}, "drRegion", "must differ from primaryRegion"},
		{"missing dr region", map[string]string{"drRegion": "<unset>"}, "drRegion", "required"},
		{"malformed region", map[string]string{"primaryRegion": "London"}, "primaryRegion", "not a region name"},
		{"gcp region on aws", map[string]string{"allowedRegions": `["europe-west2"]`}, "allowedRegions", "not a region name"},
		{"allowed regions not a list", map[string]string{"allowedRegions": "eu-west-2"}, "allowedRegions", "non-empty list"},
		{"allowed regions empty", map[string]string{"allowedRegions": "[]"}, "allowedRegions", "non-empty list"},
		{"allowed region twice", map[string]string{"allowedRegions": `["eu-west-2","eu-west-2","eu-west-1"]`}, "allowedRegions", "listed twice"},
		{"retention below floor", map[string]string{"retentionDays": "365"}, "retentionDays", "at least 2190"},
		{"retention not a number", map[string]string{"retentionDays": "seven years"}, "retentionDays", "whole number"},
		{"log retention not a CloudWatch value", map[string]string{"logRetentionDays": "2200"}, "logRetentionDays", "2192, 2557"},
		{"log retention below floor", map[string]string{"logRetentionDays": "90"}, "logRetentionDays", "at least 2190"},
		{"malformed e-mail", map[string]string{"alertEmail": "oncall-at-example"}, "alertEmail", "plain e-mail address"},
		{"e-mail with display name", map[string]string{"alertEmail": "On Call <oncall@example.org>"}, "alertEmail", "plain e-mail address"},
		{"owner not label-safe", map[string]string{"owner": "Platform Team"}, "owner", "GCP label value"},
		{"missing cost centre", map[string]string{"costCentre": "<unset>"}, "costCentre", "required"},
		{"unknown key", map[string]string{"retentionDay": "2555"}, "retentionDay", "unknown key"},
		{"aws not an object", map[string]string{"aws": "[]"}, "aws", "must be an object"},
		{"aws unknown field", map[string]string{"aws": `{"vpcCidr":"10.20.0.0/16","vpc_cidr":"x"}`}, "aws", "unknown field"},
		{"vpc cidr malformed", map[string]string{"aws": awsJSON("10.20.0.0", "10.21.0.0/16", 3, "per-az")}, "aws.vpcCidr", "CIDR form"},
		{"vpc cidr public", map[string]string{"aws": awsJSON("8.8.0.0/16", "10.21.0.0/16", 3, "per-az")}, "aws.vpcCidr", "private range"},
		{"vpc cidr too small", map[string]string{"aws": awsJSON("10.20.0.0/24", "10.21.0.0/16", 3, "per-az")}, "aws.vpcCidr", "between /16 and /20"},
		{"vpc cidr host bits set", map[string]string{"aws": awsJSON("10.20.1.0/16", "10.21.0.0/16", 3, "per-az")}, "aws.vpcCidr", "network address"},
		{"cidrs overlap", map[string]string{"aws": awsJSON("10.20.0.0/16", "10.20.16.0/20", 3, "per-az")}, "aws.drVpcCidr", "must not overlap"},
		{"two AZs in production", map[string]string{"aws": awsJSON("10.20.0.0/16", "10.21.0.0/16", 2, "per-az")}, "aws.availabilityZones", "must be 3 in production"},
		{"single NAT in production", map[string]string{"aws": awsJSON("10.20.0.0/16", "10.21.0.0/16", 3, "single")}, "aws.natGateways", "per-az in production"},
		{"database version unpinned", map[string]string{"aws": databaseJSON(`{"engineVersion":"16"}`)}, "aws.database.engineVersion", "pinned Aurora PostgreSQL version"},
		{"database version too old", map[string]string{"aws": databaseJSON(`{"engineVersion":"11.9"}`)}, "aws.database.engineVersion", "major 14 to 16"},
		{"database instance class", map[string]string{"aws": databaseJSON(`{"instanceClass":"r6g.large"}`)}, "aws.database.instanceClass", "db.r6g.large"},
		{"one database instance in production", map[string]string{"aws": databaseJSON(`{"instances":1}`)}, "aws.database.instances", "at least 2 in production"},
		{"too many database instances", map[string]string{"aws": databaseJSON(`{"instances":16}`)}, "aws.database.instances", "1 to 15"},
		{"short backups in production", map[string]string{"aws": databaseJSON(`{"backupRetentionDays":14}`)}, "aws.database.backupRetentionDays", "35 in production"},
		{"backups beyond RDS's limit", map[string]string{"aws": databaseJSON(`{"backupRetentionDays":90}`)}, "aws.database.backupRetentionDays", "7 to 35"},
		{"missing database password", map[string]string{KeyDatabasePassword: "<unset>"}, KeyDatabasePassword, "required secret on aws: set it with `pulumi config set --secret healthhub:databasePassword <value> -s <stack>`"},
		{"cache version unpinned", map[string]string{"aws": `{"cache":{"engineVersion":"7"}}`}, "aws.cache.engineVersion", "pinned Redis version"},
		{"cache node type", map[string]string{"aws": `{"cache":{"nodeType":"r7g.large"}}`}, "aws.cache.nodeType", "cache.r7g.large"},
		{"single cache node in production", map[string]string{"aws": `{"cache":{"nodes":1}}`}, "aws.cache.nodes", "at least 2 in production"},
		{"missing cache token", map[string]string{KeyCacheAuthToken: "<unset>"}, KeyCacheAuthToken, "required secret"},
		{"no certificate", map[string]string{"aws": `{}`}, "aws.loadBalancer.certificateArn", "required: the ARN of an ACM certificate"},
		{"certificate from IAM", map[string]string{"aws": `{"loadBalancer":{"certificateArn":"arn:aws:iam::123456789012:server-certificate/x"}}`}, "aws.loadBalancer.certificateArn", "ACM certificate"},
		{"privileged target port", map[string]string{"aws": `{"loadBalancer":{"certificateArn":"` + testCertificate + `","targetPort":443}}`}, "aws.loadBalancer.targetPort", "1024 to 65535"},
		{"rate limit too low", map[string]string{"aws": `{"loadBalancer":{"certificateArn":"` + testCertificate + `","rateLimit":10}}`}, "aws.loadBalancer.rateLimit", "100 to"},
		{"country name", map[string]string{"allowedCountries": `["United Kingdom"]`}, "allowedCountries", "ISO 3166 alpha-2"},
		{"country twice", map[string]string{"allowedCountries": `["GB","GB"]`}, "allowedCountries", "listed twice"},
		{"no countries", map[string]string{"allowedCountries": `[]`}, "allowedCountries", "non-empty list"},
		{"floating kubernetes version", map[string]string{"aws": awsWith(`"eks":{"kubernetesVersion":"latest"}`)}, "aws.eks.kubernetesVersion", "pinned EKS version"},
		{"public endpoint in production", map[string]string{"aws": awsWith(`"eks":{"publicAccessCidrs":["203.0.113.0/24"]}`)}, "aws.eks.publicAccessCidrs", "must be empty in production"},
		{"unknown node pool", map[string]string{"aws": awsWith(`"eks":{"nodeGroups":{"batch":{"instanceType":"m7i.large","min":1,"max":2}}}`)}, "aws", "unknown field"},
		{"min above max", map[string]string{"aws": awsWith(`"eks":{"nodeGroups":{"app":{"min":5,"max":2}}}`)}, "aws.eks.nodeGroups.app", "0 <= min <= max"},
		{"one system node in production", map[string]string{"aws": awsWith(`"eks":{"nodeGroups":{"system":{"min":1}}}`)}, "aws.eks.nodeGroups.system.min", "at least 2 in production"},
		{"instance type", map[string]string{"aws": awsWith(`"eks":{"nodeGroups":{"gpu":{"instanceType":"big"}}}`)}, "aws.eks.nodeGroups.gpu.instanceType", "EC2 instance type"},
		{"no API domain", map[string]string{"aws": `{"loadBalancer":{"certificateArn":"` + testCertificate + `"}}`}, "aws.api.domainName", "required: the API's DNS name"},
		{"API burst below rate", map[string]string{"aws": awsWith(`"api":{"domainName":"api.healthhub.example","certificateArn":"` + testCertificate + `","rateLimit":500}`)}, "aws.api.rateLimit", "burstLimit at least rateLimit"},
		{"frontend certificate outside us-east-1", map[string]string{"aws": awsWith(`"frontend":{"domainName":"app.healthhub.example","certificateArn":"` + testCertificate + `"}`)}, "aws.frontend.certificateArn", "in us-east-1"},
		{"autoscaling bounds", map[string]string{"aws": awsWith(`"tables":{"provisioned":true,"minCapacity":100,"maxCapacity":10}`)}, "aws.tables", "1 <= minCapacity <= maxCapacity"},
		{"no budget", map[string]string{"aws": awsWith(`"monthlyBudgetUsd":0`)}, "aws.monthlyBudgetUsd", "positive"},
		{"bad account id", map[string]string{"aws": `{"vpcCidr":"10.20.0.0/16","drVpcCidr":"10.21.0.0/16","availabilityZones":3,"natGateways":"per-az","allowedAccountIds":["12345"]}`}, "aws.allowedAccountIds", "12-digit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(with(tt.changes))
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Contains(t, verr.Keys(), tt.key)
			assert.Contains(t, err.Error(), "healthhub:"+tt.key)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Parse(with(map[string]string{
		"environment":   "qa",
		"retentionDays": "30",
		"alertEmail":    "nobody",
		"drRegion":      "eu-west-2",
	}))
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.ElementsMatch(t, []string{"environment", "retentionDays", "alertEmail", "drRegion"}, verr.Keys())
	assert.Contains(t, err.Error(), `healthhub:environment = "qa": must be one of production, staging, dev`)
	assert.Contains(t, err.Error(), "4 problems")
}

func TestAWSFieldsLeftOutKeepDefaults(t *testing.T) {
	cfg, err := Parse(with(map[string]string{"aws": `{"vpcCidr":"10.40.0.0/16","loadBalancer":{"certificateArn":"` + testCertificate + `"},` + testAPI + `}`}))
	require.NoError(t, err)
	assert.Equal(t, AWS{VpcCidr: "10.40.0.0/16", DrVpcCidr: "10.21.0.0/16", AvailabilityZones: 3, NatGateways: "per-az", Database: defaultDatabase, Cache: defaultCache, LoadBalancer: testLB, EKS: defaultEKS, API: testAPIConfig, MonthlyBudgetUsd: 20000, Tables: Tables{false, 10, 1000, 70}, Frontend: Frontend{"app.healthhub.example", testEdgeCertificate}}, cfg.AWS)

	cfg, err = Parse(with(map[string]string{"environment": "dev", "aws": `{"database":{"instances":1,"backupRetentionDays":7},"loadBalancer":{"certificateArn":"` + testCertificate + `"},` + testAPI + `}`}))
	require.NoError(t, err)
	assert.Equal(t, Database{EngineVersion: "16.4", InstanceClass: "db.r6g.large", Instances: 1, BackupRetentionDays: 7}, cfg.AWS.Database,
		"a nested object keeps the defaults of the fields it leaves out")
}

func TestDevMayOpenTheClusterEndpointToListedNetworks(t *testing.T) {
	cfg, err := Parse(with(map[string]string{"environment": "dev", "aws": awsWith(`"eks":{"publicAccessCidrs":["203.0.113.0/24"],"nodeGroups":{"app":{"max":20}}}`)}))
	require.NoError(t, err)
	assert.Equal(t, []string{"203.0.113.0/24"}, cfg.AWS.EKS.PublicAccessCidrs)
	assert.Equal(t, NodeGroup{"m7i.xlarge", 3, 20}, cfg.AWS.EKS.NodeGroups.App, "a pool keeps the defaults of the fields it leaves out")

	_, err = Parse(with(map[string]string{"environment": "dev", "aws": awsWith(`"eks":{"publicAccessCidrs":["0.0.0.0/0"]}`)}))
	require.ErrorContains(t, err, "must not open the API endpoint to the whole internet")
}

func TestSecretKeysStayOutOfConfig(t *testing.T) {
	cfg, err := Parse(with(map[string]string{KeyDatabasePassword: "hunter2-hunter2"}))
	require.NoError(t, err, "a secret key is known, not validated here")
	assert.NotContains(t, fmt.Sprintf("%+v", cfg), "hunter2")
}

func TestDevMayUseSingleNatAndTwoAZs(t *testing.T) {
	cfg, err := Parse(with(map[string]string{
		"environment": "dev",
		"aws":         awsJSON("10.30.0.0/16", "10.31.0.0/16", 2, "single"),
	}))
	require.NoError(t, err)
	assert.Equal(t, "single", cfg.AWS.NatGateways)
}

// Pulumi.yaml is what `pulumi up` applies; Keys is what the offline plan and the tests apply.
// They must declare the same keys with the same defaults.
func TestProjectSchemaMatchesKeys(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join("..", "..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, proj.Validate())
	for _, k := range Keys {
		full := Namespace + ":" + k.Name
		decl, ok := proj.Config[full]
		if !assert.True(t, ok, "Pulumi.yaml must declare %s", full) {
			continue
		}
		assert.NotEmpty(t, decl.Description, "%s needs a description", full)
		assert.NotNil(t, decl.Type, "%s needs a type", full)
		if len(k.Clouds) > 0 {
			clouds := strings.Join(k.Clouds, " or ")
			if k.Secret {
				assert.Contains(t, decl.Description, "Required on "+clouds, "%s: say which clouds need it", full)
			} else {
				assert.Contains(t, decl.Description, "read only when cloud is "+clouds, "%s: say which cloud reads it", full)
			}
		}
		if k.Secret && len(k.Clouds) > 0 {
			// The engine requires a key without a default on every stack, and refuses a plain
			// default for a secret: an empty, non-secret default is how a secret one cloud
			// reads stays off the others. The estate requires it, encrypted, on its cloud.
			assert.Equal(t, "", decl.Default, "%s: the empty default keeps it off the other clouds", full)
			assert.False(t, decl.Secret, "%s: a secret cannot default to a plain value", full)
			assert.Contains(t, decl.Description, "pulumi config set --secret", "%s: say it is set as a secret", full)
			continue
		}
		if k.Default == "" {
			assert.Nil(t, decl.Default, "%s is required and must have no default", full)
			assert.Contains(t, decl.Description, "Required", "%s: say it is required", full)
			continue
		}
		got := decl.Default
		if s, isString := got.(string); isString {
			assert.Equal(t, k.Default, s, full)
			continue
		}
		want := any(nil)
		require.NoError(t, json.Unmarshal([]byte(k.Default), &want))
		gotJSON, err := json.Marshal(got)
		require.NoError(t, err)
		var gotAny any
		require.NoError(t, json.Unmarshal(gotJSON, &gotAny))
		assert.Equal(t, want, gotAny, full)
	}
	for name := range proj.Config {
		if short, ok := strings.CutPrefix(name, Namespace+":"); ok {
			assert.True(t, slices.ContainsFunc(Keys, func(k Key) bool { return k.Name == short }), "Pulumi.yaml declares %s, which the program never reads", name)
		}
	}
}

// FuzzParse checks that no input panics the loader and that whatever it accepts keeps the
// invariants the components rely on.
func FuzzParse(f *testing.F) {
	f.Add("aws", "production", "eu-west-2", "eu-west-1", `["eu-west-2","eu-west-1"]`, "2555", "2192", "a@b.co", `{"vpcCidr":"10.20.0.0/16","drVpcCidr":"10.21.0.0/16","availabilityZones":3,"natGateways":"per-az"}`)
	f.Add("gcp", "dev", "europe-west2", "europe-west1", `["europe-west2","europe-west1"]`, "2190", "3653", "x@y.org", "")
	f.Add("aws", "staging", "us-east-1", "us-east-1", `[]`, "-1", "abc", "@", `{"vpcCidr":"10.0.0.0/8"}`)
	f.Fuzz(func(t *testing.T, cloud, env, primary, dr, allowed, retention, logRetention, email, awsObj string) {
		raw := map[string]string{
			"cloud": cloud, "environment": env, "primaryRegion": primary, "drRegion": dr,
			"allowedRegions": allowed, "retentionDays": retention, "logRetentionDays": logRetention,
			"alertEmail": email, "owner": "platform", "costCentre": "cc-1", "gcp": `{"projectId":"healthhub-fuzz"}`,
		}
		for _, name := range RequiredSecrets(cloud) {
			raw[name] = "x"
		}
		if awsObj != "" {
			raw["aws"] = awsObj
		}
		cfg, err := Parse(raw)
		if err != nil {
			var verr *ValidationError
			if assert.ErrorAs(t, err, &verr) {
				assert.NotEmpty(t, verr.Problems)
			}
			return
		}
		assert.NotEqual(t, cfg.PrimaryRegion, cfg.DRRegion)
		assert.Contains(t, cfg.AllowedRegions, cfg.PrimaryRegion)
		assert.Contains(t, cfg.AllowedRegions, cfg.DRRegion)
		assert.GreaterOrEqual(t, cfg.RetentionDays, HIPAARetentionFloorDays)
		assert.GreaterOrEqual(t, cfg.LogRetentionDays, HIPAARetentionFloorDays)
		assert.Contains(t, Environments, cfg.Environment)
	})
}
