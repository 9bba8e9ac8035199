package gcp

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/gkebackup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// DisasterRecoveryArgs configures Backup for GKE for the cluster: its Kubernetes objects and
// volumes, backed up into the DR region, so the workloads can be restored into a cluster
// there. The database's recovery is its own (point-in-time restore and the replica).
type DisasterRecoveryArgs struct {
	// Prefix names the backup plan.
	Prefix string
	// Cluster is the GKE cluster's id, projects/<p>/locations/<l>/clusters/<name>.
	Cluster pulumi.StringInput
	// Location is where the backups are kept: the DR region, so they outlive the cluster's.
	Location string
	// KmsKeyName encrypts the backups (a key in Location). Required.
	KmsKeyName pulumi.StringInput
	// RetainDays is how long a backup is kept: default 35, at least 30 in production, at
	// most what Google allows for the schedule (360 times the interval between backups).
	RetainDays int
	// DeleteLockDays is how long a backup cannot be deleted by anyone, so ransomware with
	// the project's keys cannot take the backups first: default 7 (or RetainDays if shorter),
	// at most RetainDays and 90.
	DeleteLockDays int
	// Schedule is a cron in UTC, default "0 2 * * *": the cluster's state has a 24-hour RPO.
	Schedule string
	// Protect keeps the plan through destroys and locks its retention policy (production):
	// once locked, nobody can shorten the retention or the lock.
	Protect bool
	Labels  map[string]string
}

// DisasterRecovery is a Backup for GKE plan: every namespace, with its Secrets and volume
// data, on a schedule, encrypted with a customer-managed key, kept in the DR region and
// undeletable for a while after each backup.
type DisasterRecovery struct {
	pulumi.ResourceState

	PlanId pulumi.StringOutput `pulumi:"planId"`
}

const (
	recoveryDefaultRetainDays = 35
	recoveryDefaultLockDays   = 7
	recoveryDefaultSchedule   = "0 2 * * *"
	// recoveryProductionRetainDays: a month of backups, so a change found broken at the
	// monthly review can be rolled back.
	recoveryProductionRetainDays = 30
	// Backup for GKE's limits: retention up to 365 days, delete lock up to 90, and retention
	// at most 360 times the interval between two backups of the schedule.
	recoveryMaxRetainDays = 365
	recoveryMaxLockDays   = 90
	recoveryIntervals     = 360
)

var (
	// recoveryPlanName is a backup plan id, which Google limits to 63 characters.
	recoveryPlanName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// Validate fills the defaults and checks the Args before anything is registered.
func (a *DisasterRecoveryArgs) Validate() error {
	const c = "DisasterRecovery"
	a.Schedule = cmp.Or(a.Schedule, recoveryDefaultSchedule)
	if a.RetainDays == 0 {
		a.RetainDays = recoveryDefaultRetainDays
	}
	if a.DeleteLockDays == 0 {
		a.DeleteLockDays = min(recoveryDefaultLockDays, max(a.RetainDays, 1))
	}
	gap, err := cronMinGapMinutes(a.Schedule)
	if err != nil {
		return kit.ArgError(c, "Schedule", fmt.Sprintf("%q", a.Schedule), "must be a five-field cron such as %q: %v", recoveryDefaultSchedule, err)
	}
	maxRetain := min(recoveryMaxRetainDays, recoveryIntervals*gap/(24*60))
	switch {
	case !recoveryPlanName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 63 lowercase letters, digits or hyphens")
	case a.Cluster == nil:
		return kit.ArgError(c, "Cluster", nil, "required: the GKE cluster's id")
	case !gcpkit.Region.MatchString(a.Location):
		return kit.ArgError(c, "Location", fmt.Sprintf("%q", a.Location), "must be a region such as europe-west1 (the DR region)")
	case a.KmsKeyName == nil:
		return kit.ArgError(c, "KmsKeyName", nil, "required: backups are encrypted with a customer-managed key in Location")
	case a.RetainDays < 1 || a.RetainDays > maxRetain:
		return kit.ArgError(c, "RetainDays", a.RetainDays, "must be 1 to %d for Schedule %q (Google keeps at most %d backups' intervals and %d days)", maxRetain, a.Schedule, recoveryIntervals, recoveryMaxRetainDays)
	case a.Protect && a.RetainDays < recoveryProductionRetainDays:
		return kit.ArgError(c, "RetainDays", a.RetainDays, "must be at least %d in production", recoveryProductionRetainDays)
	case a.DeleteLockDays < 1 || a.DeleteLockDays > min(a.RetainDays, recoveryMaxLockDays):
		return kit.ArgError(c, "DeleteLockDays", a.DeleteLockDays, "must be 1 to %d (RetainDays and Google's %d-day limit)", min(a.RetainDays, recoveryMaxLockDays), recoveryMaxLockDays)
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// NewDisasterRecovery creates the backup plan.
func NewDisasterRecovery(ctx *pulumi.Context, name string, args *DisasterRecoveryArgs, opts ...pulumi.ResourceOption) (*DisasterRecovery, error) {
	d := &DisasterRecovery{}
	if err := kit.Register(ctx, TypeDisasterRecovery, name, args, d, opts...); err != nil {
		return nil, err
	}
	plan, err := gkebackup.NewBackupPlan(ctx, args.Prefix, &gkebackup.BackupPlanArgs{
		Name:        pulumi.String(args.Prefix),
		Description: pulumi.String("The cluster's Kubernetes objects and volumes, kept in the DR region"),
		Location:    pulumi.String(args.Location),
		Cluster:     args.Cluster,
		BackupSchedule: gkebackup.BackupPlanBackupScheduleArgs{
			CronSchedule: pulumi.String(args.Schedule),
		},
		RetentionPolicy: gkebackup.BackupPlanRetentionPolicyArgs{
			BackupRetainDays:     pulumi.Int(args.RetainDays),
			BackupDeleteLockDays: pulumi.Int(args.DeleteLockDays),
			Locked:               pulumi.Bool(args.Protect),
		},
		BackupConfig: gkebackup.BackupPlanBackupConfigArgs{
			// The whole cluster, Secrets and volume data included: a restore that leaves
			// anything out is a restore that does not start.
			AllNamespaces:     pulumi.Bool(true),
			IncludeSecrets:    pulumi.Bool(true),
			IncludeVolumeData: pulumi.Bool(true),
			// Encrypts the Kubernetes objects, Secrets among them; the volume backups of
			// CMEK disks stay under the disks' own key.
			EncryptionKey: gkebackup.BackupPlanBackupConfigEncryptionKeyArgs{GcpKmsEncryptionKey: args.KmsKeyName},
		},
		Labels: gcpkit.Labels(args.Labels),
	}, kit.Stateful(d, args.Protect)...)
	if err != nil {
		return nil, err
	}
	d.PlanId = plan.ID().ToStringOutput()
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{"planId": d.PlanId})
}

// cronMinGapMinutes is the shortest time between two runs of a five-field cron on one day
// (and from the last run to the next day's first), the interval Google's retention limit is
// measured in. Restricting the days only lengthens the interval, so reading the minute and
// hour fields alone never allows a retention Google would refuse.
func cronMinGapMinutes(spec string) (int, error) {
	fields := strings.Fields(spec)
	if len(fields) != 5 {
		return 0, fmt.Errorf("%d fields", len(fields))
	}
	limits := [5][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}
	sets := make([][]int, 5)
	for i, f := range fields {
		s, err := cronField(f, limits[i][0], limits[i][1])
		if err != nil {
			return 0, fmt.Errorf("field %d (%q): %v", i+1, f, err)
		}
		sets[i] = s
	}
	var runs []int
	for _, h := range sets[1] {
		for _, m := range sets[0] {
			runs = append(runs, h*60+m)
		}
	}
	slices.Sort(runs)
	gap := 24*60 - runs[len(runs)-1] + runs[0]
	for i := 1; i < len(runs); i++ {
		gap = min(gap, runs[i]-runs[i-1])
	}
	return gap, nil
}

// cronField expands one cron field (*, n, a-b, with /step, comma-separated; numbers, not
// names) into its values.
func cronField(f string, lo, hi int) ([]int, error) {
	seen := map[int]bool{}
	for _, part := range strings.Split(f, ",") {
		rng, step := part, 1
		if r, s, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("bad step %q", s)
			}
			rng, step = r, n
		}
		from, to := lo, hi
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if from, err = strconv.Atoi(a); err != nil {
				return nil, fmt.Errorf("bad value %q", a)
			}
			to = from
			if isRange {
				if to, err = strconv.Atoi(b); err != nil {
					return nil, fmt.Errorf("bad value %q", b)
				}
			} else if step > 1 {
				to = hi
			}
		}
		if from < lo || to > hi || from > to {
			return nil, fmt.Errorf("%q outside %d-%d", part, lo, hi)
		}
		for v := from; v <= to; v += step {
			seen[v] = true
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}
