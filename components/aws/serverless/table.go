// Package serverless holds the components of the serverless estate: the tables and functions
// the service catalog declares. It links only the SDK packages they use.
package serverless

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/kit"
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
	// Production turns on deletion protection; Protect keeps the table through destroys.
	Production bool
	Protect    bool
	Tags       map[string]string
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
	}
	return kit.RequireTags(c, a.Tags)
}

// NewTable creates the table.
func NewTable(ctx *pulumi.Context, name string, args *TableArgs, opts ...pulumi.ResourceOption) (*Table, error) {
	t := &Table{}
	if args == nil {
		return nil, kit.ArgError("Table", "args", nil, "required")
	}
	if err := kit.Register(ctx, "healthhub:aws:Table", name, args.Validate, t, opts); err != nil {
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
	if args.DR != nil {
		tableArgs.Replicas = dynamodb.TableReplicaTypeArray{dynamodb.TableReplicaTypeArgs{
			RegionName: pulumi.String(args.DR.Region), KmsKeyArn: args.DR.KmsKeyArn,
			PointInTimeRecovery: pulumi.Bool(true), PropagateTags: pulumi.Bool(true),
		}}
	}
	table, err := dynamodb.NewTable(ctx, args.Prefix, tableArgs, kit.Stateful(t, args.Protect)...)
	if err != nil {
		return nil, err
	}
	t.Name = table.Name
	t.Arn = table.Arn
	t.StreamArn = table.StreamArn
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{"name": t.Name, "arn": t.Arn, "streamArn": t.StreamArn})
}

// tableTags classifies a table the catalog marks as holding no PHI, so the DR and backup
// rules know why it has no replica.
func tableTags(args *TableArgs) pulumi.StringMap {
	t := kit.Tags(args.Tags, args.Prefix)
	if !args.Table.PHI {
		t["data-classification"] = pulumi.String("operational")
	}
	return t
}
