package gcp

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	gcpc "github.com/healthhub/estate/components/gcp"
	"github.com/healthhub/estate/components/gcp/gke"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/stacks/platform"
)

// databaseRoles let the backend's identity log in to Cloud SQL through IAM: no password exists
// to leak or rotate.
var databaseRoles = []string{"roles/cloudsql.instanceUser", "roles/cloudsql.client"}

// cacheAuthSecret is the file the backend reads the cache's AUTH string from: Memorystore
// generates the string, and the CSI driver mounts it from Secret Manager.
const cacheAuthSecret = "cache-auth-string"

// workloadIdentities are the GCP side of the cluster's workloads: a Google service account per
// configured app, federated to its Kubernetes service account through Workload Identity.
type workloadIdentities struct {
	ids  *gcpc.WorkloadIdentities
	apps []config.NamedApp
}

// buildWorkloadIdentities binds through the cluster's own pool: the pool exists only once the
// cluster does, and naming it makes every binding wait for it.
func buildWorkloadIdentities(ctx *pulumi.Context, cfg *config.Config, p *providers, cluster *gke.GkeCluster) (*workloadIdentities, error) {
	var wl []gcpc.WorkloadIdentity
	for _, app := range cfg.Workloads.AppList() {
		// Account ids are at most 30 characters: wl-<env>-<app> fits the longest app name.
		w := gcpc.WorkloadIdentity{Name: app.Name, Namespace: app.Namespace, ServiceAccount: app.Name}
		if app.Name == "backend" {
			w.Roles = databaseRoles
		}
		wl = append(wl, w)
	}
	out := &workloadIdentities{apps: cfg.Workloads.AppList()}
	if len(wl) == 0 {
		return out, nil
	}
	ids, err := gcpc.NewWorkloadIdentities(ctx, "workload-identities", &gcpc.WorkloadIdentitiesArgs{
		Prefix: "wl-" + naming.EnvCodes[cfg.Environment], Workloads: wl, WorkloadPool: cluster.WorkloadPool,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, err
	}
	out.ids = ids
	return out, nil
}

// databaseUsers are the identities that log in to the database: the backend's.
func (w *workloadIdentities) databaseUsers() []pulumi.StringInput {
	if w.ids == nil || !w.has("backend") {
		return nil
	}
	return []pulumi.StringInput{w.ids.Email("backend")}
}

// cacheClients may read the cache's AUTH string: the backend's identity.
func (w *workloadIdentities) cacheClients() []pulumi.StringInput {
	if w.ids == nil || !w.has("backend") {
		return nil
	}
	return []pulumi.StringInput{w.ids.Member("backend")}
}

func (w *workloadIdentities) has(name string) bool {
	return slices.ContainsFunc(w.apps, func(a config.NamedApp) bool { return a.Name == name })
}

// bindWorkloads is what each workload gets: its Google service account on its Kubernetes one,
// and the backend the cache's AUTH string from Secret Manager.
func bindWorkloads(cfg *config.Config, s *services, w *workloadIdentities) map[string]platform.WorkloadBinding {
	out := map[string]platform.WorkloadBinding{}
	for _, app := range w.apps {
		out[app.Name] = platform.WorkloadBinding{
			IdentityAnnotations: map[string]pulumi.StringInput{"iam.gke.io/gcp-service-account": w.ids.Email(app.Name)},
		}
	}
	if !w.has("backend") {
		return out
	}
	b := out["backend"]
	b.Secrets = &platform.SecretProvider{Provider: "gcp", Parameters: pulumi.StringMap{
		"secrets": pulumi.Sprintf("- resourceName: %s/versions/latest\n  path: %s\n", s.cache.AuthSecretId, cacheAuthSecret),
	}}
	out["backend"] = b
	return out
}
