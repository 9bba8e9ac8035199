package aws

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testCertificate = "arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"

func loadBalancerArgs(mutate func(*LoadBalancerArgs)) *LoadBalancerArgs {
	a := &LoadBalancerArgs{
		Prefix: "hh-edge", VpcId: pulumi.String("vpc-1"), SubnetIds: pulumi.ToStringArray([]string{"subnet-pub-1", "subnet-pub-2"}),
		CertificateArn: testCertificate, TargetPort: 8443, TargetCidrBlocks: []string{"10.20.0.0/18"},
		WebAclArn:        pulumi.String("arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/hh-edge/1"),
		LogRetentionDays: 2557, Production: true, Protect: true, Tags: testTags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestLoadBalancerDefaults(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		waf, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.primary))
		if err != nil {
			return err
		}
		_, err = NewLoadBalancer(ctx, "alb", loadBalancerArgs(func(a *LoadBalancerArgs) { a.WebAclArn = waf.WebAclArn }), pulumi.Provider(p.primary))
		return err
	})
	const (
		alb      = "aws:lb/loadBalancer:LoadBalancer"
		listener = "aws:lb/listener:Listener"
		logs     = "hh-edge-access-logs"
	)
	assertInputs(t, m, []expectation{
		{alb, "hh-edge", "internal", false},
		{alb, "hh-edge", "dropInvalidHeaderFields", true},
		{alb, "hh-edge", "desyncMitigationMode", "strictest"},
		{alb, "hh-edge", "enableDeletionProtection", true},
		{alb, "hh-edge", "accessLogs.enabled", true},
		{listener, "hh-edge-https", "protocol", "HTTPS"},
		{listener, "hh-edge-https", "sslPolicy", DefaultSslPolicy},
		{listener, "hh-edge-https", "certificateArn", testCertificate},
		{listener, "hh-edge-http", "defaultActions[0].type", "redirect"},
		{listener, "hh-edge-http", "defaultActions[0].redirect.protocol", "HTTPS"},
		{listener, "hh-edge-http", "defaultActions[0].redirect.statusCode", "HTTP_301"},
		{"aws:lb/targetGroup:TargetGroup", "hh-edge", "protocol", "HTTPS"},
		{"aws:lb/targetGroup:TargetGroup", "hh-edge", "healthCheck.protocol", "HTTPS"},
		{"aws:ec2/securityGroup:SecurityGroup", "hh-edge", "egress[0].cidrBlocks", []any{"10.20.0.0/18"}},
		{"aws:ec2/securityGroup:SecurityGroup", "hh-edge", "egress[0].fromPort", int64(8443)},
		{"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", logs, "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", "AES256"},
		{"aws:s3/bucketV2:BucketV2", logs, "tags.log-delivery", "elasticloadbalancing"},
		{"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", logs, "restrictPublicBuckets", true},
	})

	pol, _ := m.Find("aws:s3/bucketPolicy:BucketPolicy", logs)
	raw, _ := pol.Get("policy")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &doc))
	var delivery map[string]any
	for _, s := range doc.Statement {
		if s["Sid"] == "LoadBalancerAccessLogs" {
			delivery = s
		}
	}
	require.NotNil(t, delivery, "ELB may write the logs")
	assert.Equal(t, map[string]any{"AWS": "arn:aws:iam::652711504416:root"}, delivery["Principal"], "London's ELB account")
	assert.Contains(t, delivery["Resource"], "/AWSLogs/123456789012/*", "for this account's load balancers only")

	lbRes, _ := m.Find(alb, "hh-edge")
	assoc, ok := m.Find("aws:wafv2/webAclAssociation:WebAclAssociation", "hh-edge")
	require.True(t, ok)
	assert.Contains(t, assoc.Dependencies, lbRes.URN)

	assert.Empty(t, violations(m, "production"), "the load balancer and its firewall pass the whole policy pack")
}

func TestLoadBalancerArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*LoadBalancerArgs)
		want   string
	}{
		{"long name", func(a *LoadBalancerArgs) { a.Prefix = "healthhub-production-clinical-edge" }, "LoadBalancer: Prefix"},
		{"IAM certificate", func(a *LoadBalancerArgs) { a.CertificateArn = "arn:aws:iam::123456789012:server-certificate/x" }, "LoadBalancer: CertificateArn"},
		{"TLS 1.0 policy", func(a *LoadBalancerArgs) { a.SslPolicy = "ELBSecurityPolicy-2016-08" }, `LoadBalancer: SslPolicy = "ELBSecurityPolicy-2016-08": must be a TLS 1.3 policy`},
		{"no firewall", func(a *LoadBalancerArgs) { a.WebAclArn = nil }, "LoadBalancer: WebAclArn = <nil>: required"},
		{"privileged target port", func(a *LoadBalancerArgs) { a.TargetPort = 80 }, "LoadBalancer: TargetPort = 80"},
		{"public targets", func(a *LoadBalancerArgs) { a.TargetCidrBlocks = []string{"0.0.0.0/0"} }, "LoadBalancer: TargetCidrBlocks = 0.0.0.0/0: must be private"},
		{"short log retention", func(a *LoadBalancerArgs) { a.LogRetentionDays = 30 }, "LoadBalancer: LogRetentionDays = 30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewLoadBalancer(ctx, "alb", loadBalancerArgs(tt.mutate), pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}

func TestSecureBucketLogDeliveryErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecureBucketArgs)
		want   string
	}{
		{"unknown service", func(a *SecureBucketArgs) { a.LogDelivery = "cloudfront" }, `SecureBucket: LogDelivery = "cloudfront"`},
		{"KMS key with ELB", func(a *SecureBucketArgs) { a.LogDelivery, a.KmsKeyArn = "elasticloadbalancing", pulumi.String(logsKey) }, "ELB cannot write to SSE-KMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := &SecureBucketArgs{Prefix: "b", RetentionDays: 2190, Tags: testTags, KmsKeyArn: pulumi.String(logsKey)}
			tt.mutate(args)
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewSecureBucket(ctx, "b", args, pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}
