package rules

import (
	"fmt"
	"slices"
	"strings"
)

// Types the estate-wide rules look at.
const (
	TypeAWSProvider = "pulumi:providers:aws"
)

// regionAllowList keeps PHI inside the regions the organisation allows (data residency, part
// of the 164.308(a)(1)(ii)(B) risk management). A custom resource without an explicit
// provider would land in whatever region the operator's shell points at, so it fails too.
// It is a per-resource check, so the engine can give it the pack's config.
var regionAllowList = Rule{
	Name:        "region-allow-list",
	Description: "Every provider targets an allowed region and every resource names an explicit provider in an allowed region (HIPAA 164.308(a)(1)(ii)(B) risk management: data residency).",
	Level:       Mandatory,
	Check: func(r Resource, cfg Config) []string {
		allowed := strings.Join(cfg.AllowedRegions, ", ")
		switch {
		case strings.HasPrefix(r.Type, "pulumi:providers:"):
			region := providerRegion(r)
			if region == "" && !cloudProviders[r.Type] {
				return nil // not regional (kubernetes, random, ...): its resources live where their cluster does
			}
			if region == "" || IsUnknown(region) {
				return []string{"provider has no explicit region; set one from healthhub:primaryRegion or healthhub:drRegion"}
			}
			if !slices.Contains(cfg.AllowedRegions, region) {
				return []string{fmt.Sprintf("provider region %s is not in the allowed regions (%s)", region, allowed)}
			}
		case !isCustom(r):
		case r.Provider == "":
			return []string{"resource uses the default provider; pass an explicit regional provider"}
		case r.Region != "" && !slices.Contains(cfg.AllowedRegions, r.Region):
			return []string{fmt.Sprintf("resource is in region %s, outside the allowed regions (%s)", r.Region, allowed)}
		}
		return nil
	},
}

// cloudProviders must name a region; other providers are checked only if they carry one.
var cloudProviders = map[string]bool{
	TypeAWSProvider: true, "pulumi:providers:gcp": true, "pulumi:providers:azure-native": true,
}

// providerRegion is a provider's region input: "region" for AWS and GCP, "location" for
// Azure Native.
func providerRegion(r Resource) string {
	if region := str(r.Inputs, "region"); region != "" {
		return region
	}
	return str(r.Inputs, "location")
}

// isCustom tells a cloud resource from a component or the stack: cloud types are
// "<package>:<module>:<Type>" with a lowercase package other than the estate's and pulumi's.
func isCustom(r Resource) bool {
	pkg, _, _ := strings.Cut(r.Type, ":")
	return pkg != "healthhub" && pkg != "pulumi" && strings.Count(r.Type, ":") == 2
}

// requiredTags makes PHI resources findable: an auditor lists them by data-classification,
// and incidents are routed by owner (164.308(a)(1)(ii)(A) risk analysis needs an inventory).
// Advisory: a missing tag does not expose data, and some teams add tags in a later change.
var requiredTags = Rule{
	Name:        "required-tags",
	Description: "Taggable resources carry environment, data-classification and owner tags (HIPAA 164.308(a)(1)(ii)(A) risk analysis: asset inventory).",
	Level:       Advisory,
	// Every resource that carries tags, and the taggable types that must not leave them out.
	Check: func(r Resource, _ Config) []string {
		tags, tagged := r.Inputs["tags"].(map[string]any)
		if !tagged && !slices.Contains(taggableTypes, r.Type) {
			return nil
		}
		var missing []string
		for _, k := range []string{"environment", "data-classification", "owner"} {
			if s, _ := tags[k].(string); s == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return []string{"missing tags: " + strings.Join(missing, ", ")}
		}
		return nil
	},
}

// statefulProtected stops `pulumi destroy` or a refactor from deleting PHI or the keys that
// decrypt it in production (164.308(a)(7) contingency plan, 164.310(d)(2)(iv) data backup).
var statefulProtected = Rule{
	Name:        "stateful-resources-protected",
	Description: "In production, data stores, keys and audit archives are protected from deletion (HIPAA 164.308(a)(7) contingency plan).",
	Level:       Mandatory,
	Types:       statefulTypes,
	Check: func(r Resource, cfg Config) []string {
		if cfg.Environment != "production" || r.Protect {
			return nil
		}
		return []string{"stateful resource is not protected in production; create it with pulumi.Protect(true) and RetainOnDelete"}
	},
}
