package mockcloud

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/healthhub/estate/policy/rules"
)

// AccountID is the AWS account the mocks pretend to run in.
const AccountID = "123456789012"

// callAWS answers the AWS data sources the estate reads, for the mock account, region by region.
func callAWS(in invoke) (resource.PropertyMap, error) {
	region := in.Region
	switch in.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID,
			"arn":       "arn:aws:iam::" + AccountID + ":role/deployer",
			"userId":    "AROAEXAMPLEDEPLOYER",
			"id":        AccountID,
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws",
		}), nil
	case "aws:index/getRegion:getRegion":
		if region == "" {
			return nil, explicitRegion(in.Token)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": region, "id": region, "endpoint": "ec2." + region + ".amazonaws.com", "description": region,
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		if region == "" {
			return nil, explicitRegion(in.Token)
		}
		names := []any{region + "a", region + "b", region + "c"}
		ids := []any{region + "-az1", region + "-az2", region + "-az3"}
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": names, "zoneIds": ids, "groupNames": []any{region}, "id": region, "state": "available",
		}), nil
	case "aws:iam/getPolicyDocument:getPolicyDocument":
		return policyDocument(in.Args)
	case "aws:elb/getServiceAccount:getServiceAccount":
		account, ok := elbAccounts[region]
		if !ok {
			return nil, fmt.Errorf("the offline plan knows the ELB log-delivery account of %v only, not %q", elbRegions(), region)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": "arn:aws:iam::" + account + ":root", "id": account, "region": region,
		}), nil
	}
	return nil, errNoAnswer
}

// stateAWS adds what AWS computes on create: ARNs, S3 bucket names and domain names, the
// execution ARN of an API, the invoke ARN of a function, and an EKS cluster's endpoint, CA and
// OIDC issuer.
func stateAWS(r Resource, id string, provider providerInfo, out resource.PropertyMap) {
	region := provider.Region
	_, module, kind := splitType(r.Type)
	physical := r.Name + "-" + id[len(id)-7:]
	if module == "s3" && strings.HasPrefix(kind, "Bucket") {
		if _, ok := out["bucket"]; !ok {
			out["bucket"] = resource.NewProperty(physical)
		}
		out["bucketRegionalDomainName"] = resource.NewProperty(fmt.Sprintf("%s.s3.%s.amazonaws.com", out["bucket"].StringValue(), region))
	}
	if _, ok := out["arn"]; !ok {
		out["arn"] = resource.NewProperty(awsARN(module, kind, region, out))
	}
	switch {
	case module == "apigateway" && kind == "RestApi":
		out["executionArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", region, AccountID, id))
		out["rootResourceId"] = resource.NewProperty("root-" + id[len(id)-7:])
	case module == "lambda" && kind == "Function":
		out["invokeArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, out["arn"].StringValue()))
	case module == "eks" && kind == "Cluster":
		// What EKS returns for a new cluster: its endpoint, CA and OIDC issuer.
		hexID := strings.ToUpper(id[len(id)-16:])
		out["endpoint"] = resource.NewProperty(fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", hexID, region))
		out["certificateAuthority"] = resource.NewProperty(resource.PropertyMap{"data": resource.NewProperty("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t")})
		out["identities"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
			"oidcs": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"issuer": resource.NewProperty(fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", region, hexID)),
			})}),
		})})
	}
}

// awsARN builds an ARN of the right shape for the service: S3 and IAM have no region or
// account parts where AWS leaves them out.
func awsARN(module, kind, region string, state resource.PropertyMap) string {
	name := state["name"].StringValue()
	switch module {
	case "s3":
		if b, ok := state["bucket"]; ok && b.IsString() {
			name = b.StringValue()
		}
		return "arn:aws:s3:::" + name
	case "iam":
		return fmt.Sprintf("arn:aws:iam::%s:%s/%s", AccountID, strings.ToLower(kind), name)
	case "cloudwatch":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, AccountID, name)
	}
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", module, region, AccountID, strings.ToLower(kind), name)
}

// policyDocument renders the statements of an aws.iam.getPolicyDocument call into the JSON the
// provider returns, so policies built that way reach the plan as the engine would see them.
func policyDocument(args resource.PropertyMap) (resource.PropertyMap, error) {
	var statements []map[string]any
	raw := args["statements"]
	if raw.IsArray() {
		for _, s := range raw.ArrayValue() {
			in, _ := rules.Plain(s).(map[string]any)
			st := map[string]any{"Effect": "Allow"}
			if e, ok := in["effect"].(string); ok {
				st["Effect"] = e
			}
			if sid, ok := in["sid"].(string); ok {
				st["Sid"] = sid
			}
			for from, to := range map[string]string{"actions": "Action", "resources": "Resource", "notActions": "NotAction"} {
				if v, ok := in[from]; ok {
					st[to] = v
				}
			}
			if ps, ok := in["principals"].([]any); ok {
				byType := map[string][]any{}
				for _, p := range ps {
					pm, _ := p.(map[string]any)
					t, _ := pm["type"].(string)
					ids, _ := pm["identifiers"].([]any)
					byType[t] = append(byType[t], ids...)
				}
				st["Principal"] = byType
			}
			if cs, ok := in["conditions"].([]any); ok {
				cond := map[string]map[string]any{}
				for _, c := range cs {
					cm, _ := c.(map[string]any)
					test, _ := cm["test"].(string)
					variable, _ := cm["variable"].(string)
					if cond[test] == nil {
						cond[test] = map[string]any{}
					}
					cond[test][variable] = cm["values"]
				}
				st["Condition"] = cond
			}
			statements = append(statements, st)
		}
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		return nil, err
	}
	return resource.NewPropertyMapFromMap(map[string]any{"json": string(doc), "id": "policy"}), nil
}

// elbAccounts are the accounts Elastic Load Balancing writes access logs from, as AWS
// publishes them for the regions the estate's stacks allow.
var elbAccounts = map[string]string{
	"us-east-1": "127311923021",
	"eu-west-1": "156460612806",
	"eu-west-2": "652711504416",
}

func elbRegions() []string {
	regions := make([]string, 0, len(elbAccounts))
	for r := range elbAccounts {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	return regions
}
