package network

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
)

// GroupIds are the private link sub-resources the estate puts behind private endpoints: a
// vault, a managed HSM, a storage account's blob, Data Lake, file, queue, table and static web
// endpoints, a container registry, a Recovery Services vault's backup and site recovery, and a
// Monitor private link scope. A group id is case-sensitive in ARM and a misspelt one fails
// only when the endpoint is created.
var GroupIds = []string{
	"vault", "managedhsm",
	"blob", "blob_secondary", "dfs", "file", "queue", "table", "web",
	"registry",
	"AzureBackup", "AzureSiteRecovery",
	"azuremonitor",
}

// PrivateEndpointArgs configures a private endpoint for one resource.
type PrivateEndpointArgs struct {
	// ResourceGroupName is the group the endpoint goes in.
	ResourceGroupName pulumi.StringInput
	// Location is the endpoint's location: its subnet's network's.
	Location string
	// SubnetId is the subnet the endpoint takes its address from (Network's EndpointSubnetId).
	SubnetId pulumi.StringInput
	// TargetId is the ARM id of the resource the endpoint reaches (a vault, a storage account).
	TargetId pulumi.StringInput
	// GroupId is the target's sub-resource, one of GroupIds, such as "vault" or "blob".
	GroupId string
	// DnsZoneId is the private DNS zone the endpoint's record is written to (Network's
	// ZoneIds[ZoneKeyVault] for a vault).
	DnsZoneId pulumi.StringInput
	// Tags are the estate's tags.
	Tags map[string]string
}

// PrivateEndpoint puts a resource whose public access is disabled into the endpoints subnet:
// a private endpoint, approved on creation, and a DNS zone group that keeps the endpoint's
// address in the zone for as long as the endpoint exists. The component's name is the
// endpoint's name in Azure, and its network interface is "<name>-nic".
type PrivateEndpoint struct {
	pulumi.ResourceState

	EndpointId pulumi.StringOutput `pulumi:"endpointId"`
}

// Validate checks the Args before anything is registered.
func (a *PrivateEndpointArgs) Validate() error {
	const c = "PrivateEndpoint"
	switch {
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case a.SubnetId == nil:
		return kit.ArgError(c, "SubnetId", nil, "required: the network's endpoints subnet")
	case a.TargetId == nil:
		return kit.ArgError(c, "TargetId", nil, "required: the ARM id of the resource the endpoint reaches")
	case !slices.Contains(GroupIds, a.GroupId):
		return kit.ArgError(c, "GroupId", fmt.Sprintf("%q", a.GroupId), "must be one of %s", strings.Join(GroupIds, ", "))
	case a.DnsZoneId == nil:
		return kit.ArgError(c, "DnsZoneId", nil, "required: the private DNS zone the endpoint's name resolves in")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	return azurekit.RequireTags(c, a.Tags)
}

// endpointName is ARM's rule for a private endpoint's name, short enough for the "-nic" suffix
// of its network interface.
var endpointName = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,74}[a-zA-Z0-9_])?$`)

// NewPrivateEndpoint creates the endpoint and its DNS zone group.
func NewPrivateEndpoint(ctx *pulumi.Context, name string, args *PrivateEndpointArgs, opts ...pulumi.ResourceOption) (*PrivateEndpoint, error) {
	if !endpointName.MatchString(name) {
		return nil, kit.ArgError("PrivateEndpoint", "name", fmt.Sprintf("%q", name), "must be a private endpoint's name: 1 to 76 letters, digits, underscores, periods or hyphens, starting with a letter or digit")
	}
	e := &PrivateEndpoint{}
	if err := kit.Register(ctx, TypePrivateEndpoint, name, args, e, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(e)

	endpoint, err := network.NewPrivateEndpoint(ctx, name, &network.PrivateEndpointArgs{
		PrivateEndpointName: pulumi.String(name),
		ResourceGroupName:   args.ResourceGroupName,
		Location:            pulumi.String(args.Location),
		Subnet:              network.SubnetTypeArgs{Id: args.SubnetId},
		// Named, so the interface is recognisable in the subnet rather than Azure's
		// "<endpoint>.nic.<guid>".
		CustomNetworkInterfaceName: pulumi.String(name + "-nic"),
		// An automatic connection: the deployer owns both sides, so the connection is approved
		// on creation and nothing waits for a manual approval that could be given to another
		// tenant's request by mistake.
		PrivateLinkServiceConnections: network.PrivateLinkServiceConnectionArray{
			network.PrivateLinkServiceConnectionArgs{
				Name:                 pulumi.String(name),
				PrivateLinkServiceId: args.TargetId,
				GroupIds:             pulumi.ToStringArray([]string{args.GroupId}),
			},
		},
		Tags: azurekit.Tags(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	// The zone group writes the endpoint's A record into the zone and removes it with the
	// endpoint, so the name never points at an address that has been handed to something else.
	if _, err := network.NewPrivateDnsZoneGroup(ctx, name, &network.PrivateDnsZoneGroupArgs{
		PrivateDnsZoneGroupName: pulumi.String("default"),
		PrivateEndpointName:     endpoint.Name,
		ResourceGroupName:       args.ResourceGroupName,
		PrivateDnsZoneConfigs: network.PrivateDnsZoneConfigArray{
			network.PrivateDnsZoneConfigArgs{Name: pulumi.String(args.GroupId), PrivateDnsZoneId: args.DnsZoneId},
		},
	}, parent); err != nil {
		return nil, err
	}

	e.EndpointId = endpoint.ID().ToStringOutput()
	return e, ctx.RegisterResourceOutputs(e, pulumi.Map{"endpointId": e.EndpointId})
}
