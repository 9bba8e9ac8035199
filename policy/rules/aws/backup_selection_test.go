package aws

import "github.com/healthhub/estate/policy/rules"

func backupSelectionCases() []ruleCase {
	inDR := func(r rules.Resource) rules.Resource { r.Region = "eu-west-1"; return r }
	table := func(replicaRegion string) rules.Resource {
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
	selection := func(of ...rules.Resource) rules.Resource {
		s := res(TypeBackupSelection, "phi", map[string]any{})
		for _, r := range of {
			s = dependsOn(s, r)
		}
		return s
	}
	return []ruleCase{
		{"aws-backup-phi-stores-selected", "primary selected, secondary is the copy", []rules.Resource{global, primary, writer, drSecondary, selection(primary)}, false, ""},
		{"aws-backup-phi-stores-selected", "table selected", []rules.Resource{table("eu-west-1"), selection(table("eu-west-1"))}, false, ""},
		{"aws-backup-phi-stores-selected", "database in no plan", []rules.Resource{global, primary, writer, drSecondary}, true, "db is in no AWS Backup selection"},
		{"aws-backup-phi-stores-selected", "table in no plan", []rules.Resource{table("")}, true, "records is in no AWS Backup selection"},
	}
}
