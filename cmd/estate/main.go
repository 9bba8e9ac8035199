// Command estate is the operator CLI of the HealthHub estate.
package main

import (
	"fmt"
	"os"

	"github.com/healthhub/estate/stacks"
)

func main() {
	code, err := newRootCommand(stacks.Run).execute(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	os.Exit(code)
}
