package serverless

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/catalog"
)

const (
	tableKey   = "arn:aws:kms:eu-west-2:123456789012:key/database"
	drTableKey = "arn:aws:kms:eu-west-1:123456789012:key/database"
	secretsKey = "arn:aws:kms:eu-west-2:123456789012:key/secrets"
	logsKey    = "arn:aws:kms:eu-west-2:123456789012:key/logs"
	openAI     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:openai-AbCdEf"
)

func spec(name string) catalog.Table {
	t, ok := catalog.HealthHub().Table(name)
	if !ok {
		panic(name)
	}
	return t
}

func tableArgs(name string, mutate func(*TableArgs)) *TableArgs {
	a := &TableArgs{
		Prefix: "hh-" + name, Table: spec(name), KmsKeyArn: pulumi.String(tableKey),
		DR:         &TableReplica{Region: "eu-west-1", KmsKeyArn: pulumi.String(drTableKey)},
		Production: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestTableDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewTable(ctx, "appointments", tableArgs("appointments", nil), pulumi.Provider(p.Primary))
		return err
	})
	const table = "aws:dynamodb/table:Table"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: table, Name: "hh-appointments", Path: "billingMode", Want: "PAY_PER_REQUEST"},
		{Type: table, Name: "hh-appointments", Path: "hashKey", Want: "appointmentId"},
		{Type: table, Name: "hh-appointments", Path: "serverSideEncryption", Want: map[string]any{"enabled": true, "kmsKeyArn": tableKey}},
		{Type: table, Name: "hh-appointments", Path: "pointInTimeRecovery.enabled", Want: true},
		{Type: table, Name: "hh-appointments", Path: "deletionProtectionEnabled", Want: true},
		{Type: table, Name: "hh-appointments", Path: "streamViewType", Want: "NEW_AND_OLD_IMAGES"},
		{Type: table, Name: "hh-appointments", Path: "globalSecondaryIndexes[0]", Want: map[string]any{
			"name": "by-patient", "hashKey": "patientId", "rangeKey": "startsAt", "projectionType": "ALL"}},
		{Type: table, Name: "hh-appointments", Path: "replicas[0]", Want: map[string]any{
			"regionName": "eu-west-1", "kmsKeyArn": drTableKey, "pointInTimeRecovery": true, "propagateTags": true}},
	})
	r, _ := m.Find(table, "hh-appointments")
	assert.True(t, r.Protect)
	assert.Equal(t, []string{"aws-backup-phi-stores-selected"}, kittest.Policies(awskittest.Violations(m, "production")),
		"alone, the table passes every rule but the one a DisasterRecovery plan satisfies by selecting it")
}

func TestTableWithoutPHINeedsNoReplica(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewTable(ctx, "notifications", tableArgs("notifications", func(a *TableArgs) { a.DR = nil }), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:dynamodb/table:Table", Name: "hh-notifications", Path: "ttl", Want: map[string]any{"attributeName": "expiresAt", "enabled": true}},
	})
	r, _ := m.Find("aws:dynamodb/table:Table", "hh-notifications")
	_, replicated := r.Get("replicas")
	assert.False(t, replicated)
}

func TestTableArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*TableArgs)
		want   string
	}{
		{"no key", func(a *TableArgs) { a.KmsKeyArn = nil }, "Table: KmsKeyArn = <nil>: required"},
		{"PHI without a replica", func(a *TableArgs) { a.DR = nil }, "Table: DR = <nil>: required for a PHI table in production"},
		{"replica without a key", func(a *TableArgs) { a.DR.KmsKeyArn = nil }, "Table: DR = eu-west-1: needs a region and the DR replica of the key"},
		{"untagged", func(a *TableArgs) { a.Tags = nil }, "Table: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewTable(ctx, "t", tableArgs("records", tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

func chat() catalog.Function {
	for _, f := range catalog.HealthHub().Functions() {
		if f.Name == "chat" {
			return f.Function
		}
	}
	panic("chat")
}

func functionArgs(mutate func(*FunctionArgs)) *FunctionArgs {
	a := &FunctionArgs{
		Prefix: "hh-assistant-chat", Function: chat(),
		Tables: map[string]TableRef{
			"conversations": {Name: pulumi.String("hh-conversations"), Arn: pulumi.String("arn:aws:dynamodb:eu-west-2:123456789012:table/hh-conversations")},
			"records":       {Name: pulumi.String("hh-records"), Arn: pulumi.String("arn:aws:dynamodb:eu-west-2:123456789012:table/hh-records")},
		},
		Secrets:    map[string]SecretRef{"openai": {Name: "hh/openai", Arn: pulumi.String(openAI)}},
		CodeBucket: pulumi.String("hh-artifacts"), CodeKey: "assistant/chat.zip",
		EnvKmsKeyArn: pulumi.String(secretsKey), TableKmsKeyArn: pulumi.String(tableKey),
		LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestFunctionDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewFunction(ctx, "chat", functionArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const fn = "aws:lambda/function:Function"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: fn, Name: "hh-assistant-chat", Path: "runtime", Want: "nodejs20.x"},
		{Type: fn, Name: "hh-assistant-chat", Path: "memorySize", Want: int64(1024)},
		{Type: fn, Name: "hh-assistant-chat", Path: "timeout", Want: int64(29)},
		{Type: fn, Name: "hh-assistant-chat", Path: "reservedConcurrentExecutions", Want: int64(50)},
		{Type: fn, Name: "hh-assistant-chat", Path: "kmsKeyArn", Want: secretsKey},
		{Type: fn, Name: "hh-assistant-chat", Path: "tracingConfig.mode", Want: "Active"},
		{Type: fn, Name: "hh-assistant-chat", Path: "s3Key", Want: "assistant/chat.zip"},
		{Type: fn, Name: "hh-assistant-chat", Path: "environment.variables", Want: map[string]any{
			"TABLE_CONVERSATIONS": "hh-conversations", "SECRET_OPENAI": "hh/openai"}},
		{Type: "aws:sqs/queue:Queue", Name: "hh-assistant-chat-dlq", Path: "kmsMasterKeyId", Want: secretsKey},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-assistant-chat", Path: "name", Want: "/aws/lambda/hh-assistant-chat"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-assistant-chat", Path: "kmsKeyId", Want: logsKey},
	})

	policy, ok := m.Find("aws:iam/rolePolicy:RolePolicy", "hh-assistant-chat")
	require.True(t, ok)
	raw, _ := policy.Get("policy")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(raw.(string)), &doc))
	bySid := map[string]map[string]any{}
	for _, s := range doc.Statement {
		bySid[s["Sid"].(string)] = s
	}
	assert.Equal(t, []any{"arn:aws:dynamodb:eu-west-2:123456789012:table/hh-conversations", "arn:aws:dynamodb:eu-west-2:123456789012:table/hh-conversations/index/*"},
		bySid["TablesWrite"]["Resource"], "only its own table, not the records table it was handed")
	assert.NotContains(t, bySid, "TablesRead")
	assert.Equal(t, []any{openAI}, bySid["OwnSecrets"]["Resource"])
	assert.NotContains(t, fmt.Sprint(doc.Statement), "polly", "no AI action it was not granted")
	assert.NotContains(t, bySid, "RotateOwnSecrets", "only the rotation function writes secrets")

	assert.Empty(t, awskittest.Violations(m, "production"), "the function passes the whole policy pack")
}

func TestFunctionArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*FunctionArgs)
		want   string
	}{
		{"no code", func(a *FunctionArgs) { a.CodeKey = "" }, "Function: CodeBucket/CodeKey"},
		{"missing table", func(a *FunctionArgs) { delete(a.Tables, "conversations") }, "Function: Tables = conversations: must include every table"},
		{"missing secret", func(a *FunctionArgs) { a.Secrets = nil }, "Function: Secrets = openai: must include every secret"},
		{"no environment key", func(a *FunctionArgs) { a.EnvKmsKeyArn = nil }, "Function: EnvKmsKeyArn/TableKmsKeyArn/LogKmsKeyArn"},
		{"short log retention", func(a *FunctionArgs) { a.LogRetentionDays = 14 }, "Function: LogRetentionDays = 14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewFunction(ctx, "chat", functionArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}

func TestTableProvisionedWithAutoscaling(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewTable(ctx, "appointments", tableArgs("appointments", func(a *TableArgs) {
			a.Provisioned = &Autoscaling{Min: 10, Max: 1000, TargetUtilization: 70}
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:dynamodb/table:Table", Name: "hh-appointments", Path: "billingMode", Want: "PROVISIONED"},
		{Type: "aws:dynamodb/table:Table", Name: "hh-appointments", Path: "readCapacity", Want: int64(10)},
		{Type: "aws:dynamodb/table:Table", Name: "hh-appointments", Path: "globalSecondaryIndexes[0].readCapacity", Want: int64(10)},
		{Type: "aws:appautoscaling/target:Target", Name: "hh-appointments-read", Path: "maxCapacity", Want: int64(1000)},
		{Type: "aws:appautoscaling/target:Target", Name: "hh-appointments-write", Path: "scalableDimension", Want: "dynamodb:table:WriteCapacityUnits"},
		{Type: "aws:appautoscaling/policy:Policy", Name: "hh-appointments-read", Path: "targetTrackingScalingPolicyConfiguration.targetValue", Want: int64(70)},
		{Type: "aws:appautoscaling/policy:Policy", Name: "hh-appointments-read", Path: "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType", Want: "DynamoDBReadCapacityUtilization"},
	})

	_, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewTable(ctx, "t", tableArgs("records", func(a *TableArgs) { a.Provisioned = &Autoscaling{Min: 100, Max: 10, TargetUtilization: 70} }), pulumi.Provider(p.Primary))
		return err
	})
	require.ErrorContains(t, err, "Table: Provisioned = min 100, max 10: must have 1 <= min <= max")
}
