// Package netrange answers the two questions the estate asks of every network range, the same
// way in the config validator and in the components: is it private, and do two ranges meet.
package netrange

import "net"

var private = []*net.IPNet{mustCIDR("10.0.0.0/8"), mustCIDR("172.16.0.0/12"), mustCIDR("192.168.0.0/16")}

func mustCIDR(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// Private reports an IPv4 network inside the RFC 1918 ranges.
func Private(n *net.IPNet) bool {
	if n == nil || n.IP.To4() == nil {
		return false
	}
	ones, _ := n.Mask.Size()
	for _, p := range private {
		if pOnes, _ := p.Mask.Size(); p.Contains(n.IP) && ones >= pOnes {
			return true
		}
	}
	return false
}

// Overlap reports two networks that share an address: the ranges of one network must be
// disjoint, or the cloud refuses them or routes become ambiguous.
func Overlap(a, b *net.IPNet) bool {
	return a != nil && b != nil && (a.Contains(b.IP) || b.Contains(a.IP))
}
