package rules

import (
	"fmt"
	"slices"
)

// TypeBucketReplication is the S3 cross-region replication configuration.
const TypeBucketReplication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"

// drCopy asks, in production, that every store of PHI records survive the loss of its
// region: a copy kept by the cloud in another allowed region, not a restore from a backup
// someone has to find during the incident (164.308(a)(7)(ii)(B) disaster recovery plan).
// PHI stores are databases, tables and buckets, unless tagged with another
// data-classification; a bucket or cluster that is itself the copy is not asked for another.
var drCopy = Rule{
	Name:        "phi-data-stores-have-dr-copy",
	Description: "In production, every PHI data store (PostgreSQL cluster, DynamoDB table, S3 bucket not tagged with another data-classification) is replicated to another allowed region (HIPAA 164.308(a)(7)(ii)(B) disaster recovery plan).",
	Level:       Mandatory,
	Types:       []string{TypeRdsCluster, TypeRdsGlobalCluster, TypeDynamoTable, TypeDynamoTableReplica, TypeBucket, TypeBucketReplication},
	CheckStack: func(all []Resource, cfg Config) []Finding {
		if !cfg.production() {
			return nil
		}
		elsewhere := func(home Resource, region string) bool {
			return region != "" && !IsUnknown(region) && region != home.Region && slices.Contains(cfg.AllowedRegions, region)
		}
		var out []Finding
		for _, r := range all {
			var ok bool
			if !holdsPHI(r) {
				continue
			}
			switch r.Type {
			case TypeRdsCluster:
				if present(r.Inputs, "replicationSourceIdentifier") {
					continue // the copy itself
				}
				ok = rdsReplicated(all, r, elsewhere)
			case TypeDynamoTable:
				for _, region := range regionsOf(r.Inputs, "replicas", "regionName") {
					ok = ok || elsewhere(r, region)
				}
				for _, rep := range dependents(all, r, TypeDynamoTableReplica) {
					ok = ok || elsewhere(r, rep.Region)
				}
			case TypeBucket:
				if isReplicaBucket(all, r) {
					continue
				}
				// The replication configuration lives with its source bucket; the other bucket
				// it refers to is the destination.
				for _, rc := range dependents(all, r, TypeBucketReplication) {
					if rc.Region == r.Region && replicationEnabled(rc) {
						ok = ok || hasDependency(all, rc, TypeBucket, func(dest Resource) bool { return elsewhere(r, dest.Region) })
					}
				}
			default:
				continue
			}
			if !ok {
				out = append(out, Finding{r.URN, fmt.Sprintf("%s has no replica in another allowed region (%v)", r.Name, cfg.AllowedRegions)})
			}
		}
		return out
	},
}

func regionsOf(inputs map[string]any, path, field string) []string {
	var out []string
	for i := range list(inputs, path) {
		out = append(out, str(inputs, fmt.Sprintf("%s[%d].%s", path, i, field)))
	}
	return out
}

// rdsReplicated: the cluster and a cluster in another allowed region are members of the same
// global cluster, or that other cluster replicates from it.
func rdsReplicated(all []Resource, primary Resource, elsewhere func(Resource, string) bool) bool {
	global := dependencyOf(all, primary, TypeRdsGlobalCluster, nil).URN
	for _, other := range all {
		if other.Type != TypeRdsCluster || other.URN == primary.URN || !elsewhere(primary, other.Region) {
			continue
		}
		if slices.Contains(other.Dependencies, primary.URN) || (global != "" && slices.Contains(other.Dependencies, global)) {
			return true
		}
	}
	return false
}

// isReplicaBucket is the destination of a replication configured from another region.
func isReplicaBucket(all []Resource, b Resource) bool {
	for _, rc := range dependents(all, b, TypeBucketReplication) {
		if rc.Region != b.Region {
			return true
		}
	}
	return false
}

func replicationEnabled(rc Resource) bool {
	for i := range list(rc.Inputs, "rules") {
		if str(rc.Inputs, fmt.Sprintf("rules[%d].status", i)) == "Enabled" {
			return true
		}
	}
	return false
}

// holdsPHI: a store holds PHI unless its data-classification tag says otherwise, so an
// untagged store is held to the stricter rule.
func holdsPHI(r Resource) bool {
	c := str(r.Inputs, "tags.data-classification")
	return c == "" || c == "phi"
}
