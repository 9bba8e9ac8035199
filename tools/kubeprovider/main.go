// Command pulumi-resource-kubernetes is the Pulumi Kubernetes provider plugin. The provider's
// own main embeds generated files its module download lacks, so this one embeds the schema and
// Terraform mapping that `make kube` copies from the module, with the version stamped in.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed gen/schema.json
var schema []byte

//go:embed gen/terraform-mapping.json
var mapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, mapping)
}
