package aws

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
)

func ec2GuardCases() []ruleCase {
	instance := func(inputs map[string]any) rules.Resource { return res(TypeInstance, "bastion", inputs) }
	goodInstance := map[string]any{
		"associatePublicIpAddress": false,
		"metadataOptions":          map[string]any{"httpTokens": "required"},
		"rootBlockDevice":          map[string]any{"encrypted": true, "kmsKeyId": "arn:key"},
		"ebsBlockDevices":          []any{map[string]any{"deviceName": "/dev/sdf", "encrypted": true, "kmsKeyId": rules.Unknown}},
	}
	template := res(TypeLaunchTemplate, "nodes", map[string]any{
		"metadataOptions":     map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": int64(1)},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "true", "kmsKeyId": "arn:key"}}},
	})
	bareTemplate := res(TypeLaunchTemplate, "bare", map[string]any{"metadataOptions": map[string]any{"httpTokens": "required"}})
	fromTemplate := func(t rules.Resource) rules.Resource {
		return dependsOn(instance(map[string]any{"launchTemplate": map[string]any{"id": rules.Unknown, "version": "$Latest"}}), t)
	}
	config := func(inputs map[string]any) rules.Resource { return res(TypeLaunchConfiguration, "workers", inputs) }
	goodConfig := map[string]any{
		"associatePublicIpAddress": false,
		"metadataOptions":          map[string]any{"httpTokens": "required"},
		"rootBlockDevice":          map[string]any{"encrypted": true},
		"ebsBlockDevices":          []any{map[string]any{"deviceName": "/dev/sdf", "encrypted": true}, map[string]any{"deviceName": "/dev/sdg", "noDevice": true}},
	}

	return []ruleCase{
		{"aws-ec2-instance-hardened", "private, IMDSv2, volumes under the estate's key", []rules.Resource{instance(goodInstance)}, false, ""},
		{"aws-ec2-instance-hardened", "public IP left to the subnet", []rules.Resource{instance(with(goodInstance, "associatePublicIpAddress", nil))}, false, ""},
		{"aws-ec2-instance-hardened", "metadata endpoint off", []rules.Resource{instance(with(goodInstance, "metadataOptions", map[string]any{"httpEndpoint": "disabled"}))}, false, ""},
		{"aws-ec2-instance-hardened", "public IP", []rules.Resource{instance(with(goodInstance, "associatePublicIpAddress", true))}, true, "associatePublicIpAddress must be false"},
		{"aws-ec2-instance-hardened", "public IP unknown", []rules.Resource{instance(with(goodInstance, "associatePublicIpAddress", rules.Unknown))}, true, "associatePublicIpAddress must be false"},
		{"aws-ec2-instance-hardened", "IMDSv1 allowed", []rules.Resource{instance(with(goodInstance, "metadataOptions", map[string]any{"httpTokens": "optional"}))}, true, `httpTokens is "optional"; must be required`},
		{"aws-ec2-instance-hardened", "metadata options left to the default", []rules.Resource{instance(with(goodInstance, "metadataOptions", nil))}, true, `httpTokens is ""`},
		{"aws-ec2-instance-hardened", "root volume left to the AMI", []rules.Resource{instance(with(goodInstance, "rootBlockDevice", nil))}, true, "rootBlockDevice is not set"},
		{"aws-ec2-instance-hardened", "unencrypted root volume", []rules.Resource{instance(with(goodInstance, "rootBlockDevice", map[string]any{"encrypted": false}))}, true, "rootBlockDevice.encrypted must be true"},
		{"aws-ec2-instance-hardened", "root volume under the AWS-managed key", []rules.Resource{instance(with(goodInstance, "rootBlockDevice", map[string]any{"encrypted": true}))}, true, "rootBlockDevice.kmsKeyId is not set"},
		{"aws-ec2-instance-hardened", "unencrypted data volume", []rules.Resource{instance(with(goodInstance, "ebsBlockDevices", []any{map[string]any{"deviceName": "/dev/sdf", "kmsKeyId": "arn:key"}}))}, true, "ebsBlockDevices[0].encrypted must be true"},
		{"aws-ec2-instance-hardened", "settings from a hardened template of the stack", []rules.Resource{template, fromTemplate(template)}, false, ""},
		{"aws-ec2-instance-hardened", "template outside the stack", []rules.Resource{fromTemplate(rules.Resource{URN: "urn:elsewhere"})}, true, `httpTokens is ""`},
		{"aws-ec2-instance-hardened", "template without volumes", []rules.Resource{bareTemplate, fromTemplate(bareTemplate)}, true, "rootBlockDevice is not set"},
		{"aws-ec2-instance-hardened", "instance overrides the template with IMDSv1", []rules.Resource{template, dependsOn(instance(map[string]any{"launchTemplate": map[string]any{"id": rules.Unknown}, "metadataOptions": map[string]any{"httpTokens": "optional"}}), template)}, true, `"optional"`},

		{"aws-ec2-instance-hardened", "launch configuration: private, IMDSv2, encrypted", []rules.Resource{config(goodConfig)}, false, ""},
		{"aws-ec2-instance-hardened", "launch configuration with a public IP", []rules.Resource{config(with(goodConfig, "associatePublicIpAddress", true))}, true, "associatePublicIpAddress must be false"},
		{"aws-ec2-instance-hardened", "launch configuration allowing IMDSv1", []rules.Resource{config(with(goodConfig, "metadataOptions", nil))}, true, "must be required (IMDSv2)"},
		{"aws-ec2-instance-hardened", "launch configuration root volume left to the AMI", []rules.Resource{config(with(goodConfig, "rootBlockDevice", nil))}, true, "rootBlockDevice is not set"},
		{"aws-ec2-instance-hardened", "launch configuration with an unencrypted volume", []rules.Resource{config(with(goodConfig, "ebsBlockDevices", []any{map[string]any{"deviceName": "/dev/sdf"}}))}, true, "ebsBlockDevices[0].encrypted must be true"},
	}
}

// TestTemplatePublicIPs drives the launch template's no-public-IP check, which
// aws-ec2-launch-template-hardened runs.
func TestTemplatePublicIPs(t *testing.T) {
	nic := func(v any) rules.Resource {
		i := map[string]any{"deviceIndex": int64(0)}
		if v != nil {
			i["associatePublicIpAddress"] = v
		}
		return res(TypeLaunchTemplate, "nodes", map[string]any{"networkInterfaces": []any{i}})
	}
	tests := []struct {
		name     string
		template rules.Resource
		want     string
	}{
		{"no interfaces", res(TypeLaunchTemplate, "nodes", map[string]any{}), ""},
		{"left to the subnet", nic(nil), ""},
		{"no public IP", nic("false"), ""},
		{"public IP", nic("true"), `networkInterfaces[0].associatePublicIpAddress is "true"`},
		{"unknown", nic(rules.Unknown), `is "[unknown]"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := templatePublicIPs(tt.template)
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			if assert.Len(t, got, 1) {
				assert.Contains(t, got[0], tt.want)
			}
		})
	}
}
