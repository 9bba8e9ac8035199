package gcp

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	gcpc "github.com/healthhub/estate/components/gcp"
	"github.com/healthhub/estate/components/gcp/network"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// googleAPIs are private.googleapis.com and restricted.googleapis.com: with Private Google
// Access the pods reach Google's APIs (Secret Manager, Cloud SQL's admin API, KMS) there.
var googleAPIs = []string{"199.36.153.8/30", "199.36.153.4/30"}

// gkeSystemNamespaces are where GKE's managed add-ons run besides kube-system: Google hardens
// them, and the in-cluster policies leave them alone.
var gkeSystemNamespaces = []string{"gmp-system", "gmp-public", "gke-managed-system", "gke-gmp-system"}

// contract is the GCP estate as the platform every cloud returns; what only GCP has is in Extra.
func contract(cfg *config.Config, b *baseline, s *services, bindings map[string]platform.WorkloadBinding, recovery *gcpc.DisasterRecovery, pager pulumi.StringOutput) *platform.Platform {
	var pools []platform.NodePool
	for _, g := range s.pools {
		pools = append(pools, platform.NodePool{Name: g.Name, GPU: g.GPU, Min: g.Min, Max: g.Max})
	}
	return &platform.Platform{
		Cloud:  config.CloudGCP,
		Region: cfg.PrimaryRegion,
		Cluster: platform.Cluster{
			Name:                 s.cluster.ClusterName,
			Version:              cfg.GCP.GKE.KubernetesVersion,
			Endpoint:             s.cluster.Endpoint,
			CertificateAuthority: s.cluster.CaCertificate,
			Kubeconfig:           s.cluster.Kubeconfig,
			OidcIssuer:           s.cluster.OidcIssuer,
			WorkloadIdentity:     s.cluster.WorkloadPool,
			NodePools:            pools,
			Managed:              kit.ManagedGKE,
			// The Persistent Disk CSI driver encrypts each volume with the cluster key, which the
			// Compute Engine agent that creates the disks may use (as the boot disks).
			Storage: platform.Storage{Provisioner: "pd.csi.storage.gke.io", Parameters: map[string]pulumi.StringInput{
				"type": pulumi.String("pd-balanced"), "disk-encryption-kms-key": b.keys.Id(gcpc.DomainCluster),
			}},
			SystemNamespaces: gkeSystemNamespaces,
		},
		// The backend logs in to the database as its own Google identity; no password exists.
		Database: platform.Database{
			Endpoint:       s.database.PrivateIp,
			ReaderEndpoint: s.database.PrivateIp,
			Port:           s.database.Port,
			DREndpoint:     s.database.DRPrivateIp,
			Credentials:    platform.SecretRef{Store: platform.StoreIAM, Name: "backend", ID: s.database.ConnectionName},
		},
		Cache: platform.Cache{
			Endpoint:       s.cache.Host,
			ReaderEndpoint: s.cache.ReadEndpoint,
			Port:           s.cache.Port,
			AuthSecret:     platform.SecretRef{Store: platform.StoreGCPSecretManager, Name: cacheAuthSecret, ID: s.cache.AuthSecretId},
		},
		Ingress: ingress(cfg, s),
		Alerts: platform.Alerts{
			Channel: b.alerts.Email,
			// Alertmanager has no Google receiver: both severities reach the on-call pager, which
			// routes by the alerts' severity label; Cloud Monitoring mails the audit alerts.
			Critical: pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pager, "send_resolved": pulumi.Bool(true)}}},
			Warning:  pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pager, "send_resolved": pulumi.Bool(false)}}},
		},
		Network: platform.Network{
			DataCidrs: []string{cfg.GCP.ServiceAccessCidr}, EndpointCidrs: googleAPIs,
			// With Dataplane V2, a pod's Workload Identity tokens come from the GKE metadata
			// server, which a default-deny egress policy would otherwise cut off.
			Identity: &platform.Endpoint{Cidrs: []string{"169.254.169.252/32", "169.254.169.254/32"}, Ports: []int{80, 988}},
		},
		Workloads: bindings,
		Keys:      b.keys.KeyIds,
		DR: platform.DR{
			Region:        cfg.DRRegion,
			Keys:          b.keys.DRKeyIds,
			BackupVault:   recovery.PlanId,
			DRBackupVault: recovery.PlanId,
		},
		Extra: map[string]pulumi.Input{
			"projectId":           pulumi.String(cfg.GCP.ProjectID),
			"networkId":           b.network.NetworkId,
			"subnets":             b.network.SubnetSelfLinks,
			"auditBucketName":     b.trail.BucketName,
			"databaseInstance":    s.database.ConnectionName,
			"drDatabaseInstance":  s.database.DRInstanceName,
			"loadBalancerAddress": s.edge.Address,
			"securityPolicy":      s.firewall.PolicyName,
			"workloadPool":        s.cluster.WorkloadPool,
		},
	}
}

// frontendConfig and backendConfig name the GKE Ingress controller's custom resources.
const (
	frontendConfig = "healthhub-frontend"
	backendConfig  = "healthhub-frontend"
)

// ingress is the GKE Ingress controller's external HTTPS load balancer for the workloads'
// Ingress: on the estate's address, with its managed certificate and TLS policy, port 80 left
// to the estate's redirect, Cloud Armor and request logging on the backend, and container-
// native load balancing straight to the pods over HTTPS.
func ingress(cfg *config.Config, s *services) platform.Ingress {
	return platform.Ingress{
		Kind:            platform.IngressController,
		Class:           "gce",
		ClassAnnotation: true,
		DnsName:         s.edge.Address,
		Certificate:     s.edge.CertificateName,
		Domain:          cfg.Workloads.Domain,
		Firewall:        s.firewall.PolicyId,
		Annotations: map[string]pulumi.StringInput{
			"kubernetes.io/ingress.global-static-ip-name": s.edge.AddressName,
			"ingress.gcp.kubernetes.io/pre-shared-cert":   s.edge.CertificateName,
			"kubernetes.io/ingress.allow-http":            pulumi.String("false"),
			"networking.gke.io/v1beta1.FrontendConfig":    pulumi.String(frontendConfig),
		},
		ServiceAnnotations: map[string]pulumi.StringInput{
			"cloud.google.com/neg":            pulumi.String(`{"ingress": true}`),
			"cloud.google.com/backend-config": pulumi.String(`{"default": "` + backendConfig + `"}`),
			"cloud.google.com/app-protocols":  pulumi.String(`{"http": "HTTPS"}`),
		},
		Companions: []platform.CustomObject{
			{APIVersion: "networking.gke.io/v1beta1", Kind: "FrontendConfig", Name: frontendConfig, Spec: pulumi.Map{
				"sslPolicy": s.edge.SslPolicyName,
			}},
			{APIVersion: "cloud.google.com/v1", Kind: "BackendConfig", Name: backendConfig, Spec: pulumi.Map{
				"securityPolicy": pulumi.Map{"name": s.firewall.PolicyName},
				"logging":        pulumi.Map{"enable": pulumi.Bool(true), "sampleRate": pulumi.Float64(1.0)},
				"healthCheck": pulumi.Map{
					"type": pulumi.String("HTTPS"), "requestPath": pulumi.String("/readyz"), "port": pulumi.Int(appPort),
				},
			}},
		},
		// Container-native load balancing sends from Google's front ends, which the network's
		// firewall admits; the frontend's network policy admits them too.
		SourceCidrs: network.GoogleFrontEnds,
	}
}
