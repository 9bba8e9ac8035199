package edge

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	gatewayType = "azure-native:network:ApplicationGateway"
	pipType     = "azure-native:network:PublicIPAddress"

	gatewayName = "hh-agw-" + primary
	ipName      = "hh-pip-agw-" + primary
	secretID    = "https://hhkvuksouth.vault.azure.net/secrets/healthhub-frontend"
)

var (
	gatewaySubnet = azurekittest.ResourceID("Microsoft.Network", "virtualNetworks", "hh-vnet-"+primary) + "/subnets/gateway"
	identityID    = azurekittest.ResourceID("Microsoft.ManagedIdentity", "userAssignedIdentities", "hh-id-gateway")
	gatewayID     = azurekittest.ResourceID("Microsoft.Network", "applicationGateways", gatewayName)
	ipID          = azurekittest.ResourceID("Microsoft.Network", "publicIPAddresses", ipName)
)

func balancerArgs(mutate func(*LoadBalancerArgs)) *LoadBalancerArgs {
	a := &LoadBalancerArgs{
		Prefix:              "hh",
		ResourceGroupName:   pulumi.String(azurekittest.ResourceGroup),
		Location:            primary,
		SubnetId:            pulumi.String(gatewaySubnet),
		FirewallPolicyId:    pulumi.String(policyID),
		IdentityId:          pulumi.String(identityID),
		CertificateSecretId: pulumi.String(secretID),
		HostName:            "app.healthhub.example",
		Tags:                kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runBalancer(args *LoadBalancerArgs) func(ctx *pulumi.Context, p azurekittest.Providers) error {
	return func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewLoadBalancer(ctx, "gateway", args, pulumi.Provider(p.Primary))
		return err
	}
}

func TestLoadBalancerDefaults(t *testing.T) {
	var outputs map[string]string
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		l, err := NewLoadBalancer(ctx, "gateway", balancerArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		pulumi.All(l.GatewayId, l.GatewayName, l.PublicIp, l.PublicIpId, l.CertificateName).ApplyT(func(v []any) string {
			outputs = map[string]string{"gatewayId": v[0].(string), "gatewayName": v[1].(string), "publicIp": v[2].(string),
				"publicIpId": v[3].(string), "certificateName": v[4].(string)}
			return ""
		})
		return nil
	})
	child := func(collection, name string) string { return gatewayID + "/" + collection + "/" + name }
	const g = gatewayName
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: pipType, Name: ipName, Path: "publicIpAddressName", Want: ipName},
		{Type: pipType, Name: ipName, Path: "sku.name", Want: "Standard"},
		{Type: pipType, Name: ipName, Path: "sku.tier", Want: "Regional"},
		{Type: pipType, Name: ipName, Path: "publicIPAllocationMethod", Want: "Static"},
		{Type: pipType, Name: ipName, Path: "publicIPAddressVersion", Want: "IPv4"},
		{Type: pipType, Name: ipName, Path: "zones", Want: []any{"1", "2", "3"}},
		{Type: pipType, Name: ipName, Path: "location", Want: primary},
		{Type: pipType, Name: ipName, Path: "tags.owner", Want: "platform"},

		{Type: gatewayType, Name: g, Path: "applicationGatewayName", Want: gatewayName},
		{Type: gatewayType, Name: g, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
		{Type: gatewayType, Name: g, Path: "location", Want: primary},
		{Type: gatewayType, Name: g, Path: "sku.name", Want: "WAF_v2"},
		{Type: gatewayType, Name: g, Path: "sku.tier", Want: "WAF_v2"},
		{Type: gatewayType, Name: g, Path: "zones", Want: []any{"1", "2", "3"}},
		{Type: gatewayType, Name: g, Path: "autoscaleConfiguration.minCapacity", Want: int64(2)},
		{Type: gatewayType, Name: g, Path: "autoscaleConfiguration.maxCapacity", Want: int64(10)},
		{Type: gatewayType, Name: g, Path: "firewallPolicy.id", Want: policyID},
		{Type: gatewayType, Name: g, Path: "identity.type", Want: "UserAssigned"},
		{Type: gatewayType, Name: g, Path: "identity.userAssignedIdentities", Want: []any{identityID}},
		{Type: gatewayType, Name: g, Path: "sslPolicy.policyType", Want: "Predefined"},
		{Type: gatewayType, Name: g, Path: "sslPolicy.policyName", Want: "AppGwSslPolicy20220101S"},
		{Type: gatewayType, Name: g, Path: "sslCertificates[0].name", Want: "frontend"},
		{Type: gatewayType, Name: g, Path: "sslCertificates[0].keyVaultSecretId", Want: secretID},
		{Type: gatewayType, Name: g, Path: "enableHttp2", Want: true},
		{Type: gatewayType, Name: g, Path: "gatewayIPConfigurations[0].subnet.id", Want: gatewaySubnet},
		{Type: gatewayType, Name: g, Path: "frontendIPConfigurations[0].name", Want: "public"},
		{Type: gatewayType, Name: g, Path: "frontendIPConfigurations[0].publicIPAddress.id", Want: ipID},
		{Type: gatewayType, Name: g, Path: "frontendPorts[0].port", Want: int64(443)},
		{Type: gatewayType, Name: g, Path: "frontendPorts[1].port", Want: int64(80)},
		{Type: gatewayType, Name: g, Path: "tags.compliance", Want: "hipaa"},

		{Type: gatewayType, Name: g, Path: "httpListeners[0].name", Want: "https"},
		{Type: gatewayType, Name: g, Path: "httpListeners[0].protocol", Want: "Https"},
		{Type: gatewayType, Name: g, Path: "httpListeners[0].hostName", Want: "app.healthhub.example"},
		{Type: gatewayType, Name: g, Path: "httpListeners[0].requireServerNameIndication", Want: true},
		{Type: gatewayType, Name: g, Path: "httpListeners[0].sslCertificate.id", Want: child("sslCertificates", "frontend")},
		{Type: gatewayType, Name: g, Path: "httpListeners[0].frontendPort.id", Want: child("frontendPorts", "https")},
		{Type: gatewayType, Name: g, Path: "httpListeners[0].frontendIPConfiguration.id", Want: child("frontendIPConfigurations", "public")},
		{Type: gatewayType, Name: g, Path: "httpListeners[1].name", Want: "http"},
		{Type: gatewayType, Name: g, Path: "httpListeners[1].protocol", Want: "Http"},
		{Type: gatewayType, Name: g, Path: "httpListeners[1].frontendPort.id", Want: child("frontendPorts", "http")},

		{Type: gatewayType, Name: g, Path: "redirectConfigurations[0].redirectType", Want: "Permanent"},
		{Type: gatewayType, Name: g, Path: "redirectConfigurations[0].targetListener.id", Want: child("httpListeners", "https")},
		{Type: gatewayType, Name: g, Path: "redirectConfigurations[0].includePath", Want: true},
		{Type: gatewayType, Name: g, Path: "redirectConfigurations[0].includeQueryString", Want: true},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[0].httpListener.id", Want: child("httpListeners", "http")},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[0].redirectConfiguration.id", Want: child("redirectConfigurations", "http-to-https")},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[0].priority", Want: int64(100)},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[1].httpListener.id", Want: child("httpListeners", "https")},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[1].backendAddressPool.id", Want: child("backendAddressPools", "bootstrap")},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[1].backendHttpSettings.id", Want: child("backendHttpSettingsCollection", "bootstrap")},
		{Type: gatewayType, Name: g, Path: "requestRoutingRules[1].priority", Want: int64(200)},
		{Type: gatewayType, Name: g, Path: "backendHttpSettingsCollection[0].protocol", Want: "Https"},
		{Type: gatewayType, Name: g, Path: "backendAddressPools[0].name", Want: "bootstrap"},
	})

	gw, _ := m.Find(gatewayType, gatewayName)
	for _, k := range []string{"backendAddresses", "backendAddressPool", "backendHttpSettings", "urlPathMap"} {
		_, set := gw.Get("requestRoutingRules[0]." + k)
		assert.False(t, set, "the HTTP rule only redirects (%s)", k)
	}
	_, pool := gw.Get("backendAddressPools[0].backendAddresses")
	assert.False(t, pool, "nothing is served until the controller writes the backends")
	_, capacity := gw.Get("sku.capacity")
	assert.False(t, capacity, "autoscaled, not a fixed capacity")
	_, waf := gw.Get("webApplicationFirewallConfiguration")
	assert.False(t, waf, "the firewall is the policy, not the retired inline configuration")
	assert.Equal(t, AgicIgnoredProperties, gw.IgnoreChanges, "the controller's properties are left to it")
	assert.NotContains(t, gw.IgnoreChanges, "sslCertificates", "the certificate stays the stack's")
	assert.NotContains(t, gw.IgnoreChanges, "firewallPolicy", "the firewall policy stays the stack's")
	assert.NotContains(t, gw.IgnoreChanges, "sslPolicy", "the TLS policy stays the stack's")
	ip, _ := m.Find(pipType, ipName)
	assert.Contains(t, gw.Dependencies, ip.URN)
	assert.False(t, ip.Protect, "unprotected unless asked")

	assert.Equal(t, map[string]string{
		"gatewayId": gatewayID, "gatewayName": gatewayName, "publicIp": outputs["publicIp"],
		"publicIpId": ipID, "certificateName": "frontend",
	}, outputs)
	assert.Regexp(t, `^20\.90\.0\.\d+$`, outputs["publicIp"])

	assert.Empty(t, azurekittest.Violations(m, "production"), "the gateway passes the whole policy pack")
}

// The gateway with the firewall in front of it, as the stack builds them.
func TestLoadBalancerWithTheFirewall(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		w, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		_, err = NewLoadBalancer(ctx, "gateway", balancerArgs(func(a *LoadBalancerArgs) {
			a.FirewallPolicyId = w.PolicyId
			a.Protect = true
		}), pulumi.Provider(p.Primary))
		return err
	})
	gw, _ := m.Find(gatewayType, gatewayName)
	policy, _ := m.Find(policyType, policyName)
	assert.Contains(t, gw.Dependencies, policy.URN)
	got, _ := gw.Get("firewallPolicy.id")
	assert.Equal(t, policyID, got)
	ip, _ := m.Find(pipType, ipName)
	assert.True(t, ip.Protect, "production keeps the address DNS points at")
	assert.False(t, gw.Protect, "the gateway holds no data")

	assert.Empty(t, azurekittest.Violations(m, "production"))
}

func TestLoadBalancerSettings(t *testing.T) {
	m := azurekittest.MustRun(t, runBalancer(balancerArgs(func(a *LoadBalancerArgs) {
		a.Zones = []string{"1", "2"}
		a.MinCapacity, a.MaxCapacity = 3, 125
	})))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: gatewayType, Name: gatewayName, Path: "zones", Want: []any{"1", "2"}},
		{Type: pipType, Name: ipName, Path: "zones", Want: []any{"1", "2"}},
		{Type: gatewayType, Name: gatewayName, Path: "autoscaleConfiguration.minCapacity", Want: int64(3)},
		{Type: gatewayType, Name: gatewayName, Path: "autoscaleConfiguration.maxCapacity", Want: int64(125)},
	})

	// Outside production one zone and one instance are allowed.
	m = azurekittest.MustRun(t, runBalancer(balancerArgs(func(a *LoadBalancerArgs) {
		a.Zones, a.MinCapacity, a.MaxCapacity = []string{"2"}, 1, 2
	})))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: gatewayType, Name: gatewayName, Path: "zones", Want: []any{"2"}},
		{Type: gatewayType, Name: gatewayName, Path: "autoscaleConfiguration.minCapacity", Want: int64(1)},
	})
}

// A secret id pinned to a version fails the deployment, naming the argument: the gateway would
// keep serving the old certificate after a renewal.
func TestLoadBalancerVersionedCertificate(t *testing.T) {
	for _, id := range []string{secretID + "/0123456789abcdef0123456789abcdef", "hhkvuksouth/healthhub-frontend", "https://hhkvuksouth.vault.azure.net/certificates/healthhub-frontend"} {
		t.Run(id, func(t *testing.T) {
			_, err := azurekittest.Run(t, runBalancer(balancerArgs(func(a *LoadBalancerArgs) { a.CertificateSecretId = pulumi.String(id) })))
			require.ErrorContains(t, err, "LoadBalancer: CertificateSecretId = "+id+": must be a versionless Key Vault secret id")
		})
	}
}

func TestLoadBalancerArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*LoadBalancerArgs)
		want   string
	}{
		{"no prefix", func(a *LoadBalancerArgs) { a.Prefix = "" }, `LoadBalancer: Prefix = "": must start with a lowercase letter`},
		{"upper-case prefix", func(a *LoadBalancerArgs) { a.Prefix = "HH" }, `LoadBalancer: Prefix = "HH"`},
		{"no resource group", func(a *LoadBalancerArgs) { a.ResourceGroupName = nil }, "LoadBalancer: ResourceGroupName = <nil>: required"},
		{"display location", func(a *LoadBalancerArgs) { a.Location = "UK South" }, `LoadBalancer: Location = "UK South"`},
		{"no subnet", func(a *LoadBalancerArgs) { a.SubnetId = nil }, "LoadBalancer: SubnetId = <nil>: required"},
		{"no firewall", func(a *LoadBalancerArgs) { a.FirewallPolicyId = nil }, "LoadBalancer: FirewallPolicyId = <nil>: required"},
		{"no identity", func(a *LoadBalancerArgs) { a.IdentityId = nil }, "LoadBalancer: IdentityId = <nil>: required"},
		{"no certificate", func(a *LoadBalancerArgs) { a.CertificateSecretId = nil }, "LoadBalancer: CertificateSecretId = <nil>: required"},
		{"no host name", func(a *LoadBalancerArgs) { a.HostName = "" }, `LoadBalancer: HostName = "": must be a lowercase DNS name`},
		{"wildcard host", func(a *LoadBalancerArgs) { a.HostName = "*.healthhub.example" }, `LoadBalancer: HostName = "*.healthhub.example"`},
		{"empty zones", func(a *LoadBalancerArgs) { a.Zones = []string{} }, "LoadBalancer: Zones = []: required"},
		{"zone name", func(a *LoadBalancerArgs) { a.Zones = []string{"1", "uksouth-2"} }, `LoadBalancer: Zones = "uksouth-2": must be availability zones 1, 2 or 3`},
		{"zone twice", func(a *LoadBalancerArgs) { a.Zones = []string{"1", "1"} }, "LoadBalancer: Zones = 1: is listed twice"},
		{"one zone in production", func(a *LoadBalancerArgs) { a.Zones = []string{"1"}; a.Protect = true },
			"LoadBalancer: Zones = [1]: must name at least two zones in production"},
		{"negative minimum", func(a *LoadBalancerArgs) { a.MinCapacity = -1 }, "LoadBalancer: MinCapacity = -1: must be 1 to 125"},
		{"one instance in production", func(a *LoadBalancerArgs) { a.MinCapacity = 1; a.Protect = true },
			"LoadBalancer: MinCapacity = 1: must be at least 2 in production"},
		{"maximum under minimum", func(a *LoadBalancerArgs) { a.MinCapacity, a.MaxCapacity = 5, 4 }, "LoadBalancer: MaxCapacity = 4: must be 2 to 125 and at least MinCapacity (5)"},
		{"maximum over the limit", func(a *LoadBalancerArgs) { a.MaxCapacity = 126 }, "LoadBalancer: MaxCapacity = 126"},
		{"no tags", func(a *LoadBalancerArgs) { a.Tags = nil }, `LoadBalancer: Tags = map[]: must include "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, runBalancer(balancerArgs(tt.mutate)))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
