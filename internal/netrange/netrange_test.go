package netrange

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
)

func cidr(s string) *net.IPNet {
	_, n, _ := net.ParseCIDR(s)
	return n
}

func TestPrivate(t *testing.T) {
	for _, tt := range []struct {
		cidr string
		want bool
	}{
		{"10.50.0.0/16", true}, {"172.16.0.0/28", true}, {"192.168.10.0/24", true},
		{"172.32.0.0/16", false}, {"8.8.0.0/16", false}, {"10.0.0.0/7", false}, {"fd00::/8", false},
	} {
		assert.Equal(t, tt.want, Private(cidr(tt.cidr)), tt.cidr)
	}
	assert.False(t, Private(nil))
}

func TestOverlap(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"10.50.0.0/16", "10.48.0.0/14", true}, {"10.48.0.0/14", "10.50.0.0/16", true},
		{"10.50.0.0/16", "10.51.0.0/16", false}, {"10.52.0.0/16", "10.52.0.0/16", true},
	} {
		assert.Equal(t, tt.want, Overlap(cidr(tt.a), cidr(tt.b)), "%s %s", tt.a, tt.b)
	}
	assert.False(t, Overlap(nil, cidr("10.0.0.0/8")))
}
