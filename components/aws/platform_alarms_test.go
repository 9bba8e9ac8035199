package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const alarmTopic = "arn:aws:sns:eu-west-2:123456789012:hh-security-alerts"

func alarmArgs(mutate func(*PlatformAlarmsArgs)) *PlatformAlarmsArgs {
	a := &PlatformAlarmsArgs{
		Prefix: "hh-platform", TopicArn: pulumi.String(alarmTopic), DatabaseClusterId: pulumi.String("hh-db"),
		LoadBalancerArnSuffix: pulumi.String("app/hh-edge/1234567890abcdef"),
		TargetGroupArnSuffix:  pulumi.String("targetgroup/hh-edge/abcdef1234567890"),
		WebAclName:            pulumi.String("hh-edge"), Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestPlatformAlarms(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewPlatformAlarms(ctx, "alarms", alarmArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const a = "aws:cloudwatch/metricAlarm:MetricAlarm"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: a, Name: "hh-platform-db-cpu", Path: "metricName", Want: "CPUUtilization"},
		{Type: a, Name: "hh-platform-db-cpu", Path: "dimensions", Want: map[string]any{"DBClusterIdentifier": "hh-db"}},
		{Type: a, Name: "hh-platform-db-cpu", Path: "threshold", Want: int64(80)},
		{Type: a, Name: "hh-platform-db-local-storage", Path: "comparisonOperator", Want: "LessThanThreshold"},
		{Type: a, Name: "hh-platform-db-replica-lag", Path: "metricName", Want: "AuroraReplicaLag"},
		{Type: a, Name: "hh-platform-alb-5xx", Path: "dimensions", Want: map[string]any{"LoadBalancer": "app/hh-edge/1234567890abcdef"}},
		{Type: a, Name: "hh-platform-targets-unhealthy", Path: "metricName", Want: "UnHealthyHostCount"},
		{Type: a, Name: "hh-platform-targets-unhealthy", Path: "dimensions", Want: map[string]any{"LoadBalancer": "app/hh-edge/1234567890abcdef", "TargetGroup": "targetgroup/hh-edge/abcdef1234567890"}},
		{Type: a, Name: "hh-platform-waf-blocked-spike", Path: "dimensions", Want: map[string]any{"WebACL": "hh-edge", "Region": "eu-west-2", "Rule": "ALL"}},
	})
	alarms := m.ByType(a)
	require.Len(t, alarms, 7)
	for _, r := range alarms {
		actions, _ := r.Get("alarmActions")
		ok, _ := r.Get("okActions")
		assert.Equal(t, []any{alarmTopic}, actions, "%s pages the topic", r.Name)
		assert.Equal(t, []any{alarmTopic}, ok, "%s says when it clears", r.Name)
	}
	assert.Empty(t, awskittest.Violations(m, "production"))
}

func TestPlatformAlarmsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*PlatformAlarmsArgs)
		want   string
	}{
		{"no topic", func(a *PlatformAlarmsArgs) { a.TopicArn = nil }, "PlatformAlarms: TopicArn = <nil>: required"},
		{"no database", func(a *PlatformAlarmsArgs) { a.DatabaseClusterId = nil }, "PlatformAlarms: DatabaseClusterId"},
		{"no web ACL", func(a *PlatformAlarmsArgs) { a.WebAclName = nil }, "PlatformAlarms: WebAclName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewPlatformAlarms(ctx, "alarms", alarmArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
