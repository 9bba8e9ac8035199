package azure

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	postgres "github.com/pulumi/pulumi-azure-native-sdk/dbforpostgresql/v2/v20230601preview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// DatabaseArgs configures the Azure Database for PostgreSQL Flexible Server that holds the
// clinical records.
type DatabaseArgs struct {
	// Prefix names the server <prefix>-pg and the DR replica <prefix>-pg-dr. Server names
	// are DNS names under postgres.database.azure.com, unique across Azure.
	Prefix string
	// ResourceGroupName and Location are the primary server's.
	ResourceGroupName pulumi.StringInput
	Location          string
	// DelegatedSubnetId is a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers:
	// the server gets an address in it and none on the internet.
	DelegatedSubnetId pulumi.StringInput
	// PrivateDnsZoneId is the private DNS zone (ending in .postgres.database.azure.com) the
	// server's name is registered in, linked to the network the clients are in.
	PrivateDnsZoneId pulumi.StringInput
	// IdentityId is the user-assigned identity (ARM id) that may wrap and unwrap with KeyId.
	IdentityId pulumi.StringInput
	// KeyId is the versioned URI of the database key in Location's vault. Required: storage
	// and backups are always encrypted with a customer-managed key.
	KeyId pulumi.StringInput
	// GeoBackupIdentityId and GeoBackupKeyId encrypt the geo-redundant backup copy, which
	// Azure keeps in Location's paired region with a key of that region (the DR location's
	// identity and versioned key). Required with GeoRedundantBackup, refused without it.
	GeoBackupIdentityId pulumi.StringInput
	GeoBackupKeyId      pulumi.StringInput
	// DRLocation, when set, adds a read replica there, in DRResourceGroupName, on
	// DRDelegatedSubnetId, registered in DRPrivateDnsZoneId and encrypted with DRKeyId
	// through DRIdentityId (all required then: keys and subnets are regional).
	DRLocation          string
	DRResourceGroupName pulumi.StringInput
	DRDelegatedSubnetId pulumi.StringInput
	DRPrivateDnsZoneId  pulumi.StringInput
	DRIdentityId        pulumi.StringInput
	DRKeyId             pulumi.StringInput
	// SkuName is the compute size (default "Standard_D4ds_v5"); the tier follows from its
	// letter: B Burstable (refused in production: no SLA, no HA, no replicas), D
	// GeneralPurpose, E MemoryOptimized.
	SkuName string
	// Version is the PostgreSQL major, "13" to "16" (default "16").
	Version string
	// StorageSizeGb is the initial disk, one of the sizes Azure offers (default 128); it
	// grows on its own.
	StorageSizeGb int
	// HighAvailability adds a standby in another availability zone (ZoneRedundant).
	// Required in production (Protect).
	HighAvailability bool
	// BackupRetentionDays is the point-in-time restore window: default 35, 7 to 35, and 35
	// in production.
	BackupRetentionDays int
	// GeoRedundantBackup copies the backups to the paired region, so a region's loss can be
	// restored from. Required in production; it can only be chosen when the server is created.
	GeoRedundantBackup bool
	// TenantID is the Entra tenant users sign in through. Required.
	TenantID pulumi.StringInput
	// Administrators are the Entra principals with the server's admin role. At least one:
	// password sign-in is disabled, so without them nobody can sign in at all.
	Administrators []DatabaseAdministrator
	// DatabaseName is the database created on the server (default "healthhub").
	DatabaseName string
	// Extensions are extensions the application creates, allow-listed (azure.extensions)
	// next to pgaudit, which is always allowed. Lowercase names.
	Extensions []string
	// Protect keeps the servers and the database through destroys and config changes.
	Protect bool
	Tags    map[string]string
}

// DatabaseAdministrator is an Entra principal granted the server's admin role.
type DatabaseAdministrator struct {
	// ObjectID is the principal's Entra object id.
	ObjectID pulumi.StringInput
	// PrincipalName is its display name (a group's name, a user's UPN, an application's
	// name): the PostgreSQL role it signs in as.
	PrincipalName pulumi.StringInput
	// PrincipalType is "User", "Group" or "ServicePrincipal".
	PrincipalType string
}

// Database is a PostgreSQL Flexible Server reachable only on a private address in its
// delegated subnet, over TLS 1.2 or later, signing users in through Entra ID only, encrypted
// with a customer-managed key, audited by pgaudit, backed up with point-in-time restore and
// geo-redundant copies and, with DRLocation, replicated to another region.
type Database struct {
	pulumi.ResourceState

	ServerName pulumi.StringOutput `pulumi:"serverName"`
	ServerId   pulumi.StringOutput `pulumi:"serverId"`
	Fqdn       pulumi.StringOutput `pulumi:"fqdn"`
	Port       pulumi.IntOutput    `pulumi:"port"`
	// DRServerName and DRFqdn are the replica's; empty without DRLocation.
	DRServerName pulumi.StringOutput `pulumi:"drServerName"`
	// DRServerId is the replica's ARM id, which its diagnostic setting names.
	DRServerId pulumi.StringOutput `pulumi:"drServerId"`
	DRFqdn     pulumi.StringOutput `pulumi:"drFqdn"`
}

const (
	databaseDefaultSku     = "Standard_D4ds_v5"
	databaseDefaultVersion = "16"
	databaseDefaultName    = "healthhub"
	databaseDefaultSizeGb  = 128
	// databaseMaxBackupDays is the longest point-in-time restore window Flexible Server
	// keeps; production keeps all of it, five weeks, so a corruption found at the monthly
	// review can still be rolled back.
	databaseMaxBackupDays = 35
	databaseMinBackupDays = 7
	// postgresPort is fixed by Flexible Server.
	postgresPort = 5432
	// pgaudit is the extension every server loads and allows.
	pgaudit = "pgaudit"
)

var (
	// postgresMajor is a major Flexible Server offers that the community still supports.
	postgresMajor = regexp.MustCompile(`^1[3-6]$`)
	// postgresIdentifier is a PostgreSQL identifier that needs no quoting.
	postgresIdentifier = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	// postgresExtension is an extension's name as azure.extensions lists it (uuid-ossp).
	postgresExtension = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	// postgresStorageSizes are the disk sizes (GiB) Flexible Server offers.
	postgresStorageSizes = []int{32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767}
	// postgresPrincipalTypes are the Entra principal kinds an administrator can be.
	postgresPrincipalTypes = []string{"User", "Group", "ServicePrincipal"}
)

// postgresTier is the Flexible Server tier of a compute size.
func postgresTier(sku string) string {
	switch strings.TrimPrefix(sku, "Standard_")[0] {
	case 'B':
		return "Burstable"
	case 'E':
		return "MemoryOptimized"
	default:
		return "GeneralPurpose"
	}
}

// Validate fills the defaults and checks the Args before anything is registered.
func (a *DatabaseArgs) Validate() error {
	const c = "Database"
	a.SkuName = cmp.Or(a.SkuName, databaseDefaultSku)
	a.Version = cmp.Or(a.Version, databaseDefaultVersion)
	a.DatabaseName = cmp.Or(a.DatabaseName, databaseDefaultName)
	if a.StorageSizeGb == 0 {
		a.StorageSizeGb = databaseDefaultSizeGb
	}
	if a.BackupRetentionDays == 0 {
		a.BackupRetentionDays = databaseMaxBackupDays
	}
	if !azureformat.Prefix.MatchString(a.Prefix) {
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter (it names the servers)")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	burstable := azureformat.PostgresSku.MatchString(a.SkuName) && postgresTier(a.SkuName) == "Burstable"
	switch {
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case a.DelegatedSubnetId == nil:
		return kit.ArgError(c, "DelegatedSubnetId", nil, "required: the server has an address in a delegated subnet and no public one")
	case a.PrivateDnsZoneId == nil:
		return kit.ArgError(c, "PrivateDnsZoneId", nil, "required: the private DNS zone the server's name resolves in")
	case a.IdentityId == nil:
		return kit.ArgError(c, "IdentityId", nil, "required: the identity that uses KeyId")
	case a.KeyId == nil:
		return kit.ArgError(c, "KeyId", nil, "required: storage and backups are always encrypted with a customer-managed key")
	case a.TenantID == nil:
		return kit.ArgError(c, "TenantID", nil, "required: users sign in through Entra ID only")
	case !azureformat.PostgresSku.MatchString(a.SkuName):
		return kit.ArgError(c, "SkuName", fmt.Sprintf("%q", a.SkuName), "must be a Flexible Server compute size such as %q", databaseDefaultSku)
	case a.Protect && burstable:
		return kit.ArgError(c, "SkuName", fmt.Sprintf("%q", a.SkuName), "must be GeneralPurpose (D) or MemoryOptimized (E) in production: Burstable has no SLA, standby or replicas")
	case !postgresMajor.MatchString(a.Version):
		return kit.ArgError(c, "Version", fmt.Sprintf("%q", a.Version), "must be \"13\" to \"16\"")
	case !slices.Contains(postgresStorageSizes, a.StorageSizeGb):
		return kit.ArgError(c, "StorageSizeGb", a.StorageSizeGb, "must be one of %v", postgresStorageSizes)
	case a.Protect && !a.HighAvailability:
		return kit.ArgError(c, "HighAvailability", false, "must be true in production, so a zone's loss fails over to the standby")
	case a.HighAvailability && burstable:
		return kit.ArgError(c, "HighAvailability", true, "needs a GeneralPurpose or MemoryOptimized SkuName (Burstable has no standby)")
	case a.BackupRetentionDays < databaseMinBackupDays || a.BackupRetentionDays > databaseMaxBackupDays:
		return kit.ArgError(c, "BackupRetentionDays", a.BackupRetentionDays, "must be %d to %d", databaseMinBackupDays, databaseMaxBackupDays)
	case a.Protect && a.BackupRetentionDays != databaseMaxBackupDays:
		return kit.ArgError(c, "BackupRetentionDays", a.BackupRetentionDays, "must be %d in production", databaseMaxBackupDays)
	case a.Protect && !a.GeoRedundantBackup:
		return kit.ArgError(c, "GeoRedundantBackup", false, "must be true in production, so a region's loss can be restored from the paired region")
	case a.GeoRedundantBackup && a.GeoBackupIdentityId == nil:
		return kit.ArgError(c, "GeoBackupIdentityId", nil, "required with GeoRedundantBackup: the geo backup is encrypted with a key of the paired region")
	case a.GeoRedundantBackup && a.GeoBackupKeyId == nil:
		return kit.ArgError(c, "GeoBackupKeyId", nil, "required with GeoRedundantBackup: the geo backup is encrypted with a key of the paired region")
	case !a.GeoRedundantBackup && (a.GeoBackupIdentityId != nil || a.GeoBackupKeyId != nil):
		return kit.ArgError(c, "GeoBackupKeyId", "set", "needs GeoRedundantBackup: there is no geo backup to encrypt")
	case !postgresIdentifier.MatchString(a.DatabaseName):
		return kit.ArgError(c, "DatabaseName", fmt.Sprintf("%q", a.DatabaseName), "must be a lowercase PostgreSQL identifier")
	case len(a.Administrators) == 0:
		return kit.ArgError(c, "Administrators", "[]", "must name at least one Entra principal: password sign-in is disabled")
	}
	if err := a.validateDR(c, burstable); err != nil {
		return err
	}
	for i, ad := range a.Administrators {
		switch {
		case ad.ObjectID == nil:
			return kit.ArgError(c, fmt.Sprintf("Administrators[%d].ObjectID", i), nil, "required: the principal's Entra object id")
		case ad.PrincipalName == nil:
			return kit.ArgError(c, fmt.Sprintf("Administrators[%d].PrincipalName", i), nil, "required: the role name the principal signs in as")
		case !slices.Contains(postgresPrincipalTypes, ad.PrincipalType):
			return kit.ArgError(c, fmt.Sprintf("Administrators[%d].PrincipalType", i), fmt.Sprintf("%q", ad.PrincipalType), "must be one of %v", postgresPrincipalTypes)
		}
	}
	for i, e := range a.Extensions {
		if !postgresExtension.MatchString(e) || e == pgaudit || slices.Contains(a.Extensions[:i], e) {
			return kit.ArgError(c, "Extensions", fmt.Sprintf("%q", e), "must be distinct lowercase extension names other than pgaudit, which is always allowed")
		}
	}
	return azurekit.RequireTags(c, a.Tags)
}

// validateDR checks the replica's arguments: all of them with DRLocation, none without.
func (a *DatabaseArgs) validateDR(c string, burstable bool) error {
	dr := map[string]bool{
		"DRResourceGroupName": a.DRResourceGroupName != nil, "DRDelegatedSubnetId": a.DRDelegatedSubnetId != nil,
		"DRPrivateDnsZoneId": a.DRPrivateDnsZoneId != nil, "DRIdentityId": a.DRIdentityId != nil, "DRKeyId": a.DRKeyId != nil,
	}
	names := []string{"DRResourceGroupName", "DRDelegatedSubnetId", "DRPrivateDnsZoneId", "DRIdentityId", "DRKeyId"}
	if a.DRLocation == "" {
		for _, n := range names {
			if dr[n] {
				return kit.ArgError(c, n, "set", "needs DRLocation: there is no replica")
			}
		}
		return nil
	}
	if err := azurekit.CheckLocation(c, "DRLocation", a.DRLocation); err != nil {
		return err
	}
	if a.DRLocation == a.Location {
		return kit.ArgError(c, "DRLocation", fmt.Sprintf("%q", a.DRLocation), "must be a location other than Location (%s)", a.Location)
	}
	if burstable {
		return kit.ArgError(c, "DRLocation", fmt.Sprintf("%q", a.DRLocation), "needs a GeneralPurpose or MemoryOptimized SkuName (Burstable servers have no replicas)")
	}
	for _, n := range names {
		if !dr[n] {
			return kit.ArgError(c, n, nil, "required with DRLocation: the replica has its own group, subnet, zone and key in its region")
		}
	}
	return nil
}

// NewDatabase creates the server, its parameters, administrators and database and, with
// DRLocation, the cross-region replica.
func NewDatabase(ctx *pulumi.Context, name string, args *DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	d := &Database{}
	if err := kit.Register(ctx, TypeDatabase, name, args, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)
	id := args.Prefix + "-pg"

	geo := "Disabled"
	if args.GeoRedundantBackup {
		geo = "Enabled"
	}
	encryption := postgres.DataEncryptionArgs{
		Type:                          pulumi.String("AzureKeyVault"),
		PrimaryKeyURI:                 args.KeyId,
		PrimaryUserAssignedIdentityId: args.IdentityId,
	}
	identities := []pulumi.StringInput{args.IdentityId}
	if args.GeoRedundantBackup {
		encryption.GeoBackupKeyURI = args.GeoBackupKeyId
		encryption.GeoBackupUserAssignedIdentityId = args.GeoBackupIdentityId
		identities = append(identities, args.GeoBackupIdentityId)
	}
	ha := "Disabled"
	if args.HighAvailability {
		ha = "ZoneRedundant"
	}
	server := args.server(id, args.Location, args.ResourceGroupName, args.DelegatedSubnetId, args.PrivateDnsZoneId, identities)
	server.DataEncryption = encryption
	server.HighAvailability = postgres.HighAvailabilityArgs{Mode: pulumi.String(ha)}
	server.Backup = postgres.BackupArgs{
		BackupRetentionDays: pulumi.Int(args.BackupRetentionDays),
		GeoRedundantBackup:  pulumi.String(geo),
	}
	primary, err := postgres.NewServer(ctx, id, server, serverOptions(d, args)...)
	if err != nil {
		return nil, err
	}

	// ARM refuses a second operation on a server while one runs ("ServerIsBusy"), so every
	// child of the server waits for the one before it.
	last, err := newPostgresParameters(ctx, d, id, primary, args.ResourceGroupName, args.Extensions, primary)
	if err != nil {
		return nil, err
	}
	// Administrators are replicated to a replica by Azure, which refuses them there.
	for i, ad := range args.Administrators {
		if last, err = postgres.NewAdministrator(ctx, fmt.Sprintf("%s-admin-%d", id, i), &postgres.AdministratorArgs{
			ResourceGroupName: args.ResourceGroupName,
			ServerName:        primary.Name,
			ObjectId:          ad.ObjectID,
			PrincipalName:     ad.PrincipalName,
			PrincipalType:     pulumi.String(ad.PrincipalType),
			TenantId:          args.TenantID,
		}, parent, pulumi.DependsOn([]pulumi.Resource{last})); err != nil {
			return nil, err
		}
	}
	// Protected in production: removing the database from the program must never drop the
	// records in it.
	db, err := postgres.NewDatabase(ctx, id+"-"+args.DatabaseName, &postgres.DatabaseArgs{
		ResourceGroupName: args.ResourceGroupName,
		ServerName:        primary.Name,
		DatabaseName:      pulumi.String(args.DatabaseName),
		Charset:           pulumi.String("UTF8"),
		Collation:         pulumi.String("en_US.utf8"),
	}, append(kit.Stateful(d, args.Protect), pulumi.DependsOn([]pulumi.Resource{last}))...)
	if err != nil {
		return nil, err
	}

	d.DRServerName = pulumi.String("").ToStringOutput()
	d.DRServerId = pulumi.String("").ToStringOutput()
	d.DRFqdn = pulumi.String("").ToStringOutput()
	if args.DRLocation != "" {
		replica, err := newPostgresReplica(ctx, d, args, id+"-dr", primary, db)
		if err != nil {
			return nil, err
		}
		d.DRServerName = replica.Name
		d.DRServerId = replica.ID().ToStringOutput()
		d.DRFqdn = replica.FullyQualifiedDomainName
	}

	d.ServerName = primary.Name
	d.ServerId = primary.ID().ToStringOutput()
	d.Fqdn = primary.FullyQualifiedDomainName
	d.Port = pulumi.Int(postgresPort).ToIntOutput()
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{
		"serverName": d.ServerName, "serverId": d.ServerId, "fqdn": d.Fqdn, "port": d.Port,
		"drServerName": d.DRServerName, "drServerId": d.DRServerId, "drFqdn": d.DRFqdn,
	})
}

// server is what the primary and the replica share: network, sign-in, compute, storage and
// maintenance, so a promoted replica is as hardened as the server it replaces.
func (a *DatabaseArgs) server(id, location string, group, subnet, zone pulumi.StringInput, identities []pulumi.StringInput) *postgres.ServerArgs {
	return &postgres.ServerArgs{
		ServerName:        pulumi.String(id),
		ResourceGroupName: group,
		Location:          pulumi.String(location),
		Version:           pulumi.String(a.Version),
		Sku:               postgres.SkuArgs{Name: pulumi.String(a.SkuName), Tier: pulumi.String(postgresTier(a.SkuName))},
		Storage: postgres.StorageArgs{
			StorageSizeGB: pulumi.Int(a.StorageSizeGb),
			// A full disk stops writes; the disk grows instead, and the bill says so.
			AutoGrow: pulumi.String("Enabled"),
		},
		Network: postgres.NetworkArgs{
			// VNet injection: an address in the delegated subnet only, resolved through
			// the private zone; no public endpoint and no firewall rules to get wrong.
			DelegatedSubnetResourceId:   subnet,
			PrivateDnsZoneArmResourceId: zone,
			PublicNetworkAccess:         pulumi.String("Disabled"),
		},
		AuthConfig: postgres.AuthConfigArgs{
			// Entra ID only: no password to leak or rotate, sign-in is conditional-access
			// controlled and disabled with the person's account (164.312(a)(2)(i), (d)).
			ActiveDirectoryAuth: pulumi.String("Enabled"),
			PasswordAuth:        pulumi.String("Disabled"),
			TenantId:            a.TenantID,
		},
		Identity: postgresIdentities(identities),
		// Sunday 04:00 UTC, the quietest hour, rather than a window Azure picks.
		MaintenanceWindow: postgres.MaintenanceWindowArgs{
			CustomWindow: pulumi.String("Enabled"), DayOfWeek: pulumi.Int(0), StartHour: pulumi.Int(4), StartMinute: pulumi.Int(0),
		},
		Tags: azurekit.Tags(a.Tags),
	}
}

// serverOptions keep a server (its data) and leave its disk size to autogrow: diffing the
// size would try to shrink a grown disk, which Azure refuses.
func serverOptions(d *Database, a *DatabaseArgs, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append(kit.Stateful(d, a.Protect), pulumi.IgnoreChanges([]string{"storage.storageSizeGB"})), more...)
}

// postgresIdentities is the server's user-assigned identities, keyed by ARM id as the API
// wants them; the ids are only known once the identities exist.
func postgresIdentities(ids []pulumi.StringInput) postgres.UserAssignedIdentityOutput {
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	return pulumi.All(in...).ApplyT(func(vs []any) postgres.UserAssignedIdentity {
		m := map[string]postgres.UserIdentity{}
		for _, v := range vs {
			m[v.(string)] = postgres.UserIdentity{}
		}
		return postgres.UserAssignedIdentity{Type: "UserAssigned", UserAssignedIdentities: m}
	}).(postgres.UserAssignedIdentityOutput)
}

// newPostgresReplica is the read replica in DRLocation: its own subnet, zone and key, the
// same sign-in, compute and parameters. It has no standby and no backups of its own (Azure
// refuses both on a replica); promoted, it is configured as a primary then.
func newPostgresReplica(ctx *pulumi.Context, d *Database, args *DatabaseArgs, id string, primary *postgres.Server, after pulumi.Resource) (*postgres.Server, error) {
	server := args.server(id, args.DRLocation, args.DRResourceGroupName, args.DRDelegatedSubnetId, args.DRPrivateDnsZoneId,
		[]pulumi.StringInput{args.DRIdentityId})
	server.CreateMode = pulumi.String("Replica")
	server.SourceServerResourceId = primary.ID().ToStringOutput()
	server.DataEncryption = postgres.DataEncryptionArgs{
		Type:                          pulumi.String("AzureKeyVault"),
		PrimaryKeyURI:                 args.DRKeyId,
		PrimaryUserAssignedIdentityId: args.DRIdentityId,
	}
	// After the primary's database and parameters: the replica copies a finished server,
	// and its creation would otherwise collide with their updates.
	replica, err := postgres.NewServer(ctx, id, server, serverOptions(d, args, pulumi.DependsOn([]pulumi.Resource{after}))...)
	if err != nil {
		return nil, err
	}
	if _, err := newPostgresParameters(ctx, d, id, replica, args.DRResourceGroupName, args.Extensions, replica); err != nil {
		return nil, err
	}
	return replica, nil
}

// postgresParameters are the server parameters both servers get: TLS only, connections and
// checkpoints logged, brute force throttled, and pgaudit recording schema changes, grants and
// writes, without statement parameters, which could carry PHI values into the log. Each is
// set even where Azure's default agrees (Azure Policy checks them), so a changed default or a
// hand edit is put back by the next deployment.
func postgresParameters(extensions []string) [][2]string {
	return [][2]string{
		{"require_secure_transport", "on"},
		{"ssl_min_protocol_version", "TLSv1.2"},
		{"log_connections", "on"},
		{"log_disconnections", "on"},
		{"log_checkpoints", "on"},
		// Refuses a client for a while after repeated failed sign-ins from its address.
		{"connection_throttle.enable", "on"},
		// Seven days of server log files on the server, the most Azure keeps; the
		// diagnostic setting keeps them for years in the audit trail.
		{"logfiles.retention_days", "7"},
		// pgaudit must be preloaded to audit anything. pg_stat_statements stays: it is
		// Azure's default there and query performance insight reads it. A static parameter:
		// it takes effect at the server's next restart.
		{"shared_preload_libraries", "pg_stat_statements,pgaudit"},
		// CREATE EXTENSION pgaudit (its DDL event triggers) needs it allow-listed; so does
		// every extension the application creates, and nothing else.
		{"azure.extensions", strings.Join(append([]string{pgaudit}, extensions...), ",")},
		// ddl and role: who changed the schema and who was granted what; write: who changed
		// which records (HIPAA integrity, 164.312(c)). read is left out: every SELECT of
		// every screen would drown the log without naming more than the access logs do.
		{"pgaudit.log", "ddl,role,write"},
		{"pgaudit.log_parameter", "off"},
	}
}

// newPostgresParameters sets the parameters on server one after another, starting after
// `after`, and returns the last.
func newPostgresParameters(ctx *pulumi.Context, d *Database, id string, server *postgres.Server, group pulumi.StringInput, extensions []string, after pulumi.Resource) (pulumi.Resource, error) {
	last := after
	for _, p := range postgresParameters(extensions) {
		cfg, err := postgres.NewConfiguration(ctx, id+"-"+p[0], &postgres.ConfigurationArgs{
			ResourceGroupName: group,
			ServerName:        server.Name,
			ConfigurationName: pulumi.String(p[0]),
			Value:             pulumi.String(p[1]),
			Source:            pulumi.String("user-override"),
		}, pulumi.Parent(d), pulumi.DependsOn([]pulumi.Resource{last}))
		if err != nil {
			return nil, err
		}
		last = cfg
	}
	return last, nil
}
