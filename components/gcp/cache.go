package gcp

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/redis"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// CacheTier is a Memorystore for Redis service tier.
type CacheTier string

// Service tiers: STANDARD_HA keeps a replica in another zone and fails over to it; BASIC is
// one node, whose loss (or maintenance) empties the cache.
const (
	CacheStandardHA CacheTier = "STANDARD_HA"
	CacheBasic      CacheTier = "BASIC"
)

// CacheArgs configures the Memorystore for Redis instance that holds sessions and derived
// data.
type CacheArgs struct {
	// Prefix names the instance <prefix>-redis and its AUTH secret <prefix>-redis-auth.
	Prefix string
	Region string
	// Network is the VPC (its id or self link) the instance is reached from, through its
	// private service access connection.
	Network pulumi.StringInput
	// KmsKeyName encrypts data at rest and the RDB snapshots (a key in Region). Required.
	KmsKeyName pulumi.StringInput
	// Tier is CacheStandardHA (default) or CacheBasic; BASIC is refused in production.
	Tier CacheTier
	// MemorySizeGb is the capacity, 1 to 300 (default 5).
	MemorySizeGb int
	// RedisVersion is REDIS_6_X or REDIS_7_x (default REDIS_7_2).
	RedisVersion string
	// ReadReplicas are the STANDARD_HA nodes that serve the read endpoint, 1 to 5. Left 0, a
	// STANDARD_HA instance of 5 GB or more gets 1 (it costs no node over the standby it
	// replaces); Memorystore offers no read replicas to BASIC or under 5 GB, and there
	// ReadEndpoint is Host.
	ReadReplicas int
	// SecretsKmsKeyName encrypts the Secret Manager copy of the AUTH string (a key in Region).
	SecretsKmsKeyName pulumi.StringInput
	// DRRegion, when set, keeps a replica of the AUTH secret there, under
	// DRSecretsKmsKeyName (a key in DRRegion, required then).
	DRRegion            string
	DRSecretsKmsKeyName pulumi.StringInput
	// AuthReaders are the IAM members (serviceAccount:...) that may read the AUTH secret.
	AuthReaders []pulumi.StringInput
	// DependsOn are what must exist first: the private service access connection.
	DependsOn []pulumi.Resource
	// Protect keeps the instance and the AUTH secret through destroys and config changes
	// (production): Memorystore has no deletion protection of its own.
	Protect bool
	Labels  map[string]string
}

// Cache is a Memorystore for Redis instance on a private address, requiring its AUTH string
// and TLS, encrypted with a customer-managed key, snapshotted twice a day, with the AUTH
// string kept in Secret Manager for the workloads rather than in the program's outputs.
type Cache struct {
	pulumi.ResourceState

	Host         pulumi.StringOutput `pulumi:"host"`
	ReadEndpoint pulumi.StringOutput `pulumi:"readEndpoint"`
	// Port is the TLS port (6378 with in-transit encryption).
	Port pulumi.IntOutput `pulumi:"port"`
	// AuthSecretId is the AUTH string's secret, projects/<project>/secrets/<prefix>-redis-auth.
	AuthSecretId pulumi.StringOutput `pulumi:"authSecretId"`
	// ServerCaCerts are the PEM certificates of the instance's own CA, which clients verify
	// the server with (more than one during a rotation).
	ServerCaCerts pulumi.StringOutput `pulumi:"serverCaCerts"`
}

const (
	cacheDefaultMemoryGb = 5
	cacheDefaultVersion  = "REDIS_7_2"
	// cacheReadReplicasMinGb is the smallest instance Memorystore gives read replicas.
	cacheReadReplicasMinGb = 5
	cacheMaxReadReplicas   = 5
)

var (
	// cachePrefix leaves room for "-redis" within Memorystore's 40 characters.
	cachePrefix  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,33}$`)
	redisVersion = regexp.MustCompile(`^REDIS_(6_X|7_[0-9])$`)
)

// Validate fills the defaults and checks the Args before anything is registered.
func (a *CacheArgs) Validate() error {
	const c = "Cache"
	a.Tier = cmp.Or(a.Tier, CacheStandardHA)
	a.RedisVersion = cmp.Or(a.RedisVersion, cacheDefaultVersion)
	if a.MemorySizeGb == 0 {
		a.MemorySizeGb = cacheDefaultMemoryGb
	}
	if a.ReadReplicas == 0 && a.Tier == CacheStandardHA && a.MemorySizeGb >= cacheReadReplicasMinGb {
		a.ReadReplicas = 1
	}
	switch {
	case !cachePrefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 34 lowercase letters, digits or hyphens (it names the instance)")
	case !gcpkit.Region.MatchString(a.Region):
		return kit.ArgError(c, "Region", fmt.Sprintf("%q", a.Region), "must be a region such as europe-west2")
	case a.Network == nil:
		return kit.ArgError(c, "Network", nil, "required: the VPC whose private service access connection the instance joins")
	case a.KmsKeyName == nil:
		return kit.ArgError(c, "KmsKeyName", nil, "required: data at rest is always encrypted with a customer-managed key in Region")
	case a.Tier != CacheStandardHA && a.Tier != CacheBasic:
		return kit.ArgError(c, "Tier", fmt.Sprintf("%q", a.Tier), "must be %s or %s", CacheStandardHA, CacheBasic)
	case a.Protect && a.Tier == CacheBasic:
		return kit.ArgError(c, "Tier", fmt.Sprintf("%q", a.Tier), "must be %s in production: a BASIC instance has no replica to fail over to", CacheStandardHA)
	case a.MemorySizeGb < 1 || a.MemorySizeGb > 300:
		return kit.ArgError(c, "MemorySizeGb", a.MemorySizeGb, "must be 1 to 300")
	case !redisVersion.MatchString(a.RedisVersion):
		return kit.ArgError(c, "RedisVersion", fmt.Sprintf("%q", a.RedisVersion), "must be a Memorystore version such as REDIS_7_2")
	case a.ReadReplicas < 0 || a.ReadReplicas > cacheMaxReadReplicas:
		return kit.ArgError(c, "ReadReplicas", a.ReadReplicas, "must be 0 to %d", cacheMaxReadReplicas)
	case a.ReadReplicas > 0 && a.Tier == CacheBasic:
		return kit.ArgError(c, "ReadReplicas", a.ReadReplicas, "must be 0 with %s: read replicas are a %s feature", CacheBasic, CacheStandardHA)
	case a.ReadReplicas > 0 && a.MemorySizeGb < cacheReadReplicasMinGb:
		return kit.ArgError(c, "ReadReplicas", a.ReadReplicas, "must be 0 under %d GB (MemorySizeGb = %d): Memorystore offers read replicas from %d GB", cacheReadReplicasMinGb, a.MemorySizeGb, cacheReadReplicasMinGb)
	case a.SecretsKmsKeyName == nil:
		return kit.ArgError(c, "SecretsKmsKeyName", nil, "required: the AUTH string is kept in Secret Manager under a customer-managed key")
	case a.DRRegion != "" && (!gcpkit.Region.MatchString(a.DRRegion) || a.DRRegion == a.Region):
		return kit.ArgError(c, "DRRegion", fmt.Sprintf("%q", a.DRRegion), "must be a region other than Region (%s)", a.Region)
	case a.DRRegion != "" && a.DRSecretsKmsKeyName == nil:
		return kit.ArgError(c, "DRSecretsKmsKeyName", nil, "required with DRRegion: the AUTH secret's replica is encrypted with a key in its own region")
	case a.DRRegion == "" && a.DRSecretsKmsKeyName != nil:
		return kit.ArgError(c, "DRSecretsKmsKeyName", "set", "needs DRRegion: there is no replica to encrypt")
	}
	for i, r := range a.AuthReaders {
		if r == nil {
			return kit.ArgError(c, fmt.Sprintf("AuthReaders[%d]", i), nil, "required: an IAM member such as serviceAccount:<email>")
		}
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// NewCache creates the instance and the secret that holds its AUTH string.
func NewCache(ctx *pulumi.Context, name string, args *CacheArgs, opts ...pulumi.ResourceOption) (*Cache, error) {
	c := &Cache{}
	if err := kit.Register(ctx, TypeCache, name, args, c, opts...); err != nil {
		return nil, err
	}
	id := args.Prefix + "-redis"

	instance := &redis.InstanceArgs{
		Name:         pulumi.String(id),
		DisplayName:  pulumi.String("Sessions and derived data for " + args.Prefix),
		Region:       pulumi.String(args.Region),
		Tier:         pulumi.String(string(args.Tier)),
		MemorySizeGb: pulumi.Int(args.MemorySizeGb),
		RedisVersion: pulumi.String(args.RedisVersion),
		// Reached through the VPC's private service access range only, like Cloud SQL,
		// rather than through a peering of its own.
		AuthorizedNetwork: args.Network,
		ConnectMode:       pulumi.String("PRIVATE_SERVICE_ACCESS"),
		// Every client presents the AUTH string, over TLS: a pod on the network is not
		// trusted for being there.
		AuthEnabled:           pulumi.Bool(true),
		TransitEncryptionMode: pulumi.String("SERVER_AUTHENTICATION"),
		CustomerManagedKey:    args.KmsKeyName,
		// RDB snapshots twice a day: a restart or failover restores sessions from at most
		// twelve hours ago rather than from nothing.
		PersistenceConfig: redis.InstancePersistenceConfigArgs{
			PersistenceMode:   pulumi.String("RDB"),
			RdbSnapshotPeriod: pulumi.String("TWELVE_HOURS"),
		},
		// Sunday 05:00 UTC, after the database's window.
		MaintenancePolicy: redis.InstanceMaintenancePolicyArgs{
			WeeklyMaintenanceWindows: redis.InstanceMaintenancePolicyWeeklyMaintenanceWindowArray{
				redis.InstanceMaintenancePolicyWeeklyMaintenanceWindowArgs{
					Day:       pulumi.String("SUNDAY"),
					StartTime: redis.InstanceMaintenancePolicyWeeklyMaintenanceWindowStartTimeArgs{Hours: pulumi.Int(5)},
				},
			},
		},
		// A cache full of sessions evicts the least recently used key rather than refusing
		// writes, which would sign users out.
		RedisConfigs: pulumi.StringMap{"maxmemory-policy": pulumi.String("allkeys-lru")},
		Labels:       gcpkit.Labels(args.Labels),
	}
	if args.ReadReplicas > 0 {
		instance.ReadReplicasMode = pulumi.String("READ_REPLICAS_ENABLED")
		instance.ReplicaCount = pulumi.Int(args.ReadReplicas)
	}
	redisInstance, err := redis.NewInstance(ctx, id, instance,
		append(kit.Stateful(c, args.Protect), pulumi.DependsOn(args.DependsOn))...)
	if err != nil {
		return nil, err
	}

	replicas := []SecretReplica{{Location: args.Region, KmsKeyName: args.SecretsKmsKeyName}}
	if args.DRRegion != "" {
		replicas = append(replicas, SecretReplica{Location: args.DRRegion, KmsKeyName: args.DRSecretsKmsKeyName})
	}
	auth, err := NewSecrets(ctx, id+"-auth", &SecretsArgs{
		Prefix:   id,
		Values:   map[string]pulumi.StringInput{"auth": redisInstance.AuthString},
		Replicas: replicas,
		Readers:  map[string][]pulumi.StringInput{"auth": args.AuthReaders},
		Protect:  args.Protect,
		Labels:   args.Labels,
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}

	c.Host = redisInstance.Host
	c.ReadEndpoint = redisInstance.Host
	if args.ReadReplicas > 0 {
		c.ReadEndpoint = redisInstance.ReadEndpoint
	}
	c.Port = redisInstance.Port
	c.AuthSecretId = auth.Id("auth")
	c.ServerCaCerts = redisInstance.ServerCaCerts.ApplyT(func(certs []redis.InstanceServerCaCert) string {
		var pem []string
		for _, cert := range certs {
			if cert.Cert != nil {
				pem = append(pem, strings.TrimSpace(*cert.Cert))
			}
		}
		return strings.Join(pem, "\n")
	}).(pulumi.StringOutput)
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"host": c.Host, "readEndpoint": c.ReadEndpoint, "port": c.Port,
		"authSecretId": c.AuthSecretId, "serverCaCerts": c.ServerCaCerts,
	})
}
