package gcp

import "github.com/healthhub/estate/policy/rules"

// Profile: many GCP resources carry their own region, location or zone, which the region
// rule reads before the provider's, in any case (a bucket's location is "EUROPE-WEST2"); a
// dual-region bucket keeps its data in the regions it lists. GCP calls tags labels, and a few
// types keep them elsewhere.
var Profile = rules.Profile{
	Cloud:          rules.CloudGCP,
	Package:        "gcp",
	Regional:       true,
	RegionInputs:   []string{"region", "location", "zone"},
	FoldRegionCase: true,
	DataLocations:  map[string]string{TypeBucket: "customPlacementConfig.dataLocations"},
	TagsInput:      "labels",
	TagsPaths:      tagsPaths,
	Taggable:       taggable,
	Stateful:       stateful,
	PHIStores:      []string{TypeSQLInstance, TypeBucket},
	DRCopy:         drCopy,
}

// tagsPaths are the types whose labels are not their labels input. A node pool's VMs also
// get their cluster's resourceLabels, so the pool need not repeat them; a notification
// channel's labels input is its configuration (the e-mail address), not labels.
var tagsPaths = map[string]string{
	TypeCluster:             "resourceLabels",
	TypeNodePool:            "nodeConfig.resourceLabels",
	TypeSQLInstance:         "settings.userLabels",
	TypeAlertPolicy:         "userLabels",
	TypeNotificationChannel: "userLabels",
}

// taggable are the types the estate builds that take labels.
var taggable = []string{
	TypeCryptoKey, TypeBucket, TypeRedisInstance, TypeCluster, TypeSQLInstance, TypeSecret, TypeTopic,
	TypeBackupPlan, TypeGlobalAddress, TypeForwardingRule, TypeGlobalForwardingRule,
}

// stateful hold PHI, the keys that decrypt it, its backups, or the audit record of who
// touched it.
var stateful = []string{
	TypeKeyRing, TypeCryptoKey, TypeBucket, TypeSQLInstance, TypeRedisInstance, TypeCluster, TypeSecret,
	TypeBackupPlan, TypeLogBucketConfig,
}
