package aws

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

func TestKeysDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewKeys(ctx, "keys", &KeysArgs{Prefix: "hh-prod", DRProvider: p.DR, Protect: true, Tags: kittest.Tags}, pulumi.Provider(p.Primary))
		return err
	})
	const key = "aws:kms/key:Key"
	var table []kittest.Expectation
	for _, d := range Domains {
		name := "hh-prod-" + string(d)
		multi := d != DomainCluster
		table = append(table,
			kittest.Expectation{Type: key, Name: name, Path: "enableKeyRotation", Want: true},
			kittest.Expectation{Type: key, Name: name, Path: "rotationPeriodInDays", Want: int64(365)},
			kittest.Expectation{Type: key, Name: name, Path: "deletionWindowInDays", Want: int64(30)},
			kittest.Expectation{Type: key, Name: name, Path: "multiRegion", Want: multi},
			kittest.Expectation{Type: key, Name: name, Path: "keyUsage", Want: "ENCRYPT_DECRYPT"},
			kittest.Expectation{Type: key, Name: name, Path: "tags.data-classification", Want: "phi"},
			kittest.Expectation{Type: "aws:kms/alias:Alias", Name: name, Path: "name", Want: "alias/" + name},
		)
	}
	kittest.AssertInputs(t, m, table)

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
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewKeys(ctx, "keys", &KeysArgs{Prefix: "hh", DRProvider: p.DR, Tags: kittest.Tags}, pulumi.Provider(p.Primary))
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
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewKeys(ctx, "keys", &KeysArgs{Prefix: "hh-dev", Tags: kittest.Tags}, pulumi.Provider(p.Primary))
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
		{"no prefix", &KeysArgs{Tags: kittest.Tags}, "Keys: Prefix"},
		{"window too short", &KeysArgs{Prefix: "hh", DeletionWindowInDays: 5, Tags: kittest.Tags}, "Keys: DeletionWindowInDays = 5: must be 7 to 30"},
		{"short window on protected keys", &KeysArgs{Prefix: "hh", DeletionWindowInDays: 7, Protect: true, Tags: kittest.Tags}, "must be 30 for protected"},
		{"unknown domain", &KeysArgs{Prefix: "hh", MultiRegion: []Domain{"photos"}, Tags: kittest.Tags}, "Keys: MultiRegion = photos"},
		{"no tags", &KeysArgs{Prefix: "hh"}, "Keys: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewKeys(ctx, "keys", tt.args, pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
