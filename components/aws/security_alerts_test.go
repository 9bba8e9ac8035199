package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

func alertArgs(mutate func(*SecurityAlertsArgs)) *SecurityAlertsArgs {
	a := &SecurityAlertsArgs{
		Prefix: "hh-security", KmsKeyArn: pulumi.String(logsKey), AlertEmail: "oncall@healthhub.example",
		TrailLogGroupName: pulumi.String("/healthhub/hh-audit/cloudtrail"), Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestSecurityAlertsDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewSecurityAlerts(ctx, "alerts", alertArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:sns/topic:Topic", Name: "hh-security", Path: "kmsMasterKeyId", Want: logsKey},
		{Type: "aws:sns/topicSubscription:TopicSubscription", Name: "hh-security-email", Path: "protocol", Want: "email"},
		{Type: "aws:sns/topicSubscription:TopicSubscription", Name: "hh-security-email", Path: "endpoint", Want: "oncall@healthhub.example"},
	})
	filters := m.ByType("aws:cloudwatch/logMetricFilter:LogMetricFilter")
	alarms := m.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")
	require.Len(t, filters, len(securityEvents))
	require.Len(t, alarms, len(securityEvents))
	for _, e := range securityEvents {
		f, ok := m.Find("aws:cloudwatch/logMetricFilter:LogMetricFilter", "hh-security-"+e.name)
		require.True(t, ok, e.name)
		group, _ := f.Get("logGroupName")
		pattern, _ := f.Get("pattern")
		assert.Equal(t, "/healthhub/hh-audit/cloudtrail", group)
		assert.Equal(t, e.pattern, pattern)

		a, ok := m.Find("aws:cloudwatch/metricAlarm:MetricAlarm", "hh-security-"+e.name)
		require.True(t, ok, e.name)
		threshold, _ := a.Get("threshold")
		actions, _ := a.Get("alarmActions")
		metric, _ := a.Get("metricName")
		assert.Equal(t, int64(1), threshold, "one event is enough to alert")
		assert.Equal(t, e.name, metric)
		require.Len(t, actions, 1)
		assert.Contains(t, actions.([]any)[0], "arn:aws:sns:eu-west-2:123456789012:", "alarms notify the topic")
	}
}

func TestSecurityAlertsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*SecurityAlertsArgs)
		want   string
	}{
		{"no key", func(a *SecurityAlertsArgs) { a.KmsKeyArn = nil }, "SecurityAlerts: KmsKeyArn"},
		{"bad e-mail", func(a *SecurityAlertsArgs) { a.AlertEmail = "on call" }, `SecurityAlerts: AlertEmail = "on call"`},
		{"no log group", func(a *SecurityAlertsArgs) { a.TrailLogGroupName = nil }, "SecurityAlerts: TrailLogGroupName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewSecurityAlerts(ctx, "alerts", alertArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
