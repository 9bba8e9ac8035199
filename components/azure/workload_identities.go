package azure

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/azureformat"
	"github.com/healthhub/estate/internal/naming"
)

// WorkloadIdentitiesArgs are the Entra identities of the cluster's workloads, one per
// Kubernetes service account.
type WorkloadIdentitiesArgs struct {
	// Prefix names the identities: <prefix>-id-<workload>.
	Prefix            string
	ResourceGroupName pulumi.StringInput
	Location          string
	// Issuer is the cluster's OIDC issuer URL (AksCluster.OidcIssuer): only tokens it signs
	// are exchanged, so another cluster cannot borrow the identities.
	Issuer pulumi.StringInput
	// Workloads are the Kubernetes service accounts, by workload name.
	Workloads map[string]WorkloadSubject
	Tags      map[string]string
}

// WorkloadSubject is the one Kubernetes service account of one namespace a workload identity
// trusts.
type WorkloadSubject struct {
	Namespace, ServiceAccount string
}

// WorkloadIdentities are user-assigned managed identities, each federated through Entra
// Workload ID to exactly one Kubernetes service account of one namespace of one cluster. They
// hold no role here and have no secret: a workload exchanges its projected service account
// token for a short-lived Entra token, and what it may reach is granted on single resources
// (a secret, a database) by the components that own them.
type WorkloadIdentities struct {
	pulumi.ResourceState

	// ClientIds are what each workload's service account names in its
	// azure.workload.identity/client-id annotation; PrincipalIds what role assignments grant.
	ClientIds    pulumi.StringMapOutput `pulumi:"clientIds"`
	PrincipalIds pulumi.StringMapOutput `pulumi:"principalIds"`

	clientIDs, principalIDs map[string]pulumi.StringOutput
}

// ClientId is one workload's client id. It resolves once the federation exists, so a
// workload started with it can sign in at once.
func (w *WorkloadIdentities) ClientId(name string) pulumi.StringOutput { return w.clientIDs[name] }

// PrincipalId is one workload's principal (object) id, for grants on single resources.
func (w *WorkloadIdentities) PrincipalId(name string) pulumi.StringOutput {
	return w.principalIDs[name]
}

const (
	// tokenExchangeAudience is the audience Entra accepts in a federated token; the workload
	// identity webhook requests exactly this one.
	tokenExchangeAudience = "api://AzureADTokenExchange"
	// federationName names each identity's one federated credential.
	federationName = "kubernetes"
)

// Validate checks the Args before anything is registered.
func (a *WorkloadIdentitiesArgs) Validate() error {
	const c = "WorkloadIdentities"
	switch {
	case !azureformat.Prefix.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must be 2 to 10 lowercase letters or digits, starting with a letter")
	case a.ResourceGroupName == nil:
		return kit.ArgError(c, "ResourceGroupName", nil, "required")
	}
	if err := azurekit.CheckLocation(c, "Location", a.Location); err != nil {
		return err
	}
	switch {
	case a.Issuer == nil:
		return kit.ArgError(c, "Issuer", nil, "required: the cluster's OIDC issuer URL")
	case len(a.Workloads) == 0:
		return kit.ArgError(c, "Workloads", "map[]", "required: at least one workload")
	}
	for _, n := range slices.Sorted(maps.Keys(a.Workloads)) {
		w, arg := a.Workloads[n], fmt.Sprintf("Workloads[%q]", n)
		switch {
		case !naming.DNSLabel.MatchString(n):
			return kit.ArgError(c, "Workloads", fmt.Sprintf("%q", n), "names must be DNS labels")
		case slices.Contains(Domains, Domain(n)):
			return kit.ArgError(c, "Workloads", fmt.Sprintf("%q", n), "must not be a key domain's name (%v): Keys names its identities <prefix>-id-<domain>", Domains)
		case !naming.DNSLabel.MatchString(w.Namespace) || strings.HasPrefix(w.Namespace, "kube-"):
			return kit.ArgError(c, arg+".Namespace", fmt.Sprintf("%q", w.Namespace), "must be a workload namespace (a DNS label, not kube-*)")
		case !naming.DNSLabel.MatchString(w.ServiceAccount):
			return kit.ArgError(c, arg+".ServiceAccount", fmt.Sprintf("%q", w.ServiceAccount), "must be a DNS label: the federation names exactly one service account")
		}
	}
	return azurekit.RequireTags(c, a.Tags)
}

// identityName is a workload's identity: <prefix>-id-<workload>.
func identityName(prefix, workload string) string { return prefix + "-id-" + workload }

// NewWorkloadIdentities creates an identity and its federated credential per workload.
func NewWorkloadIdentities(ctx *pulumi.Context, name string, args *WorkloadIdentitiesArgs, opts ...pulumi.ResourceOption) (*WorkloadIdentities, error) {
	w := &WorkloadIdentities{clientIDs: map[string]pulumi.StringOutput{}, principalIDs: map[string]pulumi.StringOutput{}}
	if err := kit.Register(ctx, TypeWorkloadIdentities, name, args, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)
	clientIDs, principalIDs := pulumi.StringMap{}, pulumi.StringMap{}
	for _, n := range slices.Sorted(maps.Keys(args.Workloads)) {
		subject := args.Workloads[n]
		id := identityName(args.Prefix, n)
		identity, err := managedidentity.NewUserAssignedIdentity(ctx, id, &managedidentity.UserAssignedIdentityArgs{
			ResourceName:      pulumi.String(id),
			ResourceGroupName: args.ResourceGroupName,
			Location:          pulumi.String(args.Location),
			Tags:              azurekit.Tags(args.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		// One service account of one namespace, signed by this cluster's issuer: another
		// namespace, or another cluster, cannot use the identity.
		federation, err := managedidentity.NewFederatedIdentityCredential(ctx, id+"-"+federationName, &managedidentity.FederatedIdentityCredentialArgs{
			FederatedIdentityCredentialResourceName: pulumi.String(federationName),
			ResourceName:                            identity.Name,
			ResourceGroupName:                       args.ResourceGroupName,
			Issuer:                                  args.Issuer,
			Subject:                                 pulumi.String(fmt.Sprintf("system:serviceaccount:%s:%s", subject.Namespace, subject.ServiceAccount)),
			Audiences:                               pulumi.ToStringArray([]string{tokenExchangeAudience}),
		}, parent)
		if err != nil {
			return nil, err
		}
		w.clientIDs[n] = kit.After(identity.ClientId, federation)
		w.principalIDs[n] = identity.PrincipalId
		clientIDs[n], principalIDs[n] = w.clientIDs[n], w.principalIDs[n]
	}
	w.ClientIds, w.PrincipalIds = clientIDs.ToStringMapOutput(), principalIDs.ToStringMapOutput()
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"clientIds": w.ClientIds, "principalIds": w.PrincipalIds})
}
