package gcp

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// BucketReplica is where a SecureBucket keeps its disaster-recovery copy.
type BucketReplica struct {
	// Location is the DR region; not the bucket's own.
	Location string
	// KmsKeyName is a key in Location (Keys.DRId): CMEK keys are regional.
	KmsKeyName pulumi.StringInput
}

// SecureBucketArgs configures a bucket for PHI or audit data.
type SecureBucketArgs struct {
	// Name is the bucket's name, global across Google Cloud.
	Name string
	// Location is a region, lower case (europe-west2). Multi-regions are refused: the data
	// stays in the regions config allows.
	Location string
	// KmsKeyName encrypts every object with a customer-managed key in Location. Required.
	KmsKeyName pulumi.StringInput
	// RetentionDays is the retention policy: no object can be deleted or replaced younger
	// than this. 0: none.
	RetentionDays int
	// LockRetention locks the retention policy: nobody can shorten or remove it, ever. Only
	// with RetentionDays of at least the HIPAA six years.
	LockRetention bool
	// NoncurrentVersionDays deletes replaced and deleted versions this long after; at least
	// 30, default 365. Google allows no versioning beside a retention policy, which then
	// keeps every object instead.
	NoncurrentVersionDays int
	// ColdlineAfterDays moves objects to COLDLINE (cheaper, still online); default 90.
	ColdlineAfterDays int
	// Replica, when set, adds a bucket <name>-dr in another region with the same controls and
	// a daily copy into it, so the data survives the loss of its region.
	Replica *BucketReplica
	// Protect keeps the buckets through destroys and config changes (production).
	Protect bool
	Labels  map[string]string
}

// SecureBucket is private (uniform access, public access prevention enforced), encrypted
// with a customer-managed key, versioned or under a retention policy, and soft-deletes.
type SecureBucket struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	Url        pulumi.StringOutput `pulumi:"url"`
	// ReplicaName is the DR copy; empty without a Replica.
	ReplicaName pulumi.StringOutput `pulumi:"replicaName"`
}

// bucketNameShape is a bucket name without dots (a dotted name must be a verified domain).
var bucketNameShape = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$`)

// maxBucketRetentionDays is Google's ceiling on a retention period (2^31-1 seconds).
const maxBucketRetentionDays = 24855

// Validate checks the Args before anything is registered.
func (a *SecureBucketArgs) Validate() error {
	const c = "SecureBucket"
	if !bucketNameShape.MatchString(a.Name) {
		return kit.ArgError(c, "Name", fmt.Sprintf("%q", a.Name), "must be 3 to 63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit")
	}
	if a.Replica != nil && len(a.Name) > 60 {
		return kit.ArgError(c, "Name", a.Name, "must be at most 60 characters with a Replica, which adds -dr")
	}
	if err := checkRegionArg(c, "Location", a.Location); err != nil {
		return err
	}
	if a.KmsKeyName == nil {
		return kit.ArgError(c, "KmsKeyName", nil, "required: buckets are always encrypted with a customer-managed key")
	}
	if a.RetentionDays < 0 || a.RetentionDays > maxBucketRetentionDays {
		return kit.ArgError(c, "RetentionDays", a.RetentionDays, "must be 0 (no retention policy) to %d", maxBucketRetentionDays)
	}
	if a.LockRetention && a.RetentionDays < kit.MinRetentionDays {
		return kit.ArgError(c, "LockRetention", true, "needs RetentionDays of at least %d (HIPAA six years), not %d: a locked policy can never be shortened", kit.MinRetentionDays, a.RetentionDays)
	}
	if a.NoncurrentVersionDays == 0 {
		a.NoncurrentVersionDays = 365
	}
	// A month to notice an overwrite or a deletion and restore the version before it.
	if a.NoncurrentVersionDays < 30 {
		return kit.ArgError(c, "NoncurrentVersionDays", a.NoncurrentVersionDays, "must be at least 30")
	}
	if a.ColdlineAfterDays == 0 {
		a.ColdlineAfterDays = 90
	}
	if a.ColdlineAfterDays < 1 {
		return kit.ArgError(c, "ColdlineAfterDays", a.ColdlineAfterDays, "must be at least 1 (0: default 90)")
	}
	if r := a.Replica; r != nil {
		if err := checkRegionArg(c, "Replica.Location", r.Location); err != nil {
			return err
		}
		if r.Location == a.Location {
			return kit.ArgError(c, "Replica.Location", r.Location, "must differ from Location: a copy in the same region does not survive its loss")
		}
		if r.KmsKeyName == nil {
			return kit.ArgError(c, "Replica.KmsKeyName", nil, "required: a customer-managed key in %s", r.Location)
		}
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// NewSecureBucket creates the bucket and, with a Replica, its DR copy.
func NewSecureBucket(ctx *pulumi.Context, name string, args *SecureBucketArgs, opts ...pulumi.ResourceOption) (*SecureBucket, error) {
	b := &SecureBucket{}
	if err := kit.Register(ctx, TypeSecureBucket, name, args, b, opts...); err != nil {
		return nil, err
	}
	bucket, err := b.bucket(ctx, args, args.Name, args.Location, "KmsKeyName", args.KmsKeyName)
	if err != nil {
		return nil, err
	}
	b.BucketName = bucket.Name
	b.Url = bucket.Url
	b.ReplicaName = pulumi.String("").ToStringOutput()

	if r := args.Replica; r != nil {
		replica, err := b.bucket(ctx, args, args.Name+"-dr", r.Location, "Replica.KmsKeyName", r.KmsKeyName)
		if err != nil {
			return nil, err
		}
		if err := b.copyDaily(ctx, args, bucket, replica); err != nil {
			return nil, err
		}
		b.ReplicaName = replica.Name
	}
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{"bucketName": b.BucketName, "url": b.Url, "replicaName": b.ReplicaName})
}

// bucket creates one bucket with every control on it; the primary and the replica differ
// only in name, region and key.
func (b *SecureBucket) bucket(ctx *pulumi.Context, args *SecureBucketArgs, name, location, keyArg string, key pulumi.StringInput) (*storage.Bucket, error) {
	day := 24 * 60 * 60
	rules := storage.BucketLifecycleRuleArray{
		// Records are read rarely once they are months old; Coldline costs a fraction of
		// Standard and still reads back at once.
		storage.BucketLifecycleRuleArgs{
			Action:    storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("SetStorageClass"), StorageClass: pulumi.String("COLDLINE")},
			Condition: storage.BucketLifecycleRuleConditionArgs{Age: pulumi.Int(args.ColdlineAfterDays), MatchesStorageClasses: pulumi.ToStringArray([]string{"STANDARD"})},
		},
		// Parts of an upload nobody finished are not records of anything.
		storage.BucketLifecycleRuleArgs{
			Action:    storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("AbortIncompleteMultipartUpload")},
			Condition: storage.BucketLifecycleRuleConditionArgs{Age: pulumi.Int(7)},
		},
	}
	var retention storage.BucketRetentionPolicyPtrInput
	versioned := args.RetentionDays == 0
	if versioned {
		// Only noncurrent versions: withState ARCHIVED, and noAge so the provider never sends
		// the age 0 that would make this rule delete live objects.
		rules = append(rules, storage.BucketLifecycleRuleArgs{
			Action: storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")},
			Condition: storage.BucketLifecycleRuleConditionArgs{
				DaysSinceNoncurrentTime: pulumi.Int(args.NoncurrentVersionDays),
				WithState:               pulumi.String("ARCHIVED"),
				NoAge:                   pulumi.Bool(true),
			},
		})
	} else {
		// Google refuses versioning beside a retention policy; the policy is the stronger
		// guard, since no object can be deleted or replaced at all until it is old enough.
		retention = storage.BucketRetentionPolicyArgs{
			RetentionPeriod: pulumi.Int(args.RetentionDays * day),
			IsLocked:        pulumi.Bool(args.LockRetention),
		}
	}
	return storage.NewBucket(ctx, name, &storage.BucketArgs{
		Name:     pulumi.String(name),
		Location: pulumi.String(location),
		// Objects start in STANDARD; the lifecycle moves them to COLDLINE.
		StorageClass: pulumi.String("STANDARD"),
		// IAM only, no object ACLs: one place says who can read PHI.
		UniformBucketLevelAccess: pulumi.Bool(true),
		// Refuses allUsers and allAuthenticatedUsers, even if a later grant names them.
		PublicAccessPrevention: pulumi.String("enforced"),
		Encryption:             storage.BucketEncryptionArgs{DefaultKmsKeyName: keyIn(keyArg, location, key)},
		Versioning:             storage.BucketVersioningArgs{Enabled: pulumi.Bool(versioned)},
		RetentionPolicy:        retention,
		// Google's default week to restore what was deleted outright, made explicit so no
		// org default can turn it off.
		SoftDeletePolicy: storage.BucketSoftDeletePolicyArgs{RetentionDurationSeconds: pulumi.Int(7 * day)},
		LifecycleRules:   rules,
		// A bucket with objects is never deleted with them.
		ForceDestroy: pulumi.Bool(false),
		Labels:       gcpkit.Labels(args.Labels),
	}, kit.Stateful(b, args.Protect)...)
}

// keyIn passes a key on once it is known to be in location: a key in another region fails
// the update here, with the argument named, rather than in the Cloud Storage API.
func keyIn(arg, location string, key pulumi.StringInput) pulumi.StringOutput {
	return key.ToStringOutput().ApplyT(func(id string) (string, error) {
		if !strings.Contains(id, "/locations/"+location+"/") {
			return "", kit.ArgError("SecureBucket", arg, id, "must be a key in %s: CMEK keys are regional", location)
		}
		return id, nil
	}).(pulumi.StringOutput)
}

// copyDaily has Storage Transfer copy new and changed objects to the replica every day
// (164.308(a)(7)(ii)(B) disaster recovery plan). Deletions are not copied, so a deletion in
// the primary region cannot empty the copy. Cloud Storage decrypts and encrypts with each
// bucket's key itself, so the transfer agent needs no key, only the bucket roles Google
// documents for a transfer source and sink.
func (b *SecureBucket) copyDaily(ctx *pulumi.Context, args *SecureBucketArgs, source, sink *storage.Bucket) error {
	agent, err := storage.GetTransferProjectServiceAccount(ctx, nil, pulumi.Parent(b))
	if err != nil {
		return fmt.Errorf("SecureBucket %s: looking up the Storage Transfer service agent: %w", args.Name, err)
	}
	grants := []struct {
		name   string
		bucket pulumi.StringInput
		role   string
	}{
		{"transfer-reads", source.Name, "roles/storage.objectViewer"},
		{"transfer-lists", source.Name, "roles/storage.legacyBucketReader"},
		// Writer creates and lists; it deletes only a version an update replaces, which the
		// replica keeps as noncurrent or its retention policy refuses.
		{"dr-transfer-writes", sink.Name, "roles/storage.legacyBucketWriter"},
		// Reading the copy is how the transfer tells a changed object from an unchanged one.
		{"dr-transfer-compares", sink.Name, "roles/storage.objectViewer"},
	}
	var granted []pulumi.Resource
	for _, g := range grants {
		m, err := storage.NewBucketIAMMember(ctx, args.Name+"-"+g.name, &storage.BucketIAMMemberArgs{
			Bucket: g.bucket,
			Role:   pulumi.String(g.role),
			Member: pulumi.String(agent.Member),
		}, pulumi.Parent(b))
		if err != nil {
			return err
		}
		granted = append(granted, m)
	}
	_, err = storage.NewTransferJob(ctx, args.Name+"-dr", &storage.TransferJobArgs{
		Description: pulumi.Sprintf("Daily DR copy of gs://%s to %s", args.Name, args.Replica.Location),
		Status:      pulumi.String("ENABLED"),
		TransferSpec: storage.TransferJobTransferSpecArgs{
			GcsDataSource: storage.TransferJobTransferSpecGcsDataSourceArgs{BucketName: source.Name},
			GcsDataSink:   storage.TransferJobTransferSpecGcsDataSinkArgs{BucketName: sink.Name},
			TransferOptions: storage.TransferJobTransferSpecTransferOptionsArgs{
				DeleteObjectsUniqueInSink:            pulumi.Bool(false),
				DeleteObjectsFromSourceAfterTransfer: pulumi.Bool(false),
				OverwriteWhen:                        pulumi.String("DIFFERENT"),
			},
		},
		Schedule: storage.TransferJobScheduleArgs{
			// A fixed date in the past: the job runs from the day after it is created, and
			// the plan is the same on every run.
			ScheduleStartDate: storage.TransferJobScheduleScheduleStartDateArgs{Year: pulumi.Int(2025), Month: pulumi.Int(1), Day: pulumi.Int(1)},
			// 02:00 UTC, out of European working hours.
			StartTimeOfDay: storage.TransferJobScheduleStartTimeOfDayArgs{Hours: pulumi.Int(2), Minutes: pulumi.Int(0), Seconds: pulumi.Int(0), Nanos: pulumi.Int(0)},
			RepeatInterval: pulumi.String("86400s"),
		},
	}, pulumi.Parent(b), pulumi.DependsOn(granted))
	return err
}
