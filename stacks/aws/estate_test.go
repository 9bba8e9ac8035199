package aws_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/audit"
	"github.com/healthhub/estate/internal/plan"
	"github.com/healthhub/estate/internal/stackfile"
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
	"github.com/healthhub/estate/stacks"
	"github.com/healthhub/estate/stacks/workloads/workloadstest"
)

// The production estate, type by type. A change that drops or adds resources shows here.
var productionCounts = workloadstest.With(map[string]int{
	"aws:apigateway/authorizer:Authorizer":                                   1,
	"aws:apigateway/basePathMapping:BasePathMapping":                         1,
	"aws:apigateway/deployment:Deployment":                                   1,
	"aws:apigateway/domainName:DomainName":                                   1,
	"aws:apigateway/integration:Integration":                                 36,
	"aws:apigateway/method:Method":                                           36, // one per catalog route
	"aws:apigateway/methodSettings:MethodSettings":                           1,
	"aws:apigateway/resource:Resource":                                       29,
	"aws:apigateway/restApi:RestApi":                                         1,
	"aws:apigateway/stage:Stage":                                             1,
	"aws:backup/plan:Plan":                                                   1,
	"aws:backup/selection:Selection":                                         1,
	"aws:backup/vault:Vault":                                                 2,
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration":               2,
	"aws:budgets/budget:Budget":                                              1,
	"aws:cloudfront/distribution:Distribution":                               1,
	"aws:cloudfront/originAccessControl:OriginAccessControl":                 1,
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":             1,
	"aws:cloudtrail/trail:Trail":                                             1,
	"aws:cloudwatch/dashboard:Dashboard":                                     1,
	"aws:cloudwatch/logDelivery:LogDelivery":                                 1,
	"aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":           1,
	"aws:cloudwatch/logDeliverySource:LogDeliverySource":                     1,
	"aws:cloudwatch/logGroup:LogGroup":                                       53,
	"aws:cloudwatch/logMetricFilter:LogMetricFilter":                         49,
	"aws:cloudwatch/metricAlarm:MetricAlarm":                                 41, // 8 security alerts, 7 platform alarms, 25 serverless alarms, CloudFront 5xx
	"aws:cognito/userPool:UserPool":                                          1,
	"aws:cognito/userPoolClient:UserPoolClient":                              1,
	"aws:dynamodb/table:Table":                                               7,
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                      2,
	"aws:ec2/eip:Eip":                                                        4, // three NAT gateways in the primary region, one in DR
	"aws:ec2/flowLog:FlowLog":                                                2,
	"aws:ec2/internetGateway:InternetGateway":                                2,
	"aws:ec2/launchTemplate:LaunchTemplate":                                  3,
	"aws:ec2/natGateway:NatGateway":                                          4,
	"aws:ec2/route:Route":                                                    8,
	"aws:ec2/routeTable:RouteTable":                                          10,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                    18,
	"aws:ec2/securityGroup:SecurityGroup":                                    6,
	"aws:ec2/subnet:Subnet":                                                  18,
	"aws:ec2/vpc:Vpc":                                                        2,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                                        16,
	"aws:eks/addon:Addon":                                                    4,
	"aws:eks/cluster:Cluster":                                                1,
	"aws:eks/nodeGroup:NodeGroup":                                            3,
	"aws:elasticache/replicationGroup:ReplicationGroup":                      1,
	"aws:elasticache/subnetGroup:SubnetGroup":                                1,
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider":                    1,
	"aws:iam/role:Role":                                                      55,
	"aws:iam/rolePolicy:RolePolicy":                                          51,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                      8,
	"aws:kms/alias:Alias":                                                    10,
	"aws:kms/key:Key":                                                        5,
	"aws:kms/replicaKey:ReplicaKey":                                          5,
	"aws:lambda/function:Function":                                           42,
	"aws:lambda/permission:Permission":                                       39,
	"aws:lb/listener:Listener":                                               2,
	"aws:lb/loadBalancer:LoadBalancer":                                       1,
	"aws:lb/targetGroup:TargetGroup":                                         1,
	"aws:rds/cluster:Cluster":                                                2,
	"aws:rds/clusterInstance:ClusterInstance":                                3,
	"aws:rds/clusterParameterGroup:ClusterParameterGroup":                    2,
	"aws:rds/globalCluster:GlobalCluster":                                    1,
	"aws:rds/subnetGroup:SubnetGroup":                                        2,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":   5,
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": 2,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                 5,
	"aws:s3/bucketPolicy:BucketPolicy":                                       5,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                 5,
	"aws:s3/bucketReplicationConfig:BucketReplicationConfig":                 1,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": 5,
	"aws:s3/bucketV2:BucketV2":                                        5,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                    5,
	"aws:secretsmanager/secret:Secret":                                5,
	"aws:secretsmanager/secretRotation:SecretRotation":                3,
	"aws:secretsmanager/secretVersion:SecretVersion":                  5,
	"aws:sns/topic:Topic":                                             4,
	"aws:sns/topicSubscription:TopicSubscription":                     5,
	"aws:sqs/queue:Queue":                                             42,
	"aws:wafv2/webAcl:WebAcl":                                         2,
	"aws:wafv2/webAclAssociation:WebAclAssociation":                   2,
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": 2,
	"healthhub:aws:Alarms":                                            1,
	"healthhub:aws:AuditTrail":                                        1,
	"healthhub:aws:Cache":                                             1,
	"healthhub:aws:Database":                                          1,
	"healthhub:aws:DisasterRecovery":                                  1,
	"healthhub:aws:EksCluster":                                        1,
	"healthhub:aws:Frontend":                                          1,
	"healthhub:aws:Function":                                          42, // the catalog's 41 functions and the rotation function
	"healthhub:aws:Keys":                                              1,
	"healthhub:aws:LoadBalancer":                                      1,
	"healthhub:aws:Network":                                           2,
	"healthhub:aws:PlatformAlarms":                                    1,
	"healthhub:aws:Secrets":                                           2, // the AI vendors' keys; the backend's data-store credentials
	"healthhub:aws:SecureBucket":                                      5, // audit archive and its DR copy, load balancer access logs, function artifacts, web app
	"healthhub:aws:SecurityAlerts":                                    1,
	"healthhub:aws:ServiceApi":                                        1,
	"healthhub:aws:Table":                                             7, // the catalog's 7 tables
	"healthhub:aws:WebFirewall":                                       2,
	"healthhub:aws:WorkloadRoles":                                     1, // IRSA roles: the three apps and Alertmanager
	"pulumi:providers:aws":                                            3, // primary, DR and the us-east-1 edge
	"pulumi:pulumi:Stack":                                             1,
})

func TestProductionStack(t *testing.T) {
	p, err := plan.Run("../..", "production", stacks.Run)
	require.NoError(t, err)
	assert.Equal(t, productionCounts, p.Summary.ByType)
	assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)
	// The advisory findings: the public sign-up route, and the data-store credentials the
	// backend reads, which rotate with the stack's config rather than in Secrets Manager.
	var advisories []string
	for _, v := range p.Violations {
		require.Equal(t, rules.Advisory, v.Level, "violations: %v", p.Violations)
		advisories = append(advisories, v.Policy+" "+v.URN[strings.LastIndex(v.URN, "::")+2:])
	}
	assert.ElementsMatch(t, []string{
		"aws-api-gateway-authorization healthhub-prod-api-post-users",
		"aws-secrets-rotation healthhub-prod-workloads-database-password",
		"aws-secrets-rotation healthhub-prod-workloads-cache-auth-token",
	}, advisories)
	assert.Equal(t, "aws", p.Cloud)
	assert.Equal(t, "production", p.Environment)

	regions := map[string]string{}
	for _, r := range p.Resources {
		if r.Type == "pulumi:providers:aws" {
			regions[r.Name] = r.Inputs["region"].(string)
		}
	}
	assert.Equal(t, map[string]string{"aws-primary": "eu-west-2", "aws-dr": "eu-west-1", "aws-edge": "us-east-1"}, regions)

	for _, r := range p.Resources {
		switch r.Type {
		case "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:s3/bucketV2:BucketV2", "aws:elasticache/replicationGroup:ReplicationGroup":
			assert.True(t, r.Protect, "%s %s is protected in production", r.Type, r.Name)
		}
	}
}

// Every shipped stack renders with zero mandatory violations.
func TestEveryShippedStackRenders(t *testing.T) {
	names := stackfile.List("../..")
	require.NotEmpty(t, names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p, err := plan.Run("../..", name, stacks.Run)
			require.NoError(t, err)
			assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)
		})
	}
}

// productionOnly are the controls that depend on the environment by design: protection from
// deletion and a DR copy matter where real PHI lives.
// Backup retention is sized per environment too (35 days in production, at least 7 elsewhere);
// outside production the cluster's API may be reached from listed networks, and backup vaults
// are locked in governance mode, since a compliance-mode vault could never be torn down.
var productionOnly = []string{
	"estate-stateful-protected", "aws-deletion-protection", "estate-phi-dr-copy",
	"aws-rds-backups", "aws-eks-endpoint-private", "aws-backup-vault-locked",
}

// TestSmallerStacksAreCheaperNotWeaker runs staging and dev through the production policy
// config: the only findings allowed are the production-only controls, so encryption,
// exposure, TLS and logging are the same everywhere. The savings are in the network.
func TestSmallerStacksAreCheaperNotWeaker(t *testing.T) {
	prodCfg := rules.Config{AllowedRegions: []string{"eu-west-2", "eu-west-1", "us-east-1"}, RetentionFloorDays: 2190, Environment: "production"}
	tests := []struct {
		stack     string
		nat       int // primary and DR
		subnets   int
		resources int
	}{
		{"staging", 2, 18, 871},
		{"dev", 2, 12, 854},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			p, err := plan.Run("../..", tt.stack, stacks.Run)
			require.NoError(t, err)
			assert.Equal(t, tt.stack, p.Environment)
			assert.Equal(t, tt.resources, p.Summary.Resources)
			assert.Equal(t, tt.nat, p.Summary.ByType["aws:ec2/natGateway:NatGateway"], "one NAT gateway per region")
			assert.Equal(t, tt.subnets, p.Summary.ByType["aws:ec2/subnet:Subnet"])
			assert.Zero(t, p.Summary.Mandatory, "violations: %v", p.Violations)

			data, err := json.Marshal(p)
			require.NoError(t, err)
			snap, err := audit.Parse(data)
			require.NoError(t, err)
			found := estate.Evaluate(snap.Resources, prodCfg)
			require.NotEmpty(t, found, "outside production nothing is protected from destroy, which the production config must see")
			for _, v := range found {
				if v.Level == rules.Advisory {
					continue // advisory calls (the public sign-up route) are production's too
				}
				assert.Contains(t, productionOnly, v.Policy, "%s is weaker than production: %s on %s", tt.stack, v.Message, v.URN)
			}
		})
	}
}
