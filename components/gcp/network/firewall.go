package network

import (
	"strconv"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GoogleFrontEnds are the ranges Google's external Application Load Balancer proxies and its
// health checkers connect from: the only addresses outside the network that reach a backend.
var GoogleFrontEnds = []string{"130.211.0.0/22", "35.191.0.0/16"}

// Firewall priorities: the allows above the logged deny-all, which sits one step above
// Google's implied deny (65535).
const (
	allowPriority = 1000
	denyPriority  = 65534
)

// internalRanges are every range the network addresses: the subnets, the pods and the
// services, in the order of the subnets.
func internalRanges(args *NetworkArgs) []string {
	var out []string
	for _, s := range args.Subnets {
		out = append(out, s.Cidr)
		if s.PodsCidr != "" {
			out = append(out, s.PodsCidr, s.ServicesCidr)
		}
	}
	return out
}

// newFirewall admits Google's load balancer and health checks to the serving ports and the
// network's own ranges to each other, and refuses and logs everything else. Nothing is allowed
// from 0.0.0.0/0. GKE adds the rules its control plane needs; egress keeps Google's implied
// allow, through Cloud NAT.
func newFirewall(ctx *pulumi.Context, n *Network, args *NetworkArgs, vpc *compute.Network) error {
	parent := pulumi.Parent(n)
	// Every rule logs its matches with the full metadata (164.312(b)): an allowed or refused
	// connection is on record with its VM, pod and rule.
	logged := compute.FirewallLogConfigArgs{Metadata: pulumi.String("INCLUDE_ALL_METADATA")}
	ports := pulumi.StringArray{}
	for _, p := range args.ServingPorts {
		ports = append(ports, pulumi.String(strconv.Itoa(p)))
	}
	rules := []struct {
		id   string
		args *compute.FirewallArgs
	}{
		{"allow-google-lb", &compute.FirewallArgs{
			Description:  pulumi.String("Google's load balancer and health checks to the serving ports"),
			Direction:    pulumi.String("INGRESS"),
			Priority:     pulumi.Int(allowPriority),
			SourceRanges: pulumi.ToStringArray(GoogleFrontEnds),
			Allows:       compute.FirewallAllowArray{compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: ports}},
		}},
		// Nodes and pods talk to each other across the network's ranges; Kubernetes network
		// policies narrow this per workload.
		{"allow-internal", &compute.FirewallArgs{
			Description:  pulumi.String("Traffic between the network's subnets, pods and services"),
			Direction:    pulumi.String("INGRESS"),
			Priority:     pulumi.Int(allowPriority),
			SourceRanges: pulumi.ToStringArray(internalRanges(args)),
			Allows:       compute.FirewallAllowArray{compute.FirewallAllowArgs{Protocol: pulumi.String("all")}},
		}},
		// Google's implied deny cannot be logged; this copy of it can, so every refused
		// connection is on record.
		{"deny-all-ingress", &compute.FirewallArgs{
			Description:  pulumi.String("Refuse and log all other ingress"),
			Direction:    pulumi.String("INGRESS"),
			Priority:     pulumi.Int(denyPriority),
			SourceRanges: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			Denies:       compute.FirewallDenyArray{compute.FirewallDenyArgs{Protocol: pulumi.String("all")}},
		}},
	}
	for _, r := range rules {
		r.args.Network = vpc.ID()
		r.args.LogConfig = logged
		if _, err := compute.NewFirewall(ctx, args.Prefix+"-"+r.id, r.args, parent); err != nil {
			return err
		}
	}
	return nil
}
