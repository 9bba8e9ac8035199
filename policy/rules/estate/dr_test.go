package estate

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/aws"
)

func drCases() []ruleCase {
	inDR := func(r rules.Resource) rules.Resource { return inRegion(r, "eu-west-1") }
	phiBucket := res(aws.TypeBucket, "records", map[string]any{"tags": goodTags()})
	drBucket := inDR(res(aws.TypeBucket, "records-dr", map[string]any{"tags": goodTags()}))
	replication := func(status string, dest rules.Resource) rules.Resource {
		rc := res(aws.TypeBucketReplication, "records", map[string]any{"rules": []any{map[string]any{"status": status}}})
		return dependsOn(dependsOn(rc, phiBucket), dest)
	}
	table := func(replicaRegion string) rules.Resource {
		inputs := map[string]any{}
		if replicaRegion != "" {
			inputs["replicas"] = []any{map[string]any{"regionName": replicaRegion}}
		}
		return res(aws.TypeDynamoTable, "records", inputs)
	}
	global := res(aws.TypeRdsGlobalCluster, "db", map[string]any{"storageEncrypted": true})
	primary := dependsOn(res(aws.TypeRdsCluster, "db", map[string]any{}), global)
	secondary := inDR(dependsOn(res(aws.TypeRdsCluster, "db-dr", map[string]any{}), global))

	return []ruleCase{
		{"estate-phi-dr-copy", "bucket replicated to DR", []rules.Resource{phiBucket, drBucket, replication("Enabled", drBucket)}, false, ""},
		{"estate-phi-dr-copy", "non-PHI bucket needs no copy", []rules.Resource{res(aws.TypeBucket, "logs", map[string]any{"tags": map[string]any{"data-classification": "internal"}})}, false, ""},
		{"estate-phi-dr-copy", "global table replica in DR", []rules.Resource{table("eu-west-1")}, false, ""},
		{"estate-phi-dr-copy", "table replica resource in DR", []rules.Resource{table(""), inDR(dependsOn(res(aws.TypeDynamoTableReplica, "records-dr", nil), table("")))}, false, ""},
		{"estate-phi-dr-copy", "global database across regions", []rules.Resource{global, primary, secondary}, false, ""},
		{"estate-phi-dr-copy", "cross-region read replica", []rules.Resource{res(aws.TypeRdsCluster, "db", nil), inDR(dependsOn(res(aws.TypeRdsCluster, "db-dr", map[string]any{"replicationSourceIdentifier": rules.Unknown}), res(aws.TypeRdsCluster, "db", nil)))}, false, ""},
		{"estate-phi-dr-copy", "PHI bucket without replication", []rules.Resource{phiBucket}, true, "records has no replica"},
		{"estate-phi-dr-copy", "replication disabled", []rules.Resource{phiBucket, drBucket, replication("Disabled", drBucket)}, true, "no replica"},
		{"estate-phi-dr-copy", "replica in the same region", []rules.Resource{phiBucket, inRegion(drBucket, "eu-west-2"), replication("Enabled", inRegion(drBucket, "eu-west-2"))}, true, "no replica"},
		{"estate-phi-dr-copy", "replica outside the allowed regions", []rules.Resource{table("us-west-2")}, true, "no replica in another allowed region"},
		{"estate-phi-dr-copy", "single-region table", []rules.Resource{table("")}, true, "no replica"},
		{"estate-phi-dr-copy", "operational table needs no copy", []rules.Resource{res(aws.TypeDynamoTable, "notifications", map[string]any{"tags": map[string]any{"data-classification": "operational"}})}, false, ""},
		{"estate-phi-dr-copy", "untagged bucket is held to the PHI rule", []rules.Resource{res(aws.TypeBucket, "untagged", map[string]any{})}, true, "untagged has no replica"},
		{"estate-phi-dr-copy", "global database with one region", []rules.Resource{global, primary}, true, "db has no replica"},
	}
}

func TestDRCopyOnlyInProduction(t *testing.T) {
	rule, _ := Find("estate-phi-dr-copy")
	staging := cfg
	staging.Environment = "staging"
	assert.Empty(t, rules.Evaluate([]rules.Rule{rule}, []rules.Resource{res(aws.TypeDynamoTable, "records", map[string]any{})}, staging))
}
