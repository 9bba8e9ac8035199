package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	storageKey   = "arn:aws:kms:eu-west-2:123456789012:key/storage"
	drStorageKey = "arn:aws:kms:eu-west-1:123456789012:key/storage"
	clusterArn   = "arn:aws:rds:eu-west-2:123456789012:cluster:hh-db"
)

func recoveryArgs(p awskittest.Providers, mutate func(*DisasterRecoveryArgs)) *DisasterRecoveryArgs {
	a := &DisasterRecoveryArgs{
		Prefix: "hh-backup", KmsKeyArn: pulumi.String(storageKey),
		DR:                 DisasterRecoveryRegion{Provider: p.DR, KmsKeyArn: pulumi.String(drStorageKey)},
		Resources:          pulumi.ToStringArray([]string{clusterArn}),
		DailyRetentionDays: 35, RetentionDays: 2555, Production: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDisasterRecoveryDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(p, nil), pulumi.Provider(p.Primary))
		return err
	})
	const (
		vault = "aws:backup/vault:Vault"
		lock  = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
		plan  = "aws:backup/plan:Plan"
	)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: vault, Name: "hh-backup", Path: "kmsKeyArn", Want: storageKey},
		{Type: vault, Name: "hh-backup", Path: "forceDestroy", Want: false},
		{Type: vault, Name: "hh-backup-dr", Path: "kmsKeyArn", Want: drStorageKey},
		{Type: lock, Name: "hh-backup", Path: "changeableForDays", Want: int64(3)},
		{Type: lock, Name: "hh-backup", Path: "minRetentionDays", Want: int64(35)},
		{Type: lock, Name: "hh-backup", Path: "maxRetentionDays", Want: int64(2555)},
		{Type: lock, Name: "hh-backup-dr", Path: "changeableForDays", Want: int64(3)},
		{Type: plan, Name: "hh-backup", Path: "rules[0].ruleName", Want: "daily"},
		{Type: plan, Name: "hh-backup", Path: "rules[0].lifecycle.deleteAfter", Want: int64(35)},
		{Type: plan, Name: "hh-backup", Path: "rules[1].ruleName", Want: "monthly"},
		{Type: plan, Name: "hh-backup", Path: "rules[1].schedule", Want: "cron(0 4 1 * ? *)"},
		{Type: plan, Name: "hh-backup", Path: "rules[1].lifecycle.deleteAfter", Want: int64(2555)},
		{Type: plan, Name: "hh-backup", Path: "rules[1].copyActions[0].lifecycle.deleteAfter", Want: int64(2555)},
		{Type: "aws:backup/selection:Selection", Name: "hh-backup", Path: "resources", Want: []any{clusterArn}},
	})

	primary, _ := m.Find(vault, "hh-backup")
	dr, _ := m.Find(vault, "hh-backup-dr")
	assert.Equal(t, "eu-west-2", m.Region(primary.Provider))
	assert.Equal(t, "eu-west-1", m.Region(dr.Provider), "copies land in the DR region")
	assert.True(t, primary.Protect)
	assert.True(t, dr.Protect)
	p, _ := m.Find(plan, "hh-backup")
	assert.Contains(t, p.Dependencies, dr.URN, "every rule copies to the DR vault")

	assert.Empty(t, awskittest.Violations(m, "production"), "the component passes the whole policy pack")
}

func TestDisasterRecoveryGovernanceLockOutsideProduction(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(p, func(a *DisasterRecoveryArgs) { a.Production, a.Protect = false, false }), pulumi.Provider(p.Primary))
		return err
	})
	lock, ok := m.Find("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "hh-backup")
	require.True(t, ok)
	_, compliance := lock.Get("changeableForDays")
	assert.False(t, compliance, "governance mode: the lock can be lifted with the right permission")
}

func TestDisasterRecoveryArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DisasterRecoveryArgs)
		want   string
	}{
		{"no key", func(a *DisasterRecoveryArgs) { a.KmsKeyArn = nil }, "DisasterRecovery: KmsKeyArn = <nil>: required"},
		{"no DR region", func(a *DisasterRecoveryArgs) { a.DR = DisasterRecoveryRegion{} }, "DisasterRecovery: DR = <nil>: required"},
		{"nothing to back up", func(a *DisasterRecoveryArgs) { a.Resources = nil }, "DisasterRecovery: Resources = <nil>: required"},
		{"daily beyond 35", func(a *DisasterRecoveryArgs) { a.DailyRetentionDays = 90 }, "DisasterRecovery: DailyRetentionDays = 90: must be 7 to 35"},
		{"short retention", func(a *DisasterRecoveryArgs) { a.RetentionDays = 365 }, "DisasterRecovery: RetentionDays = 365: must be at least 2190"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(p, tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
