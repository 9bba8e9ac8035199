package kubernetes

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
)

const typeStorageClass = "kubernetes:storage.k8s.io/v1:StorageClass"

func storageArgs(mutate func(*StorageClassArgs)) *StorageClassArgs {
	a := &StorageClassArgs{
		Provisioner: "ebs.csi.aws.com",
		Parameters: map[string]pulumi.StringInput{
			"type": pulumi.String("gp3"), "encrypted": pulumi.String("true"), "kmsKeyId": pulumi.String("arn:aws:kms:eu-west-2:111122223333:key/cluster"),
		},
		Production: true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestStorageClassEncryptsWithThePlatformsKey(t *testing.T) {
	for _, tt := range []struct {
		name       string
		production bool
		reclaim    string
	}{{"production keeps released volumes", true, "Retain"}, {"dev deletes them", false, "Delete"}} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewStorageClass(ctx, "encrypted", storageArgs(func(a *StorageClassArgs) { a.Production = tt.production }), pulumi.Provider(p))
				return err
			})
			require.NoError(t, err)
			kittest.AssertInputs(t, m, []kittest.Expectation{
				{Type: typeStorageClass, Name: "encrypted", Path: "provisioner", Want: "ebs.csi.aws.com"},
				{Type: typeStorageClass, Name: "encrypted", Path: "parameters.encrypted", Want: "true"},
				{Type: typeStorageClass, Name: "encrypted", Path: "parameters.kmsKeyId", Want: "arn:aws:kms:eu-west-2:111122223333:key/cluster"},
				{Type: typeStorageClass, Name: "encrypted", Path: "volumeBindingMode", Want: "WaitForFirstConsumer"},
				{Type: typeStorageClass, Name: "encrypted", Path: "reclaimPolicy", Want: tt.reclaim},
			})
			require.Empty(t, kittest.Violations(m, "production"))
		})
	}
}

func TestStorageClassArgErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(*StorageClassArgs)
		want   string
	}{
		{"no provisioner", func(a *StorageClassArgs) { a.Provisioner = "" }, `Provisioner = "": must name the cloud's CSI driver`},
		{"no encryption parameters", func(a *StorageClassArgs) { a.Parameters = nil }, "Parameters = {}: required"},
		{"no labels", func(a *StorageClassArgs) { a.Labels = nil }, "Tags"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
				_, err := NewStorageClass(ctx, "encrypted", storageArgs(tt.mutate), pulumi.Provider(p))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
