package kubernetes

import (
	k8s "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// ProviderArgs name the cluster the workloads run on.
type ProviderArgs struct {
	// Kubeconfig is the platform's kubeconfig, a secret. Required: an ambient kubeconfig
	// would deploy PHI workloads to whatever cluster the operator's shell points at.
	Kubeconfig pulumi.StringInput
}

// Validate checks the Args before anything is registered.
func (a *ProviderArgs) Validate() error {
	if a.Kubeconfig == nil {
		return kit.ArgError("Provider", "Kubeconfig", nil, "required: the platform's kubeconfig; an ambient one is never used")
	}
	return nil
}

// NewProvider is the only way the workloads reach a cluster. Server-side apply lets the API
// server own field merging (and its admission judge the whole object); deleteUnreachable stays
// off, so an unreachable cluster never makes the engine drop PHI workloads from state.
func NewProvider(ctx *pulumi.Context, name string, args *ProviderArgs, opts ...pulumi.ResourceOption) (*k8s.Provider, error) {
	if args == nil {
		return nil, kit.ArgError("Provider", "args", nil, "required")
	}
	if err := args.Validate(); err != nil {
		return nil, err
	}
	return k8s.NewProvider(ctx, name, &k8s.ProviderArgs{
		Kubeconfig:            pulumi.ToSecret(args.Kubeconfig).(pulumi.StringOutput),
		EnableServerSideApply: pulumi.Bool(true),
		DeleteUnreachable:     pulumi.Bool(false),
	}, opts...)
}
