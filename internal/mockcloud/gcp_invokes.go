package mockcloud

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// GCPProjectID and GCPProjectNumber are the Google Cloud project the mocks pretend to run in,
// when neither the invoke nor its provider names one.
const (
	GCPProjectID     = "healthhub-mock"
	GCPProjectNumber = "123456789012"
)

// callGCP answers the Google Cloud data sources a GCP estate reads first: the project (its
// number names service agents such as the Cloud KMS and Cloud SQL ones) and the caller.
func callGCP(in invoke) (resource.PropertyMap, error) {
	project := gcpProject(in)
	switch in.Token {
	case "gcp:organizations/getProject:getProject":
		return resource.NewPropertyMapFromMap(map[string]any{
			"projectId": project, "number": GCPProjectNumber, "name": project, "id": "projects/" + project,
			"labels": map[string]any{}, "autoCreateNetwork": false,
		}), nil
	case "gcp:organizations/getClientConfig:getClientConfig":
		if in.Region == "" {
			return nil, explicitRegion(in.Token)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"project": project, "region": in.Region, "zone": in.Region + "-a", "id": project,
			"accessToken": resource.MakeSecret(resource.NewProperty("mock-access-token")),
		}), nil
	}
	return nil, errNoAnswer
}

// gcpProject is the project an invoke reads: its own projectId argument, else its provider's
// project, else the mock project.
func gcpProject(in invoke) string {
	for _, m := range []resource.PropertyMap{in.Args, in.Provider} {
		for _, key := range []resource.PropertyKey{"projectId", "project"} {
			if v, ok := m[key]; ok && v.IsString() && v.StringValue() != "" {
				return v.StringValue()
			}
		}
	}
	return GCPProjectID
}
