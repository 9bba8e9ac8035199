package gcp

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

func inRegion(r rules.Resource, region string) rules.Resource { r.Region = region; return r }

// TestDRCopy runs the profile's DRCopy on the first resource of each case, with the
// elsewhere the cross-cloud rule gives it: another allowed region.
func TestDRCopy(t *testing.T) {
	primary := res(TypeSQLInstance, "db", primaryDB())
	replicaOf := func(region string, inputs map[string]any) rules.Resource {
		return inRegion(res(TypeSQLInstance, "db-"+region, inputs), region)
	}
	byName := replicaOf("europe-west1", map[string]any{"masterInstanceName": "healthhub-prod-db", "region": "europe-west1"})
	byRef := dependsOn(replicaOf("europe-west1", map[string]any{"masterInstanceName": rules.Unknown}), primary)
	sameRegion := dependsOn(replicaOf("europe-west2", map[string]any{"masterInstanceName": rules.Unknown}), primary)
	clone := dependsOn(replicaOf("europe-west1", map[string]any{"clone": map[string]any{"sourceInstanceName": rules.Unknown}}), primary)

	records := res(TypeBucket, "records", phiBucket("healthhub-prod-records"))
	drBucket := inRegion(res(TypeBucket, "records-dr", phiBucket("healthhub-prod-records-dr")), "europe-west1")
	job := func(source, sink any, status string, refs ...rules.Resource) rules.Resource {
		inputs := map[string]any{"transferSpec": map[string]any{
			"gcsDataSource": map[string]any{"bucketName": source}, "gcsDataSink": map[string]any{"bucketName": sink},
		}}
		if status != "" {
			inputs["status"] = status
		}
		r := res(TypeStorageTransferJob, "records-dr", inputs)
		for _, ref := range refs {
			r = dependsOn(r, ref)
		}
		return r
	}
	daily := job("healthhub-prod-records", "healthhub-prod-records-dr", "", records, drBucket)
	dualRegion := inRegion(res(TypeBucket, "dual", with(phiBucket("healthhub-prod-dual"), "customPlacementConfig",
		map[string]any{"dataLocations": []any{"EUROPE-WEST2", "EUROPE-WEST1"}})), "eu")

	for _, tt := range []struct {
		name          string
		resources     []rules.Resource
		store, copied bool
	}{
		{"primary with a replica named after it in DR", []rules.Resource{primary, byName}, true, true},
		{"primary with a replica referring to it in DR", []rules.Resource{primary, byRef}, true, true},
		{"primary alone", []rules.Resource{primary}, true, false},
		{"replica in the same region", []rules.Resource{primary, sameRegion}, true, false},
		{"a clone is no replica", []rules.Resource{primary, clone}, true, false},
		{"the replica is the copy", []rules.Resource{byName, primary}, false, false},
		{"bucket copied daily to DR", []rules.Resource{records, drBucket, daily}, true, true},
		{"names unknown at preview, told apart by the known one", []rules.Resource{records, drBucket, job(rules.Unknown, "healthhub-prod-records-dr", "", records, drBucket)}, true, true},
		{"both names unknown", []rules.Resource{records, drBucket, job(rules.Unknown, rules.Unknown, "", records, drBucket)}, true, false},
		{"the DR bucket is the copy", []rules.Resource{drBucket, records, daily}, false, false},
		{"disabled transfer", []rules.Resource{records, drBucket, job("healthhub-prod-records", "healthhub-prod-records-dr", "DISABLED", records, drBucket)}, true, false},
		{"copied within the region", []rules.Resource{records, inRegion(drBucket, "europe-west2"), daily}, true, false},
		{"dual-region in two allowed regions", []rules.Resource{dualRegion}, true, true},
		{"dual-region reaching outside", []rules.Resource{withInput(dualRegion, "customPlacementConfig", map[string]any{"dataLocations": []any{"EUROPE-WEST2", "US-CENTRAL1"}})}, true, false},
		{"bucket alone", []rules.Resource{records}, true, false},
		{"not a PHI store type", []rules.Resource{res(TypeRedisInstance, "cache", nil)}, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.resources[0]
			elsewhere := func(region string) bool {
				return region != r.Region && slices.Contains(rulestest.GCPConfig.AllowedRegions, region)
			}
			store, copied := drCopy(tt.resources, r, elsewhere)
			assert.Equal(t, []bool{tt.store, tt.copied}, []bool{store, copied}, "store, copied")
		})
	}
}
