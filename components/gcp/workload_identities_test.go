package gcp

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	gcpServiceAccount = "gcp:serviceaccount/account:Account"
	gcpAccountIAM     = "gcp:serviceaccount/iAMMember:IAMMember"
	gcpProjectIAM     = "gcp:projects/iAMMember:IAMMember"
)

func workloadIdentitiesArgs(mutate func(*WorkloadIdentitiesArgs)) *WorkloadIdentitiesArgs {
	a := &WorkloadIdentitiesArgs{
		Prefix: "hh",
		Workloads: []WorkloadIdentity{
			{Name: "backend", Namespace: "backend", ServiceAccount: "backend", Roles: []string{"roles/cloudsql.instanceUser", "roles/cloudsql.client"}},
			{Name: "frontend", Namespace: "frontend", ServiceAccount: "frontend"},
		},
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestWorkloadIdentitiesFederateOneServiceAccountEach(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		w, err := NewWorkloadIdentities(ctx, "identities", workloadIdentitiesArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("email", w.Email("backend"))
		ctx.Export("member", w.Member("backend"))
		ctx.Export("emails", w.Emails)
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: gcpServiceAccount, Name: "hh-backend", Path: "accountId", Want: "hh-backend"},
		{Type: gcpAccountIAM, Name: "hh-backend-workload-identity", Path: "serviceAccountId", Want: "projects/healthhub-test/serviceAccounts/hh-backend@healthhub-test.iam.gserviceaccount.com"},
		{Type: gcpAccountIAM, Name: "hh-backend-workload-identity", Path: "role", Want: "roles/iam.workloadIdentityUser"},
		{Type: gcpAccountIAM, Name: "hh-backend-workload-identity", Path: "member", Want: "serviceAccount:healthhub-test.svc.id.goog[backend/backend]"},
		{Type: gcpAccountIAM, Name: "hh-frontend-workload-identity", Path: "member", Want: "serviceAccount:healthhub-test.svc.id.goog[frontend/frontend]"},
		{Type: gcpProjectIAM, Name: "hh-backend-roles-cloudsql.instanceUser", Path: "project", Want: gcpkittest.Project},
		{Type: gcpProjectIAM, Name: "hh-backend-roles-cloudsql.instanceUser", Path: "role", Want: "roles/cloudsql.instanceUser"},
		{Type: gcpProjectIAM, Name: "hh-backend-roles-cloudsql.instanceUser", Path: "member", Want: "serviceAccount:" + backendSA},
		{Type: gcpProjectIAM, Name: "hh-backend-roles-cloudsql.client", Path: "role", Want: "roles/cloudsql.client"},
	})
	assert.Len(t, m.ByType(gcpProjectIAM), 2, "the frontend is an identity only")
	assert.Empty(t, m.ByType("gcp:serviceaccount/key:Key"), "no service account keys, ever")

	assert.Equal(t, backendSA, m.Outputs()["email"].Value)
	assert.Equal(t, "serviceAccount:"+backendSA, m.Outputs()["member"].Value)
	assert.Equal(t, map[string]any{"backend": backendSA, "frontend": "hh-frontend@healthhub-test.iam.gserviceaccount.com"}, m.Outputs()["emails"].Value)
	assert.Empty(t, gcpkittest.Violations(m, "production"), "the identities pass the whole policy pack")
}

func TestWorkloadIdentityAccountIds(t *testing.T) {
	tests := []struct{ prefix, name, want string }{
		{"hh", "backend", "hh-backend"},
		{"hh", "ui", "hh-ui-" + sha6("hh-ui")},
		{"hh-prod", "clinical-records-reconciler", "hh-prod-clinical-record-" + sha6("hh-prod-clinical-records-reconciler")},
		{"hh-prod", "patient-record-sync-jobs", "hh-prod-patient-record-" + sha6("hh-prod-patient-record-sync-jobs")},
	}
	for _, tt := range tests {
		got := accountID(tt.prefix, tt.name)
		assert.Equal(t, tt.want, got)
		assert.Regexp(t, `^[a-z][-a-z0-9]{4,28}[a-z0-9]$`, got, "Google's service account id")
	}
}

func sha6(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:6]
}

func TestWorkloadIdentitiesArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*WorkloadIdentitiesArgs)
		want   string
	}{
		{"bad prefix", func(a *WorkloadIdentitiesArgs) { a.Prefix = "healthhub-production-eu" }, `WorkloadIdentities: Prefix = "healthhub-production-eu": must start with a letter and hold 2 to 21`},
		{"no workloads", func(a *WorkloadIdentitiesArgs) { a.Workloads = nil }, "WorkloadIdentities: Workloads = []: required"},
		{"duplicate", func(a *WorkloadIdentitiesArgs) { a.Workloads[1].Name = "backend" }, `WorkloadIdentities: Workloads[1].Name = "backend": must be a DNS label, once`},
		{"system namespace", func(a *WorkloadIdentitiesArgs) { a.Workloads[0].Namespace = "kube-system" }, `WorkloadIdentities: Workloads[0].Namespace = "kube-system": must be a workload namespace`},
		{"GKE namespace", func(a *WorkloadIdentitiesArgs) { a.Workloads[0].Namespace = "gke-managed-system" }, `Workloads[0].Namespace = "gke-managed-system"`},
		{"wildcard service account", func(a *WorkloadIdentitiesArgs) { a.Workloads[0].ServiceAccount = "*" }, `WorkloadIdentities: Workloads[0].ServiceAccount = "*": must be a DNS label`},
		{"owner", func(a *WorkloadIdentitiesArgs) { a.Workloads[0].Roles = []string{"roles/owner"} }, "WorkloadIdentities: Workloads[0].Roles[0] = roles/owner: is refused"},
		{"editor", func(a *WorkloadIdentitiesArgs) { a.Workloads[1].Roles = []string{"roles/editor"} }, "WorkloadIdentities: Workloads[1].Roles[0] = roles/editor: is refused"},
		{"viewer", func(a *WorkloadIdentitiesArgs) { a.Workloads[1].Roles = []string{"roles/viewer"} }, "Workloads[1].Roles[0] = roles/viewer: is refused"},
		{"key minting", func(a *WorkloadIdentitiesArgs) { a.Workloads[0].Roles = []string{"roles/iam.serviceAccountKeyAdmin"} }, "Workloads[0].Roles[0] = roles/iam.serviceAccountKeyAdmin: is refused"},
		{"impersonation", func(a *WorkloadIdentitiesArgs) {
			a.Workloads[0].Roles = []string{"roles/iam.serviceAccountTokenCreator"}
		}, "roles/iam.serviceAccountTokenCreator: is refused"},
		{"self-granting", func(a *WorkloadIdentitiesArgs) {
			a.Workloads[0].Roles = []string{"roles/resourcemanager.projectIamAdmin"}
		}, "roles/resourcemanager.projectIamAdmin: is refused"},
		{"not a role", func(a *WorkloadIdentitiesArgs) { a.Workloads[0].Roles = []string{"cloudsql.client"} }, `WorkloadIdentities: Workloads[0].Roles[0] = "cloudsql.client": must be a role`},
		{"role twice", func(a *WorkloadIdentitiesArgs) {
			a.Workloads[0].Roles = []string{"roles/cloudsql.client", "roles/cloudsql.client"}
		}, `Workloads[0].Roles[1] = "roles/cloudsql.client": must be a role`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewWorkloadIdentities(ctx, "identities", workloadIdentitiesArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

func TestWorkloadIdentitiesAcceptCustomRoles(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewWorkloadIdentities(ctx, "identities", workloadIdentitiesArgs(func(a *WorkloadIdentitiesArgs) {
			a.Workloads[1].Roles = []string{"projects/healthhub-test/roles/reportReader"}
		}), pulumi.Provider(p.Primary))
		return err
	})
	r, ok := m.Find(gcpProjectIAM, "hh-frontend-projects-healthhub-test-roles-reportReader")
	require.True(t, ok)
	role, _ := r.Get("role")
	assert.Equal(t, "projects/healthhub-test/roles/reportReader", role)
}

// The cluster's own pool, when given, names the Kubernetes service accounts: the binding then
// waits for the cluster whose creation makes the pool exist.
func TestWorkloadIdentitiesTakeTheClustersPool(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewWorkloadIdentities(ctx, "wl", workloadIdentitiesArgs(func(a *WorkloadIdentitiesArgs) {
			a.WorkloadPool = pulumi.String("cluster-project.svc.id.goog")
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: gcpAccountIAM, Name: "hh-backend-workload-identity", Path: "member", Want: "serviceAccount:cluster-project.svc.id.goog[backend/backend]"},
	})
}
