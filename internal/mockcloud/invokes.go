package mockcloud

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/policy/rules"
)

// invoke is one data-source call, with what the program configured its explicit provider with.
type invoke struct {
	Token    string
	Args     resource.PropertyMap
	Region   string               // the provider's region or location; empty for a default provider
	Provider resource.PropertyMap // the provider's inputs; nil for a default provider
}

// cloud is what the offline plan knows of one provider package: the invokes it answers and the
// outputs its resources compute beyond a name and an id.
type cloud struct {
	file  string // where its answers live, named in the error for an invoke it lacks
	call  func(invoke) (resource.PropertyMap, error)
	state func(r Resource, id string, provider providerInfo, out resource.PropertyMap)
}

// providerInfo is what a resource's explicit provider was configured with.
type providerInfo struct {
	Region string
	Inputs resource.PropertyMap
}

// clouds are keyed by the provider package, the first part of a token ("aws:kms/key:Key").
var clouds = map[string]cloud{
	"aws":          {file: "aws_invokes.go", call: callAWS, state: stateAWS},
	"gcp":          {file: "gcp_invokes.go", call: callGCP, state: stateGCP},
	"azure-native": {file: "azure_invokes.go", call: callAzure, state: stateAzure},
	"kubernetes":   {file: "kubernetes_invokes.go", call: callKubernetes},
}

// Call answers a data-source invoke as the real provider would for the mock account, region by
// region; the provider package of the token picks the file that answers it.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	pkg, _, _ := strings.Cut(args.Token, ":")
	c, ok := clouds[pkg]
	if !ok {
		return nil, fmt.Errorf("the offline plan has no answer for invoke %s: provider package %q is not one of %s (internal/mockcloud/invokes.go)",
			args.Token, pkg, strings.Join(packages(), ", "))
	}
	ref := rules.ProviderURN(args.Provider)
	out, err := c.call(invoke{Token: args.Token, Args: args.Args, Region: m.Region(ref), Provider: m.providerInputs(ref)})
	if errors.Is(err, errNoAnswer) {
		return nil, fmt.Errorf("the offline plan has no answer for invoke %s; add one to internal/mockcloud/%s", args.Token, c.file)
	}
	return out, err
}

// errNoAnswer is what a cloud's call returns for a token it does not know; Call names the
// token and the file to extend.
var errNoAnswer = errors.New("no answer")

func packages() []string {
	names := make([]string, 0, len(clouds))
	for p := range clouds {
		names = append(names, p)
	}
	slices.Sort(names)
	return names
}

// explicitRegion is the error for a regional invoke made without an explicit provider.
func explicitRegion(token string) error {
	return fmt.Errorf("%s called without an explicit provider: the estate never uses an ambient region", token)
}
