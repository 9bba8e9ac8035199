package gcp

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	gkeBackupPlan = "gcp:gkebackup/backupPlan:BackupPlan"
	gkeClusterID  = "projects/healthhub-test/locations/europe-west2/clusters/hh-gke"
)

var drBackupKey = cmekName(gcpkittest.DRRegion, "backup")

func recoveryArgs(mutate func(*DisasterRecoveryArgs)) *DisasterRecoveryArgs {
	a := &DisasterRecoveryArgs{
		Prefix: "hh-gke-backup", Cluster: pulumi.String(gkeClusterID), Location: gcpkittest.DRRegion,
		KmsKeyName: pulumi.String(drBackupKey), Protect: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDisasterRecoveryDefaults(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		d, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("planId", d.PlanId)
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "name", Want: "hh-gke-backup"},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "location", Want: gcpkittest.DRRegion},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "cluster", Want: gkeClusterID},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "backupSchedule.cronSchedule", Want: "0 2 * * *"},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "retentionPolicy.backupRetainDays", Want: int64(35)},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "retentionPolicy.backupDeleteLockDays", Want: int64(7)},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "retentionPolicy.locked", Want: true},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "backupConfig.allNamespaces", Want: true},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "backupConfig.includeSecrets", Want: true},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "backupConfig.includeVolumeData", Want: true},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "backupConfig.encryptionKey.gcpKmsEncryptionKey", Want: drBackupKey},
		{Type: gkeBackupPlan, Name: "hh-gke-backup", Path: "labels.data-classification", Want: "phi"},
	})
	plan, _ := m.Find(gkeBackupPlan, "hh-gke-backup")
	assert.Equal(t, gcpkittest.PrimaryRegion, m.Region(plan.Provider), "the provider is the cluster's region's")
	assert.NotEmpty(t, m.Outputs()["planId"].Value)
	assert.Empty(t, gcpkittest.Violations(m, "production"), "the backup plan passes the whole policy pack")
}

func TestDisasterRecoveryProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
			_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(func(a *DisasterRecoveryArgs) { a.Protect = protect }), pulumi.Provider(p.Primary))
			return err
		})
		plan, ok := m.Find(gkeBackupPlan, "hh-gke-backup")
		require.True(t, ok)
		assert.Equal(t, protect, plan.Protect)
		assert.Equal(t, protect, plan.RetainOnDelete)
		locked, _ := plan.Get("retentionPolicy.locked")
		assert.Equal(t, protect, locked, "the retention policy is locked in production only: a lock cannot be undone")
		lock, _ := plan.Get("retentionPolicy.backupDeleteLockDays")
		assert.Equal(t, int64(7), lock, "backups are undeletable for a week in every environment")
	}
}

func TestDisasterRecoveryScheduleBoundsRetention(t *testing.T) {
	tests := []struct {
		schedule string
		maxDays  int
	}{
		{"0 2 * * *", 360},
		{"0 2 * * 0", 360}, // weekly: the limit read from the hours is the stricter one
		{"0 */6 * * *", 90},
		{"30 1,13 * * *", 180},
		{"0 0-23/4 * * *", 60},
		{"0 1,2 * * *", 15},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			ok := &DisasterRecoveryArgs{Prefix: "hh", Cluster: pulumi.String(gkeClusterID), Location: gcpkittest.DRRegion,
				KmsKeyName: pulumi.String(drBackupKey), Schedule: tt.schedule, RetainDays: tt.maxDays, Labels: kittest.Tags}
			require.NoError(t, ok.Validate())
			tooLong := *ok
			tooLong.RetainDays = tt.maxDays + 1
			assert.ErrorContains(t, tooLong.Validate(), "DisasterRecovery: RetainDays")
		})
	}
}

func TestDisasterRecoveryArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DisasterRecoveryArgs)
		want   string
	}{
		{"bad prefix", func(a *DisasterRecoveryArgs) { a.Prefix = "hh_backup" }, `DisasterRecovery: Prefix = "hh_backup": must start with a letter`},
		{"no cluster", func(a *DisasterRecoveryArgs) { a.Cluster = nil }, "DisasterRecovery: Cluster = <nil>: required"},
		{"no location", func(a *DisasterRecoveryArgs) { a.Location = "" }, `DisasterRecovery: Location = "": must be a region`},
		{"no key", func(a *DisasterRecoveryArgs) { a.KmsKeyName = nil }, "DisasterRecovery: KmsKeyName = <nil>: required"},
		{"short retention in production", func(a *DisasterRecoveryArgs) { a.RetainDays = 14 }, "DisasterRecovery: RetainDays = 14: must be at least 30 in production"},
		{"retention past Google's limit", func(a *DisasterRecoveryArgs) { a.RetainDays = 400 }, `DisasterRecovery: RetainDays = 400: must be 1 to 360 for Schedule "0 2 * * *"`},
		{"hourly for a month", func(a *DisasterRecoveryArgs) { a.Schedule = "0 * * * *" }, `DisasterRecovery: RetainDays = 35: must be 1 to 15 for Schedule "0 * * * *"`},
		{"lock past retention", func(a *DisasterRecoveryArgs) { a.RetainDays, a.DeleteLockDays = 40, 45 }, "DisasterRecovery: DeleteLockDays = 45: must be 1 to 40"},
		{"lock past Google's limit", func(a *DisasterRecoveryArgs) { a.RetainDays, a.DeleteLockDays = 200, 120 }, "DisasterRecovery: DeleteLockDays = 120: must be 1 to 90"},
		{"negative lock", func(a *DisasterRecoveryArgs) { a.DeleteLockDays = -1 }, "DisasterRecovery: DeleteLockDays = -1"},
		{"six fields", func(a *DisasterRecoveryArgs) { a.Schedule = "0 0 2 * * *" }, `DisasterRecovery: Schedule = "0 0 2 * * *": must be a five-field cron`},
		{"hour 24", func(a *DisasterRecoveryArgs) { a.Schedule = "0 24 * * *" }, `DisasterRecovery: Schedule = "0 24 * * *"`},
		{"named day", func(a *DisasterRecoveryArgs) { a.Schedule = "0 2 * * SUN" }, `DisasterRecovery: Schedule = "0 2 * * SUN"`},
		{"unlabelled", func(a *DisasterRecoveryArgs) { a.Labels = nil }, "DisasterRecovery: Labels = map[]: must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewDisasterRecovery(ctx, "dr", recoveryArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
