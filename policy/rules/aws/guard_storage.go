package aws

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// Storage types a team may add beside the estate's stores: block volumes, file systems and
// image repositories.
const (
	TypeEbsVolume     = "aws:ebs/volume:Volume"
	TypeEfsFileSystem = "aws:efs/fileSystem:FileSystem"
	TypeEcrRepository = "aws:ecr/repository:Repository"
)

// encryptedWithKey is the check of a store with an encryption switch and a key reference:
// the switch must be a literal true, the key a customer-managed one.
func encryptedWithKey(inputs map[string]any, flag, key string) []string {
	var out []string
	if !rules.BoolTrue(inputs, flag) {
		out = append(out, flag+" must be true")
	}
	if ok, why := customerKey(inputs, key); !ok {
		out = append(out, why)
	}
	return out
}

var ebsVolumeEncrypted = rules.Rule{
	Name:        "aws-ebs-volume-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "EBS volumes are encrypted with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "switch fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeEbsVolume},
	Check: func(r rules.Resource, _ rules.Config) []string {
		return encryptedWithKey(r.Inputs, "encrypted", "kmsKeyId")
	},
}

var efsEncrypted = rules.Rule{
	Name:        "aws-efs-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "EFS file systems are encrypted with a customer-managed KMS key.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "switch fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeEfsFileSystem},
	Check: func(r rules.Resource, _ rules.Config) []string {
		return encryptedWithKey(r.Inputs, "encrypted", "kmsKeyId")
	},
}

// ecrEncrypted: an image can carry PHI a build copied in (test fixtures, exported data), and
// the AES256 default is a key no one can audit or revoke.
var ecrEncrypted = rules.Rule{
	Name:        "aws-ecr-encrypted-cmk",
	Cloud:       rules.CloudAWS,
	Description: "ECR repositories encrypt images with KMS under a customer-managed key, not the AES256 default.",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "encryption type fails; key passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeEcrRepository},
	Check: func(r rules.Resource, _ rules.Config) []string {
		configs := rules.List(r.Inputs, "encryptionConfigurations")
		if len(configs) == 0 {
			return []string{"encryptionConfigurations is not set: images would be encrypted with AES256 under an AWS-owned key; use KMS with a customer-managed key"}
		}
		var out []string
		for i := range configs {
			p := fmt.Sprintf("encryptionConfigurations[%d]", i)
			if t := rules.Str(r.Inputs, p+".encryptionType"); t != "KMS" {
				out = append(out, fmt.Sprintf("%s.encryptionType is %q; must be KMS", p, t))
			}
			if ok, why := customerKey(r.Inputs, p+".kmsKey"); !ok {
				out = append(out, why+" (ECR would use its AWS-managed key)")
			}
		}
		return out
	},
}
