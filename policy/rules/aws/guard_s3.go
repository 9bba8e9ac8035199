package aws

import (
	"fmt"
	"slices"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/policy/rules"
)

// The legacy bucket keeps its settings inline; the provider also lets the separate
// configuration resources of BucketV2 configure it.
const (
	TypeLegacyBucket  = "aws:s3/bucket:Bucket"
	TypeBucketACL     = "aws:s3/bucketAclV2:BucketAclV2"
	TypeBucketLogging = "aws:s3/bucketLoggingV2:BucketLoggingV2"
)

// publicACLs open a bucket to anyone, or to any AWS account.
var publicACLs = []string{"public-read", "public-read-write", "authenticated-read"}

var publicGrantees = []string{
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

// legacyBucketHardened holds a legacy bucket to what the estate's own buckets meet, whether
// the team writes the settings inline or in the separate resources; a setting made both ways
// is checked both ways. A log-delivery bucket (any log-delivery tag) need not log its own
// access: what it stores are the logs, and logging into itself would loop.
var legacyBucketHardened = rules.Rule{
	Name:        "aws-s3-legacy-bucket-hardened",
	Cloud:       rules.CloudAWS,
	Description: "Legacy S3 buckets (aws:s3/bucket:Bucket), inline or through the separate configuration resources, encrypt with SSE-KMS under a customer-managed key, grant no public ACL, keep object versions and log access; a load balancer log bucket (tag log-delivery=elasticloadbalancing) may use SSE-S3, and a log-delivery bucket need not log itself.",
	Sections:    []rules.Section{rules.Encryption, rules.AccessControl, rules.AuditControls, rules.Integrity, rules.ContingencyPlan},
	Unknown:     "algorithm, ACL and versioning fail; key and log target pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeLegacyBucket, TypeBucketSSE, TypeBucketACL, TypeBucketVersioning, TypeBucketLogging},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, b := range all {
			if b.Type == TypeLegacyBucket {
				out = append(out, legacyBucketFindings(all, b)...)
			}
		}
		return out
	},
}

func legacyBucketFindings(all []rules.Resource, b rules.Resource) []rules.Finding {
	var out []rules.Finding
	add := func(r rules.Resource, msg string) {
		if msg != "" {
			out = append(out, rules.Finding{URN: r.URN, Message: msg})
		}
	}

	const inlineSSE = "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault"
	encryption := rules.Dependents(all, b, TypeBucketSSE)
	if _, ok := rules.Get(b.Inputs, "serverSideEncryptionConfiguration"); ok {
		add(b, legacySSE(b, b, inlineSSE))
	} else if len(encryption) == 0 {
		add(b, "bucket has no server-side encryption: set serverSideEncryptionConfiguration to aws:kms with a customer-managed key")
	}
	for _, c := range encryption {
		add(c, legacySSE(b, c, "rules[0].applyServerSideEncryptionByDefault"))
	}

	add(b, publicACL(b.Inputs, "acl", "grants", "uri"))
	for _, c := range rules.Dependents(all, b, TypeBucketACL) {
		add(c, publicACL(c.Inputs, "acl", "accessControlPolicy.grants", "grantee.uri"))
	}

	versioning := rules.Dependents(all, b, TypeBucketVersioning)
	if _, ok := rules.Get(b.Inputs, "versioning"); ok || len(versioning) == 0 {
		if !rules.BoolTrue(b.Inputs, "versioning.enabled") {
			add(b, "versioning.enabled must be true so an overwrite or delete can be undone")
		}
	}
	for _, c := range versioning {
		if s := rules.Str(c.Inputs, "versioningConfiguration.status"); s != "Enabled" {
			add(c, fmt.Sprintf("versioning status is %q; must be Enabled", s))
		}
	}

	if rules.Str(b.Inputs, "tags.log-delivery") == "" && len(rules.Dependents(all, b, TypeBucketLogging)) == 0 {
		logged := false
		for i := range rules.List(b.Inputs, "loggings") {
			logged = logged || rules.Present(b.Inputs, fmt.Sprintf("loggings[%d].targetBucket", i))
		}
		if !logged {
			add(b, "bucket has no access logging: set loggings to a log bucket")
		}
	}
	return out
}

// legacySSE checks one encryption setting of bucket b, held by r at path p.
func legacySSE(b, r rules.Resource, p string) string {
	algo := rules.Str(r.Inputs, p+".sseAlgorithm")
	if algo == "AES256" && rules.Str(b.Inputs, "tags."+naming.TagLogDelivery) == naming.LogDeliveryELB {
		return "" // Elastic Load Balancing can only write access logs to SSE-S3 buckets
	}
	if algo != "aws:kms" && algo != "aws:kms:dsse" {
		return fmt.Sprintf("%s.sseAlgorithm is %q; must be aws:kms with a customer-managed key", p, algo)
	}
	if !rules.Present(r.Inputs, p+".kmsMasterKeyId") {
		return p + ".kmsMasterKeyId is not set: objects would use the AWS-managed key, which the estate cannot audit or revoke"
	}
	return ""
}

// publicACL reports a canned ACL or a grant that opens the bucket beyond the account. An
// unknown ACL cannot be shown to be private.
func publicACL(inputs map[string]any, aclPath, grantsPath, uriField string) string {
	if v, _ := rules.Get(inputs, aclPath); rules.IsUnknown(v) {
		return aclPath + " is unknown at preview; it must be a literal private ACL"
	}
	if acl := rules.Str(inputs, aclPath); slices.Contains(publicACLs, acl) {
		return fmt.Sprintf("%s is %q: anyone could read the bucket; use private", aclPath, acl)
	}
	for i := range rules.List(inputs, grantsPath) {
		p := fmt.Sprintf("%s[%d].%s", grantsPath, i, uriField)
		if uri := rules.Str(inputs, p); slices.Contains(publicGrantees, uri) {
			return fmt.Sprintf("%s is %s: the grant opens the bucket beyond the account", p, uri)
		}
	}
	return ""
}

// legacyBucketDRCopy is drCopy for a legacy bucket: replicated inline or by a replication
// configuration to a bucket of either kind in another allowed region. The destination of a
// replication from another region is the copy, not a store.
func legacyBucketDRCopy(all []rules.Resource, b rules.Resource, elsewhere func(string) bool) (store, copied bool) {
	for _, src := range all {
		if (src.Type == TypeLegacyBucket || src.Type == TypeBucketReplication) && src.URN != b.URN &&
			src.Region != b.Region && slices.Contains(src.Dependencies, b.URN) && replicates(src) {
			return false, false
		}
	}
	destination := func(r rules.Resource) bool {
		return rules.HasDependency(all, r, TypeLegacyBucket, func(d rules.Resource) bool { return elsewhere(d.Region) }) ||
			rules.HasDependency(all, r, TypeBucket, func(d rules.Resource) bool { return elsewhere(d.Region) })
	}
	if replicates(b) && destination(b) {
		return true, true
	}
	for _, rc := range rules.Dependents(all, b, TypeBucketReplication) {
		if rc.Region == b.Region && replicates(rc) && destination(rc) {
			return true, true
		}
	}
	return true, false
}

// replicates: a legacy bucket's inline replication, or a replication configuration, has an
// enabled rule.
func replicates(r rules.Resource) bool {
	if r.Type != TypeLegacyBucket {
		return replicationEnabled(r)
	}
	for i := range rules.List(r.Inputs, "replicationConfiguration.rules") {
		if rules.Str(r.Inputs, fmt.Sprintf("replicationConfiguration.rules[%d].status", i)) == "Enabled" {
			return true
		}
	}
	return false
}
