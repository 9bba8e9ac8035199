package aws

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const alarmTopic = "arn:aws:sns:eu-west-2:123456789012:hh-security-alerts"

func alarmArgs(mutate func(*PlatformAlarmsArgs)) *PlatformAlarmsArgs {
	a := &PlatformAlarmsArgs{
		Prefix: "hh-platform", TopicArn: pulumi.String(alarmTopic), DatabaseClusterId: pulumi.String("hh-db"),
		LoadBalancerArnSuffix: pulumi.String("app/hh-edge/1234567890abcdef"),
		TargetGroupArnSuffix:  pulumi.String("targetgroup/hh-edge/abcdef1234567890"),
		WebAclName:            pulumi.String("hh-edge"), Tags: testTags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestPlatformAlarms(t *testing.T) {
	m := mustRun(t, func(ctx *pulumi.Context, p providers) error {
		_, err := NewPlatformAlarms(ctx, "alarms", alarmArgs(nil), pulumi.Provider(p.primary))
		return err
	})
	const a = "aws:cloudwatch/metricAlarm:MetricAlarm"
	assertInputs(t, m, []expectation{
		{a, "hh-platform-db-cpu", "metricName", "CPUUtilization"},
		{a, "hh-platform-db-cpu", "dimensions", map[string]any{"DBClusterIdentifier": "hh-db"}},
		{a, "hh-platform-db-cpu", "threshold", int64(80)},
		{a, "hh-platform-db-local-storage", "comparisonOperator", "LessThanThreshold"},
		{a, "hh-platform-db-replica-lag", "metricName", "AuroraReplicaLag"},
		{a, "hh-platform-alb-5xx", "dimensions", map[string]any{"LoadBalancer": "app/hh-edge/1234567890abcdef"}},
		{a, "hh-platform-targets-unhealthy", "metricName", "UnHealthyHostCount"},
		{a, "hh-platform-targets-unhealthy", "dimensions", map[string]any{"LoadBalancer": "app/hh-edge/1234567890abcdef", "TargetGroup": "targetgroup/hh-edge/abcdef1234567890"}},
		{a, "hh-platform-waf-blocked-spike", "dimensions", map[string]any{"WebACL": "hh-edge", "Region": "eu-west-2", "Rule": "ALL"}},
	})
	alarms := m.ByType(a)
	require.Len(t, alarms, 7)
	for _, r := range alarms {
		actions, _ := r.Get("alarmActions")
		ok, _ := r.Get("okActions")
		assert.Equal(t, []any{alarmTopic}, actions, "%s pages the topic", r.Name)
		assert.Equal(t, []any{alarmTopic}, ok, "%s says when it clears", r.Name)
	}
	assert.Empty(t, violations(m, "production"))
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
			m, err := run(t, func(ctx *pulumi.Context, p providers) error {
				_, err := NewPlatformAlarms(ctx, "alarms", alarmArgs(tt.mutate), pulumi.Provider(p.primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			assertNothingRegistered(t, m)
		})
	}
}
