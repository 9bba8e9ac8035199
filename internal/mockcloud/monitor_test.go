package mockcloud

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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

	_, err = m.Call(pulumi.MockCallArgs{Token: "aws:rds/getEngineVersion:getEngineVersion", Provider: ref})
	assert.ErrorContains(t, err, "no answer for invoke aws:rds/getEngineVersion:getEngineVersion")
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
