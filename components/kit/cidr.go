package kit

import "net"

var privateRanges = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}

// IsPrivateCIDR reports an IPv4 network inside the RFC 1918 ranges.
func IsPrivateCIDR(cidr string) bool {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.IP.To4() == nil {
		return false
	}
	ones, _ := n.Mask.Size()
	for _, r := range privateRanges {
		_, p, _ := net.ParseCIDR(r)
		if pOnes, _ := p.Mask.Size(); p.Contains(n.IP) && ones >= pOnes {
			return true
		}
	}
	return false
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
	if errA != nil || errB != nil {
		return false
	}
	return na.Contains(nb.IP) || nb.Contains(na.IP)
}
