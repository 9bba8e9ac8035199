// Command bootstrap creates the state bucket and the secrets key the estate's stacks use.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/stacks/bootstrap"
)

func main() { pulumi.Run(bootstrap.Run) }
