package gcp

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/gcpformat"
)

// Domain is a class of data that gets its own customer-managed key, so access to one (say, the
// audit logs) never implies access to another (patient records).
type Domain string

const (
	DomainDatabase Domain = "database"
	DomainStorage  Domain = "storage"
	DomainLogs     Domain = "logs"
	DomainSecrets  Domain = "secrets"
	DomainCluster  Domain = "cluster"
	DomainCache    Domain = "cache"
	DomainBackup   Domain = "backup"
)

// Domains are the key domains of the estate, in order.
var Domains = []Domain{DomainDatabase, DomainStorage, DomainLogs, DomainSecrets, DomainCluster, DomainCache, DomainBackup}

// KeysArgs configures the estate's Cloud KMS keys.
type KeysArgs struct {
	// Prefix names the key rings (<prefix>-<region>) and the keys (<prefix>-<domain>).
	Prefix string
	// Region is the primary region: a key ring there with a key per domain. Required.
	Region string
	// DRRegion, when set, gets a second ring with the same keys: CMEK keys are regional, so
	// the DR copies of the data need keys of their own in the DR region.
	DRRegion string
	// Admins are IAM members (group:, user:, serviceAccount:) granted roles/cloudkms.admin on
	// the rings. They manage the keys and never use them (separation of duties).
	Admins []string
	// RotationDays is how often a new primary key version is made: 1 to 90, default 90.
	RotationDays int
	// DestroyScheduledDays is how long a destroyed key version waits before it is gone, and
	// with it the data it encrypts: the window in which a destruction can be cancelled. 1 to
	// 120, default 30; at least 30 for protected keys.
	DestroyScheduledDays int
	// ProtectionLevel is "HSM" or "SOFTWARE"; default HSM for protected keys, SOFTWARE
	// otherwise.
	ProtectionLevel string
	// Protect keeps the rings and keys through destroys and config changes (production).
	Protect bool
	Labels  map[string]string
}

// Keys is a key ring per region with one key per data domain, rotated at least every 90
// days, usable only by the Google service agents that encrypt that domain's data.
type Keys struct {
	pulumi.ResourceState

	ids, drIds map[Domain]pulumi.StringOutput

	KeyIds   pulumi.StringMapOutput `pulumi:"keyIds"`
	DRKeyIds pulumi.StringMapOutput `pulumi:"drKeyIds"`
}

// Id is the id of a domain's key in the primary region (projects/.../cryptoKeys/...), the
// form CMEK fields take. It resolves once the domain's service agents may use the key, so a
// resource encrypted with it is created after the grants, not refused for want of them.
func (k *Keys) Id(d Domain) pulumi.StringOutput { return k.ids[d] }

// DRId is the id of a domain's key in the DR region, likewise; a zero StringOutput without a
// DRRegion.
func (k *Keys) DRId(d Domain) pulumi.StringOutput { return k.drIds[d] }

// checkRegionArg fails unless value is a region, lower case as Google spells it.
func checkRegionArg(component, arg, value string) error {
	if !gcpkit.Region.MatchString(value) {
		return kit.ArgError(component, arg, fmt.Sprintf("%q", value), "must be a region such as europe-west2 (lower case; no multi-region)")
	}
	return nil
}

// agentAsAdmin matches a Google service agent (service-<number>@...): agents use keys, so
// they never administer them.
var agentAsAdmin = regexp.MustCompile(`^serviceAccount:service-[0-9]+@`)

// Validate checks the Args before anything is registered.
func (a *KeysArgs) Validate() error {
	const c = "Keys"
	if a.Prefix == "" {
		return kit.ArgError(c, "Prefix", `""`, "required")
	}
	if err := checkRegionArg(c, "Region", a.Region); err != nil {
		return err
	}
	if a.DRRegion != "" {
		if err := checkRegionArg(c, "DRRegion", a.DRRegion); err != nil {
			return err
		}
		if a.DRRegion == a.Region {
			return kit.ArgError(c, "DRRegion", a.DRRegion, "must differ from Region: a DR copy in the same region does not survive its loss")
		}
	}
	for i, m := range a.Admins {
		switch {
		case !gcpformat.IAMMember.MatchString(m):
			return kit.ArgError(c, "Admins", fmt.Sprintf("%q", m), "must be IAM members such as group:kms-admins@example.org, user:... or serviceAccount:...")
		case agentAsAdmin.MatchString(m):
			return kit.ArgError(c, "Admins", m, "must not be a Google service agent: agents use keys, people administer them")
		case slices.Contains(a.Admins[:i], m):
			return kit.ArgError(c, "Admins", m, "must not repeat a member")
		}
	}
	if a.RotationDays == 0 {
		a.RotationDays = 90
	}
	// Prowler kms_key_rotation_max_90_days; Cloud KMS rotates at most daily.
	if a.RotationDays < 1 || a.RotationDays > 90 {
		return kit.ArgError(c, "RotationDays", a.RotationDays, "must be 1 to 90")
	}
	if a.DestroyScheduledDays == 0 {
		a.DestroyScheduledDays = 30
	}
	// Cloud KMS accepts 1 to 120 days.
	if a.DestroyScheduledDays < 1 || a.DestroyScheduledDays > 120 {
		return kit.ArgError(c, "DestroyScheduledDays", a.DestroyScheduledDays, "must be 1 to 120")
	}
	if a.Protect && a.DestroyScheduledDays < 30 {
		return kit.ArgError(c, "DestroyScheduledDays", a.DestroyScheduledDays, "must be at least 30 for protected (production) keys: a destroyed key loses the data it encrypts")
	}
	if a.ProtectionLevel == "" {
		a.ProtectionLevel = "SOFTWARE"
		if a.Protect {
			// Production key material never leaves FIPS 140-2 Level 3 hardware.
			a.ProtectionLevel = "HSM"
		}
	}
	if a.ProtectionLevel != "HSM" && a.ProtectionLevel != "SOFTWARE" {
		return kit.ArgError(c, "ProtectionLevel", fmt.Sprintf("%q", a.ProtectionLevel), `must be "HSM" or "SOFTWARE"`)
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// keyUser is a service agent allowed to encrypt and decrypt with a domain's key.
type keyUser struct {
	name   string // names the IAM binding
	member pulumi.StringInput
}

// NewKeys creates the key rings, the keys, and who may use and administer them.
func NewKeys(ctx *pulumi.Context, name string, args *KeysArgs, opts ...pulumi.ResourceOption) (*Keys, error) {
	k := &Keys{ids: map[Domain]pulumi.StringOutput{}, drIds: map[Domain]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeKeys, name, args, k, opts...); err != nil {
		return nil, err
	}
	users, err := keyUsers(ctx, k, args.Prefix)
	if err != nil {
		return nil, err
	}

	ids, err := k.ring(ctx, args, args.Region, "", users, k.ids)
	if err != nil {
		return nil, err
	}
	drIds := pulumi.StringMap{}
	if args.DRRegion != "" {
		if drIds, err = k.ring(ctx, args, args.DRRegion, "-dr", users, k.drIds); err != nil {
			return nil, err
		}
	}

	k.KeyIds = ids.ToStringMapOutput()
	k.DRKeyIds = drIds.ToStringMapOutput()
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{"keyIds": k.KeyIds, "drKeyIds": k.DRKeyIds})
}

// ring creates one region's key ring, its admins, a key per domain and each key's users.
// suffix tells the DR region's resources from the primary's in the program; in Google Cloud
// the keys have the same names in both rings.
func (k *Keys) ring(ctx *pulumi.Context, args *KeysArgs, region, suffix string, users map[Domain][]keyUser, into map[Domain]pulumi.StringOutput) (pulumi.StringMap, error) {
	parent := pulumi.Parent(k)
	ringName := fmt.Sprintf("%s-%s", args.Prefix, region)
	// The ring's location is explicit: the provider's region is the primary one for both.
	ring, err := kms.NewKeyRing(ctx, ringName, &kms.KeyRingArgs{
		Name:     pulumi.String(ringName),
		Location: pulumi.String(region),
	}, kit.Stateful(k, args.Protect)...)
	if err != nil {
		return nil, err
	}
	for _, admin := range args.Admins {
		if _, err := kms.NewKeyRingIAMMember(ctx, fmt.Sprintf("%s-admin-%s", ringName, strings.ReplaceAll(admin, ":", "-")), &kms.KeyRingIAMMemberArgs{
			KeyRingId: ring.ID(),
			Role:      pulumi.String("roles/cloudkms.admin"),
			Member:    pulumi.String(admin),
		}, parent); err != nil {
			return nil, err
		}
	}

	// Durations are in seconds, as the API takes them.
	day := 24 * 60 * 60
	ids := pulumi.StringMap{}
	for _, d := range Domains {
		keyName := fmt.Sprintf("%s-%s", args.Prefix, d)
		key, err := kms.NewCryptoKey(ctx, keyName+suffix, &kms.CryptoKeyArgs{
			Name:                     pulumi.String(keyName),
			KeyRing:                  ring.ID(),
			Purpose:                  pulumi.String("ENCRYPT_DECRYPT"),
			RotationPeriod:           pulumi.Sprintf("%ds", args.RotationDays*day),
			DestroyScheduledDuration: pulumi.Sprintf("%ds", args.DestroyScheduledDays*day),
			VersionTemplate: kms.CryptoKeyVersionTemplateArgs{
				// The symmetric algorithm every CMEK integration accepts.
				Algorithm:       pulumi.String("GOOGLE_SYMMETRIC_ENCRYPTION"),
				ProtectionLevel: pulumi.String(args.ProtectionLevel),
			},
			Labels: gcpkit.Labels(args.Labels),
		}, kit.Stateful(k, args.Protect)...)
		if err != nil {
			return nil, err
		}
		var grants []pulumi.CustomResource
		for _, u := range users[d] {
			grant, err := kms.NewCryptoKeyIAMMember(ctx, fmt.Sprintf("%s-%s%s", keyName, u.name, suffix), &kms.CryptoKeyIAMMemberArgs{
				CryptoKeyId: key.ID(),
				Role:        pulumi.String("roles/cloudkms.cryptoKeyEncrypterDecrypter"),
				Member:      u.member,
			}, parent)
			if err != nil {
				return nil, err
			}
			grants = append(grants, grant)
		}
		into[d] = kit.After(key.ID().ToStringOutput(), grants...)
		ids[string(d)] = into[d]
	}
	return ids, nil
}

// keyUsers are, per domain, the Google service agents that encrypt that domain's data and
// nobody else: people and workloads reach PHI through the services, never through a key.
// The agents of Cloud SQL, Secret Manager and Backup for GKE exist only once asked for, so
// they are asked for here; the others exist with their API.
func keyUsers(ctx *pulumi.Context, k *Keys, prefix string) (map[Domain][]keyUser, error) {
	project, err := gcpkit.LookupProject(ctx, k)
	if err != nil {
		return nil, err
	}
	identity := func(service string) (pulumi.StringInput, error) {
		id, err := projects.NewServiceIdentity(ctx, fmt.Sprintf("%s-%s", prefix, strings.TrimSuffix(service, ".googleapis.com")), &projects.ServiceIdentityArgs{
			Service: pulumi.String(service),
		}, pulumi.Parent(k))
		if err != nil {
			return nil, err
		}
		return id.Member, nil
	}
	sql, err := identity("sqladmin.googleapis.com")
	if err != nil {
		return nil, err
	}
	secretManager, err := identity("secretmanager.googleapis.com")
	if err != nil {
		return nil, err
	}
	gkeBackup, err := identity("gkebackup.googleapis.com")
	if err != nil {
		return nil, err
	}
	agent := func(name string, a gcpkit.Agent) keyUser {
		return keyUser{name, pulumi.String(project.Member(a))}
	}
	gcs := agent("storage", gcpkit.AgentStorage)
	return map[Domain][]keyUser{
		DomainDatabase: {{"cloud-sql", sql}},
		DomainStorage:  {gcs},
		// Cloud Logging encrypts log buckets; Cloud Storage the audit archive.
		DomainLogs:    {agent("logging", gcpkit.AgentLogging), gcs},
		DomainSecrets: {{"secret-manager", secretManager}},
		// GKE encrypts Kubernetes secrets at the application layer; Compute Engine the
		// nodes' CMEK boot and data disks.
		DomainCluster: {agent("gke", gcpkit.AgentGKE), agent("compute", gcpkit.AgentCompute)},
		DomainCache:   {agent("memorystore", gcpkit.AgentMemorystore)},
		DomainBackup:  {{"gke-backup", gkeBackup}},
	}, nil
}
