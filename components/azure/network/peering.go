package network

import (
	"regexp"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// PeeringArgs joins two of the estate's networks, both ways. Each peering is named
// <its side's Name>-to-<the other side's Name>.
type PeeringArgs struct {
	// Left and Right are the two networks, each by its group, its VNet's name and its id.
	Left, Right PeeredNetwork
}

// PeeredNetwork is one side of a peering.
type PeeredNetwork struct {
	Name              string
	ResourceGroupName pulumi.StringInput
	VnetName, VnetId  pulumi.StringInput
}

// Peering joins the primary and the DR network so the database replica streams from the
// primary on the Azure backbone, and a cluster rebuilt in the DR location reaches the primary's
// private endpoints. Each side sees the other's address space and nothing beyond it: neither
// forwards traffic from elsewhere nor lends its gateways, so the peering is no path in from
// a third network.
type Peering struct {
	pulumi.ResourceState
}

// peeringName is a side's short name in the peerings' names.
var peeringName = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// Validate checks the Args before anything is registered.
func (a *PeeringArgs) Validate() error {
	const c = "Peering"
	for _, side := range []struct {
		arg string
		n   PeeredNetwork
	}{{"Left", a.Left}, {"Right", a.Right}} {
		switch {
		case !peeringName.MatchString(side.n.Name):
			return kit.ArgError(c, side.arg+".Name", side.n.Name, "must be 1 to 32 lowercase letters, digits or hyphens: it names the peering")
		case side.n.ResourceGroupName == nil || side.n.VnetName == nil || side.n.VnetId == nil:
			return kit.ArgError(c, side.arg, nil, "required: the network's group, VNet name and id (Network's outputs)")
		}
	}
	if a.Left.Name == a.Right.Name {
		return kit.ArgError(c, "Right.Name", a.Right.Name, "must differ from Left.Name: a network is not peered with itself")
	}
	return nil
}

// NewPeering peers the two networks, both ways.
func NewPeering(ctx *pulumi.Context, name string, args *PeeringArgs, opts ...pulumi.ResourceOption) (*Peering, error) {
	p := &Peering{}
	if err := kit.Register(ctx, TypePeering, name, args, p, opts...); err != nil {
		return nil, err
	}
	for _, pair := range [][2]PeeredNetwork{{args.Left, args.Right}, {args.Right, args.Left}} {
		from, to := pair[0], pair[1]
		peering := from.Name + "-to-" + to.Name
		if _, err := network.NewVirtualNetworkPeering(ctx, peering, &network.VirtualNetworkPeeringArgs{
			VirtualNetworkPeeringName: pulumi.String(peering),
			ResourceGroupName:         from.ResourceGroupName,
			VirtualNetworkName:        from.VnetName,
			RemoteVirtualNetwork:      &network.SubResourceArgs{Id: to.VnetId},
			AllowVirtualNetworkAccess: pulumi.Bool(true),
			// Traffic that did not start in the peer stays out: the peering joins two networks,
			// it is no route from a third.
			AllowForwardedTraffic: pulumi.Bool(false),
			AllowGatewayTransit:   pulumi.Bool(false),
			UseRemoteGateways:     pulumi.Bool(false),
		}, pulumi.Parent(p)); err != nil {
			return nil, err
		}
	}
	return p, ctx.RegisterResourceOutputs(p, pulumi.Map{})
}
