package aws

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceRole is a role that one AWS service assumes on behalf of this account only (the
// SourceAccount condition stops the confused-deputy problem), with one inline policy.
func serviceRole(ctx *pulumi.Context, name, service string, acct account, baseTags map[string]string,
	policy pulumi.StringInput, opts ...pulumi.ResourceOption,
) (*iam.Role, error) {
	trust, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": acct.service(service)},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": acct.ID}},
		}},
	})
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy:   pulumi.String(trust),
		Description:        pulumi.Sprintf("Lets %s write on behalf of %s", service, name),
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               tags(baseTags, name),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: role.ID(), Policy: policy}, opts...); err != nil {
		return nil, err
	}
	return role, nil
}

// policyJSON wraps statements into an IAM policy document.
func policyJSON(statements ...map[string]any) (string, error) {
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(doc), err
}
