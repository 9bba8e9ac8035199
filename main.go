package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/stacks"
)

func main() {
	pulumi.Run(stacks.Run)
}
