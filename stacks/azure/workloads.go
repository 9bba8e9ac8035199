package azure

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azurec "github.com/healthhub/estate/components/azure"
	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/azure/network"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// The in-cluster cache: Azure Cache for Redis is being retired and its SDK module cannot be
// had, so the cluster runs Redis for the backend (README, "The cache on Azure").
const (
	cacheName      = "cache"
	cacheNamespace = "healthhub-cache"
	// cacheAuthSecret is the Key Vault secret holding the AUTH token, and the file both the
	// cache and the backend read it from.
	cacheAuthSecret = "cache-auth"
)

// workloadIdentities are the Azure side of the cluster's workloads: a user-assigned identity
// per configured app and for the cache, federated to its Kubernetes service account.
type workloadIdentities struct {
	ids     *azurec.WorkloadIdentities
	apps    []config.NamedApp
	secrets *azurec.Secrets
}

// buildWorkloadIdentities federates through the cluster's own issuer, so every credential
// waits for the cluster by the data it uses.
func buildWorkloadIdentities(ctx *pulumi.Context, cfg *config.Config, p *providers, s *services) (*workloadIdentities, error) {
	subjects := map[string]azurec.WorkloadSubject{cacheName: {Namespace: cacheNamespace, ServiceAccount: platform.InClusterCacheName}}
	for _, app := range cfg.Workloads.AppList() {
		subjects[app.Name] = azurec.WorkloadSubject{Namespace: app.Namespace, ServiceAccount: app.Name}
	}
	ids, err := azurec.NewWorkloadIdentities(ctx, "workload-identities", &azurec.WorkloadIdentitiesArgs{
		Prefix: p.prefix, ResourceGroupName: p.group.Name, Location: cfg.PrimaryRegion,
		Issuer: s.cluster.OidcIssuer, Workloads: subjects, Tags: cfg.Tags(),
	}, p.onPrimary)
	if err != nil {
		return nil, err
	}
	return &workloadIdentities{ids: ids, apps: cfg.Workloads.AppList()}, nil
}

func (w *workloadIdentities) has(name string) bool {
	return slices.ContainsFunc(w.apps, func(a config.NamedApp) bool { return a.Name == name })
}

// buildDatabase creates the clinical database with its replica in the DR location. The
// backend signs in as its own Entra identity; no password exists.
func buildDatabase(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s *services, w *workloadIdentities) error {
	var admins []azurec.DatabaseAdministrator
	if w.has("backend") {
		admins = append(admins, azurec.DatabaseAdministrator{
			ObjectID: w.ids.PrincipalId("backend"), PrincipalName: pulumi.String(p.prefix + "-id-backend"), PrincipalType: "ServicePrincipal",
		})
	}
	zone := b.network.ZoneIds.MapIndex(pulumi.String(network.ZonePostgres))
	db, err := azurec.NewDatabase(ctx, "database", &azurec.DatabaseArgs{
		Prefix:              p.prefix,
		ResourceGroupName:   p.group.Name,
		Location:            cfg.PrimaryRegion,
		DelegatedSubnetId:   b.network.DatabaseSubnetId,
		PrivateDnsZoneId:    zone,
		IdentityId:          b.keys.Identity(azurec.DomainDatabase).ID,
		KeyId:               b.keys.VersionedId(azurec.DomainDatabase),
		GeoBackupIdentityId: b.keys.DRIdentity(azurec.DomainDatabase).ID,
		GeoBackupKeyId:      b.keys.DRVersionedId(azurec.DomainDatabase),
		DRLocation:          cfg.DRRegion,
		DRResourceGroupName: p.drGroup.Name,
		DRDelegatedSubnetId: b.drNetwork.DatabaseSubnetId,
		DRPrivateDnsZoneId:  zone,
		DRIdentityId:        b.keys.DRIdentity(azurec.DomainDatabase).ID,
		DRKeyId:             b.keys.DRVersionedId(azurec.DomainDatabase),
		SkuName:             cfg.Azure.Database.SkuName,
		StorageSizeGb:       cfg.Azure.Database.StorageGb,
		HighAvailability:    cfg.Production(),
		BackupRetentionDays: cfg.Azure.Database.BackupRetentionDays,
		GeoRedundantBackup:  true,
		TenantID:            pulumi.String(cfg.Azure.TenantID),
		Administrators:      admins,
		Protect:             cfg.Production(),
		Tags:                cfg.Tags(),
	}, p.onPrimary)
	s.database = db
	return err
}

// buildSecrets keeps the cache's AUTH token in the vault, readable by the cache and the
// backend only.
func buildSecrets(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s *services, w *workloadIdentities, cacheToken pulumi.StringOutput) error {
	readers := []pulumi.StringInput{w.ids.PrincipalId(cacheName)}
	if w.has("backend") {
		readers = append(readers, w.ids.PrincipalId("backend"))
	}
	secrets, err := azurec.NewSecrets(ctx, "secrets", &azurec.SecretsArgs{
		VaultName:         b.keys.VaultName,
		ResourceGroupName: p.group.Name,
		Secrets:           map[string]pulumi.StringInput{cacheAuthSecret: cacheToken},
		Readers:           map[string][]pulumi.StringInput{cacheAuthSecret: readers},
		Protect:           cfg.Production(),
		Tags:              cfg.Tags(),
	}, p.onPrimary)
	if err != nil {
		return err
	}
	w.secrets = secrets
	// The cache serves TLS with its Key Vault certificate, whose key only the cache may read;
	// the backend reads the certificate's public part, to verify the cache by it.
	name := cfg.Azure.Cache.CertificateName
	key := pulumi.Sprintf("%s/secrets/%s", b.keys.VaultId, name)
	if err := grant(ctx, p, "cache-certificate", azurekit.RoleKeyVaultSecretsUser, w.ids.PrincipalId(cacheName), key); err != nil {
		return err
	}
	if !w.has("backend") {
		return nil
	}
	cert := pulumi.Sprintf("%s/certificates/%s", b.keys.VaultId, name)
	return grant(ctx, p, "cache-certificate-backend", azurekit.RoleKeyVaultCertificateUser, w.ids.PrincipalId("backend"), cert)
}

// binding is a workload's identity on its service account and pods, and, when it reads any,
// its secrets from the vault through the CSI driver's Azure provider.
func (w *workloadIdentities) binding(cfg *config.Config, b *baseline, name string, objects ...keyVaultObject) platform.WorkloadBinding {
	out := platform.WorkloadBinding{
		IdentityAnnotations: map[string]pulumi.StringInput{"azure.workload.identity/client-id": w.ids.ClientId(name)},
		// The webhook injects the federated token only into pods that ask for it.
		PodLabels: map[string]string{"azure.workload.identity/use": "true"},
	}
	if len(objects) == 0 {
		return out
	}
	list := "array:\n"
	for _, o := range objects {
		typ := o.typ
		if typ == "" {
			typ = "secret"
		}
		list += fmt.Sprintf("  - |\n    objectName: %s\n    objectType: %s\n    objectAlias: %s\n", o.name, typ, o.alias)
	}
	out.Secrets = &platform.SecretProvider{Provider: "azure", Parameters: pulumi.StringMap{
		"keyvaultName":   b.keys.VaultName,
		"tenantId":       pulumi.String(cfg.Azure.TenantID),
		"clientID":       w.ids.ClientId(name),
		"usePodIdentity": pulumi.String("false"),
		"objects":        pulumi.String(list),
	}}
	return out
}

// keyVaultObject is one vault object mounted as a file: a secret (the default, which for a
// certificate is its key and chain) or, with typ "cert", a certificate's public part alone.
type keyVaultObject struct{ name, alias, typ string }

// cacheCAFile is the file the backend verifies the cache's certificate with: the certificate's
// public part, never its key.
const cacheCAFile = "cache-ca.pem"

// bindWorkloads is what each workload gets: its identity, and the backend the cache's AUTH
// token from the vault.
func (w *workloadIdentities) bindWorkloads(cfg *config.Config, b *baseline) map[string]platform.WorkloadBinding {
	out := map[string]platform.WorkloadBinding{}
	for _, app := range w.apps {
		if app.Name == "backend" {
			out[app.Name] = w.binding(cfg, b, app.Name,
				keyVaultObject{name: cacheAuthSecret, alias: cacheAuthSecret},
				keyVaultObject{name: cfg.Azure.Cache.CertificateName, alias: cacheCAFile, typ: "cert"})
			continue
		}
		out[app.Name] = w.binding(cfg, b, app.Name)
	}
	return out
}
