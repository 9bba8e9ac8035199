package aws

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/stacks/platform"
)

// contract is the AWS estate as the platform every cloud returns; what only AWS has is in Extra.
func contract(cfg *config.Config, b *baseline, s *services, apps *serverlessEstate, recovery *awsc.DisasterRecovery, ids *workloadIdentities, pager pulumi.StringOutput) *platform.Platform {
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
			Managed:              kit.ManagedEKS,
			// The EBS CSI driver's role may use the cluster key; gp3 volumes are encrypted with it.
			Storage: platform.Storage{Provisioner: "ebs.csi.aws.com", Parameters: map[string]pulumi.StringInput{
				"type": pulumi.String("gp3"), "encrypted": pulumi.String("true"), "kmsKeyId": b.keys.Arn(awsc.DomainCluster),
			}},
		},
		// The credentials are the stack's config secrets, from which the components take them.
		Database: platform.Database{
			Endpoint:       s.database.Endpoint,
			ReaderEndpoint: s.database.ReaderEndpoint,
			Port:           s.database.Port,
			DREndpoint:     s.database.DREndpoint,
			Credentials:    platform.SecretRef{Store: platform.StoreStackConfig, Name: config.FullKey(config.KeyDatabasePassword)},
		},
		Cache: platform.Cache{
			Endpoint:       s.cache.PrimaryEndpoint,
			ReaderEndpoint: s.cache.ReaderEndpoint,
			Port:           s.cache.Port,
			AuthSecret:     platform.SecretRef{Store: platform.StoreStackConfig, Name: config.FullKey(config.KeyCacheAuthToken)},
		},
		Ingress: ingress(cfg, b, s),
		Alerts: platform.Alerts{
			Channel:  s.alerts.TopicArn,
			Critical: pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pager, "send_resolved": pulumi.Bool(true)}}},
			Warning: pulumi.Map{"sns_configs": pulumi.Array{pulumi.Map{
				"topic_arn": s.alerts.TopicArn, "sigv4": pulumi.Map{"region": pulumi.String(cfg.PrimaryRegion)},
				"subject": pulumi.String("HealthHub " + cfg.Environment + " warning"),
			}}},
		},
		Network:   platform.Network{DataCidrs: b.network.IsolatedCidrBlocks, EndpointCidrs: b.network.PrivateCidrBlocks},
		Workloads: ids.bindings,
		Keys:      b.keys.KeyArns,
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

// ingress is the AWS Load Balancer Controller's ALB for the workloads' Ingress: the estate's
// certificate, TLS policy and web ACL, HTTP answered only with a redirect, access logs to the
// estate's log bucket, and pod IPs as targets (so the frontend's network policy names the
// public subnets the ALB sends from).
func ingress(cfg *config.Config, b *baseline, s *services) platform.Ingress {
	attributes := pulumi.Sprintf("access_logs.s3.enabled=true,access_logs.s3.bucket=%s,routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=%t",
		s.edge.LogBucketName, cfg.Production())
	return platform.Ingress{
		Kind:        platform.IngressController,
		Class:       "alb",
		DnsName:     s.edge.DnsName,
		Certificate: pulumi.String(cfg.AWS.LoadBalancer.CertificateArn).ToStringOutput(),
		Domain:      cfg.Workloads.Domain,
		Firewall:    s.firewall.WebAclArn,
		Annotations: map[string]pulumi.StringInput{
			"alb.ingress.kubernetes.io/scheme":                   pulumi.String("internet-facing"),
			"alb.ingress.kubernetes.io/target-type":              pulumi.String("ip"),
			"alb.ingress.kubernetes.io/subnets":                  b.network.PublicSubnetIds.ApplyT(func(ids []string) string { return strings.Join(ids, ",") }).(pulumi.StringOutput),
			"alb.ingress.kubernetes.io/listen-ports":             pulumi.String(`[{"HTTP":80},{"HTTPS":443}]`),
			"alb.ingress.kubernetes.io/ssl-redirect":             pulumi.String("443"),
			"alb.ingress.kubernetes.io/certificate-arn":          pulumi.String(cfg.AWS.LoadBalancer.CertificateArn),
			"alb.ingress.kubernetes.io/ssl-policy":               pulumi.String(awsc.DefaultSslPolicy),
			"alb.ingress.kubernetes.io/wafv2-acl-arn":            s.firewall.WebAclArn,
			"alb.ingress.kubernetes.io/backend-protocol":         pulumi.String("HTTPS"),
			"alb.ingress.kubernetes.io/healthcheck-protocol":     pulumi.String("HTTPS"),
			"alb.ingress.kubernetes.io/healthcheck-path":         pulumi.String("/readyz"),
			"alb.ingress.kubernetes.io/load-balancer-attributes": attributes,
		},
		SourceCidrs: b.network.PublicCidrBlocks,
	}
}
