// Package serverless holds the components of the serverless estate: the tables and functions
// the service catalog declares. It links only the SDK packages they use.
package serverless

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/catalog"
)

// TableArgs configures one catalog table.
type TableArgs struct {
	// Prefix names the table.
	Prefix string
	// Table is the catalog entry: keys, indexes, TTL, stream, and whether it holds PHI.
	Table catalog.Table
	// KmsKeyArn encrypts the table (the database key).
	KmsKeyArn pulumi.StringInput
	// DR is where a PHI table keeps its replica. Required for PHI tables in production.
	DR *TableReplica
	// Provisioned, when set, switches from on-demand to provisioned capacity scaled by target
	// tracking (the seed's 10 to 1000 units at 70% utilization).
	Provisioned *Autoscaling
	// Production turns on deletion protection; Protect keeps the table through destroys.
	Production bool
	Protect    bool
	Tags       map[string]string
}

// Autoscaling bounds provisioned read and write capacity.
type Autoscaling struct {
	Min, Max int
	// TargetUtilization is the percentage of provisioned capacity target tracking aims at.
	TargetUtilization int
}

// TableReplica is a global-table replica in another region.
type TableReplica struct {
	Region string
	// KmsKeyArn is the DR replica of the table's key.
	KmsKeyArn pulumi.StringInput
}

// Table is an on-demand DynamoDB table encrypted with a customer-managed key, with
// point-in-time recovery and, for PHI, a global-table replica in the DR region.
type Table struct {
	pulumi.ResourceState

	Name      pulumi.StringOutput `pulumi:"name"`
	Arn       pulumi.StringOutput `pulumi:"arn"`
	StreamArn pulumi.StringOutput `pulumi:"streamArn"`
}

// Validate checks the Args before anything is registered.
func (a *TableArgs) Validate() error {
	const c = "Table"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: tables are always encrypted with a customer-managed key")
	case a.Table.HashKey == "" || a.Table.Attributes[a.Table.HashKey] == "":
		return kit.ArgError(c, "Table.HashKey", fmt.Sprintf("%q", a.Table.HashKey), "must be a declared attribute (validate the catalog first)")
	case a.Production && a.Table.PHI && a.DR == nil:
		return kit.ArgError(c, "DR", nil, "required for a PHI table in production: a replica in the DR region")
	case a.DR != nil && (a.DR.Region == "" || a.DR.KmsKeyArn == nil):
		return kit.ArgError(c, "DR", a.DR.Region, "needs a region and the DR replica of the key")
	case a.Provisioned != nil && (a.Provisioned.Min < 1 || a.Provisioned.Max < a.Provisioned.Min):
		return kit.ArgError(c, "Provisioned", fmt.Sprintf("min %d, max %d", a.Provisioned.Min, a.Provisioned.Max), "must have 1 <= min <= max")
	case a.Provisioned != nil && (a.Provisioned.TargetUtilization < 20 || a.Provisioned.TargetUtilization > 90):
		return kit.ArgError(c, "Provisioned.TargetUtilization", a.Provisioned.TargetUtilization, "must be 20 to 90 (percent)")
	}
	return kit.RequireTags(c, a.Tags)
}

// NewTable creates the table.
func NewTable(ctx *pulumi.Context, name string, args *TableArgs, opts ...pulumi.ResourceOption) (*Table, error) {
	t := &Table{}
	if args == nil {
		return nil, kit.ArgError("Table", "args", nil, "required")
	}
	if err := kit.Register(ctx, TypeTable, name, args, t, opts...); err != nil {
		return nil, err
	}
	spec := args.Table

	var attributes dynamodb.TableAttributeArray
	for _, attr := range slices.Sorted(maps.Keys(spec.Attributes)) {
		attributes = append(attributes, dynamodb.TableAttributeArgs{Name: pulumi.String(attr), Type: pulumi.String(spec.Attributes[attr])})
	}
	var indexes dynamodb.TableGlobalSecondaryIndexArray
	for _, g := range spec.GSIs {
		index := dynamodb.TableGlobalSecondaryIndexArgs{Name: pulumi.String(g.Name), HashKey: pulumi.String(g.HashKey), ProjectionType: pulumi.String("ALL")}
		if g.RangeKey != "" {
			index.RangeKey = pulumi.String(g.RangeKey)
		}
		indexes = append(indexes, index)
	}
	tableArgs := &dynamodb.TableArgs{
		Name:                      pulumi.String(args.Prefix),
		BillingMode:               pulumi.String("PAY_PER_REQUEST"),
		HashKey:                   pulumi.String(spec.HashKey),
		Attributes:                attributes,
		GlobalSecondaryIndexes:    indexes,
		ServerSideEncryption:      dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true), KmsKeyArn: args.KmsKeyArn},
		PointInTimeRecovery:       dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		DeletionProtectionEnabled: pulumi.Bool(args.Production),
		Tags:                      tableTags(args),
	}
	if spec.RangeKey != "" {
		tableArgs.RangeKey = pulumi.String(spec.RangeKey)
	}
	if spec.TTLAttribute != "" {
		tableArgs.Ttl = dynamodb.TableTtlArgs{AttributeName: pulumi.String(spec.TTLAttribute), Enabled: pulumi.Bool(true)}
	}
	// Global tables replicate through the stream, so a replicated table always has one.
	if spec.Stream || args.DR != nil {
		tableArgs.StreamEnabled = pulumi.Bool(true)
		tableArgs.StreamViewType = pulumi.String("NEW_AND_OLD_IMAGES")
	}
	tableOpts := kit.Stateful(t, args.Protect)
	if p := args.Provisioned; p != nil {
		tableArgs.BillingMode = pulumi.String("PROVISIONED")
		tableArgs.ReadCapacity, tableArgs.WriteCapacity = pulumi.Int(p.Min), pulumi.Int(p.Min)
		for i := range indexes {
			g := indexes[i].(dynamodb.TableGlobalSecondaryIndexArgs)
			g.ReadCapacity, g.WriteCapacity = pulumi.Int(p.Min), pulumi.Int(p.Min)
			indexes[i] = g
		}
		// Target tracking moves the capacity; the program must not move it back.
		tableOpts = append(tableOpts, pulumi.IgnoreChanges([]string{"readCapacity", "writeCapacity"}))
	}
	if args.DR != nil {
		tableArgs.Replicas = dynamodb.TableReplicaTypeArray{dynamodb.TableReplicaTypeArgs{
			RegionName: pulumi.String(args.DR.Region), KmsKeyArn: args.DR.KmsKeyArn,
			PointInTimeRecovery: pulumi.Bool(true), PropagateTags: pulumi.Bool(true),
		}}
	}
	table, err := dynamodb.NewTable(ctx, args.Prefix, tableArgs, tableOpts...)
	if err != nil {
		return nil, err
	}
	if args.Provisioned != nil {
		if err := autoscale(ctx, t, args, table); err != nil {
			return nil, err
		}
	}
	t.Name = table.Name
	t.Arn = table.Arn
	t.StreamArn = table.StreamArn
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{"name": t.Name, "arn": t.Arn, "streamArn": t.StreamArn})
}

// tableTags classifies a table the catalog marks as holding no PHI, so the DR and backup
// rules know why it has no replica.
func tableTags(args *TableArgs) pulumi.StringMap {
	t := awskit.Tags(args.Tags, args.Prefix)
	if !args.Table.PHI {
		t["data-classification"] = pulumi.String("operational")
	}
	return t
}

// autoscale tracks the target utilization on reads and writes between the bounds.
func autoscale(ctx *pulumi.Context, t *Table, args *TableArgs, table *dynamodb.Table) error {
	for _, dim := range []struct{ name, unit, metric string }{
		{"read", "ReadCapacityUnits", "DynamoDBReadCapacityUtilization"},
		{"write", "WriteCapacityUnits", "DynamoDBWriteCapacityUtilization"},
	} {
		target, err := appautoscaling.NewTarget(ctx, args.Prefix+"-"+dim.name, &appautoscaling.TargetArgs{
			ServiceNamespace: pulumi.String("dynamodb"), ResourceId: pulumi.Sprintf("table/%s", table.Name),
			ScalableDimension: pulumi.String("dynamodb:table:" + dim.unit),
			MinCapacity:       pulumi.Int(args.Provisioned.Min), MaxCapacity: pulumi.Int(args.Provisioned.Max),
			Tags: awskit.Tags(args.Tags, args.Prefix+"-"+dim.name),
		}, pulumi.Parent(t))
		if err != nil {
			return err
		}
		if _, err := appautoscaling.NewPolicy(ctx, args.Prefix+"-"+dim.name, &appautoscaling.PolicyArgs{
			Name: pulumi.String(args.Prefix + "-" + dim.name), PolicyType: pulumi.String("TargetTrackingScaling"),
			ServiceNamespace: target.ServiceNamespace, ResourceId: target.ResourceId, ScalableDimension: target.ScalableDimension,
			TargetTrackingScalingPolicyConfiguration: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue: pulumi.Float64(float64(args.Provisioned.TargetUtilization)),
				PredefinedMetricSpecification: appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String(dim.metric),
				},
			},
		}, pulumi.Parent(t)); err != nil {
			return err
		}
	}
	return nil
}
