package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func computeCases() []ruleCase {
	eks := func(inputs map[string]any) Resource { return res(TypeEksCluster, "eks", inputs) }
	goodEks := map[string]any{
		"encryptionConfig":       map[string]any{"provider": map[string]any{"keyArn": "arn:key"}, "resources": []any{"secrets"}},
		"vpcConfig":              map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": false},
		"enabledClusterLogTypes": []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
	}
	devPublic := map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}}
	template := func(inputs map[string]any) Resource { return res(TypeLaunchTemplate, "nodes", inputs) }
	goodTemplate := map[string]any{
		"metadataOptions":     map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(1)},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "true", "kmsKeyId": "arn:key"}}},
	}
	fn := func(inputs map[string]any) Resource { return res(TypeLambda, "fn", inputs) }
	goodFn := map[string]any{
		"environment": map[string]any{"variables": map[string]any{"TABLE": "records"}}, "kmsKeyArn": "arn:key",
		"tracingConfig": map[string]any{"mode": "Active"},
	}
	perm := func(inputs map[string]any) Resource { return res(TypeLambdaPerm, "invoke", inputs) }

	return []ruleCase{
		{"aws-eks-secrets-encrypted", "secrets under the cluster key", []Resource{eks(goodEks)}, false, ""},
		{"aws-eks-secrets-encrypted", "no envelope encryption", []Resource{eks(with(goodEks, "encryptionConfig", nil))}, true, "keyArn is not set"},
		{"aws-eks-secrets-encrypted", "key without secrets", []Resource{eks(with(goodEks, "encryptionConfig", map[string]any{"provider": map[string]any{"keyArn": "arn:key"}, "resources": []any{}}))}, true, `include "secrets"`},

		{"aws-eks-endpoint-private", "private in production", []Resource{eks(goodEks)}, false, ""},
		{"aws-eks-endpoint-private", "provider default is public", []Resource{eks(with(goodEks, "vpcConfig", map[string]any{"endpointPrivateAccess": true}))}, true, "must be false in production"},
		{"aws-eks-endpoint-private", "public in production, even with CIDRs", []Resource{eks(with(goodEks, "vpcConfig", devPublic))}, true, "must be false in production"},
		{"aws-eks-endpoint-private", "no private endpoint", []Resource{eks(with(goodEks, "vpcConfig", map[string]any{"endpointPublicAccess": false}))}, true, "endpointPrivateAccess must be true"},

		{"aws-eks-control-plane-logs", "api, audit, authenticator", []Resource{eks(goodEks)}, false, ""},
		{"aws-eks-control-plane-logs", "no audit log", []Resource{eks(with(goodEks, "enabledClusterLogTypes", []any{"api"}))}, true, "lacks audit, authenticator"},

		{"aws-eks-nodes-no-ssh", "no remote access", []Resource{res(TypeEksNodeGroup, "app", map[string]any{})}, false, ""},
		{"aws-eks-nodes-no-ssh", "ssh key", []Resource{res(TypeEksNodeGroup, "app", map[string]any{"remoteAccess": map[string]any{"ec2SshKey": "ops"}})}, true, "SSH"},

		{"aws-launch-template-hardened", "IMDSv2 and encrypted volumes", []Resource{template(goodTemplate)}, false, ""},
		{"aws-launch-template-hardened", "IMDSv1 allowed", []Resource{template(with(goodTemplate, "metadataOptions", map[string]any{"httpTokens": "optional"}))}, true, `"optional"`},
		{"aws-launch-template-hardened", "hop limit 2 lets pods reach the node role", []Resource{template(with(goodTemplate, "metadataOptions", map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(2)}))}, true, "HopLimit is 2"},
		{"aws-launch-template-hardened", "hop limit unknown", []Resource{template(with(goodTemplate, "metadataOptions", map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": Unknown}))}, true, "unknown at preview"},
		{"aws-launch-template-hardened", "unencrypted root volume", []Resource{template(with(goodTemplate, "blockDeviceMappings", []any{map[string]any{"ebs": map[string]any{"encrypted": "false"}}}))}, true, `ebs.encrypted must be "true"`},

		{"aws-lambda-environment-encrypted", "environment under the secrets key", []Resource{fn(goodFn)}, false, ""},
		{"aws-lambda-environment-encrypted", "no environment needs no key", []Resource{fn(map[string]any{})}, false, ""},
		{"aws-lambda-environment-encrypted", "environment on the default key", []Resource{fn(with(goodFn, "kmsKeyArn", nil))}, true, "kmsKeyArn is not set"},

		{"aws-lambda-tracing", "active", []Resource{fn(goodFn)}, false, ""},
		{"aws-lambda-tracing", "pass-through", []Resource{fn(with(goodFn, "tracingConfig", map[string]any{"mode": "PassThrough"}))}, true, "should be Active"},

		{"aws-eks-network-policy", "vpc-cni enforcing", []Resource{eks(goodEks), dependsOn(res(TypeEksAddon, "cni", map[string]any{"addonName": "vpc-cni", "configurationValues": `{"enableNetworkPolicy":"true"}`}), eks(goodEks))}, false, ""},
		{"aws-eks-network-policy", "vpc-cni defaults", []Resource{eks(goodEks), dependsOn(res(TypeEksAddon, "cni", map[string]any{"addonName": "vpc-cni"}), eks(goodEks))}, true, "would not be enforced"},
		{"aws-eks-network-policy", "no add-ons", []Resource{eks(goodEks)}, true, "no vpc-cni add-on"},
		{"aws-iam-no-broad-managed-policies", "EKS worker policy", []Resource{res(TypeRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"})}, false, ""},
		{"aws-iam-no-broad-managed-policies", "administrator", []Resource{res(TypeRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})}, true, "grants far more"},
		{"aws-iam-no-broad-managed-policies", "all of S3", []Resource{res(TypeRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"})}, true, "AmazonS3FullAccess"},
		{"aws-lambda-not-public", "API Gateway for one API", []Resource{perm(map[string]any{"principal": "apigateway.amazonaws.com", "sourceArn": "arn:api/*"})}, false, ""},
		{"aws-lambda-not-public", "IAM-authenticated URL", []Resource{res(TypeLambdaURL, "u", map[string]any{"authorizationType": "AWS_IAM"})}, false, ""},
		{"aws-lambda-not-public", "anonymous URL", []Resource{res(TypeLambdaURL, "u", map[string]any{"authorizationType": "NONE"})}, true, "must use AWS_IAM"},
		{"aws-lambda-not-public", "principal unknown", []Resource{perm(map[string]any{"principal": Unknown, "sourceArn": "arn:api/*"})}, true, "unknown at preview"},
		{"aws-lambda-not-public", "any principal", []Resource{perm(map[string]any{"principal": "*"})}, true, "anyone could invoke"},
		{"aws-lambda-not-public", "service without source", []Resource{perm(map[string]any{"principal": "apigateway.amazonaws.com"})}, true, "no sourceArn"},
	}
}

func TestEksPublicEndpointOutsideProduction(t *testing.T) {
	rule, _ := Find("aws-eks-endpoint-private")
	dev := cfg
	dev.Environment = "dev"
	cluster := func(vpc map[string]any) []Resource {
		return []Resource{res(TypeEksCluster, "eks", map[string]any{"vpcConfig": vpc})}
	}
	assert.Empty(t, Evaluate([]Rule{rule}, cluster(map[string]any{"endpointPrivateAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}}), dev))
	vs := Evaluate([]Rule{rule}, cluster(map[string]any{"endpointPrivateAccess": true}), dev)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "open to the internet")
	vs = Evaluate([]Rule{rule}, cluster(map[string]any{"endpointPrivateAccess": true, "publicAccessCidrs": []any{"0.0.0.0/0"}}), dev)
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "contains 0.0.0.0/0")
}
