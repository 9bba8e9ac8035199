package aws

import (
	"fmt"
	"net/mail"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// SecurityAlertsArgs configures alerting on the audit trail.
type SecurityAlertsArgs struct {
	// Prefix names the topic, filters and alarms.
	Prefix string
	// KmsKeyArn (logs domain) encrypts the alert topic. Required.
	KmsKeyArn pulumi.StringInput
	// AlertEmail receives every alarm. Required.
	AlertEmail string
	// TrailLogGroupName is the CloudWatch copy of the audit trail the filters read. Required.
	TrailLogGroupName pulumi.StringInput
	Tags              map[string]string
}

// SecurityAlerts turns audit-trail events that an investigator would want to hear about at
// once (164.308(a)(1)(ii)(D) information system activity review, 164.308(a)(6) incident
// response) into alarms on an encrypted topic that e-mails the on-call address.
type SecurityAlerts struct {
	pulumi.ResourceState

	TopicArn pulumi.StringOutput `pulumi:"topicArn"`
}

// securityEvent is one metric filter on the trail, after the CIS AWS Foundations benchmark's
// monitoring section.
type securityEvent struct {
	name, description, pattern string
}

// SecurityEvents are the trail events that raise an alarm.
var securityEvents = []securityEvent{
	{"unauthorized-api-calls", "API calls denied for lack of permission",
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`},
	{"root-account-usage", "The root user acted in the account",
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"console-signin-without-mfa", "A console sign-in succeeded without MFA",
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{"cloudtrail-changes", "A trail was created, changed, stopped or deleted",
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`},
	{"kms-key-disabled-or-deleted", "A customer-managed key was disabled or scheduled for deletion",
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`},
	{"iam-policy-changes", "An IAM policy was created, changed, attached or detached",
		`{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }`},
	{"s3-bucket-policy-changes", "A bucket policy, ACL or public access block changed",
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) || ($.eventName = PutBucketPublicAccessBlock) || ($.eventName = DeleteBucketPublicAccessBlock)) }`},
	{"security-group-changes", "A security group rule changed",
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`},
}

// MetricNamespace holds the estate's security metrics.
const MetricNamespace = "HealthHub/Security"

// Validate checks the Args before anything is registered.
func (a *SecurityAlertsArgs) Validate() error {
	const c = "SecurityAlerts"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: the alert topic is always encrypted with a customer-managed key")
	case a.TrailLogGroupName == nil:
		return kit.ArgError(c, "TrailLogGroupName", nil, "required: the log group holding the audit trail")
	}
	if addr, err := mail.ParseAddress(a.AlertEmail); err != nil || addr.Address != a.AlertEmail {
		return kit.ArgError(c, "AlertEmail", fmt.Sprintf("%q", a.AlertEmail), "must be a plain e-mail address such as oncall@example.org")
	}
	return kit.RequireTags(c, a.Tags)
}

// NewSecurityAlerts creates the topic, the subscription, and a filter and alarm per event.
func NewSecurityAlerts(ctx *pulumi.Context, name string, args *SecurityAlertsArgs, opts ...pulumi.ResourceOption) (*SecurityAlerts, error) {
	s := &SecurityAlerts{}
	if err := kit.Register(ctx, TypeSecurityAlerts, name, args, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)

	topic, err := awskit.AlertTopic(ctx, args.Prefix, &sns.TopicArgs{
		DisplayName:    pulumi.String("HealthHub security alerts"),
		KmsMasterKeyId: args.KmsKeyArn,
		Tags:           awskit.Tags(args.Tags, args.Prefix),
	}, args.AlertEmail, parent)
	if err != nil {
		return nil, err
	}

	for _, e := range securityEvents {
		metric := e.name
		filterName := args.Prefix + "-" + e.name
		if _, err := cloudwatch.NewLogMetricFilter(ctx, filterName, &cloudwatch.LogMetricFilterArgs{
			LogGroupName: args.TrailLogGroupName,
			Pattern:      pulumi.String(e.pattern),
			MetricTransformation: cloudwatch.LogMetricFilterMetricTransformationArgs{
				Name:      pulumi.String(metric),
				Namespace: pulumi.String(MetricNamespace),
				Value:     pulumi.String("1"),
			},
		}, parent); err != nil {
			return nil, err
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, filterName, &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   pulumi.String(e.description),
			Namespace:          pulumi.String(MetricNamespace),
			MetricName:         pulumi.String(metric),
			Statistic:          pulumi.String("Sum"),
			Period:             pulumi.Int(300),
			EvaluationPeriods:  pulumi.Int(1),
			Threshold:          pulumi.Float64(1),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			TreatMissingData:   pulumi.String("notBreaching"),
			AlarmActions:       pulumi.Array{topic.Arn},
			Tags:               awskit.Tags(args.Tags, filterName),
		}, parent); err != nil {
			return nil, err
		}
	}

	s.TopicArn = topic.Arn
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"topicArn": s.TopicArn})
}
