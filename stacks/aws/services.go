package aws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/internal/config"
)

// services are the platform's shared services on top of the baseline: the cluster, the data
// stores, the entry point and the alerting.
type services struct {
	cluster  *awsc.EksCluster
	pools    []awsc.EksNodeGroup
	database *awsc.Database
	cache    *awsc.Cache
	firewall *awsc.WebFirewall
	edge     *awsc.LoadBalancer
	alerts   *awsc.SecurityAlerts
}

// secrets are the credentials the stack's config holds for the data stores.
type secrets struct {
	databasePassword, cacheAuthToken pulumi.StringOutput
}

func buildServices(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s secrets) (*services, error) {
	out := &services{}
	var err error
	if out.cluster, out.pools, err = buildCluster(ctx, cfg, p, b); err != nil {
		return nil, err
	}
	if out.database, out.cache, err = buildDataStores(ctx, cfg, p, b, s); err != nil {
		return nil, err
	}
	if out.firewall, out.edge, err = buildEntryPoint(ctx, cfg, p, b); err != nil {
		return nil, err
	}
	if out.alerts, err = buildAlerting(ctx, cfg, p, b, out); err != nil {
		return nil, err
	}
	return out, nil
}

func buildCluster(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline) (*awsc.EksCluster, []awsc.EksNodeGroup, error) {
	var pools []awsc.EksNodeGroup
	for _, g := range cfg.AWS.EKS.NodeGroups.Pools() {
		pools = append(pools, awsc.EksNodeGroup{Name: g.Name, InstanceType: g.InstanceType, Min: g.Min, Max: g.Max, GPU: g.Name == "gpu"})
	}
	cluster, err := awsc.NewEksCluster(ctx, "cluster", &awsc.EksClusterArgs{
		Prefix:            cfg.Namer().Name("eks"),
		SubnetIds:         b.network.PrivateSubnetIds,
		KubernetesVersion: cfg.AWS.EKS.KubernetesVersion,
		KmsKeyArn:         b.keys.Arn(awsc.DomainCluster),
		LogKmsKeyArn:      b.keys.Arn(awsc.DomainLogs),
		LogRetentionDays:  cfg.LogRetentionDays,
		PublicAccessCidrs: cfg.AWS.EKS.PublicAccessCidrs,
		NodeGroups:        pools,
		Production:        cfg.Production(),
		Protect:           cfg.Production(),
		Tags:              cfg.Tags(),
	}, pulumi.Provider(p.primary))
	return cluster, pools, err
}

// buildDataStores creates the clinical database, with its DR copy in the DR network, and the cache.
func buildDataStores(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s secrets) (*awsc.Database, *awsc.Cache, error) {
	tags := cfg.Tags()
	namer := cfg.Namer()
	drDatabaseKey, _ := b.keys.ReplicaArn(awsc.DomainDatabase)
	drLogsKey, _ := b.keys.ReplicaArn(awsc.DomainLogs)
	database, err := awsc.NewDatabase(ctx, "database", &awsc.DatabaseArgs{
		Prefix:              namer.Name("db"),
		VpcId:               b.network.VpcId,
		SubnetIds:           b.network.IsolatedSubnetIds,
		ClientCidrBlocks:    b.network.PrivateCidrBlocks,
		KmsKeyArn:           b.keys.Arn(awsc.DomainDatabase),
		LogKmsKeyArn:        b.keys.Arn(awsc.DomainLogs),
		LogRetentionDays:    cfg.LogRetentionDays,
		MasterPassword:      s.databasePassword,
		EngineVersion:       cfg.AWS.Database.EngineVersion,
		InstanceClass:       cfg.AWS.Database.InstanceClass,
		Instances:           cfg.AWS.Database.Instances,
		BackupRetentionDays: cfg.AWS.Database.BackupRetentionDays,
		Production:          cfg.Production(),
		Protect:             cfg.Production(),
		DR: &awsc.DatabaseDR{
			Provider:         p.dr,
			VpcId:            b.drNetwork.VpcId,
			SubnetIds:        b.drNetwork.IsolatedSubnetIds,
			ClientCidrBlocks: b.drNetwork.PrivateCidrBlocks,
			KmsKeyArn:        drDatabaseKey,
			LogKmsKeyArn:     drLogsKey,
		},
		Tags: tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, nil, err
	}

	cache, err := awsc.NewCache(ctx, "cache", &awsc.CacheArgs{
		Prefix:           namer.Name("cache"),
		VpcId:            b.network.VpcId,
		SubnetIds:        b.network.IsolatedSubnetIds,
		ClientCidrBlocks: b.network.PrivateCidrBlocks,
		KmsKeyArn:        b.keys.Arn(awsc.DomainDatabase),
		AuthToken:        s.cacheAuthToken,
		LogKmsKeyArn:     b.keys.Arn(awsc.DomainLogs),
		LogRetentionDays: cfg.LogRetentionDays,
		EngineVersion:    cfg.AWS.Cache.EngineVersion,
		NodeType:         cfg.AWS.Cache.NodeType,
		Nodes:            cfg.AWS.Cache.Nodes,
		Production:       cfg.Production(),
		Protect:          cfg.Production(),
		Tags:             tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, nil, err
	}
	return database, cache, nil
}

// buildEntryPoint creates the regional web firewall and the load balancer behind it. The same
// firewall guards the API stage, so there is one rule set for both entry points.
func buildEntryPoint(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline) (*awsc.WebFirewall, *awsc.LoadBalancer, error) {
	tags := cfg.Tags()
	namer := cfg.Namer()
	firewall, err := awsc.NewWebFirewall(ctx, "web-firewall", &awsc.WebFirewallArgs{
		Prefix:           namer.Name("edge"),
		Scope:            awsc.ScopeRegional,
		AllowedCountries: cfg.AllowedCountries,
		RateLimit:        cfg.AWS.LoadBalancer.RateLimit,
		LogKmsKeyArn:     b.keys.Arn(awsc.DomainLogs),
		LogRetentionDays: cfg.LogRetentionDays,
		Protect:          cfg.Production(),
		Tags:             tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, nil, err
	}

	edge, err := awsc.NewLoadBalancer(ctx, "load-balancer", &awsc.LoadBalancerArgs{
		Prefix:           namer.Name("edge"),
		VpcId:            b.network.VpcId,
		SubnetIds:        b.network.PublicSubnetIds,
		CertificateArn:   cfg.AWS.LoadBalancer.CertificateArn,
		TargetPort:       cfg.AWS.LoadBalancer.TargetPort,
		TargetCidrBlocks: b.network.PrivateCidrBlocks,
		WebAclArn:        firewall.WebAclArn,
		LogRetentionDays: cfg.RetentionDays,
		Production:       cfg.Production(),
		Protect:          cfg.Production(),
		Tags:             tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, nil, err
	}
	return firewall, edge, nil
}

// buildAlerting creates the security alerts on the audit trail and the platform's operational
// alarms. Both go to the same encrypted, e-mailed topic: one on-call address sees both.
func buildAlerting(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s *services) (*awsc.SecurityAlerts, error) {
	tags := cfg.Tags()
	namer := cfg.Namer()
	alerts, err := awsc.NewSecurityAlerts(ctx, "security-alerts", &awsc.SecurityAlertsArgs{
		Prefix:            namer.Name("security"),
		KmsKeyArn:         b.keys.Arn(awsc.DomainLogs),
		AlertEmail:        cfg.AlertEmail,
		TrailLogGroupName: b.trail.LogGroupName,
		Tags:              tags,
	}, pulumi.Provider(p.primary))
	if err != nil {
		return nil, err
	}

	if _, err := awsc.NewPlatformAlarms(ctx, "platform-alarms", &awsc.PlatformAlarmsArgs{
		Prefix:                namer.Name("platform"),
		TopicArn:              alerts.TopicArn,
		DatabaseClusterId:     s.database.ClusterIdentifier,
		LoadBalancerArnSuffix: s.edge.ArnSuffix,
		TargetGroupArnSuffix:  s.edge.TargetGroupArnSuffix,
		WebAclName:            s.firewall.WebAclName,
		Tags:                  tags,
	}, pulumi.Provider(p.primary)); err != nil {
		return nil, err
	}
	return alerts, nil
}

// buildRecovery backs up the database and the catalog's tables on top of the global database
// and global tables: a deleted table or a corrupted write replicates at once, a recovery point
// does not.
func buildRecovery(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, database *awsc.Database, tableArns pulumi.StringArray) (*awsc.DisasterRecovery, error) {
	drStorageKey, _ := b.keys.ReplicaArn(awsc.DomainStorage)
	return awsc.NewDisasterRecovery(ctx, "disaster-recovery", &awsc.DisasterRecoveryArgs{
		Prefix:             cfg.Namer().Name("backup"),
		KmsKeyArn:          b.keys.Arn(awsc.DomainStorage),
		DR:                 awsc.DisasterRecoveryRegion{Provider: p.dr, KmsKeyArn: drStorageKey},
		Resources:          append(pulumi.StringArray{database.ClusterArn}, tableArns...),
		DailyRetentionDays: cfg.AWS.Database.BackupRetentionDays,
		RetentionDays:      cfg.RetentionDays,
		Production:         cfg.Production(),
		Protect:            cfg.Production(),
		Tags:               cfg.Tags(),
	}, pulumi.Provider(p.primary))
}
