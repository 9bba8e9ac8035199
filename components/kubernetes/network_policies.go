package kubernetes

import (
	"fmt"
	"net"
	"slices"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// NetworkPoliciesArgs are the flows the system needs, on top of each namespace's default deny.
type NetworkPoliciesArgs struct {
	// Namespaces are every namespace of the estate: each may resolve names through kube-dns,
	// and nothing else without a flow below.
	Namespaces []string
	Apps       []AppFlows
	// Monitoring, when set, may scrape every app on its port.
	Monitoring *Scraper
	Labels     map[string]string
}

// AppFlows are one workload's allowed connections.
type AppFlows struct {
	Name, Namespace string
	// Selector picks the workload's pods (the Workload's Selector).
	Selector map[string]string
	Port     int
	// FromIngress are the networks the ingress controller reaches the pods from (a load
	// balancer's subnets when it targets pod IPs); FromIngressNamespace is an in-cluster
	// controller's namespace. Only the frontend is reached from outside.
	FromIngress          []string
	FromIngressNamespace string
	// Calls are the apps this one connects to, by name, on their ports.
	Calls []string
	// Egress are the destinations beyond the chain of apps: the data stores, the cloud's
	// endpoints.
	Egress []Destination
}

// Destination is a set of networks, or of pods in the cluster, reached on some ports.
type Destination struct {
	// Why names the flow in the policy ("database", "cache", "cloud endpoints").
	Why   string
	Cidrs []string
	// Pods, instead of Cidrs, are pods in the cluster (the in-cluster cache): their addresses
	// change with every restart, so the flow names them by namespace and labels.
	Pods  *Peer
	Ports []pulumi.IntInput
	// SignIn says Cidrs are the cloud identity provider's public sign-in service (Entra ID's
	// login, where an AKS pod exchanges its federated token): wider than a private endpoint
	// and on the internet, but it receives tokens, never data, and only on 443.
	SignIn bool
}

// signInWidest is the widest range a SignIn destination may name: Entra ID's sign-in ranges
// are /18s.
const signInWidest = 16

// Peer is the pods of one namespace that a selector picks.
type Peer struct {
	Namespace string
	Selector  map[string]string
}

// check refuses a peer that would match more than the pods it means: an empty selector is
// every pod of the namespace.
func (p Peer) check(component, arg string) error {
	switch {
	case !dnsLabel.MatchString(p.Namespace):
		return kit.ArgError(component, arg+".Namespace", fmt.Sprintf("%q", p.Namespace), "must be a namespace's name, a DNS label")
	case len(p.Selector) == 0:
		return kit.ArgError(component, arg+".Selector", "{}", "required: an empty selector would pick every pod of the namespace")
	}
	return nil
}

// Scraper is the monitoring namespace's Prometheus.
type Scraper struct {
	Namespace string
	Selector  map[string]string
}

// NetworkPolicies open, in every namespace, DNS, and between the workloads exactly the
// chain ingress → frontend → backend → model serving, the backend's reach to the data stores,
// the cloud endpoints the pods call and Prometheus's scrapes (NSA/CISA 2.0).
type NetworkPolicies struct {
	pulumi.ResourceState
}

// Validate checks the Args before anything is registered.
func (a *NetworkPoliciesArgs) Validate() error {
	const c = "NetworkPolicies"
	if len(a.Namespaces) == 0 {
		return kit.ArgError(c, "Namespaces", "[]", "required: every namespace gets its DNS egress")
	}
	names := map[string]bool{}
	for _, app := range a.Apps {
		names[app.Name] = true
	}
	for i, app := range a.Apps {
		arg := fmt.Sprintf("Apps[%d]", i)
		switch {
		case !dnsLabel.MatchString(app.Name):
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", app.Name), "must be a DNS label")
		case !slices.Contains(a.Namespaces, app.Namespace):
			return kit.ArgError(c, arg+".Namespace", app.Namespace, "must be one of Namespaces %v", a.Namespaces)
		case len(app.Selector) == 0:
			return kit.ArgError(c, arg+".Selector", "{}", "required: an empty selector would open the flows to every pod of the namespace")
		case app.Port < 1024 || app.Port > 65535:
			return kit.ArgError(c, arg+".Port", app.Port, "must be 1024 to 65535")
		}
		for _, cidr := range app.FromIngress {
			if _, n, err := net.ParseCIDR(cidr); err != nil || n.String() == "0.0.0.0/0" {
				return kit.ArgError(c, arg+".FromIngress", cidr, "must be the controller's networks, IPv4 CIDRs narrower than 0.0.0.0/0 (the firewall is in front of the controller, not the pods)")
			}
		}
		for _, called := range app.Calls {
			if !names[called] || called == app.Name {
				return kit.ArgError(c, arg+".Calls", called, "must name another app of Apps")
			}
		}
		for j, d := range app.Egress {
			darg := fmt.Sprintf("%s.Egress[%d]", arg, j)
			if d.Why == "" || len(d.Ports) == 0 || (len(d.Cidrs) == 0) == (d.Pods == nil) {
				return kit.ArgError(c, darg, fmt.Sprintf("%+v", d), "needs Why, Ports, and Cidrs or Pods (one of them): an egress flow names what it reaches and how")
			}
			if d.Pods != nil {
				if err := d.Pods.check(c, darg+".Pods"); err != nil {
					return err
				}
			}
			if d.SignIn {
				if err := checkSignIn(c, darg, d); err != nil {
					return err
				}
				continue
			}
			for _, cidr := range d.Cidrs {
				// Named networks only: a private range, or a cloud's fixed private-access range
				// (GCP's private.googleapis.com is 199.36.153.8/30); never the internet at large.
				if _, n, err := net.ParseCIDR(cidr); err != nil || n.IP.To4() == nil || !kit.IsPrivateCIDR(cidr) && ones(n) < 24 {
					return kit.ArgError(c, darg+".Cidrs", cidr, "must be a private network, or a public one no wider than /24 that the cloud names for its private endpoints: PHI never leaves for the internet at large")
				}
			}
		}
	}
	if m := a.Monitoring; m != nil && (!slices.Contains(a.Namespaces, m.Namespace) || len(m.Selector) == 0) {
		return kit.ArgError(c, "Monitoring", fmt.Sprintf("%+v", *m), "must name one of Namespaces and select Prometheus's pods")
	}
	return kit.RequireTags(c, a.Labels)
}

// NewNetworkPolicies creates the policies; the provider comes from the options, and the
// caller makes them depend on the namespaces.
func NewNetworkPolicies(ctx *pulumi.Context, name string, args *NetworkPoliciesArgs, opts ...pulumi.ResourceOption) (*NetworkPolicies, error) {
	n := &NetworkPolicies{}
	if err := kit.Register(ctx, TypeNetworkPolicies, name, args, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)
	l := labels(args.Labels)
	for _, ns := range args.Namespaces {
		if _, err := networkingv1.NewNetworkPolicy(ctx, ns+"-allow-dns", &networkingv1.NetworkPolicyArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("allow-dns"), Namespace: pulumi.String(ns), Labels: l},
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{},
				PolicyTypes: pulumi.ToStringArray([]string{"Egress"}),
				Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
					To: networkingv1.NetworkPolicyPeerArray{peer("kube-system", map[string]string{"k8s-app": "kube-dns"})},
					Ports: networkingv1.NetworkPolicyPortArray{
						networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("UDP"), Port: pulumi.Int(53)},
						networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(53)},
					},
				}},
			},
		}, parent); err != nil {
			return nil, err
		}
	}
	byName := map[string]AppFlows{}
	for _, app := range args.Apps {
		byName[app.Name] = app
	}
	for _, app := range args.Apps {
		if _, err := networkingv1.NewNetworkPolicy(ctx, app.Name+"-flows", &networkingv1.NetworkPolicyArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(app.Name + "-flows"), Namespace: pulumi.String(app.Namespace), Labels: l},
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(app.Selector)},
				PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
				Ingress:     ingressRules(app, args),
				Egress:      egressRules(app, byName),
			},
		}, parent); err != nil {
			return nil, err
		}
	}
	if m := args.Monitoring; m != nil {
		if err := monitoringPolicy(ctx, m, args.Apps, l, parent); err != nil {
			return nil, err
		}
	}
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{})
}

// monitoringPorts are what the monitoring stack reaches outside its namespace: the API server
// (443, 6443) that the operator and kube-state-metrics watch, the kubelets (10250) and
// node-exporter on the nodes' own network (9100) that Prometheus scrapes, and Alertmanager's
// receivers over HTTPS. Their addresses are the cloud's and the nodes', not pods', so the
// destination is any network on those ports only.
var monitoringPorts = []int{443, 6443, 9100, 10250}

// monitoringPolicy lets the monitoring stack talk within its namespace, scrape the apps and
// reach the control plane, nodes and receivers; the operator's admission webhook (10250) is
// called by the API server, whose address is the cloud's.
func monitoringPolicy(ctx *pulumi.Context, m *Scraper, apps []AppFlows, l pulumi.StringMap, parent pulumi.ResourceOption) error {
	own := networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: namespaceSelector(m.Namespace), PodSelector: &metav1.LabelSelectorArgs{}}
	egress := networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{To: networkingv1.NetworkPolicyPeerArray{own}}}
	for _, app := range apps {
		egress = append(egress, networkingv1.NetworkPolicyEgressRuleArgs{
			To:    networkingv1.NetworkPolicyPeerArray{peer(app.Namespace, app.Selector)},
			Ports: networkingv1.NetworkPolicyPortArray{tcp(pulumi.Int(app.Port))},
		})
	}
	var outside networkingv1.NetworkPolicyPortArray
	for _, p := range monitoringPorts {
		outside = append(outside, tcp(pulumi.Int(p)))
	}
	anywhere := networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String("0.0.0.0/0")}}}
	egress = append(egress, networkingv1.NetworkPolicyEgressRuleArgs{To: anywhere, Ports: outside})
	_, err := networkingv1.NewNetworkPolicy(ctx, m.Namespace+"-monitoring-stack", &networkingv1.NetworkPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("monitoring-stack"), Namespace: pulumi.String(m.Namespace), Labels: l},
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: &metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{
				networkingv1.NetworkPolicyIngressRuleArgs{From: networkingv1.NetworkPolicyPeerArray{own}},
				networkingv1.NetworkPolicyIngressRuleArgs{From: anywhere, Ports: networkingv1.NetworkPolicyPortArray{tcp(pulumi.Int(10250))}},
			},
			Egress: egress,
		},
	}, parent)
	return err
}

// ingressRules: the controller (frontend), each app that calls this one, and Prometheus, all
// on the app's port only.
func ingressRules(app AppFlows, args *NetworkPoliciesArgs) networkingv1.NetworkPolicyIngressRuleArray {
	port := networkingv1.NetworkPolicyPortArray{tcp(pulumi.Int(app.Port))}
	var from networkingv1.NetworkPolicyPeerArray
	for _, cidr := range app.FromIngress {
		from = append(from, networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String(cidr)}})
	}
	if app.FromIngressNamespace != "" {
		from = append(from, networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: namespaceSelector(app.FromIngressNamespace)})
	}
	for _, caller := range args.Apps {
		if slices.Contains(caller.Calls, app.Name) {
			from = append(from, peer(caller.Namespace, caller.Selector))
		}
	}
	if m := args.Monitoring; m != nil {
		from = append(from, peer(m.Namespace, m.Selector))
	}
	if len(from) == 0 {
		return nil
	}
	return networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{From: from, Ports: port}}
}

// egressRules: the apps this one calls, then its other destinations: networks outside the
// cluster, and pods in it that are not apps of the chain.
func egressRules(app AppFlows, byName map[string]AppFlows) networkingv1.NetworkPolicyEgressRuleArray {
	var out networkingv1.NetworkPolicyEgressRuleArray
	for _, name := range app.Calls {
		called := byName[name]
		out = append(out, networkingv1.NetworkPolicyEgressRuleArgs{
			To:    networkingv1.NetworkPolicyPeerArray{peer(called.Namespace, called.Selector)},
			Ports: networkingv1.NetworkPolicyPortArray{tcp(pulumi.Int(called.Port))},
		})
	}
	for _, d := range app.Egress {
		var to networkingv1.NetworkPolicyPeerArray
		for _, cidr := range d.Cidrs {
			to = append(to, networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: pulumi.String(cidr)}})
		}
		if d.Pods != nil {
			to = append(to, peer(d.Pods.Namespace, d.Pods.Selector))
		}
		var ports networkingv1.NetworkPolicyPortArray
		for _, p := range d.Ports {
			ports = append(ports, tcp(p))
		}
		out = append(out, networkingv1.NetworkPolicyEgressRuleArgs{To: to, Ports: ports})
	}
	return out
}

func ones(n *net.IPNet) int {
	o, _ := n.Mask.Size()
	return o
}

func tcp(port pulumi.IntInput) networkingv1.NetworkPolicyPortArgs {
	return networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: port}
}

// peer is pods of one namespace, picked by the namespace's immutable name label, so a label
// someone adds to another namespace cannot open the flow.
func peer(namespace string, selector map[string]string) networkingv1.NetworkPolicyPeerArgs {
	return networkingv1.NetworkPolicyPeerArgs{
		NamespaceSelector: namespaceSelector(namespace),
		PodSelector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selector)},
	}
}

func namespaceSelector(namespace string) *metav1.LabelSelectorArgs {
	return &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{namespaceNameLabel: pulumi.String(namespace)}}
}

// checkSignIn holds a sign-in destination to what it is for: named IPv4 ranges no wider than
// /16, reached on 443 alone.
func checkSignIn(c, arg string, d Destination) error {
	for _, cidr := range d.Cidrs {
		if _, n, err := net.ParseCIDR(cidr); err != nil || n.IP.To4() == nil || ones(n) < signInWidest {
			return kit.ArgError(c, arg+".Cidrs", cidr, "must be the identity provider's sign-in ranges, IPv4 networks no wider than /%d", signInWidest)
		}
	}
	for _, p := range d.Ports {
		if v, ok := p.(pulumi.Int); !ok || v != 443 {
			return kit.ArgError(c, arg+".Ports", p, "must be 443 alone: a sign-in service is reached over HTTPS")
		}
	}
	return nil
}
