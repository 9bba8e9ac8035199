package mockcloud

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
)

func TestInvokesAnswerPerRegion(t *testing.T) {
	m := New("healthhub", "test")
	_, _, err := m.NewResource(pulumi.MockResourceArgs{
		TypeToken: "pulumi:providers:aws", Name: "dr", Custom: true,
		Inputs: resource.PropertyMap{"region": resource.NewProperty("eu-west-1")},
	})
	require.NoError(t, err)
	ref := "urn:pulumi:test::healthhub::pulumi:providers:aws::dr::id"

	zones, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getAvailabilityZones:getAvailabilityZones", Provider: ref})
	require.NoError(t, err)
	assert.Equal(t, []any{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, rules.PlainMap(zones)["names"])

	region, err := m.Call(pulumi.MockCallArgs{Token: "aws:index/getRegion:getRegion", Provider: ref})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", region["name"].StringValue())

	_, err = m.Call(pulumi.MockCallArgs{Token: "aws:index/getRegion:getRegion"})
	assert.ErrorContains(t, err, "without an explicit provider")
}

// provider registers an explicit provider of a package with its inputs and returns the
// reference a resource or invoke carries.
func provider(t *testing.T, m *Monitor, pkg, name string, inputs map[string]any) string {
	t.Helper()
	_, _, err := m.NewResource(pulumi.MockResourceArgs{
		TypeToken: "pulumi:providers:" + pkg, Name: name, Custom: true, Inputs: resource.NewPropertyMapFromMap(inputs),
	})
	require.NoError(t, err)
	return "urn:pulumi:test::healthhub::pulumi:providers:" + pkg + "::" + name + "::id"
}

// Each provider package is answered by its own file, from what its provider was given.
func TestInvokesDispatchByProviderPackage(t *testing.T) {
	m := New("healthhub", "test")
	refs := map[string]string{
		"aws":          provider(t, m, "aws", "primary", map[string]any{"region": "eu-west-2"}),
		"gcp":          provider(t, m, "gcp", "primary", map[string]any{"project": "hh-prod", "region": "europe-west2"}),
		"azure-native": provider(t, m, "azure-native", "primary", map[string]any{"location": "uksouth", "subscriptionId": "sub-1"}),
		"kubernetes":   provider(t, m, "kubernetes", "cluster", map[string]any{"kubeconfig": "{}"}),
	}
	tests := []struct {
		token, provider string
		want            map[string]any // a few of the fields answered
	}{
		{"aws:index/getCallerIdentity:getCallerIdentity", "aws", map[string]any{"accountId": AccountID}},
		{"aws:index/getRegion:getRegion", "aws", map[string]any{"name": "eu-west-2"}},
		{"gcp:organizations/getProject:getProject", "gcp", map[string]any{"projectId": "hh-prod", "number": GCPProjectNumber}},
		{"gcp:organizations/getProject:getProject", "", map[string]any{"projectId": GCPProjectID}},
		{"gcp:organizations/getClientConfig:getClientConfig", "gcp", map[string]any{"project": "hh-prod", "region": "europe-west2"}},
		{"azure-native:authorization:getClientConfig", "azure-native", map[string]any{"subscriptionId": "sub-1", "tenantId": AzureTenantID}},
		{"azure-native:authorization:getClientConfig", "", map[string]any{"subscriptionId": AzureSubscriptionID}},
	}
	for _, tt := range tests {
		t.Run(tt.token+"/"+tt.provider, func(t *testing.T) {
			out, err := m.Call(pulumi.MockCallArgs{Token: tt.token, Provider: refs[tt.provider]})
			require.NoError(t, err)
			got := rules.PlainMap(out)
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
			}
		})
	}
}

// An invoke nobody answers names its token and the file to extend, not a zero value the
// program would carry on with.
func TestUnansweredInvokesNameTokenAndFile(t *testing.T) {
	m := New("healthhub", "test")
	tests := []struct{ token, want string }{
		{"aws:rds/getEngineVersion:getEngineVersion", "no answer for invoke aws:rds/getEngineVersion:getEngineVersion; add one to internal/mockcloud/aws_invokes.go"},
		{"gcp:compute/getZones:getZones", "no answer for invoke gcp:compute/getZones:getZones; add one to internal/mockcloud/gcp_invokes.go"},
		{"azure-native:resources:getResourceGroup", "no answer for invoke azure-native:resources:getResourceGroup; add one to internal/mockcloud/azure_invokes.go"},
		{"kubernetes:yaml:decode", "no answer for invoke kubernetes:yaml:decode; add one to internal/mockcloud/kubernetes_invokes.go"},
		{"random:index/getRandom:getRandom", `no answer for invoke random:index/getRandom:getRandom: provider package "random" is not one of aws, azure-native, gcp, kubernetes`},
		{"gcp:organizations/getClientConfig:getClientConfig", "gcp:organizations/getClientConfig:getClientConfig called without an explicit provider"},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			_, err := m.Call(pulumi.MockCallArgs{Token: tt.token})
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// Resources of a package without a state hook get a name and an id, and no AWS outputs.
func TestStateIsComputedPerProviderPackage(t *testing.T) {
	m := New("healthhub", "test")
	aws := provider(t, m, "aws", "primary", map[string]any{"region": "eu-west-2"})
	gcp := provider(t, m, "gcp", "primary", map[string]any{"region": "europe-west2"})
	newResource := func(typ, name, ref string) map[string]any {
		_, out, err := m.NewResource(pulumi.MockResourceArgs{TypeToken: typ, Name: name, Custom: true, Provider: ref,
			RegisterRPC: &pulumirpc.RegisterResourceRequest{Provider: ref}})
		require.NoError(t, err)
		return rules.PlainMap(out)
	}
	bucket := newResource("aws:s3/bucketV2:BucketV2", "archive", aws)
	assert.Equal(t, "arn:aws:s3:::"+bucket["bucket"].(string), bucket["arn"])
	assert.Equal(t, bucket["bucket"].(string)+".s3.eu-west-2.amazonaws.com", bucket["bucketRegionalDomainName"])

	gcs := newResource("gcp:storage/bucket:Bucket", "archive", gcp)
	assert.NotContains(t, gcs, "arn")
	assert.NotEmpty(t, gcs["name"])
	assert.NotEmpty(t, gcs["id"])
}

// The root stack's outputs are recorded with their values, secrecy and nulls.
func TestRecordsStackOutputs(t *testing.T) {
	m := New("healthhub", "test")
	err := m.Run(nil, nil, func(ctx *pulumi.Context) error {
		var res pulumi.CustomResourceState
		if err := ctx.RegisterResource("aws:s3/bucketV2:BucketV2", "archive", pulumi.Map{"bucket": pulumi.String("hh-archive")}, &res); err != nil {
			return err
		}
		ctx.Export("bucketId", res.ID())
		ctx.Export("token", pulumi.ToSecret(pulumi.String("s3cr3t")))
		ctx.Export("missing", nil)
		ctx.Export("pools", pulumi.ToMapArray([]map[string]any{{"name": "gpu", "gpu": true}}))
		return nil
	})
	require.NoError(t, err)
	out := m.Outputs()
	assert.Len(t, out, 4)
	assert.True(t, out["bucketId"].Known)
	assert.Regexp(t, "^bucketv2-0[0-9a-f]{16}$", out["bucketId"].Value)
	assert.Equal(t, Output{Value: "s3cr3t", Known: true, Secret: true}, out["token"])
	assert.Equal(t, Output{Known: true}, out["missing"])
	assert.Equal(t, []any{map[string]any{"name": "gpu", "gpu": true}}, out["pools"].Value)
}

func TestPolicyDocumentInvoke(t *testing.T) {
	m := New("healthhub", "test")
	args := resource.NewPropertyMapFromMap(map[string]any{"statements": []any{map[string]any{
		"sid": "TLS", "effect": "Deny", "actions": []any{"s3:*"}, "resources": []any{"*"},
		"principals": []any{map[string]any{"type": "*", "identifiers": []any{"*"}}},
		"conditions": []any{map[string]any{"test": "Bool", "variable": "aws:SecureTransport", "values": []any{"false"}}},
	}}})
	out, err := m.Call(pulumi.MockCallArgs{Token: "aws:iam/getPolicyDocument:getPolicyDocument", Args: args})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out["json"].StringValue()), &doc))
	assert.Equal(t, map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "TLS", "Effect": "Deny", "Action": []any{"s3:*"}, "Resource": []any{"*"},
			"Principal": map[string]any{"*": []any{"*"}},
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": []any{"false"}}},
		}},
	}, doc)
}

func TestRecordsResourcesWithRealisticState(t *testing.T) {
	m := New("healthhub", "test")
	err := m.Run(nil, nil, func(ctx *pulumi.Context) error {
		var res pulumi.CustomResourceState
		return ctx.RegisterResource("aws:s3/bucketV2:BucketV2", "archive", pulumi.Map{"forceDestroy": pulumi.Bool(false)}, &res, pulumi.Protect(true))
	})
	require.NoError(t, err)
	r, ok := m.Find("aws:s3/bucketV2:BucketV2", "archive")
	require.True(t, ok)
	assert.True(t, r.Protect)
	assert.Equal(t, "urn:pulumi:test::healthhub::aws:s3/bucketV2:BucketV2::archive", r.URN)
	assert.Equal(t, m.StackURN(), r.Parent)
	v, ok := r.Get("forceDestroy")
	assert.True(t, ok)
	assert.Equal(t, false, v)
	_, ok = r.Get("bucket")
	assert.False(t, ok, "outputs are not inputs")
	assert.Equal(t, map[string]int{"aws:s3/bucketV2:BucketV2": 1}, m.CountByType())
}
