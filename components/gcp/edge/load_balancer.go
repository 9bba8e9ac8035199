package edge

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// SslProfile is a Google SSL policy profile: which cipher suites the load balancer offers.
type SslProfile string

// The profiles the estate allows: RESTRICTED, the default, offers only the forward-secret
// AES-GCM and ChaCha20 suites NIST SP 800-52r2 and PCI DSS ask for; MODERN adds the CBC and
// RSA key-exchange suites older TLS 1.2 clients still need, for a team that must serve them.
// COMPATIBLE (TLS 1.0 suites) and CUSTOM are not on the list.
const (
	SslModern     SslProfile = "MODERN"
	SslRestricted SslProfile = "RESTRICTED"
)

// maxDomains is the most domains one Google-managed certificate covers.
const maxDomains = 100

// prefixName is a Google resource name (RFC 1035) short enough for the suffix Pulumi adds.
var prefixName = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,26}[a-z0-9])?$`)

// LoadBalancerArgs configures what the estate owns of the global external Application Load
// Balancer.
type LoadBalancerArgs struct {
	// Prefix names the address, certificate, policy and redirect.
	Prefix string
	// Domains are the host names the managed certificate covers: at least one, lowercase, no
	// wildcard (Google-managed certificates take none). Their DNS must point at Address for
	// the certificate to be issued.
	Domains []string
	// SslProfile is SslRestricted (default) or SslModern; TLS 1.2 is always the minimum.
	SslProfile SslProfile
	// Labels are the estate's labels, on the resources that take them.
	Labels map[string]string
}

// LoadBalancer is the static address the cluster's Ingress is published on, its
// Google-managed certificate and TLS policy, and the port-80 forwarding rule on the same
// address that redirects every request to HTTPS. Port 443 is the Ingress's.
type LoadBalancer struct {
	pulumi.ResourceState

	// AddressName is what the Ingress names in kubernetes.io/ingress.global-static-ip-name;
	// Address is the IP the DNS records point at.
	AddressName pulumi.StringOutput `pulumi:"addressName"`
	Address     pulumi.StringOutput `pulumi:"address"`
	// CertificateName goes in ingress.gcp.kubernetes.io/pre-shared-cert.
	CertificateName pulumi.StringOutput `pulumi:"certificateName"`
	// SslPolicyName goes in the FrontendConfig's sslPolicy.
	SslPolicyName pulumi.StringOutput `pulumi:"sslPolicyName"`
}

// Validate checks the Args before anything is registered.
func (a *LoadBalancerArgs) Validate() error {
	const c = "LoadBalancer"
	if a.SslProfile == "" {
		a.SslProfile = SslRestricted
	}
	switch {
	case !prefixName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter, end with a letter or digit and hold at most 28 lowercase letters, digits or hyphens")
	case len(a.Domains) == 0:
		return kit.ArgError(c, "Domains", "[]", "required: the host names the certificate covers, such as app.healthhub.example")
	case len(a.Domains) > maxDomains:
		return kit.ArgError(c, "Domains", len(a.Domains), "must be at most %d: one managed certificate's limit", maxDomains)
	case a.SslProfile != SslModern && a.SslProfile != SslRestricted:
		return kit.ArgError(c, "SslProfile", fmt.Sprintf("%q", a.SslProfile), "must be %q or %q", SslModern, SslRestricted)
	}
	seen := map[string]bool{}
	for _, d := range a.Domains {
		switch {
		case !naming.HostName.MatchString(d):
			return kit.ArgError(c, "Domains", fmt.Sprintf("%q", d), "must be lowercase DNS names such as app.healthhub.example, without a wildcard or trailing dot")
		case seen[d]:
			return kit.ArgError(c, "Domains", d, "is listed twice")
		}
		seen[d] = true
	}
	return gcpkit.RequireLabels(c, a.Labels)
}

// NewLoadBalancer reserves the address and creates the certificate, the SSL policy and the
// HTTP redirect.
func NewLoadBalancer(ctx *pulumi.Context, name string, args *LoadBalancerArgs, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	l := &LoadBalancer{}
	if err := kit.Register(ctx, TypeLoadBalancer, name, args, l, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(l)
	id := args.Prefix

	// A reserved address outlives the Ingress: DNS and the certificate's domain validation
	// point at it, and an ephemeral one would change whenever the Ingress is recreated.
	address, err := compute.NewGlobalAddress(ctx, id, &compute.GlobalAddressArgs{
		Description: pulumi.String("The estate's entry point: the Ingress's HTTPS and the HTTP redirect"),
		AddressType: pulumi.String("EXTERNAL"),
		// One IPv4 address: an IPv6 one would need forwarding rules of its own from the
		// Ingress, which publishes one address.
		IpVersion: pulumi.String("IPV4"),
		Labels:    gcpkit.Labels(args.Labels),
	}, parent)
	if err != nil {
		return nil, err
	}

	// Google issues and renews the certificate (CIS GKE 5.6.8): no private key is ever
	// handled by the estate. Sorted, so reordering the domains does not replace it.
	cert, err := compute.NewManagedSslCertificate(ctx, id, &compute.ManagedSslCertificateArgs{
		Description: pulumi.String("Google-managed certificate for the estate's domains"),
		Type:        pulumi.String("MANAGED"),
		Managed: compute.ManagedSslCertificateManagedArgs{
			Domains: pulumi.ToStringArray(slices.Sorted(slices.Values(args.Domains))),
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	// TLS 1.2 is the floor (NIST SP 800-52r2, HIPAA transmission security 164.312(e)) under
	// either profile; RESTRICTED also drops the CBC and RSA key-exchange suites.
	policy, err := compute.NewSSLPolicy(ctx, id, &compute.SSLPolicyArgs{
		Description:   pulumi.Sprintf("TLS 1.2 or later, %s suites", args.SslProfile),
		Profile:       pulumi.String(string(args.SslProfile)),
		MinTlsVersion: pulumi.String("TLS_1_2"),
	}, parent)
	if err != nil {
		return nil, err
	}

	if err := newRedirect(ctx, l, args, address); err != nil {
		return nil, err
	}

	l.AddressName = address.Name
	l.Address = address.Address
	l.CertificateName = cert.Name
	l.SslPolicyName = policy.Name
	return l, ctx.RegisterResourceOutputs(l, pulumi.Map{
		"addressName": l.AddressName, "address": l.Address, "certificateName": l.CertificateName, "sslPolicyName": l.SslPolicyName,
	})
}

// newRedirect answers port 80 on the address with a redirect to HTTPS, so nothing is ever
// served in clear text (164.312(e)(1)). The Ingress is told to leave port 80 alone
// (kubernetes.io/ingress.allow-http: "false").
func newRedirect(ctx *pulumi.Context, l *LoadBalancer, args *LoadBalancerArgs, address *compute.GlobalAddress) error {
	parent := pulumi.Parent(l)
	id := args.Prefix + "-http"
	urlMap, err := compute.NewURLMap(ctx, id, &compute.URLMapArgs{
		Description: pulumi.String("Redirect every HTTP request to HTTPS"),
		DefaultUrlRedirect: compute.URLMapDefaultUrlRedirectArgs{
			HttpsRedirect: pulumi.Bool(true),
			// 301: browsers remember it and go to HTTPS directly next time.
			RedirectResponseCode: pulumi.String("MOVED_PERMANENTLY_DEFAULT"),
			// The query is kept so a redirected link still lands where it pointed.
			StripQuery: pulumi.Bool(false),
		},
	}, parent)
	if err != nil {
		return err
	}
	proxy, err := compute.NewTargetHttpProxy(ctx, id, &compute.TargetHttpProxyArgs{
		Description: pulumi.String("Redirect to HTTPS"),
		UrlMap:      urlMap.ID(),
	}, parent)
	if err != nil {
		return err
	}
	_, err = compute.NewGlobalForwardingRule(ctx, id, &compute.GlobalForwardingRuleArgs{
		Description: pulumi.String("HTTP on the estate's address, redirected to HTTPS"),
		IpAddress:   address.ID(),
		IpProtocol:  pulumi.String("TCP"),
		PortRange:   pulumi.String("80"),
		Target:      proxy.ID(),
		// The GKE Ingress controller (class "gce") builds a classic Application Load Balancer,
		// whose forwarding rules are EXTERNAL; the redirect shares the Ingress's address, so it
		// is the same kind of load balancer (EXTERNAL_MANAGED frontends, the newer global
		// external Application Load Balancer, are not mixed with classic ones on one IP).
		LoadBalancingScheme: pulumi.String("EXTERNAL"),
		Labels:              gcpkit.Labels(args.Labels),
	}, parent)
	return err
}
