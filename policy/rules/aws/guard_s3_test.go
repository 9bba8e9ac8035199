package aws

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/policy/rules"
)

func legacyBucketInputs() map[string]any {
	return map[string]any{
		"tags": goodTags(),
		"acl":  "private",
		"serverSideEncryptionConfiguration": map[string]any{"rule": map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:key"},
		}},
		"versioning": map[string]any{"enabled": true},
		"loggings":   []any{map[string]any{"targetBucket": rules.Unknown, "targetPrefix": "records/"}},
	}
}

func inlineSSE(algo, key string) map[string]any {
	return map[string]any{"rule": map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": algo, "kmsMasterKeyId": key}}}
}

func legacyBucketCases() []ruleCase {
	const rule = "aws-s3-legacy-bucket-hardened"
	legacy := func(inputs map[string]any) rules.Resource { return res(TypeLegacyBucket, "records", inputs) }
	good := legacyBucketInputs()
	// The same bucket configured through the separate resources instead.
	bare := legacy(map[string]any{"tags": goodTags()})
	of := func(typ string, inputs map[string]any) rules.Resource {
		return dependsOn(res(typ, "records", inputs), bare)
	}
	sseV2 := func(algo string) rules.Resource {
		return of(TypeBucketSSE, map[string]any{"rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": algo, "kmsMasterKeyId": "arn:key"}}}})
	}
	versioningV2 := func(status string) rules.Resource {
		return of(TypeBucketVersioning, map[string]any{"versioningConfiguration": map[string]any{"status": status}})
	}
	logging := of(TypeBucketLogging, map[string]any{"targetBucket": rules.Unknown, "targetPrefix": "records/"})
	elbLogs := map[string]any{
		"tags":                              map[string]any{"log-delivery": naming.LogDeliveryELB},
		"serverSideEncryptionConfiguration": inlineSSE("AES256", ""),
		"versioning":                        map[string]any{"enabled": true},
	}

	return []ruleCase{
		{rule, "inline: SSE-KMS, private, versioned, logged", []rules.Resource{legacy(good)}, false, ""},
		{rule, "through the separate resources", []rules.Resource{bare, sseV2("aws:kms"), versioningV2("Enabled"), logging, of(TypeBucketACL, map[string]any{"acl": "private"})}, false, ""},
		{rule, "load balancer log bucket with SSE-S3, not logging itself", []rules.Resource{legacy(elbLogs)}, false, ""},

		{rule, "no encryption", []rules.Resource{legacy(with(good, "serverSideEncryptionConfiguration", nil))}, true, "bucket has no server-side encryption"},
		{rule, "SSE-S3", []rules.Resource{legacy(with(good, "serverSideEncryptionConfiguration", inlineSSE("AES256", "")))}, true, `applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"`},
		{rule, "SSE-KMS under the AWS-managed key", []rules.Resource{legacy(with(good, "serverSideEncryptionConfiguration", inlineSSE("aws:kms", "")))}, true, "kmsMasterKeyId is not set"},
		{rule, "SSE-S3 in the separate resource", []rules.Resource{bare, sseV2("AES256"), versioningV2("Enabled"), logging}, true, `rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is "AES256"`},
		{rule, "SSE-S3 outside a load balancer log bucket", []rules.Resource{legacy(with(elbLogs, "tags", map[string]any{"log-delivery": "s3"}))}, true, `"AES256"`},

		{rule, "public-read ACL", []rules.Resource{legacy(with(good, "acl", "public-read"))}, true, `acl is "public-read"`},
		{rule, "authenticated-read ACL", []rules.Resource{legacy(with(good, "acl", "authenticated-read"))}, true, `acl is "authenticated-read"`},
		{rule, "ACL unknown at preview", []rules.Resource{legacy(with(good, "acl", rules.Unknown))}, true, "acl is unknown at preview"},
		{rule, "grant to everyone", []rules.Resource{legacy(with(with(good, "acl", nil), "grants", []any{map[string]any{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": []any{"READ"}}}))}, true, "grants[0].uri is http://acs.amazonaws.com/groups/global/AllUsers"},
		{rule, "public ACL in the separate resource", []rules.Resource{bare, sseV2("aws:kms"), versioningV2("Enabled"), logging, of(TypeBucketACL, map[string]any{"acl": "public-read-write"})}, true, `acl is "public-read-write"`},

		{rule, "no versioning", []rules.Resource{legacy(with(good, "versioning", nil))}, true, "versioning.enabled must be true"},
		{rule, "versioning off inline", []rules.Resource{legacy(with(good, "versioning", map[string]any{"enabled": false}))}, true, "versioning.enabled must be true"},
		{rule, "versioning suspended in the separate resource", []rules.Resource{bare, sseV2("aws:kms"), versioningV2("Suspended"), logging}, true, `versioning status is "Suspended"`},

		{rule, "no access logging", []rules.Resource{legacy(with(good, "loggings", nil))}, true, "bucket has no access logging"},
		{rule, "logging without a target", []rules.Resource{legacy(with(good, "loggings", []any{map[string]any{"targetPrefix": "x/"}}))}, true, "bucket has no access logging"},
	}
}

// TestLegacyBucketDRCopy drives the legacy bucket's share of the cross-cloud DR rule.
func TestLegacyBucketDRCopy(t *testing.T) {
	elsewhere := func(region string) bool { return region == "eu-west-1" }
	inDR := func(r rules.Resource) rules.Resource { r.Region = "eu-west-1"; return r }
	replicated := func(status string) map[string]any {
		return with(legacyBucketInputs(), "replicationConfiguration", map[string]any{
			"role": "arn:role", "rules": []any{map[string]any{"status": status, "destination": map[string]any{"bucket": rules.Unknown}}},
		})
	}
	dest := inDR(res(TypeLegacyBucket, "records-dr", legacyBucketInputs()))
	source := func(status string, to rules.Resource) rules.Resource {
		return dependsOn(res(TypeLegacyBucket, "records", replicated(status)), to)
	}
	plain := res(TypeLegacyBucket, "records", legacyBucketInputs())
	sameRegion := res(TypeLegacyBucket, "records-copy", legacyBucketInputs())
	v2Dest := inDR(res(TypeBucket, "records-dr", map[string]any{}))
	config := dependsOn(dependsOn(res(TypeBucketReplication, "records", map[string]any{"rules": []any{map[string]any{"status": "Enabled"}}}), plain), v2Dest)

	tests := []struct {
		name          string
		all           []rules.Resource
		bucket        rules.Resource
		store, copied bool
	}{
		{"inline replication to another region", []rules.Resource{source("Enabled", dest), dest}, source("Enabled", dest), true, true},
		{"the destination is the copy", []rules.Resource{source("Enabled", dest), dest}, dest, false, false},
		{"replication disabled", []rules.Resource{source("Disabled", dest), dest}, source("Disabled", dest), true, false},
		{"replica in the same region", []rules.Resource{source("Enabled", sameRegion), sameRegion}, source("Enabled", sameRegion), true, false},
		{"replication configuration to a BucketV2", []rules.Resource{plain, config, v2Dest}, plain, true, true},
		{"no replication", []rules.Resource{plain}, plain, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, copied := drCopy(tt.all, tt.bucket, elsewhere)
			assert.Equal(t, tt.store, store, "store")
			assert.Equal(t, tt.copied, copied, "copied")
		})
	}
}
