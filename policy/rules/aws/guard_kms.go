package aws

import "github.com/healthhub/estate/policy/rules"

// The other KMS types that take a key policy.
const (
	TypeKmsExternalKey        = "aws:kms/externalKey:ExternalKey"
	TypeKmsReplicaExternalKey = "aws:kms/replicaExternalKey:ReplicaExternalKey"
	TypeKmsKeyPolicy          = "aws:kms/keyPolicy:KeyPolicy"
)

// kmsLockoutSafetyCheck is mandatory: the safety check refuses a key policy that would stop
// the caller from changing the policy again. A key deployed past it is one the next update
// cannot manage, and a key no one can manage is PHI no one may be able to decrypt, rotate away
// from or revoke. Separating who deploys from who administers keys is done by naming the
// administrators in the policy, which needs no bypass.
var kmsLockoutSafetyCheck = rules.Rule{
	Name:        "aws-kms-key-lockout-safety-check",
	Cloud:       rules.CloudAWS,
	Description: "KMS keys and key policies never bypass the policy lockout safety check, so no policy can make a key unmanageable.",
	Sections:    []rules.Section{rules.Encryption, rules.AccessControl},
	Unknown:     "fails (taken as on)",
	Level:       rules.Mandatory,
	Types:       []string{TypeKmsKey, TypeKmsReplicaKey, TypeKmsExternalKey, TypeKmsReplicaExternalKey, TypeKmsKeyPolicy},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if rules.ExplicitlyTrue(r.Inputs, "bypassPolicyLockoutSafetyCheck") {
			return []string{"bypassPolicyLockoutSafetyCheck must be false: a policy that locks out its administrators would leave the key, and the PHI it encrypts, unmanageable"}
		}
		return nil
	},
}
