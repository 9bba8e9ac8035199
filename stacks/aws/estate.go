// Package aws builds the AWS estate from a validated config.
package aws

import (
	"fmt"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/internal/catalog"
	"github.com/healthhub/estate/internal/config"
)

// Build creates the providers and the estate: keys, network in both regions, audit trail and
// its alerts, and the clinical database with its DR copy.
func Build(ctx *pulumi.Context, cfg *config.Config) error {
	return BuildWithCatalog(ctx, cfg, catalog.HealthHub())
}

// BuildWithCatalog builds the estate around another service catalog (the benchmarks grow it).
func BuildWithCatalog(ctx *pulumi.Context, cfg *config.Config, cat catalog.Catalog) error {
	// Secrets are read first, so a stack without them fails before anything is registered.
	dbPassword, err := secret(ctx, config.KeyDatabasePassword)
	if err != nil {
		return err
	}
	cacheToken, err := secret(ctx, config.KeyCacheAuthToken)
	if err != nil {
		return err
	}

	tags := cfg.Tags()
	namer := cfg.Namer()
	prefix := namer.Name()

	primary, err := provider(ctx, "primary", cfg.PrimaryRegion, cfg)
	if err != nil {
		return err
	}
	dr, err := provider(ctx, "dr", cfg.DRRegion, cfg)
	if err != nil {
		return err
	}
	// CloudFront takes certificates and web ACLs from us-east-1 and delivers its logs and
	// metrics there.
	edgeRegion, err := provider(ctx, "edge", "us-east-1", cfg)
	if err != nil {
		return err
	}

	keys, err := awsc.NewKeys(ctx, "keys", &awsc.KeysArgs{
		Prefix:       prefix,
		DRProvider:   dr,
		EdgeProvider: edgeRegion,
		Protect:      cfg.Production(),
		Tags:         tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	network, err := awsc.NewNetwork(ctx, "network", &awsc.NetworkArgs{
		Prefix:               namer.Name("vpc"),
		CidrBlock:            cfg.AWS.VpcCidr,
		AvailabilityZones:    cfg.AWS.AvailabilityZones,
		NatGateways:          awsc.NatLayout(cfg.AWS.NatGateways),
		FlowLogKeyArn:        keys.Arn(awsc.DomainLogs),
		FlowLogRetentionDays: cfg.LogRetentionDays,
		Protect:              cfg.Production(),
		Tags:                 tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	// The DR network is the pilot light: the same tiers and endpoints, one NAT gateway, ready
	// for the replicas that the DR issue places in it.
	drLogsKey, _ := keys.ReplicaArn(awsc.DomainLogs)
	drNetwork, err := awsc.NewNetwork(ctx, "network-dr", &awsc.NetworkArgs{
		Prefix:               namer.Name("vpc", "dr"),
		CidrBlock:            cfg.AWS.DrVpcCidr,
		AvailabilityZones:    cfg.AWS.AvailabilityZones,
		NatGateways:          awsc.NatSingle,
		FlowLogKeyArn:        drLogsKey,
		FlowLogRetentionDays: cfg.LogRetentionDays,
		Protect:              cfg.Production(),
		Tags:                 tags,
	}, pulumi.Provider(dr))
	if err != nil {
		return err
	}

	lock := awsc.LockGovernance
	if cfg.Production() {
		lock = awsc.LockCompliance
	}
	trail, err := awsc.NewAuditTrail(ctx, "audit", &awsc.AuditTrailArgs{
		Prefix:           namer.Name("audit"),
		KmsKeyArn:        keys.Arn(awsc.DomainLogs),
		RetentionDays:    cfg.RetentionDays,
		LogRetentionDays: cfg.LogRetentionDays,
		ObjectLock:       lock,
		Protect:          cfg.Production(),
		Replica:          &awsc.BucketReplica{Provider: dr, KmsKeyArn: drLogsKey},
		Tags:             tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	var pools []awsc.EksNodeGroup
	for _, g := range cfg.AWS.EKS.NodeGroups.Pools() {
		pools = append(pools, awsc.EksNodeGroup{Name: g.Name, InstanceType: g.InstanceType, Min: g.Min, Max: g.Max, GPU: g.Name == "gpu"})
	}
	cluster, err := awsc.NewEksCluster(ctx, "cluster", &awsc.EksClusterArgs{
		Prefix:            namer.Name("eks"),
		SubnetIds:         network.PrivateSubnetIds,
		KubernetesVersion: cfg.AWS.EKS.KubernetesVersion,
		KmsKeyArn:         keys.Arn(awsc.DomainCluster),
		LogKmsKeyArn:      keys.Arn(awsc.DomainLogs),
		LogRetentionDays:  cfg.LogRetentionDays,
		PublicAccessCidrs: cfg.AWS.EKS.PublicAccessCidrs,
		NodeGroups:        pools,
		Production:        cfg.Production(),
		Protect:           cfg.Production(),
		Tags:              tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	drDatabaseKey, _ := keys.ReplicaArn(awsc.DomainDatabase)
	database, err := awsc.NewDatabase(ctx, "database", &awsc.DatabaseArgs{
		Prefix:              namer.Name("db"),
		VpcId:               network.VpcId,
		SubnetIds:           network.IsolatedSubnetIds,
		ClientCidrBlocks:    network.PrivateCidrBlocks,
		KmsKeyArn:           keys.Arn(awsc.DomainDatabase),
		LogKmsKeyArn:        keys.Arn(awsc.DomainLogs),
		LogRetentionDays:    cfg.LogRetentionDays,
		MasterPassword:      dbPassword,
		EngineVersion:       cfg.AWS.Database.EngineVersion,
		InstanceClass:       cfg.AWS.Database.InstanceClass,
		Instances:           cfg.AWS.Database.Instances,
		BackupRetentionDays: cfg.AWS.Database.BackupRetentionDays,
		Production:          cfg.Production(),
		Protect:             cfg.Production(),
		DR: &awsc.DatabaseDR{
			Provider:         dr,
			VpcId:            drNetwork.VpcId,
			SubnetIds:        drNetwork.IsolatedSubnetIds,
			ClientCidrBlocks: drNetwork.PrivateCidrBlocks,
			KmsKeyArn:        drDatabaseKey,
			LogKmsKeyArn:     drLogsKey,
		},
		Tags: tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	// One regional web firewall for both entry points: the load balancer and the API stage.
	firewall, err := awsc.NewWebFirewall(ctx, "web-firewall", &awsc.WebFirewallArgs{
		Prefix:           namer.Name("edge"),
		Scope:            awsc.ScopeRegional,
		AllowedCountries: cfg.AllowedCountries,
		RateLimit:        cfg.AWS.LoadBalancer.RateLimit,
		LogKmsKeyArn:     keys.Arn(awsc.DomainLogs),
		LogRetentionDays: cfg.LogRetentionDays,
		Protect:          cfg.Production(),
		Tags:             tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}
	apps, err := buildServerless(ctx, cfg, cat, primary, edgeRegion, keys, firewall.WebAclArn)
	if err != nil {
		return err
	}

	// Backups on top of the global database and global tables: a deleted table or a corrupted
	// write replicates at once, a recovery point does not.
	drStorageKey, _ := keys.ReplicaArn(awsc.DomainStorage)
	recovery, err := awsc.NewDisasterRecovery(ctx, "disaster-recovery", &awsc.DisasterRecoveryArgs{
		Prefix:             namer.Name("backup"),
		KmsKeyArn:          keys.Arn(awsc.DomainStorage),
		DR:                 awsc.DisasterRecoveryRegion{Provider: dr, KmsKeyArn: drStorageKey},
		Resources:          append(pulumi.StringArray{database.ClusterArn}, apps.tableArns...),
		DailyRetentionDays: cfg.AWS.Database.BackupRetentionDays,
		RetentionDays:      cfg.RetentionDays,
		Production:         cfg.Production(),
		Protect:            cfg.Production(),
		Tags:               tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	cache, err := awsc.NewCache(ctx, "cache", &awsc.CacheArgs{
		Prefix:           namer.Name("cache"),
		VpcId:            network.VpcId,
		SubnetIds:        network.IsolatedSubnetIds,
		ClientCidrBlocks: network.PrivateCidrBlocks,
		KmsKeyArn:        keys.Arn(awsc.DomainDatabase),
		AuthToken:        cacheToken,
		LogKmsKeyArn:     keys.Arn(awsc.DomainLogs),
		LogRetentionDays: cfg.LogRetentionDays,
		EngineVersion:    cfg.AWS.Cache.EngineVersion,
		NodeType:         cfg.AWS.Cache.NodeType,
		Nodes:            cfg.AWS.Cache.Nodes,
		Production:       cfg.Production(),
		Protect:          cfg.Production(),
		Tags:             tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	edge, err := awsc.NewLoadBalancer(ctx, "load-balancer", &awsc.LoadBalancerArgs{
		Prefix:           namer.Name("edge"),
		VpcId:            network.VpcId,
		SubnetIds:        network.PublicSubnetIds,
		CertificateArn:   cfg.AWS.LoadBalancer.CertificateArn,
		TargetPort:       cfg.AWS.LoadBalancer.TargetPort,
		TargetCidrBlocks: network.PrivateCidrBlocks,
		WebAclArn:        firewall.WebAclArn,
		LogRetentionDays: cfg.RetentionDays,
		Production:       cfg.Production(),
		Protect:          cfg.Production(),
		Tags:             tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	alerts, err := awsc.NewSecurityAlerts(ctx, "security-alerts", &awsc.SecurityAlertsArgs{
		Prefix:            namer.Name("security"),
		KmsKeyArn:         keys.Arn(awsc.DomainLogs),
		AlertEmail:        cfg.AlertEmail,
		TrailLogGroupName: trail.LogGroupName,
		Tags:              tags,
	}, pulumi.Provider(primary))
	if err != nil {
		return err
	}

	// Operational alarms go to the same encrypted, e-mailed topic as the security alerts: one
	// on-call address sees both.
	if _, err := awsc.NewPlatformAlarms(ctx, "platform-alarms", &awsc.PlatformAlarmsArgs{
		Prefix:                namer.Name("platform"),
		TopicArn:              alerts.TopicArn,
		DatabaseClusterId:     namer.Name("db"),
		LoadBalancerArnSuffix: edge.ArnSuffix,
		TargetGroupArnSuffix:  edge.TargetGroupArnSuffix,
		WebAclName:            namer.Name("edge"),
		Tags:                  tags,
	}, pulumi.Provider(primary)); err != nil {
		return err
	}

	ctx.Export("primaryRegion", pulumi.String(cfg.PrimaryRegion))
	ctx.Export("drRegion", pulumi.String(cfg.DRRegion))
	ctx.Export("vpcId", network.VpcId)
	ctx.Export("privateSubnetIds", network.PrivateSubnetIds)
	ctx.Export("isolatedSubnetIds", network.IsolatedSubnetIds)
	ctx.Export("publicSubnetIds", network.PublicSubnetIds)
	ctx.Export("drVpcId", drNetwork.VpcId)
	ctx.Export("keyArns", keys.KeyArns)
	ctx.Export("drKeyArns", keys.ReplicaKeyArns)
	ctx.Export("auditTrailArn", trail.TrailArn)
	ctx.Export("auditBucketName", trail.BucketName)
	ctx.Export("auditReplicaBucketName", trail.ReplicaBucketName)
	ctx.Export("securityAlertTopicArn", alerts.TopicArn)
	ctx.Export("clusterName", cluster.Name)
	ctx.Export("clusterEndpoint", cluster.Endpoint)
	ctx.Export("clusterCertificateAuthority", cluster.CertificateAuthorityData)
	ctx.Export("clusterOidcIssuer", cluster.OidcIssuer)
	ctx.Export("clusterOidcProviderArn", cluster.OidcProviderArn)
	ctx.Export("kubeconfig", cluster.Kubeconfig)
	ctx.Export("databaseEndpoint", database.Endpoint)
	ctx.Export("databaseReaderEndpoint", database.ReaderEndpoint)
	ctx.Export("databasePort", database.Port)
	ctx.Export("databaseDrEndpoint", database.DREndpoint)
	ctx.Export("cacheEndpoint", cache.PrimaryEndpoint)
	ctx.Export("cacheReaderEndpoint", cache.ReaderEndpoint)
	ctx.Export("loadBalancerDnsName", edge.DnsName)
	ctx.Export("loadBalancerZoneId", edge.ZoneId)
	ctx.Export("targetGroupArn", edge.TargetGroupArn)
	ctx.Export("webAclArn", firewall.WebAclArn)
	ctx.Export("apiUrl", apps.api.InvokeUrl)
	ctx.Export("apiDomainTarget", apps.api.DomainTarget)
	ctx.Export("userPoolId", apps.api.UserPoolId)
	ctx.Export("userPoolClientId", apps.api.UserPoolClient)
	ctx.Export("appUrl", apps.frontend.Url)
	ctx.Export("appDomainTarget", apps.frontend.DomainTarget)
	ctx.Export("appBucketName", apps.siteBucket)
	ctx.Export("backupVaultArn", recovery.VaultArn)
	ctx.Export("drBackupVaultArn", recovery.DRVaultArn)
	return nil
}

// provider is the only way the estate reaches AWS: an explicit region, the allowed accounts,
// and the estate's tags as provider default tags in case a resource type is missed.
func provider(ctx *pulumi.Context, role, region string, cfg *config.Config) (*awssdk.Provider, error) {
	args := &awssdk.ProviderArgs{
		Region:      pulumi.String(region),
		DefaultTags: awssdk.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(cfg.Tags())},
	}
	if len(cfg.AWS.AllowedAccountIds) > 0 {
		args.AllowedAccountIds = pulumi.ToStringArray(cfg.AWS.AllowedAccountIds)
	}
	return awssdk.NewProvider(ctx, "aws-"+role, args)
}

// secret reads a required secret key as a secret output. config.Parse has already checked it is
// set; this message covers a caller that skipped it.
func secret(ctx *pulumi.Context, key string) (pulumi.StringOutput, error) {
	full := config.Namespace + ":" + key
	v, err := pulumiconfig.TrySecret(ctx, full)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("%s is required: set it with `pulumi config set --secret %s <value>`", full, full)
	}
	return v, nil
}
