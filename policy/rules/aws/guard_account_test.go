package aws

import "github.com/healthhub/estate/policy/rules"

func accountGuardCases() []ruleCase {
	key := func(bypass any) rules.Resource {
		inputs := map[string]any{"enableKeyRotation": true}
		if bypass != nil {
			inputs["bypassPolicyLockoutSafetyCheck"] = bypass
		}
		return res(TypeKmsKey, "phi", inputs)
	}
	policy := func(inputs map[string]any) rules.Resource { return res(TypePasswordPolicy, "account", inputs) }
	good := map[string]any{
		"minimumPasswordLength": int64(16), "passwordReusePrevention": int64(24), "maxPasswordAge": int64(90),
		"requireLowercaseCharacters": true, "requireUppercaseCharacters": true, "requireNumbers": true, "requireSymbols": true,
	}

	return []ruleCase{
		{"aws-kms-key-lockout-safety-check", "check left on", []rules.Resource{key(nil)}, false, ""},
		{"aws-kms-key-lockout-safety-check", "check explicitly on", []rules.Resource{key(false)}, false, ""},
		{"aws-kms-key-lockout-safety-check", "check bypassed", []rules.Resource{key(true)}, true, "bypassPolicyLockoutSafetyCheck must be false"},
		{"aws-kms-key-lockout-safety-check", "bypass unknown", []rules.Resource{key(rules.Unknown)}, true, "bypassPolicyLockoutSafetyCheck must be false"},
		{"aws-kms-key-lockout-safety-check", "key policy bypassing the check", []rules.Resource{res(TypeKmsKeyPolicy, "phi", map[string]any{"bypassPolicyLockoutSafetyCheck": true})}, true, "unmanageable"},
		{"aws-kms-key-lockout-safety-check", "replica key bypassing the check", []rules.Resource{res(TypeKmsReplicaKey, "phi-dr", map[string]any{"bypassPolicyLockoutSafetyCheck": true})}, true, "must be false"},

		{"aws-iam-password-policy", "CIS thresholds", []rules.Resource{policy(good)}, false, ""},
		{"aws-iam-password-policy", "account defaults", []rules.Resource{policy(map[string]any{})}, true, "minimumPasswordLength is 0; at least 14"},
		{"aws-iam-password-policy", "short passwords", []rules.Resource{policy(with(good, "minimumPasswordLength", int64(8)))}, true, "minimumPasswordLength is 8; at least 14"},
		{"aws-iam-password-policy", "length unknown", []rules.Resource{policy(with(good, "minimumPasswordLength", rules.Unknown))}, true, "minimumPasswordLength is 0"},
		{"aws-iam-password-policy", "reuse allowed", []rules.Resource{policy(with(good, "passwordReusePrevention", int64(5)))}, true, "passwordReusePrevention is 5; at least 24"},
		{"aws-iam-password-policy", "no symbols", []rules.Resource{policy(with(good, "requireSymbols", false))}, true, "requireSymbols must be true"},
		{"aws-iam-password-policy", "no uppercase", []rules.Resource{policy(with(good, "requireUppercaseCharacters", nil))}, true, "requireUppercaseCharacters must be true"},
		{"aws-iam-password-policy", "passwords never expire", []rules.Resource{policy(with(good, "maxPasswordAge", nil))}, true, "maxPasswordAge is 0 (0: never); between 1 and 90"},
		{"aws-iam-password-policy", "yearly expiry", []rules.Resource{policy(with(good, "maxPasswordAge", int64(365)))}, true, "maxPasswordAge is 365"},
	}
}
