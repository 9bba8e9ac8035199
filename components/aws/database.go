package aws

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/awsformat"
)

// DatabaseArgs configures the Aurora PostgreSQL cluster that holds the clinical records.
type DatabaseArgs struct {
	// Prefix names the cluster (its identifier) and everything around it.
	Prefix string
	// VpcId and SubnetIds place the cluster; SubnetIds are the isolated tier (no route out).
	VpcId     pulumi.StringInput
	SubnetIds pulumi.StringArrayInput
	// ClientCidrBlocks may connect on 5432: the private tier, where the workloads run.
	ClientCidrBlocks []string
	// KmsKeyArn encrypts storage, snapshots and Performance Insights (the database key).
	KmsKeyArn pulumi.StringInput
	// LogKmsKeyArn and LogRetentionDays govern the exported PostgreSQL log.
	LogKmsKeyArn     pulumi.StringInput
	LogRetentionDays int
	// MasterPassword is the break-glass administrator password, a Pulumi secret. Required with
	// DR: Aurora cannot let Secrets Manager manage the password of a global database member.
	// Without DR, leave it nil and Secrets Manager generates and rotates it.
	MasterPassword pulumi.StringInput
	// SecretsKmsKeyArn encrypts the Secrets Manager copy of a managed master password.
	SecretsKmsKeyArn pulumi.StringInput
	// EngineVersion is a pinned Aurora PostgreSQL version such as "16.4".
	EngineVersion string
	InstanceClass string
	// Instances in the primary region: a writer, and readers spread over the other AZs.
	Instances int
	// BackupRetentionDays keeps automated backups for point-in-time restore: 7 to 35.
	BackupRetentionDays int
	// Production requires two or more instances and 35 days of backups, and turns on
	// deletion protection.
	Production bool
	// Protect keeps the cluster, the global cluster and the log group through destroys.
	Protect bool
	// DR adds a secondary cluster in another region through an Aurora global database.
	DR   *DatabaseDR
	Tags map[string]string
}

// DatabaseDR is where the secondary cluster of the global database runs.
type DatabaseDR struct {
	Provider         pulumi.ProviderResource
	VpcId            pulumi.StringInput
	SubnetIds        pulumi.StringArrayInput
	ClientCidrBlocks []string
	// KmsKeyArn is the DR replica of the database key; LogKmsKeyArn the DR logs key.
	KmsKeyArn    pulumi.StringInput
	LogKmsKeyArn pulumi.StringInput
}

// Database is an encrypted, private Aurora PostgreSQL cluster that refuses connections without
// TLS, signs users in through IAM, exports its log, keeps backups for point-in-time restore
// and, with DR, replicates to a secondary region.
type Database struct {
	pulumi.ResourceState

	ClusterArn      pulumi.StringOutput `pulumi:"clusterArn"`
	Endpoint        pulumi.StringOutput `pulumi:"endpoint"`
	ReaderEndpoint  pulumi.StringOutput `pulumi:"readerEndpoint"`
	Port            pulumi.IntOutput    `pulumi:"port"`
	SecurityGroupId pulumi.StringOutput `pulumi:"securityGroupId"`
	// DREndpoint is the secondary cluster's reader endpoint; empty without DR.
	DREndpoint pulumi.StringOutput `pulumi:"drEndpoint"`
	// ClusterIdentifier is the primary cluster's identifier, the dimension of its CloudWatch metrics.
	ClusterIdentifier pulumi.StringOutput `pulumi:"clusterIdentifier"`
}

const (
	databaseEngine = "aurora-postgresql"
	databasePort   = 5432
	databaseName   = "healthhub"
	databaseAdmin  = "healthhub_admin"
)

var (
	clusterIdentifier = regexp.MustCompile(`^[a-z][a-z0-9-]{0,49}$`)
)

// Validate checks the Args before anything is registered.
func (a *DatabaseArgs) Validate() error {
	const c = "Database"
	switch {
	case !clusterIdentifier.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 50 lowercase letters, digits or hyphens (it names the cluster)")
	case a.VpcId == nil:
		return kit.ArgError(c, "VpcId", nil, "required")
	case a.SubnetIds == nil:
		return kit.ArgError(c, "SubnetIds", nil, "required: the isolated subnets")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: storage is always encrypted with a customer-managed key")
	case a.LogKmsKeyArn == nil:
		return kit.ArgError(c, "LogKmsKeyArn", nil, "required: the exported log is encrypted")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	case !awsformat.AuroraPostgresVersion.MatchString(a.EngineVersion):
		return kit.ArgError(c, "EngineVersion", fmt.Sprintf("%q", a.EngineVersion), "must be a pinned Aurora PostgreSQL version, major 14 to 16, such as \"16.4\"")
	case !awsformat.RDSInstanceClass.MatchString(a.InstanceClass):
		return kit.ArgError(c, "InstanceClass", fmt.Sprintf("%q", a.InstanceClass), "must be an RDS instance class such as \"db.r6g.large\"")
	case a.Instances < 1 || a.Instances > 15:
		return kit.ArgError(c, "Instances", a.Instances, "must be 1 to 15")
	case a.Production && a.Instances < 2:
		return kit.ArgError(c, "Instances", a.Instances, "must be at least 2 in production, so a reader in another AZ can take over")
	case a.BackupRetentionDays < 7 || a.BackupRetentionDays > 35:
		return kit.ArgError(c, "BackupRetentionDays", a.BackupRetentionDays, "must be 7 to 35")
	case a.Production && a.BackupRetentionDays != 35:
		return kit.ArgError(c, "BackupRetentionDays", a.BackupRetentionDays, "must be 35 in production")
	case a.DR != nil && a.MasterPassword == nil:
		return kit.ArgError(c, "MasterPassword", nil, "required with DR: Aurora cannot manage the password of a global database member; pass a Pulumi secret")
	case a.MasterPassword == nil && a.SecretsKmsKeyArn == nil:
		return kit.ArgError(c, "SecretsKmsKeyArn", nil, "required when Secrets Manager manages the master password")
	}
	if err := kit.ClientCidrs(c, "ClientCidrBlocks", a.ClientCidrBlocks); err != nil {
		return err
	}
	if a.DR != nil {
		switch {
		case a.DR.Provider == nil:
			return kit.ArgError(c, "DR.Provider", nil, "required: the provider of the DR region")
		case a.DR.VpcId == nil || a.DR.SubnetIds == nil:
			return kit.ArgError(c, "DR.VpcId/DR.SubnetIds", nil, "required: the DR network's isolated subnets")
		case a.DR.KmsKeyArn == nil || a.DR.LogKmsKeyArn == nil:
			return kit.ArgError(c, "DR.KmsKeyArn/DR.LogKmsKeyArn", nil, "required: keys in the DR region")
		}
		if err := kit.ClientCidrs(c, "DR.ClientCidrBlocks", a.DR.ClientCidrBlocks); err != nil {
			return err
		}
	}
	return kit.RequireTags(c, a.Tags)
}

// NewDatabase creates the cluster, its instances and, with DR, the global database and the
// secondary cluster.
func NewDatabase(ctx *pulumi.Context, name string, args *DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	d := &Database{}
	if err := kit.Register(ctx, TypeDatabase, name, args, d, opts...); err != nil {
		return nil, err
	}
	acct, err := awskit.LookupAccount(ctx, d)
	if err != nil {
		return nil, err
	}
	monitoring, err := awskit.ServiceRole(ctx, args.Prefix+"-monitoring", "monitoring.rds", acct, args.Tags,
		pulumi.String(enhancedMonitoringPolicy(acct)), pulumi.Parent(d))
	if err != nil {
		return nil, err
	}

	var global *rds.GlobalCluster
	if args.DR != nil {
		global, err = rds.NewGlobalCluster(ctx, args.Prefix, &rds.GlobalClusterArgs{
			GlobalClusterIdentifier: pulumi.String(args.Prefix),
			Engine:                  pulumi.String(databaseEngine),
			EngineVersion:           pulumi.String(args.EngineVersion),
			DatabaseName:            pulumi.String(databaseName),
			StorageEncrypted:        pulumi.Bool(true),
			DeletionProtection:      pulumi.Bool(args.Production),
			Tags:                    awskit.Tags(args.Tags, args.Prefix),
		}, kit.Stateful(d, args.Protect)...)
		if err != nil {
			return nil, err
		}
	}

	primary, err := newRegionalCluster(ctx, d, args, regionalCluster{
		identifier: args.Prefix, vpcID: args.VpcId, subnetIDs: args.SubnetIds, clients: args.ClientCidrBlocks,
		keyArn: args.KmsKeyArn, logKeyArn: args.LogKmsKeyArn, instances: args.Instances,
		global: global, monitoringRole: monitoring.Arn,
	})
	if err != nil {
		return nil, err
	}

	d.DREndpoint = pulumi.String("").ToStringOutput()
	if args.DR != nil {
		secondary, err := newRegionalCluster(ctx, d, args, regionalCluster{
			identifier: args.Prefix + "-dr", vpcID: args.DR.VpcId, subnetIDs: args.DR.SubnetIds, clients: args.DR.ClientCidrBlocks,
			keyArn: args.DR.KmsKeyArn, logKeyArn: args.DR.LogKmsKeyArn, instances: 1,
			global: global, monitoringRole: monitoring.Arn, provider: args.DR.Provider,
			// The secondary joins only once the primary has a writer to replicate from.
			after: primary.instances,
		})
		if err != nil {
			return nil, err
		}
		d.DREndpoint = secondary.cluster.ReaderEndpoint
	}

	d.ClusterArn = primary.cluster.Arn
	d.Endpoint = primary.cluster.Endpoint
	d.ReaderEndpoint = primary.cluster.ReaderEndpoint
	d.Port = primary.cluster.Port
	d.ClusterIdentifier = primary.cluster.ClusterIdentifier
	d.SecurityGroupId = primary.securityGroup.ID().ToStringOutput()
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{
		"clusterArn": d.ClusterArn, "endpoint": d.Endpoint, "readerEndpoint": d.ReaderEndpoint,
		"port": d.Port, "securityGroupId": d.SecurityGroupId, "drEndpoint": d.DREndpoint,
		"clusterIdentifier": d.ClusterIdentifier,
	})
}

// regionalCluster is what differs between the primary and the secondary cluster.
type regionalCluster struct {
	identifier     string
	vpcID          pulumi.StringInput
	subnetIDs      pulumi.StringArrayInput
	clients        []string
	keyArn         pulumi.StringInput
	logKeyArn      pulumi.StringInput
	instances      int
	global         *rds.GlobalCluster
	monitoringRole pulumi.StringInput
	provider       pulumi.ProviderResource // nil: inherited from the component
	after          []pulumi.Resource
}

type builtCluster struct {
	cluster       *rds.Cluster
	securityGroup *ec2.SecurityGroup
	instances     []pulumi.Resource
}

// newRegionalCluster builds one region's half: the same controls on both sides, so a
// failover lands on a cluster as hardened as the one it replaces.
func newRegionalCluster(ctx *pulumi.Context, d *Database, args *DatabaseArgs, rc regionalCluster) (builtCluster, error) {
	var out builtCluster
	parent := []pulumi.ResourceOption{pulumi.Parent(d)}
	keep := kit.Stateful(d, args.Protect)
	if rc.provider != nil {
		parent = append(parent, pulumi.Provider(rc.provider))
		keep = append(keep, pulumi.Provider(rc.provider))
	}
	id := rc.identifier

	subnets, err := rds.NewSubnetGroup(ctx, id, &rds.SubnetGroupArgs{
		Name:        pulumi.String(id),
		Description: pulumi.String("Isolated subnets of " + id),
		SubnetIds:   rc.subnetIDs,
		Tags:        awskit.Tags(args.Tags, id),
	}, parent...)
	if err != nil {
		return out, err
	}

	// Ingress on 5432 from the workloads' networks and nothing else; no egress rule at all, as
	// the database starts no connection.
	cidrs := pulumi.ToStringArray(rc.clients)
	out.securityGroup, err = ec2.NewSecurityGroup(ctx, id, &ec2.SecurityGroupArgs{
		VpcId:       rc.vpcID,
		Description: pulumi.String("PostgreSQL from the private tier only"),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("PostgreSQL over TLS from the workloads"),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(databasePort), ToPort: pulumi.Int(databasePort),
			CidrBlocks: cidrs,
		}},
		Tags: awskit.Tags(args.Tags, id),
	}, parent...)
	if err != nil {
		return out, err
	}

	// rds.force_ssl refuses clear-text connections; pgaudit records DDL and role changes
	// without statement parameters, so audit lines cannot carry PHI values.
	params, err := rds.NewClusterParameterGroup(ctx, id, &rds.ClusterParameterGroupArgs{
		Name:        pulumi.String(id),
		Family:      pulumi.String(databaseEngine + majorOf(args.EngineVersion)),
		Description: pulumi.String("TLS-only, audited PostgreSQL for " + id),
		Parameters: rds.ClusterParameterGroupParameterArray{
			param("rds.force_ssl", "1", ""),
			param("ssl_min_protocol_version", "TLSv1.2", ""),
			param("log_connections", "1", ""),
			param("log_disconnections", "1", ""),
			param("shared_preload_libraries", "pg_stat_statements,pgaudit", "pending-reboot"),
			param("pgaudit.log", "ddl,role", ""),
			param("pgaudit.log_parameter", "0", ""),
		},
		Tags: awskit.Tags(args.Tags, id),
	}, parent...)
	if err != nil {
		return out, err
	}

	// Created before the cluster under the name RDS exports to, so the log is encrypted and
	// kept from the first line rather than landing in a default, never-expiring group.
	logs, err := cloudwatch.NewLogGroup(ctx, id+"-postgresql", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/rds/cluster/%s/postgresql", id),
		KmsKeyId:        rc.logKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, id+"-postgresql"),
	}, keep...)
	if err != nil {
		return out, err
	}

	cluster := &rds.ClusterArgs{
		ClusterIdentifier:                pulumi.String(id),
		Engine:                           pulumi.String(databaseEngine),
		EngineVersion:                    pulumi.String(args.EngineVersion),
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         rc.keyArn,
		DbSubnetGroupName:                subnets.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{out.securityGroup.ID()},
		DbClusterParameterGroupName:      params.Name,
		Port:                             pulumi.Int(databasePort),
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		BackupRetentionPeriod:            pulumi.Int(args.BackupRetentionDays),
		PreferredBackupWindow:            pulumi.String("02:00-03:00"),
		PreferredMaintenanceWindow:       pulumi.String("sun:04:00-sun:05:00"),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		DeletionProtection:               pulumi.Bool(args.Production),
		SkipFinalSnapshot:                pulumi.Bool(false),
		FinalSnapshotIdentifier:          pulumi.String(id + "-final"),
		EnabledCloudwatchLogsExports:     pulumi.StringArray{pulumi.String("postgresql")},
		Tags:                             awskit.Tags(args.Tags, id),
	}
	if rc.global != nil {
		cluster.GlobalClusterIdentifier = rc.global.ID()
	}
	if rc.provider == nil {
		// The primary creates the database and its administrator; a secondary inherits both.
		cluster.DatabaseName = pulumi.String(databaseName)
		cluster.MasterUsername = pulumi.String(databaseAdmin)
		if args.MasterPassword != nil {
			cluster.MasterPassword = pulumi.ToSecret(args.MasterPassword).(pulumi.StringOutput)
		} else {
			cluster.ManageMasterUserPassword = pulumi.Bool(true)
			cluster.MasterUserSecretKmsKeyId = args.SecretsKmsKeyArn
		}
	}
	clusterOpts := append(keep, pulumi.DependsOn(append([]pulumi.Resource{logs}, rc.after...)))
	if rc.provider != nil {
		// Aurora fills these in for a secondary; diffing them would replace it.
		clusterOpts = append(clusterOpts, pulumi.IgnoreChanges([]string{"replicationSourceIdentifier"}))
	}
	out.cluster, err = rds.NewCluster(ctx, id, cluster, clusterOpts...)
	if err != nil {
		return out, err
	}

	for i := range rc.instances {
		inst, err := rds.NewClusterInstance(ctx, fmt.Sprintf("%s-%d", id, i+1), &rds.ClusterInstanceArgs{
			Identifier:                         pulumi.Sprintf("%s-%d", id, i+1),
			ClusterIdentifier:                  out.cluster.ID(),
			Engine:                             pulumi.String(databaseEngine),
			EngineVersion:                      pulumi.String(args.EngineVersion),
			InstanceClass:                      pulumi.String(args.InstanceClass),
			PubliclyAccessible:                 pulumi.Bool(false),
			DbSubnetGroupName:                  subnets.Name,
			PerformanceInsightsEnabled:         pulumi.Bool(true),
			PerformanceInsightsKmsKeyId:        rc.keyArn,
			PerformanceInsightsRetentionPeriod: pulumi.Int(7),
			MonitoringInterval:                 pulumi.Int(60),
			MonitoringRoleArn:                  rc.monitoringRole,
			AutoMinorVersionUpgrade:            pulumi.Bool(true),
			CaCertIdentifier:                   pulumi.String("rds-ca-rsa2048-g1"),
			Tags:                               awskit.Tags(args.Tags, fmt.Sprintf("%s-%d", id, i+1)),
		}, parent...)
		if err != nil {
			return out, err
		}
		out.instances = append(out.instances, inst)
	}
	return out, nil
}

func param(name, value, apply string) rds.ClusterParameterGroupParameterArgs {
	p := rds.ClusterParameterGroupParameterArgs{Name: pulumi.String(name), Value: pulumi.String(value)}
	if apply != "" {
		p.ApplyMethod = pulumi.String(apply)
	}
	return p
}

func majorOf(version string) string {
	return awsformat.AuroraPostgresVersion.FindStringSubmatch(version)[1]
}

// enhancedMonitoringPolicy is AWS's AmazonRDSEnhancedMonitoringRole, written out so the role
// carries only what RDS needs to write OS metrics.
func enhancedMonitoringPolicy(acct awskit.Account) string {
	group := fmt.Sprintf("arn:%s:logs:*:%s:log-group:RDS*", acct.Partition, acct.ID)
	doc, _ := awskit.PolicyJSON(map[string]any{
		"Sid":      "CreateMetricGroups",
		"Effect":   "Allow",
		"Action":   []string{"logs:CreateLogGroup", "logs:PutRetentionPolicy"},
		"Resource": group,
	}, map[string]any{
		"Sid":      "WriteMetrics",
		"Effect":   "Allow",
		"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"},
		"Resource": group + ":log-stream:*",
	})
	return doc
}
