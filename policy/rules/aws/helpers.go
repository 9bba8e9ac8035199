package aws

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// policyStatements parses an IAM policy document input. known is false when the document is
// a preview unknown.
func policyStatements(inputs map[string]any, path string) (statements []map[string]any, known bool, err error) {
	v, ok := rules.Get(inputs, path)
	if !ok {
		return nil, true, nil
	}
	if rules.IsUnknown(v) {
		return nil, false, nil
	}
	var doc struct {
		Statement json.RawMessage
	}
	s, isString := v.(string)
	if !isString {
		return nil, true, fmt.Errorf("policy is not a JSON string")
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, true, err
	}
	if len(doc.Statement) > 0 && strings.HasPrefix(strings.TrimSpace(string(doc.Statement)), "{") {
		var one map[string]any
		err := json.Unmarshal(doc.Statement, &one)
		return []map[string]any{one}, true, err
	}
	err = json.Unmarshal(doc.Statement, &statements)
	return statements, true, err
}

// customerKey is a key reference that names a customer-managed key: set (or unknown until
// deployment) and not an AWS-managed alias.
func customerKey(inputs map[string]any, path string) (ok bool, why string) {
	if !rules.Present(inputs, path) {
		return false, path + " is not set"
	}
	// An AWS-managed key is named by its alias or by the alias's ARN
	// (arn:aws:kms:<region>:<account>:alias/aws/<service>).
	if s := rules.Str(inputs, path); strings.HasPrefix(s, "alias/aws/") || strings.Contains(s, ":alias/aws/") {
		return false, fmt.Sprintf("%s is the AWS-managed key %s; use a customer-managed key", path, s)
	}
	return true, ""
}
