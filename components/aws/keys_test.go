package aws

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeysDefaults(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewKeys(ctx, "keys", &KeysArgs{Prefix: "hh-prod", DRProvider: p.dr, Protect: true, Tags: testTags}, pulumi.Provider(p.primary))
		return err
	})
	const key = "aws:kms/key:Key"
	var table []expectation
	for _, d := range Domains {
		name := "hh-prod-" + string(d)
		multi := d != DomainCluster
		table = append(table,
			expectation{key, name, "enableKeyRotation", true},
			expectation{key, name, "rotationPeriodInDays", int64(365)},
			expectation{key, name, "deletionWindowInDays", int64(30)},
			expectation{key, name, "multiRegion", multi},
			expectation{key, name, "keyUsage", "ENCRYPT_DECRYPT"},
			expectation{key, name, "tags.data-classification", "phi"},
			expectation{"aws:kms/alias:Alias", name, "name", "alias/" + name},
		)
	}
	assertInputs(t, m, table)

	assert.Len(t, m.ByType(key), 5)
	replicas := m.ByType("aws:kms/replicaKey:ReplicaKey")
	assert.Len(t, replicas, 4, "database, storage, logs and secrets are replicated to DR")
	for _, r := range m.ByType(key) {
		assert.True(t, r.Protect, "%s must be protected", r.Name)
		assert.True(t, r.RetainOnDelete, "%s must be retained on delete", r.Name)
		assert.Equal(t, "eu-west-2", m.Region(r.Provider), "%s in the primary region", r.Name)
	}
	for _, r := range replicas {
		assert.True(t, r.Protect)
		assert.Equal(t, "eu-west-1", m.Region(r.Provider), "%s in the DR region", r.Name)
	}
}

func TestKeyPolicyScopedToAccount(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewKeys(ctx, "keys", &KeysArgs{Prefix: "hh", DRProvider: p.dr, Tags: testTags}, pulumi.Provider(p.primary))
		return err
	})
	statements := func(typ, name string) []map[string]any {
		r, ok := m.Find(typ, name)
		require.True(t, ok)
		raw, _ := r.Get("policy")
		var doc struct{ Statement []map[string]any }
		require.NoError(t, json.Unmarshal([]byte(raw.(string)), &doc))
		return doc.Statement
	}
	db := statements("aws:kms/key:Key", "hh-database")
	require.Len(t, db, 1, "the database key grants nothing beyond the account")
	assert.Equal(t, map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, db[0]["Principal"])

	logs := statements("aws:kms/key:Key", "hh-logs")
	require.Len(t, logs, 4)
	assert.Equal(t, map[string]any{"Service": "logs.eu-west-2.amazonaws.com"}, logs[1]["Principal"])
	assert.Contains(t, logs[1]["Condition"].(map[string]any)["ArnLike"], "kms:EncryptionContext:aws:logs:arn")
	assert.Equal(t, map[string]any{"Service": "cloudwatch.amazonaws.com"}, logs[2]["Principal"])
	for _, s := range logs[2:] {
		assert.Equal(t, "123456789012", s["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:SourceAccount"], "%s is scoped to the account", s["Sid"])
	}

	drLogs := statements("aws:kms/replicaKey:ReplicaKey", "hh-logs-dr")
	assert.Equal(t, map[string]any{"Service": "logs.eu-west-1.amazonaws.com"}, drLogs[1]["Principal"], "the replica serves the DR region's log service")
}

func TestKeysUnprotectedOutsideProduction(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewKeys(ctx, "keys", &KeysArgs{Prefix: "hh-dev", Tags: testTags}, pulumi.Provider(p.primary))
		return err
	})
	assert.Empty(t, m.ByType("aws:kms/replicaKey:ReplicaKey"), "no DR provider, no replicas")
	for _, r := range m.ByType("aws:kms/key:Key") {
		assert.False(t, r.Protect)
		v, _ := r.Get("enableKeyRotation")
		assert.Equal(t, true, v, "rotation is on in every environment")
	}
}

func TestKeysArgErrors(t *testing.T) {
	tests := []struct {
		name string
		args *KeysArgs
		want string
	}{
		{"nil args", nil, "Keys: args"},
		{"no prefix", &KeysArgs{Tags: testTags}, "Keys: Prefix"},
		{"window too short", &KeysArgs{Prefix: "hh", DeletionWindowInDays: 5, Tags: testTags}, "Keys: DeletionWindowInDays = 5: must be 7 to 30"},
		{"short window on protected keys", &KeysArgs{Prefix: "hh", DeletionWindowInDays: 7, Protect: true, Tags: testTags}, "must be 30 for protected"},
		{"unknown domain", &KeysArgs{Prefix: "hh", MultiRegion: []Domain{"photos"}, Tags: testTags}, "Keys: MultiRegion = photos"},
		{"no tags", &KeysArgs{Prefix: "hh"}, "Keys: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewKeys(ctx, "keys", tt.args, pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}
