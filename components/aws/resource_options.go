package aws

import (
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// stateful marks a resource that holds PHI or protects it (keys, audit archives). In production
// it cannot be deleted by a config change or `pulumi destroy` (protect), and if it leaves the
// program it stays in the account (retainOnDelete) rather than taking data with it.
func stateful(parent pulumi.Resource, protect bool) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Protect(protect), pulumi.RetainOnDelete(protect)}
}

// tags returns the estate's tags plus a Name tag, which the AWS console shows.
func tags(base map[string]string, name string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range maps.All(base) {
		out[k] = pulumi.String(v)
	}
	out["Name"] = pulumi.String(name)
	return out
}

// requireTags fails when a caller forgot the estate's tag set: untagged PHI resources are
// invisible to cost and compliance reports.
func requireTags(component string, t map[string]string) error {
	for _, k := range []string{"environment", "data-classification", "owner"} {
		if t[k] == "" {
			return argError(component, "Tags", t, "must include %q (use config.Config.Tags())", k)
		}
	}
	return nil
}
