package estate

import (
	"testing"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/gcp"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

// gcpResource is a GCP resource as the one conversion makes it from a record on the primary
// provider (europe-west2), so its own location decides its region.
func gcpResource(typ, name string, inputs map[string]any) rules.Resource {
	provider := rules.Record{URN: rulestest.GCPProviderURN, Type: gcp.TypeProvider, Inputs: map[string]any{"region": "europe-west2"}}
	r := rulestest.GCPRes(typ, name, inputs)
	converted := Resources([]rules.Record{provider, {URN: r.URN, Type: typ, Name: name, Provider: provider.URN, Protect: true, Inputs: inputs}})
	return converted[1]
}

func gcpLabels(classification string) map[string]any {
	return map[string]any{"environment": "production", "data-classification": classification, "owner": "platform"}
}

// gcpCases are the cross-cloud rules fed by the GCP profile.
func gcpCases() []ruleCase {
	bucket := func(location string, extra map[string]any) rules.Resource {
		inputs := map[string]any{"name": "records", "location": location, "labels": gcpLabels("phi")}
		for k, v := range extra {
			inputs[k] = v
		}
		return gcpResource(gcp.TypeBucket, "records", inputs)
	}
	dualRegion := func(locations ...any) rules.Resource {
		return bucket("EU", map[string]any{"customPlacementConfig": map[string]any{"dataLocations": locations}})
	}
	db := func(name, region string, settings map[string]any, extra map[string]any) rules.Resource {
		inputs := map[string]any{"name": name, "region": region, "databaseVersion": "POSTGRES_16", "settings": settings}
		for k, v := range extra {
			inputs[k] = v
		}
		return gcpResource(gcp.TypeSQLInstance, name, inputs)
	}
	labelled := map[string]any{"userLabels": gcpLabels("phi")}
	primary := db("healthhub-prod-db", "europe-west2", labelled, nil)
	replica := db("healthhub-prod-db-dr", "europe-west1", labelled, map[string]any{"masterInstanceName": "healthhub-prod-db"})
	cluster := func(labels map[string]any) rules.Resource {
		return gcpResource(gcp.TypeCluster, "gke", map[string]any{"location": "europe-west2", "resourceLabels": labels})
	}

	return []ruleCase{
		{"estate-region-allow-list", "a bucket's location in capitals", []rules.Resource{bucket("EUROPE-WEST2", nil)}, false, ""},
		{"estate-region-allow-list", "a multi-region bucket", []rules.Resource{bucket("EU", nil)}, true, "in region eu, outside the allowed regions"},
		{"estate-region-allow-list", "a dual-region bucket in the allowed regions", []rules.Resource{dualRegion("EUROPE-WEST2", "EUROPE-WEST1")}, false, ""},
		{"estate-region-allow-list", "a dual-region bucket reaching outside", []rules.Resource{dualRegion("EUROPE-WEST2", "EUROPE-NORTH1")}, true, "keeps data in region europe-north1"},
		{"estate-region-allow-list", "a key ring in the DR region", []rules.Resource{gcpResource(gcp.TypeKeyRing, "dr", map[string]any{"location": "europe-west1"})}, false, ""},
		{"estate-region-allow-list", "a global key ring", []rules.Resource{gcpResource(gcp.TypeKeyRing, "global", map[string]any{"location": "global"})}, true, "in region global"},

		{"estate-stateful-protected", "protected database", []rules.Resource{primary}, false, ""},
		{"estate-stateful-protected", "unprotected key ring", []rules.Resource{unprotected(gcpResource(gcp.TypeKeyRing, "phi", map[string]any{"location": "europe-west2"}))}, true, "not protected in production"},
		{"estate-stateful-protected", "unprotected log bucket", []rules.Resource{unprotected(gcpResource(gcp.TypeLogBucketConfig, "audit", map[string]any{"location": "europe-west2"}))}, true, "not protected"},

		{"estate-required-tags", "cluster labelled by resourceLabels", []rules.Resource{cluster(gcpLabels("phi"))}, false, ""},
		{"estate-required-tags", "cluster without resourceLabels", []rules.Resource{cluster(nil)}, true, "missing tags: environment, data-classification, owner"},
		{"estate-required-tags", "database labelled in its settings", []rules.Resource{primary}, false, ""},
		{"estate-required-tags", "database without userLabels", []rules.Resource{db("db", "europe-west2", map[string]any{}, nil)}, true, "missing tags"},
		{"estate-required-tags", "a notification channel's labels are its configuration", []rules.Resource{gcpResource(gcp.TypeNotificationChannel, "email", map[string]any{
			"type": "email", "labels": map[string]any{"email_address": "oncall@healthhub.example"}, "userLabels": gcpLabels("operational"),
		})}, false, ""},
		{"estate-required-tags", "a node pool takes its cluster's labels", []rules.Resource{gcpResource(gcp.TypeNodePool, "app", map[string]any{"nodeConfig": map[string]any{"labels": map[string]any{"pool": "app"}}})}, false, ""},

		{"estate-phi-dr-copy", "database with a replica in DR", []rules.Resource{primary, replica}, false, ""},
		{"estate-phi-dr-copy", "database alone", []rules.Resource{primary}, true, "healthhub-prod-db has no replica in another allowed region"},
		{"estate-phi-dr-copy", "database labelled as not PHI in its settings", []rules.Resource{db("reporting", "europe-west2", map[string]any{"userLabels": gcpLabels("operational")}, nil)}, false, ""},
		{"estate-phi-dr-copy", "dual-region bucket", []rules.Resource{dualRegion("EUROPE-WEST2", "EUROPE-WEST1")}, false, ""},
		{"estate-phi-dr-copy", "single-region bucket", []rules.Resource{bucket("EUROPE-WEST2", nil)}, true, "records has no replica"},
	}
}

func TestGCPProfileFeedsTheCrossCloudRules(t *testing.T) {
	var cases []rulestest.Case
	for _, c := range gcpCases() {
		cases = append(cases, rulestest.Case{Rule: c.rule, Name: c.name, Resources: c.resources, Violates: c.violates, Message: c.message})
	}
	rulestest.RunWith(t, rulestest.GCPConfig, All[:4], cases)
}
