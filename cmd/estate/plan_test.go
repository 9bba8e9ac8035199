package main

import (
	"bytes"
	"encoding/json"
	"fmt"
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

	"github.com/healthhub/estate/internal/stackfile"
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

// shippedStacks are the stack files in the repository, with what their plan must show: the
// cloud and environment, the regional providers every cloud resource goes through (and the
// cluster's), the advisory findings the estate accepts, and one protected-in-production key
// read by its wire name. TestShippedStacksAreAllListed keeps this list whole, so a stack
// added later is planned here too.
var shippedStacks = []struct {
	stack, cloud, environment string
	providers                 []string // type/name region, as the text plan prints them
	advisory                  int
	key                       struct{ typ, name, input string }
	keyInput                  any
	protected                 bool
}{
	{"production", "aws", "production", awsProviders, 3, awsKey("healthhub-prod-database"), true, true},
	{"staging", "aws", "staging", awsProviders, 3, awsKey("healthhub-stg-database"), true, false},
	{"dev", "aws", "dev", awsProviders, 3, awsKey("healthhub-dev-database"), true, false},
	{"production-gcp", "gcp", "production", gcpProviders, 0, gcpKey("healthhub-prod-database"), "7776000s", true},
	{"dev-gcp", "gcp", "dev", gcpProviders, 0, gcpKey("healthhub-dev-database"), "7776000s", false},
	{"production-azure", "azure", "production", azureProviders, 1, azureKey("hhprod-kv-uksouth-database"), "hhprod-kv-uksouth", true},
	{"dev-azure", "azure", "dev", azureProviders, 1, azureKey("hhdev-kv-uksouth-database"), "hhdev-kv-uksouth", false},
}

// The AWS estate has a provider per region and us-east-1's for CloudFront's certificate and
// firewall; GCP's and Azure's have one per region. All hand the workloads the cluster's
// provider.
var (
	azureProviders = []string{"azure-native/azure-dr region=ukwest", "azure-native/azure-primary region=uksouth", "kubernetes/cluster"}
	awsProviders   = []string{"aws/aws-dr region=eu-west-1", "aws/aws-edge region=us-east-1", "aws/aws-primary region=eu-west-2", "kubernetes/cluster"}
	gcpProviders   = []string{"gcp/gcp-dr region=europe-west1", "gcp/gcp-primary region=europe-west2", "kubernetes/cluster"}
)

func awsKey(name string) struct{ typ, name, input string } {
	return struct{ typ, name, input string }{"aws:kms/key:Key", name, "enableKeyRotation"}
}

// azureKey is a Key Vault key, read by the vault it is in.
func azureKey(name string) struct{ typ, name, input string } {
	return struct{ typ, name, input string }{"azure-native:keyvault:Key", name, "vaultName"}
}

// providerPackage is the Pulumi package of a cloud's provider: Azure's is Azure Native.
func providerPackage(cloud string) string {
	if cloud == "azure" {
		return "azure-native"
	}
	return cloud
}

func gcpKey(name string) struct{ typ, name, input string } {
	return struct{ typ, name, input string }{"gcp:kms/cryptoKey:CryptoKey", name, "rotationPeriod"}
}

func TestShippedStacksAreAllListed(t *testing.T) {
	var listed []string
	for _, s := range shippedStacks {
		listed = append(listed, s.stack)
	}
	assert.ElementsMatch(t, stackfile.List(repo), listed, "every Pulumi.<stack>.yaml in the repository is planned by the tests below")
}

func planSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	schemaDoc, err := os.Open(filepath.Join(repo, "docs", "plan.schema.json"))
	require.NoError(t, err)
	defer schemaDoc.Close()
	schemaJSON, err := jsonschema.UnmarshalJSON(schemaDoc)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("plan.schema.json", schemaJSON))
	schema, err := c.Compile("plan.schema.json")
	require.NoError(t, err)
	return schema
}

func TestPlanJSONMatchesSchema(t *testing.T) {
	schema := planSchema(t)
	for _, tt := range shippedStacks {
		t.Run(tt.stack, func(t *testing.T) {
			outFile := filepath.Join(t.TempDir(), "plan.json")
			code, stdout, stderr := runCLI(t, stacks.Run, "plan", tt.stack, "--dir", repo, "--json", "--out", outFile)
			require.Equal(t, 0, code, stderr)

			written, err := os.ReadFile(outFile)
			require.NoError(t, err)
			assert.JSONEq(t, stdout, string(written), "--out writes the same plan")

			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
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
					Resources, Mandatory, Advisory int
					ByType                         map[string]int
				}
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &p))
			assert.Equal(t, tt.stack, p.Stack)
			assert.Equal(t, "healthhub", p.Project)
			assert.Equal(t, tt.cloud, p.Cloud)
			assert.Equal(t, tt.environment, p.Environment)
			// AWS: the public sign-up route and the backend's two credentials, reported as
			// advisory. GCP: nothing.
			require.Len(t, p.Violations, tt.advisory)
			for _, v := range p.Violations {
				assert.Equal(t, "advisory", v.(map[string]any)["level"])
			}
			assert.Equal(t, 0, p.Summary.Mandatory)
			assert.Equal(t, tt.advisory, p.Summary.Advisory)
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
				if strings.HasPrefix(r.Type, "pulumi:providers:") {
					assert.Contains(t, []string{"pulumi:providers:" + providerPackage(tt.cloud), "pulumi:providers:kubernetes"}, r.Type,
						"%s: only the stack's cloud and the cluster have providers", r.Name)
					continue
				}
				isCloudResource := !strings.HasPrefix(r.Type, "healthhub:") && !strings.HasPrefix(r.Type, "pulumi:")
				if isCloudResource {
					// Cloud resources go through a regional provider of the stack's cloud, the
					// workloads through the cluster's provider.
					want := "pulumi:providers:" + providerPackage(tt.cloud)
					if strings.HasPrefix(r.Type, "kubernetes:") {
						want = "pulumi:providers:kubernetes"
					}
					assert.Equal(t, want, byURN[r.Provider], "%s names its provider", r.Name)
				}
			}
			var key map[string]any
			for _, r := range p.Resources {
				if r.Type == tt.key.typ && r.Name == tt.key.name {
					key = r.Inputs
					assert.Equal(t, tt.protected, r.Protect, "the database key is protected in production only")
				}
			}
			require.NotNil(t, key, "the database key is in the plan")
			assert.Equal(t, tt.keyInput, key[tt.key.input], "inputs use the provider's wire names")
		})
	}
}

// planProviders are the provider rows of a text plan's tree, as "cloud/name region=R"
// ("cloud/name" for a provider with no region); the counts by type are not rows.
func planProviders(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		for i, f := range fields {
			branch := i > 0 && (fields[i-1] == "├─" || fields[i-1] == "└─")
			if cloud, ok := strings.CutPrefix(f, "pulumi:providers:"); ok && branch {
				require.Greater(t, len(fields), i+2, line)
				p := cloud + "/" + fields[i+1]
				if len(fields) > i+3 {
					p += " " + fields[i+3]
				}
				out = append(out, p)
			}
		}
	}
	return out
}

// Every shipped stack plans clean from its own file, with the providers of its own cloud only:
// the GCP stacks print their two regional GCP providers and no AWS one.
func TestPlanShippedStacks(t *testing.T) {
	for _, tt := range shippedStacks {
		t.Run(tt.stack, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, stacks.Run, "plan", tt.stack, "--dir", repo)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stdout, "Offline plan of healthhub/"+tt.stack+" (cloud "+tt.cloud+", environment "+tt.environment+")")
			assert.ElementsMatch(t, tt.providers, planProviders(t, stdout))
			if tt.advisory == 0 {
				assert.Contains(t, stdout, "no violations")
			} else {
				assert.Contains(t, stdout, fmt.Sprintf("0 mandatory, %d advisory", tt.advisory))
			}
			other := map[string]string{"aws": "gcp", "gcp": "aws"}[tt.cloud]
			assert.NotContains(t, stdout, " "+other+":", "no resource of another cloud")
		})
	}
}

func TestPlanText(t *testing.T) {
	tests := []struct {
		stack string
		want  []string
	}{
		{"production", []string{
			"pulumi:pulumi:Stack", "healthhub-production",
			"├─ pulumi:providers:aws", "region=eu-west-2", "region=eu-west-1",
			"aws:ec2/vpc:Vpc", "aws:ec2/natGateway:NatGateway", "aws:ec2/vpcEndpoint:VpcEndpoint",
			"aws:kms/key:Key", "aws:cloudtrail/trail:Trail", "aws:s3/bucketV2:BucketV2",
			"aws:cloudwatch/logGroup:LogGroup", "protected",
			"0 mandatory, 3 advisory", "aws-api-gateway-authorization", "to create", "By type:",
		}},
		// The GCP estate, and the workloads published through the GKE Ingress controller with
		// its TLS policy and backend settings as companion objects.
		{"production-gcp", []string{
			"pulumi:pulumi:Stack", "healthhub-production-gcp",
			"├─ pulumi:providers:gcp", "region=europe-west2", "region=europe-west1",
			"gcp:compute/network:Network", "gcp:kms/cryptoKey:CryptoKey", "gcp:container/cluster:Cluster",
			"gcp:sql/databaseInstance:DatabaseInstance", "gcp:logging/projectSink:ProjectSink", "protected",
			"kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:networking.gke.io/v1beta1:FrontendConfig",
			"kubernetes:cloud.google.com/v1:BackendConfig",
			"no violations", "to create", "By type:",
		}},
		// The Azure estate, its cache in the cluster, and the workloads published through the
		// AKS ingress add-on onto the estate's Application Gateway.
		{"production-azure", []string{
			"pulumi:pulumi:Stack", "healthhub-production-azure",
			"├─ pulumi:providers:azure-native", "region=uksouth", "region=ukwest",
			"azure-native:keyvault:Vault", "azure-native:network:VirtualNetwork",
			"azure-native:containerservice/v20240902preview:ManagedCluster",
			"azure-native:dbforpostgresql/v20230601preview:Server", "azure-native:network:ApplicationGateway",
			"azure-native:insights:SubscriptionDiagnosticSetting", "protected",
			"kubernetes:apps/v1:StatefulSet", "kubernetes:networking.k8s.io/v1:Ingress",
			"0 mandatory, 1 advisory", "azure-iam-resource-scoped", "to create", "By type:",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, stacks.Run, "plan", tt.stack, "--dir", repo)
			require.Equal(t, 0, code, stderr)
			for _, want := range tt.want {
				assert.Contains(t, stdout, want)
			}
		})
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
	assert.Contains(t, stderr, "(stacks here: dev, dev-azure, dev-gcp, production, production-azure, production-gcp, staging)", "lists the stacks that exist, on every cloud")
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

// gcpPager is the pager webhook's entry in a GCP stack file, the one secret GCP requires.
const gcpPager = `  healthhub:pagerUrl:
    secure: AAABAKq1l9Xk3Vr0f7Jb0gNotARealPagerUrl
`

// gcpStack is a GCP stack file as a new GCP user writes it: its own section, the networks that
// may reach the staging cluster's public endpoint, the domain its load balancer's certificate
// is for, the pager, and none of the AWS estate's secrets.
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
    gke:
      masterAuthorizedNetworks: [203.0.113.0/24]
  healthhub:workloads:
    domain: assistant.staging.healthhub.example
` + gcpPager

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
				// The stack files are valid but for the key under test.
				assert.Contains(t, stderr, "invalid stack configuration (1 problem):")
			})
		}
	}
}

// awsSecrets are the secrets only the AWS estate reads; a GCP stack is never asked for them.
var awsSecrets = []string{"databasePassword", "cacheAuthToken", "openaiApiKey", "azureSpeechKey", "googleVisionKey"}

// A GCP stack needs none of the AWS estate's secrets: with its pager it plans, on GCP's
// providers alone; without it, the plan names the pager and nothing else.
func TestPlanGCPStackNeedsOnlyItsPager(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
	}{
		{"with the pager", gcpStack, exitOK},
		{"without the pager", strings.Replace(gcpStack, gcpPager, "", 1), exitBadConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, tt.name == "without the pager", strings.Contains(tt.body, "pagerUrl"), "the fixture is what the case says")
			dir := project(t, "gcp", tt.body)
			code, stdout, stderr := runCLI(t, stacks.Run, "plan", "gcp", "--dir", dir)
			assert.Equal(t, tt.code, code, stderr)
			for _, name := range awsSecrets {
				assert.NotContains(t, stderr, name)
			}
			if tt.code == exitOK {
				assert.ElementsMatch(t, gcpProviders, planProviders(t, stdout))
				assert.Contains(t, stdout, "no violations")
				return
			}
			assert.Empty(t, stdout, "nothing is planned from a bad config")
			assert.Contains(t, stderr, "invalid stack configuration (1 problem):")
			assert.Contains(t, stderr, "healthhub:pagerUrl = (not set): required secret on gcp: set it with `pulumi config set --secret healthhub:pagerUrl <value> -s gcp`")
		})
	}
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
