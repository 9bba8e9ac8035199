package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func drCases() []ruleCase {
	inDR := func(r Resource) Resource { return inRegion(r, "eu-west-1") }
	phiBucket := res(TypeBucket, "records", map[string]any{"tags": goodTags()})
	drBucket := inDR(res(TypeBucket, "records-dr", map[string]any{"tags": goodTags()}))
	replication := func(status string, dest Resource) Resource {
		rc := res(TypeBucketReplication, "records", map[string]any{"rules": []any{map[string]any{"status": status}}})
		return dependsOn(dependsOn(rc, phiBucket), dest)
	}
	table := func(replicaRegion string) Resource {
		inputs := map[string]any{}
		if replicaRegion != "" {
			inputs["replicas"] = []any{map[string]any{"regionName": replicaRegion}}
		}
		return res(TypeDynamoTable, "records", inputs)
	}
	global := res(TypeRdsGlobalCluster, "db", map[string]any{"storageEncrypted": true})
	primary := dependsOn(res(TypeRdsCluster, "db", map[string]any{}), global)
	secondary := inDR(dependsOn(res(TypeRdsCluster, "db-dr", map[string]any{}), global))

	writer := dependsOn(res(TypeRdsClusterInstance, "db-1", nil), primary)
	drSecondary := dependsOn(secondary, writer)
	selection := func(of ...Resource) Resource {
		s := res(TypeBackupSelection, "phi", map[string]any{})
		for _, r := range of {
			s = dependsOn(s, r)
		}
		return s
	}
	return []ruleCase{
		{"aws-phi-stores-backed-up", "primary selected, secondary is the copy", []Resource{global, primary, writer, drSecondary, selection(primary)}, false, ""},
		{"aws-phi-stores-backed-up", "table selected", []Resource{table("eu-west-1"), selection(table("eu-west-1"))}, false, ""},
		{"aws-phi-stores-backed-up", "database in no plan", []Resource{global, primary, writer, drSecondary}, true, "db is in no AWS Backup selection"},
		{"aws-phi-stores-backed-up", "table in no plan", []Resource{table("")}, true, "records is in no AWS Backup selection"},
		{"phi-data-stores-have-dr-copy", "bucket replicated to DR", []Resource{phiBucket, drBucket, replication("Enabled", drBucket)}, false, ""},
		{"phi-data-stores-have-dr-copy", "non-PHI bucket needs no copy", []Resource{res(TypeBucket, "logs", map[string]any{"tags": map[string]any{"data-classification": "internal"}})}, false, ""},
		{"phi-data-stores-have-dr-copy", "global table replica in DR", []Resource{table("eu-west-1")}, false, ""},
		{"phi-data-stores-have-dr-copy", "table replica resource in DR", []Resource{table(""), inDR(dependsOn(res(TypeDynamoTableReplica, "records-dr", nil), table("")))}, false, ""},
		{"phi-data-stores-have-dr-copy", "global database across regions", []Resource{global, primary, secondary}, false, ""},
		{"phi-data-stores-have-dr-copy", "cross-region read replica", []Resource{res(TypeRdsCluster, "db", nil), inDR(dependsOn(res(TypeRdsCluster, "db-dr", map[string]any{"replicationSourceIdentifier": Unknown}), res(TypeRdsCluster, "db", nil)))}, false, ""},
		{"phi-data-stores-have-dr-copy", "PHI bucket without replication", []Resource{phiBucket}, true, "records has no replica"},
		{"phi-data-stores-have-dr-copy", "replication disabled", []Resource{phiBucket, drBucket, replication("Disabled", drBucket)}, true, "no replica"},
		{"phi-data-stores-have-dr-copy", "replica in the same region", []Resource{phiBucket, inRegion(drBucket, "eu-west-2"), replication("Enabled", inRegion(drBucket, "eu-west-2"))}, true, "no replica"},
		{"phi-data-stores-have-dr-copy", "replica outside the allowed regions", []Resource{table("us-west-2")}, true, "no replica in another allowed region"},
		{"phi-data-stores-have-dr-copy", "single-region table", []Resource{table("")}, true, "no replica"},
		{"phi-data-stores-have-dr-copy", "operational table needs no copy", []Resource{res(TypeDynamoTable, "notifications", map[string]any{"tags": map[string]any{"data-classification": "operational"}})}, false, ""},
		{"phi-data-stores-have-dr-copy", "untagged bucket is held to the PHI rule", []Resource{res(TypeBucket, "untagged", map[string]any{})}, true, "untagged has no replica"},
		{"phi-data-stores-have-dr-copy", "global database with one region", []Resource{global, primary}, true, "db has no replica"},
	}
}

func TestDRCopyOnlyInProduction(t *testing.T) {
	rule, _ := Find("phi-data-stores-have-dr-copy")
	staging := cfg
	staging.Environment = "staging"
	assert.Empty(t, Evaluate([]Rule{rule}, []Resource{res(TypeDynamoTable, "records", map[string]any{})}, staging))
}
