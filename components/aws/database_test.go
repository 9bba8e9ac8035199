package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	databaseKey   = "arn:aws:kms:eu-west-2:123456789012:key/database"
	drDatabaseKey = "arn:aws:kms:eu-west-1:123456789012:key/database"
	secretsKey    = "arn:aws:kms:eu-west-2:123456789012:key/secrets"
)

func databaseArgs(p awskittest.Providers, mutate func(*DatabaseArgs)) *DatabaseArgs {
	a := &DatabaseArgs{
		Prefix: "hh-db", VpcId: pulumi.String("vpc-1"), SubnetIds: pulumi.ToStringArray([]string{"subnet-1", "subnet-2", "subnet-3"}),
		ClientCidrBlocks: []string{"10.20.0.0/18", "10.20.64.0/18"}, KmsKeyArn: pulumi.String(databaseKey),
		LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557, MasterPassword: pulumi.ToSecret(pulumi.String("correct-horse-battery")).(pulumi.StringOutput),
		EngineVersion: "16.4", InstanceClass: "db.r6g.large", Instances: 2, BackupRetentionDays: 35,
		Production: true, Protect: true, Tags: kittest.Tags,
		DR: &DatabaseDR{
			Provider: p.DR, VpcId: pulumi.String("vpc-dr"), SubnetIds: pulumi.ToStringArray([]string{"subnet-dr-1"}),
			ClientCidrBlocks: []string{"10.21.0.0/18"}, KmsKeyArn: pulumi.String(drDatabaseKey), LogKmsKeyArn: pulumi.String(drLogsKey),
		},
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDatabaseDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		db, err := NewDatabase(ctx, "db", databaseArgs(p, nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		// In production the pack also asks for recovery points, which DisasterRecovery takes.
		_, err = NewDisasterRecovery(ctx, "dr", recoveryArgs(p, func(a *DisasterRecoveryArgs) {
			a.Resources = pulumi.StringArray{db.ClusterArn}
		}), pulumi.Provider(p.Primary))
		return err
	})
	const (
		cluster  = "aws:rds/cluster:Cluster"
		instance = "aws:rds/clusterInstance:ClusterInstance"
		params   = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
	)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: cluster, Name: "hh-db", Path: "engine", Want: "aurora-postgresql"},
		{Type: cluster, Name: "hh-db", Path: "engineVersion", Want: "16.4"},
		{Type: cluster, Name: "hh-db", Path: "storageEncrypted", Want: true},
		{Type: cluster, Name: "hh-db", Path: "kmsKeyId", Want: databaseKey},
		{Type: cluster, Name: "hh-db", Path: "iamDatabaseAuthenticationEnabled", Want: true},
		{Type: cluster, Name: "hh-db", Path: "backupRetentionPeriod", Want: int64(35)},
		{Type: cluster, Name: "hh-db", Path: "deletionProtection", Want: true},
		{Type: cluster, Name: "hh-db", Path: "skipFinalSnapshot", Want: false},
		{Type: cluster, Name: "hh-db", Path: "finalSnapshotIdentifier", Want: "hh-db-final"},
		{Type: cluster, Name: "hh-db", Path: "enabledCloudwatchLogsExports", Want: []any{"postgresql"}},
		{Type: cluster, Name: "hh-db", Path: "masterUsername", Want: "healthhub_admin"},
		{Type: cluster, Name: "hh-db", Path: "dbClusterParameterGroupName", Want: "hh-db"},
		{Type: instance, Name: "hh-db-1", Path: "publiclyAccessible", Want: false},
		{Type: instance, Name: "hh-db-1", Path: "performanceInsightsEnabled", Want: true},
		{Type: instance, Name: "hh-db-1", Path: "performanceInsightsKmsKeyId", Want: databaseKey},
		{Type: instance, Name: "hh-db-1", Path: "monitoringInterval", Want: int64(60)},
		{Type: instance, Name: "hh-db-2", Path: "instanceClass", Want: "db.r6g.large"},
		{Type: params, Name: "hh-db", Path: "family", Want: "aurora-postgresql16"},
		{Type: params, Name: "hh-db", Path: "parameters[0]", Want: map[string]any{"name": "rds.force_ssl", "value": "1"}},
		{Type: params, Name: "hh-db", Path: "parameters[1]", Want: map[string]any{"name": "ssl_min_protocol_version", "value": "TLSv1.2"}},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-db-postgresql", Path: "name", Want: "/aws/rds/cluster/hh-db/postgresql"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-db-postgresql", Path: "kmsKeyId", Want: logsKey},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-db-postgresql", Path: "retentionInDays", Want: int64(2557)},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-db", Path: "ingress[0].cidrBlocks", Want: []any{"10.20.0.0/18", "10.20.64.0/18"}},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-db", Path: "ingress[0].fromPort", Want: int64(5432)},
		{Type: "aws:rds/globalCluster:GlobalCluster", Name: "hh-db", Path: "storageEncrypted", Want: true},
		{Type: "aws:rds/globalCluster:GlobalCluster", Name: "hh-db", Path: "deletionProtection", Want: true},
		// The secondary: same controls, the DR key, no credentials of its own.
		{Type: cluster, Name: "hh-db-dr", Path: "kmsKeyId", Want: drDatabaseKey},
		{Type: cluster, Name: "hh-db-dr", Path: "storageEncrypted", Want: true},
		{Type: cluster, Name: "hh-db-dr", Path: "backupRetentionPeriod", Want: int64(35)},
		{Type: cluster, Name: "hh-db-dr", Path: "deletionProtection", Want: true},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-db-dr-postgresql", Path: "kmsKeyId", Want: drLogsKey},
	})

	primary, _ := m.Find(cluster, "hh-db")
	pw, ok := primary.Get("masterPassword")
	require.True(t, ok)
	assert.Equal(t, "[secret]", pw, "the password is a secret in state and plans")
	assert.True(t, primary.Protect)
	assert.True(t, primary.RetainOnDelete)
	_, hasEgress := primary.Get("egress")
	assert.False(t, hasEgress)

	secondary, _ := m.Find(cluster, "hh-db-dr")
	assert.Equal(t, "eu-west-1", m.Region(secondary.Provider))
	_, hasPassword := secondary.Get("masterPassword")
	assert.False(t, hasPassword, "a secondary inherits the administrator")
	global, _ := m.Find("aws:rds/globalCluster:GlobalCluster", "hh-db")
	assert.Contains(t, primary.Dependencies, global.URN)
	assert.Contains(t, secondary.Dependencies, global.URN)
	writer, _ := m.Find(instance, "hh-db-1")
	assert.Contains(t, secondary.Dependencies, writer.URN, "the secondary joins after the writer exists")

	sg, _ := m.Find("aws:ec2/securityGroup:SecurityGroup", "hh-db")
	_, sgEgress := sg.Get("egress")
	assert.False(t, sgEgress, "the database starts no connection")

	assert.Empty(t, awskittest.Violations(m, "production"), "the database, backed up, passes the whole policy pack")
}

func TestDatabaseWithoutDRManagesItsPassword(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewDatabase(ctx, "db", databaseArgs(p, func(a *DatabaseArgs) {
			a.DR, a.MasterPassword, a.SecretsKmsKeyArn = nil, nil, pulumi.String(secretsKey)
			a.Production, a.Protect, a.Instances, a.BackupRetentionDays = false, false, 1, 7
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:rds/cluster:Cluster", Name: "hh-db", Path: "manageMasterUserPassword", Want: true},
		{Type: "aws:rds/cluster:Cluster", Name: "hh-db", Path: "masterUserSecretKmsKeyId", Want: secretsKey},
		{Type: "aws:rds/cluster:Cluster", Name: "hh-db", Path: "deletionProtection", Want: false},
		{Type: "aws:rds/cluster:Cluster", Name: "hh-db", Path: "storageEncrypted", Want: true},
	})
	assert.Empty(t, m.ByType("aws:rds/globalCluster:GlobalCluster"))
	assert.Empty(t, awskittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestDatabaseArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DatabaseArgs)
		want   string
	}{
		{"bad prefix", func(a *DatabaseArgs) { a.Prefix = "HH_DB" }, `Database: Prefix = "HH_DB": must start with a letter`},
		{"no key", func(a *DatabaseArgs) { a.KmsKeyArn = nil }, "Database: KmsKeyArn = <nil>: required"},
		{"short log retention", func(a *DatabaseArgs) { a.LogRetentionDays = 30 }, "Database: LogRetentionDays = 30: must be at least 2190"},
		{"floating version", func(a *DatabaseArgs) { a.EngineVersion = "16" }, `Database: EngineVersion = "16": must be a pinned`},
		{"instance class", func(a *DatabaseArgs) { a.InstanceClass = "r6g.large" }, `Database: InstanceClass = "r6g.large"`},
		{"single instance in production", func(a *DatabaseArgs) { a.Instances = 1 }, "Database: Instances = 1: must be at least 2 in production"},
		{"short backups in production", func(a *DatabaseArgs) { a.BackupRetentionDays = 14 }, "Database: BackupRetentionDays = 14: must be 35 in production"},
		{"backups past RDS's limit", func(a *DatabaseArgs) { a.BackupRetentionDays = 60 }, "Database: BackupRetentionDays = 60: must be 7 to 35"},
		{"global database without a password", func(a *DatabaseArgs) { a.MasterPassword = nil }, "Database: MasterPassword = <nil>: required with DR"},
		{"open to the internet", func(a *DatabaseArgs) { a.ClientCidrBlocks = []string{"0.0.0.0/0"} }, "Database: ClientCidrBlocks = 0.0.0.0/0: must be private"},
		{"no clients", func(a *DatabaseArgs) { a.ClientCidrBlocks = nil }, "Database: ClientCidrBlocks = []: required"},
		{"DR without provider", func(a *DatabaseArgs) { a.DR.Provider = nil }, "Database: DR.Provider = <nil>: required"},
		{"untagged", func(a *DatabaseArgs) { a.Tags = map[string]string{} }, "Database: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewDatabase(ctx, "db", databaseArgs(p, tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
