package gcp

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeBucket       = "gcp:storage/bucket:Bucket"
	typeBucketMember = "gcp:storage/bucketIAMMember:BucketIAMMember"
	typeTransferJob  = "gcp:storage/transferJob:TransferJob"
)

// testKeyIn is a key id in a region, shaped as Keys.Id returns it.
func testKeyIn(region, domain string) string {
	return fmt.Sprintf("projects/%s/locations/%s/keyRings/hh-%s/cryptoKeys/hh-%s", gcpkittest.Project, region, region, domain)
}

func testBucketArgs(mutate func(*SecureBucketArgs)) *SecureBucketArgs {
	a := &SecureBucketArgs{
		Name: "hh-test-records", Location: gcpkittest.PrimaryRegion,
		KmsKeyName: pulumi.String(testKeyIn(gcpkittest.PrimaryRegion, "storage")),
		Replica: &BucketReplica{
			Location: gcpkittest.DRRegion, KmsKeyName: pulumi.String(testKeyIn(gcpkittest.DRRegion, "storage")),
		},
		Protect: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestSecureBucketDefaults(t *testing.T) {
	var b *SecureBucket
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		b, err = NewSecureBucket(ctx, "records", testBucketArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	var table []kittest.Expectation
	for name, region := range map[string]string{"hh-test-records": gcpkittest.PrimaryRegion, "hh-test-records-dr": gcpkittest.DRRegion} {
		table = append(table,
			kittest.Expectation{Type: typeBucket, Name: name, Path: "name", Want: name},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "location", Want: region},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "encryption.defaultKmsKeyName", Want: testKeyIn(region, "storage")},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "uniformBucketLevelAccess", Want: true},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "publicAccessPrevention", Want: "enforced"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "versioning.enabled", Want: true},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "forceDestroy", Want: false},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "softDeletePolicy.retentionDurationSeconds", Want: int64(604800)},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "storageClass", Want: "STANDARD"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[0].action.type", Want: "SetStorageClass"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[0].action.storageClass", Want: "COLDLINE"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[0].condition.age", Want: int64(90)},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[0].condition.matchesStorageClasses", Want: []any{"STANDARD"}},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[1].action.type", Want: "AbortIncompleteMultipartUpload"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[2].action.type", Want: "Delete"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[2].condition.daysSinceNoncurrentTime", Want: int64(365)},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[2].condition.withState", Want: "ARCHIVED"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "lifecycleRules[2].condition.noAge", Want: true},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "labels.data-classification", Want: "phi"},
		)
	}
	transferAgent := fmt.Sprintf("serviceAccount:project-%s@storage-transfer-service.iam.gserviceaccount.com", mockcloud.GCPProjectNumber)
	for name, grant := range map[string][2]string{
		"hh-test-records-transfer-reads":       {"hh-test-records", "roles/storage.objectViewer"},
		"hh-test-records-transfer-lists":       {"hh-test-records", "roles/storage.legacyBucketReader"},
		"hh-test-records-dr-transfer-writes":   {"hh-test-records-dr", "roles/storage.legacyBucketWriter"},
		"hh-test-records-dr-transfer-compares": {"hh-test-records-dr", "roles/storage.objectViewer"},
	} {
		table = append(table,
			kittest.Expectation{Type: typeBucketMember, Name: name, Path: "bucket", Want: grant[0]},
			kittest.Expectation{Type: typeBucketMember, Name: name, Path: "role", Want: grant[1]},
			kittest.Expectation{Type: typeBucketMember, Name: name, Path: "member", Want: transferAgent},
		)
	}
	const job = "hh-test-records-dr"
	table = append(table,
		kittest.Expectation{Type: typeTransferJob, Name: job, Path: "status", Want: "ENABLED"},
		kittest.Expectation{Type: typeTransferJob, Name: job, Path: "transferSpec.gcsDataSource.bucketName", Want: "hh-test-records"},
		kittest.Expectation{Type: typeTransferJob, Name: job, Path: "transferSpec.gcsDataSink.bucketName", Want: "hh-test-records-dr"},
		kittest.Expectation{Type: typeTransferJob, Name: job, Path: "transferSpec.transferOptions.deleteObjectsUniqueInSink", Want: false},
		kittest.Expectation{Type: typeTransferJob, Name: job, Path: "transferSpec.transferOptions.deleteObjectsFromSourceAfterTransfer", Want: false},
		kittest.Expectation{Type: typeTransferJob, Name: job, Path: "schedule.repeatInterval", Want: "86400s"},
	)
	kittest.AssertInputs(t, m, table)

	buckets := m.ByType(typeBucket)
	require.Len(t, buckets, 2)
	for _, r := range buckets {
		_, retained := r.Get("retentionPolicy")
		assert.False(t, retained, "%s is versioned instead: Google allows one or the other", r.Name)
		assert.True(t, r.Protect, "%s survives a destroy", r.Name)
		assert.True(t, r.RetainOnDelete, "%s stays in the project if it leaves the program", r.Name)
		assert.Equal(t, gcpkittest.PrimaryRegion, m.Region(r.Provider), "%s: its own location says where it is", r.Name)
	}
	jobRes, _ := m.Find(typeTransferJob, job)
	for _, g := range m.ByType(typeBucketMember) {
		assert.Contains(t, jobRes.Dependencies, g.URN, "the job runs only once %s is granted", g.Name)
	}

	got := func(o pulumi.StringOutput) string {
		ch := make(chan string, 1)
		o.ApplyT(func(s string) string { ch <- s; return s })
		return <-ch
	}
	assert.Equal(t, "hh-test-records", got(b.BucketName))
	assert.Equal(t, "gs://hh-test-records", got(b.Url))
	assert.Equal(t, "hh-test-records-dr", got(b.ReplicaName))
	assert.Empty(t, gcpkittest.Violations(m, "production"), "the bucket and its replica pass the whole policy pack")
}

func TestSecureBucketLockedRetention(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewSecureBucket(ctx, "records", testBucketArgs(func(a *SecureBucketArgs) {
			a.RetentionDays, a.LockRetention, a.ColdlineAfterDays = 2557, true, 30
		}), pulumi.Provider(p.Primary))
		return err
	})
	for _, name := range []string{"hh-test-records", "hh-test-records-dr"} {
		kittest.AssertInputs(t, m, []kittest.Expectation{
			{Type: typeBucket, Name: name, Path: "retentionPolicy.retentionPeriod", Want: int64(2557 * 86400)},
			{Type: typeBucket, Name: name, Path: "retentionPolicy.isLocked", Want: true},
			{Type: typeBucket, Name: name, Path: "versioning.enabled", Want: false},
			{Type: typeBucket, Name: name, Path: "lifecycleRules[0].condition.age", Want: int64(30)},
		})
		r, _ := m.Find(typeBucket, name)
		rules, _ := r.Get("lifecycleRules")
		assert.Len(t, rules, 2, "%s: nothing is ever deleted by the lifecycle", name)
	}
	assert.Empty(t, gcpkittest.Violations(m, "production"))
}

func TestSecureBucketUnprotectedWithoutReplica(t *testing.T) {
	var b *SecureBucket
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		b, err = NewSecureBucket(ctx, "records", testBucketArgs(func(a *SecureBucketArgs) {
			a.Replica, a.Protect, a.NoncurrentVersionDays = nil, false, 30
		}), pulumi.Provider(p.Primary))
		return err
	})
	require.Len(t, m.ByType(typeBucket), 1)
	assert.Empty(t, m.ByType(typeTransferJob))
	assert.Empty(t, m.ByType(typeBucketMember))
	r := m.ByType(typeBucket)[0]
	assert.False(t, r.Protect)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeBucket, Name: "hh-test-records", Path: "lifecycleRules[2].condition.daysSinceNoncurrentTime", Want: int64(30)},
		{Type: typeBucket, Name: "hh-test-records", Path: "publicAccessPrevention", Want: "enforced"},
	})
	ch := make(chan string, 1)
	b.ReplicaName.ApplyT(func(s string) string { ch <- s; return s })
	assert.Equal(t, "", <-ch)
	assert.Empty(t, gcpkittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestSecureBucketRefusesAKeyInAnotherRegion(t *testing.T) {
	_, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewSecureBucket(ctx, "records", testBucketArgs(func(a *SecureBucketArgs) {
			a.Replica.KmsKeyName = pulumi.String(testKeyIn(gcpkittest.PrimaryRegion, "storage")).ToStringOutput()
		}), pulumi.Provider(p.Primary))
		return err
	})
	require.ErrorContains(t, err, "SecureBucket: Replica.KmsKeyName = "+testKeyIn(gcpkittest.PrimaryRegion, "storage")+": must be a key in europe-west1")
}

func TestSecureBucketArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecureBucketArgs)
		want   string
	}{
		{"no name", func(a *SecureBucketArgs) { a.Name = "" }, `SecureBucket: Name = "": must be 3 to 63`},
		{"upper case name", func(a *SecureBucketArgs) { a.Name = "HH-Records" }, `SecureBucket: Name = "HH-Records"`},
		{"dotted name", func(a *SecureBucketArgs) { a.Name = "records.example.org" }, `SecureBucket: Name = "records.example.org"`},
		{"no room for -dr", func(a *SecureBucketArgs) { a.Name = "a234567890123456789012345678901234567890123456789012345678901" }, "must be at most 60 characters with a Replica"},
		{"multi-region", func(a *SecureBucketArgs) { a.Location = "EU" }, `SecureBucket: Location = "EU": must be a region`},
		{"dual-region", func(a *SecureBucketArgs) { a.Location = "eur4" }, `SecureBucket: Location = "eur4"`},
		{"no key", func(a *SecureBucketArgs) { a.KmsKeyName = nil }, "SecureBucket: KmsKeyName = <nil>: required"},
		{"negative retention", func(a *SecureBucketArgs) { a.RetentionDays = -1 }, "SecureBucket: RetentionDays = -1"},
		{"retention beyond Google's", func(a *SecureBucketArgs) { a.RetentionDays = 30000 }, "SecureBucket: RetentionDays = 30000"},
		{"lock without retention", func(a *SecureBucketArgs) { a.LockRetention = true }, "SecureBucket: LockRetention = true: needs RetentionDays of at least 2190"},
		{"lock under the floor", func(a *SecureBucketArgs) { a.RetentionDays, a.LockRetention = 365, true }, "not 365"},
		{"versions kept a week", func(a *SecureBucketArgs) { a.NoncurrentVersionDays = 7 }, "SecureBucket: NoncurrentVersionDays = 7: must be at least 30"},
		{"negative coldline", func(a *SecureBucketArgs) { a.ColdlineAfterDays = -1 }, "SecureBucket: ColdlineAfterDays = -1"},
		{"replica in the same region", func(a *SecureBucketArgs) { a.Replica.Location = a.Location }, "SecureBucket: Replica.Location = europe-west2: must differ"},
		{"replica multi-region", func(a *SecureBucketArgs) { a.Replica.Location = "EU" }, `SecureBucket: Replica.Location = "EU"`},
		{"replica without key", func(a *SecureBucketArgs) { a.Replica.KmsKeyName = nil }, "SecureBucket: Replica.KmsKeyName = <nil>: required"},
		{"no labels", func(a *SecureBucketArgs) { a.Labels = nil }, "SecureBucket: Labels = map[]: must include \"environment\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewSecureBucket(ctx, "records", testBucketArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
