package serverless

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/awsformat"
)

// FrontendArgs configures the patient-facing web app: a private bucket behind CloudFront.
type FrontendArgs struct {
	// Prefix names the bucket, distribution, policies and logs.
	Prefix string
	// DomainName serves the app; CertificateArn is its ACM certificate in us-east-1, the only
	// region CloudFront takes certificates from.
	DomainName     string
	CertificateArn string
	// AllowedCountries are the ISO codes CloudFront serves; others get 403.
	AllowedCountries []string
	// WebAclArn is a CLOUDFRONT-scope web ACL (created through the edge provider).
	WebAclArn pulumi.StringInput
	// Bucket holds the built app (a SecureBucket the caller creates in the primary region, whose
	// policy lets this account's CloudFront distributions read it).
	BucketRegionalDomainName pulumi.StringInput
	// EdgeProvider targets us-east-1, where CloudFront's logs and metrics live; EdgeLogKmsKeyArn
	// is the logs key's replica there.
	EdgeProvider     pulumi.ProviderResource
	EdgeLogKmsKeyArn pulumi.StringInput
	LogRetentionDays int
	// AlertEmail receives the CloudFront error-rate alarm, raised in us-east-1 where the metric is.
	AlertEmail string
	// Protect keeps the access log through destroys (production).
	Protect bool
	Tags    map[string]string
}

// Frontend is a CloudFront distribution in front of a private S3 bucket: Origin Access Control
// (the bucket is never public), TLS 1.2 (2021 ciphers) and HTTPS only, security headers (HSTS,
// CSP, frame and content-type options, referrer policy), a geo allow-list, a web ACL, access
// logs to an encrypted log group, single-page-app error routing, and a 5xx-rate alarm.
type Frontend struct {
	pulumi.ResourceState

	DistributionId pulumi.StringOutput `pulumi:"distributionId"`
	DomainTarget   pulumi.StringOutput `pulumi:"domainTarget"`
	Url            pulumi.StringOutput `pulumi:"url"`
}

// CachingOptimized is AWS's managed cache policy for static content.
const cachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"

// contentSecurityPolicy lets the app load its own code and call its own API only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self' https://*.amazonaws.com; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// Validate checks the Args before anything is registered.
func (a *FrontendArgs) Validate() error {
	const c = "Frontend"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case !awsformat.DNSName.MatchString(a.DomainName):
		return kit.ArgError(c, "DomainName", fmt.Sprintf("%q", a.DomainName), "must be a DNS name such as app.healthhub.example")
	case !awsformat.EdgeACMCertificate.MatchString(a.CertificateArn):
		return kit.ArgError(c, "CertificateArn", fmt.Sprintf("%q", a.CertificateArn), "must be an ACM certificate in us-east-1, the region CloudFront takes certificates from")
	case len(a.AllowedCountries) == 0:
		return kit.ArgError(c, "AllowedCountries", nil, "required: the countries the app is offered in")
	case a.WebAclArn == nil:
		return kit.ArgError(c, "WebAclArn", nil, "required: the app always sits behind a CLOUDFRONT-scope web ACL")
	case a.BucketRegionalDomainName == nil:
		return kit.ArgError(c, "BucketRegionalDomainName", nil, "required: the private bucket the app is served from")
	case a.EdgeProvider == nil || a.EdgeLogKmsKeyArn == nil:
		return kit.ArgError(c, "EdgeProvider/EdgeLogKmsKeyArn", nil, "required: CloudFront's logs and metrics are in us-east-1, under a key there")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	case a.AlertEmail == "":
		return kit.ArgError(c, "AlertEmail", `""`, "required")
	}
	return kit.RequireTags(c, a.Tags)
}

// NewFrontend creates the origin access control, headers policy, distribution, access logging
// and the error-rate alarm.
func NewFrontend(ctx *pulumi.Context, name string, args *FrontendArgs, opts ...pulumi.ResourceOption) (*Frontend, error) {
	f := &Frontend{}
	if args == nil {
		return nil, kit.ArgError("Frontend", "args", nil, "required")
	}
	if err := kit.Register(ctx, TypeFrontend, name, args, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)
	edge := []pulumi.ResourceOption{parent, pulumi.Provider(args.EdgeProvider)}
	id := args.Prefix

	oac, err := cloudfront.NewOriginAccessControl(ctx, id, &cloudfront.OriginAccessControlArgs{
		Name: pulumi.String(id), Description: pulumi.String("CloudFront signs every request to the private bucket"),
		OriginAccessControlOriginType: pulumi.String("s3"), SigningBehavior: pulumi.String("always"), SigningProtocol: pulumi.String("sigv4"),
	}, parent)
	if err != nil {
		return nil, err
	}
	headers, err := cloudfront.NewResponseHeadersPolicy(ctx, id, &cloudfront.ResponseHeadersPolicyArgs{
		Name: pulumi.String(id + "-security-headers"),
		SecurityHeadersConfig: cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs{
			StrictTransportSecurity: cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs{
				AccessControlMaxAgeSec: pulumi.Int(63072000), IncludeSubdomains: pulumi.Bool(true), Preload: pulumi.Bool(true), Override: pulumi.Bool(true),
			},
			ContentSecurityPolicy: cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs{
				ContentSecurityPolicy: pulumi.String(contentSecurityPolicy), Override: pulumi.Bool(true),
			},
			FrameOptions:       cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs{FrameOption: pulumi.String("DENY"), Override: pulumi.Bool(true)},
			ContentTypeOptions: cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs{Override: pulumi.Bool(true)},
			ReferrerPolicy:     cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs{ReferrerPolicy: pulumi.String("strict-origin-when-cross-origin"), Override: pulumi.Bool(true)},
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	countries := slices.Sorted(slices.Values(args.AllowedCountries))
	spa := func(code int) cloudfront.DistributionCustomErrorResponseArgs {
		return cloudfront.DistributionCustomErrorResponseArgs{
			ErrorCode: pulumi.Int(code), ResponseCode: pulumi.Int(200), ResponsePagePath: pulumi.String("/index.html"), ErrorCachingMinTtl: pulumi.Int(10),
		}
	}
	dist, err := cloudfront.NewDistribution(ctx, id, &cloudfront.DistributionArgs{
		Enabled: pulumi.Bool(true), Comment: pulumi.String("HealthHub web app"),
		Aliases: pulumi.StringArray{pulumi.String(args.DomainName)}, DefaultRootObject: pulumi.String("index.html"),
		HttpVersion: pulumi.String("http2and3"), PriceClass: pulumi.String("PriceClass_100"),
		Origins: cloudfront.DistributionOriginArray{cloudfront.DistributionOriginArgs{
			OriginId: pulumi.String("app"), DomainName: args.BucketRegionalDomainName, OriginAccessControlId: oac.ID(),
		}},
		DefaultCacheBehavior: cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId: pulumi.String("app"), ViewerProtocolPolicy: pulumi.String("redirect-to-https"),
			AllowedMethods: pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS"}), CachedMethods: pulumi.ToStringArray([]string{"GET", "HEAD"}),
			CachePolicyId: pulumi.String(cachingOptimized), ResponseHeadersPolicyId: headers.ID(), Compress: pulumi.Bool(true),
		},
		// The app routes on the client: unknown paths get the app, which shows its own 404.
		CustomErrorResponses: cloudfront.DistributionCustomErrorResponseArray{spa(403), spa(404)},
		Restrictions: cloudfront.DistributionRestrictionsArgs{GeoRestriction: cloudfront.DistributionRestrictionsGeoRestrictionArgs{
			RestrictionType: pulumi.String("whitelist"), Locations: pulumi.ToStringArray(countries),
		}},
		ViewerCertificate: cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn: pulumi.String(args.CertificateArn), SslSupportMethod: pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String("TLSv1.2_2021"),
		},
		WebAclId: args.WebAclArn,
		Tags:     awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}

	// Standard logging needs an ACL-enabled bucket; CloudWatch log delivery writes to an
	// encrypted log group instead, in us-east-1 where CloudFront delivers.
	logs, err := cloudwatch.NewLogGroup(ctx, id+"-access", &cloudwatch.LogGroupArgs{
		Name: pulumi.Sprintf("/healthhub/cloudfront/%s", id), KmsKeyId: args.EdgeLogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays), Tags: awskit.Tags(args.Tags, id+"-access"),
	}, append(kit.Stateful(f, args.Protect), pulumi.Provider(args.EdgeProvider))...)
	if err != nil {
		return nil, err
	}
	source, err := cloudwatch.NewLogDeliverySource(ctx, id, &cloudwatch.LogDeliverySourceArgs{
		Name: pulumi.String(id), LogType: pulumi.String("ACCESS_LOGS"), ResourceArn: dist.Arn, Tags: awskit.Tags(args.Tags, id),
	}, edge...)
	if err != nil {
		return nil, err
	}
	destination, err := cloudwatch.NewLogDeliveryDestination(ctx, id, &cloudwatch.LogDeliveryDestinationArgs{
		Name: pulumi.String(id), OutputFormat: pulumi.String("json"),
		DeliveryDestinationConfiguration: cloudwatch.LogDeliveryDestinationDeliveryDestinationConfigurationArgs{DestinationResourceArn: logs.Arn},
		Tags:                             awskit.Tags(args.Tags, id),
	}, edge...)
	if err != nil {
		return nil, err
	}
	if _, err := cloudwatch.NewLogDelivery(ctx, id, &cloudwatch.LogDeliveryArgs{
		DeliverySourceName: source.Name, DeliveryDestinationArn: destination.Arn, Tags: awskit.Tags(args.Tags, id),
	}, edge...); err != nil {
		return nil, err
	}

	// CloudFront publishes its metrics in us-east-1, and an alarm notifies a topic in its own
	// region: the error-rate alarm and its encrypted topic live there.
	topic, err := awskit.AlertTopic(ctx, id+"-edge-critical", &sns.TopicArgs{
		Name: pulumi.String(id + "-edge-critical"), KmsMasterKeyId: args.EdgeLogKmsKeyArn, Tags: awskit.Tags(args.Tags, id+"-edge-critical"),
	}, args.AlertEmail, edge...)
	if err != nil {
		return nil, err
	}
	if _, err := cloudwatch.NewMetricAlarm(ctx, id+"-5xx-rate", &cloudwatch.MetricAlarmArgs{
		Name: pulumi.String(id + "-5xx-rate"), AlarmDescription: pulumi.String("CloudFront served more than 5% errors for 10 minutes"),
		Namespace: pulumi.String("AWS/CloudFront"), MetricName: pulumi.String("5xxErrorRate"),
		Dimensions: pulumi.StringMap{"DistributionId": dist.ID(), "Region": pulumi.String("Global")},
		Statistic:  pulumi.String("Average"), Period: pulumi.Int(300), EvaluationPeriods: pulumi.Int(2),
		Threshold: pulumi.Float64(5), ComparisonOperator: pulumi.String("GreaterThanThreshold"), TreatMissingData: pulumi.String("notBreaching"),
		AlarmActions: pulumi.Array{topic.Arn}, OkActions: pulumi.Array{topic.Arn}, Tags: awskit.Tags(args.Tags, id+"-5xx-rate"),
	}, edge...); err != nil {
		return nil, err
	}

	f.DistributionId = dist.ID().ToStringOutput()
	f.DomainTarget = dist.DomainName
	f.Url = pulumi.Sprintf("https://%s", args.DomainName)
	return f, ctx.RegisterResourceOutputs(f, pulumi.Map{"distributionId": f.DistributionId, "domainTarget": f.DomainTarget, "url": f.Url})
}
