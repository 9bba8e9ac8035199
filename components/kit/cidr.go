package kit

import (
	"net"

	"github.com/healthhub/estate/internal/netrange"
)

// IsPrivateCIDR reports an IPv4 network inside the RFC 1918 ranges.
func IsPrivateCIDR(cidr string) bool {
	_, n, err := net.ParseCIDR(cidr)
	return err == nil && netrange.Private(n)
}

// ClientCidrs accepts private networks only: data stores are never reachable from outside.
func ClientCidrs(component, arg string, cidrs []string) error {
	if len(cidrs) == 0 {
		return ArgError(component, arg, cidrs, "required: the networks the workloads run in")
	}
	for _, cidr := range cidrs {
		if !IsPrivateCIDR(cidr) {
			return ArgError(component, arg, cidr, "must be private (RFC 1918) networks; the database is never open to the internet")
		}
	}
	return nil
}

// CIDRsOverlap reports two networks that share an address. The ranges of one network
// (subnets, secondary ranges, ranges reserved for managed services) must be disjoint, or the
// cloud refuses them or routes become ambiguous. Either being malformed counts as no overlap:
// the caller checks the shape first.
func CIDRsOverlap(a, b string) bool {
	_, na, errA := net.ParseCIDR(a)
	_, nb, errB := net.ParseCIDR(b)
	return errA == nil && errB == nil && netrange.Overlap(na, nb)
}
