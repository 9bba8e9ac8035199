package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
)

// PlatformAlarmsArgs names what the alarms watch and where they page.
type PlatformAlarmsArgs struct {
	Prefix string
	// TopicArn receives every alarm and its recovery (an encrypted SNS topic).
	TopicArn pulumi.StringInput
	// DatabaseClusterId is the Aurora cluster identifier (Database.ClusterIdentifier).
	DatabaseClusterId pulumi.StringInput
	// LoadBalancerArnSuffix and TargetGroupArnSuffix are the dimensions ALB metrics carry.
	LoadBalancerArnSuffix pulumi.StringInput
	TargetGroupArnSuffix  pulumi.StringInput
	// WebAclName is the REGIONAL web ACL's name (WebFirewall.WebAclName).
	WebAclName pulumi.StringInput
	Tags       map[string]string
}

// PlatformAlarms raises the operational alarms of the platform: database CPU, local storage
// and replica lag, load balancer and target 5xx, unhealthy targets, and spikes of requests the
// firewall blocks (often the first sign of an attack).
type PlatformAlarms struct {
	pulumi.ResourceState

	AlarmNames pulumi.StringArrayOutput `pulumi:"alarmNames"`
}

// alarm is one threshold on one metric.
type alarm struct {
	name, description     string
	namespace, metric     string
	statistic, comparison string
	threshold             float64
	periods               int
	dimensions            pulumi.StringMap
}

// Validate checks the Args before anything is registered.
func (a *PlatformAlarmsArgs) Validate() error {
	const c = "PlatformAlarms"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case a.TopicArn == nil:
		return kit.ArgError(c, "TopicArn", nil, "required: an alarm nobody hears is no alarm")
	case a.DatabaseClusterId == nil:
		return kit.ArgError(c, "DatabaseClusterId", nil, "required")
	case a.LoadBalancerArnSuffix == nil || a.TargetGroupArnSuffix == nil:
		return kit.ArgError(c, "LoadBalancerArnSuffix/TargetGroupArnSuffix", nil, "required")
	case a.WebAclName == nil:
		return kit.ArgError(c, "WebAclName", nil, "required")
	}
	return kit.RequireTags(c, a.Tags)
}

// NewPlatformAlarms creates the alarms; each notifies the topic when it fires and when it
// clears.
func NewPlatformAlarms(ctx *pulumi.Context, name string, args *PlatformAlarmsArgs, opts ...pulumi.ResourceOption) (*PlatformAlarms, error) {
	p := &PlatformAlarms{}
	if err := kit.Register(ctx, TypePlatformAlarms, name, args, p, opts...); err != nil {
		return nil, err
	}
	acct, err := awskit.LookupAccount(ctx, p)
	if err != nil {
		return nil, err
	}
	db := pulumi.StringMap{"DBClusterIdentifier": args.DatabaseClusterId}
	alb := pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix}
	targets := pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix, "TargetGroup": args.TargetGroupArnSuffix}
	waf := pulumi.StringMap{"WebACL": args.WebAclName, "Region": pulumi.String(acct.Region), "Rule": pulumi.String("ALL")}

	alarms := []alarm{
		{"db-cpu", "Database CPU above 80% for 15 minutes", "AWS/RDS", "CPUUtilization", "Average", "GreaterThanThreshold", 80, 3, db},
		{"db-local-storage", "Database local storage below 5 GiB", "AWS/RDS", "FreeLocalStorage", "Minimum", "LessThanThreshold", 5 * 1 << 30, 1, db},
		{"db-replica-lag", "Aurora readers more than 1 s behind the writer for 15 minutes", "AWS/RDS", "AuroraReplicaLag", "Maximum", "GreaterThanThreshold", 1000, 3, db},
		{"alb-5xx", "Load balancer answered more than 10 errors in 5 minutes", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", "GreaterThanThreshold", 10, 1, alb},
		{"targets-5xx", "Workloads answered more than 10 errors in 5 minutes", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", "GreaterThanThreshold", 10, 1, targets},
		{"targets-unhealthy", "A target has failed its health check for 10 minutes", "AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", "GreaterThanThreshold", 0, 2, targets},
		{"waf-blocked-spike", "The firewall blocked more than 1000 requests in 5 minutes", "AWS/WAFV2", "BlockedRequests", "Sum", "GreaterThanThreshold", 1000, 1, waf},
	}
	var names pulumi.StringArray
	for _, a := range alarms {
		alarmName := args.Prefix + "-" + a.name
		if _, err := cloudwatch.NewMetricAlarm(ctx, alarmName, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(alarmName),
			AlarmDescription:   pulumi.String(a.description),
			Namespace:          pulumi.String(a.namespace),
			MetricName:         pulumi.String(a.metric),
			Dimensions:         a.dimensions,
			Statistic:          pulumi.String(a.statistic),
			Period:             pulumi.Int(300),
			EvaluationPeriods:  pulumi.Int(a.periods),
			Threshold:          pulumi.Float64(a.threshold),
			ComparisonOperator: pulumi.String(a.comparison),
			TreatMissingData:   pulumi.String("notBreaching"),
			AlarmActions:       pulumi.Array{args.TopicArn},
			OkActions:          pulumi.Array{args.TopicArn},
			Tags:               awskit.Tags(args.Tags, alarmName),
		}, pulumi.Parent(p)); err != nil {
			return nil, err
		}
		names = append(names, pulumi.String(alarmName))
	}
	p.AlarmNames = names.ToStringArrayOutput()
	return p, ctx.RegisterResourceOutputs(p, pulumi.Map{"alarmNames": p.AlarmNames})
}
