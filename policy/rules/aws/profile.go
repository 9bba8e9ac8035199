package aws

import "github.com/healthhub/estate/policy/rules"

// TypeProvider is the AWS provider; the region rule reads its region input.
const TypeProvider = "pulumi:providers:aws"

// Profile tells the cross-cloud rules about AWS. Resources carry their region only through
// their provider in pulumi-aws v6; v7's per-resource region input is read first where set.
var Profile = rules.Profile{
	Cloud:        rules.CloudAWS,
	Package:      "aws",
	Regional:     true,
	RegionInputs: []string{"region"},
	TagsInput:    "tags",
	Taggable:     append(taggable, guardTaggable...),
	Stateful:     append(stateful, guardStateful...),
	PHIStores:    append([]string{TypeRdsCluster, TypeDynamoTable, TypeBucket}, guardPHIStores...),
	DRCopy:       drCopy,
}

var taggable = []string{
	TypeKmsKey, TypeKmsReplicaKey, TypeBucket, TypeLogGroup, TypeTrail, TypeVpc, TypeFlowLog,
	TypeSecurityGroup, TypeDefaultSecurityGroup,
	"aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
	"aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
	"aws:ec2/vpcEndpoint:VpcEndpoint", "aws:iam/role:Role", TypeSnsTopic, TypeMetricAlarm,
	TypeRdsCluster, TypeRdsClusterInstance, TypeRdsInstance, TypeRdsGlobalCluster, TypeRdsClusterParameterGroup,
	TypeRdsParameterGroup, "aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup", TypeReplicationGroup, TypeDynamoTable,
	TypeSecret, TypeSqsQueue, TypeBackupVault, TypeBackupPlan, TypeEksCluster, TypeEksNodeGroup,
	TypeLaunchTemplate, TypeLambda, TypeLoadBalancer, TypeAlbLoadBalancer, TypeDistribution,
	TypeRestStage, TypeHTTPApi, TypeHTTPStage, TypeWebACL, TypeListener, TypeAlbListener,
	"aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup",
	"aws:eks/addon:Addon", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", TypeCognitoUserPool,
}

// stateful hold PHI, the keys that decrypt it, or the audit record of who touched it.
var stateful = []string{
	TypeKmsKey, TypeKmsReplicaKey, TypeBucket, TypeLogGroup, TypeRdsCluster, TypeRdsInstance,
	TypeRdsGlobalCluster, TypeDynamoTable, TypeSecret, TypeBackupVault, TypeEksCluster, TypeCognitoUserPool, TypeReplicationGroup,
}
