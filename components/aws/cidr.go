package aws

import (
	"encoding/binary"
	"fmt"
	"net"
)

// cidrSubnet is Terraform's cidrsubnet: the netNum-th network of prefix+newBits inside base.
func cidrSubnet(base string, newBits, netNum int) (string, error) {
	_, n, err := net.ParseCIDR(base)
	if err != nil || n.IP.To4() == nil {
		return "", fmt.Errorf("%q is not an IPv4 CIDR", base)
	}
	ones, _ := n.Mask.Size()
	prefix := ones + newBits
	if prefix > 28 || netNum < 0 || netNum >= 1<<newBits {
		return "", fmt.Errorf("cannot carve network %d of /%d out of %s", netNum, prefix, base)
	}
	ip := binary.BigEndian.Uint32(n.IP.To4()) | uint32(netNum)<<(32-prefix)
	out := make(net.IP, 4)
	binary.BigEndian.PutUint32(out, ip)
	return fmt.Sprintf("%s/%d", out, prefix), nil
}
