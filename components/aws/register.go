package aws

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/kit"
)

// validatable is an Args struct that fills its defaults and checks itself.
type validatable[T any] interface {
	*T
	validate() error
}

// register checks a component's Args and only then registers the component, so bad input
// fails with a clear error before anything exists.
func register[T any, A validatable[T]](ctx *pulumi.Context, typ, name string, args A, c pulumi.ComponentResource, opts []pulumi.ResourceOption) error {
	if args == nil {
		return argError(kit.Component(typ), "args", nil, "required")
	}
	return kit.Register(ctx, typ, name, args.validate, c, opts)
}
