package rules

// Cloud is whose resources a rule checks.
type Cloud string

// The clouds the rules know, in the order reports list them. CloudAny marks the rules written
// once for every cloud (region, tags, protection, DR copies), fed by each cloud's Profile.
const (
	CloudAny        Cloud = "any"
	CloudAWS        Cloud = "aws"
	CloudGCP        Cloud = "gcp"
	CloudAzure      Cloud = "azure"
	CloudKubernetes Cloud = "kubernetes"
)

// Clouds are the matrix's rows: the clouds a HIPAA platform is built on, and the cluster that
// runs the workloads on each of them.
var Clouds = []Cloud{CloudAWS, CloudGCP, CloudAzure, CloudKubernetes}

// Profile is what a cloud tells the cross-cloud rules about its resource types.
type Profile struct {
	Cloud Cloud
	// Package is the Pulumi package of the cloud's provider ("aws", "gcp", "azure-native").
	Package string
	// Regional providers must name a region; a non-regional one (kubernetes) is exempt.
	Regional bool
	// RegionInputs are the inputs by which a resource of the package carries its own region
	// ("location" on Azure Native); the region rule reads them before the provider's.
	RegionInputs []string
	// FoldRegionCase: the cloud takes a region in any case (Cloud Storage writes a bucket's
	// location "EUROPE-WEST2"), so RegionOf lowercases it to compare with the allowed regions.
	FoldRegionCase bool
	// GlobalLocations are locations, in any case, that name no region: ARM's "global" for
	// resources that keep no data in one (an action group, an activity log alert, a private
	// DNS zone). RegionOf reads such a resource as naming no location of its own.
	GlobalLocations []string
	// DataLocations are, by type, the dotted path of a list of regions a resource keeps its
	// data in when its own location names several (a GCS dual-region bucket's location is
	// "EU"); the region rule checks each of them instead of the location.
	DataLocations map[string]string
	// TagsInput is where the package's resources carry their tags ("tags", GCP "labels").
	TagsInput string
	// TagsPaths are, by type, the dotted path of the tags of the types that carry them
	// elsewhere (a GKE cluster's "resourceLabels"), or whose TagsInput means something else.
	TagsPaths map[string]string
	// Taggable are the types that must carry the estate's tags even when a caller left the
	// input out altogether.
	Taggable []string
	// Stateful hold PHI, the keys that decrypt it, or the record of who touched it: in
	// production they are protected from deletion.
	Stateful []string
	// PHIStores are the types the DR rule asks for a copy of in another region.
	PHIStores []string
	// DRCopy reports whether a PHI store of PHIStores has a copy in another allowed region
	// (elsewhere tells such a region); store is false for a resource that is itself a copy or
	// not a store after all.
	DRCopy func(all []Resource, r Resource, elsewhere func(region string) bool) (store, copied bool)
}

// TagsPath is where a resource of the type carries its tags.
func (p Profile) TagsPath(typ string) string {
	if path, ok := p.TagsPaths[typ]; ok {
		return path
	}
	return p.TagsInput
}
