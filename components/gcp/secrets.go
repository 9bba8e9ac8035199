package gcp

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// SecretsArgs configures the Secret Manager secrets the workloads read.
type SecretsArgs struct {
	// Prefix names the secrets: <prefix>-<name>.
	Prefix string
	// Values are the secrets by short name; each is stored as a Pulumi secret, whatever the
	// caller passed.
	Values map[string]pulumi.StringInput
	// Replicas are where every secret is kept, each under its own regional key: at least one.
	// Replication is user-managed only, so a secret never lands in a location the
	// configuration does not allow.
	Replicas []SecretReplica
	// Readers are, by short name, the IAM members (serviceAccount:...) that may read that
	// secret; the grant is on the secret alone, never on the project.
	Readers map[string][]pulumi.StringInput
	// Protect keeps the secrets through destroys (production).
	Protect bool
	Labels  map[string]string
}

// SecretReplica is one location a secret is kept in and the Cloud KMS key, in that
// location, that encrypts it there.
type SecretReplica struct {
	Location   string
	KmsKeyName pulumi.StringInput
}

// Secrets are Secret Manager secrets replicated only to the named locations, each replica
// under a customer-managed key, readable only by the members granted that secret, with
// destroyed versions recoverable for 30 days.
type Secrets struct {
	pulumi.ResourceState

	// Ids are the secrets' resource ids (projects/<project>/secrets/<id>) by short name.
	Ids pulumi.StringMapOutput `pulumi:"ids"`
	ids map[string]pulumi.StringOutput
}

// Id is one secret's resource id, projects/<project>/secrets/<prefix>-<name>.
func (s *Secrets) Id(name string) pulumi.StringOutput { return s.ids[name] }

const (
	// secretAccessor reads a secret's payload and nothing else (not its IAM, not other
	// secrets).
	secretAccessor = "roles/secretmanager.secretAccessor"
	// secretVersionDestroyTTL delays the destruction of a version: a version destroyed by
	// mistake (or by an attacker) stays recoverable for 30 days, as a deleted AWS secret does.
	secretVersionDestroyTTL = "2592000s"
)

var (
	// secretsPrefix leaves room for the short names within Secret Manager's 255 characters.
	secretsPrefix = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	// secretShortName is a DNS label: it becomes part of the secret id and of resource names.
	secretShortName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// Validate checks the Args before anything is registered.
func (a *SecretsArgs) Validate() error {
	const c = "Secrets"
	switch {
	case !secretsPrefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 63 lowercase letters, digits or hyphens")
	case len(a.Values) == 0:
		return kit.ArgError(c, "Values", nil, "required: the secrets to hold")
	case len(a.Replicas) == 0:
		return kit.ArgError(c, "Replicas", "[]", "required: at least one location and its key; automatic replication would place the secret anywhere")
	}
	for _, n := range slices.Sorted(maps.Keys(a.Values)) {
		switch {
		case !secretShortName.MatchString(n):
			return kit.ArgError(c, "Values", fmt.Sprintf("%q", n), "names must be DNS labels (lowercase letters, digits, '-')")
		case a.Values[n] == nil:
			return kit.ArgError(c, fmt.Sprintf("Values[%q]", n), nil, "required: a value (a Pulumi secret)")
		}
	}
	seen := map[string]bool{}
	for i, r := range a.Replicas {
		arg := fmt.Sprintf("Replicas[%d]", i)
		switch {
		case !gcpkit.Region.MatchString(r.Location) || seen[r.Location]:
			return kit.ArgError(c, arg+".Location", fmt.Sprintf("%q", r.Location), "must be a region such as europe-west2, once")
		case r.KmsKeyName == nil:
			return kit.ArgError(c, arg+".KmsKeyName", nil, "required: each replica is encrypted with a customer-managed key in its location")
		}
		seen[r.Location] = true
	}
	for _, n := range slices.Sorted(maps.Keys(a.Readers)) {
		if a.Values[n] == nil {
			return kit.ArgError(c, "Readers", fmt.Sprintf("%q", n), "names a secret that has no value")
		}
		for i, m := range a.Readers[n] {
			if m == nil {
				return kit.ArgError(c, fmt.Sprintf("Readers[%q][%d]", n, i), nil, "required: an IAM member such as serviceAccount:<email>")
			}
		}
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// NewSecrets creates one secret, its version and its readers' grants per value.
func NewSecrets(ctx *pulumi.Context, name string, args *SecretsArgs, opts ...pulumi.ResourceOption) (*Secrets, error) {
	s := &Secrets{ids: map[string]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeSecrets, name, args, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	replicas := make(secretmanager.SecretReplicationUserManagedReplicaArray, len(args.Replicas))
	for i, r := range args.Replicas {
		replicas[i] = secretmanager.SecretReplicationUserManagedReplicaArgs{
			Location: pulumi.String(r.Location),
			CustomerManagedEncryption: secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs{
				KmsKeyName: r.KmsKeyName,
			},
		}
	}
	ids := pulumi.StringMap{}
	for _, n := range slices.Sorted(maps.Keys(args.Values)) {
		id := args.Prefix + "-" + n
		secret, err := secretmanager.NewSecret(ctx, id, &secretmanager.SecretArgs{
			SecretId:          pulumi.String(id),
			Replication:       secretmanager.SecretReplicationArgs{UserManaged: secretmanager.SecretReplicationUserManagedArgs{Replicas: replicas}},
			VersionDestroyTtl: pulumi.String(secretVersionDestroyTTL),
			Labels:            gcpkit.Labels(args.Labels),
		}, kit.Stateful(s, args.Protect)...)
		if err != nil {
			return nil, err
		}
		if _, err := secretmanager.NewSecretVersion(ctx, id, &secretmanager.SecretVersionArgs{
			Secret:     secret.ID(),
			SecretData: pulumi.ToSecret(args.Values[n]).(pulumi.StringOutput),
		}, parent); err != nil {
			return nil, err
		}
		// Readers are named by position: append to a list rather than reorder it, or the
		// grants are replaced (briefly revoked) on the next update.
		for i, member := range args.Readers[n] {
			if _, err := secretmanager.NewSecretIamMember(ctx, fmt.Sprintf("%s-reader-%d", id, i), &secretmanager.SecretIamMemberArgs{
				SecretId: secret.ID(),
				Role:     pulumi.String(secretAccessor),
				Member:   member,
			}, parent); err != nil {
				return nil, err
			}
		}
		s.ids[n] = secret.ID().ToStringOutput()
		ids[n] = s.ids[n]
	}
	s.Ids = ids.ToStringMapOutput()
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"ids": s.Ids})
}
