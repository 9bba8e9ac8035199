package mockcloud

import (
	"fmt"
	"net"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// GCPProjectID and GCPProjectNumber are the Google Cloud project the mocks pretend to run in,
// when neither the invoke nor its provider names one.
const (
	GCPProjectID     = "healthhub-mock"
	GCPProjectNumber = "123456789012"
)

// callGCP answers the Google Cloud data sources a GCP estate reads first: the project (its
// number names service agents such as the Cloud KMS and Cloud SQL ones), the caller, and the
// Storage Transfer agent that copies buckets to their DR replicas.
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
	case "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount":
		// Storage Transfer's agent, which buckets grant the roles a transfer job needs.
		email := fmt.Sprintf("project-%s@storage-transfer-service.iam.gserviceaccount.com", GCPProjectNumber)
		return resource.NewPropertyMapFromMap(map[string]any{
			"email": email, "member": "serviceAccount:" + email, "project": project, "id": project,
			"subjectId": "1" + GCPProjectNumber,
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

// stateGCP computes what Google returns for the resources the GCP estate reads back: resource
// paths (projects/P/locations/L/...), self links, e-mail addresses of service accounts, the
// private addresses of the data stores and the cluster's endpoint and CA.
func stateGCP(r Resource, id string, provider providerInfo, out resource.PropertyMap) {
	_, module, kind := splitType(r.Type)
	project := GCPProjectID
	for _, m := range []resource.PropertyMap{out, provider.Inputs} {
		if v, ok := m["project"]; ok && v.IsString() && v.StringValue() != "" {
			project = v.StringValue()
			break
		}
	}
	region := provider.Region
	for _, key := range []resource.PropertyKey{"region", "location"} {
		if v, ok := out[key]; ok && v.IsString() && v.StringValue() != "" {
			region = v.StringValue()
			break
		}
	}
	name := str(out, "name")
	set := func(k, v string) {
		if _, ok := out[resource.PropertyKey(k)]; !ok {
			out[resource.PropertyKey(k)] = resource.NewProperty(v)
		}
	}
	switch module {
	case "compute":
		scope := "global"
		if _, ok := out["region"]; ok {
			scope = "regions/" + region
		}
		collection := strings.ToLower(kind[:1]) + kind[1:] + "s"
		if c, ok := computeCollections[kind]; ok {
			collection = c
		}
		path := fmt.Sprintf("projects/%s/%s/%s/%s", project, scope, collection, name)
		set("selfLink", "https://www.googleapis.com/compute/v1/"+path)
		// Google's id of a compute resource is its path, which other resources name it by.
		out["id"] = resource.NewProperty(path)
		if kind == "GlobalAddress" {
			set("address", "34.120.0."+fmt.Sprint(len(name)%200+10))
		}
	case "kms":
		if kind == "KeyRing" {
			out["id"] = resource.NewProperty(fmt.Sprintf("projects/%s/locations/%s/keyRings/%s", project, region, name))
			return
		}
		if kind == "CryptoKey" {
			ring := str(out, "keyRing")
			out["id"] = resource.NewProperty(ring + "/cryptoKeys/" + name)
			return
		}
	case "serviceaccount":
		if kind == "Account" {
			email := fmt.Sprintf("%s@%s.iam.gserviceaccount.com", str(out, "accountId"), project)
			set("email", email)
			set("member", "serviceAccount:"+email)
			out["name"] = resource.NewProperty(fmt.Sprintf("projects/%s/serviceAccounts/%s", project, email))
		}
	case "projects":
		if kind == "ServiceIdentity" {
			agent := strings.TrimSuffix(str(out, "service"), ".googleapis.com")
			if a, ok := serviceAgents[agent]; ok {
				agent = a
			}
			email := fmt.Sprintf("service-%s@gcp-sa-%s.iam.gserviceaccount.com", GCPProjectNumber, agent)
			set("email", email)
			set("member", "serviceAccount:"+email)
		}
	case "container":
		if kind == "Cluster" {
			set("endpoint", "172.16.0.2")
			set("selfLink", fmt.Sprintf("https://container.googleapis.com/v1/projects/%s/locations/%s/clusters/%s", project, region, name))
			out["masterAuth"] = resource.NewProperty(resource.PropertyMap{
				"clusterCaCertificate": resource.NewProperty("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"),
			})
			// A private cluster's control plane answers on the second address of its /28.
			if v, ok := out["privateClusterConfig"]; ok && v.IsObject() {
				private := v.ObjectValue().Copy() // the inputs' own map stays as recorded
				if _, set := private["privateEndpoint"]; !set {
					private["privateEndpoint"] = resource.NewProperty(privateEndpoint(str(private, "masterIpv4CidrBlock")))
				}
				out["privateClusterConfig"] = resource.NewProperty(private)
			}
			out["id"] = resource.NewProperty(fmt.Sprintf("projects/%s/locations/%s/clusters/%s", project, region, name))
			return
		}
	case "sql":
		if kind == "DatabaseInstance" {
			set("privateIpAddress", "10.52.0."+fmt.Sprint(len(name)%200+3))
			set("connectionName", fmt.Sprintf("%s:%s:%s", project, region, name))
			set("selfLink", fmt.Sprintf("https://sqladmin.googleapis.com/sql/v1beta4/projects/%s/instances/%s", project, name))
		}
	case "redis":
		if kind == "Instance" {
			set("host", "10.52.1."+fmt.Sprint(len(name)%200+4))
			set("readEndpoint", "10.52.1."+fmt.Sprint(len(name)%200+5))
			out["port"] = resource.NewProperty(6378.0)
			out["authString"] = resource.MakeSecret(resource.NewProperty("mock-redis-auth-string"))
		}
	case "storage":
		if kind == "Bucket" {
			set("url", "gs://"+name)
			set("selfLink", "https://www.googleapis.com/storage/v1/b/"+name)
		}
	case "secretmanager":
		if kind == "Secret" {
			out["id"] = resource.NewProperty(fmt.Sprintf("projects/%s/secrets/%s", project, str(out, "secretId")))
			out["name"] = resource.NewProperty(fmt.Sprintf("projects/%s/secrets/%s", GCPProjectNumber, str(out, "secretId")))
			return
		}
	case "logging":
		if kind == "ProjectSink" {
			set("writerIdentity", fmt.Sprintf("serviceAccount:service-%s@gcp-sa-logging.iam.gserviceaccount.com", GCPProjectNumber))
		}
	case "monitoring":
		if kind == "NotificationChannel" || kind == "AlertPolicy" {
			out["name"] = resource.NewProperty(fmt.Sprintf("projects/%s/%ss/%s", project, strings.ToLower(kind[:1])+kind[1:], id[len(id)-16:]))
		}
	case "pubsub":
		if kind == "Topic" {
			out["id"] = resource.NewProperty(fmt.Sprintf("projects/%s/topics/%s", project, name))
			return
		}
	}
}

// computeCollections are the compute kinds whose collection in a self link is not the kind
// in lowerCamel case with an s.
var computeCollections = map[string]string{
	"GlobalAddress":         "addresses",
	"ManagedSslCertificate": "sslCertificates",
	"SSLPolicy":             "sslPolicies",
	"URLMap":                "urlMaps",
	"SecurityPolicy":        "securityPolicies",
	"GlobalForwardingRule":  "forwardingRules",
	"TargetHttpProxy":       "targetHttpProxies",
	"TargetHttpsProxy":      "targetHttpsProxies",
}

// str is a string input, or "" when it is absent or not a plain string.
func str(m resource.PropertyMap, key resource.PropertyKey) string {
	if v, ok := m[key]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// privateEndpoint is the control plane's address in its range: the second one, as GKE gives it;
// 172.16.0.2 when the range is not a plain IPv4 CIDR.
func privateEndpoint(cidr string) string {
	_, n, err := net.ParseCIDR(cidr)
	if err != nil || n.IP.To4() == nil {
		return "172.16.0.2"
	}
	ip := n.IP.To4()
	return net.IPv4(ip[0], ip[1], ip[2], ip[3]+2).String()
}

// serviceAgents are the agents whose name is not their API's: Cloud SQL's is gcp-sa-cloud-sql.
var serviceAgents = map[string]string{"sqladmin": "cloud-sql"}
