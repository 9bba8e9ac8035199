package gcp

import (
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/servicenetworking"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	sqlInstance = "gcp:sql/databaseInstance:DatabaseInstance"
	vpcNetwork  = "projects/healthhub-test/global/networks/hh-vpc"
	backendSA   = "hh-backend@healthhub-test.iam.gserviceaccount.com"
)

var (
	databaseKey   = cmekName(gcpkittest.PrimaryRegion, "database")
	drDatabaseKey = cmekName(gcpkittest.DRRegion, "database")
)

func databaseArgs(mutate func(*DatabaseArgs)) *DatabaseArgs {
	a := &DatabaseArgs{
		Prefix: "hh", Region: gcpkittest.PrimaryRegion, Network: pulumi.String(vpcNetwork),
		KmsKeyName: pulumi.String(databaseKey), DRRegion: gcpkittest.DRRegion, DRKmsKeyName: pulumi.String(drDatabaseKey),
		HighAvailability: true, IAMUsers: []pulumi.StringInput{pulumi.String(backendSA)},
		Protect: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDatabaseDefaults(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		db, err := NewDatabase(ctx, "db", databaseArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("connectionName", db.ConnectionName)
		ctx.Export("port", db.Port)
		ctx.Export("drInstanceName", db.DRInstanceName)
		return nil
	})
	flag := func(name, value string) map[string]any { return map[string]any{"name": name, "value": value} }
	table := []kittest.Expectation{
		{Type: sqlInstance, Name: "hh-pg", Path: "name", Want: "hh-pg"},
		{Type: sqlInstance, Name: "hh-pg", Path: "region", Want: gcpkittest.PrimaryRegion},
		{Type: sqlInstance, Name: "hh-pg", Path: "databaseVersion", Want: "POSTGRES_16"},
		{Type: sqlInstance, Name: "hh-pg", Path: "encryptionKeyName", Want: databaseKey},
		{Type: sqlInstance, Name: "hh-pg", Path: "deletionProtection", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.tier", Want: "db-custom-2-7680"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.edition", Want: "ENTERPRISE"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.availabilityType", Want: "REGIONAL"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.diskType", Want: "PD_SSD"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.diskSize", Want: int64(100)},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.diskAutoresize", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.deletionProtectionEnabled", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.ipConfiguration.ipv4Enabled", Want: false},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.ipConfiguration.privateNetwork", Want: vpcNetwork},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.ipConfiguration.sslMode", Want: "ENCRYPTED_ONLY"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.ipConfiguration.enablePrivatePathForGoogleCloudServices", Want: false},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.enabled", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.pointInTimeRecoveryEnabled", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.transactionLogRetentionDays", Want: int64(7)},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.backupRetentionSettings.retainedBackups", Want: int64(35)},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.backupRetentionSettings.retentionUnit", Want: "COUNT"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.location", Want: gcpkittest.PrimaryRegion},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.insightsConfig.queryInsightsEnabled", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.insightsConfig.queryStringLength", Want: int64(256)},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.insightsConfig.recordApplicationTags", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.insightsConfig.recordClientAddress", Want: false},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.maintenanceWindow.updateTrack", Want: "stable"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.userLabels.data-classification", Want: "phi"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.databaseFlags", Want: []any{
			flag("cloudsql.iam_authentication", "on"),
			flag("cloudsql.enable_pgaudit", "on"),
			flag("pgaudit.log", "ddl,role,write"),
			flag("pgaudit.log_parameter", "off"),
			flag("log_connections", "on"),
			flag("log_disconnections", "on"),
			flag("log_statement", "ddl"),
			flag("log_min_messages", "warning"),
			flag("log_min_error_statement", "error"),
			flag("log_min_duration_statement", "-1"),
			flag("log_error_verbosity", "default"),
		}},
		{Type: "gcp:sql/database:Database", Name: "hh-pg-healthhub", Path: "name", Want: "healthhub"},
		{Type: "gcp:sql/database:Database", Name: "hh-pg-healthhub", Path: "instance", Want: "hh-pg"},
		{Type: "gcp:sql/database:Database", Name: "hh-pg-healthhub", Path: "deletionPolicy", Want: "ABANDON"},
		{Type: "gcp:sql/user:User", Name: "hh-pg-iam-0", Path: "name", Want: "hh-backend@healthhub-test.iam"},
		{Type: "gcp:sql/user:User", Name: "hh-pg-iam-0", Path: "type", Want: "CLOUD_IAM_SERVICE_ACCOUNT"},
		// The replica: its own region and key, the primary as master, the same controls.
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "region", Want: gcpkittest.DRRegion},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "encryptionKeyName", Want: drDatabaseKey},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "masterInstanceName", Want: "hh-pg"},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "deletionProtection", Want: true},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "settings.deletionProtectionEnabled", Want: true},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "settings.availabilityType", Want: "REGIONAL"},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "settings.ipConfiguration.ipv4Enabled", Want: false},
		{Type: sqlInstance, Name: "hh-pg-dr", Path: "settings.ipConfiguration.sslMode", Want: "ENCRYPTED_ONLY"},
	}
	kittest.AssertInputs(t, m, table)

	primary, _ := m.Find(sqlInstance, "hh-pg")
	replica, _ := m.Find(sqlInstance, "hh-pg-dr")
	primaryFlags, _ := primary.Get("settings.databaseFlags")
	replicaFlags, _ := replica.Get("settings.databaseFlags")
	assert.Equal(t, primaryFlags, replicaFlags, "a promoted replica audits as the primary did")
	_, backups := replica.Get("settings.backupConfiguration")
	assert.False(t, backups, "Cloud SQL refuses backups on a replica")
	assert.Contains(t, replica.Dependencies, primary.URN)
	for _, r := range []string{"hh-pg", "hh-pg-dr"} {
		inst, _ := m.Find(sqlInstance, r)
		assert.Equal(t, []string{"settings.diskSize"}, inst.IgnoreChanges, "autoresize owns the disk size")
	}

	assert.Equal(t, "healthhub-test:europe-west2:hh-pg", m.Outputs()["connectionName"].Value)
	assert.Equal(t, 5432, m.Outputs()["port"].Value)
	assert.Equal(t, "hh-pg-dr", m.Outputs()["drInstanceName"].Value)

	assert.Empty(t, gcpkittest.Violations(m, "production"), "the database passes the whole policy pack")
}

func TestDatabaseProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
			_, err := NewDatabase(ctx, "db", databaseArgs(func(a *DatabaseArgs) { a.Protect = protect }), pulumi.Provider(p.Primary))
			return err
		})
		for _, s := range []struct{ typ, name string }{
			{sqlInstance, "hh-pg"}, {sqlInstance, "hh-pg-dr"}, {"gcp:sql/database:Database", "hh-pg-healthhub"},
		} {
			r, ok := m.Find(s.typ, s.name)
			require.True(t, ok, s.name)
			assert.Equal(t, protect, r.Protect, "%s protect", s.name)
			assert.Equal(t, protect, r.RetainOnDelete, "%s retainOnDelete", s.name)
			// The deletion guards do not depend on the environment: dropping a database is
			// never a side effect of an update.
			if s.typ == sqlInstance {
				v, _ := r.Get("settings.deletionProtectionEnabled")
				assert.Equal(t, true, v)
			}
		}
	}
}

func TestDatabaseDevDefaults(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		db, err := NewDatabase(ctx, "db", databaseArgs(func(a *DatabaseArgs) {
			a.DRRegion, a.DRKmsKeyName, a.HighAvailability, a.Protect, a.IAMUsers = "", nil, false, false, nil
			a.RetainedBackups, a.Tier, a.DatabaseName = 7, "db-g1-small", "records"
		}), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("drInstanceName", db.DRInstanceName)
		ctx.Export("drPrivateIp", db.DRPrivateIp)
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.availabilityType", Want: "ZONAL"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.tier", Want: "db-g1-small"},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.backupRetentionSettings.retainedBackups", Want: int64(7)},
		{Type: sqlInstance, Name: "hh-pg", Path: "settings.backupConfiguration.pointInTimeRecoveryEnabled", Want: true},
		{Type: sqlInstance, Name: "hh-pg", Path: "encryptionKeyName", Want: databaseKey},
		{Type: "gcp:sql/database:Database", Name: "hh-pg-records", Path: "name", Want: "records"},
	})
	_, replica := m.Find(sqlInstance, "hh-pg-dr")
	assert.False(t, replica)
	assert.Empty(t, m.ByType("gcp:sql/user:User"))
	assert.Equal(t, "", m.Outputs()["drInstanceName"].Value)
	assert.Equal(t, "", m.Outputs()["drPrivateIp"].Value)
	assert.Empty(t, gcpkittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestDatabaseWaitsForPrivateServiceAccess(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		psa, err := servicenetworking.NewConnection(ctx, "hh-psa", &servicenetworking.ConnectionArgs{
			Network: pulumi.String(vpcNetwork), Service: pulumi.String("servicenetworking.googleapis.com"),
			ReservedPeeringRanges: pulumi.ToStringArray([]string{"hh-psa"}),
		}, pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		_, err = NewDatabase(ctx, "db", databaseArgs(func(a *DatabaseArgs) { a.DependsOn = []pulumi.Resource{psa} }), pulumi.Provider(p.Primary))
		return err
	})
	psa, _ := m.Find("gcp:servicenetworking/connection:Connection", "hh-psa")
	for _, name := range []string{"hh-pg", "hh-pg-dr"} {
		r, _ := m.Find(sqlInstance, name)
		assert.Contains(t, r.Dependencies, psa.URN, name)
	}
}

func TestDatabaseArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DatabaseArgs)
		want   string
	}{
		{"bad prefix", func(a *DatabaseArgs) { a.Prefix = "HH_DB" }, `Database: Prefix = "HH_DB": must start with a letter`},
		{"zone for region", func(a *DatabaseArgs) { a.Region = "europe-west2-a" }, `Database: Region = "europe-west2-a": must be a region`},
		{"no network", func(a *DatabaseArgs) { a.Network = nil }, "Database: Network = <nil>: required"},
		{"no key", func(a *DatabaseArgs) { a.KmsKeyName = nil }, "Database: KmsKeyName = <nil>: required"},
		{"DR in the same region", func(a *DatabaseArgs) { a.DRRegion = gcpkittest.PrimaryRegion }, `Database: DRRegion = "europe-west2": must be a region other than Region`},
		{"DR without its key", func(a *DatabaseArgs) { a.DRKmsKeyName = nil }, "Database: DRKmsKeyName = <nil>: required with DRRegion"},
		{"DR key without DR", func(a *DatabaseArgs) { a.DRRegion = "" }, "Database: DRKmsKeyName = set: needs DRRegion"},
		{"bad tier", func(a *DatabaseArgs) { a.Tier = "n2-standard-2" }, `Database: Tier = "n2-standard-2": must be a Cloud SQL PostgreSQL tier`},
		{"shared core in production", func(a *DatabaseArgs) { a.Tier = "db-f1-micro" }, `Database: Tier = "db-f1-micro": must be a custom machine type in production`},
		{"MySQL", func(a *DatabaseArgs) { a.DatabaseVersion = "MYSQL_8_0" }, `Database: DatabaseVersion = "MYSQL_8_0": must be POSTGRES_14 to POSTGRES_18`},
		{"unsupported major", func(a *DatabaseArgs) { a.DatabaseVersion = "POSTGRES_9_6" }, `Database: DatabaseVersion = "POSTGRES_9_6"`},
		{"zonal in production", func(a *DatabaseArgs) { a.HighAvailability = false }, "Database: HighAvailability = false: must be true in production"},
		{"too few backups", func(a *DatabaseArgs) { a.RetainedBackups = 3 }, "Database: RetainedBackups = 3: must be 7 to 365"},
		{"short backups in production", func(a *DatabaseArgs) { a.RetainedBackups = 14 }, "Database: RetainedBackups = 14: must be at least 30 in production"},
		{"tiny disk", func(a *DatabaseArgs) { a.DiskSizeGb = 5 }, "Database: DiskSizeGb = 5: must be at least 10"},
		{"quoted database name", func(a *DatabaseArgs) { a.DatabaseName = "Health-Hub" }, `Database: DatabaseName = "Health-Hub": must be a lowercase PostgreSQL identifier`},
		{"nil IAM user", func(a *DatabaseArgs) { a.IAMUsers = []pulumi.StringInput{nil} }, "Database: IAMUsers[0] = <nil>: required"},
		{"unlabelled", func(a *DatabaseArgs) { a.Labels = nil }, "Database: Labels = map[]: must include"},
		{"label Google refuses", func(a *DatabaseArgs) {
			a.Labels = map[string]string{"environment": "production", "data-classification": "phi", "owner": "Platform Team"}
		}, "Database: Labels = owner=Platform Team: keys and values must be lowercase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewDatabase(ctx, "db", databaseArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
