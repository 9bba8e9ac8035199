package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/policy/rules"
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

var kmsKeyRotation = rules.Rule{
	Name:        "aws-kms-key-rotation",
	Cloud:       rules.CloudAWS,
	Description: "Customer-managed KMS keys rotate yearly or more often.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "switch fails; period passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeKmsKey},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !rules.BoolTrue(r.Inputs, "enableKeyRotation") {
			return []string{"enableKeyRotation must be true"}
		}
		if days, ok := rules.Number(r.Inputs, "rotationPeriodInDays"); ok && days > 365 {
			return []string{fmt.Sprintf("rotationPeriodInDays is %d; at most 365", days)}
		}
		return nil
	},
}

// companion checks, for every resource of the owner type, the resources that configure it
// apart from it (a bucket's encryption, a VPC's flow log, a web ACL's logging): there must be
// one, and each must pass ok (an empty message).
func companion(owner, typ, missing string, ok func(owner, c rules.Resource) string) func([]rules.Resource, rules.Config) []rules.Finding {
	return func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, b := range all {
			if b.Type != owner {
				continue
			}
			deps := rules.Dependents(all, b, typ)
			if len(deps) == 0 {
				out = append(out, rules.Finding{URN: b.URN, Message: missing})
				continue
			}
			for _, d := range deps {
				if msg := ok(b, d); msg != "" {
					out = append(out, rules.Finding{URN: d.URN, Message: msg})
				}
			}
		}
		return out
	}
}

var s3Encryption = rules.Rule{
	Name:        "aws-s3-encryption-cmk",
	Cloud:       rules.CloudAWS,
	Description: "S3 buckets encrypt objects with SSE-KMS under a customer-managed key; only a load balancer access-log bucket (tag log-delivery=elasticloadbalancing) may use SSE-S3, as ELB cannot write to SSE-KMS.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "algorithm fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket, TypeBucketSSE},
	CheckStack: companion(TypeBucket, TypeBucketSSE, "bucket has no server-side encryption configuration with a customer-managed KMS key", func(bucket, r rules.Resource) string {
		algo := rules.Str(r.Inputs, "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")
		if algo == "AES256" && rules.Str(bucket.Inputs, "tags."+naming.TagLogDelivery) == naming.LogDeliveryELB {
			return "" // Elastic Load Balancing can only write access logs to SSE-S3 buckets
		}
		if algo != "aws:kms" && algo != "aws:kms:dsse" {
			return fmt.Sprintf("sseAlgorithm is %q; must be aws:kms with a customer-managed key", algo)
		}
		if !rules.Present(r.Inputs, "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId") {
			return "kmsMasterKeyId is not set: objects would use the AWS-managed key, which the estate cannot audit or revoke"
		}
		return ""
	}),
}

var s3PublicAccess = rules.Rule{
	Name:        "aws-s3-public-access-blocked",
	Cloud:       rules.CloudAWS,
	Description: "Every S3 bucket, the legacy aws:s3/bucket:Bucket included, blocks all public access.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "flags fail",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket, TypeLegacyBucket, TypeBucketPublicAccess},
	CheckStack: onBuckets(TypeBucketPublicAccess, "bucket has no public access block", func(_, r rules.Resource) string {
		var off []string
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if !rules.BoolTrue(r.Inputs, k) {
				off = append(off, k)
			}
		}
		if len(off) > 0 {
			return "public access block must set " + strings.Join(off, ", ") + " to true"
		}
		return ""
	}),
}

var s3Versioning = rules.Rule{
	Name:        "aws-s3-versioning",
	Cloud:       rules.CloudAWS,
	Description: "S3 buckets keep object versions so an overwrite or delete can be undone.",
	Sections:    []rules.Section{rules.Integrity, rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket, TypeBucketVersioning},
	CheckStack: companion(TypeBucket, TypeBucketVersioning, "bucket has no versioning configuration", func(_, r rules.Resource) string {
		if s := rules.Str(r.Inputs, "versioningConfiguration.status"); s != "Enabled" {
			return fmt.Sprintf("versioning status is %q; must be Enabled", s)
		}
		return ""
	}),
}

var s3TLSOnly = rules.Rule{
	Name:        "aws-s3-tls-only",
	Cloud:       rules.CloudAWS,
	Description: "S3 bucket policies, inline on a legacy bucket or separate, deny requests that do not use TLS.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "policy checked when known",
	Level:       rules.Mandatory,
	Types:       []string{TypeBucket, TypeLegacyBucket, TypeBucketPolicy},
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		// A legacy bucket may carry its policy inline; one that denies insecure transport
		// there needs no separate policy resource.
		var rest []rules.Resource
		var out []rules.Finding
		for _, r := range all {
			if r.Type == TypeLegacyBucket && rules.Present(r.Inputs, "policy") {
				if msg := deniesInsecureTransport(r); msg != "" {
					out = append(out, rules.Finding{URN: r.URN, Message: msg})
				}
				continue
			}
			rest = append(rest, r)
		}
		return append(out, onBuckets(TypeBucketPolicy, "bucket has no policy denying non-TLS requests", func(_, p rules.Resource) string {
			return deniesInsecureTransport(p)
		})(rest, cfg)...)
	},
}

// deniesInsecureTransport checks a bucket policy (a resource's policy input) for the Deny on
// aws:SecureTransport = false; empty when it has one or is computed at deployment.
func deniesInsecureTransport(r rules.Resource) string {
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
}

// onBuckets is companion over both S3 bucket types a program may create: the current
// BucketV2 and the legacy Bucket are held to the same controls.
func onBuckets(typ, missing string, ok func(owner, c rules.Resource) string) func([]rules.Resource, rules.Config) []rules.Finding {
	return func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, owner := range []string{TypeBucket, TypeLegacyBucket} {
			out = append(out, companion(owner, typ, missing, ok)(all, cfg)...)
		}
		return out
	}
}

var logGroupEncrypted = rules.Rule{
	Name:        "aws-cloudwatch-log-group-encrypted",
	Aliases:     []string{"aws-log-group-encrypted"},
	Cloud:       rules.CloudAWS,
	Description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeLogGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !rules.Present(r.Inputs, "kmsKeyId") {
			return []string{"kmsKeyId is not set"}
		}
		return nil
	},
}

var logGroupRetention = rules.Rule{
	Name:        "aws-cloudwatch-log-group-retention",
	Aliases:     []string{"aws-log-group-retention"},
	Cloud:       rules.CloudAWS,
	Description: "CloudWatch log groups keep logs at least the retention floor, six years by default.",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeLogGroup},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if v, _ := rules.Get(r.Inputs, "retentionInDays"); rules.IsUnknown(v) {
			return []string{"retentionInDays is unknown at preview; set it from config"}
		}
		days, ok := rules.Number(r.Inputs, "retentionInDays")
		if !ok || days == 0 {
			return nil // never expire
		}
		if days < int64(cfg.RetentionFloorDays) {
			return []string{fmt.Sprintf("retentionInDays is %d; at least %d", days, cfg.RetentionFloorDays)}
		}
		return nil
	},
}

var cloudTrailHardened = rules.Rule{
	Name:        "aws-cloudtrail-hardened",
	Cloud:       rules.CloudAWS,
	Description: "CloudTrail logs every region, validates log files and encrypts them with a customer-managed key.",
	Sections:    []rules.Section{rules.AuditControls, rules.Integrity},
	Unknown:     "switches fail; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeTrail},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "isMultiRegionTrail") {
			out = append(out, "isMultiRegionTrail must be true")
		}
		if !rules.BoolTrue(r.Inputs, "enableLogFileValidation") {
			out = append(out, "enableLogFileValidation must be true")
		}
		if !rules.Present(r.Inputs, "kmsKeyId") {
			out = append(out, "kmsKeyId is not set")
		}
		if v, ok := rules.Get(r.Inputs, "enableLogging"); ok && v != true {
			out = append(out, fmt.Sprintf("enableLogging is %v", v))
		}
		return out
	},
}

var vpcFlowLogs = rules.Rule{
	Name:        "aws-vpc-flow-logs",
	Cloud:       rules.CloudAWS,
	Description: "Every VPC records all traffic in flow logs.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeVpc, TypeFlowLog},
	CheckStack: companion(TypeVpc, TypeFlowLog, "VPC has no flow log", func(_, l rules.Resource) string {
		if t := rules.Str(l.Inputs, "trafficType"); t != "ALL" {
			return fmt.Sprintf("trafficType is %q; must be ALL so rejected and accepted flows are both kept", t)
		}
		return ""
	}),
}

var defaultSecurityGroupClosed = rules.Rule{
	Name:        "aws-ec2-default-security-group-closed",
	Aliases:     []string{"aws-default-security-group-closed"},
	Cloud:       rules.CloudAWS,
	Description: "The default security group of every VPC has no rules, so an unassigned interface gets no access.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeDefaultSecurityGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, k := range []string{"ingress", "egress"} {
			if v, ok := rules.Get(r.Inputs, k); ok {
				if rules.IsUnknown(v) {
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
var securityGroupWorldIngress = rules.Rule{
	Name:        "aws-ec2-security-group-no-world-ingress",
	Aliases:     []string{"aws-security-group-no-world-ingress"},
	Cloud:       rules.CloudAWS,
	Description: "No security group admits the internet (0.0.0.0/0 or ::/0) except tcp/443, and tcp/80 for the HTTPS redirect, on an internet-facing load balancer.",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "CIDRs from other resources pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecurityGroup, TypeSecurityGroupRule, TypeSecurityGroupIngess, TypeLoadBalancer, TypeAlbLoadBalancer},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		atLoadBalancer := func(sgURN string) bool {
			for _, lb := range all {
				if isInternetFacingLB(lb) && slices.Contains(lb.Dependencies, sgURN) {
					return true
				}
			}
			return false
		}
		check := func(finding, sgURN, what string, from, to int64, protocol string) []rules.Finding {
			web := protocol == "tcp" && from == to && (from == 443 || from == 80)
			if web && sgURN != "" && atLoadBalancer(sgURN) {
				return nil
			}
			return []rules.Finding{{URN: finding, Message: fmt.Sprintf("%s opens ports %d-%d/%s to the internet; only tcp/443 (and tcp/80 to redirect) at an internet-facing load balancer may be", what, from, to, protocol)}}
		}
		var out []rules.Finding
		for _, r := range all {
			switch r.Type {
			case TypeSecurityGroup:
				for i, raw := range rules.List(r.Inputs, "ingress") {
					rule, _ := raw.(map[string]any)
					if world(rules.Strs(rule, "cidrBlocks"), rules.Strs(rule, "ipv6CidrBlocks")) {
						from, _ := rules.Number(rule, "fromPort")
						to, _ := rules.Number(rule, "toPort")
						out = append(out, check(r.URN, r.URN, fmt.Sprintf("ingress[%d]", i), from, to, rules.Str(rule, "protocol"))...)
					}
				}
			case TypeSecurityGroupRule, TypeSecurityGroupIngess:
				if r.Type == TypeSecurityGroupRule && rules.Str(r.Inputs, "type") != "ingress" {
					continue
				}
				cidrs := append(rules.Strs(r.Inputs, "cidrBlocks"), rules.Str(r.Inputs, "cidrIpv4"), rules.Str(r.Inputs, "cidrIpv6"))
				if !world(cidrs, rules.Strs(r.Inputs, "ipv6CidrBlocks")) {
					continue
				}
				protocol := rules.Str(r.Inputs, "protocol") + rules.Str(r.Inputs, "ipProtocol")
				from, _ := rules.Number(r.Inputs, "fromPort")
				to, _ := rules.Number(r.Inputs, "toPort")
				out = append(out, check(r.URN, rules.DependencyOf(all, r, TypeSecurityGroup, nil).URN, "the rule", from, to, protocol)...)
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

var snsTopicEncrypted = rules.Rule{
	Name:        "aws-sns-topic-encrypted",
	Cloud:       rules.CloudAWS,
	Description: "SNS topics are encrypted with a customer-managed KMS key: alerts can carry resource names and identifiers.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeSnsTopic},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if ok, why := customerKey(r.Inputs, "kmsMasterKeyId"); !ok {
			return []string{why}
		}
		return nil
	},
}
