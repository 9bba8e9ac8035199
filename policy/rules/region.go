package rules

import (
	"regexp"
	"slices"
	"strings"
)

// ProviderPrefix starts the type of every provider resource ("pulumi:providers:aws").
const ProviderPrefix = "pulumi:providers:"

// IsProvider reports a provider resource.
func IsProvider(typ string) bool { return strings.HasPrefix(typ, ProviderPrefix) }

// Package is the Pulumi package of a type: "aws" for "aws:s3/bucketV2:BucketV2" and for
// "pulumi:providers:aws".
func Package(typ string) string {
	if IsProvider(typ) {
		return strings.TrimPrefix(typ, ProviderPrefix)
	}
	pkg, _, _ := strings.Cut(typ, ":")
	return pkg
}

// IsCustom tells a cloud resource from a component or the stack: cloud types are
// "<package>:<module>:<Type>" with a package other than the estate's and pulumi's.
func IsCustom(typ string) bool {
	pkg := Package(typ)
	return !IsProvider(typ) && pkg != "healthhub" && pkg != "pulumi" && strings.Count(typ, ":") == 2
}

// providerRegionInputs are where a provider carries its region: "region" for AWS and GCP,
// "location" for Azure Native.
var providerRegionInputs = []string{"region", "location"}

// zone is a GCP zone ("europe-west2-a"), which lies in the region before its last dash.
var zone = regexp.MustCompile(`^([a-z]+-[a-z]+[0-9])-[a-z]$`)

// RegionOf is the one answer to "where does this resource keep its data": a provider's own
// region input; otherwise the resource's own region or location (the inputs its package's
// profile names, less the locations it calls global), which overrides its provider's;
// otherwise its provider's region. A zone counts as its region; a cloud whose profile folds
// region case gets it in lowercase. Empty when nothing says.
func RegionOf(typ string, inputs map[string]any, providerRegion string, profiles []Profile) string {
	var fields, global []string
	fold := false
	for _, p := range profiles {
		if p.Package == Package(typ) {
			fields, fold, global = p.RegionInputs, p.FoldRegionCase, p.GlobalLocations
		}
	}
	if IsProvider(typ) {
		fields, global = providerRegionInputs, nil
	}
	for _, f := range fields {
		if s, ok := inputs[f].(string); ok && s != "" {
			if slices.ContainsFunc(global, func(g string) bool { return strings.EqualFold(g, s) }) {
				continue
			}
			if fold {
				s = strings.ToLower(s)
			}
			if m := zone.FindStringSubmatch(s); m != nil {
				return m[1]
			}
			return s
		}
	}
	if IsProvider(typ) {
		return ""
	}
	return providerRegion
}
