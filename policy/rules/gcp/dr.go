package gcp

import (
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// drCopy is the GCP half of the cross-cloud DR rule: a Cloud SQL primary with a read replica
// in another allowed region, a bucket whose dual-region placement keeps it in two allowed
// regions, or a bucket a Storage Transfer Service job copies to a bucket in another allowed
// region. A replica, or the destination of such a copy, is itself the copy and no store.
//
// A log bucket is a store like any other, held to the rule unless its data-classification
// label says otherwise: audit records are kept for years, and the loss of a region must not
// lose them.
func drCopy(all []rules.Resource, r rules.Resource, elsewhere func(region string) bool) (store, copied bool) {
	switch r.Type {
	case TypeSQLInstance:
		if isReplica(r) {
			return false, false
		}
		return true, slices.ContainsFunc(all, func(o rules.Resource) bool {
			return o.Type == TypeSQLInstance && isReplica(o) && replicates(o, r) && elsewhere(o.Region)
		})
	case TypeBucket:
		if isTransferCopy(all, r) {
			return false, false
		}
		return true, dualRegion(r, elsewhere) || transferred(all, r, elsewhere)
	}
	return false, false
}

// replicates: the replica refers to the primary, or names it in masterInstanceName (alone or
// as project:name).
func replicates(replica, primary rules.Resource) bool {
	if slices.Contains(replica.Dependencies, primary.URN) {
		return true
	}
	name, master := rules.Known(rules.Str(primary.Inputs, "name")), rules.Str(replica.Inputs, "masterInstanceName")
	return name != "" && (master == name || strings.HasSuffix(master, ":"+name))
}

// dualRegion: the bucket's data lives in two or more regions, every one allowed and none the
// bucket's own location.
func dualRegion(b rules.Resource, elsewhere func(string) bool) bool {
	locations := map[string]bool{}
	for _, l := range rules.Strs(b.Inputs, "customPlacementConfig.dataLocations") {
		l = strings.ToLower(l)
		if !elsewhere(l) {
			return false
		}
		locations[l] = true
	}
	return len(locations) >= 2
}

const (
	transferSource = "transferSpec.gcsDataSource.bucketName"
	transferSink   = "transferSpec.gcsDataSink.bucketName"
)

// transferred: an active transfer job copies the bucket to a bucket of the stack in another
// allowed region.
func transferred(all []rules.Resource, b rules.Resource, elsewhere func(string) bool) bool {
	for _, tj := range activeTransfers(all) {
		if transferBucket(all, tj, transferSource, transferSink).URN == b.URN {
			if sink := transferBucket(all, tj, transferSink, transferSource); sink.URN != "" && elsewhere(sink.Region) {
				return true
			}
		}
	}
	return false
}

// isTransferCopy: the bucket is the destination of a transfer from a bucket of the stack in
// another region.
func isTransferCopy(all []rules.Resource, b rules.Resource) bool {
	for _, tj := range activeTransfers(all) {
		if transferBucket(all, tj, transferSink, transferSource).URN == b.URN {
			if src := transferBucket(all, tj, transferSource, transferSink); src.URN != "" && src.Region != b.Region {
				return true
			}
		}
	}
	return false
}

func activeTransfers(all []rules.Resource) []rules.Resource {
	var out []rules.Resource
	for _, r := range all {
		if s := rules.Str(r.Inputs, "status"); r.Type == TypeStorageTransferJob && s != "DISABLED" && s != "DELETED" {
			out = append(out, r)
		}
	}
	return out
}

// transferBucket is the bucket of the stack a transfer job names at path: by name, or, while
// the name is unknown at preview, the one bucket the job refers to that is not named at
// other. The zero Resource if it cannot be told.
func transferBucket(all []rules.Resource, tj rules.Resource, path, other string) rules.Resource {
	name, otherName := rules.Str(tj.Inputs, path), rules.Known(rules.Str(tj.Inputs, other))
	var candidates []rules.Resource
	for _, b := range all {
		if b.Type != TypeBucket {
			continue
		}
		switch bn := rules.Str(b.Inputs, "name"); {
		case !rules.IsUnknown(name):
			if name != "" && bn == name {
				return b
			}
		case slices.Contains(tj.Dependencies, b.URN) && (otherName == "" || bn != otherName):
			candidates = append(candidates, b)
		}
	}
	if len(candidates) == 1 {
		return candidates[0]
	}
	return rules.Resource{}
}
