package kit

import (
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/naming"
)

// Tags is the estate's tag set as a Pulumi input. It is a copy: a component adds its own
// entries (a cloud's name tag, a log-delivery marker) without touching the caller's map.
// Components pass it explicitly because Pulumi mocks, and so the offline plan, do not run
// transforms.
func Tags(base map[string]string) pulumi.StringMap {
	out := make(pulumi.StringMap, len(base)+1)
	for k, v := range maps.All(base) {
		out[k] = pulumi.String(v)
	}
	return out
}

// requiredTags are the keys without which a resource drops out of the cost and compliance
// reports.
var requiredTags = []string{naming.TagEnvironment, naming.TagDataClassification, naming.TagOwner}

// RequireTags fails when a caller forgot the estate's tag set: untagged PHI resources are
// invisible to cost and compliance reports.
func RequireTags(component string, t map[string]string) error {
	if k := MissingTag(t); k != "" {
		return ArgError(component, "Tags", t, "must include %q (use config.Config.Tags())", k)
	}
	return nil
}

// MissingTag is the first required key t lacks, or "" when it has them all; a cloud that calls
// tags something else (GCP's labels) names its own argument with it.
func MissingTag(t map[string]string) string {
	for _, k := range requiredTags {
		if t[k] == "" {
			return k
		}
	}
	return ""
}
