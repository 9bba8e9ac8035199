//go:build tools

// Package tools pins the Pulumi CLI that the engine tests drive. It is a module of its own so
// the program's go.mod never carries the engine's dependencies.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
