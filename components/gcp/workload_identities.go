package gcp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// WorkloadIdentitiesArgs are the Google identities of the cluster's workloads, one per
// Kubernetes service account.
type WorkloadIdentitiesArgs struct {
	// Prefix starts every service account id: <prefix>-<name>.
	Prefix    string
	Workloads []WorkloadIdentity
	// WorkloadPool is the cluster's Workload Identity pool (GkeCluster.WorkloadPool). Taking
	// it from the cluster makes every binding wait for the cluster, whose creation makes the
	// pool exist; without it, the project's pool name is used and the caller orders the
	// bindings itself.
	WorkloadPool pulumi.StringInput
}

// WorkloadIdentity is what one workload may do in the project. A workload with no roles is
// an identity only: its calls are signed as itself, never as the node.
type WorkloadIdentity struct {
	Name, Namespace, ServiceAccount string
	// Roles are project roles such as roles/cloudsql.instanceUser and roles/cloudsql.client
	// (predefined roles/... or custom projects/<p>/roles/...). Basic roles (owner, editor,
	// viewer) and roles that mint credentials for other identities are refused.
	Roles []string
}

// WorkloadIdentities are Google service accounts, each federated through Workload Identity to
// exactly one Kubernetes service account of one namespace, holding only its roles. None has a
// key: the workload gets short-lived tokens from the GKE metadata server.
type WorkloadIdentities struct {
	pulumi.ResourceState

	// Emails are the service accounts' e-mail addresses by workload name.
	Emails  pulumi.StringMapOutput `pulumi:"emails"`
	emails  map[string]pulumi.StringOutput
	members map[string]pulumi.StringOutput
}

// Email is one workload's service account e-mail, the value of the Kubernetes service
// account's iam.gke.io/gcp-service-account annotation.
func (w *WorkloadIdentities) Email(name string) pulumi.StringOutput { return w.emails[name] }

// Member is one workload's IAM member, serviceAccount:<email>, for grants on single
// resources (a secret's readers, a bucket's writers).
func (w *WorkloadIdentities) Member(name string) pulumi.StringOutput { return w.members[name] }

const (
	// workloadIdentityUser lets the Kubernetes service account named in the member act as the
	// Google service account, and nothing else.
	workloadIdentityUser = "roles/iam.workloadIdentityUser"
	// Service account ids are 6 to 30 characters; a longer <prefix>-<name> keeps its first
	// characters and ends in a hash of the whole, so two long names never collide.
	accountIDMin, accountIDMax = 6, 30
	accountIDHash              = 6
)

var (
	// workloadPrefix leaves room for a workload name within 30 characters.
	workloadPrefix = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}[a-z0-9]$`)
	// projectRole is a predefined role or a project's or organization's custom role.
	projectRole = regexp.MustCompile(`^(roles|(projects|organizations)/[a-z0-9.:-]+/roles)/[a-zA-Z0-9_.]+$`)
	// refusedRoles are the basic roles (thousands of permissions each, CIS GCP 1.5), the roles
	// that let a workload mint keys or tokens for, or act as, any service account of the
	// project (every other workload's identity), and those that let it grant itself any role.
	refusedRoles = []string{
		"roles/owner", "roles/editor", "roles/viewer",
		"roles/iam.serviceAccountKeyAdmin", "roles/iam.serviceAccountTokenCreator",
		"roles/iam.serviceAccountUser", "roles/iam.workloadIdentityUser",
		"roles/resourcemanager.projectIamAdmin", "roles/iam.securityAdmin",
	}
)

// Validate checks the Args before anything is registered.
func (a *WorkloadIdentitiesArgs) Validate() error {
	const c = "WorkloadIdentities"
	switch {
	case !workloadPrefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold 2 to 21 lowercase letters, digits or hyphens (service account ids are at most 30)")
	case len(a.Workloads) == 0:
		return kit.ArgError(c, "Workloads", "[]", "required: at least one workload")
	}
	names, ids := map[string]bool{}, map[string]bool{}
	for i, w := range a.Workloads {
		arg := fmt.Sprintf("Workloads[%d]", i)
		id := accountID(a.Prefix, w.Name)
		switch {
		case !naming.DNSLabel.MatchString(w.Name) || names[w.Name] || ids[id]:
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", w.Name), "must be a DNS label, once")
		case !naming.DNSLabel.MatchString(w.Namespace) || strings.HasPrefix(w.Namespace, "kube-") || strings.HasPrefix(w.Namespace, "gke-"):
			return kit.ArgError(c, arg+".Namespace", fmt.Sprintf("%q", w.Namespace), "must be a workload namespace (a DNS label, not kube-* or gke-*)")
		case !naming.DNSLabel.MatchString(w.ServiceAccount):
			return kit.ArgError(c, arg+".ServiceAccount", fmt.Sprintf("%q", w.ServiceAccount), "must be a DNS label: the federation names exactly one service account")
		}
		roles := map[string]bool{}
		for j, r := range w.Roles {
			roleArg := fmt.Sprintf("%s.Roles[%d]", arg, j)
			switch {
			case slices.Contains(refusedRoles, r):
				return kit.ArgError(c, roleArg, r, "is refused: a basic role grants far more than a workload needs, and the IAM administration roles let it act as other identities or grant itself any role")
			case !projectRole.MatchString(r) || roles[r]:
				return kit.ArgError(c, roleArg, fmt.Sprintf("%q", r), "must be a role (roles/<service>.<role> or projects/<p>/roles/<role>), once")
			}
			roles[r] = true
		}
		names[w.Name], ids[id] = true, true
	}
	return nil
}

// NewWorkloadIdentities creates the service accounts, their federation and their role grants.
func NewWorkloadIdentities(ctx *pulumi.Context, name string, args *WorkloadIdentitiesArgs, opts ...pulumi.ResourceOption) (*WorkloadIdentities, error) {
	w := &WorkloadIdentities{emails: map[string]pulumi.StringOutput{}, members: map[string]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeWorkloadIdentities, name, args, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)
	project, err := gcpkit.LookupProject(ctx, w)
	if err != nil {
		return nil, err
	}
	pool := args.WorkloadPool
	if pool == nil {
		pool = pulumi.String(project.WorkloadPool())
	}
	emails := pulumi.StringMap{}
	for _, wl := range args.Workloads {
		id := accountID(args.Prefix, wl.Name)
		account, err := serviceaccount.NewAccount(ctx, id, &serviceaccount.AccountArgs{
			AccountId:   pulumi.String(id),
			DisplayName: pulumi.Sprintf("%s workload", wl.Name),
			Description: pulumi.Sprintf("Workload Identity of %s/%s in the cluster; no keys", wl.Namespace, wl.ServiceAccount),
		}, parent)
		if err != nil {
			return nil, err
		}
		// One Kubernetes service account of one namespace, in this project's pool: another
		// namespace, or another project's cluster, cannot borrow the identity.
		if _, err := serviceaccount.NewIAMMember(ctx, id+"-workload-identity", &serviceaccount.IAMMemberArgs{
			ServiceAccountId: account.Name,
			Role:             pulumi.String(workloadIdentityUser),
			Member:           pulumi.Sprintf("serviceAccount:%s[%s/%s]", pool, wl.Namespace, wl.ServiceAccount),
		}, parent); err != nil {
			return nil, err
		}
		for _, role := range wl.Roles {
			if _, err := projects.NewIAMMember(ctx, id+"-"+strings.ReplaceAll(role, "/", "-"), &projects.IAMMemberArgs{
				Project: pulumi.String(project.ID),
				Role:    pulumi.String(role),
				Member:  account.Member,
			}, parent); err != nil {
				return nil, err
			}
		}
		w.emails[wl.Name] = account.Email
		w.members[wl.Name] = account.Member
		emails[wl.Name] = account.Email
	}
	w.Emails = emails.ToStringMapOutput()
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"emails": w.Emails})
}

// accountID is <prefix>-<name> when it fits Google's 6 to 30 characters, else its first
// characters and a hash of the whole: the same workload always gets the same id.
func accountID(prefix, name string) string {
	full := prefix + "-" + name
	if len(full) >= accountIDMin && len(full) <= accountIDMax {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	head := full[:min(len(full), accountIDMax-accountIDHash-1)]
	return strings.TrimRight(head, "-") + "-" + hex.EncodeToString(sum[:])[:accountIDHash]
}
