package kubernetes

import (
	"fmt"
	"regexp"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// StorageClassArgs are the cloud's CSI driver and the parameters with which it encrypts.
type StorageClassArgs struct {
	// Provisioner is the CSI driver (ebs.csi.aws.com, pd.csi.storage.gke.io, disk.csi.azure.com).
	Provisioner string
	// Parameters must make the driver encrypt with the estate's key: the platform gives them
	// (on EKS encrypted=true and kmsKeyId).
	Parameters map[string]pulumi.StringInput
	// Production keeps a volume when its claim is deleted (reclaimPolicy Retain): the data of
	// Prometheus and Grafana outlives a mistaken uninstall.
	Production bool
	Labels     map[string]string
}

// StorageClass is the estate's encrypted StorageClass, the only one its workloads claim from.
type StorageClass struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
}

var provisioner = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// Validate checks the Args before anything is registered.
func (a *StorageClassArgs) Validate() error {
	const c = "StorageClass"
	switch {
	case !provisioner.MatchString(a.Provisioner):
		return kit.ArgError(c, "Provisioner", fmt.Sprintf("%q", a.Provisioner), "must name the cloud's CSI driver, such as ebs.csi.aws.com")
	case len(a.Parameters) == 0:
		return kit.ArgError(c, "Parameters", "{}", "required: the driver's encryption parameters; a class without them may make unencrypted volumes")
	}
	return kit.RequireTags(c, a.Labels)
}

// NewStorageClass creates the class; the provider comes from the options.
func NewStorageClass(ctx *pulumi.Context, name string, args *StorageClassArgs, opts ...pulumi.ResourceOption) (*StorageClass, error) {
	sc := &StorageClass{}
	if err := kit.Register(ctx, TypeStorageClass, name, args, sc, opts...); err != nil {
		return nil, err
	}
	reclaim := "Delete"
	if args.Production {
		reclaim = "Retain"
	}
	class, err := storagev1.NewStorageClass(ctx, name, &storagev1.StorageClassArgs{
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(name), Labels: labels(args.Labels)},
		Provisioner: pulumi.String(args.Provisioner),
		Parameters:  pulumi.StringMap(args.Parameters),
		// Bound where the pod is scheduled, so a zonal volume is made in the pod's zone.
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		AllowVolumeExpansion: pulumi.Bool(true),
		ReclaimPolicy:        pulumi.String(reclaim),
	}, pulumi.Parent(sc))
	if err != nil {
		return nil, err
	}
	sc.Name = class.Metadata.Name().Elem()
	return sc, ctx.RegisterResourceOutputs(sc, pulumi.Map{"name": sc.Name})
}
