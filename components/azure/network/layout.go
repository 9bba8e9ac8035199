package network

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/netrange"
)

// Layout is how Network carves its address space into subnets, so that a stack can name
// another network's subnets (the other location's database subnet, which replicates with this
// one's) before that network exists.
//
// The first half of the space is the nodes': with Azure CNI Overlay pods take their addresses
// from the cluster's pod range, not the network, so the half holds the nodes of every pool at
// full scale with room for surge upgrades. The second half starts with the fixed-size subnets:
//
//	gateway    /24  Microsoft's size for an autoscaling Application Gateway v2 (up to 125 instances)
//	endpoints  /24  one address per private endpoint
//	database   /24  delegated to PostgreSQL Flexible Server: primary, zone-redundant standby, replicas
//	apiserver  /28  delegated to AKS for API Server VNet Integration, the smallest size AKS takes
//
// and leaves the rest unallocated for what the estate adds later. For 10.60.0.0/16 that is nodes
// 10.60.0.0/17, gateway 10.60.128.0/24, endpoints 10.60.129.0/24, database 10.60.130.0/24 and
// apiserver 10.60.131.0/28.
type Layout struct {
	Nodes, Gateway, Endpoints, Database, ApiServer string
}

// The prefixes Network accepts: a /20 is the smallest space whose second half holds the fixed
// subnets; a /16 is the largest a private network needs and the most Azure's 10/8 plans
// usually hand one region.
const (
	minPrefix = 16
	maxPrefix = 20
)

// Carve lays a private IPv4 network of /16 to /20 out as Layout describes.
func Carve(cidr string) (Layout, error) {
	const c = "Network"
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return Layout{}, kit.ArgError(c, "Cidr", fmt.Sprintf("%q", cidr), "must be an IPv4 network address in CIDR form, such as 10.60.0.0/16")
	}
	if _, n, _ := net.ParseCIDR(cidr); !netrange.Private(n) {
		return Layout{}, kit.ArgError(c, "Cidr", cidr, "must be private (RFC 1918): nothing in the network is addressed from the internet")
	}
	bits := p.Bits()
	if bits < minPrefix || bits > maxPrefix {
		return Layout{}, kit.ArgError(c, "Cidr", cidr, "prefix must be /%d to /%d", minPrefix, maxPrefix)
	}
	a4 := p.Addr().As4()
	base := binary.BigEndian.Uint32(a4[:])
	half := uint32(1) << (32 - bits - 1)
	at := func(offset uint32, bits int) string {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], base+offset)
		return netip.PrefixFrom(netip.AddrFrom4(b), bits).String()
	}
	return Layout{
		Nodes:     at(0, bits+1),
		Gateway:   at(half, 24),
		Endpoints: at(half+256, 24),
		Database:  at(half+512, 24),
		ApiServer: at(half+768, 28),
	}, nil
}

// privateCIDR accepts a private IPv4 network address in CIDR form, for the ranges the network
// admits from elsewhere (the pod range, another network's database subnet).
func privateCIDR(c, arg, cidr string) error {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return kit.ArgError(c, arg, fmt.Sprintf("%q", cidr), "must be an IPv4 network address in CIDR form, such as 10.244.0.0/16")
	}
	if _, n, _ := net.ParseCIDR(cidr); !netrange.Private(n) {
		return kit.ArgError(c, arg, cidr, "must be private (RFC 1918)")
	}
	return nil
}
