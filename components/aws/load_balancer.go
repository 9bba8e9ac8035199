package aws

import (
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/awsformat"
)

// DefaultSslPolicy negotiates TLS 1.3, and TLS 1.2 with forward-secret ciphers only.
const DefaultSslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// LoadBalancerArgs configures the internet-facing application load balancer.
type LoadBalancerArgs struct {
	// Prefix names the load balancer (at most 28 characters) and what surrounds it.
	Prefix string
	// VpcId and SubnetIds place it; SubnetIds are the public tier.
	VpcId     pulumi.StringInput
	SubnetIds pulumi.StringArrayInput
	// CertificateArn is the ACM certificate the HTTPS listener presents.
	CertificateArn string
	// SslPolicy is the listener's TLS policy; a TLS 1.3 policy (default DefaultSslPolicy).
	SslPolicy string
	// TargetPort is where the workloads take HTTPS; TargetCidrBlocks is where they run.
	TargetPort       int
	TargetCidrBlocks []string
	// WebAclArn is the REGIONAL web ACL put in front of the load balancer. Required: nothing
	// faces the internet without a firewall.
	WebAclArn pulumi.StringInput
	// LogRetentionDays keeps the access logs.
	LogRetentionDays int
	// Production turns on deletion protection.
	Production bool
	// Protect keeps the access-log bucket through destroys.
	Protect bool
	Tags    map[string]string
}

// LoadBalancer is an internet-facing ALB that speaks HTTPS only (HTTP redirects), drops
// malformed headers, mitigates request smuggling, logs every request, sits behind a web ACL
// and forwards to the workloads over HTTPS.
type LoadBalancer struct {
	pulumi.ResourceState

	Arn pulumi.StringOutput `pulumi:"arn"`
	// ArnSuffix and TargetGroupArnSuffix are the dimensions of the ALB's CloudWatch metrics.
	ArnSuffix            pulumi.StringOutput `pulumi:"arnSuffix"`
	TargetGroupArnSuffix pulumi.StringOutput `pulumi:"targetGroupArnSuffix"`
	DnsName              pulumi.StringOutput `pulumi:"dnsName"`
	ZoneId               pulumi.StringOutput `pulumi:"zoneId"`
	TargetGroupArn       pulumi.StringOutput `pulumi:"targetGroupArn"`
	SecurityGroupId      pulumi.StringOutput `pulumi:"securityGroupId"`
	LogBucketName        pulumi.StringOutput `pulumi:"logBucketName"`
}

var (
	loadBalancerName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,27}$`)
)

// Validate checks the Args before anything is registered.
func (a *LoadBalancerArgs) Validate() error {
	const c = "LoadBalancer"
	if a.SslPolicy == "" {
		a.SslPolicy = DefaultSslPolicy
	}
	switch {
	case !loadBalancerName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 28 lowercase letters, digits or hyphens")
	case a.VpcId == nil || a.SubnetIds == nil:
		return kit.ArgError(c, "VpcId/SubnetIds", nil, "required: the public subnets")
	case !awsformat.ACMCertificate.MatchString(a.CertificateArn):
		return kit.ArgError(c, "CertificateArn", fmt.Sprintf("%q", a.CertificateArn), "must be an ACM certificate ARN")
	case !strings.HasPrefix(a.SslPolicy, "ELBSecurityPolicy-TLS13-") && !strings.HasPrefix(a.SslPolicy, "ELBSecurityPolicy-FIPS-TLS13-"):
		return kit.ArgError(c, "SslPolicy", fmt.Sprintf("%q", a.SslPolicy), "must be a TLS 1.3 policy such as %q", DefaultSslPolicy)
	case a.TargetPort < 1024 || a.TargetPort > 65535:
		return kit.ArgError(c, "TargetPort", a.TargetPort, "must be 1024 to 65535")
	case a.WebAclArn == nil:
		return kit.ArgError(c, "WebAclArn", nil, "required: an internet-facing load balancer always sits behind a web ACL")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	}
	if err := kit.ClientCidrs(c, "TargetCidrBlocks", a.TargetCidrBlocks); err != nil {
		return err
	}
	return kit.RequireTags(c, a.Tags)
}

// NewLoadBalancer creates the load balancer, its listeners, target group, security group,
// access-log bucket and web ACL association.
func NewLoadBalancer(ctx *pulumi.Context, name string, args *LoadBalancerArgs, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	l := &LoadBalancer{}
	if err := kit.Register(ctx, TypeLoadBalancer, name, args, l, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(l)
	id := args.Prefix

	// The access logs are an audit record of requests, classified access-logs rather than phi:
	// ELB can only write them SSE-S3, so PHI must never travel in URLs (the APIs carry it in
	// bodies), and the WAF log holds the same requests under the logs key.
	logTags := maps.Clone(args.Tags)
	logTags["data-classification"] = "access-logs"
	logs, err := NewSecureBucket(ctx, id+"-access-logs", &SecureBucketArgs{
		Prefix:        id + "-access-logs",
		LogDelivery:   LogDeliveryELB,
		RetentionDays: args.LogRetentionDays,
		Protect:       args.Protect,
		Tags:          logTags,
	}, parent)
	if err != nil {
		return nil, err
	}

	// The internet reaches 443, and 80 only to be redirected; the load balancer reaches the
	// workloads' port in the private tier and nothing else.
	world := pulumi.StringArray{pulumi.String("0.0.0.0/0")}
	sg, err := ec2.NewSecurityGroup(ctx, id, &ec2.SecurityGroupArgs{
		VpcId:       args.VpcId,
		Description: pulumi.String("HTTPS from the internet to the load balancer"),
		Ingress: ec2.SecurityGroupIngressArray{
			ec2.SecurityGroupIngressArgs{Description: pulumi.String("HTTPS"), Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), CidrBlocks: world},
			ec2.SecurityGroupIngressArgs{Description: pulumi.String("HTTP, redirected to HTTPS"), Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(80), ToPort: pulumi.Int(80), CidrBlocks: world},
		},
		Egress: ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("HTTPS to the workloads"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(args.TargetPort), ToPort: pulumi.Int(args.TargetPort), CidrBlocks: pulumi.ToStringArray(args.TargetCidrBlocks),
		}},
		Tags: awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}

	alb, err := lb.NewLoadBalancer(ctx, id, &lb.LoadBalancerArgs{
		Name:                     pulumi.String(id),
		Internal:                 pulumi.Bool(false),
		LoadBalancerType:         pulumi.String("application"),
		SecurityGroups:           pulumi.StringArray{sg.ID()},
		Subnets:                  args.SubnetIds,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("strictest"),
		EnableDeletionProtection: pulumi.Bool(args.Production),
		EnableHttp2:              pulumi.Bool(true),
		IdleTimeout:              pulumi.Int(60),
		XffHeaderProcessingMode:  pulumi.String("append"),
		// No prefix: ELB writes under <prefix>/AWSLogs/<account>/, and the bucket grants
		// AWSLogs/<account>/ alone, so a prefix would have every delivery denied.
		AccessLogs: lb.LoadBalancerAccessLogsArgs{
			Bucket: logs.BucketName, Enabled: pulumi.Bool(true),
		},
		Tags: awskit.Tags(args.Tags, id),
		// ELB checks it may write to the bucket when logging is turned on.
	}, parent, pulumi.DependsOn(logs.Ready))
	if err != nil {
		return nil, err
	}

	targets, err := lb.NewTargetGroup(ctx, id, &lb.TargetGroupArgs{
		Name:       pulumi.String(id),
		VpcId:      args.VpcId,
		TargetType: pulumi.String("ip"),
		Protocol:   pulumi.String("HTTPS"),
		Port:       pulumi.Int(args.TargetPort),
		HealthCheck: lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Protocol: pulumi.String("HTTPS"), Path: pulumi.String("/healthz"), Matcher: pulumi.String("200"),
		},
		DeregistrationDelay: pulumi.Int(30),
		Tags:                awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}

	if _, err := lb.NewListener(ctx, id+"-https", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(args.SslPolicy),
		CertificateArn:  pulumi.String(args.CertificateArn),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("forward"), TargetGroupArn: targets.Arn,
		}},
		Tags: awskit.Tags(args.Tags, id+"-https"),
	}, parent); err != nil {
		return nil, err
	}
	if _, err := lb.NewListener(ctx, id+"-http", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: lb.ListenerDefaultActionRedirectArgs{
				Protocol: pulumi.String("HTTPS"), Port: pulumi.String("443"), StatusCode: pulumi.String("HTTP_301"),
			},
		}},
		Tags: awskit.Tags(args.Tags, id+"-http"),
	}, parent); err != nil {
		return nil, err
	}

	if _, err := wafv2.NewWebAclAssociation(ctx, id, &wafv2.WebAclAssociationArgs{
		ResourceArn: alb.Arn,
		WebAclArn:   args.WebAclArn,
	}, parent); err != nil {
		return nil, err
	}

	l.Arn = alb.Arn
	l.ArnSuffix = alb.ArnSuffix
	l.TargetGroupArnSuffix = targets.ArnSuffix
	l.DnsName = alb.DnsName
	l.ZoneId = alb.ZoneId
	l.TargetGroupArn = targets.Arn
	l.SecurityGroupId = sg.ID().ToStringOutput()
	l.LogBucketName = logs.BucketName
	return l, ctx.RegisterResourceOutputs(l, pulumi.Map{
		"arn": l.Arn, "arnSuffix": l.ArnSuffix, "targetGroupArnSuffix": l.TargetGroupArnSuffix, "dnsName": l.DnsName, "zoneId": l.ZoneId, "targetGroupArn": l.TargetGroupArn,
		"securityGroupId": l.SecurityGroupId, "logBucketName": l.LogBucketName,
	})
}
