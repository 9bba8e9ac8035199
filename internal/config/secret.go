package config

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// FullKey is a key's full name in the stack's config, healthhub:<key>.
func FullKey(key string) string { return Namespace + ":" + key }

// Secret reads a required secret key as a secret output, for the estate that needs its value.
// Load has already checked it is set; this message covers a caller that skipped it.
func Secret(ctx *pulumi.Context, key string) (pulumi.StringOutput, error) {
	full := FullKey(key)
	v, err := pulumiconfig.TrySecret(ctx, full)
	if err != nil || v.OutputState == nil {
		return pulumi.StringOutput{}, fmt.Errorf("%s is required: set it with `pulumi config set --secret %s <value>`", full, full)
	}
	return v, nil
}
