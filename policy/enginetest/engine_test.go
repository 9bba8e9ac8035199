// Package enginetest runs the built policy pack under the real Pulumi engine: the CLI pinned
// in tools/pulumi, a file backend in a temporary folder, and inline programs made of
// component resources (no cloud provider plugin can be obtained offline). The engine hands
// components' inputs to the pack like any resource's, so the rules see what they would in
// a real preview. Where a rule needs a real provider resource (the region allow-list), a
// stand-in provider plugin built from ./regionprovider plays the regional provider.
package enginetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/pack"
)

var packPath, pluginDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "healthhub-pack")
	if err != nil {
		panic(err)
	}
	// `make test` builds the pack once for every engine test package (HEALTHHUB_POLICY_PACK);
	// a plain `go test` builds its own.
	packPath = os.Getenv("HEALTHHUB_POLICY_PACK")
	if packPath == "" {
		packPath = filepath.Join(dir, "healthhub-policy")
		build := exec.Command("go", "build", "-o", packPath, "../")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			panic("building the policy pack: " + err.Error())
		}
	}
	// The stand-in regional provider is found by the engine on PATH, as an ambient plugin.
	pluginDir = dir
	plugin := exec.Command("go", "build", "-o", filepath.Join(dir, "pulumi-resource-hhregion"), "./regionprovider")
	plugin.Stdout, plugin.Stderr = os.Stdout, os.Stderr
	if err := plugin.Run(); err != nil {
		panic("building the stand-in provider: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pulumiCommand is the CLI built by `make cli` (PULUMI_ROOT), else a pulumi on PATH.
func pulumiCommand(t *testing.T) auto.PulumiCommand {
	t.Helper()
	root := os.Getenv("PULUMI_ROOT")
	if root == "" {
		root = filepath.Join("..", "..", ".cache", "pulumi")
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "pulumi")); err != nil {
		path, lookErr := exec.LookPath("pulumi")
		if lookErr != nil {
			t.Fatalf("no Pulumi CLI: run `make cli` (builds %s/bin/pulumi) or put pulumi on PATH", root)
		}
		root = filepath.Dir(filepath.Dir(path))
	}
	abs, err := filepath.Abs(root)
	require.NoError(t, err)
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: abs, SkipVersionCheck: true})
	require.NoError(t, err)
	return cmd
}

// resource is a component registered under a cloud resource's type with its inputs.
type resource struct {
	typ, name string
	inputs    pulumi.Map
}

func stack(t *testing.T, environment string, resources ...resource) auto.Stack {
	t.Helper()
	return programStack(t, environment, func(pctx *pulumi.Context) error {
		for _, r := range resources {
			var state pulumi.ResourceState
			if err := pctx.RegisterResource(r.typ, r.name, r.inputs, &state); err != nil {
				return err
			}
		}
		return nil
	})
}

func programStack(t *testing.T, environment string, program pulumi.RunFunc) auto.Stack {
	t.Helper()
	ctx := context.Background()
	s, err := auto.UpsertStackInlineSource(ctx, "engine", "healthhub", program,
		auto.Pulumi(pulumiCommand(t)),
		auto.EnvVars(map[string]string{
			"PULUMI_BACKEND_URL":       "file://" + t.TempDir(),
			"PULUMI_CONFIG_PASSPHRASE": "engine-test",
			"PULUMI_SKIP_UPDATE_CHECK": "true",
			"PATH":                     pluginDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		}),
	)
	require.NoError(t, err)
	require.NoError(t, s.SetAllConfig(ctx, auto.ConfigMap{
		"healthhub:environment":      {Value: environment},
		"healthhub:primaryRegion":    {Value: "eu-west-2"},
		"healthhub:drRegion":         {Value: "eu-west-1"},
		"healthhub:allowedRegions":   {Value: `["eu-west-2","eu-west-1"]`},
		"healthhub:alertEmail":       {Value: "oncall@healthhub.example"},
		"healthhub:owner":            {Value: "platform"},
		"healthhub:costCentre":       {Value: "cc-1"},
		"healthhub:databasePassword": {Value: "engine-test-password", Secret: true},
		"healthhub:cacheAuthToken":   {Value: "engine-test-cache-token", Secret: true},
		"healthhub:openaiApiKey":     {Value: "x", Secret: true},
		"healthhub:azureSpeechKey":   {Value: "x", Secret: true},
		"healthhub:googleVisionKey":  {Value: "x", Secret: true},
		"healthhub:pagerUrl":         {Value: "https://pager.example/x", Secret: true},
		"healthhub:aws":              {Value: `{"loadBalancer":{"certificateArn":"arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"},"api":{"domainName":"api.healthhub.example","certificateArn":"arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"},"frontend":{"domainName":"app.healthhub.example","certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"}}`},
	}))
	return s
}

// packConfig writes a policy pack config file. Components have no provider, so the
// region rule is switched off where a test is about another rule.
func packConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy-config.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

const regionOff = `"estate-region-allow-list": {"enforcementLevel": "disabled"}`

func TestMandatoryViolationFailsPreviewAndUp(t *testing.T) {
	t.Parallel() // each test has its own backend; the engine mostly waits on plugins
	s := stack(t, "dev", resource{"aws:kms/key:Key", "no-rotation", pulumi.Map{"enableKeyRotation": pulumi.Bool(false)}})
	cfg := packConfig(t, `{`+regionOff+`}`)
	ctx := context.Background()

	res, err := s.Preview(ctx, optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(cfg))
	require.Error(t, err, "a mandatory violation fails the preview")
	assert.Contains(t, res.StdOut+err.Error(), "aws-kms-key-rotation")
	assert.Contains(t, res.StdOut+err.Error(), "enableKeyRotation must be true")

	_, err = s.Up(ctx, optup.PolicyPacks(packPath), optup.PolicyPackConfigs(cfg))
	require.Error(t, err, "and the update")
	out, err := s.Outputs(ctx)
	require.NoError(t, err)
	assert.Empty(t, out)
}

func TestAdvisoryViolationIsReportedAndPasses(t *testing.T) {
	t.Parallel() // each test has its own backend; the engine mostly waits on plugins
	s := stack(t, "dev", resource{"aws:ec2/subnet:Subnet", "untagged", pulumi.Map{"cidrBlock": pulumi.String("10.20.0.0/18")}})
	res, err := s.Preview(context.Background(), optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(packConfig(t, `{`+regionOff+`}`)))
	require.NoError(t, err)
	assert.Contains(t, res.StdOut, "estate-required-tags")
	assert.Contains(t, res.StdOut, "advisory")
	assert.Equal(t, 2, res.ChangeSummary["create"], "stack and subnet would be created")
}

func TestStackConfigReachesThePack(t *testing.T) {
	t.Parallel() // each test has its own backend; the engine mostly waits on plugins
	key := resource{"aws:kms/key:Key", "unprotected", pulumi.Map{"enableKeyRotation": pulumi.Bool(true), "tags": pulumi.StringMap{
		"environment": pulumi.String("x"), "data-classification": pulumi.String("phi"), "owner": pulumi.String("platform"),
	}}}
	cfg := packConfig(t, `{`+regionOff+`}`)

	dev := stack(t, "dev", key)
	_, err := dev.Preview(context.Background(), optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(cfg))
	require.NoError(t, err, "an unprotected key is fine in dev")

	prod := stack(t, "production", key)
	_, err = prod.Preview(context.Background(), optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(cfg))
	require.Error(t, err, "healthhub:environment=production reaches the pack")
	assert.Contains(t, err.Error(), "estate-stateful-protected")
}

func TestPackConfigOverridesDefaults(t *testing.T) {
	t.Parallel() // each test has its own backend; the engine mostly waits on plugins
	group := resource{"aws:cloudwatch/logGroup:LogGroup", "logs", pulumi.Map{
		"kmsKeyId": pulumi.String("arn:aws:kms:eu-west-2:123456789012:key/logs"), "retentionInDays": pulumi.Int(2557),
		"tags": pulumi.StringMap{"environment": pulumi.String("dev"), "data-classification": pulumi.String("phi"), "owner": pulumi.String("platform")},
	}}
	s := stack(t, "dev", group)
	_, err := s.Preview(context.Background(), optpreview.PolicyPacks(packPath),
		optpreview.PolicyPackConfigs(packConfig(t, `{`+regionOff+`}`)))
	require.NoError(t, err, "seven years meets the six-year floor")

	_, err = s.Preview(context.Background(), optpreview.PolicyPacks(packPath),
		optpreview.PolicyPackConfigs(packConfig(t, `{`+regionOff+`, "aws-cloudwatch-log-group-retention": {"retentionFloorDays": 3653}}`)))
	require.Error(t, err, "a team's stricter floor reaches the rule")
	assert.Contains(t, err.Error(), "retentionInDays is 2557; at least 3653")

	_, err = s.Preview(context.Background(), optpreview.PolicyPacks(packPath),
		optpreview.PolicyPackConfigs(packConfig(t, `{}`)))
	require.Error(t, err, "with the region rule on, a resource without an explicit provider fails")
	assert.Contains(t, err.Error(), "estate-region-allow-list")
}

// TestFormerRuleNamesInPackConfig shows why a config is migrated: the engine hands a policy only
// the config under its current name, so a key with a former name is dropped in silence, and
// once migrated the same config reaches the rule.
func TestFormerRuleNamesInPackConfig(t *testing.T) {
	t.Parallel() // each test has its own backend; the engine mostly waits on plugins
	group := resource{"aws:cloudwatch/logGroup:LogGroup", "logs", pulumi.Map{
		"kmsKeyId": pulumi.String("arn:aws:kms:eu-west-2:123456789012:key/logs"), "retentionInDays": pulumi.Int(2557),
		"tags": pulumi.StringMap{"environment": pulumi.String("dev"), "data-classification": pulumi.String("phi"), "owner": pulumi.String("platform")},
	}}
	s := stack(t, "dev", group)
	old := `{"region-allow-list": {"enforcementLevel": "disabled"}, "aws-log-group-retention": {"retentionFloorDays": 3653}}`
	_, err := s.Preview(context.Background(), optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(packConfig(t, old)))
	require.Error(t, err, "unmigrated, the region rule is not switched off")
	assert.NotContains(t, err.Error(), "at least 3653", "unmigrated, the stricter floor never reaches the rule")

	migrated, renames, err := pack.MigrateConfig([]byte(old))
	require.NoError(t, err)
	require.Len(t, renames, 2)
	_, err = s.Preview(context.Background(), optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(packConfig(t, string(migrated))))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "retentionInDays is 2557; at least 3653")
	assert.NotContains(t, err.Error(), "estate-region-allow-list", "the former name switched the region rule off")
}

// regionalProvider is an explicit provider in a region, as the estate creates one per region.
type regionalProvider struct{ pulumi.ProviderResourceState }

func TestPackAllowedRegionsReachTheRule(t *testing.T) {
	t.Parallel() // each test has its own backend; the engine mostly waits on plugins
	s := programStack(t, "dev", func(pctx *pulumi.Context) error {
		var p regionalProvider
		return pctx.RegisterResource("pulumi:providers:hhregion", "us-west", pulumi.Map{"region": pulumi.String("us-west-2")}, &p)
	})
	ctx := context.Background()

	_, err := s.Preview(ctx, optpreview.PolicyPacks(packPath), optpreview.PolicyPackConfigs(packConfig(t, `{}`)))
	require.Error(t, err, "the stack allows eu-west-2 and eu-west-1 only")
	assert.Contains(t, err.Error(), "provider region us-west-2 is not in the allowed regions (eu-west-2, eu-west-1)")

	res, err := s.Preview(ctx, optpreview.PolicyPacks(packPath),
		optpreview.PolicyPackConfigs(packConfig(t, `{"estate-region-allow-list": {"allowedRegions": ["us-west-2"]}}`)))
	require.NoError(t, err, "the pack's allowedRegions replaces the stack's")
	assert.NotContains(t, res.StdOut, "estate-region-allow-list")
}
