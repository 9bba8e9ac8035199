package edge

import (
	"maps"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	addressType = "gcp:compute/globalAddress:GlobalAddress"
	certType    = "gcp:compute/managedSslCertificate:ManagedSslCertificate"
	sslType     = "gcp:compute/sSLPolicy:SSLPolicy"
	urlMapType  = "gcp:compute/uRLMap:URLMap"
	proxyType   = "gcp:compute/targetHttpProxy:TargetHttpProxy"
	ruleType    = "gcp:compute/globalForwardingRule:GlobalForwardingRule"
)

func loadBalancerArgs(mutate func(*LoadBalancerArgs)) *LoadBalancerArgs {
	a := &LoadBalancerArgs{
		Prefix:  "hh-edge",
		Domains: []string{"app.healthhub.example", "api.healthhub.example"},
		Labels:  kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestLoadBalancerDefaults(t *testing.T) {
	var outputs map[string]string
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		l, err := NewLoadBalancer(ctx, "edge", loadBalancerArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		pulumi.All(l.AddressName, l.Address, l.CertificateName, l.SslPolicyName).ApplyT(func(v []any) string {
			outputs = map[string]string{"addressName": v[0].(string), "address": v[1].(string), "certificateName": v[2].(string), "sslPolicyName": v[3].(string)}
			return ""
		})
		return nil
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: addressType, Name: "hh-edge", Path: "addressType", Want: "EXTERNAL"},
		{Type: addressType, Name: "hh-edge", Path: "ipVersion", Want: "IPV4"},
		{Type: addressType, Name: "hh-edge", Path: "labels.data-classification", Want: "phi"},
		{Type: certType, Name: "hh-edge", Path: "type", Want: "MANAGED"},
		{Type: certType, Name: "hh-edge", Path: "managed.domains", Want: []any{"api.healthhub.example", "app.healthhub.example"}},
		{Type: sslType, Name: "hh-edge", Path: "profile", Want: "RESTRICTED"},
		{Type: sslType, Name: "hh-edge", Path: "minTlsVersion", Want: "TLS_1_2"},
		{Type: urlMapType, Name: "hh-edge-http", Path: "defaultUrlRedirect.httpsRedirect", Want: true},
		{Type: urlMapType, Name: "hh-edge-http", Path: "defaultUrlRedirect.redirectResponseCode", Want: "MOVED_PERMANENTLY_DEFAULT"},
		{Type: urlMapType, Name: "hh-edge-http", Path: "defaultUrlRedirect.stripQuery", Want: false},
		{Type: ruleType, Name: "hh-edge-http", Path: "portRange", Want: "80"},
		{Type: ruleType, Name: "hh-edge-http", Path: "ipProtocol", Want: "TCP"},
		{Type: ruleType, Name: "hh-edge-http", Path: "loadBalancingScheme", Want: "EXTERNAL"},
		{Type: ruleType, Name: "hh-edge-http", Path: "labels.owner", Want: "platform"},
	})

	// The redirect answers on the Ingress's address and sends to the redirecting proxy.
	addr, _ := m.Find(addressType, "hh-edge")
	rule, _ := m.Find(ruleType, "hh-edge-http")
	proxy, _ := m.Find(proxyType, "hh-edge-http")
	urlMap, _ := m.Find(urlMapType, "hh-edge-http")
	assert.Contains(t, rule.Dependencies, addr.URN)
	assert.Contains(t, rule.Dependencies, proxy.URN)
	assert.Contains(t, proxy.Dependencies, urlMap.URN)
	ip, _ := rule.Get("ipAddress")
	assert.Regexp(t, `^projects/healthhub-test/global/addresses/hh-edge-[0-9a-z]{7}$`, ip)
	assert.Empty(t, m.ByType("gcp:compute/targetHttpsProxy:TargetHttpsProxy"), "port 443 is the Ingress's")

	assert.Regexp(t, `^hh-edge-[0-9a-z]{7}$`, outputs["addressName"])
	assert.Regexp(t, `^34\.120\.0\.\d+$`, outputs["address"])
	assert.Regexp(t, `^hh-edge-[0-9a-z]{7}$`, outputs["certificateName"])
	assert.Regexp(t, `^hh-edge-[0-9a-z]{7}$`, outputs["sslPolicyName"])

	assert.Empty(t, gcpkittest.Violations(m, "production"), "the load balancer's pieces pass the whole policy pack")
}

func TestLoadBalancerModernProfile(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewLoadBalancer(ctx, "edge", loadBalancerArgs(func(a *LoadBalancerArgs) { a.SslProfile = SslModern }), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: sslType, Name: "hh-edge", Path: "profile", Want: "MODERN"},
		{Type: sslType, Name: "hh-edge", Path: "minTlsVersion", Want: "TLS_1_2"},
	})
}

func TestLoadBalancerArgErrors(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = "host" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".healthhub.example"
	}
	badLabels := maps.Clone(kittest.Tags)
	badLabels["cost-centre"] = "CC 1"
	tests := []struct {
		name   string
		mutate func(*LoadBalancerArgs)
		want   string
	}{
		{"no prefix", func(a *LoadBalancerArgs) { a.Prefix = "" }, `LoadBalancer: Prefix = "": must start with a letter`},
		{"upper-case prefix", func(a *LoadBalancerArgs) { a.Prefix = "HH-edge" }, `LoadBalancer: Prefix = "HH-edge"`},
		{"no domains", func(a *LoadBalancerArgs) { a.Domains = nil }, "LoadBalancer: Domains = []: required"},
		{"too many domains", func(a *LoadBalancerArgs) { a.Domains = many }, "LoadBalancer: Domains = 101: must be at most 100"},
		{"wildcard", func(a *LoadBalancerArgs) { a.Domains = []string{"*.healthhub.example"} }, `LoadBalancer: Domains = "*.healthhub.example": must be lowercase DNS names`},
		{"upper case", func(a *LoadBalancerArgs) { a.Domains = []string{"App.healthhub.example"} }, `LoadBalancer: Domains = "App.healthhub.example"`},
		{"trailing dot", func(a *LoadBalancerArgs) { a.Domains = []string{"app.healthhub.example."} }, `LoadBalancer: Domains = "app.healthhub.example."`},
		{"domain twice", func(a *LoadBalancerArgs) { a.Domains = []string{"app.healthhub.example", "app.healthhub.example"} }, "LoadBalancer: Domains = app.healthhub.example: is listed twice"},
		{"compatible profile", func(a *LoadBalancerArgs) { a.SslProfile = "COMPATIBLE" }, `LoadBalancer: SslProfile = "COMPATIBLE": must be "MODERN" or "RESTRICTED"`},
		{"no labels", func(a *LoadBalancerArgs) { a.Labels = nil }, `= map[]: must include "environment"`},
		{"bad label value", func(a *LoadBalancerArgs) { a.Labels = badLabels }, "LoadBalancer: Labels = cost-centre=CC 1: keys and values must be lowercase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewLoadBalancer(ctx, "edge", loadBalancerArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
