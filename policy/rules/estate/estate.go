package estate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// The cross-cloud rules are written once; what differs by cloud comes from its Profile.

// regionAllowList keeps PHI inside the regions the organisation allows (data residency, part
// of the 164.308(a)(1)(ii)(B) risk management). A custom resource without an explicit
// provider would land in whatever region the operator's shell points at, so it fails too.
// It is a per-resource check, so the engine can give it the pack's config.
var regionAllowList = rules.Rule{
	Name:        "estate-region-allow-list",
	Aliases:     []string{"region-allow-list"},
	Cloud:       rules.CloudAny,
	Description: "Every regional provider targets an allowed region, every cloud resource names an explicit provider, and a resource's own region or location (else its provider's; an Azure location of global names none), or each region it lists as keeping its data (a GCS dual-region bucket), is an allowed region.",
	Sections:    []rules.Section{rules.RiskManagement},
	Unknown:     "provider region fails; a resource's own region unknown fails",
	Level:       rules.Mandatory,
	Check: func(r rules.Resource, cfg rules.Config) []string {
		allowed := strings.Join(cfg.AllowedRegions, ", ")
		locations := dataLocations(r)
		switch {
		case rules.IsProvider(r.Type):
			p, known := profileOf(r.Type)
			if r.Region == "" && (!known || !p.Regional) {
				return nil // not regional (kubernetes, random, ...): its resources live where their cluster does
			}
			if r.Region == "" || rules.IsUnknown(r.Region) {
				return []string{"provider has no explicit region; set one from healthhub:primaryRegion or healthhub:drRegion"}
			}
			if !slices.Contains(cfg.AllowedRegions, r.Region) {
				return []string{fmt.Sprintf("provider region %s is not in the allowed regions (%s)", r.Region, allowed)}
			}
		case !rules.IsCustom(r.Type):
		case r.Provider == "":
			return []string{"resource uses the default provider; pass an explicit regional provider"}
		case len(locations) > 0:
			// Several regions (a dual-region bucket): each must be allowed; the location
			// itself is then only the multi-region's name.
			var out []string
			for _, region := range locations {
				if rules.IsUnknown(region) {
					out = append(out, "a data location is unknown at preview; set it from config so it can be checked")
				} else if !slices.Contains(cfg.AllowedRegions, region) {
					out = append(out, fmt.Sprintf("resource keeps data in region %s, outside the allowed regions (%s)", region, allowed))
				}
			}
			return out
		case rules.IsUnknown(r.Region):
			return []string{"resource region is unknown at preview; set it from config so it can be checked"}
		case r.Region != "" && !slices.Contains(cfg.AllowedRegions, r.Region):
			return []string{fmt.Sprintf("resource is in region %s, outside the allowed regions (%s)", r.Region, allowed)}
		}
		return nil
	},
}

// dataLocations are the regions a resource lists as where it keeps its data, in the case
// its profile compares them in; none for a type its profile names no such list for.
func dataLocations(r rules.Resource) []string {
	p, known := profileOf(r.Type)
	path, ok := p.DataLocations[r.Type]
	if !known || !ok {
		return nil
	}
	var out []string
	for _, region := range rules.Strs(r.Inputs, path) {
		if p.FoldRegionCase {
			region = strings.ToLower(region)
		}
		out = append(out, region)
	}
	return out
}

// requiredTags makes PHI resources findable: an auditor lists them by data-classification,
// and incidents are routed by owner (164.308(a)(1)(ii)(A) risk analysis needs an inventory).
// Advisory: a missing tag does not expose data, and some teams add tags in a later change.
var requiredTags = rules.Rule{
	Name:        "estate-required-tags",
	Aliases:     []string{"required-tags"},
	Cloud:       rules.CloudAny,
	Description: "Taggable resources carry environment, data-classification and owner tags (labels on GCP).",
	Sections:    []rules.Section{rules.RiskAnalysis},
	Unknown:     "tags count as missing",
	Level:       rules.Advisory,
	// Every resource that carries tags, and the taggable types that must not leave them out.
	Check: func(r rules.Resource, _ rules.Config) []string {
		p, known := profileOf(r.Type)
		if !known || p.TagsInput == "" {
			return nil
		}
		raw, _ := rules.Get(r.Inputs, p.TagsPath(r.Type))
		tags, tagged := raw.(map[string]any)
		if !tagged && !slices.Contains(p.Taggable, r.Type) {
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
var statefulProtected = rules.Rule{
	Name:        "estate-stateful-protected",
	Aliases:     []string{"stateful-resources-protected"},
	Cloud:       rules.CloudAny,
	Description: "In production, data stores, keys, clusters and audit archives are protected from deletion.",
	Sections:    []rules.Section{rules.ContingencyPlan},
	Unknown:     "not applicable",
	Level:       rules.Mandatory,
	Types:       profileTypes(func(p rules.Profile) []string { return p.Stateful }),
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if !cfg.Production() || r.Protect {
			return nil
		}
		return []string{"stateful resource is not protected in production; create it with pulumi.Protect(true) and RetainOnDelete"}
	},
}

// drCopy asks, in production, that every store of PHI records survive the loss of its
// region: a copy kept by the cloud in another allowed region, not a restore from a backup
// someone has to find during the incident (164.308(a)(7)(ii)(B) disaster recovery plan).
// Stores hold PHI unless tagged with another data-classification.
var drCopy = rules.Rule{
	Name:        "estate-phi-dr-copy",
	Aliases:     []string{"phi-data-stores-have-dr-copy"},
	Cloud:       rules.CloudAny,
	Description: "In production, every PHI data store (on AWS: PostgreSQL cluster, DynamoDB table, S3 bucket; on GCP: Cloud SQL instance, Cloud Storage bucket; on Azure: PostgreSQL flexible server, storage account) not tagged with another data-classification is replicated to another allowed region.",
	Sections:    []rules.Section{rules.DisasterRecoveryPlan},
	Unknown:     "replica region fails",
	Level:       rules.Mandatory,
	Types:       profileTypes(func(p rules.Profile) []string { return p.PHIStores }),
	CheckStack: func(all []rules.Resource, cfg rules.Config) []rules.Finding {
		if !cfg.Production() {
			return nil
		}
		var out []rules.Finding
		for _, r := range all {
			p, known := profileOf(r.Type)
			if !known || p.DRCopy == nil || !slices.Contains(p.PHIStores, r.Type) || !rules.HoldsPHI(r, p.TagsPath(r.Type)) {
				continue
			}
			elsewhere := func(region string) bool {
				return region != "" && !rules.IsUnknown(region) && region != r.Region && slices.Contains(cfg.AllowedRegions, region)
			}
			if store, copied := p.DRCopy(all, r, elsewhere); store && !copied {
				out = append(out, rules.Finding{URN: r.URN, Message: fmt.Sprintf("%s has no replica in another allowed region (%v)", r.Name, cfg.AllowedRegions)})
			}
		}
		return out
	},
}

// profileOf is the profile of the cloud a type belongs to.
func profileOf(typ string) (rules.Profile, bool) {
	pkg := rules.Package(typ)
	for _, p := range Profiles {
		if p.Package == pkg {
			return p, true
		}
	}
	return rules.Profile{}, false
}

func profileTypes(of func(rules.Profile) []string) []string {
	var out []string
	for _, p := range Profiles {
		out = append(out, of(p)...)
	}
	return out
}
