package serverless

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/catalog"
)

// FunctionArgs configures one catalog function.
type FunctionArgs struct {
	// Prefix names the function, its role, queue and log group.
	Prefix string
	// Function is the catalog entry.
	Function catalog.Function
	// Tables are the catalog's tables by name; the function is granted only its own.
	Tables map[string]TableRef
	// Secrets are the secrets by catalog name; the function is granted only its own.
	Secrets map[string]SecretRef
	// CodeBucket and CodeKey are where the release pipeline put the function's package.
	CodeBucket pulumi.StringInput
	CodeKey    string
	// EnvKmsKeyArn encrypts the environment and the dead-letter queue (the secrets key).
	EnvKmsKeyArn pulumi.StringInput
	// TableKmsKeyArn is the tables' key, which DynamoDB uses on the function's behalf.
	TableKmsKeyArn pulumi.StringInput
	// LogKmsKeyArn and LogRetentionDays govern the function's log group.
	LogKmsKeyArn     pulumi.StringInput
	LogRetentionDays int
	// Protect keeps the log group through destroys (production).
	Protect bool
	Tags    map[string]string
}

// SecretRef is what a function needs of a secret: its name for the environment, and its ARN
// (or the ARN pattern of that name, "...:secret:<name>-??????") for the policy.
type SecretRef struct {
	Name string
	Arn  pulumi.StringInput
}

// TableRef is what a function needs of a table: its name for the environment, its ARN for
// the policy.
type TableRef struct {
	Name pulumi.StringInput
	Arn  pulumi.StringInput
}

// Function is a Lambda function with a role of its own that reaches only its tables,
// secrets and AI actions; its environment encrypted; X-Ray active; failed events kept in an
// encrypted dead-letter queue; its log encrypted and retained; its concurrency capped.
type Function struct {
	pulumi.ResourceState

	Name      pulumi.StringOutput `pulumi:"name"`
	Arn       pulumi.StringOutput `pulumi:"arn"`
	InvokeArn pulumi.StringOutput `pulumi:"invokeArn"`
	RoleArn   pulumi.StringOutput `pulumi:"roleArn"`
}

// Validate checks the Args before anything is registered.
func (a *FunctionArgs) Validate() error {
	const c = "Function"
	switch {
	case a.Prefix == "" || len(a.Prefix) > 64:
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "required, at most 64 characters (it names the function)")
	case a.CodeBucket == nil || a.CodeKey == "":
		return kit.ArgError(c, "CodeBucket/CodeKey", a.CodeKey, "required: the package the release pipeline uploads")
	case a.EnvKmsKeyArn == nil || a.TableKmsKeyArn == nil || a.LogKmsKeyArn == nil:
		return kit.ArgError(c, "EnvKmsKeyArn/TableKmsKeyArn/LogKmsKeyArn", nil, "required: environment, queue, tables and logs are encrypted with customer-managed keys")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	}
	for _, t := range slices.Sorted(maps.Keys(a.Function.Tables)) {
		if _, ok := a.Tables[t]; !ok {
			return kit.ArgError(c, "Tables", t, "must include every table the catalog grants the function")
		}
	}
	for _, s := range a.Function.Secrets {
		if a.Secrets[s].Arn == nil {
			return kit.ArgError(c, "Secrets", s, "must include every secret the catalog grants the function")
		}
	}
	return kit.RequireTags(c, a.Tags)
}

// The DynamoDB actions each access grants, on the table and its indexes.
var tableActions = map[catalog.Access][]string{
	catalog.Read: {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"},
	catalog.Write: {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
		"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"},
}

// NewFunction creates the function, its role and policy, dead-letter queue and log group.
func NewFunction(ctx *pulumi.Context, name string, args *FunctionArgs, opts ...pulumi.ResourceOption) (*Function, error) {
	f := &Function{}
	if args == nil {
		return nil, kit.ArgError("Function", "args", nil, "required")
	}
	if err := kit.Register(ctx, TypeFunction, name, args, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)
	id := args.Prefix
	spec := args.Function

	logs, err := cloudwatch.NewLogGroup(ctx, id, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/lambda/" + id),
		KmsKeyId:        args.LogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, id),
	}, kit.Stateful(f, args.Protect)...)
	if err != nil {
		return nil, err
	}
	dlq, err := sqs.NewQueue(ctx, id+"-dlq", &sqs.QueueArgs{
		Name:                         pulumi.String(id + "-dlq"),
		KmsMasterKeyId:               args.EnvKmsKeyArn,
		KmsDataKeyReusePeriodSeconds: pulumi.Int(300),
		MessageRetentionSeconds:      pulumi.Int(14 * 24 * 3600),
		Tags:                         awskit.Tags(args.Tags, id+"-dlq"),
	}, parent)
	if err != nil {
		return nil, err
	}

	role, err := iam.NewRole(ctx, id, &iam.RoleArgs{
		AssumeRolePolicy:   awskit.TrustPolicy("lambda.amazonaws.com", ""),
		Description:        pulumi.String("Runs " + id + " with access to its own tables, secrets and AI actions only"),
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}

	statements := iam.GetPolicyDocumentStatementArray{
		statement("WriteOwnLog", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, pulumi.StringArray{pulumi.Sprintf("%s:*", logs.Arn)}),
		statement("Trace", []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, pulumi.StringArray{pulumi.String("*")}),
		statement("DeadLetter", []string{"sqs:SendMessage"}, pulumi.StringArray{dlq.Arn}),
		statement("EnvironmentAndQueueKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, pulumi.StringArray{args.EnvKmsKeyArn}),
	}
	for _, access := range []catalog.Access{catalog.Read, catalog.Write} {
		var resources pulumi.StringArray
		for _, t := range slices.Sorted(maps.Keys(spec.Tables)) {
			if spec.Tables[t] == access {
				resources = append(resources, args.Tables[t].Arn, pulumi.Sprintf("%s/index/*", args.Tables[t].Arn))
			}
		}
		if len(resources) > 0 {
			statements = append(statements, statement("Tables"+strings.ToUpper(string(access[0]))+string(access[1:]), tableActions[access], resources))
		}
	}
	if len(spec.Tables) > 0 {
		statements = append(statements, statement("TableKey", []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, pulumi.StringArray{args.TableKmsKeyArn}))
	}
	if len(spec.Secrets) > 0 {
		var arns pulumi.StringArray
		for _, s := range spec.Secrets {
			arns = append(arns, args.Secrets[s].Arn)
		}
		statements = append(statements, statement("OwnSecrets", []string{"secretsmanager:GetSecretValue"}, arns))
		if spec.Rotates {
			statements = append(statements, statement("RotateOwnSecrets", []string{
				"secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
			}, arns))
		}
	}
	for _, a := range spec.AIServices {
		statements = append(statements, statement("AI"+strings.ToUpper(a[:1])+a[1:], catalog.AIServices[a], pulumi.StringArray{pulumi.String("*")}))
	}
	policy := iam.GetPolicyDocumentOutput(ctx, iam.GetPolicyDocumentOutputArgs{Statements: statements}, pulumi.Parent(f))
	rolePolicy, err := iam.NewRolePolicy(ctx, id, &iam.RolePolicyArgs{Role: role.ID(), Policy: policy.Json()}, parent)
	if err != nil {
		return nil, err
	}

	env := pulumi.StringMap{}
	for t, ref := range args.Tables {
		if _, ok := spec.Tables[t]; ok {
			env["TABLE_"+envName(t)] = ref.Name
		}
	}
	for _, s := range spec.Secrets {
		env["SECRET_"+envName(s)] = pulumi.String(args.Secrets[s].Name)
	}
	fn, err := lambda.NewFunction(ctx, id, &lambda.FunctionArgs{
		Name:                         pulumi.String(id),
		Role:                         role.Arn,
		Runtime:                      pulumi.String(spec.Runtime),
		Handler:                      pulumi.String(spec.Handler),
		Architectures:                pulumi.StringArray{pulumi.String("arm64")},
		S3Bucket:                     args.CodeBucket,
		S3Key:                        pulumi.String(args.CodeKey),
		MemorySize:                   pulumi.Int(spec.MemoryMB),
		Timeout:                      pulumi.Int(spec.TimeoutSeconds),
		ReservedConcurrentExecutions: pulumi.Int(spec.ReservedConcurrency),
		KmsKeyArn:                    args.EnvKmsKeyArn,
		Environment:                  lambda.FunctionEnvironmentArgs{Variables: env},
		TracingConfig:                lambda.FunctionTracingConfigArgs{Mode: pulumi.String("Active")},
		DeadLetterConfig:             lambda.FunctionDeadLetterConfigArgs{TargetArn: dlq.Arn},
		LoggingConfig:                lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: logs.Name},
		Tags:                         awskit.Tags(args.Tags, id),
	}, parent, pulumi.DependsOn([]pulumi.Resource{rolePolicy, logs}))
	if err != nil {
		return nil, err
	}
	f.Name = fn.Name
	f.Arn = fn.Arn
	f.InvokeArn = fn.InvokeArn
	f.RoleArn = role.Arn
	return f, ctx.RegisterResourceOutputs(f, pulumi.Map{"name": f.Name, "arn": f.Arn, "invokeArn": f.InvokeArn, "roleArn": f.RoleArn})
}

func statement(sid string, actions []string, resources pulumi.StringArrayInput) iam.GetPolicyDocumentStatementArgs {
	return iam.GetPolicyDocumentStatementArgs{
		Sid: pulumi.String(sid), Effect: pulumi.String("Allow"), Actions: pulumi.ToStringArray(actions), Resources: resources,
	}
}

// envName turns a catalog name into an environment variable suffix ("azure-speech" →
// "AZURE_SPEECH").
func envName(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }
