package aws

import "github.com/healthhub/estate/policy/rules"

func storageGuardCases() []ruleCase {
	volume := func(inputs map[string]any) rules.Resource { return res(TypeEbsVolume, "data", inputs) }
	fs := func(inputs map[string]any) rules.Resource { return res(TypeEfsFileSystem, "shared", inputs) }
	repo := func(configs ...any) rules.Resource {
		inputs := map[string]any{}
		if configs != nil {
			inputs["encryptionConfigurations"] = configs
		}
		return res(TypeEcrRepository, "app", inputs)
	}
	encrypted := map[string]any{"encrypted": true, "kmsKeyId": "arn:key"}

	return []ruleCase{
		{"aws-ebs-volume-encrypted-cmk", "encrypted under the estate's key", []rules.Resource{volume(encrypted)}, false, ""},
		{"aws-ebs-volume-encrypted-cmk", "key unknown at preview", []rules.Resource{volume(with(encrypted, "kmsKeyId", rules.Unknown))}, false, ""},
		{"aws-ebs-volume-encrypted-cmk", "unencrypted", []rules.Resource{volume(map[string]any{"size": int64(100)})}, true, "encrypted must be true"},
		{"aws-ebs-volume-encrypted-cmk", "switch unknown", []rules.Resource{volume(with(encrypted, "encrypted", rules.Unknown))}, true, "encrypted must be true"},
		{"aws-ebs-volume-encrypted-cmk", "AWS-managed key", []rules.Resource{volume(with(encrypted, "kmsKeyId", nil))}, true, "kmsKeyId is not set"},
		{"aws-ebs-volume-encrypted-cmk", "aws/ebs alias", []rules.Resource{volume(with(encrypted, "kmsKeyId", "alias/aws/ebs"))}, true, "AWS-managed key alias/aws/ebs"},

		{"aws-efs-encrypted-cmk", "encrypted under the estate's key", []rules.Resource{fs(encrypted)}, false, ""},
		{"aws-efs-encrypted-cmk", "unencrypted", []rules.Resource{fs(map[string]any{})}, true, "encrypted must be true"},
		{"aws-efs-encrypted-cmk", "encrypted without a key of the estate's", []rules.Resource{fs(with(encrypted, "kmsKeyId", nil))}, true, "kmsKeyId is not set"},

		{"aws-ecr-encrypted-cmk", "KMS under the estate's key", []rules.Resource{repo(map[string]any{"encryptionType": "KMS", "kmsKey": "arn:key"})}, false, ""},
		{"aws-ecr-encrypted-cmk", "default AES256", []rules.Resource{repo()}, true, "encryptionConfigurations is not set"},
		{"aws-ecr-encrypted-cmk", "AES256 set", []rules.Resource{repo(map[string]any{"encryptionType": "AES256"})}, true, `encryptionType is "AES256"; must be KMS`},
		{"aws-ecr-encrypted-cmk", "KMS with the AWS-managed key", []rules.Resource{repo(map[string]any{"encryptionType": "KMS"})}, true, "kmsKey is not set"},
	}
}
