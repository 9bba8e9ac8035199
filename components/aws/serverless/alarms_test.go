package serverless

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/catalog"
)

func alarmsArgs(mutate func(*AlarmsArgs)) *AlarmsArgs {
	cat := catalog.HealthHub()
	functions := map[string]pulumi.StringInput{}
	for _, f := range cat.Functions() {
		functions[f.Service+"/"+f.Name] = pulumi.String("hh-" + f.Service + "-" + f.Name)
	}
	tables := map[string]pulumi.StringInput{}
	for _, t := range cat.Tables {
		tables[t.Name] = pulumi.String("hh-" + t.Name)
	}
	a := &AlarmsArgs{
		Prefix: "hh-apps", Catalog: cat, FunctionNames: functions, TableNames: tables,
		ApiName: pulumi.String("hh-api"), ApiStage: pulumi.String("v1"), CertificateArns: []string{apiCertificate, apiCertificate + "x"},
		AlertEmail: "oncall@healthhub.example", PagerUrl: pulumi.ToSecret(pulumi.String("https://pager.example/hook")).(pulumi.StringOutput),
		MonthlyBudgetUsd: 20000, KmsKeyArn: pulumi.String(logsKey), Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestAlarmsFromTheCatalog(t *testing.T) {
	var count int
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		a, err := NewAlarms(ctx, "alarms", alarmsArgs(nil), pulumi.Provider(p.Primary))
		if a != nil {
			count = a.AlarmCount
		}
		return err
	})
	const alarm = "aws:cloudwatch/metricAlarm:MetricAlarm"
	assert.Equal(t, 25, count, "API 5xx, errors for 7 services, throttles for 7 tables, API latency, cold starts for 7 services, 2 certificates")
	assert.Len(t, m.ByType(alarm), 25)
	assert.GreaterOrEqual(t, count, 22, "the seed asks for at least 22 alarms")
	assert.Len(t, m.ByType("aws:cloudwatch/logMetricFilter:LogMetricFilter"), 41, "a cold-start filter per function")

	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:sns/topic:Topic", Name: "hh-apps-critical", Path: "kmsMasterKeyId", Want: logsKey},
		{Type: "aws:sns/topic:Topic", Name: "hh-apps-warning", Path: "kmsMasterKeyId", Want: logsKey},
		{Type: "aws:sns/topicSubscription:TopicSubscription", Name: "hh-apps-critical-pager", Path: "protocol", Want: "https"},
		{Type: "aws:sns/topicSubscription:TopicSubscription", Name: "hh-apps-critical-pager", Path: "endpoint", Want: "[secret]"},
		{Type: alarm, Name: "hh-apps-api-5xx", Path: "threshold", Want: int64(5)},
		{Type: alarm, Name: "hh-apps-api-5xx", Path: "dimensions", Want: map[string]any{"ApiName": "hh-api", "Stage": "v1"}},
		{Type: alarm, Name: "hh-apps-errors-records", Path: "threshold", Want: int64(10)},
		{Type: alarm, Name: "hh-apps-errors-records", Path: "metricQueries[7].expression", Want: "SUM([m0,m1,m2,m3,m4,m5,m6])"},
		{Type: alarm, Name: "hh-apps-throttles-records", Path: "metricQueries[1].metric.metricName", Want: "WriteThrottleEvents"},
		{Type: alarm, Name: "hh-apps-api-latency-p90", Path: "extendedStatistic", Want: "p90"},
		{Type: alarm, Name: "hh-apps-api-latency-p90", Path: "threshold", Want: int64(200)},
		{Type: alarm, Name: "hh-apps-cold-start-assistant", Path: "threshold", Want: int64(1000)},
		{Type: alarm, Name: "hh-apps-certificate-1-expiry", Path: "comparisonOperator", Want: "LessThanThreshold"},
		{Type: "aws:budgets/budget:Budget", Name: "hh-apps", Path: "notifications[0].threshold", Want: int64(110)},
		{Type: "aws:budgets/budget:Budget", Name: "hh-apps", Path: "notifications[0].notificationType", Want: "FORECASTED"},
	})

	critical, _ := m.Find("aws:sns/topic:Topic", "hh-apps-critical")
	for _, name := range []string{"hh-apps-api-5xx", "hh-apps-errors-users", "hh-apps-throttles-users"} {
		a, _ := m.Find(alarm, name)
		assert.Contains(t, a.Dependencies, critical.URN, "%s pages", name)
	}

	dash, _ := m.Find("aws:cloudwatch/dashboard:Dashboard", "hh-apps")
	body, _ := dash.Get("dashboardBody")
	var doc struct{ Widgets []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(body.(string)), &doc))
	assert.Len(t, doc.Widgets, 9, "the API, a widget per service, the tables")

	assert.Empty(t, awskittest.Violations(m, "production"))
}

func TestAlarmsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AlarmsArgs)
		want   string
	}{
		{"a function missing", func(a *AlarmsArgs) { delete(a.FunctionNames, "assistant/chat") }, "Alarms: FunctionNames = assistant/chat"},
		{"a table missing", func(a *AlarmsArgs) { delete(a.TableNames, "records") }, "Alarms: TableNames = records"},
		{"no e-mail", func(a *AlarmsArgs) { a.AlertEmail = "" }, "Alarms: AlertEmail"},
		{"unencrypted topics", func(a *AlarmsArgs) { a.KmsKeyArn = nil }, "Alarms: KmsKeyArn = <nil>: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewAlarms(ctx, "alarms", alarmsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
