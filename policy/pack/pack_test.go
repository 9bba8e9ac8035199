package pack

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/mockcloud"
	"github.com/healthhub/estate/policy/rules"
	awsrules "github.com/healthhub/estate/policy/rules/aws"
	"github.com/healthhub/estate/policy/rules/estate"
)

type recorder struct{ messages, urns []string }

func (r *recorder) ReportViolation(message, urn string) {
	r.messages = append(r.messages, message)
	r.urns = append(r.urns, urn)
}

func policyNamed(t *testing.T, p policyx.PolicyPack, name string) policyx.Policy {
	for _, pol := range p.Policies() {
		if pol.Name() == name {
			return pol
		}
	}
	t.Fatalf("no policy %s", name)
	return nil
}

func TestPackServesEveryRule(t *testing.T) {
	p, err := New(nil)
	require.NoError(t, err)
	assert.Equal(t, Name, p.Name())
	require.Len(t, p.Policies(), len(estate.All))
	for i, rule := range estate.All {
		pol := p.Policies()[i]
		assert.Equal(t, rule.Name, pol.Name())
		assert.Equal(t, rule.Summary(), pol.Description())
		want := policyx.EnforcementLevelAdvisory
		if rule.Level == rules.Mandatory {
			want = policyx.EnforcementLevelMandatory
		}
		assert.Equal(t, want, pol.EnforcementLevel(), rule.Name)
	}
}

func TestResourcePolicyReportsThroughTheManager(t *testing.T) {
	p, err := New(nil)
	require.NoError(t, err)
	pol := policyNamed(t, p, "aws-kms-key-rotation").(policyx.ResourceValidationPolicy)
	rec := &recorder{}
	err = pol.Validate(context.Background(), policyx.ResourceValidationArgs{
		Manager: rec,
		Resource: policyx.AnalyzerResource{
			Type: awsrules.TypeKmsKey, URN: "urn:pulumi:s::p::aws:kms/key:Key::k", Name: "k",
			Properties: property.NewMap(map[string]property.Value{"enableKeyRotation": property.New(false)}),
		},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"enableKeyRotation must be true"}, rec.messages)
	assert.Equal(t, []string{"urn:pulumi:s::p::aws:kms/key:Key::k"}, rec.urns)
}

func TestRegionPolicyUsesPolicyConfig(t *testing.T) {
	p, err := New(nil)
	require.NoError(t, err)
	pol := policyNamed(t, p, "estate-region-allow-list").(policyx.ResourceValidationPolicy)
	provider := policyx.AnalyzerResource{
		Type: "pulumi:providers:aws", URN: "urn:pulumi:s::p::pulumi:providers:aws::primary", Name: "primary",
		Properties: property.NewMap(map[string]property.Value{"region": property.New("eu-west-2")}),
	}
	for _, tt := range []struct {
		allowed  []any
		violates bool
	}{
		{[]any{"eu-west-2", "eu-west-1"}, false},
		{[]any{"us-east-1"}, true},
		{nil, true}, // no stack config and no policy config: fail closed
	} {
		rec := &recorder{}
		cfg := map[string]any{}
		if tt.allowed != nil {
			cfg["allowedRegions"] = tt.allowed
		}
		require.NoError(t, pol.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: rec, Resource: provider, Config: cfg}))
		assert.Equal(t, tt.violates, len(rec.messages) > 0, "allowed %v", tt.allowed)
	}
}

func TestStackDefaultsComeFromStackConfig(t *testing.T) {
	pctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project: "healthhub", Stack: "production", Mocks: mockcloud.New("healthhub", "production"),
		Config: map[string]string{
			"healthhub:environment":      "production",
			"healthhub:primaryRegion":    "eu-west-2",
			"healthhub:drRegion":         "eu-west-1",
			"healthhub:allowedRegions":   `["eu-west-2","eu-west-1"]`,
			"healthhub:alertEmail":       "a@b.example",
			"healthhub:owner":            "platform",
			"healthhub:costCentre":       "cc-1",
			"healthhub:databasePassword": "pack-test-password",
			"healthhub:cacheAuthToken":   "pack-test-cache-token",
			"healthhub:openaiApiKey":     "x", "healthhub:azureSpeechKey": "x", "healthhub:googleVisionKey": "x", "healthhub:pagerUrl": "https://pager.example/x",
			"healthhub:aws": `{"loadBalancer":{"certificateArn":"arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"},"api":{"domainName":"api.healthhub.example","certificateArn":"arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"},"frontend":{"domainName":"app.healthhub.example","certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"}}`,
		},
	})
	require.NoError(t, err)
	d := StackDefaults(pctx)
	assert.Equal(t, []string{"eu-west-2", "eu-west-1"}, d.AllowedRegions)
	assert.Equal(t, "production", d.Environment)
	assert.Equal(t, 2190, d.RetentionFloorDays)

	assert.Equal(t, 35, d.BackupFloor(), "production keeps every automated backup RDS allows")

	o := WithOverrides(d, map[string]any{"allowedRegions": []any{"us-east-1"}, "retentionFloorDays": 2555.0, "backupRetentionFloorDays": 14.0})
	assert.Equal(t, []string{"us-east-1"}, o.AllowedRegions)
	assert.Equal(t, 2555, o.RetentionFloorDays)
	assert.Equal(t, 14, o.BackupFloor())
}

func TestFromAnalyzer(t *testing.T) {
	r := FromAnalyzer(policyx.AnalyzerResource{
		Type: awsrules.TypeBucket, URN: "urn:b", Name: "b", Parent: "urn:parent",
		Properties:   property.NewMap(map[string]property.Value{"secret": property.New("x").WithSecret(true)}),
		Options:      pulumi.ResourceOptions{Protect: true},
		Provider:     policyx.AnalyzerProviderResource{Type: "pulumi:providers:aws", URN: "urn:prov", Properties: property.NewMap(map[string]property.Value{"region": property.New("eu-west-1")})},
		Dependencies: []string{"urn:key"},
	})
	assert.Equal(t, rules.Resource{
		URN: "urn:b", Type: awsrules.TypeBucket, Name: "b", Parent: "urn:parent", Provider: "urn:prov",
		Region: "eu-west-1", Dependencies: []string{"urn:key"}, Protect: true,
		Inputs: map[string]any{"secret": rules.Secret},
	}, r)
}

// TestFromAnalyzerOwnRegionFirst: the engine's view goes through the same region function as
// the plan's, so a resource's own location decides over its provider's.
func TestFromAnalyzerOwnRegionFirst(t *testing.T) {
	r := FromAnalyzer(policyx.AnalyzerResource{
		Type: "gcp:storage/bucket:Bucket", URN: "urn:pulumi:s::p::gcp:storage/bucket:Bucket::b", Name: "b",
		Properties: property.NewMap(map[string]property.Value{"location": property.New("us-central1")}),
		Provider: policyx.AnalyzerProviderResource{
			Type: "pulumi:providers:gcp", URN: "urn:pulumi:s::p::pulumi:providers:gcp::primary::1d2c",
			Properties: property.NewMap(map[string]property.Value{"region": property.New("europe-west2")}),
		},
	})
	assert.Equal(t, "us-central1", r.Region)
	assert.Equal(t, "urn:pulumi:s::p::pulumi:providers:gcp::primary", r.Provider)
}
