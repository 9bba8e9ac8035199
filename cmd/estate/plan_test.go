package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/stacks"
)

const repo = "../.."

func runCLI(t testing.TB, program pulumi.RunFunc, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code, err := newRootCommand(program).execute(args, &out, &errOut)
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return code, out.String(), errOut.String()
}

func TestPlanProductionJSONMatchesSchema(t *testing.T) {
	outFile := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, stderr := runCLI(t, stacks.Run, "plan", "production", "--dir", repo, "--json", "--out", outFile)
	require.Equal(t, 0, code, stderr)

	written, err := os.ReadFile(outFile)
	require.NoError(t, err)
	assert.JSONEq(t, stdout, string(written), "--out writes the same plan")

	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
	require.NoError(t, err)
	schemaDoc, err := os.Open(filepath.Join(repo, "docs", "plan.schema.json"))
	require.NoError(t, err)
	defer schemaDoc.Close()
	schemaJSON, err := jsonschema.UnmarshalJSON(schemaDoc)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("plan.schema.json", schemaJSON))
	schema, err := c.Compile("plan.schema.json")
	require.NoError(t, err)
	require.NoError(t, schema.Validate(doc))

	var p struct {
		Stack, Project, Cloud, Environment string
		Resources                          []struct {
			URN, Type, Name, Parent, Provider string
			Protect                           bool
			Inputs                            map[string]any
		}
		Violations []any
		Summary    struct {
			Resources int
			ByType    map[string]int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &p))
	assert.Equal(t, "production", p.Stack)
	assert.Equal(t, "healthhub", p.Project)
	require.Len(t, p.Violations, 3, "the public sign-up route and the backend's two credentials, reported as advisory")
	for _, v := range p.Violations {
		assert.Equal(t, "advisory", v.(map[string]any)["level"])
	}
	assert.Equal(t, len(p.Resources), p.Summary.Resources)

	byURN := map[string]string{}
	for _, r := range p.Resources {
		byURN[r.URN] = r.Type
	}
	for _, r := range p.Resources {
		if r.Type == "pulumi:pulumi:Stack" {
			assert.Empty(t, r.Parent)
			continue
		}
		assert.Contains(t, byURN, r.Parent, "%s's parent is in the plan", r.Name)
		isCloudResource := !strings.HasPrefix(r.Type, "healthhub:") && !strings.HasPrefix(r.Type, "pulumi:")
		if isCloudResource {
			// Cloud resources go through a regional AWS provider, the workloads through the
			// cluster's provider.
			want := "pulumi:providers:aws"
			if strings.HasPrefix(r.Type, "kubernetes:") {
				want = "pulumi:providers:kubernetes"
			}
			assert.Equal(t, want, byURN[r.Provider], "%s names its provider", r.Name)
		}
	}
	var key map[string]any
	for _, r := range p.Resources {
		if r.Type == "aws:kms/key:Key" && r.Name == "healthhub-prod-database" {
			key = r.Inputs
			assert.True(t, r.Protect)
		}
	}
	require.NotNil(t, key, "the database key is in the plan")
	assert.Equal(t, true, key["enableKeyRotation"], "inputs use the provider's wire names")
}

func TestPlanText(t *testing.T) {
	code, stdout, stderr := runCLI(t, stacks.Run, "plan", "production", "--dir", repo)
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"pulumi:pulumi:Stack", "healthhub-production",
		"├─ pulumi:providers:aws", "region=eu-west-2", "region=eu-west-1",
		"aws:ec2/vpc:Vpc", "aws:ec2/natGateway:NatGateway", "aws:ec2/vpcEndpoint:VpcEndpoint",
		"aws:kms/key:Key", "aws:cloudtrail/trail:Trail", "aws:s3/bucketV2:BucketV2",
		"aws:cloudwatch/logGroup:LogGroup", "protected",
		"0 mandatory, 3 advisory", "aws-api-gateway-authorization", "to create", "By type:",
	} {
		assert.Contains(t, stdout, want)
	}
}

// project copies Pulumi.yaml beside a stack file written for the test.
func project(t *testing.T, stack, body string) string {
	t.Helper()
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join(repo, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(body), 0o644))
	return dir
}

const validStack = `config:
  healthhub:environment: staging
  healthhub:primaryRegion: eu-west-2
  healthhub:drRegion: eu-west-1
  healthhub:allowedRegions: [eu-west-2, eu-west-1, us-east-1]
  healthhub:alertEmail: oncall@healthhub.example
  healthhub:owner: platform
  healthhub:costCentre: cc-1
  healthhub:aws:
    loadBalancer:
      certificateArn: arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100
    api:
      domainName: api.healthhub.example
      certificateArn: arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100
    frontend:
      domainName: app.healthhub.example
      certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100
  healthhub:databasePassword:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealCiphertext
  healthhub:cacheAuthToken:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealCacheToken
  healthhub:openaiApiKey:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealOpenAIKey
  healthhub:azureSpeechKey:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealSpeechKey
  healthhub:googleVisionKey:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealVisionKey
  healthhub:pagerUrl:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealPagerUrl
`

func TestPlanBadConfigExitsTwoWithEveryProblem(t *testing.T) {
	dir := project(t, "broken", `config:
  healthhub:environment: prod
  healthhub:primaryRegion: eu-west-2
  healthhub:drRegion: eu-west-2
  healthhub:allowedRegions: [eu-west-2]
  healthhub:retentionDays: 30
  healthhub:alertEmail: nobody
  healthhub:owner: platform
  healthhub:costCentre: cc-1
`)
	code, stdout, stderr := runCLI(t, stacks.Run, "plan", "broken", "--dir", dir)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout, "nothing is planned from a bad config")
	for _, want := range []string{
		`healthhub:environment = "prod": must be one of production, staging, dev`,
		`healthhub:drRegion = "eu-west-2": must differ from primaryRegion`,
		`healthhub:retentionDays = "30": must be at least 2190`,
		`healthhub:alertEmail = "nobody"`,
	} {
		assert.Contains(t, stderr, want)
	}
	assert.NotContains(t, stderr, "goroutine", "a clear message, not a stack trace")
}

func TestPlanTypeMismatchInStackFileExitsTwo(t *testing.T) {
	dir := project(t, "typed", strings.Replace(validStack, "healthhub:owner: platform", "healthhub:owner: platform\n  healthhub:retentionDays: seven-years", 1))
	code, _, stderr := runCLI(t, stacks.Run, "plan", "typed", "--dir", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "retentionDays")
}

func TestPlanUnknownStackExitsTwo(t *testing.T) {
	code, _, stderr := runCLI(t, stacks.Run, "plan", "nosuchstack", "--dir", repo)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "Pulumi.nosuchstack.yaml")
	assert.Contains(t, stderr, "production", "lists the stacks that exist")
}

func TestPlanSecureValuesNeedNoPassphrase(t *testing.T) {
	dir := project(t, "secret", validStack)
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	code, stdout, stderr := runCLI(t, stacks.Run, "plan", "secret", "--dir", dir, "--json")
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "NotARealCiphertext")
	assert.Contains(t, stdout, `"masterPassword": "[secret]"`, "the database password is planned as a secret")
}

func TestPlanMissingSecretExitsTwo(t *testing.T) {
	dir := project(t, "nosecret", strings.Replace(validStack, "  healthhub:databasePassword:\n    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealCiphertext\n", "", 1))
	code, stdout, stderr := runCLI(t, stacks.Run, "plan", "nosecret", "--dir", dir)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "healthhub:databasePassword")
	assert.Contains(t, stderr, "pulumi config set --secret")
}

// gcpStack is a GCP stack file as a new GCP user writes it: its own section and none of the
// AWS estate's secrets.
const gcpStack = `config:
  healthhub:cloud: gcp
  healthhub:environment: staging
  healthhub:primaryRegion: europe-west2
  healthhub:drRegion: europe-west1
  healthhub:allowedRegions: [europe-west2, europe-west1]
  healthhub:alertEmail: oncall@healthhub.example
  healthhub:owner: platform
  healthhub:costCentre: cc-1
  healthhub:gcp:
    projectId: healthhub-staging
`

func TestPlanSectionForAnotherCloudExitsTwo(t *testing.T) {
	tests := []struct {
		name, body, key, message string
	}{
		{"aws section on gcp", gcpStack + "  healthhub:aws:\n    vpcCidr: 10.40.0.0/16\n", "aws",
			"set for cloud gcp; the aws section is only read when healthhub:cloud is aws"},
		{"aws secret on gcp", gcpStack + "  healthhub:cacheAuthToken:\n    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealCacheToken\n", "cacheAuthToken",
			"set for cloud gcp; cacheAuthToken is only read when healthhub:cloud is aws"},
		{"gcp section on aws", strings.Replace(validStack, "config:\n", "config:\n  healthhub:gcp:\n    projectId: healthhub-staging\n", 1), "gcp",
			"set for cloud aws; the gcp section is only read when healthhub:cloud is gcp"},
	}
	for _, tt := range tests {
		// The release verbs refuse the same stack file before the engine starts.
		for _, verb := range []string{"plan", "preview", "up"} {
			t.Run(tt.name+"/"+verb, func(t *testing.T) {
				dir := project(t, "other", tt.body)
				code, stdout, stderr := runCLI(t, stacks.Run, verb, "other", "--dir", dir)
				assert.Equal(t, exitBadConfig, code, stderr)
				assert.Empty(t, stdout)
				assert.Contains(t, stderr, "healthhub:"+tt.key+" = ")
				assert.Contains(t, stderr, tt.message)
			})
		}
	}
}

// A GCP stack without any AWS secret validates; the program then says the estate is not built.
func TestPlanGCPStackValidatesWithoutAWSSecrets(t *testing.T) {
	dir := project(t, "gcp", gcpStack)
	code, _, stderr := runCLI(t, stacks.Run, "plan", "gcp", "--dir", dir)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "not built yet")
	assert.NotContains(t, stderr, "invalid stack configuration")
}

// A program that breaks a mandatory rule makes the plan exit 1 and name the rule.
func TestPlanMandatoryViolationExitsOne(t *testing.T) {
	dir := project(t, "staging", validStack)
	insecure := func(ctx *pulumi.Context) error {
		p, err := awssdk.NewProvider(ctx, "aws-primary", &awssdk.ProviderArgs{Region: pulumi.String("eu-west-2")})
		if err != nil {
			return err
		}
		_, err = kms.NewKey(ctx, "no-rotation", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(false)}, pulumi.Provider(p))
		return err
	}
	code, stdout, stderr := runCLI(t, insecure, "plan", "staging", "--dir", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "aws-kms-key-rotation")
	assert.Contains(t, stdout, "[mandatory]")
	assert.Contains(t, stderr, "mandatory policy violation")
}

func TestPlanNeedsOneStack(t *testing.T) {
	code, _, stderr := runCLI(t, stacks.Run, "plan")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "accepts 1 arg")
}
