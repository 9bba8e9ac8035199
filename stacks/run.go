// Package stacks is the Pulumi program: every built cloud's estate, composed by
// stacks/program. main.go, the offline plan and the release driver all run Run.
package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/config"
	awsstack "github.com/healthhub/estate/stacks/aws"
	azurestack "github.com/healthhub/estate/stacks/azure"
	gcpstack "github.com/healthhub/estate/stacks/gcp"
	"github.com/healthhub/estate/stacks/program"
	"github.com/healthhub/estate/stacks/workloads"
)

// builders are the clouds whose estate is built, by healthhub:cloud; each is a package of its
// own under stacks/.
var builders = map[string]program.Builder{
	config.CloudAWS:   awsstack.Build,
	config.CloudGCP:   gcpstack.Build,
	config.CloudAzure: azurestack.Build,
}

// Run is the Pulumi program.
func Run(ctx *pulumi.Context) error { return program.New(builders, workloads.Build)(ctx) }
