package aws

import (
	"fmt"
	"slices"

	"github.com/healthhub/estate/policy/rules"
)

// TypeBucketReplication is the S3 cross-region replication configuration.
const TypeBucketReplication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"

// drCopy is the AWS half of the cross-cloud DR rule: a PostgreSQL cluster in a global
// database or replicated from, a DynamoDB table with a replica, or a bucket replicated by S3,
// each in another allowed region. A bucket or cluster that is itself the copy is no store.
func drCopy(all []rules.Resource, r rules.Resource, elsewhere func(region string) bool) (store, copied bool) {
	switch r.Type {
	case TypeRdsCluster:
		if rules.Present(r.Inputs, "replicationSourceIdentifier") {
			return false, false // the copy itself
		}
		return true, rdsReplicated(all, r, elsewhere)
	case TypeDynamoTable:
		for _, region := range regionsOf(r.Inputs, "replicas", "regionName") {
			copied = copied || elsewhere(region)
		}
		for _, rep := range rules.Dependents(all, r, TypeDynamoTableReplica) {
			copied = copied || elsewhere(rep.Region)
		}
		return true, copied
	case TypeBucket:
		if isReplicaBucket(all, r) {
			return false, false
		}
		// The replication configuration lives with its source bucket; the other bucket it
		// refers to is the destination.
		for _, rc := range rules.Dependents(all, r, TypeBucketReplication) {
			if rc.Region == r.Region && replicationEnabled(rc) {
				copied = copied || rules.HasDependency(all, rc, TypeBucket, func(dest rules.Resource) bool { return elsewhere(dest.Region) })
			}
		}
		return true, copied
	case TypeLegacyBucket:
		return legacyBucketDRCopy(all, r, elsewhere)
	}
	return false, false
}

func regionsOf(inputs map[string]any, path, field string) []string {
	var out []string
	for i := range rules.List(inputs, path) {
		out = append(out, rules.Str(inputs, fmt.Sprintf("%s[%d].%s", path, i, field)))
	}
	return out
}

// rdsReplicated: the cluster and a cluster in another allowed region are members of the same
// global cluster, or that other cluster replicates from it.
func rdsReplicated(all []rules.Resource, primary rules.Resource, elsewhere func(string) bool) bool {
	global := rules.DependencyOf(all, primary, TypeRdsGlobalCluster, nil).URN
	for _, other := range all {
		if other.Type != TypeRdsCluster || other.URN == primary.URN || !elsewhere(other.Region) {
			continue
		}
		if slices.Contains(other.Dependencies, primary.URN) || (global != "" && slices.Contains(other.Dependencies, global)) {
			return true
		}
	}
	return false
}

// isReplicaBucket is the destination of a replication configured from another region.
func isReplicaBucket(all []rules.Resource, b rules.Resource) bool {
	for _, rc := range rules.Dependents(all, b, TypeBucketReplication) {
		if rc.Region != b.Region {
			return true
		}
	}
	return false
}

func replicationEnabled(rc rules.Resource) bool {
	for i := range rules.List(rc.Inputs, "rules") {
		if rules.Str(rc.Inputs, fmt.Sprintf("rules[%d].status", i)) == "Enabled" {
			return true
		}
	}
	return false
}
