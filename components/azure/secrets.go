package azure

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
)

// SecretsArgs configures the Key Vault secrets the workloads read.
type SecretsArgs struct {
	// VaultName is the vault that holds them (Keys.VaultName), in ResourceGroupName.
	VaultName         pulumi.StringInput
	ResourceGroupName pulumi.StringInput
	// Secrets are the values by secret name; each is kept as a Pulumi secret, whatever the
	// caller passed.
	Secrets map[string]pulumi.StringInput
	// Readers are, by secret name, the principal ids of managed identities
	// (WorkloadIdentities.PrincipalId) granted Key Vault Secrets User on that secret alone.
	Readers map[string][]pulumi.StringInput
	// Protect keeps the secrets through destroys and config changes (production).
	Protect bool
	Tags    map[string]string
}

// Secrets are Key Vault secrets, each readable only by the identities granted that secret,
// recoverable after deletion for as long as the vault's soft delete.
//
// They carry no expiry. ARM takes one as a fixed instant: a value computed at deployment
// would change on every update, and a fixed one would disable the secret on a day no
// deployment chose, taking its workload down. The owners rotate a value by changing it in
// the stack's configuration, which writes a new version. No content type either: it is a
// label for people, which nothing reads.
type Secrets struct {
	pulumi.ResourceState

	// Ids are the secrets' versionless URIs by name, what a workload or the gateway reads.
	Ids pulumi.StringMapOutput `pulumi:"ids"`

	uris, resourceIDs map[string]pulumi.StringOutput
}

// Uri is a secret's versionless URI, https://<vault>.vault.azure.net/secrets/<name>. It
// resolves once the secret's readers are granted it, so a reader created with it can read it.
func (s *Secrets) Uri(name string) pulumi.StringOutput { return s.uris[name] }

// ResourceId is a secret's ARM id, the scope of a role on that secret alone.
func (s *Secrets) ResourceId(name string) pulumi.StringOutput { return s.resourceIDs[name] }

// Validate checks the Args before anything is registered.
func (a *SecretsArgs) Validate() error {
	const c = "Secrets"
	switch {
	case a.VaultName == nil:
		return kit.ArgError(c, "VaultName", nil, "required")
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	case len(a.Secrets) == 0:
		return kit.ArgError(c, "Secrets", nil, "required: the secrets to hold")
	}
	for _, n := range slices.Sorted(maps.Keys(a.Secrets)) {
		switch {
		case !azureformat.KeyVaultObject.MatchString(n):
			return kit.ArgError(c, "Secrets", fmt.Sprintf("%q", n), "names must be 1 to 127 letters, digits or hyphens")
		case a.Secrets[n] == nil:
			return kit.ArgError(c, fmt.Sprintf("Secrets[%q]", n), nil, "required: a value (a Pulumi secret)")
		}
	}
	for _, n := range slices.Sorted(maps.Keys(a.Readers)) {
		if a.Secrets[n] == nil {
			return kit.ArgError(c, "Readers", fmt.Sprintf("%q", n), "names a secret that has no value")
		}
		for i, p := range a.Readers[n] {
			if p == nil {
				return kit.ArgError(c, fmt.Sprintf("Readers[%q][%d]", n, i), nil, "required: a managed identity's principal id")
			}
		}
	}
	return azurekit.RequireTags(c, a.Tags)
}

// NewSecrets creates one secret per value and its readers' grants.
func NewSecrets(ctx *pulumi.Context, name string, args *SecretsArgs, opts ...pulumi.ResourceOption) (*Secrets, error) {
	s := &Secrets{uris: map[string]pulumi.StringOutput{}, resourceIDs: map[string]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeSecrets, name, args, s, opts...); err != nil {
		return nil, err
	}
	client, err := azurekit.LookupClient(ctx, s)
	if err != nil {
		return nil, err
	}
	ids := pulumi.StringMap{}
	for _, n := range slices.Sorted(maps.Keys(args.Secrets)) {
		secret, err := keyvault.NewSecret(ctx, name+"-"+n, &keyvault.SecretArgs{
			SecretName:        pulumi.String(n),
			VaultName:         args.VaultName,
			ResourceGroupName: args.ResourceGroupName,
			Properties: keyvault.SecretPropertiesArgs{
				Value: pulumi.ToSecret(args.Secrets[n]).(pulumi.StringOutput),
			},
			Tags: azurekit.Tags(args.Tags),
		}, kit.Stateful(s, args.Protect)...)
		if err != nil {
			return nil, err
		}
		resourceID := secret.ID().ToStringOutput()
		// Readers are named by position: append to a list rather than reorder it, or the
		// grants are replaced (briefly revoked) on the next update.
		var grants []pulumi.CustomResource
		for i, reader := range args.Readers[n] {
			g, err := grantRole(ctx, s, fmt.Sprintf("%s-%s-reader-%d", name, n, i), azurekit.RoleKeyVaultSecretsUser,
				client.SubscriptionID, reader, "ServicePrincipal", resourceID)
			if err != nil {
				return nil, err
			}
			grants = append(grants, g)
		}
		s.uris[n] = kit.After(secret.Properties.SecretUri(), grants...)
		s.resourceIDs[n] = resourceID
		ids[n] = s.uris[n]
	}
	s.Ids = ids.ToStringMapOutput()
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"ids": s.Ids})
}
