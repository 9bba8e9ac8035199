// Command estate is the operator CLI of the HealthHub estate.
package main

import (
	"fmt"
	"os"
)

func main() {
	code, err := newRootCommand().execute(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
	}
	os.Exit(code)
}
