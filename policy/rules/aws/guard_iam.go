package aws

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// TypePasswordPolicy is the account's policy for IAM user passwords.
const TypePasswordPolicy = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"

// The thresholds follow the CIS AWS Foundations Benchmark: at least 14 characters, no reuse
// of the last 24 passwords, all four character classes, and expiry within 90 days. Expiry is
// the 1.x benchmark's figure; NIST SP 800-63B advises against forced periodic changes, but an
// IAM user password is a long-lived credential outside the identity provider and its
// compromise detection, so the pack keeps a bound on it.
const (
	passwordMinLength = 14
	passwordReuse     = 24
	passwordMaxAge    = 90
)

var passwordClasses = []string{"requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"}

var iamPasswordPolicy = rules.Rule{
	Name:        "aws-iam-password-policy",
	Cloud:       rules.CloudAWS,
	Description: fmt.Sprintf("The account password policy asks for at least %d characters of all four classes, prevents reuse of the last %d passwords and expires passwords within %d days.", passwordMinLength, passwordReuse, passwordMaxAge),
	Sections:    []rules.Section{rules.PasswordManagement, rules.Authentication},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypePasswordPolicy},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		// Unset numbers take the account's defaults: 6 characters, reuse allowed, no expiry.
		if n, _ := rules.Number(r.Inputs, "minimumPasswordLength"); n < passwordMinLength {
			out = append(out, fmt.Sprintf("minimumPasswordLength is %d; at least %d", n, passwordMinLength))
		}
		if n, _ := rules.Number(r.Inputs, "passwordReusePrevention"); n < passwordReuse {
			out = append(out, fmt.Sprintf("passwordReusePrevention is %d; at least %d", n, passwordReuse))
		}
		for _, c := range passwordClasses {
			if !rules.BoolTrue(r.Inputs, c) {
				out = append(out, c+" must be true")
			}
		}
		if n, _ := rules.Number(r.Inputs, "maxPasswordAge"); n < 1 || n > passwordMaxAge {
			out = append(out, fmt.Sprintf("maxPasswordAge is %d (0: never); between 1 and %d days", n, passwordMaxAge))
		}
		return out
	},
}
