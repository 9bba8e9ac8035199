package serverless

import (
	"testing"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	edgeCert    = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"
	edgeLogsKey = "arn:aws:kms:us-east-1:123456789012:key/logs"
	edgeACL     = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/hh-app/1"
)

func frontendArgs(edge pulumi.ProviderResource, mutate func(*FrontendArgs)) *FrontendArgs {
	a := &FrontendArgs{
		Prefix: "hh-app", DomainName: "app.healthhub.example", CertificateArn: edgeCert,
		AllowedCountries: []string{"US", "GB", "IE"}, WebAclArn: pulumi.String(edgeACL),
		BucketRegionalDomainName: pulumi.String("hh-app-site.s3.eu-west-2.amazonaws.com"),
		EdgeProvider:             edge, EdgeLogKmsKeyArn: pulumi.String(edgeLogsKey), LogRetentionDays: 2557,
		AlertEmail: "oncall@healthhub.example", Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestFrontendDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		edge, err := awssdk.NewProvider(ctx, "aws-edge", &awssdk.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		_, err = NewFrontend(ctx, "app", frontendArgs(edge, nil), pulumi.Provider(p.Primary))
		return err
	})
	const dist = "aws:cloudfront/distribution:Distribution"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: dist, Name: "hh-app", Path: "viewerCertificate.minimumProtocolVersion", Want: "TLSv1.2_2021"},
		{Type: dist, Name: "hh-app", Path: "viewerCertificate.acmCertificateArn", Want: edgeCert},
		{Type: dist, Name: "hh-app", Path: "defaultCacheBehavior.viewerProtocolPolicy", Want: "redirect-to-https"},
		{Type: dist, Name: "hh-app", Path: "restrictions.geoRestriction", Want: map[string]any{"restrictionType": "whitelist", "locations": []any{"GB", "IE", "US"}}},
		{Type: dist, Name: "hh-app", Path: "webAclId", Want: edgeACL},
		{Type: dist, Name: "hh-app", Path: "customErrorResponses[1].responsePagePath", Want: "/index.html"},
		{Type: "aws:cloudfront/originAccessControl:OriginAccessControl", Name: "hh-app", Path: "signingBehavior", Want: "always"},
		{Type: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", Name: "hh-app", Path: "securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec", Want: int64(63072000)},
		{Type: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", Name: "hh-app", Path: "securityHeadersConfig.frameOptions.frameOption", Want: "DENY"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-app-access", Path: "kmsKeyId", Want: edgeLogsKey},
		{Type: "aws:cloudwatch/logDeliverySource:LogDeliverySource", Name: "hh-app", Path: "logType", Want: "ACCESS_LOGS"},
		{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Name: "hh-app-5xx-rate", Path: "metricName", Want: "5xxErrorRate"},
		{Type: "aws:sns/topic:Topic", Name: "hh-app-edge-critical", Path: "kmsMasterKeyId", Want: edgeLogsKey},
	})
	origin, ok := m.Find(dist, "hh-app")
	require.True(t, ok)
	oac, _ := m.Find("aws:cloudfront/originAccessControl:OriginAccessControl", "hh-app")
	assert.Contains(t, origin.Dependencies, oac.URN, "the bucket is reached only through origin access control")
	alarm, _ := m.Find("aws:cloudwatch/metricAlarm:MetricAlarm", "hh-app-5xx-rate")
	assert.Equal(t, "us-east-1", m.Region(alarm.Provider), "CloudFront's metrics are in us-east-1")

	assert.Empty(t, awskittest.Violations(m, "production", "us-east-1"))
}

func TestFrontendArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*FrontendArgs)
		want   string
	}{
		{"certificate outside us-east-1", func(a *FrontendArgs) { a.CertificateArn = apiCertificate }, "Frontend: CertificateArn"},
		{"no firewall", func(a *FrontendArgs) { a.WebAclArn = nil }, "Frontend: WebAclArn = <nil>: required"},
		{"no countries", func(a *FrontendArgs) { a.AllowedCountries = nil }, "Frontend: AllowedCountries = <nil>: required"},
		{"no edge provider", func(a *FrontendArgs) { a.EdgeProvider = nil }, "Frontend: EdgeProvider/EdgeLogKmsKeyArn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				edge, err := awssdk.NewProvider(ctx, "aws-edge", &awssdk.ProviderArgs{Region: pulumi.String("us-east-1")})
				if err != nil {
					return err
				}
				_, err = NewFrontend(ctx, "app", frontendArgs(edge, tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
