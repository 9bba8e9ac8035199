// Command healthhub-policy serves the HealthHub HIPAA rules to the Pulumi engine:
//
//	go build -o bin/healthhub-policy ./policy
//	pulumi preview --policy-pack bin/healthhub-policy
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/healthhub/estate/policy/pack"
)

func main() {
	if err := policyx.Main(pack.New); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
