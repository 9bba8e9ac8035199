package edge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
	"github.com/healthhub/estate/internal/naming"
)

// Defaults of LoadBalancerArgs.
const (
	// DefaultMinCapacity keeps an instance in each of two zones at all times, so a zone's loss
	// leaves a warm instance while autoscaling adds more.
	DefaultMinCapacity = 2
	// DefaultMaxCapacity bounds the cost of a flood the firewall lets through.
	DefaultMaxCapacity = 10
	// maxCapacity is the most instances a v2 gateway scales to.
	maxCapacity = 125
	// SslPolicyName is the predefined TLS policy: TLS 1.2 and 1.3 only, with forward-secret
	// AES-GCM suites (NIST SP 800-52r2, HIPAA transmission security 164.312(e)).
	SslPolicyName = "AppGwSslPolicy20220101S"
	// CertificateName is the gateway's name for the Key Vault certificate, which an Ingress
	// names in appgw.ingress.kubernetes.io/appgw-ssl-certificate.
	CertificateName = "frontend"
)

// DefaultZones are the three availability zones of a location.
var DefaultZones = []string{"1", "2", "3"}

// AgicIgnoredProperties are the gateway's properties the Application Gateway Ingress Controller
// rewrites from the Ingresses once it runs: every listener, backend pool, backend setting,
// probe, redirect, routing rule, path map, rewrite set and frontend port it needs, plus the tag
// it marks its gateway with. The component writes a bootstrap of them on creation (an HTTPS
// listener, the HTTP redirect, an empty backend) and leaves them to the controller after, so an
// update of the stack does not put the bootstrap back over the Ingresses' configuration. The
// certificate, the TLS policy, the firewall policy, the identity, the frontend address and the
// scale stay the component's. Pulumi sends an ignored property at the value it last recorded,
// so a stack that updates the gateway refreshes first (pulumi up --refresh) to record the
// controller's configuration; the gateway's PUT replaces the whole resource.
var AgicIgnoredProperties = []string{
	"backendAddressPools",
	"backendHttpSettingsCollection",
	"frontendPorts",
	"httpListeners",
	"probes",
	"redirectConfigurations",
	"requestRoutingRules",
	"rewriteRuleSets",
	"urlPathMaps",
	`tags["managed-by-k8s-ingress"]`,
	`tags["ingress-for-aks-cluster-id"]`,
}

// The bootstrap configuration's names, as the gateway's sub-resources are addressed.
const (
	frontendPublic  = "public"
	portHTTPS       = "https"
	portHTTP        = "http"
	listenerHTTPS   = "https"
	listenerHTTP    = "http"
	redirectToHTTPS = "http-to-https"
	bootstrapPool   = "bootstrap"
)

// LoadBalancerArgs configures the estate's Application Gateway.
type LoadBalancerArgs struct {
	// Prefix names the gateway "<prefix>-agw-<location>" and its address
	// "<prefix>-pip-agw-<location>".
	Prefix string
	// ResourceGroupName is the group the gateway and its address go in.
	ResourceGroupName pulumi.StringInput
	// Location is the Azure location, such as uksouth.
	Location string
	// SubnetId is the gateway's own subnet (Network's GatewaySubnetId).
	SubnetId pulumi.StringInput
	// FirewallPolicyId is the WebFirewall's PolicyId, in the same location.
	FirewallPolicyId pulumi.StringInput
	// IdentityId is the ARM id of the user-assigned identity the gateway reads its certificate
	// as; it needs Key Vault Secrets User on the certificate's secret.
	IdentityId pulumi.StringInput
	// CertificateSecretId is the versionless Key Vault secret id of the TLS certificate
	// (https://<vault>.vault.azure.net/secrets/<name>): the gateway picks up each renewal
	// itself.
	CertificateSecretId pulumi.StringInput
	// HostName is the domain the HTTPS listener answers, such as app.healthhub.example.
	HostName string
	// Zones are the availability zones the gateway and its address span (default
	// DefaultZones); at least two when Protect.
	Zones []string
	// MinCapacity and MaxCapacity bound the autoscaling instances (defaults DefaultMinCapacity
	// and DefaultMaxCapacity); MinCapacity is at least 2 when Protect.
	MinCapacity, MaxCapacity int
	// Protect keeps the public address through destroys (production): DNS points at it.
	Protect bool
	// Tags are the estate's tags.
	Tags map[string]string
}

// LoadBalancer is an Application Gateway WAF_v2 across zones with a static zone-redundant public
// address, the web application firewall policy, a predefined strict TLS policy, the Key Vault
// certificate read by the gateway's own identity, and port 80 answering only with a permanent
// redirect to HTTPS.
type LoadBalancer struct {
	pulumi.ResourceState

	GatewayId   pulumi.StringOutput `pulumi:"gatewayId"`
	GatewayName pulumi.StringOutput `pulumi:"gatewayName"`
	// PublicIp is the address the domain's DNS records point at.
	PublicIp   pulumi.StringOutput `pulumi:"publicIp"`
	PublicIpId pulumi.StringOutput `pulumi:"publicIpId"`
	// CertificateName is what an Ingress names in appgw.ingress.kubernetes.io/appgw-ssl-certificate.
	CertificateName pulumi.StringOutput `pulumi:"certificateName"`
}

// Validate checks the Args before anything is registered.
func (a *LoadBalancerArgs) Validate() error {
	const c = "LoadBalancer"
	if a.Zones == nil {
		a.Zones = DefaultZones
	}
	if a.MinCapacity == 0 {
		a.MinCapacity = DefaultMinCapacity
	}
	if a.MaxCapacity == 0 {
		a.MaxCapacity = DefaultMaxCapacity
	}
	switch {
	case !azureformat.SuffixedPrefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a lowercase letter and hold 2 to 12 lowercase letters or digits")
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case a.SubnetId == nil:
		return kit.ArgError(c, "SubnetId", nil, "required: the network's gateway subnet")
	case a.FirewallPolicyId == nil:
		return kit.ArgError(c, "FirewallPolicyId", nil, "required: a WAF_v2 gateway always has a firewall policy (Azure Policy 564feb30)")
	case a.IdentityId == nil:
		return kit.ArgError(c, "IdentityId", nil, "required: the identity the gateway reads its certificate as")
	case a.CertificateSecretId == nil:
		return kit.ArgError(c, "CertificateSecretId", nil, "required: the Key Vault secret id of the TLS certificate")
	case !naming.HostName.MatchString(a.HostName):
		return kit.ArgError(c, "HostName", fmt.Sprintf("%q", a.HostName), "must be a lowercase DNS name such as app.healthhub.example, without a wildcard or trailing dot")
	case len(a.Zones) == 0:
		return kit.ArgError(c, "Zones", "[]", "required: the availability zones, such as %v", DefaultZones)
	case a.Protect && len(a.Zones) < 2:
		return kit.ArgError(c, "Zones", a.Zones, "must name at least two zones in production: one zone's loss must not take the entry point down")
	case a.MinCapacity < 1 || a.MinCapacity > maxCapacity:
		return kit.ArgError(c, "MinCapacity", a.MinCapacity, "must be 1 to %d instances", maxCapacity)
	case a.Protect && a.MinCapacity < 2:
		return kit.ArgError(c, "MinCapacity", a.MinCapacity, "must be at least 2 in production: an instance in a second zone at all times")
	case a.MaxCapacity < 2 || a.MaxCapacity > maxCapacity || a.MaxCapacity < a.MinCapacity:
		return kit.ArgError(c, "MaxCapacity", a.MaxCapacity, "must be 2 to %d and at least MinCapacity (%d)", maxCapacity, a.MinCapacity)
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, z := range a.Zones {
		switch {
		case !slices.Contains(DefaultZones, z):
			return kit.ArgError(c, "Zones", fmt.Sprintf("%q", z), "must be availability zones 1, 2 or 3")
		case seen[z]:
			return kit.ArgError(c, "Zones", z, "is listed twice")
		}
		seen[z] = true
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewLoadBalancer creates the public address and the gateway with its bootstrap configuration.
func NewLoadBalancer(ctx *pulumi.Context, name string, args *LoadBalancerArgs, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	l := &LoadBalancer{}
	if err := kit.Register(ctx, TypeLoadBalancer, name, args, l, opts...); err != nil {
		return nil, err
	}
	// The gateway's sub-resources refer to each other by full ARM id, which holds the
	// subscription.
	client, err := azurekit.LookupClient(ctx, l)
	if err != nil {
		return nil, err
	}

	ipName := args.Prefix + "-pip-agw-" + args.Location
	// A static address outlives anything the controller does to the gateway: DNS and the
	// certificate's domain point at it. Production keeps it through a destroy.
	ip, err := network.NewPublicIPAddress(ctx, ipName, &network.PublicIPAddressArgs{
		PublicIpAddressName:      pulumi.String(ipName),
		ResourceGroupName:        args.ResourceGroupName,
		Location:                 pulumi.String(args.Location),
		Sku:                      network.PublicIPAddressSkuArgs{Name: pulumi.String("Standard"), Tier: pulumi.String("Regional")},
		PublicIPAllocationMethod: pulumi.String("Static"),
		PublicIPAddressVersion:   pulumi.String("IPv4"),
		// In the gateway's zones: a zone-redundant gateway takes only a zone-redundant address.
		Zones: pulumi.ToStringArray(args.Zones),
		Tags:  azurekit.Tags(args.Tags),
	}, pulumi.Parent(l), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}

	gwName := args.Prefix + "-agw-" + args.Location
	base := pulumi.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/applicationGateways/%s",
		client.SubscriptionID, args.ResourceGroupName, gwName)
	ref := func(collection, name string) network.SubResourceArgs {
		return network.SubResourceArgs{Id: pulumi.Sprintf("%s/%s/%s", base, collection, name)}
	}
	secretID := args.CertificateSecretId.ToStringOutput().ApplyT(versionless).(pulumi.StringOutput)

	gateway, err := network.NewApplicationGateway(ctx, gwName, &network.ApplicationGatewayArgs{
		ApplicationGatewayName: pulumi.String(gwName),
		ResourceGroupName:      args.ResourceGroupName,
		Location:               pulumi.String(args.Location),
		// WAF_v2: the firewall runs on the gateway itself, and v2 is the tier that autoscales,
		// spans zones and reads certificates from Key Vault.
		Sku:   network.ApplicationGatewaySkuArgs{Name: pulumi.String("WAF_v2"), Tier: pulumi.String("WAF_v2")},
		Zones: pulumi.ToStringArray(args.Zones),
		AutoscaleConfiguration: network.ApplicationGatewayAutoscaleConfigurationArgs{
			MinCapacity: pulumi.Int(args.MinCapacity), MaxCapacity: pulumi.Int(args.MaxCapacity),
		},
		// The gateway-wide policy: every listener the controller writes inherits it (Azure
		// Policy 564feb30).
		FirewallPolicy: network.SubResourceArgs{Id: args.FirewallPolicyId},
		// The gateway reads its certificate as this identity, granted the one secret it needs;
		// no key or password of the certificate passes through the program or its state.
		Identity: network.ManagedServiceIdentityArgs{
			Type:                   network.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{args.IdentityId},
		},
		SslPolicy: network.ApplicationGatewaySslPolicyArgs{
			PolicyType: pulumi.String("Predefined"), PolicyName: pulumi.String(SslPolicyName),
		},
		SslCertificates: network.ApplicationGatewaySslCertificateArray{
			network.ApplicationGatewaySslCertificateArgs{Name: pulumi.String(CertificateName), KeyVaultSecretId: secretID},
		},
		// HTTP/2 to clients multiplexes a page's requests over one TLS connection; the gateway
		// speaks HTTP/1.1 to the workloads whatever the client does.
		EnableHttp2: pulumi.Bool(true),
		GatewayIPConfigurations: network.ApplicationGatewayIPConfigurationArray{
			network.ApplicationGatewayIPConfigurationArgs{Name: pulumi.String("gateway"), Subnet: network.SubResourceArgs{Id: args.SubnetId}},
		},
		// Public frontend only: the gateway is the estate's one way in from the internet, and
		// everything behind it is private.
		FrontendIPConfigurations: network.ApplicationGatewayFrontendIPConfigurationArray{
			network.ApplicationGatewayFrontendIPConfigurationArgs{Name: pulumi.String(frontendPublic), PublicIPAddress: network.SubResourceArgs{Id: ip.ID()}},
		},

		// The bootstrap, which the controller replaces (AgicIgnoredProperties).
		FrontendPorts: network.ApplicationGatewayFrontendPortArray{
			network.ApplicationGatewayFrontendPortArgs{Name: pulumi.String(portHTTPS), Port: pulumi.Int(443)},
			network.ApplicationGatewayFrontendPortArgs{Name: pulumi.String(portHTTP), Port: pulumi.Int(80)},
		},
		HttpListeners: network.ApplicationGatewayHttpListenerArray{
			network.ApplicationGatewayHttpListenerArgs{
				Name:                        pulumi.String(listenerHTTPS),
				Protocol:                    pulumi.String("Https"),
				FrontendIPConfiguration:     ref("frontendIPConfigurations", frontendPublic),
				FrontendPort:                ref("frontendPorts", portHTTPS),
				SslCertificate:              ref("sslCertificates", CertificateName),
				HostName:                    pulumi.String(args.HostName),
				RequireServerNameIndication: pulumi.Bool(true),
			},
			network.ApplicationGatewayHttpListenerArgs{
				Name:                    pulumi.String(listenerHTTP),
				Protocol:                pulumi.String("Http"),
				FrontendIPConfiguration: ref("frontendIPConfigurations", frontendPublic),
				FrontendPort:            ref("frontendPorts", portHTTP),
			},
		},
		// Port 80 serves nothing: every request is sent, path and query kept, to HTTPS with a
		// permanent redirect that browsers remember (164.312(e)(1)).
		RedirectConfigurations: network.ApplicationGatewayRedirectConfigurationArray{
			network.ApplicationGatewayRedirectConfigurationArgs{
				Name:               pulumi.String(redirectToHTTPS),
				RedirectType:       pulumi.String("Permanent"),
				TargetListener:     ref("httpListeners", listenerHTTPS),
				IncludePath:        pulumi.Bool(true),
				IncludeQueryString: pulumi.Bool(true),
			},
		},
		// No backend until the controller writes the Ingresses': the HTTPS listener answers 502
		// rather than sending anything anywhere.
		BackendAddressPools: network.ApplicationGatewayBackendAddressPoolArray{
			network.ApplicationGatewayBackendAddressPoolArgs{Name: pulumi.String(bootstrapPool)},
		},
		BackendHttpSettingsCollection: network.ApplicationGatewayBackendHttpSettingsArray{
			network.ApplicationGatewayBackendHttpSettingsArgs{
				Name:                pulumi.String(bootstrapPool),
				Protocol:            pulumi.String("Https"),
				Port:                pulumi.Int(443),
				CookieBasedAffinity: pulumi.String("Disabled"),
				RequestTimeout:      pulumi.Int(30),
			},
		},
		RequestRoutingRules: network.ApplicationGatewayRequestRoutingRuleArray{
			network.ApplicationGatewayRequestRoutingRuleArgs{
				Name:                  pulumi.String(redirectToHTTPS),
				RuleType:              pulumi.String("Basic"),
				Priority:              pulumi.Int(100),
				HttpListener:          ref("httpListeners", listenerHTTP),
				RedirectConfiguration: ref("redirectConfigurations", redirectToHTTPS),
			},
			network.ApplicationGatewayRequestRoutingRuleArgs{
				Name:                pulumi.String(bootstrapPool),
				RuleType:            pulumi.String("Basic"),
				Priority:            pulumi.Int(200),
				HttpListener:        ref("httpListeners", listenerHTTPS),
				BackendAddressPool:  ref("backendAddressPools", bootstrapPool),
				BackendHttpSettings: ref("backendHttpSettingsCollection", bootstrapPool),
			},
		},
		Tags: azurekit.Tags(args.Tags),
	}, pulumi.Parent(l), pulumi.IgnoreChanges(AgicIgnoredProperties))
	if err != nil {
		return nil, err
	}

	l.GatewayId = gateway.ID().ToStringOutput()
	l.GatewayName = gateway.Name
	l.PublicIp = ip.IpAddress.Elem()
	l.PublicIpId = ip.ID().ToStringOutput()
	l.CertificateName = pulumi.String(CertificateName).ToStringOutput()
	return l, ctx.RegisterResourceOutputs(l, pulumi.Map{
		"gatewayId": l.GatewayId, "gatewayName": l.GatewayName, "publicIp": l.PublicIp,
		"publicIpId": l.PublicIpId, "certificateName": l.CertificateName,
	})
}

// versionless passes a Key Vault secret id without a version and fails the deployment on one
// with a version: a pinned version would keep the gateway serving a certificate after its
// renewal, until it expired.
func versionless(id string) (string, error) {
	rest, ok := strings.CutPrefix(id, "https://")
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if !ok || len(parts) != 3 || parts[1] != "secrets" || !strings.Contains(parts[0], ".vault.") {
		return "", fmt.Errorf("LoadBalancer: CertificateSecretId = %s: must be a versionless Key Vault secret id, https://<vault>.vault.azure.net/secrets/<name>", id)
	}
	return id, nil
}
