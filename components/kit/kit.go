// Package kit is what every component package of every cloud shares: validating Args before
// anything is registered, the error shape that names the argument, the options that keep
// stateful resources, the estate's tags and the HIPAA retention floor. It imports the Pulumi
// SDK only, so a component package links no other cloud's SDK through it; what needs a cloud
// SDK lives in that cloud's kit (components/aws/awskit).
package kit

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ArgError names the component, the argument, the value given and what is allowed.
func ArgError(component, arg string, value any, allowed string, args ...any) error {
	return fmt.Errorf("%s: %s = %v: %s", component, arg, value, fmt.Sprintf(allowed, args...))
}

// Args is a component's Args: a pointer to a struct that fills its defaults and checks itself.
// The pointer constraint lets Register tell a nil Args from a set one.
type Args[T any] interface {
	*T
	Validate() error
}

// Register checks a component's Args and only then registers the component, so bad input
// fails with a clear error before anything exists. Every component package registers through
// it, with its token constant.
func Register[T any, A Args[T]](ctx *pulumi.Context, typ, name string, args A, c pulumi.ComponentResource, opts ...pulumi.ResourceOption) error {
	if args == nil {
		return ArgError(Component(typ), "args", nil, "required")
	}
	if err := args.Validate(); err != nil {
		return err
	}
	return ctx.RegisterComponentResource(typ, name, c, opts...)
}

// Component is the short name of a component type token ("healthhub:aws:Table" → "Table").
func Component(typ string) string { return typ[strings.LastIndex(typ, ":")+1:] }

// Stateful marks a resource that holds PHI or protects it. In production it cannot be deleted
// by a config change or `pulumi destroy` (protect), and if it leaves the program it stays in
// the cloud account (retainOnDelete) rather than taking data with it.
func Stateful(parent pulumi.Resource, protect bool) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Protect(protect), pulumi.RetainOnDelete(protect)}
}

// After is v once every resource in deps exists: what hands a key, a secret or an identity to
// another resource resolves only after the grants that let that resource use it, so nothing is
// created before it may read what it names.
func After(v pulumi.StringOutput, deps ...pulumi.CustomResource) pulumi.StringOutput {
	all := []any{v}
	for _, d := range deps {
		all = append(all, d.ID())
	}
	return pulumi.All(all...).ApplyT(func(x []any) string { return x[0].(string) }).(pulumi.StringOutput)
}
