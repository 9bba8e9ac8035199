package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// AWS compute types: the EKS platform and the serverless functions.
const (
	TypeEksCluster     = "aws:eks/cluster:Cluster"
	TypeEksNodeGroup   = "aws:eks/nodeGroup:NodeGroup"
	TypeLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	TypeLambda         = "aws:lambda/function:Function"
	TypeLambdaURL      = "aws:lambda/functionUrl:FunctionUrl"
	TypeLambdaPerm     = "aws:lambda/permission:Permission"
)

var eksSecretsEncrypted = Rule{
	Name:        "aws-eks-secrets-encrypted",
	Description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key (HIPAA 164.312(a)(2)(iv) encryption at rest).",
	Level:       Mandatory,
	Types:       []string{TypeEksCluster},
	Check: func(r Resource, _ Config) []string {
		var out []string
		if !present(r.Inputs, "encryptionConfig.provider.keyArn") {
			out = append(out, "encryptionConfig.provider.keyArn is not set")
		}
		if !slices.Contains(strs(r.Inputs, "encryptionConfig.resources"), "secrets") {
			out = append(out, `encryptionConfig.resources must include "secrets"`)
		}
		return out
	},
}

// eksEndpointPrivate: in production the API server is reached through the VPC only. Outside
// production a public endpoint is allowed for a team's CI and laptops, but only from an
// explicit list of networks. The provider's default is a public endpoint open to the world,
// so an unset switch fails.
var eksEndpointPrivate = Rule{
	Name:        "aws-eks-endpoint-private",
	Description: "EKS API endpoints are private in production; elsewhere a public endpoint is limited to listed CIDRs, never 0.0.0.0/0 (HIPAA 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeEksCluster},
	Check: func(r Resource, cfg Config) []string {
		var out []string
		if !boolTrue(r.Inputs, "vpcConfig.endpointPrivateAccess") {
			out = append(out, "vpcConfig.endpointPrivateAccess must be true")
		}
		public := true
		if v, ok := get(r.Inputs, "vpcConfig.endpointPublicAccess"); ok && v == false {
			public = false
		}
		cidrs := strs(r.Inputs, "vpcConfig.publicAccessCidrs")
		switch {
		case !public:
		case cfg.production():
			out = append(out, "vpcConfig.endpointPublicAccess must be false in production")
		case len(cidrs) == 0:
			out = append(out, "the public endpoint is open to the internet; set vpcConfig.publicAccessCidrs or make it private")
		case slices.Contains(cidrs, "0.0.0.0/0"):
			out = append(out, "vpcConfig.publicAccessCidrs contains 0.0.0.0/0")
		}
		return out
	},
}

var eksControlPlaneLogs = Rule{
	Name:        "aws-eks-control-plane-logs",
	Description: "EKS clusters send api, audit and authenticator control-plane logs to CloudWatch (HIPAA 164.312(b) audit controls).",
	Level:       Mandatory,
	Types:       []string{TypeEksCluster},
	Check: func(r Resource, _ Config) []string {
		got := strs(r.Inputs, "enabledClusterLogTypes")
		var missing []string
		for _, want := range []string{"api", "audit", "authenticator"} {
			if !slices.Contains(got, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			return []string{"enabledClusterLogTypes lacks " + strings.Join(missing, ", ")}
		}
		return nil
	},
}

var eksNodesNoSSH = Rule{
	Name:        "aws-eks-nodes-no-ssh",
	Description: "EKS node groups allow no SSH access; nodes are reached through SSM if at all (HIPAA 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeEksNodeGroup},
	Check: func(r Resource, _ Config) []string {
		if v, ok := get(r.Inputs, "remoteAccess"); ok && v != nil {
			return []string{"remoteAccess is set: it opens SSH to the nodes"}
		}
		return nil
	},
}

var launchTemplateHardened = Rule{
	Name:        "aws-launch-template-hardened",
	Description: "Launch templates require IMDSv2 with a hop limit of 1, so pods cannot take the node's role, and encrypt every EBS volume with a customer-managed key (HIPAA 164.312(a)(1) access control, 164.312(a)(2)(iv) encryption).",
	Level:       Mandatory,
	Types:       []string{TypeLaunchTemplate},
	Check: func(r Resource, _ Config) []string {
		var out []string
		if t := str(r.Inputs, "metadataOptions.httpTokens"); t != "required" {
			out = append(out, fmt.Sprintf("metadataOptions.httpTokens is %q; must be required (IMDSv2)", t))
		}
		if v, _ := get(r.Inputs, "metadataOptions.httpPutResponseHopLimit"); IsUnknown(v) {
			out = append(out, "metadataOptions.httpPutResponseHopLimit is unknown at preview; must be 1")
		} else if hops, ok := number(r.Inputs, "metadataOptions.httpPutResponseHopLimit"); ok && hops > 1 {
			out = append(out, fmt.Sprintf("metadataOptions.httpPutResponseHopLimit is %d; must be 1", hops))
		}
		for i := range list(r.Inputs, "blockDeviceMappings") {
			p := fmt.Sprintf("blockDeviceMappings[%d].ebs", i)
			if str(r.Inputs, p+".encrypted") != "true" {
				out = append(out, p+".encrypted must be \"true\"")
			}
			if ok, why := customerKey(r.Inputs, p+".kmsKeyId"); !ok {
				out = append(out, why)
			}
		}
		return out
	},
}

var lambdaEnvironmentEncrypted = Rule{
	Name:        "aws-lambda-environment-encrypted",
	Description: "Lambda functions with environment variables encrypt them with a customer-managed KMS key (HIPAA 164.312(a)(2)(iv) encryption at rest).",
	Level:       Mandatory,
	Types:       []string{TypeLambda},
	Check: func(r Resource, _ Config) []string {
		v, _ := get(r.Inputs, "environment.variables")
		if vars, ok := v.(map[string]any); (ok && len(vars) > 0) || IsUnknown(v) {
			if ok, why := customerKey(r.Inputs, "kmsKeyArn"); !ok {
				return []string{why}
			}
		}
		return nil
	},
}

// lambdaTracing is advisory: tracing serves incident investigation, and a team may use
// another tracer.
var lambdaTracing = Rule{
	Name:        "aws-lambda-tracing",
	Description: "Lambda functions have X-Ray tracing active (HIPAA 164.312(b) audit controls). Advisory: a team may trace with another tool.",
	Level:       Advisory,
	Types:       []string{TypeLambda},
	Check: func(r Resource, _ Config) []string {
		if m := str(r.Inputs, "tracingConfig.mode"); m != "Active" {
			return []string{fmt.Sprintf("tracingConfig.mode is %q; should be Active", m)}
		}
		return nil
	},
}

var lambdaNotPublic = Rule{
	Name:        "aws-lambda-not-public",
	Description: "Lambda functions cannot be invoked anonymously: no function URL without IAM auth, no permission for any principal, and a service principal only for a named source (HIPAA 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeLambdaURL, TypeLambdaPerm},
	Check: func(r Resource, _ Config) []string {
		if r.Type == TypeLambdaURL {
			if t := str(r.Inputs, "authorizationType"); t != "AWS_IAM" {
				return []string{fmt.Sprintf("authorizationType is %q; a function URL must use AWS_IAM", t)}
			}
			return nil
		}
		principal := str(r.Inputs, "principal")
		switch {
		case IsUnknown(principal):
			return []string{"principal is unknown at preview; name the service or account"}
		case principal == "*":
			return []string{`principal is "*": anyone could invoke the function`}
		case strings.HasSuffix(principal, ".amazonaws.com") && !present(r.Inputs, "sourceArn"):
			return []string{fmt.Sprintf("principal %s has no sourceArn: any account's %s could invoke the function", principal, principal)}
		}
		return nil
	},
}

// TypeRolePolicyAttachment attaches a managed policy to a role.
const TypeRolePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

// broadPolicies grant the keys to every PHI store at once.
var broadPolicies = []string{"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess", "AmazonRDSFullAccess", "AmazonDynamoDBFullAccess", "AWSKeyManagementServicePowerUser"}

var iamNoBroadPolicies = Rule{
	Name:        "aws-iam-no-broad-managed-policies",
	Description: "No role the estate creates gets a broad AWS managed policy (AdministratorAccess, PowerUserAccess, full access to S3, RDS, DynamoDB or IAM): least privilege (HIPAA 164.308(a)(4) information access management, 164.312(a)(1) access control).",
	Level:       Mandatory,
	Types:       []string{TypeRolePolicyAttachment},
	Check: func(r Resource, _ Config) []string {
		arn := str(r.Inputs, "policyArn")
		for _, p := range broadPolicies {
			if strings.HasSuffix(arn, ":policy/"+p) {
				return []string{fmt.Sprintf("policyArn %s grants far more than the role needs", arn)}
			}
		}
		return nil
	},
}

// TypeEksAddon is an EKS add-on.
const TypeEksAddon = "aws:eks/addon:Addon"

// eksNetworkPolicy: without the VPC CNI's network policy agent, Kubernetes accepts
// NetworkPolicies and enforces none of them, so every namespace's default-deny is a dead letter.
var eksNetworkPolicy = Rule{
	Name:        "aws-eks-network-policy",
	Description: "Every EKS cluster runs the VPC CNI add-on with network policy enforcement on, so namespaces' NetworkPolicies take effect (HIPAA 164.312(a)(1) access control, 164.312(e)(1) transmission security).",
	Level:       Mandatory,
	Types:       []string{TypeEksCluster, TypeEksAddon},
	CheckStack: func(all []Resource, _ Config) []Finding {
		var out []Finding
		for _, c := range all {
			if c.Type != TypeEksCluster {
				continue
			}
			enforced := false
			for _, a := range dependents(all, c, TypeEksAddon) {
				if str(a.Inputs, "addonName") != "vpc-cni" {
					continue
				}
				var cfg struct {
					EnableNetworkPolicy string `json:"enableNetworkPolicy"`
				}
				if raw := str(a.Inputs, "configurationValues"); json.Unmarshal([]byte(raw), &cfg) == nil && cfg.EnableNetworkPolicy == "true" {
					enforced = true
				}
			}
			if !enforced {
				out = append(out, Finding{c.URN, `no vpc-cni add-on with {"enableNetworkPolicy":"true"}: NetworkPolicies would not be enforced`})
			}
		}
		return out
	},
}
