package aws

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
)

func computeCases() []ruleCase {
	eks := func(inputs map[string]any) rules.Resource { return res(TypeEksCluster, "eks", inputs) }
	goodEks := map[string]any{
		"encryptionConfig":       map[string]any{"provider": map[string]any{"keyArn": "arn:key"}, "resources": []any{"secrets"}},
		"vpcConfig":              map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": false},
		"enabledClusterLogTypes": []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
	}
	devPublic := map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}}
	template := func(inputs map[string]any) rules.Resource { return res(TypeLaunchTemplate, "nodes", inputs) }
	goodTemplate := map[string]any{
		"metadataOptions":     map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(1)},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "true", "kmsKeyId": "arn:key"}}},
	}
	fn := func(inputs map[string]any) rules.Resource { return res(TypeLambda, "fn", inputs) }
	goodFn := map[string]any{
		"environment": map[string]any{"variables": map[string]any{"TABLE": "records"}}, "kmsKeyArn": "arn:key",
		"tracingConfig": map[string]any{"mode": "Active"},
	}
	perm := func(inputs map[string]any) rules.Resource { return res(TypeLambdaPerm, "invoke", inputs) }

	return []ruleCase{
		{"aws-eks-secrets-encrypted", "secrets under the cluster key", []rules.Resource{eks(goodEks)}, false, ""},
		{"aws-eks-secrets-encrypted", "no envelope encryption", []rules.Resource{eks(with(goodEks, "encryptionConfig", nil))}, true, "keyArn is not set"},
		{"aws-eks-secrets-encrypted", "key without secrets", []rules.Resource{eks(with(goodEks, "encryptionConfig", map[string]any{"provider": map[string]any{"keyArn": "arn:key"}, "resources": []any{}}))}, true, `include "secrets"`},

		{"aws-eks-endpoint-private", "private in production", []rules.Resource{eks(goodEks)}, false, ""},
		{"aws-eks-endpoint-private", "provider default is public", []rules.Resource{eks(with(goodEks, "vpcConfig", map[string]any{"endpointPrivateAccess": true}))}, true, "must be false in production"},
		{"aws-eks-endpoint-private", "public in production, even with CIDRs", []rules.Resource{eks(with(goodEks, "vpcConfig", devPublic))}, true, "must be false in production"},
		{"aws-eks-endpoint-private", "no private endpoint", []rules.Resource{eks(with(goodEks, "vpcConfig", map[string]any{"endpointPublicAccess": false}))}, true, "endpointPrivateAccess must be true"},

		{"aws-eks-control-plane-logs", "api, audit, authenticator", []rules.Resource{eks(goodEks)}, false, ""},
		{"aws-eks-control-plane-logs", "no audit log", []rules.Resource{eks(with(goodEks, "enabledClusterLogTypes", []any{"api"}))}, true, "lacks audit, authenticator"},

		{"aws-eks-nodes-no-ssh", "no remote access", []rules.Resource{res(TypeEksNodeGroup, "app", map[string]any{})}, false, ""},
		{"aws-eks-nodes-no-ssh", "ssh key", []rules.Resource{res(TypeEksNodeGroup, "app", map[string]any{"remoteAccess": map[string]any{"ec2SshKey": "ops"}})}, true, "SSH"},

		{"aws-ec2-launch-template-hardened", "IMDSv2 and encrypted volumes", []rules.Resource{template(goodTemplate)}, false, ""},
		{"aws-ec2-launch-template-hardened", "IMDSv1 allowed", []rules.Resource{template(with(goodTemplate, "metadataOptions", map[string]any{"httpTokens": "optional"}))}, true, `"optional"`},
		{"aws-ec2-launch-template-hardened", "hop limit 2 lets pods reach the node role", []rules.Resource{template(with(goodTemplate, "metadataOptions", map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(2)}))}, true, "HopLimit is 2"},
		{"aws-ec2-launch-template-hardened", "hop limit unknown", []rules.Resource{template(with(goodTemplate, "metadataOptions", map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": rules.Unknown}))}, true, "unknown at preview"},
		{"aws-ec2-launch-template-hardened", "unencrypted root volume", []rules.Resource{template(with(goodTemplate, "blockDeviceMappings", []any{map[string]any{"ebs": map[string]any{"encrypted": "false"}}}))}, true, `ebs.encrypted must be "true"`},

		{"aws-lambda-environment-encrypted", "environment under the secrets key", []rules.Resource{fn(goodFn)}, false, ""},
		{"aws-lambda-environment-encrypted", "no environment needs no key", []rules.Resource{fn(map[string]any{})}, false, ""},
		{"aws-lambda-environment-encrypted", "environment on the default key", []rules.Resource{fn(with(goodFn, "kmsKeyArn", nil))}, true, "kmsKeyArn is not set"},

		{"aws-lambda-tracing", "active", []rules.Resource{fn(goodFn)}, false, ""},
		{"aws-lambda-tracing", "pass-through", []rules.Resource{fn(with(goodFn, "tracingConfig", map[string]any{"mode": "PassThrough"}))}, true, "should be Active"},

		{"aws-eks-network-policy", "vpc-cni enforcing", []rules.Resource{eks(goodEks), dependsOn(res(TypeEksAddon, "cni", map[string]any{"addonName": "vpc-cni", "configurationValues": `{"enableNetworkPolicy":"true"}`}), eks(goodEks))}, false, ""},
		{"aws-eks-network-policy", "vpc-cni defaults", []rules.Resource{eks(goodEks), dependsOn(res(TypeEksAddon, "cni", map[string]any{"addonName": "vpc-cni"}), eks(goodEks))}, true, "would not be enforced"},
		{"aws-eks-network-policy", "no add-ons", []rules.Resource{eks(goodEks)}, true, "no vpc-cni add-on"},
		{"aws-iam-no-broad-managed-policies", "EKS worker policy", []rules.Resource{res(TypeRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"})}, false, ""},
		{"aws-iam-no-broad-managed-policies", "administrator", []rules.Resource{res(TypeRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})}, true, "grants far more"},
		{"aws-iam-no-broad-managed-policies", "all of S3", []rules.Resource{res(TypeRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"})}, true, "AmazonS3FullAccess"},
		{"aws-lambda-not-public", "API Gateway for one API", []rules.Resource{perm(map[string]any{"principal": "apigateway.amazonaws.com", "sourceArn": "arn:api/*"})}, false, ""},
		{"aws-lambda-not-public", "IAM-authenticated URL", []rules.Resource{res(TypeLambdaURL, "u", map[string]any{"authorizationType": "AWS_IAM"})}, false, ""},
		{"aws-lambda-not-public", "anonymous URL", []rules.Resource{res(TypeLambdaURL, "u", map[string]any{"authorizationType": "NONE"})}, true, "must use AWS_IAM"},
		{"aws-lambda-not-public", "principal unknown", []rules.Resource{perm(map[string]any{"principal": rules.Unknown, "sourceArn": "arn:api/*"})}, true, "unknown at preview"},
		{"aws-lambda-not-public", "any principal", []rules.Resource{perm(map[string]any{"principal": "*"})}, true, "anyone could invoke"},
		{"aws-lambda-not-public", "service without source", []rules.Resource{perm(map[string]any{"principal": "apigateway.amazonaws.com"})}, true, "no sourceArn"},
	}
}

func TestEksPublicEndpointOutsideProduction(t *testing.T) {
	rule, _ := find("aws-eks-endpoint-private")
	dev := cfg
	dev.Environment = "dev"
	cluster := func(vpc map[string]any) []rules.Resource {
		return []rules.Resource{res(TypeEksCluster, "eks", map[string]any{"vpcConfig": vpc})}
	}
	assert.Empty(t, rules.Evaluate([]rules.Rule{rule}, cluster(map[string]any{"endpointPrivateAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}}), dev))
	vs := rules.Evaluate([]rules.Rule{rule}, cluster(map[string]any{"endpointPrivateAccess": true}), dev)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "open to the internet")
	vs = rules.Evaluate([]rules.Rule{rule}, cluster(map[string]any{"endpointPrivateAccess": true, "publicAccessCidrs": []any{"0.0.0.0/0"}}), dev)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "contains 0.0.0.0/0")
}
