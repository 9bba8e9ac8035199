package azure

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	pgServer        = "azure-native:dbforpostgresql/v20230601preview:Server"
	pgConfiguration = "azure-native:dbforpostgresql/v20230601preview:Configuration"
	pgAdministrator = "azure-native:dbforpostgresql/v20230601preview:Administrator"
	pgDatabase      = "azure-native:dbforpostgresql/v20230601preview:Database"
	pgAdminGroup    = "6a1e5c8f-2b7d-4c1e-9f3a-0d4b8e2c7a15"
)

var (
	pgSubnet     = azurekittest.ResourceID("Microsoft.Network", "virtualNetworks", "hh-vnet/subnets/database")
	pgZone       = azurekittest.ResourceID("Microsoft.Network", "privateDnsZones", "privatelink.postgres.database.azure.com")
	pgDRSubnet   = drResourceID("Microsoft.Network", "virtualNetworks", "hh-vnet-dr/subnets/database")
	pgIdentity   = azurekittest.ResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", "hh-id-database")
	pgDRIdentity = drResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", "hh-id-database-dr")
	pgKey        = "https://hhkvuks.vault.azure.net/keys/database/0123456789abcdef0123456789abcdef"
	pgDRKey      = "https://hhkvukw.vault.azure.net/keys/database/fedcba9876543210fedcba9876543210"
)

// drResourceID is the ARM id of a resource in the test's DR resource group.
func drResourceID(namespace, typ, name string) string {
	return "/subscriptions/" + azurekittest.Subscription + "/resourceGroups/" + azurekittest.DRResourceGroup +
		"/providers/" + namespace + "/" + typ + "/" + name
}

func databaseArgs(mutate func(*DatabaseArgs)) *DatabaseArgs {
	a := &DatabaseArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Location: azurekittest.PrimaryLocation,
		DelegatedSubnetId: pulumi.String(pgSubnet), PrivateDnsZoneId: pulumi.String(pgZone),
		IdentityId: pulumi.String(pgIdentity), KeyId: pulumi.String(pgKey),
		GeoBackupIdentityId: pulumi.String(pgDRIdentity), GeoBackupKeyId: pulumi.String(pgDRKey),
		DRLocation: azurekittest.DRLocation, DRResourceGroupName: pulumi.String(azurekittest.DRResourceGroup),
		DRDelegatedSubnetId: pulumi.String(pgDRSubnet), DRPrivateDnsZoneId: pulumi.String(pgZone),
		DRIdentityId: pulumi.String(pgDRIdentity), DRKeyId: pulumi.String(pgDRKey),
		HighAvailability: true, GeoRedundantBackup: true, TenantID: pulumi.String(azurekittest.Tenant),
		Administrators: []DatabaseAdministrator{{
			ObjectID: pulumi.String(pgAdminGroup), PrincipalName: pulumi.String("hh-db-admins"), PrincipalType: "Group",
		}},
		Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDatabaseDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		db, err := NewDatabase(ctx, "db", databaseArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("serverId", db.ServerId)
		ctx.Export("fqdn", db.Fqdn)
		ctx.Export("port", db.Port)
		ctx.Export("drServerName", db.DRServerName)
		ctx.Export("drFqdn", db.DRFqdn)
		return nil
	})
	table := []kittest.Expectation{
		{Type: pgServer, Name: "hh-pg", Path: "serverName", Want: "hh-pg"},
		{Type: pgServer, Name: "hh-pg", Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: pgServer, Name: "hh-pg", Path: "location", Want: azurekittest.PrimaryLocation},
		{Type: pgServer, Name: "hh-pg", Path: "version", Want: "16"},
		{Type: pgServer, Name: "hh-pg", Path: "sku.name", Want: "Standard_D4ds_v5"},
		{Type: pgServer, Name: "hh-pg", Path: "sku.tier", Want: "GeneralPurpose"},
		{Type: pgServer, Name: "hh-pg", Path: "storage.storageSizeGB", Want: int64(128)},
		{Type: pgServer, Name: "hh-pg", Path: "storage.autoGrow", Want: "Enabled"},
		{Type: pgServer, Name: "hh-pg", Path: "network.delegatedSubnetResourceId", Want: pgSubnet},
		{Type: pgServer, Name: "hh-pg", Path: "network.privateDnsZoneArmResourceId", Want: pgZone},
		{Type: pgServer, Name: "hh-pg", Path: "network.publicNetworkAccess", Want: "Disabled"},
		{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.type", Want: "AzureKeyVault"},
		{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.primaryKeyURI", Want: pgKey},
		{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.primaryUserAssignedIdentityId", Want: pgIdentity},
		{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.geoBackupKeyURI", Want: pgDRKey},
		{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.geoBackupUserAssignedIdentityId", Want: pgDRIdentity},
		{Type: pgServer, Name: "hh-pg", Path: "identity.type", Want: "UserAssigned"},
		{Type: pgServer, Name: "hh-pg", Path: "identity.userAssignedIdentities", Want: map[string]any{pgIdentity: map[string]any{}, pgDRIdentity: map[string]any{}}},
		{Type: pgServer, Name: "hh-pg", Path: "authConfig.activeDirectoryAuth", Want: "Enabled"},
		{Type: pgServer, Name: "hh-pg", Path: "authConfig.passwordAuth", Want: "Disabled"},
		{Type: pgServer, Name: "hh-pg", Path: "authConfig.tenantId", Want: azurekittest.Tenant},
		{Type: pgServer, Name: "hh-pg", Path: "highAvailability.mode", Want: "ZoneRedundant"},
		{Type: pgServer, Name: "hh-pg", Path: "backup.backupRetentionDays", Want: int64(35)},
		{Type: pgServer, Name: "hh-pg", Path: "backup.geoRedundantBackup", Want: "Enabled"},
		{Type: pgServer, Name: "hh-pg", Path: "maintenanceWindow.customWindow", Want: "Enabled"},
		{Type: pgServer, Name: "hh-pg", Path: "maintenanceWindow.dayOfWeek", Want: int64(0)},
		{Type: pgServer, Name: "hh-pg", Path: "maintenanceWindow.startHour", Want: int64(4)},
		{Type: pgServer, Name: "hh-pg", Path: "tags.data-classification", Want: "phi"},
		{Type: pgAdministrator, Name: "hh-pg-admin-0", Path: "serverName", Want: "hh-pg"},
		{Type: pgAdministrator, Name: "hh-pg-admin-0", Path: "objectId", Want: pgAdminGroup},
		{Type: pgAdministrator, Name: "hh-pg-admin-0", Path: "principalName", Want: "hh-db-admins"},
		{Type: pgAdministrator, Name: "hh-pg-admin-0", Path: "principalType", Want: "Group"},
		{Type: pgAdministrator, Name: "hh-pg-admin-0", Path: "tenantId", Want: azurekittest.Tenant},
		{Type: pgDatabase, Name: "hh-pg-healthhub", Path: "databaseName", Want: "healthhub"},
		{Type: pgDatabase, Name: "hh-pg-healthhub", Path: "serverName", Want: "hh-pg"},
		{Type: pgDatabase, Name: "hh-pg-healthhub", Path: "charset", Want: "UTF8"},
		// The replica: its own location, group, subnet and key, the primary as its source,
		// the same network and sign-in controls.
		{Type: pgServer, Name: "hh-pg-dr", Path: "serverName", Want: "hh-pg-dr"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "location", Want: azurekittest.DRLocation},
		{Type: pgServer, Name: "hh-pg-dr", Path: "resourceGroupName", Want: azurekittest.DRResourceGroup},
		{Type: pgServer, Name: "hh-pg-dr", Path: "createMode", Want: "Replica"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "sourceServerResourceId", Want: azurekittest.ResourceID("Microsoft.DBforPostgreSQL", "flexibleServers", "hh-pg")},
		{Type: pgServer, Name: "hh-pg-dr", Path: "version", Want: "16"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "sku.name", Want: "Standard_D4ds_v5"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "network.delegatedSubnetResourceId", Want: pgDRSubnet},
		{Type: pgServer, Name: "hh-pg-dr", Path: "network.publicNetworkAccess", Want: "Disabled"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "dataEncryption.type", Want: "AzureKeyVault"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "dataEncryption.primaryKeyURI", Want: pgDRKey},
		{Type: pgServer, Name: "hh-pg-dr", Path: "dataEncryption.primaryUserAssignedIdentityId", Want: pgDRIdentity},
		{Type: pgServer, Name: "hh-pg-dr", Path: "identity.userAssignedIdentities", Want: map[string]any{pgDRIdentity: map[string]any{}}},
		{Type: pgServer, Name: "hh-pg-dr", Path: "authConfig.activeDirectoryAuth", Want: "Enabled"},
		{Type: pgServer, Name: "hh-pg-dr", Path: "authConfig.passwordAuth", Want: "Disabled"},
	}
	want := map[string]string{
		"require_secure_transport":   "on",
		"ssl_min_protocol_version":   "TLSv1.2",
		"log_connections":            "on",
		"log_disconnections":         "on",
		"log_checkpoints":            "on",
		"connection_throttle.enable": "on",
		"logfiles.retention_days":    "7",
		"shared_preload_libraries":   "pg_stat_statements,pgaudit",
		"azure.extensions":           "pgaudit",
		"pgaudit.log":                "ddl,role,write",
		"pgaudit.log_parameter":      "off",
	}
	for _, server := range []string{"hh-pg", "hh-pg-dr"} {
		for param, value := range want {
			name := server + "-" + param
			table = append(table,
				kittest.Expectation{Type: pgConfiguration, Name: name, Path: "serverName", Want: server},
				kittest.Expectation{Type: pgConfiguration, Name: name, Path: "configurationName", Want: param},
				kittest.Expectation{Type: pgConfiguration, Name: name, Path: "value", Want: value},
				kittest.Expectation{Type: pgConfiguration, Name: name, Path: "source", Want: "user-override"},
			)
		}
	}
	kittest.AssertInputs(t, m, table)
	assert.Len(t, m.ByType(pgConfiguration), 2*len(want), "the same parameters on both servers, nothing else")

	replica, _ := m.Find(pgServer, "hh-pg-dr")
	for _, path := range []string{"highAvailability", "backup", "dataEncryption.geoBackupKeyURI"} {
		_, ok := replica.Get(path)
		assert.False(t, ok, "Azure refuses %s on a replica", path)
	}
	assert.Len(t, m.ByType(pgAdministrator), 1, "administrators are replicated, never set on the replica")
	for _, r := range m.ByType(pgServer) {
		assert.Equal(t, []string{"storage.storageSizeGB"}, r.IgnoreChanges, "autogrow owns %s's disk size", r.Name)
	}

	// One operation at a time per server: each parameter waits for the one before it, the
	// administrators for the last parameter, the database for the administrators, and the
	// replica for the database.
	chain := func(server string) []string {
		names := []string{}
		for _, p := range postgresParameters(nil) {
			names = append(names, server+"-"+p[0])
		}
		return names
	}
	primaryChain := append(chain("hh-pg"), "hh-pg-admin-0", "hh-pg-healthhub")
	for i := 1; i < len(primaryChain); i++ {
		prev := findAny(t, m, primaryChain[i-1])
		next := findAny(t, m, primaryChain[i])
		assert.Contains(t, next.Dependencies, prev.URN, "%s waits for %s", next.Name, prev.Name)
	}
	db := findAny(t, m, "hh-pg-healthhub")
	assert.Contains(t, replica.Dependencies, db.URN, "the replica copies a finished server")
	drChain := chain("hh-pg-dr")
	first := findAny(t, m, drChain[0])
	assert.Contains(t, first.Dependencies, replica.URN)
	for i := 1; i < len(drChain); i++ {
		assert.Contains(t, findAny(t, m, drChain[i]).Dependencies, findAny(t, m, drChain[i-1]).URN)
	}

	out := m.Outputs()
	assert.Equal(t, azurekittest.ResourceID("Microsoft.DBforPostgreSQL", "flexibleServers", "hh-pg"), out["serverId"].Value)
	assert.Equal(t, "hh-pg.postgres.database.azure.com", out["fqdn"].Value)
	assert.Equal(t, 5432, out["port"].Value)
	assert.Equal(t, "hh-pg-dr", out["drServerName"].Value)
	assert.Equal(t, "hh-pg-dr.postgres.database.azure.com", out["drFqdn"].Value)

	assert.Empty(t, azurekittest.Violations(m, "production"), "the database passes the whole policy pack")
}

// findAny is the registered resource of that name, whatever its type.
func findAny(t *testing.T, m *mockcloud.Monitor, name string) mockcloud.Resource {
	t.Helper()
	for _, r := range m.Resources() {
		if r.Name == name && r.Custom {
			return r
		}
	}
	require.Failf(t, "not registered", "%s", name)
	return mockcloud.Resource{}
}

func TestDatabaseProtection(t *testing.T) {
	for _, protect := range []bool{true, false} {
		m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
			_, err := NewDatabase(ctx, "db", databaseArgs(func(a *DatabaseArgs) { a.Protect = protect }), pulumi.Provider(p.Primary))
			return err
		})
		for _, s := range []struct{ typ, name string }{
			{pgServer, "hh-pg"}, {pgServer, "hh-pg-dr"}, {pgDatabase, "hh-pg-healthhub"},
		} {
			r, ok := m.Find(s.typ, s.name)
			require.True(t, ok, s.name)
			assert.Equal(t, protect, r.Protect, "%s protect", s.name)
			assert.Equal(t, protect, r.RetainOnDelete, "%s retainOnDelete", s.name)
		}
		// The controls do not depend on the environment.
		kittest.AssertInputs(t, m, []kittest.Expectation{
			{Type: pgServer, Name: "hh-pg", Path: "network.publicNetworkAccess", Want: "Disabled"},
			{Type: pgServer, Name: "hh-pg", Path: "authConfig.passwordAuth", Want: "Disabled"},
			{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.type", Want: "AzureKeyVault"},
		})
	}
}

func TestDatabaseDevDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		db, err := NewDatabase(ctx, "db", databaseArgs(func(a *DatabaseArgs) {
			a.Protect, a.HighAvailability, a.GeoRedundantBackup = false, false, false
			a.GeoBackupIdentityId, a.GeoBackupKeyId = nil, nil
			a.DRLocation, a.DRResourceGroupName, a.DRDelegatedSubnetId, a.DRPrivateDnsZoneId, a.DRIdentityId, a.DRKeyId = "", nil, nil, nil, nil, nil
			a.SkuName, a.BackupRetentionDays, a.StorageSizeGb, a.Version, a.DatabaseName = "Standard_B2s", 7, 32, "15", "records"
			a.Extensions = []string{"pgcrypto", "uuid-ossp"}
		}), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		ctx.Export("drServerName", db.DRServerName)
		ctx.Export("drFqdn", db.DRFqdn)
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: pgServer, Name: "hh-pg", Path: "sku.name", Want: "Standard_B2s"},
		{Type: pgServer, Name: "hh-pg", Path: "sku.tier", Want: "Burstable"},
		{Type: pgServer, Name: "hh-pg", Path: "version", Want: "15"},
		{Type: pgServer, Name: "hh-pg", Path: "storage.storageSizeGB", Want: int64(32)},
		{Type: pgServer, Name: "hh-pg", Path: "highAvailability.mode", Want: "Disabled"},
		{Type: pgServer, Name: "hh-pg", Path: "backup.backupRetentionDays", Want: int64(7)},
		{Type: pgServer, Name: "hh-pg", Path: "backup.geoRedundantBackup", Want: "Disabled"},
		{Type: pgServer, Name: "hh-pg", Path: "identity.userAssignedIdentities", Want: map[string]any{pgIdentity: map[string]any{}}},
		{Type: pgServer, Name: "hh-pg", Path: "dataEncryption.primaryKeyURI", Want: pgKey},
		{Type: pgServer, Name: "hh-pg", Path: "network.publicNetworkAccess", Want: "Disabled"},
		{Type: pgConfiguration, Name: "hh-pg-azure.extensions", Path: "value", Want: "pgaudit,pgcrypto,uuid-ossp"},
		{Type: pgDatabase, Name: "hh-pg-records", Path: "databaseName", Want: "records"},
	})
	primary, _ := m.Find(pgServer, "hh-pg")
	_, geo := primary.Get("dataEncryption.geoBackupKeyURI")
	assert.False(t, geo, "no geo backup, no geo backup key")
	_, replica := m.Find(pgServer, "hh-pg-dr")
	assert.False(t, replica)
	assert.Equal(t, "", m.Outputs()["drServerName"].Value)
	assert.Equal(t, "", m.Outputs()["drFqdn"].Value)
	assert.Empty(t, azurekittest.Violations(m, "dev"), "dev is smaller, not weaker")
}

func TestDatabaseArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DatabaseArgs)
		want   string
	}{
		{"bad prefix", func(a *DatabaseArgs) { a.Prefix = "hh-db" }, `Database: Prefix = "hh-db": must be 2 to 10 lowercase letters or digits`},
		{"display-name location", func(a *DatabaseArgs) { a.Location = "UK South" }, `Database: Location = "UK South": must be an Azure location`},
		{"no resource group", func(a *DatabaseArgs) { a.ResourceGroupName = nil }, "Database: ResourceGroupName = <nil>: required"},
		{"no subnet", func(a *DatabaseArgs) { a.DelegatedSubnetId = nil }, "Database: DelegatedSubnetId = <nil>: required"},
		{"no zone", func(a *DatabaseArgs) { a.PrivateDnsZoneId = nil }, "Database: PrivateDnsZoneId = <nil>: required"},
		{"no identity", func(a *DatabaseArgs) { a.IdentityId = nil }, "Database: IdentityId = <nil>: required"},
		{"no key", func(a *DatabaseArgs) { a.KeyId = nil }, "Database: KeyId = <nil>: required"},
		{"no tenant", func(a *DatabaseArgs) { a.TenantID = nil }, "Database: TenantID = <nil>: required"},
		{"bad sku", func(a *DatabaseArgs) { a.SkuName = "GP_Gen5_4" }, `Database: SkuName = "GP_Gen5_4": must be a Flexible Server compute size`},
		{"burstable in production", func(a *DatabaseArgs) { a.SkuName = "Standard_B2s" }, `Database: SkuName = "Standard_B2s": must be GeneralPurpose (D) or MemoryOptimized (E) in production`},
		{"burstable standby", func(a *DatabaseArgs) {
			a.Protect, a.SkuName, a.DRLocation = false, "Standard_B2s", ""
			a.DRResourceGroupName, a.DRDelegatedSubnetId, a.DRPrivateDnsZoneId, a.DRIdentityId, a.DRKeyId = nil, nil, nil, nil, nil
		}, "Database: HighAvailability = true: needs a GeneralPurpose or MemoryOptimized SkuName"},
		{"burstable replica", func(a *DatabaseArgs) { a.Protect, a.SkuName, a.HighAvailability = false, "Standard_B2s", false }, `Database: DRLocation = "ukwest": needs a GeneralPurpose or MemoryOptimized SkuName`},
		{"old major", func(a *DatabaseArgs) { a.Version = "12" }, `Database: Version = "12": must be "13" to "16"`},
		{"odd disk", func(a *DatabaseArgs) { a.StorageSizeGb = 100 }, "Database: StorageSizeGb = 100: must be one of"},
		{"single zone in production", func(a *DatabaseArgs) { a.HighAvailability = false }, "Database: HighAvailability = false: must be true in production"},
		{"too few backup days", func(a *DatabaseArgs) { a.Protect, a.BackupRetentionDays = false, 3 }, "Database: BackupRetentionDays = 3: must be 7 to 35"},
		{"too many backup days", func(a *DatabaseArgs) { a.BackupRetentionDays = 40 }, "Database: BackupRetentionDays = 40: must be 7 to 35"},
		{"short backups in production", func(a *DatabaseArgs) { a.BackupRetentionDays = 14 }, "Database: BackupRetentionDays = 14: must be 35 in production"},
		{"no geo backup in production", func(a *DatabaseArgs) { a.GeoRedundantBackup = false }, "Database: GeoRedundantBackup = false: must be true in production"},
		{"geo backup without identity", func(a *DatabaseArgs) { a.GeoBackupIdentityId = nil }, "Database: GeoBackupIdentityId = <nil>: required with GeoRedundantBackup"},
		{"geo backup without key", func(a *DatabaseArgs) { a.GeoBackupKeyId = nil }, "Database: GeoBackupKeyId = <nil>: required with GeoRedundantBackup"},
		{"geo key without geo backup", func(a *DatabaseArgs) { a.Protect, a.GeoRedundantBackup = false, false }, "Database: GeoBackupKeyId = set: needs GeoRedundantBackup"},
		{"quoted database name", func(a *DatabaseArgs) { a.DatabaseName = "Health-Hub" }, `Database: DatabaseName = "Health-Hub": must be a lowercase PostgreSQL identifier`},
		{"no administrators", func(a *DatabaseArgs) { a.Administrators = nil }, "Database: Administrators = []: must name at least one Entra principal"},
		{"administrator without id", func(a *DatabaseArgs) { a.Administrators[0].ObjectID = nil }, "Database: Administrators[0].ObjectID = <nil>: required"},
		{"administrator without name", func(a *DatabaseArgs) { a.Administrators[0].PrincipalName = nil }, "Database: Administrators[0].PrincipalName = <nil>: required"},
		{"administrator of no type", func(a *DatabaseArgs) { a.Administrators[0].PrincipalType = "Application" }, `Database: Administrators[0].PrincipalType = "Application": must be one of`},
		{"DR in the same location", func(a *DatabaseArgs) { a.DRLocation = azurekittest.PrimaryLocation }, `Database: DRLocation = "uksouth": must be a location other than Location`},
		{"DR display name", func(a *DatabaseArgs) { a.DRLocation = "UK West" }, `Database: DRLocation = "UK West": must be an Azure location`},
		{"DR without group", func(a *DatabaseArgs) { a.DRResourceGroupName = nil }, "Database: DRResourceGroupName = <nil>: required with DRLocation"},
		{"DR without subnet", func(a *DatabaseArgs) { a.DRDelegatedSubnetId = nil }, "Database: DRDelegatedSubnetId = <nil>: required with DRLocation"},
		{"DR without zone", func(a *DatabaseArgs) { a.DRPrivateDnsZoneId = nil }, "Database: DRPrivateDnsZoneId = <nil>: required with DRLocation"},
		{"DR without identity", func(a *DatabaseArgs) { a.DRIdentityId = nil }, "Database: DRIdentityId = <nil>: required with DRLocation"},
		{"DR without key", func(a *DatabaseArgs) { a.DRKeyId = nil }, "Database: DRKeyId = <nil>: required with DRLocation"},
		{"DR key without DR", func(a *DatabaseArgs) { a.DRLocation = "" }, "Database: DRResourceGroupName = set: needs DRLocation"},
		{"pgaudit as an extension", func(a *DatabaseArgs) { a.Extensions = []string{"pgaudit"} }, `Database: Extensions = "pgaudit": must be distinct lowercase extension names`},
		{"repeated extension", func(a *DatabaseArgs) { a.Extensions = []string{"pgcrypto", "pgcrypto"} }, `Database: Extensions = "pgcrypto"`},
		{"untagged", func(a *DatabaseArgs) { a.Tags = nil }, "Database: Tags = map[]: must include"},
		{"tag Azure refuses", func(a *DatabaseArgs) {
			a.Tags = map[string]string{"environment": "production", "data-classification": "phi", "compliance": "hipaa", "owner": "platform", "cost-centre": "cc-1", "a/b": "c"}
		}, "Database: Tags = a/b=c: names must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewDatabase(ctx, "db", databaseArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
