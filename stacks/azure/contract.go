package azure

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	azurec "github.com/healthhub/estate/components/azure"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// entraLogin are the Microsoft Entra ID sign-in ranges (the AzureActiveDirectory service
// tag's login.microsoftonline.com): a pod exchanges its federated token for an Entra token
// there, the one call workload identity makes outside the virtual network.
var entraLogin = []string{"20.190.128.0/18", "40.126.0.0/18"}

// aksSystemNamespaces are where AKS's managed add-ons run besides kube-system: the Azure
// Policy add-on's Gatekeeper. Microsoft hardens them, and the in-cluster policies leave them
// alone.
var aksSystemNamespaces = []string{"gatekeeper-system"}

// agicClass is the IngressClass the AKS ingress add-on (AGIC) watches.
const agicClass = "azure-application-gateway"

// contract is the Azure estate as the platform every cloud returns; what only Azure has is in
// Extra.
func contract(cfg *config.Config, p *providers, b *baseline, s *services, w *workloadIdentities, recovery *azurec.DisasterRecovery, pager pulumi.StringOutput) *platform.Platform {
	pools := []platform.NodePool{}
	for _, n := range cfg.Azure.AKS.NodePools.Pools() {
		pools = append(pools, platform.NodePool{Name: n.Name, GPU: n.Name == "gpu", Min: n.Min, Max: n.Max})
	}
	return &platform.Platform{
		Cloud:  config.CloudAzure,
		Region: cfg.PrimaryRegion,
		Cluster: platform.Cluster{
			Name:                 s.cluster.ClusterName,
			Version:              cfg.Azure.AKS.KubernetesVersion,
			Endpoint:             s.cluster.Fqdn,
			CertificateAuthority: s.cluster.CaCertificate,
			Kubeconfig:           s.cluster.Kubeconfig,
			OidcIssuer:           s.cluster.OidcIssuer,
			WorkloadIdentity:     s.cluster.OidcIssuer,
			NodePools:            pools,
			Managed:              kit.ManagedAKS,
			// Zone-redundant premium disks, encrypted with the cluster key through the disk
			// encryption set, and never exported or reachable by a public SAS.
			Storage: platform.Storage{Provisioner: "disk.csi.azure.com", Parameters: map[string]pulumi.StringInput{
				"skuName":             pulumi.String("Premium_ZRS"),
				"diskEncryptionSetID": s.cluster.DiskEncryptionSetId,
				"diskEncryptionType":  pulumi.String("EncryptionAtRestWithCustomerKey"),
				"networkAccessPolicy": pulumi.String("DenyAll"),
			}},
			SystemNamespaces: aksSystemNamespaces,
		},
		// The backend signs in to the database as its own Entra identity; no password exists.
		Database: platform.Database{
			Endpoint:       s.database.Fqdn,
			ReaderEndpoint: s.database.Fqdn,
			Port:           s.database.Port,
			DREndpoint:     s.database.DRFqdn,
			Credentials:    platform.SecretRef{Store: platform.StoreIAM, Name: "backend", ID: s.database.Fqdn},
		},
		Cache:   cache(cfg, b, w),
		Ingress: ingress(cfg, b, s),
		Alerts: platform.Alerts{
			Channel: b.alerts.ActionGroupId,
			// Alertmanager has no Azure receiver: both severities reach the on-call pager, which
			// routes by the alerts' severity label; the action group mails the activity alerts.
			Critical: pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pager, "send_resolved": pulumi.Bool(true)}}},
			Warning:  pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pager, "send_resolved": pulumi.Bool(false)}}},
		},
		Network: platform.Network{
			DataCidrs:     []string{b.network.DatabaseCidr},
			EndpointCidrs: []string{b.network.EndpointCidr},
			Identity:      &platform.Endpoint{Cidrs: entraLogin, Ports: []int{443}, SignIn: true},
		},
		Workloads: w.bindWorkloads(cfg, b),
		Keys:      b.keys.KeyIds,
		DR: platform.DR{
			Region: cfg.DRRegion,
			Keys:   b.keys.DRKeyIds,
			// One vault, geo-redundant with cross-region restore: its copy in the paired region
			// is restorable there.
			BackupVault:   recovery.VaultId,
			DRBackupVault: recovery.VaultId,
		},
		Extra: map[string]pulumi.Input{
			"subscriptionId":        pulumi.String(cfg.Azure.SubscriptionID),
			"resourceGroup":         p.group.Name,
			"vnetId":                b.network.VnetId,
			"drVnetId":              b.drNetwork.VnetId,
			"keyVaultUri":           b.keys.VaultUri,
			"drKeyVaultUri":         b.keys.DRVaultUri,
			"databaseServer":        s.database.ServerName,
			"drDatabaseServer":      s.database.DRServerName,
			"gatewayPublicIp":       s.gateway.PublicIp,
			"wafPolicy":             s.firewall.PolicyName,
			"logAnalyticsWorkspace": b.trail.WorkspaceId,
			"auditArchiveAccount":   b.trail.ArchiveAccountName,
		},
	}
}

// cache is the Redis the cluster runs: its service's name, TLS on the Redis port, the AUTH
// token in the vault, and what the workloads need to run it.
func cache(cfg *config.Config, b *baseline, w *workloadIdentities) platform.Cache {
	in := &platform.InClusterCache{
		Namespace: cacheNamespace,
		Binding: w.binding(cfg, b, cacheName,
			keyVaultObject{name: cfg.Azure.Cache.CertificateName, alias: platform.InClusterCacheTLSFile},
			keyVaultObject{name: cacheAuthSecret, alias: platform.InClusterCacheTokenFile}),
		VolumeSize: fmt.Sprintf("%dGi", cfg.Azure.Cache.SizeGi),
	}
	host := pulumi.String(in.Host()).ToStringOutput()
	return platform.Cache{
		Endpoint:       host,
		ReaderEndpoint: host,
		Port:           pulumi.Int(platform.InClusterCachePort).ToIntOutput(),
		AuthSecret:     platform.SecretRef{Store: platform.StoreAzureKeyVault, Name: cacheAuthSecret, ID: w.secrets.Uri(cacheAuthSecret)},
		InCluster:      in,
	}
}

// ingress is the AKS ingress add-on (AGIC) programming the estate's Application Gateway from
// the workloads' Ingress: HTTPS only with the vault's certificate, HTTP redirected, the WAF
// policy in front, end-to-end TLS to the pods, which the gateway reaches from its subnet.
func ingress(cfg *config.Config, b *baseline, s *services) platform.Ingress {
	return platform.Ingress{
		Kind:        platform.IngressController,
		Class:       agicClass,
		DnsName:     s.gateway.PublicIp,
		Certificate: s.gateway.CertificateName,
		Domain:      cfg.Workloads.Domain,
		Firewall:    s.firewall.PolicyId,
		Annotations: map[string]pulumi.StringInput{
			"appgw.ingress.kubernetes.io/ssl-redirect":          pulumi.String("true"),
			"appgw.ingress.kubernetes.io/appgw-ssl-certificate": s.gateway.CertificateName,
			"appgw.ingress.kubernetes.io/backend-protocol":      pulumi.String("https"),
			"appgw.ingress.kubernetes.io/health-probe-path":     pulumi.String("/readyz"),
			"appgw.ingress.kubernetes.io/waf-policy-for-path":   s.firewall.PolicyId,
		},
		SourceCidrs: []string{b.network.GatewayCidr},
	}
}
