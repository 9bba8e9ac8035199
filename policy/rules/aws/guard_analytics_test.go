package aws

import "github.com/healthhub/estate/policy/rules"

func analyticsGuardCases() []ruleCase {
	database := func(option, key string) rules.Resource {
		inputs := map[string]any{"bucket": "athena-results"}
		if option != "" {
			inputs["encryptionConfiguration"] = map[string]any{"encryptionOption": option, "kmsKey": key}
		}
		return res(TypeAthenaDatabase, "records", inputs)
	}
	workgroup := func(option, key string, enforce any) rules.Resource {
		configuration := map[string]any{"resultConfiguration": map[string]any{
			"outputLocation":          "s3://athena-results/",
			"encryptionConfiguration": map[string]any{"encryptionOption": option, "kmsKeyArn": key},
		}}
		if enforce != nil {
			configuration["enforceWorkgroupConfiguration"] = enforce
		}
		return res(TypeAthenaWorkgroup, "analysts", map[string]any{"configuration": configuration, "tags": goodTags()})
	}
	flow := func(inputs map[string]any) rules.Resource { return res(TypeAppFlowFlow, "crm", inputs) }
	connector := func(inputs map[string]any) rules.Resource { return res(TypeAppFlowConnector, "crm", inputs) }

	return []ruleCase{
		{"aws-athena-encrypted-cmk", "database results under SSE-KMS", []rules.Resource{database("SSE_KMS", "arn:key")}, false, ""},
		{"aws-athena-encrypted-cmk", "database results client-side encrypted", []rules.Resource{database("CSE_KMS", rules.Unknown)}, false, ""},
		{"aws-athena-encrypted-cmk", "database results unencrypted", []rules.Resource{database("", "")}, true, `encryptionConfiguration.encryptionOption is ""`},
		{"aws-athena-encrypted-cmk", "database results under SSE-S3", []rules.Resource{database("SSE_S3", "")}, true, `"SSE_S3"; must be SSE_KMS or CSE_KMS`},
		{"aws-athena-encrypted-cmk", "database results under the AWS-managed key", []rules.Resource{database("SSE_KMS", "")}, true, "encryptionConfiguration.kmsKey is not set"},

		{"aws-athena-encrypted-cmk", "enforced workgroup under SSE-KMS", []rules.Resource{workgroup("SSE_KMS", "arn:key", true)}, false, ""},
		{"aws-athena-encrypted-cmk", "workgroup enforcing by the provider's default", []rules.Resource{workgroup("CSE_KMS", "arn:key", nil)}, false, ""},
		{"aws-athena-encrypted-cmk", "workgroup without configuration", []rules.Resource{res(TypeAthenaWorkgroup, "analysts", map[string]any{"tags": goodTags()})}, true, `resultConfiguration.encryptionConfiguration.encryptionOption is ""`},
		{"aws-athena-encrypted-cmk", "workgroup results under SSE-S3", []rules.Resource{workgroup("SSE_S3", "", true)}, true, `"SSE_S3"`},
		{"aws-athena-encrypted-cmk", "workgroup results under the AWS-managed key", []rules.Resource{workgroup("SSE_KMS", "", true)}, true, "kmsKeyArn is not set"},
		{"aws-athena-encrypted-cmk", "clients may override the workgroup", []rules.Resource{workgroup("SSE_KMS", "arn:key", false)}, true, "enforceWorkgroupConfiguration is false"},
		{"aws-athena-encrypted-cmk", "enforcement unknown", []rules.Resource{workgroup("SSE_KMS", "arn:key", rules.Unknown)}, true, "enforceWorkgroupConfiguration is [unknown]"},

		{"aws-appflow-encrypted-cmk", "flow under the estate's key", []rules.Resource{flow(map[string]any{"kmsArn": "arn:key"})}, false, ""},
		{"aws-appflow-encrypted-cmk", "flow under the AppFlow-managed key", []rules.Resource{flow(map[string]any{})}, true, "kmsArn is not set"},
		{"aws-appflow-encrypted-cmk", "connector profile under the estate's key", []rules.Resource{connector(map[string]any{"kmsArn": rules.Unknown})}, false, ""},
		{"aws-appflow-encrypted-cmk", "connector profile credentials under the AppFlow-managed key", []rules.Resource{connector(map[string]any{"connectorType": "Salesforce"})}, true, "AppFlow would use its AWS-managed key"},
	}
}
