// Command rulesdoc writes docs/rules.md from the rules (go generate ./policy/rules/estate).
package main

import (
	"fmt"
	"os"

	"github.com/healthhub/estate/policy/rules/estate"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rulesdoc FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], []byte(estate.Markdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
