package gcp

import (
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Cloud Storage types.
const (
	TypeBucket             = "gcp:storage/bucket:Bucket"
	TypeBucketIAMMember    = "gcp:storage/bucketIAMMember:BucketIAMMember"
	TypeStorageTransferJob = "gcp:storage/transferJob:TransferJob"
)

var storageEncrypted = rules.Rule{
	Name:        "gcp-storage-encrypted-cmek",
	Cloud:       rules.CloudGCP,
	Description: "Cloud Storage buckets encrypt new objects with a customer-managed Cloud KMS key (encryption.defaultKmsKeyName).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !rules.Present(r.Inputs, "encryption.defaultKmsKeyName") {
			return []string{"encryption.defaultKmsKeyName is not set: objects would use a Google-managed key"}
		}
		return nil
	},
}

// storagePublicAccess: uniform access turns object ACLs off, so IAM alone decides; public
// access prevention refuses allUsers and allAuthenticatedUsers even if a grant names them.
var storagePublicAccess = rules.Rule{
	Name:        "gcp-storage-public-access-prevented",
	Cloud:       rules.CloudGCP,
	Description: "Cloud Storage buckets use uniform bucket-level access and enforce public access prevention.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "uniformBucketLevelAccess") {
			out = append(out, "uniformBucketLevelAccess must be true: object ACLs could make single objects public")
		}
		if p := rules.Str(r.Inputs, "publicAccessPrevention"); p != "enforced" {
			out = append(out, fmt.Sprintf("publicAccessPrevention is %q; must be enforced", p))
		}
		return out
	},
}

// storageVersioning: Cloud Storage refuses versioning beside a retention policy, which is
// the stronger guard of the two (no object can be replaced or deleted until it is old
// enough), so a bucket with one passes.
var storageVersioning = rules.Rule{
	Name:        "gcp-storage-versioning",
	Cloud:       rules.CloudGCP,
	Description: "Cloud Storage buckets keep object versions so an overwrite or delete can be undone, unless a retention policy keeps objects from being overwritten or deleted at all.",
	Sections:    []rules.Section{rules.Integrity, rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if seconds, _ := rules.Number(r.Inputs, "retentionPolicy.retentionPeriod"); seconds > 0 {
			return nil
		}
		if !rules.BoolTrue(r.Inputs, "versioning.enabled") {
			return []string{"versioning.enabled must be true (or a retention policy set)"}
		}
		return nil
	},
}

// storageAuditRetention: the buckets the audit logs are exported to keep them the retention
// floor, six years by default (164.316(b)(2)(i)), under a retention policy; in production the
// policy is locked so no one, the project's owners included, can shorten it or delete a log
// early (Prowler cloudstorage_bucket_log_retention_policy_lock). A bucket a transfer job
// copies such a bucket to is held to the same: after the loss of the primary region it is
// the only record left.
var storageAuditRetention = rules.Rule{
	Name:        "gcp-storage-audit-log-retention",
	Cloud:       rules.CloudGCP,
	Description: "Every bucket a log sink exports to, and every bucket a Storage Transfer Service job copies one of those to, keeps objects at least the retention floor (retentionPolicy.retentionPeriod, six years by default) and, in production, locks that policy (retentionPolicy.isLocked).",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket, TypeProjectSink, TypeStorageTransferJob},
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		floor := int64(cfg.RetentionFloorDays) * day
		var out []rules.Finding
		for _, b := range all {
			if b.Type != TypeBucket || !holdsExportedLogs(all, b) {
				continue
			}
			var msgs []string
			if seconds, _ := rules.Number(b.Inputs, "retentionPolicy.retentionPeriod"); seconds < floor {
				msgs = append(msgs, fmt.Sprintf("retentionPolicy.retentionPeriod is %ds; at least %ds (%d days)", seconds, floor, cfg.RetentionFloorDays))
			}
			if cfg.Production() && !rules.BoolTrue(b.Inputs, "retentionPolicy.isLocked") {
				msgs = append(msgs, "retentionPolicy.isLocked must be true in production")
			}
			if len(msgs) > 0 {
				out = append(out, rules.Finding{URN: b.URN, Message: "the bucket holds exported logs: " + strings.Join(msgs, "; ")})
			}
		}
		return out
	},
}

// storageDestination prefixes a sink destination that is a bucket.
const storageDestination = "storage.googleapis.com/"

// isSinkDestination: a log sink exports to the bucket, named in its destination
// (storage.googleapis.com/<name>) or, while that is unknown, referred to by the sink.
func isSinkDestination(all []rules.Resource, b rules.Resource) bool {
	for _, s := range all {
		if s.Type == TypeProjectSink && sinkBucket(all, s).URN == b.URN {
			return true
		}
	}
	return false
}

// holdsExportedLogs: a sink exports to the bucket, or a transfer job, enabled or not, copies a
// bucket a sink exports to into it (the copies it made stay).
func holdsExportedLogs(all []rules.Resource, b rules.Resource) bool {
	if isSinkDestination(all, b) {
		return true
	}
	for _, tj := range all {
		if tj.Type != TypeStorageTransferJob || transferBucket(all, tj, transferSink, transferSource).URN != b.URN {
			continue
		}
		if src := transferBucket(all, tj, transferSource, transferSink); src.URN != "" && src.URN != b.URN && isSinkDestination(all, src) {
			return true
		}
	}
	return false
}

// sinkBucket is the bucket of the stack a sink exports to; the zero Resource if it exports
// elsewhere.
func sinkBucket(all []rules.Resource, sink rules.Resource) rules.Resource {
	dest := rules.Str(sink.Inputs, "destination")
	if rules.IsUnknown(dest) {
		return rules.DependencyOf(all, sink, TypeBucket, nil)
	}
	name, ok := strings.CutPrefix(dest, storageDestination)
	if !ok {
		return rules.Resource{}
	}
	for _, b := range all {
		if b.Type == TypeBucket && rules.Str(b.Inputs, "name") == name {
			return b
		}
	}
	return rules.Resource{}
}
