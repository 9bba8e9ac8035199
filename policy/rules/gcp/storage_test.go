package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

// phiBucket is a bucket as the estate's SecureBucket writes it.
func phiBucket(name string) map[string]any {
	return map[string]any{
		"name": name, "location": "europe-west2",
		"uniformBucketLevelAccess": true, "publicAccessPrevention": "enforced",
		"encryption":   map[string]any{"defaultKmsKeyName": rules.Unknown},
		"versioning":   map[string]any{"enabled": true},
		"forceDestroy": false,
		"labels":       map[string]any{"environment": "production", "data-classification": "phi", "owner": "platform"},
	}
}

// archiveBucket is the audit archive: a locked retention policy instead of versioning.
func archiveBucket(days int64, locked bool) rules.Resource {
	inputs := with(phiBucket("healthhub-prod-archive"), "versioning", map[string]any{"enabled": false})
	inputs["retentionPolicy"] = map[string]any{"retentionPeriod": days * day, "isLocked": locked}
	return res(TypeBucket, "archive", inputs)
}

// auditSink exports the audit logs to the bucket.
func auditSink(destination string, to rules.Resource) rules.Resource {
	return dependsOn(res(TypeProjectSink, "audit", map[string]any{"destination": destination, "filter": `logName:"cloudaudit.googleapis.com"`}), to)
}

// archiveCopy is the audit archive's copy in the DR region, and copyJob the transfer job that
// copies the source bucket into it.
func archiveCopy(days int64, locked bool) rules.Resource {
	inputs := with(phiBucket("healthhub-prod-archive-dr"), "versioning", map[string]any{"enabled": false})
	inputs["location"] = "europe-west1"
	inputs["retentionPolicy"] = map[string]any{"retentionPeriod": days * day, "isLocked": locked}
	return res(TypeBucket, "archive-dr", inputs)
}

func copyJob(source, sink, status string) rules.Resource {
	inputs := map[string]any{"transferSpec": map[string]any{
		"gcsDataSource": map[string]any{"bucketName": source}, "gcsDataSink": map[string]any{"bucketName": sink},
	}}
	if status != "" {
		inputs["status"] = status
	}
	return res(TypeStorageTransferJob, "archive-dr", inputs)
}

func storageCases() []ruleCase {
	bucket := func(inputs map[string]any) rules.Resource { return res(TypeBucket, "records", inputs) }
	good := phiBucket("healthhub-prod-records")
	archive := archiveBucket(2190, true)

	return []ruleCase{
		{"gcp-storage-encrypted-cmek", "customer-managed key", []rules.Resource{bucket(good)}, false, "", ""},
		{"gcp-storage-encrypted-cmek", "Google-managed key", []rules.Resource{bucket(with(good, "encryption", nil))}, true, "defaultKmsKeyName is not set", ""},

		{"gcp-storage-public-access-prevented", "uniform and enforced", []rules.Resource{bucket(good)}, false, "", ""},
		{"gcp-storage-public-access-prevented", "inherited", []rules.Resource{bucket(with(good, "publicAccessPrevention", "inherited"))}, true, `publicAccessPrevention is "inherited"`, ""},
		{"gcp-storage-public-access-prevented", "object ACLs", []rules.Resource{bucket(with(good, "uniformBucketLevelAccess", false))}, true, "uniformBucketLevelAccess must be true", ""},

		{"gcp-storage-versioning", "versioned", []rules.Resource{bucket(good)}, false, "", ""},
		{"gcp-storage-versioning", "a retention policy instead", []rules.Resource{archive}, false, "", ""},
		{"gcp-storage-versioning", "neither", []rules.Resource{bucket(with(good, "versioning", nil))}, true, "versioning.enabled must be true", ""},

		{"gcp-storage-audit-log-retention", "six years, locked", []rules.Resource{archive, auditSink("storage.googleapis.com/healthhub-prod-archive", archive)}, false, "", ""},
		{"gcp-storage-audit-log-retention", "destination unknown at preview, by reference", []rules.Resource{archive, auditSink(rules.Unknown, archive)}, false, "", ""},
		{"gcp-storage-audit-log-retention", "unlocked in dev", []rules.Resource{archiveBucket(2190, false), auditSink("storage.googleapis.com/healthhub-prod-archive", archive)}, false, "", "dev"},
		{"gcp-storage-audit-log-retention", "a bucket no sink writes to", []rules.Resource{bucket(good)}, false, "", ""},
		{"gcp-storage-audit-log-retention", "unlocked in production", []rules.Resource{archiveBucket(2190, false), auditSink("storage.googleapis.com/healthhub-prod-archive", archive)}, true, "retentionPolicy.isLocked must be true", ""},
		{"gcp-storage-audit-log-retention", "one year", []rules.Resource{archiveBucket(365, true), auditSink("storage.googleapis.com/healthhub-prod-archive", archive)}, true, "retentionPeriod is 31536000s; at least 189216000s (2190 days)", ""},
		{"gcp-storage-audit-log-retention", "the archive's DR copy, six years, locked", []rules.Resource{archive, archiveCopy(2190, true), auditSink("storage.googleapis.com/healthhub-prod-archive", archive), copyJob("healthhub-prod-archive", "healthhub-prod-archive-dr", "")}, false, "", ""},
		{"gcp-storage-audit-log-retention", "the archive's DR copy unlocked", []rules.Resource{archive, archiveCopy(2190, false), auditSink("storage.googleapis.com/healthhub-prod-archive", archive), copyJob("healthhub-prod-archive", "healthhub-prod-archive-dr", "")}, true, "retentionPolicy.isLocked must be true", ""},
		{"gcp-storage-audit-log-retention", "the archive's DR copy kept a year, its transfer disabled", []rules.Resource{archive, archiveCopy(365, true), auditSink("storage.googleapis.com/healthhub-prod-archive", archive), copyJob("healthhub-prod-archive", "healthhub-prod-archive-dr", "DISABLED")}, true, "retentionPeriod is 31536000s", ""},
		{"gcp-storage-audit-log-retention", "the copy of a bucket no sink writes to", []rules.Resource{bucket(good), archiveCopy(30, false), copyJob("healthhub-prod-records", "healthhub-prod-archive-dr", "")}, false, "", ""},
		{"gcp-storage-audit-log-retention", "no retention policy, by reference", []rules.Resource{bucket(good), auditSink(rules.Unknown, bucket(good))}, true, "retentionPeriod is 0s", ""},
	}
}
