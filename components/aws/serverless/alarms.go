package serverless

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/catalog"
)

// AlarmsArgs configures the serverless estate's alerting, derived from the catalog.
type AlarmsArgs struct {
	// Prefix names the topics, alarms, dashboard and budget.
	Prefix string
	// Catalog gives the services, their functions and the tables.
	Catalog catalog.Catalog
	// FunctionNames and TableNames are the deployed names by catalog name ("service/function",
	// "table").
	FunctionNames map[string]pulumi.StringInput
	TableNames    map[string]pulumi.StringInput
	// ApiName and ApiStage are the REST API's CloudWatch dimensions (ServiceApi.ApiName and
	// ServiceApi.StageName).
	ApiName  pulumi.StringInput
	ApiStage pulumi.StringInput
	// CertificateArns are the ACM certificates watched for expiry.
	CertificateArns []string
	// AlertEmail receives warnings, and critical alarms too; PagerUrl, when set, an HTTPS
	// endpoint of the on-call pager, receives critical alarms.
	AlertEmail string
	PagerUrl   pulumi.StringInput
	// MonthlyBudgetUsd is the budget whose forecast above 110% warns.
	MonthlyBudgetUsd int
	// KmsKeyArn encrypts both topics (the logs key).
	KmsKeyArn pulumi.StringInput
	Tags      map[string]string
}

// Alarms is the seed's alerting: critical alarms (API 5xx, Lambda errors per service,
// DynamoDB throttles per table) page; warnings (API p90 latency, cold starts per service,
// certificate expiry, the budget forecast) e-mail. Both topics are encrypted. A dashboard built
// from the catalog shows the same metrics.
type Alarms struct {
	pulumi.ResourceState

	CriticalTopicArn pulumi.StringOutput `pulumi:"criticalTopicArn"`
	WarningTopicArn  pulumi.StringOutput `pulumi:"warningTopicArn"`
	AlarmCount       int
}

// ColdStartNamespace holds the init durations the functions' logs report.
const ColdStartNamespace = "HealthHub/Lambda"

// Validate checks the Args before anything is registered.
func (a *AlarmsArgs) Validate() error {
	const c = "Alarms"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case a.ApiName == nil || a.ApiStage == nil:
		return kit.ArgError(c, "ApiName/ApiStage", nil, "required")
	case a.AlertEmail == "":
		return kit.ArgError(c, "AlertEmail", `""`, "required: warnings go to a person")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: alert topics are encrypted")
	case a.MonthlyBudgetUsd < 1:
		return kit.ArgError(c, "MonthlyBudgetUsd", a.MonthlyBudgetUsd, "must be positive")
	}
	for _, f := range a.Catalog.Functions() {
		if a.FunctionNames[f.Service+"/"+f.Name] == nil {
			return kit.ArgError(c, "FunctionNames", f.Service+"/"+f.Name, "must name every catalog function")
		}
	}
	for _, t := range a.Catalog.Tables {
		if a.TableNames[t.Name] == nil {
			return kit.ArgError(c, "TableNames", t.Name, "must name every catalog table")
		}
	}
	return kit.RequireTags(c, a.Tags)
}

// NewAlarms creates the topics, subscriptions, metric filters, alarms, dashboard and budget.
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) (*Alarms, error) {
	a := &Alarms{}
	if args == nil {
		return nil, kit.ArgError("Alarms", "args", nil, "required")
	}
	if err := kit.Register(ctx, TypeAlarms, name, args, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	topic := func(kind string) (*sns.Topic, error) {
		name := args.Prefix + "-" + kind
		return awskit.AlertTopic(ctx, name, &sns.TopicArgs{
			Name: pulumi.String(name), KmsMasterKeyId: args.KmsKeyArn, Tags: awskit.Tags(args.Tags, name),
		}, args.AlertEmail, parent)
	}
	critical, err := topic("critical")
	if err != nil {
		return nil, err
	}
	warning, err := topic("warning")
	if err != nil {
		return nil, err
	}
	if args.PagerUrl != nil {
		if _, err := sns.NewTopicSubscription(ctx, args.Prefix+"-critical-pager", &sns.TopicSubscriptionArgs{
			Topic: critical.Arn, Protocol: pulumi.String("https"), Endpoint: args.PagerUrl,
		}, parent); err != nil {
			return nil, err
		}
	}

	alarm := func(name, description string, topic *sns.Topic, mutate func(*cloudwatch.MetricAlarmArgs)) error {
		alarmName := args.Prefix + "-" + name
		alarmArgs := &cloudwatch.MetricAlarmArgs{
			Name: pulumi.String(alarmName), AlarmDescription: pulumi.String(description),
			EvaluationPeriods: pulumi.Int(1), TreatMissingData: pulumi.String("notBreaching"),
			AlarmActions: pulumi.Array{topic.Arn}, OkActions: pulumi.Array{topic.Arn},
			Tags: awskit.Tags(args.Tags, alarmName),
		}
		mutate(alarmArgs)
		_, err := cloudwatch.NewMetricAlarm(ctx, alarmName, alarmArgs, parent)
		a.AlarmCount++
		return err
	}
	api := pulumi.StringMap{"ApiName": args.ApiName, "Stage": args.ApiStage}
	metric := func(namespace, metricName, stat string, period int, dims pulumi.StringMap) func(*cloudwatch.MetricAlarmArgs) {
		return func(m *cloudwatch.MetricAlarmArgs) {
			m.Namespace, m.MetricName, m.Dimensions, m.Period = pulumi.String(namespace), pulumi.String(metricName), dims, pulumi.Int(period)
			if strings.HasPrefix(stat, "p") {
				m.ExtendedStatistic = pulumi.String(stat)
			} else {
				m.Statistic = pulumi.String(stat)
			}
		}
	}
	above := func(threshold float64, base func(*cloudwatch.MetricAlarmArgs)) func(*cloudwatch.MetricAlarmArgs) {
		return func(m *cloudwatch.MetricAlarmArgs) {
			base(m)
			m.Threshold, m.ComparisonOperator = pulumi.Float64(threshold), pulumi.String("GreaterThanThreshold")
		}
	}
	// sum adds one metric per dimension set: a service's functions, a table's two throttles.
	sum := func(threshold float64, namespace string, metrics []pulumi.StringMap, names []string) func(*cloudwatch.MetricAlarmArgs) {
		return func(m *cloudwatch.MetricAlarmArgs) {
			var queries cloudwatch.MetricAlarmMetricQueryArray
			var ids []string
			for i, dims := range metrics {
				id := fmt.Sprintf("m%d", i)
				ids = append(ids, id)
				queries = append(queries, cloudwatch.MetricAlarmMetricQueryArgs{
					Id: pulumi.String(id), ReturnData: pulumi.Bool(false),
					Metric: cloudwatch.MetricAlarmMetricQueryMetricArgs{
						Namespace: pulumi.String(namespace), MetricName: pulumi.String(names[i]), Dimensions: dims,
						Stat: pulumi.String("Sum"), Period: pulumi.Int(300),
					},
				})
			}
			queries = append(queries, cloudwatch.MetricAlarmMetricQueryArgs{
				Id: pulumi.String("total"), Expression: pulumi.Sprintf("SUM([%s])", strings.Join(ids, ",")), ReturnData: pulumi.Bool(true),
			})
			m.MetricQueries = queries
			m.Threshold, m.ComparisonOperator = pulumi.Float64(threshold), pulumi.String("GreaterThanThreshold")
		}
	}

	// Critical: the patient-facing path is failing.
	if err := alarm("api-5xx", "API answered more than 5 server errors in 5 minutes", critical,
		above(5, metric("AWS/ApiGateway", "5XXError", "Sum", 300, api))); err != nil {
		return nil, err
	}
	for _, s := range args.Catalog.Services {
		var dims []pulumi.StringMap
		var names []string
		for _, f := range s.Functions {
			dims = append(dims, pulumi.StringMap{"FunctionName": args.FunctionNames[s.Name+"/"+f.Name]})
			names = append(names, "Errors")
		}
		if err := alarm("errors-"+s.Name, fmt.Sprintf("The %s service's functions failed more than 10 times in 5 minutes", s.Name), critical,
			sum(10, "AWS/Lambda", dims, names)); err != nil {
			return nil, err
		}
	}
	for _, t := range args.Catalog.Tables {
		dims := pulumi.StringMap{"TableName": args.TableNames[t.Name]}
		if err := alarm("throttles-"+t.Name, fmt.Sprintf("DynamoDB throttled requests to %s", t.Name), critical,
			sum(0, "AWS/DynamoDB", []pulumi.StringMap{dims, dims}, []string{"ReadThrottleEvents", "WriteThrottleEvents"})); err != nil {
			return nil, err
		}
	}

	// Warnings: the service is slow, getting cold, expiring or costing more than planned.
	if err := alarm("api-latency-p90", "API p90 latency above 200 ms for 15 minutes", warning, func(m *cloudwatch.MetricAlarmArgs) {
		above(200, metric("AWS/ApiGateway", "Latency", "p90", 300, api))(m)
		m.EvaluationPeriods = pulumi.Int(3)
	}); err != nil {
		return nil, err
	}
	for _, s := range args.Catalog.Services {
		// Lambda writes "Init Duration" in the REPORT line of a cold start; a metric filter per
		// function turns it into one metric per service.
		for _, f := range s.Functions {
			if _, err := cloudwatch.NewLogMetricFilter(ctx, fmt.Sprintf("%s-cold-%s-%s", args.Prefix, s.Name, f.Name), &cloudwatch.LogMetricFilterArgs{
				LogGroupName: pulumi.Sprintf("/aws/lambda/%s", args.FunctionNames[s.Name+"/"+f.Name]),
				Pattern:      pulumi.String(`[type="REPORT", ..., label="Init", duration_label="Duration:", init_ms, unit="ms"]`),
				MetricTransformation: cloudwatch.LogMetricFilterMetricTransformationArgs{
					Name: pulumi.String("InitDuration"), Namespace: pulumi.String(ColdStartNamespace), Value: pulumi.String("$init_ms"),
					Dimensions: pulumi.StringMap{"Service": pulumi.String(s.Name)}, Unit: pulumi.String("Milliseconds"),
				},
			}, parent); err != nil {
				return nil, err
			}
		}
		if err := alarm("cold-start-"+s.Name, fmt.Sprintf("The %s service's cold starts take more than 1 s (p90)", s.Name), warning,
			above(1000, metric(ColdStartNamespace, "InitDuration", "p90", 900, pulumi.StringMap{"Service": pulumi.String(s.Name)}))); err != nil {
			return nil, err
		}
	}
	for i, cert := range args.CertificateArns {
		if err := alarm(fmt.Sprintf("certificate-%d-expiry", i+1), "An ACM certificate expires within 30 days: "+cert, warning, func(m *cloudwatch.MetricAlarmArgs) {
			metric("AWS/CertificateManager", "DaysToExpiry", "Minimum", 86400, pulumi.StringMap{"CertificateArn": pulumi.String(cert)})(m)
			m.Threshold, m.ComparisonOperator = pulumi.Float64(30), pulumi.String("LessThanThreshold")
		}); err != nil {
			return nil, err
		}
	}

	if _, err := budgets.NewBudget(ctx, args.Prefix, &budgets.BudgetArgs{
		Name: pulumi.String(args.Prefix), BudgetType: pulumi.String("COST"), TimeUnit: pulumi.String("MONTHLY"),
		LimitAmount: pulumi.String(fmt.Sprint(args.MonthlyBudgetUsd)), LimitUnit: pulumi.String("USD"),
		Notifications: budgets.BudgetNotificationArray{budgets.BudgetNotificationArgs{
			NotificationType: pulumi.String("FORECASTED"), ComparisonOperator: pulumi.String("GREATER_THAN"),
			Threshold: pulumi.Float64(110), ThresholdType: pulumi.String("PERCENTAGE"),
			SubscriberEmailAddresses: pulumi.StringArray{pulumi.String(args.AlertEmail)},
		}},
		Tags: awskit.Tags(args.Tags, args.Prefix),
	}, parent); err != nil {
		return nil, err
	}

	if _, err := cloudwatch.NewDashboard(ctx, args.Prefix, &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(args.Prefix),
		DashboardBody: dashboard(args),
	}, parent); err != nil {
		return nil, err
	}

	a.CriticalTopicArn = critical.Arn
	a.WarningTopicArn = warning.Arn
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"criticalTopicArn": a.CriticalTopicArn, "warningTopicArn": a.WarningTopicArn})
}

// dashboard is one row for the API and one widget per service and per table, from the catalog.
func dashboard(args *AlarmsArgs) pulumi.StringOutput {
	inputs := []any{args.ApiName, args.ApiStage}
	for _, f := range args.Catalog.Functions() {
		inputs = append(inputs, args.FunctionNames[f.Service+"/"+f.Name])
	}
	for _, t := range args.Catalog.Tables {
		inputs = append(inputs, args.TableNames[t.Name])
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		apiName, apiStage, i := fmt.Sprint(v[0]), fmt.Sprint(v[1]), 2
		widget := func(title string, metrics [][]any) map[string]any {
			return map[string]any{"type": "metric", "width": 12, "height": 6, "properties": map[string]any{
				"title": title, "view": "timeSeries", "stat": "Sum", "period": 300, "metrics": metrics,
			}}
		}
		widgets := []map[string]any{widget("API requests, 4xx and 5xx", [][]any{
			{"AWS/ApiGateway", "Count", "ApiName", apiName, "Stage", apiStage},
			{".", "4XXError", ".", ".", ".", "."},
			{".", "5XXError", ".", ".", ".", "."},
		})}
		for _, s := range args.Catalog.Services {
			var metrics [][]any
			for range s.Functions {
				metrics = append(metrics, []any{"AWS/Lambda", "Errors", "FunctionName", fmt.Sprint(v[i])})
				i++
			}
			widgets = append(widgets, widget(s.Name+": function errors", metrics))
		}
		var throttles [][]any
		for range args.Catalog.Tables {
			throttles = append(throttles, []any{"AWS/DynamoDB", "ReadThrottleEvents", "TableName", fmt.Sprint(v[i])},
				[]any{".", "WriteThrottleEvents", ".", "."})
			i++
		}
		widgets = append(widgets, widget("DynamoDB throttles", throttles))
		body, err := json.Marshal(map[string]any{"widgets": widgets})
		return string(body), err
	}).(pulumi.StringOutput)
}
