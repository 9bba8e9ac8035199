package rules

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
)

var testProfiles = []Profile{
	{Cloud: CloudAWS, Package: "aws", Regional: true, RegionInputs: []string{"region"}},
	{Cloud: CloudGCP, Package: "gcp", Regional: true, RegionInputs: []string{"region", "location", "zone"}, FoldRegionCase: true},
	{Cloud: CloudAzure, Package: "azure-native", Regional: true, RegionInputs: []string{"location"}, GlobalLocations: []string{"global"}},
}

func TestRegionOf(t *testing.T) {
	for _, tt := range []struct {
		name, typ      string
		inputs         map[string]any
		providerRegion string
		want           string
	}{
		{"a provider's own region", "pulumi:providers:aws", map[string]any{"region": "eu-west-2"}, "", "eu-west-2"},
		{"an Azure provider's location", "pulumi:providers:azure-native", map[string]any{"location": "uksouth"}, "", "uksouth"},
		{"a provider without region", "pulumi:providers:kubernetes", map[string]any{"kubeconfig": Secret}, "", ""},
		{"a resource's own location beats its provider's", "azure-native:storage:StorageAccount", map[string]any{"location": "westeurope"}, "uksouth", "westeurope"},
		{"a resource's own region beats its provider's", "gcp:sql/databaseInstance:DatabaseInstance", map[string]any{"region": "us-central1"}, "europe-west2", "us-central1"},
		{"a zone counts as its region", "gcp:compute/instance:Instance", map[string]any{"zone": "europe-west2-a"}, "europe-west1", "europe-west2"},
		{"a bucket's location in capitals, on a cloud that folds case", "gcp:storage/bucket:Bucket", map[string]any{"location": "EUROPE-WEST2"}, "europe-west1", "europe-west2"},
		{"a zone in capitals", "gcp:compute/instance:Instance", map[string]any{"zone": "EUROPE-WEST2-A"}, "europe-west1", "europe-west2"},
		{"a provider's region, on a cloud that folds case", "pulumi:providers:gcp", map[string]any{"region": "Europe-West2"}, "", "europe-west2"},
		{"case kept on a cloud that does not fold it", "azure-native:storage:StorageAccount", map[string]any{"location": "UKSouth"}, "uksouth", "UKSouth"},
		{"no own region: the provider's", "aws:s3/bucketV2:BucketV2", map[string]any{"bucket": "phi"}, "eu-west-2", "eu-west-2"},
		{"an input named location means nothing on AWS", "aws:s3/bucketV2:BucketV2", map[string]any{"location": "ap-south-1"}, "eu-west-2", "eu-west-2"},
		{"a global location names no region: the provider's", "azure-native:insights:ActionGroup", map[string]any{"location": "Global"}, "uksouth", "uksouth"},
		{"global in lowercase", "azure-native:network:PrivateZone", map[string]any{"location": "global"}, "ukwest", "ukwest"},
		{"an empty own region: the provider's", "azure-native:storage:StorageAccount", map[string]any{"location": ""}, "uksouth", "uksouth"},
		{"an unknown own region stays unknown", "azure-native:storage:StorageAccount", map[string]any{"location": Unknown}, "uksouth", Unknown},
		{"a package no profile knows: the provider's", "random:index/randomId:RandomId", map[string]any{"region": "x"}, "eu-west-2", "eu-west-2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, RegionOf(tt.typ, tt.inputs, tt.providerRegion, testProfiles))
		})
	}
}

func TestResourcesGiveEveryResourceItsRegion(t *testing.T) {
	const provider = "urn:pulumi:s::p::pulumi:providers:aws::aws-dr"
	got := Resources([]Record{
		{URN: "urn:pulumi:s::p::aws:kms/key:Key::k", Type: "aws:kms/key:Key", Provider: provider + "::5e1c", Inputs: nil},
		{URN: provider, Type: "pulumi:providers:aws", Inputs: map[string]any{"region": "eu-west-1"}},
		{URN: "urn:pulumi:s::p::healthhub:aws:Keys::keys", Type: "healthhub:aws:Keys"},
	}, testProfiles)
	assert.Equal(t, []string{"eu-west-1", "eu-west-1", ""}, []string{got[0].Region, got[1].Region, got[2].Region},
		"a provider listed after its resources still gives them its region")
	assert.Equal(t, provider, got[0].Provider)
	assert.Equal(t, map[string]any{}, got[0].Inputs, "missing inputs read as empty")
}

func TestSections(t *testing.T) {
	for s, want := range map[Section]Section{
		Encryption: Encryption, UniqueUserID: AccessControl, DisasterRecoveryPlan: ContingencyPlan,
		DataBackupPlan: ContingencyPlan, RiskManagement: "", DocumentationRetention: "",
	} {
		assert.Equal(t, want, s.Safeguard(), string(s))
	}
	for _, s := range Sections() {
		assert.NotEmpty(t, s.Title(), string(s))
	}
	assert.Equal(t, "HIPAA 164.312(b) audit controls, 164.312(e)(1) transmission security", Cite([]Section{AuditControls, TransmissionSecurity}))
}

func TestEvaluateOrdersMandatoryFirst(t *testing.T) {
	flag := func(name string, level Level) Rule {
		return Rule{Name: name, Level: level, Check: func(Resource, Config) []string { return []string{"bad"} }}
	}
	vs := Evaluate([]Rule{flag("a-advisory", Advisory), flag("z-mandatory", Mandatory)}, []Resource{{URN: "u", Type: "aws:x/y:Y"}}, Config{})
	assert.Equal(t, []string{"z-mandatory", "a-advisory"}, []string{vs[0].Policy, vs[1].Policy})
	m, a := Count(vs)
	assert.Equal(t, []int{1, 1}, []int{m, a})
}

func TestPlain(t *testing.T) {
	m := resource.PropertyMap{
		"password": resource.MakeSecret(resource.NewProperty("hunter2")),
		"arn":      resource.MakeComputed(resource.NewProperty("")),
		"count":    resource.NewProperty(3.0),
		"ratio":    resource.NewProperty(0.5),
		"nested":   resource.NewProperty(resource.PropertyMap{"list": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(true)})}),
		"out":      resource.NewProperty(resource.Output{Element: resource.NewProperty("x"), Known: true, Secret: true}),
	}
	assert.Equal(t, map[string]any{
		"password": Secret, "arn": Unknown, "count": int64(3), "ratio": 0.5,
		"nested": map[string]any{"list": []any{true}}, "out": Secret,
	}, PlainMap(m))
}

func TestTagsPath(t *testing.T) {
	p := Profile{TagsInput: "labels", TagsPaths: map[string]string{"gcp:container/cluster:Cluster": "resourceLabels"}}
	assert.Equal(t, "resourceLabels", p.TagsPath("gcp:container/cluster:Cluster"))
	assert.Equal(t, "labels", p.TagsPath("gcp:storage/bucket:Bucket"))
}

func TestHoldsPHI(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		inputs     map[string]any
		want       bool
	}{
		{"untagged", "tags", map[string]any{}, true},
		{"tagged phi", "tags", map[string]any{"tags": map[string]any{"data-classification": "phi"}}, true},
		{"tagged otherwise", "tags", map[string]any{"tags": map[string]any{"data-classification": "operational"}}, false},
		{"labelled otherwise where the type keeps its labels", "settings.userLabels", map[string]any{"settings": map[string]any{"userLabels": map[string]any{"data-classification": "audit-logs"}}}, false},
		{"labelled at another path than the type's", "settings.userLabels", map[string]any{"labels": map[string]any{"data-classification": "audit-logs"}}, true},
	} {
		assert.Equal(t, tt.want, HoldsPHI(Resource{Inputs: tt.inputs}, tt.path), tt.name)
	}
}
