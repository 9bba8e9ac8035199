package aws

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// validatable is an Args struct that fills its defaults and checks itself.
type validatable[T any] interface {
	*T
	validate() error
}

// register checks a component's Args and only then registers the component, so bad input
// fails with a clear error before anything exists.
func register[T any, A validatable[T]](ctx *pulumi.Context, typ, name string, args A, c pulumi.ComponentResource, opts []pulumi.ResourceOption) error {
	component := typ[strings.LastIndex(typ, ":")+1:]
	if args == nil {
		return argError(component, "args", nil, "required")
	}
	if err := args.validate(); err != nil {
		return err
	}
	return ctx.RegisterComponentResource(typ, name, c, opts...)
}
