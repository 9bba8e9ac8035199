package aws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// contract is the AWS estate as the platform every cloud returns; what only AWS has is in Extra.
func contract(cfg *config.Config, b *baseline, s *services, apps *serverlessEstate, recovery *awsc.DisasterRecovery) *platform.Platform {
	var pools []platform.NodePool
	for _, g := range s.pools {
		pools = append(pools, platform.NodePool{Name: g.Name, GPU: g.GPU, Min: g.Min, Max: g.Max})
	}
	return &platform.Platform{
		Cloud:  config.CloudAWS,
		Region: cfg.PrimaryRegion,
		Cluster: platform.Cluster{
			Name:                 s.cluster.Name,
			Version:              cfg.AWS.EKS.KubernetesVersion,
			Endpoint:             s.cluster.Endpoint,
			CertificateAuthority: s.cluster.CertificateAuthorityData,
			Kubeconfig:           s.cluster.Kubeconfig,
			OidcIssuer:           s.cluster.OidcIssuer,
			WorkloadIdentity:     s.cluster.OidcProviderArn,
			NodePools:            pools,
		},
		// The credentials are the stack's config secrets, from which the components take them.
		Database: platform.Database{
			Endpoint:       s.database.Endpoint,
			ReaderEndpoint: s.database.ReaderEndpoint,
			Port:           s.database.Port,
			DREndpoint:     s.database.DREndpoint,
			Credentials:    platform.SecretRef{Store: platform.StoreStackConfig, Name: configKey(config.KeyDatabasePassword)},
		},
		Cache: platform.Cache{
			Endpoint:       s.cache.PrimaryEndpoint,
			ReaderEndpoint: s.cache.ReaderEndpoint,
			Port:           s.cache.Port,
			AuthSecret:     platform.SecretRef{Store: platform.StoreStackConfig, Name: configKey(config.KeyCacheAuthToken)},
		},
		Ingress: platform.Ingress{
			Kind:        platform.IngressLoadBalancer,
			DnsName:     s.edge.DnsName,
			Certificate: pulumi.String(cfg.AWS.LoadBalancer.CertificateArn).ToStringOutput(),
			Firewall:    s.firewall.WebAclArn,
		},
		Alerts: platform.Alerts{Channel: s.alerts.TopicArn},
		Keys:   b.keys.KeyArns,
		DR: platform.DR{
			Region:        cfg.DRRegion,
			Keys:          b.keys.ReplicaKeyArns,
			BackupVault:   recovery.VaultArn,
			DRBackupVault: recovery.DRVaultArn,
		},
		Extra: map[string]pulumi.Input{
			"vpcId":                  b.network.VpcId,
			"privateSubnetIds":       b.network.PrivateSubnetIds,
			"isolatedSubnetIds":      b.network.IsolatedSubnetIds,
			"publicSubnetIds":        b.network.PublicSubnetIds,
			"drVpcId":                b.drNetwork.VpcId,
			"auditTrailArn":          b.trail.TrailArn,
			"auditBucketName":        b.trail.BucketName,
			"auditReplicaBucketName": b.trail.ReplicaBucketName,
			"loadBalancerZoneId":     s.edge.ZoneId,
			"targetGroupArn":         s.edge.TargetGroupArn,
			"apiUrl":                 apps.api.InvokeUrl,
			"apiDomainTarget":        apps.api.DomainTarget,
			"userPoolId":             apps.api.UserPoolId,
			"userPoolClientId":       apps.api.UserPoolClient,
			"appUrl":                 apps.frontend.Url,
			"appDomainTarget":        apps.frontend.DomainTarget,
			"appBucketName":          apps.siteBucket,
		},
	}
}
