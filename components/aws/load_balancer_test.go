package aws

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const testCertificate = "arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"

func loadBalancerArgs(mutate func(*LoadBalancerArgs)) *LoadBalancerArgs {
	a := &LoadBalancerArgs{
		Prefix: "hh-edge", VpcId: pulumi.String("vpc-1"), SubnetIds: pulumi.ToStringArray([]string{"subnet-pub-1", "subnet-pub-2"}),
		CertificateArn: testCertificate, TargetPort: 8443, TargetCidrBlocks: []string{"10.20.0.0/18"},
		WebAclArn:        pulumi.String("arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/hh-edge/1"),
		LogRetentionDays: 2557, Production: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestLoadBalancerDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		waf, err := NewWebFirewall(ctx, "waf", firewallArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		_, err = NewLoadBalancer(ctx, "alb", loadBalancerArgs(func(a *LoadBalancerArgs) { a.WebAclArn = waf.WebAclArn }), pulumi.Provider(p.Primary))
		return err
	})
	const (
		alb      = "aws:lb/loadBalancer:LoadBalancer"
		listener = "aws:lb/listener:Listener"
		logs     = "hh-edge-access-logs"
	)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: alb, Name: "hh-edge", Path: "internal", Want: false},
		{Type: alb, Name: "hh-edge", Path: "dropInvalidHeaderFields", Want: true},
		{Type: alb, Name: "hh-edge", Path: "desyncMitigationMode", Want: "strictest"},
		{Type: alb, Name: "hh-edge", Path: "enableDeletionProtection", Want: true},
		{Type: alb, Name: "hh-edge", Path: "accessLogs.enabled", Want: true},
		{Type: listener, Name: "hh-edge-https", Path: "protocol", Want: "HTTPS"},
		{Type: listener, Name: "hh-edge-https", Path: "sslPolicy", Want: DefaultSslPolicy},
		{Type: listener, Name: "hh-edge-https", Path: "certificateArn", Want: testCertificate},
		{Type: listener, Name: "hh-edge-http", Path: "defaultActions[0].type", Want: "redirect"},
		{Type: listener, Name: "hh-edge-http", Path: "defaultActions[0].redirect.protocol", Want: "HTTPS"},
		{Type: listener, Name: "hh-edge-http", Path: "defaultActions[0].redirect.statusCode", Want: "HTTP_301"},
		{Type: "aws:lb/targetGroup:TargetGroup", Name: "hh-edge", Path: "protocol", Want: "HTTPS"},
		{Type: "aws:lb/targetGroup:TargetGroup", Name: "hh-edge", Path: "healthCheck.protocol", Want: "HTTPS"},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-edge", Path: "egress[0].cidrBlocks", Want: []any{"10.20.0.0/18"}},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Name: "hh-edge", Path: "egress[0].fromPort", Want: int64(8443)},
		{Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Name: logs, Path: "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", Want: "AES256"},
		{Type: "aws:s3/bucketV2:BucketV2", Name: logs, Path: "tags.log-delivery", Want: "elasticloadbalancing"},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Name: logs, Path: "restrictPublicBuckets", Want: true},
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
	// ELB writes to <bucket>/<prefix>/AWSLogs/<account>/: the prefix must leave the delivery
	// inside the path the bucket grants.
	prefix, _ := lbRes.Get("accessLogs.prefix")
	assert.True(t, strings.HasSuffix(delivery["Resource"].(string), "/AWSLogs/123456789012/*") && (prefix == nil || prefix == ""),
		"access logs land where the bucket lets ELB write (prefix %v)", prefix)
	assoc, ok := m.Find("aws:wafv2/webAclAssociation:WebAclAssociation", "hh-edge")
	require.True(t, ok)
	assert.Contains(t, assoc.Dependencies, lbRes.URN)

	assert.Empty(t, awskittest.Violations(m, "production"), "the load balancer and its firewall pass the whole policy pack")
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
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewLoadBalancer(ctx, "alb", loadBalancerArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
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
			args := &SecureBucketArgs{Prefix: "b", RetentionDays: 2190, Tags: kittest.Tags, KmsKeyArn: pulumi.String(logsKey)}
			tt.mutate(args)
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewSecureBucket(ctx, "b", args, pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
