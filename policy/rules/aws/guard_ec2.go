package aws

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// EC2 types a team may add: a bastion, a one-off worker, an autoscaling group's template.
const (
	TypeInstance            = "aws:ec2/instance:Instance"
	TypeLaunchConfiguration = "aws:ec2/launchConfiguration:LaunchConfiguration"
)

// instanceHardened holds instances and launch configurations to the launch template's
// controls. An instance launched from a launch template of the stack takes the template's
// metadata options and volumes where it sets none of its own, and
// aws-ec2-launch-template-hardened checks those; a template the stack does not hold cannot be
// shown to be safe, so the instance must then set them itself. Launch configurations cannot
// name a KMS key: their volumes take the region's default EBS key (aws:ebs/defaultKmsKey),
// which this rule cannot see, so for them only the encryption switch is checked. A public IP
// switch left unset defers to the subnet, and the estate's subnets map no public IPs.
var instanceHardened = rules.Rule{
	Name:        "aws-ec2-instance-hardened",
	Cloud:       rules.CloudAWS,
	Description: "EC2 instances and launch configurations get no public IP, require IMDSv2 and encrypt the root and every EBS volume, an instance's under a customer-managed key; an instance may take its metadata options and volumes from a launch template of the stack.",
	Sections:    []rules.Section{rules.AccessControl, rules.Encryption},
	Unknown:     "the public IP switch fails (taken as on); settings fail; keys and the launch template pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeInstance, TypeLaunchConfiguration, TypeLaunchTemplate},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, r := range all {
			if r.Type != TypeInstance && r.Type != TypeLaunchConfiguration {
				continue
			}
			for _, msg := range instanceFindings(all, r) {
				out = append(out, rules.Finding{URN: r.URN, Message: msg})
			}
		}
		return out
	},
}

func instanceFindings(all []rules.Resource, r rules.Resource) []string {
	var out []string
	if rules.ExplicitlyTrue(r.Inputs, "associatePublicIpAddress") {
		out = append(out, "associatePublicIpAddress must be false: the instance would be reachable from the internet")
	}
	var template rules.Resource
	if r.Type == TypeInstance && rules.Present(r.Inputs, "launchTemplate") {
		template = rules.DependencyOf(all, r, TypeLaunchTemplate, nil)
	}
	fromTemplate := template.URN != ""

	_, metadataSet := rules.Get(r.Inputs, "metadataOptions")
	if metadataSet || !fromTemplate {
		tokens := rules.Str(r.Inputs, "metadataOptions.httpTokens")
		if tokens != "required" && rules.Str(r.Inputs, "metadataOptions.httpEndpoint") != "disabled" {
			out = append(out, fmt.Sprintf("metadataOptions.httpTokens is %q; must be required (IMDSv2), or the metadata endpoint disabled", tokens))
		}
	}

	if _, rootSet := rules.Get(r.Inputs, "rootBlockDevice"); rootSet {
		out = append(out, volumeFindings(r, "rootBlockDevice")...)
	} else if !fromTemplate || len(rules.List(template.Inputs, "blockDeviceMappings")) == 0 {
		// The template's mappings are held to a customer-managed key by its own rule.
		out = append(out, "rootBlockDevice is not set: the root volume would take the AMI snapshot's encryption, which the stack cannot show; set rootBlockDevice.encrypted")
	}
	for i := range rules.List(r.Inputs, "ebsBlockDevices") {
		p := fmt.Sprintf("ebsBlockDevices[%d]", i)
		if rules.BoolTrue(r.Inputs, p+".noDevice") {
			continue // suppresses a device of the AMI: no volume
		}
		out = append(out, volumeFindings(r, p)...)
	}
	return out
}

// volumeFindings checks one block device of an instance or launch configuration.
func volumeFindings(r rules.Resource, p string) []string {
	var out []string
	if !rules.BoolTrue(r.Inputs, p+".encrypted") {
		out = append(out, p+".encrypted must be true")
	}
	if r.Type == TypeInstance {
		if ok, why := customerKey(r.Inputs, p+".kmsKeyId"); !ok {
			out = append(out, why)
		}
	}
	return out
}

// templatePublicIPs is the launch template's share of the no-public-IP control: a template
// that assigns public IPs puts every instance it launches (an EKS node, an autoscaling
// group's members) on the internet. The input is a string in the provider's schema.
func templatePublicIPs(r rules.Resource) []string {
	var out []string
	for i := range rules.List(r.Inputs, "networkInterfaces") {
		p := fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress", i)
		if v, _ := rules.Get(r.Inputs, p); fmt.Sprint(v) == "true" || rules.IsUnknown(v) {
			out = append(out, fmt.Sprintf(`%s is %q; must be unset or "false": instances launched from the template would be reachable from the internet`, p, fmt.Sprint(v)))
		}
	}
	return out
}
