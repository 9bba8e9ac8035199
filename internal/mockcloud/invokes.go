package mockcloud

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/policy/rules"
)

// Call answers the data-source invokes the program uses, as the real provider would for the
// mock account, region by region.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	region := m.Region(providerURN(args.Provider))
	switch args.Token {
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
			return nil, fmt.Errorf("getRegion called without an explicit provider: the estate never uses an ambient region")
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": region, "id": region, "endpoint": "ec2." + region + ".amazonaws.com", "description": region,
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		if region == "" {
			return nil, fmt.Errorf("getAvailabilityZones called without an explicit provider: the estate never uses an ambient region")
		}
		names := []any{region + "a", region + "b", region + "c"}
		ids := []any{region + "-az1", region + "-az2", region + "-az3"}
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": names, "zoneIds": ids, "groupNames": []any{region}, "id": region, "state": "available",
		}), nil
	case "aws:iam/getPolicyDocument:getPolicyDocument":
		return policyDocument(args.Args)
	case "aws:elb/getServiceAccount:getServiceAccount":
		account, ok := elbAccounts[region]
		if !ok {
			return nil, fmt.Errorf("the offline plan knows the ELB log-delivery account of %v only, not %q", elbRegions(), region)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": "arn:aws:iam::" + account + ":root", "id": account, "region": region,
		}), nil
	}
	return nil, fmt.Errorf("the offline plan has no answer for invoke %s; add one to internal/mockcloud", args.Token)
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
