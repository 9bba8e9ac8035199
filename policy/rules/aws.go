package rules

import (
	"fmt"
	"slices"
	"strings"
)

// AWS resource types the rules inspect.
const (
	TypeKmsKey               = "aws:kms/key:Key"
	TypeKmsReplicaKey        = "aws:kms/replicaKey:ReplicaKey"
	TypeBucket               = "aws:s3/bucketV2:BucketV2"
	TypeBucketSSE            = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeBucketPublicAccess   = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeBucketVersioning     = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	TypeBucketPolicy         = "aws:s3/bucketPolicy:BucketPolicy"
	TypeLogGroup             = "aws:cloudwatch/logGroup:LogGroup"
	TypeTrail                = "aws:cloudtrail/trail:Trail"
	TypeVpc                  = "aws:ec2/vpc:Vpc"
	TypeFlowLog              = "aws:ec2/flowLog:FlowLog"
	TypeDefaultSecurityGroup = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	TypeSecurityGroup        = "aws:ec2/securityGroup:SecurityGroup"
	TypeSnsTopic             = "aws:sns/topic:Topic"
	TypeMetricAlarm          = "aws:cloudwatch/metricAlarm:MetricAlarm"
)

// LogDeliveryELB tags a bucket that Elastic Load Balancing writes access logs to. It is the one
// bucket allowed SSE-S3 instead of a customer-managed key, because ELB cannot write to SSE-KMS.
const LogDeliveryELB = "elasticloadbalancing"

var taggableTypes = []string{
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

// statefulTypes hold PHI, the keys that decrypt it, or the audit record of who touched it.
var statefulTypes = []string{
	TypeKmsKey, TypeKmsReplicaKey, TypeBucket, TypeLogGroup, TypeRdsCluster, TypeRdsInstance,
	TypeRdsGlobalCluster, TypeDynamoTable, TypeSecret, TypeBackupVault, TypeEksCluster, TypeCognitoUserPool,
}

var kmsKeyRotation = Rule{
	Name:        "aws-kms-key-rotation",
	Description: "Customer-managed KMS keys rotate yearly or more often (HIPAA 164.312(a)(2)(iv) encryption and decryption).",
	Level:       Mandatory,
	Types:       []string{TypeKmsKey},
	Check: func(r Resource, _ Config) []string {
		if !boolTrue(r.Inputs, "enableKeyRotation") {
			return []string{"enableKeyRotation must be true"}
		}
		if days, ok := number(r.Inputs, "rotationPeriodInDays"); ok && days > 365 {
			return []string{fmt.Sprintf("rotationPeriodInDays is %d; at most 365", days)}
		}
		return nil
	},
}

// companion checks, for every resource of the owner type, the resources that configure it
// apart from it (a bucket's encryption, a VPC's flow log, a web ACL's logging): there must be
// one, and each must pass ok (an empty message).
func companion(owner, typ, missing string, ok func(owner, c Resource) string) func([]Resource, Config) []Finding {
	return func(all []Resource, _ Config) []Finding {
		var out []Finding
		for _, b := range all {
			if b.Type != owner {
				continue
			}
			deps := dependents(all, b, typ)
			if len(deps) == 0 {
				out = append(out, Finding{b.URN, missing})
				continue
			}
			for _, d := range deps {
				if msg := ok(b, d); msg != "" {
					out = append(out, Finding{d.URN, msg})
				}
			}
		}
		return out
	}
}

var s3Encryption = Rule{
	Name:        "aws-s3-encryption-cmk",
	Description: "S3 buckets encrypt objects with SSE-KMS under a customer-managed key; only a load balancer access-log bucket (tag log-delivery=elasticloadbalancing) may use SSE-S3, as ELB cannot write to SSE-KMS (HIPAA 164.312(a)(2)(iv) encryption at rest).",
	Level:       Mandatory,
	Types:       []string{TypeBucket, TypeBucketSSE},
	CheckStack: companion(TypeBucket, TypeBucketSSE, "bucket has no server-side encryption configuration with a customer-managed KMS key", func(bucket, r Resource) string {
		algo := str(r.Inputs, "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")
		if algo == "AES256" && str(bucket.Inputs, "tags.log-delivery") == LogDeliveryELB {
			return "" // Elastic Load Balancing can only write access logs to SSE-S3 buckets
		}
		if algo != "aws:kms" && algo != "aws:kms:dsse" {
			return fmt.Sprintf("sseAlgorithm is %q; must be aws:kms with a customer-managed key", algo)
		}
		if !present(r.Inputs, "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId") {
			return "kmsMasterKeyId is not set: objects would use the AWS-managed key, which the estate cannot audit or revoke"
		}
		return ""
	}),
}

var s3PublicAccess = Rule{
	Name:        "aws-s3-public-access-blocked",
	Description: "Every S3 bucket blocks all public access (HIPAA 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeBucket, TypeBucketPublicAccess},
	CheckStack: companion(TypeBucket, TypeBucketPublicAccess, "bucket has no public access block", func(_, r Resource) string {
		var off []string
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if !boolTrue(r.Inputs, k) {
				off = append(off, k)
			}
		}
		if len(off) > 0 {
			return "public access block must set " + strings.Join(off, ", ") + " to true"
		}
		return ""
	}),
}

var s3Versioning = Rule{
	Name:        "aws-s3-versioning",
	Description: "S3 buckets keep object versions so an overwrite or delete can be undone (HIPAA 164.312(c)(1) integrity, 164.308(a)(7) contingency plan).",
	Level:       Mandatory,
	Types:       []string{TypeBucket, TypeBucketVersioning},
	CheckStack: companion(TypeBucket, TypeBucketVersioning, "bucket has no versioning configuration", func(_, r Resource) string {
		if s := str(r.Inputs, "versioningConfiguration.status"); s != "Enabled" {
			return fmt.Sprintf("versioning status is %q; must be Enabled", s)
		}
		return ""
	}),
}

var s3TLSOnly = Rule{
	Name:        "aws-s3-tls-only",
	Description: "S3 bucket policies deny requests that do not use TLS (HIPAA 164.312(e)(1) transmission security).",
	Level:       Mandatory,
	Types:       []string{TypeBucket, TypeBucketPolicy},
	CheckStack: companion(TypeBucket, TypeBucketPolicy, "bucket has no policy denying non-TLS requests", func(_, r Resource) string {
		statements, known, err := policyStatements(r.Inputs, "policy")
		if err != nil {
			return "bucket policy is not valid JSON: " + err.Error()
		}
		if !known {
			return "" // computed at deployment; verified again by the engine on update
		}
		for _, s := range statements {
			if s["Effect"] != "Deny" {
				continue
			}
			cond, _ := s["Condition"].(map[string]any)
			b, _ := cond["Bool"].(map[string]any)
			if fmt.Sprint(b["aws:SecureTransport"]) == "false" {
				return ""
			}
		}
		return "bucket policy has no Deny statement on aws:SecureTransport = false"
	}),
}

var logGroupEncrypted = Rule{
	Name:        "aws-log-group-encrypted",
	Description: "CloudWatch log groups are encrypted with a customer-managed KMS key (HIPAA 164.312(a)(2)(iv) encryption at rest).",
	Level:       Mandatory,
	Types:       []string{TypeLogGroup},
	Check: func(r Resource, _ Config) []string {
		if !present(r.Inputs, "kmsKeyId") {
			return []string{"kmsKeyId is not set"}
		}
		return nil
	},
}

var logGroupRetention = Rule{
	Name:        "aws-log-group-retention",
	Description: "CloudWatch log groups keep logs at least the retention floor, six years by default (HIPAA 164.312(b) audit controls, 164.316(b)(2)(i) retention).",
	Level:       Mandatory,
	Types:       []string{TypeLogGroup},
	Check: func(r Resource, cfg Config) []string {
		if v, _ := get(r.Inputs, "retentionInDays"); IsUnknown(v) {
			return []string{"retentionInDays is unknown at preview; set it from config"}
		}
		days, ok := number(r.Inputs, "retentionInDays")
		if !ok || days == 0 {
			return nil // never expire
		}
		if days < int64(cfg.RetentionFloorDays) {
			return []string{fmt.Sprintf("retentionInDays is %d; at least %d", days, cfg.RetentionFloorDays)}
		}
		return nil
	},
}

var cloudTrailHardened = Rule{
	Name:        "aws-cloudtrail-hardened",
	Description: "CloudTrail logs every region, validates log files and encrypts them with a customer-managed key (HIPAA 164.312(b) audit controls, 164.312(c)(1) integrity).",
	Level:       Mandatory,
	Types:       []string{TypeTrail},
	Check: func(r Resource, _ Config) []string {
		var out []string
		if !boolTrue(r.Inputs, "isMultiRegionTrail") {
			out = append(out, "isMultiRegionTrail must be true")
		}
		if !boolTrue(r.Inputs, "enableLogFileValidation") {
			out = append(out, "enableLogFileValidation must be true")
		}
		if !present(r.Inputs, "kmsKeyId") {
			out = append(out, "kmsKeyId is not set")
		}
		if v, ok := get(r.Inputs, "enableLogging"); ok && v != true {
			out = append(out, fmt.Sprintf("enableLogging is %v", v))
		}
		return out
	},
}

var vpcFlowLogs = Rule{
	Name:        "aws-vpc-flow-logs",
	Description: "Every VPC records all traffic in flow logs (HIPAA 164.312(b) audit controls).",
	Level:       Mandatory,
	Types:       []string{TypeVpc, TypeFlowLog},
	CheckStack: companion(TypeVpc, TypeFlowLog, "VPC has no flow log", func(_, l Resource) string {
		if t := str(l.Inputs, "trafficType"); t != "ALL" {
			return fmt.Sprintf("trafficType is %q; must be ALL so rejected and accepted flows are both kept", t)
		}
		return ""
	}),
}

var defaultSecurityGroupClosed = Rule{
	Name:        "aws-default-security-group-closed",
	Description: "The default security group of every VPC has no rules, so an unassigned interface gets no access (HIPAA 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeDefaultSecurityGroup},
	Check: func(r Resource, _ Config) []string {
		var out []string
		for _, k := range []string{"ingress", "egress"} {
			if v, ok := get(r.Inputs, k); ok {
				if IsUnknown(v) {
					out = append(out, fmt.Sprintf("default security group %s rules are unknown at preview; they must be an empty literal", k))
				}
				if rules, _ := v.([]any); len(rules) > 0 {
					out = append(out, fmt.Sprintf("default security group has %d %s rules; must have none", len(rules), k))
				}
			}
		}
		return out
	},
}

// securityGroupWorldIngress admits the internet only where it is meant to arrive: HTTPS at an
// internet-facing load balancer, and HTTP there too, because the listener rule only lets an
// HTTP listener redirect to HTTPS.
var securityGroupWorldIngress = Rule{
	Name:        "aws-security-group-no-world-ingress",
	Description: "No security group admits the internet (0.0.0.0/0 or ::/0) except tcp/443, and tcp/80 for the HTTPS redirect, on an internet-facing load balancer (HIPAA 164.312(a)(1) access control, 164.312(e)(1) transmission security).",
	Level:       Mandatory,
	Types:       []string{TypeSecurityGroup, TypeSecurityGroupRule, TypeSecurityGroupIngess, TypeLoadBalancer, TypeAlbLoadBalancer},
	CheckStack: func(all []Resource, _ Config) []Finding {
		atLoadBalancer := func(sgURN string) bool {
			for _, lb := range all {
				if isInternetFacingLB(lb) && slices.Contains(lb.Dependencies, sgURN) {
					return true
				}
			}
			return false
		}
		check := func(finding, sgURN, what string, from, to int64, protocol string) []Finding {
			web := protocol == "tcp" && from == to && (from == 443 || from == 80)
			if web && sgURN != "" && atLoadBalancer(sgURN) {
				return nil
			}
			return []Finding{{finding, fmt.Sprintf("%s opens ports %d-%d/%s to the internet; only tcp/443 (and tcp/80 to redirect) at an internet-facing load balancer may be", what, from, to, protocol)}}
		}
		var out []Finding
		for _, r := range all {
			switch r.Type {
			case TypeSecurityGroup:
				for i, raw := range list(r.Inputs, "ingress") {
					rule, _ := raw.(map[string]any)
					if world(strs(rule, "cidrBlocks"), strs(rule, "ipv6CidrBlocks")) {
						from, _ := number(rule, "fromPort")
						to, _ := number(rule, "toPort")
						out = append(out, check(r.URN, r.URN, fmt.Sprintf("ingress[%d]", i), from, to, str(rule, "protocol"))...)
					}
				}
			case TypeSecurityGroupRule, TypeSecurityGroupIngess:
				if r.Type == TypeSecurityGroupRule && str(r.Inputs, "type") != "ingress" {
					continue
				}
				cidrs := append(strs(r.Inputs, "cidrBlocks"), str(r.Inputs, "cidrIpv4"), str(r.Inputs, "cidrIpv6"))
				if !world(cidrs, strs(r.Inputs, "ipv6CidrBlocks")) {
					continue
				}
				protocol := str(r.Inputs, "protocol") + str(r.Inputs, "ipProtocol")
				from, _ := number(r.Inputs, "fromPort")
				to, _ := number(r.Inputs, "toPort")
				out = append(out, check(r.URN, dependencyOf(all, r, TypeSecurityGroup, nil).URN, "the rule", from, to, protocol)...)
			}
		}
		return out
	},
}

func world(lists ...[]string) bool {
	for _, l := range lists {
		if slices.Contains(l, "0.0.0.0/0") || slices.Contains(l, "::/0") {
			return true
		}
	}
	return false
}

var snsTopicEncrypted = Rule{
	Name:        "aws-sns-topic-encrypted",
	Description: "SNS topics are encrypted with a customer-managed KMS key: alerts can carry resource names and identifiers (HIPAA 164.312(a)(2)(iv) encryption at rest).",
	Level:       Mandatory,
	Types:       []string{TypeSnsTopic},
	Check: func(r Resource, _ Config) []string {
		key := str(r.Inputs, "kmsMasterKeyId")
		switch {
		case !present(r.Inputs, "kmsMasterKeyId"):
			return []string{"kmsMasterKeyId is not set"}
		case key == "alias/aws/sns":
			return []string{"kmsMasterKeyId is the AWS-managed key alias/aws/sns; use a customer-managed key"}
		}
		return nil
	},
}
