package aws

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
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

var eksSecretsEncrypted = rules.Rule{
	Name:        "aws-eks-secrets-encrypted",
	Cloud:       rules.CloudAWS,
	Description: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "resources list fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeEksCluster},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.Present(r.Inputs, "encryptionConfig.provider.keyArn") {
			out = append(out, "encryptionConfig.provider.keyArn is not set")
		}
		if !slices.Contains(rules.Strs(r.Inputs, "encryptionConfig.resources"), "secrets") {
			out = append(out, `encryptionConfig.resources must include "secrets"`)
		}
		return out
	},
}

// eksEndpointPrivate: in production the API server is reached through the VPC only. Outside
// production a public endpoint is allowed for a team's CI and laptops, but only from an
// explicit list of networks. The provider's default is a public endpoint open to the world,
// so an unset switch fails.
var eksEndpointPrivate = rules.Rule{
	Name:        "aws-eks-endpoint-private",
	Cloud:       rules.CloudAWS,
	Description: "EKS API endpoints are private in production; elsewhere a public endpoint is limited to listed CIDRs, never 0.0.0.0/0.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails (taken as public)",
	Level:       rules.Mandatory,
	Types:       []string{TypeEksCluster},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "vpcConfig.endpointPrivateAccess") {
			out = append(out, "vpcConfig.endpointPrivateAccess must be true")
		}
		public := true
		if v, ok := rules.Get(r.Inputs, "vpcConfig.endpointPublicAccess"); ok && v == false {
			public = false
		}
		cidrs := rules.Strs(r.Inputs, "vpcConfig.publicAccessCidrs")
		switch {
		case !public:
		case cfg.Production():
			out = append(out, "vpcConfig.endpointPublicAccess must be false in production")
		case len(cidrs) == 0:
			out = append(out, "the public endpoint is open to the internet; set vpcConfig.publicAccessCidrs or make it private")
		case slices.Contains(cidrs, "0.0.0.0/0"):
			out = append(out, "vpcConfig.publicAccessCidrs contains 0.0.0.0/0")
		}
		return out
	},
}

var eksControlPlaneLogs = rules.Rule{
	Name:        "aws-eks-control-plane-logs",
	Cloud:       rules.CloudAWS,
	Description: "EKS clusters send api, audit and authenticator control-plane logs to CloudWatch.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeEksCluster},
	Check: func(r rules.Resource, _ rules.Config) []string {
		got := rules.Strs(r.Inputs, "enabledClusterLogTypes")
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

var eksNodesNoSSH = rules.Rule{
	Name:        "aws-eks-nodes-no-ssh",
	Cloud:       rules.CloudAWS,
	Description: "EKS node groups allow no SSH access; nodes are reached through SSM if at all.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeEksNodeGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if v, ok := rules.Get(r.Inputs, "remoteAccess"); ok && v != nil {
			return []string{"remoteAccess is set: it opens SSH to the nodes"}
		}
		return nil
	},
}

var launchTemplateHardened = rules.Rule{
	Name:        "aws-ec2-launch-template-hardened",
	Aliases:     []string{"aws-launch-template-hardened"},
	Cloud:       rules.CloudAWS,
	Description: "Launch templates require IMDSv2 with a hop limit of 1, so pods cannot take the node's role, encrypt every EBS volume with a customer-managed key, and assign no public IP.",
	Sections:    []rules.Section{rules.AccessControl, rules.Encryption},
	Unknown:     "settings and the public IP switch fail; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeLaunchTemplate},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if t := rules.Str(r.Inputs, "metadataOptions.httpTokens"); t != "required" {
			out = append(out, fmt.Sprintf("metadataOptions.httpTokens is %q; must be required (IMDSv2)", t))
		}
		if v, _ := rules.Get(r.Inputs, "metadataOptions.httpPutResponseHopLimit"); rules.IsUnknown(v) {
			out = append(out, "metadataOptions.httpPutResponseHopLimit is unknown at preview; must be 1")
		} else if hops, ok := rules.Number(r.Inputs, "metadataOptions.httpPutResponseHopLimit"); ok && hops > 1 {
			out = append(out, fmt.Sprintf("metadataOptions.httpPutResponseHopLimit is %d; must be 1", hops))
		}
		for i := range rules.List(r.Inputs, "blockDeviceMappings") {
			p := fmt.Sprintf("blockDeviceMappings[%d].ebs", i)
			if rules.Str(r.Inputs, p+".encrypted") != "true" {
				out = append(out, p+".encrypted must be \"true\"")
			}
			if ok, why := customerKey(r.Inputs, p+".kmsKeyId"); !ok {
				out = append(out, why)
			}
		}
		return append(out, templatePublicIPs(r)...)
	},
}

var lambdaEnvironmentEncrypted = rules.Rule{
	Name:        "aws-lambda-environment-encrypted",
	Cloud:       rules.CloudAWS,
	Description: "Lambda functions with environment variables encrypt them with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "unknown variables need a key",
	Level:       rules.Mandatory,
	Types:       []string{TypeLambda},
	Check: func(r rules.Resource, _ rules.Config) []string {
		v, _ := rules.Get(r.Inputs, "environment.variables")
		if vars, ok := v.(map[string]any); (ok && len(vars) > 0) || rules.IsUnknown(v) {
			if ok, why := customerKey(r.Inputs, "kmsKeyArn"); !ok {
				return []string{why}
			}
		}
		return nil
	},
}

// lambdaTracing is advisory: tracing serves incident investigation, and a team may use
// another tracer.
var lambdaTracing = rules.Rule{
	Name:        "aws-lambda-tracing",
	Cloud:       rules.CloudAWS,
	Description: "Lambda functions have X-Ray tracing active. Advisory: a team may trace with another tool.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "fails",
	Level:       rules.Advisory,
	Types:       []string{TypeLambda},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if m := rules.Str(r.Inputs, "tracingConfig.mode"); m != "Active" {
			return []string{fmt.Sprintf("tracingConfig.mode is %q; should be Active", m)}
		}
		return nil
	},
}

var lambdaNotPublic = rules.Rule{
	Name:        "aws-lambda-not-public",
	Cloud:       rules.CloudAWS,
	Description: "Lambda functions cannot be invoked anonymously: no function URL without IAM auth, no permission for any principal, and a service principal only for a named source.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "principal fails; source passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeLambdaURL, TypeLambdaPerm},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if r.Type == TypeLambdaURL {
			if t := rules.Str(r.Inputs, "authorizationType"); t != "AWS_IAM" {
				return []string{fmt.Sprintf("authorizationType is %q; a function URL must use AWS_IAM", t)}
			}
			return nil
		}
		principal := rules.Str(r.Inputs, "principal")
		switch {
		case rules.IsUnknown(principal):
			return []string{"principal is unknown at preview; name the service or account"}
		case principal == "*":
			return []string{`principal is "*": anyone could invoke the function`}
		case strings.HasSuffix(principal, ".amazonaws.com") && !rules.Present(r.Inputs, "sourceArn"):
			return []string{fmt.Sprintf("principal %s has no sourceArn: any account's %s could invoke the function", principal, principal)}
		}
		return nil
	},
}

// TypeRolePolicyAttachment attaches a managed policy to a role.
const TypeRolePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

// broadPolicies grant the keys to every PHI store at once.
var broadPolicies = []string{"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess", "AmazonRDSFullAccess", "AmazonDynamoDBFullAccess", "AWSKeyManagementServicePowerUser"}

var iamNoBroadPolicies = rules.Rule{
	Name:        "aws-iam-no-broad-managed-policies",
	Cloud:       rules.CloudAWS,
	Description: "No role the estate creates gets a broad AWS managed policy (AdministratorAccess, PowerUserAccess, full access to S3, RDS, DynamoDB or IAM): least privilege.",
	Sections:    []rules.Section{rules.InformationAccess, rules.AccessControl},
	Unknown:     "policy ARN passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeRolePolicyAttachment},
	Check: func(r rules.Resource, _ rules.Config) []string {
		arn := rules.Str(r.Inputs, "policyArn")
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
var eksNetworkPolicy = rules.Rule{
	Name:        "aws-eks-network-policy",
	Cloud:       rules.CloudAWS,
	Description: "Every EKS cluster runs the VPC CNI add-on with network policy enforcement on, so namespaces' NetworkPolicies take effect.",
	Sections:    []rules.Section{rules.AccessControl, rules.TransmissionSecurity},
	Unknown:     "configuration fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeEksCluster, TypeEksAddon},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, c := range all {
			if c.Type != TypeEksCluster {
				continue
			}
			enforced := false
			for _, a := range rules.Dependents(all, c, TypeEksAddon) {
				if rules.Str(a.Inputs, "addonName") != "vpc-cni" {
					continue
				}
				var cfg struct {
					EnableNetworkPolicy string `json:"enableNetworkPolicy"`
				}
				if raw := rules.Str(a.Inputs, "configurationValues"); json.Unmarshal([]byte(raw), &cfg) == nil && cfg.EnableNetworkPolicy == "true" {
					enforced = true
				}
			}
			if !enforced {
				out = append(out, rules.Finding{URN: c.URN, Message: `no vpc-cni add-on with {"enableNetworkPolicy":"true"}: NetworkPolicies would not be enforced`})
			}
		}
		return out
	},
}
