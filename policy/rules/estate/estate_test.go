package estate

import (
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/aws"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

var cfg = rulestest.Config

type ruleCase struct {
	rule, name string
	resources  []rules.Resource
	violates   bool
	message    string
}

func res(typ, name string, inputs map[string]any) rules.Resource {
	return rulestest.Res(typ, name, inputs)
}

func dependsOn(r, on rules.Resource) rules.Resource { return rulestest.DependsOn(r, on) }

func goodTags() map[string]any { return rulestest.GoodTags() }

func unprotected(r rules.Resource) rules.Resource { r.Protect = false; return r }

func noProvider(r rules.Resource) rules.Resource { r.Provider = ""; return r }

func inRegion(r rules.Resource, region string) rules.Resource { r.Region = region; return r }

var bucket = res(aws.TypeBucket, "phi", map[string]any{"tags": goodTags()})

func crossCloudCases() []ruleCase {
	key := func(inputs map[string]any) rules.Resource { return res(aws.TypeKmsKey, "k", inputs) }
	provider := func(region any) rules.Resource {
		return rules.Resource{URN: rulestest.ProviderURN, Type: aws.TypeProvider, Name: "aws-primary", Region: asString(region), Inputs: map[string]any{"region": region}}
	}
	return []ruleCase{
		{"estate-region-allow-list", "allowed provider region", []rules.Resource{provider("eu-west-2"), bucket}, false, ""},
		{"estate-region-allow-list", "provider outside allow-list", []rules.Resource{provider("us-west-2")}, true, "us-west-2 is not in the allowed regions"},
		{"estate-region-allow-list", "provider without region", []rules.Resource{provider(nil)}, true, "no explicit region"},
		{"estate-region-allow-list", "provider region unknown", []rules.Resource{provider(rules.Unknown)}, true, "no explicit region"},
		{"estate-region-allow-list", "resource on default provider", []rules.Resource{noProvider(bucket)}, true, "default provider"},
		{"estate-region-allow-list", "resource in a disallowed region", []rules.Resource{inRegion(bucket, "ap-south-1")}, true, "in region ap-south-1, outside the allowed regions"},
		{"estate-region-allow-list", "kubernetes provider is not regional", []rules.Resource{{URN: "urn:k8s", Type: "pulumi:providers:kubernetes", Inputs: map[string]any{"kubeconfig": rules.Secret}}}, false, ""},
		{"estate-region-allow-list", "azure provider location", []rules.Resource{{URN: "urn:az", Type: "pulumi:providers:azure-native", Region: "uksouth", Inputs: map[string]any{"location": "uksouth"}}}, true, "uksouth is not in the allowed regions"},
		{"estate-region-allow-list", "gcp provider without region", []rules.Resource{{URN: "urn:gcp", Type: "pulumi:providers:gcp", Inputs: map[string]any{}}}, true, "no explicit region"},
		{"estate-region-allow-list", "component needs no provider", []rules.Resource{noProvider(res("healthhub:aws:Network", "n", nil))}, false, ""},
		{"estate-stateful-protected", "protected key", []rules.Resource{key(nil)}, false, ""},
		{"estate-stateful-protected", "unprotected bucket", []rules.Resource{unprotected(bucket)}, true, "not protected in production"},
		{"estate-required-tags", "tagged", []rules.Resource{bucket}, false, ""},
		{"estate-required-tags", "missing owner", []rules.Resource{res(aws.TypeVpc, "v", map[string]any{"tags": map[string]any{"environment": "x", "data-classification": "phi"}})}, true, "missing tags: owner"},
		{"estate-required-tags", "untagged subnet group", []rules.Resource{res("aws:rds/subnetGroup:SubnetGroup", "sg", map[string]any{"subnetIds": []any{"s-1"}})}, true, "environment, data-classification, owner"},
		{"estate-required-tags", "OIDC provider without owner", []rules.Resource{res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc", map[string]any{"tags": map[string]any{"environment": "x", "data-classification": "phi"}})}, true, "missing tags: owner"},
		{"estate-required-tags", "any tagged resource is checked", []rules.Resource{res("aws:ecr/repository:Repository", "r", map[string]any{"tags": map[string]any{}})}, true, "environment, data-classification, owner"},
		{"estate-required-tags", "untagged", []rules.Resource{res(aws.TypeLogGroup, "lg", map[string]any{})}, true, "environment, data-classification, owner"},
		{"estate-region-allow-list", "resource region unknown at preview", []rules.Resource{inRegion(bucket, rules.Unknown)}, true, "unknown at preview"},
		{"estate-stateful-protected", "unprotected cache in production", []rules.Resource{unprotected(res(aws.TypeReplicationGroup, "cache", nil))}, true, "not protected in production"},
	}
}

func asString(v any) string { s, _ := v.(string); return s }

func TestRules(t *testing.T) {
	var cases []rulestest.Case
	for _, family := range [][]ruleCase{crossCloudCases(), drCases()} {
		for _, c := range family {
			cases = append(cases, rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message})
		}
	}
	rulestest.Run(t, All[:4], cases)
}

// TestRuleMetadata holds every rule of the pack to its naming and citation contract.
func TestRuleMetadata(t *testing.T) {
	seen := map[string]string{}
	prefix := map[rules.Cloud]string{rules.CloudAny: "estate", rules.CloudAWS: "aws", rules.CloudGCP: "gcp", rules.CloudAzure: "azure", rules.CloudKubernetes: "kubernetes"}
	name := regexp.MustCompile(`^[a-z0-9]+-[a-z0-9]+(-[a-z0-9]+)+$`)
	for _, r := range All {
		for _, n := range append([]string{r.Name}, r.Aliases...) {
			assert.Empty(t, seen[n], "%s is the name or alias of %s and %s", n, seen[n], r.Name)
			seen[n] = r.Name
		}
		assert.Regexp(t, name, r.Name, "<cloud>-<service>-<control>")
		assert.Equal(t, prefix[r.Cloud], r.Name[:len(prefix[r.Cloud])], "%s: name starts with its cloud", r.Name)
		assert.NotEmpty(t, r.Sections, "%s cites no HIPAA section", r.Name)
		for _, s := range r.Sections {
			assert.NotEmpty(t, s.Title(), "%s cites unknown section %s", r.Name, s)
		}
		assert.NotEmpty(t, r.Unknown, "%s: say how the check reads values unknown at preview", r.Name)
		assert.NotContains(t, r.Description, "164.3", "%s: sections belong in Sections, not prose", r.Name)
		assert.Contains(t, []rules.Level{rules.Mandatory, rules.Advisory}, r.Level)
		assert.True(t, (r.Check != nil) != (r.CheckStack != nil), "%s must have exactly one check", r.Name)
	}
}

func TestFindByOldName(t *testing.T) {
	for old, current := range map[string]string{
		"region-allow-list":            "estate-region-allow-list",
		"stateful-resources-protected": "estate-stateful-protected",
		"phi-data-stores-have-dr-copy": "estate-phi-dr-copy",
		"k8s-namespace-default-deny":   "kubernetes-namespace-default-deny",
		"aws-kms-key-rotation":         "aws-kms-key-rotation",
	} {
		r, ok := Find(old)
		require.True(t, ok, old)
		assert.Equal(t, current, r.Name)
	}
	_, ok := Find("no-such-rule")
	assert.False(t, ok)
}

func TestStatefulRuleOnlyInProduction(t *testing.T) {
	rule, _ := Find("estate-stateful-protected")
	dev := cfg
	dev.Environment = "dev"
	assert.Empty(t, rules.Evaluate([]rules.Rule{rule}, []rules.Resource{unprotected(bucket)}, dev))
}

func TestStatefulProfileIncludesRedis(t *testing.T) {
	rule, _ := Find("estate-stateful-protected")
	assert.True(t, slices.Contains(rule.Types, aws.TypeReplicationGroup))
}

// TestOwnLocationBeatsProvider runs records through the one conversion and the region rule:
// an Azure resource's own location decides, not its provider's.
func TestOwnLocationBeatsProvider(t *testing.T) {
	const azProvider = "urn:pulumi:production::healthhub::pulumi:providers:azure-native::az"
	records := []rules.Record{
		{URN: azProvider, Type: "pulumi:providers:azure-native", Inputs: map[string]any{"location": "eu-west-2"}},
		{URN: "urn:pulumi:production::healthhub::azure-native:storage:StorageAccount::phi", Type: "azure-native:storage:StorageAccount",
			Provider: azProvider + "::04da6b54", Inputs: map[string]any{"location": "ap-south-1"}},
	}
	resources := Resources(records)
	require.Len(t, resources, 2)
	assert.Equal(t, azProvider, resources[1].Provider, "the provider reference loses its id")
	assert.Equal(t, "ap-south-1", resources[1].Region)
	rule, _ := Find("estate-region-allow-list")
	vs := rules.Evaluate([]rules.Rule{rule}, resources, cfg)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "in region ap-south-1, outside the allowed regions")
}
