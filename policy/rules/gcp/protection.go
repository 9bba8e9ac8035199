package gcp

import (
	"fmt"

	"github.com/healthhub/estate/policy/rules"
)

// minDestroyDelay is how long a destroyed key version stays recoverable: Cloud KMS's default
// of 30 days, which a key may lengthen but production must not shorten.
const minDestroyDelay = 30 * day

// deletionProtection is the provider-side guard that complements Pulumi's protect flag
// (estate-stateful-protected): it holds against a console user or another tool too.
var deletionProtection = rules.Rule{
	Name:        "gcp-deletion-protection",
	Cloud:       rules.CloudGCP,
	Description: "In production, GKE clusters and Cloud SQL instances keep deletion protection (Cloud SQL's API-side settings.deletionProtectionEnabled too), buckets are not force-destroyed with their objects, and a destroyed KMS key version stays recoverable at least 30 days.",
	Sections:    []rules.Section{rules.ContingencyPlan},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeCluster, TypeSQLInstance, TypeBucket, TypeCryptoKey},
	Check: func(r rules.Resource, cfg rules.Config) []string {
		if !cfg.Production() {
			return nil
		}
		var out []string
		switch r.Type {
		case TypeCluster, TypeSQLInstance:
			// The provider's deletionProtection defaults to true; only an explicit false or
			// an unknown lifts it.
			if v, ok := rules.Get(r.Inputs, "deletionProtection"); ok && v != true {
				out = append(out, fmt.Sprintf("deletionProtection is %v; must stay true", v))
			}
			if r.Type == TypeSQLInstance && !rules.BoolTrue(r.Inputs, "settings.deletionProtectionEnabled") {
				out = append(out, "settings.deletionProtectionEnabled must be true, so the instance cannot be deleted outside Pulumi either")
			}
		case TypeBucket:
			if rules.ExplicitlyTrue(r.Inputs, "forceDestroy") {
				out = append(out, "forceDestroy must not be true: deleting the bucket would delete its objects")
			}
		case TypeCryptoKey:
			if _, set := rules.Get(r.Inputs, "destroyScheduledDuration"); set {
				if seconds, ok := duration(r.Inputs, "destroyScheduledDuration"); !ok || seconds < minDestroyDelay {
					out = append(out, fmt.Sprintf("destroyScheduledDuration is %q; at least \"%ds\" (30 days), so a version destroyed by mistake can be restored", rules.Str(r.Inputs, "destroyScheduledDuration"), minDestroyDelay))
				}
			}
		}
		return out
	},
}
