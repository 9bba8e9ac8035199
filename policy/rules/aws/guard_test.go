package aws

import "github.com/healthhub/estate/policy/rules"

func guardCases() []ruleCase {
	var out []ruleCase
	for _, family := range [][]ruleCase{storageGuardCases(), ec2GuardCases(), elbGuardCases(), legacyBucketCases(), analyticsGuardCases(), accountGuardCases(), extensionCases()} {
		out = append(out, family...)
	}
	return out
}

// extensionCases are the new controls of existing rules: a launch template's public IPs, a
// stage's access-log format.
func extensionCases() []ruleCase {
	template := func(assign string) rules.Resource {
		return res(TypeLaunchTemplate, "nodes", map[string]any{
			"metadataOptions":   map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(1)},
			"networkInterfaces": []any{map[string]any{"deviceIndex": int64(0), "associatePublicIpAddress": assign}},
		})
	}
	stage := func(format string) rules.Resource {
		return res(TypeHTTPStage, "default", map[string]any{"accessLogSettings": map[string]any{"destinationArn": "arn:lg", "format": format}})
	}
	return []ruleCase{
		{"aws-ec2-launch-template-hardened", "no public IPs", []rules.Resource{template("false")}, false, ""},
		{"aws-ec2-launch-template-hardened", "assigns public IPs", []rules.Resource{template("true")}, true, `associatePublicIpAddress is "true"`},
		{"aws-api-gateway-access-logs", "HTTP stage with a format", []rules.Resource{stage(`{"requestId":"$context.requestId"}`)}, false, ""},
		{"aws-api-gateway-access-logs", "HTTP stage with an empty format", []rules.Resource{stage("")}, true, "accessLogSettings.format is empty"},
	}
}
