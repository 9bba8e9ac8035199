package azure

import (
	"testing"

	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	typeFederation = "azure-native:managedidentity:FederatedIdentityCredential"
	testIssuer     = "https://uksouth.oic.prod-aks.azure.com/" + azurekittest.Tenant + "/issuer/"
)

func testWorkloadArgs(mutate func(*WorkloadIdentitiesArgs)) *WorkloadIdentitiesArgs {
	a := &WorkloadIdentitiesArgs{
		Prefix: "hh", ResourceGroupName: pulumi.String(azurekittest.ResourceGroup), Location: azurekittest.PrimaryLocation,
		Issuer: pulumi.String(testIssuer),
		Workloads: map[string]WorkloadSubject{
			"backend":  {Namespace: "backend", ServiceAccount: "backend"},
			"frontend": {Namespace: "web", ServiceAccount: "frontend-sa"},
		},
		Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestWorkloadIdentitiesFederateOneServiceAccountEach(t *testing.T) {
	var w *WorkloadIdentities
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		var err error
		w, err = NewWorkloadIdentities(ctx, "workloads", testWorkloadArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	subjects := map[string]string{
		"backend": "system:serviceaccount:backend:backend", "frontend": "system:serviceaccount:web:frontend-sa",
	}
	var table []kittest.Expectation
	for workload, subject := range subjects {
		id, fed := "hh-id-"+workload, "hh-id-"+workload+"-kubernetes"
		table = append(table,
			kittest.Expectation{Type: typeIdentity, Name: id, Path: "resourceName", Want: id},
			kittest.Expectation{Type: typeIdentity, Name: id, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
			kittest.Expectation{Type: typeIdentity, Name: id, Path: "location", Want: azurekittest.PrimaryLocation},
			kittest.Expectation{Type: typeIdentity, Name: id, Path: "tags.owner", Want: "platform"},
			kittest.Expectation{Type: typeFederation, Name: fed, Path: "federatedIdentityCredentialResourceName", Want: "kubernetes"},
			kittest.Expectation{Type: typeFederation, Name: fed, Path: "resourceName", Want: id},
			kittest.Expectation{Type: typeFederation, Name: fed, Path: "resourceGroupName", Want: azurekittest.ResourceGroup},
			kittest.Expectation{Type: typeFederation, Name: fed, Path: "issuer", Want: testIssuer},
			kittest.Expectation{Type: typeFederation, Name: fed, Path: "subject", Want: subject},
			kittest.Expectation{Type: typeFederation, Name: fed, Path: "audiences", Want: []any{"api://AzureADTokenExchange"}},
		)
	}
	kittest.AssertInputs(t, m, table)
	assert.Len(t, m.ByType(typeIdentity), 2)
	assert.Len(t, m.ByType(typeFederation), 2, "one federation per identity")
	assert.Empty(t, m.ByType(typeRoleAssignment), "grants are made on single resources by their owners, not here")

	clientIDs := resolved[map[string]string](w.ClientIds)
	principalIDs := resolved[map[string]string](w.PrincipalIds)
	require.Len(t, clientIDs, 2)
	require.Len(t, principalIDs, 2)
	for _, n := range []string{"backend", "frontend"} {
		assert.Equal(t, clientIDs[n], resolved[string](w.ClientId(n)))
		assert.Equal(t, principalIDs[n], resolved[string](w.PrincipalId(n)))
		assert.True(t, azurekit.GUID.MatchString(clientIDs[n]), n)
		assert.NotEqual(t, clientIDs[n], principalIDs[n], "the client id signs in, the principal id is granted")
	}
	assert.NotEqual(t, clientIDs["backend"], clientIDs["frontend"], "an identity per workload")
	assert.Empty(t, azurekittest.Violations(m, "production"), "the identities pass the whole policy pack")
}

// A workload started with its client id can sign in at once.
func TestWorkloadIdentitiesClientIdWaitsForTheFederation(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		w, err := NewWorkloadIdentities(ctx, "workloads", testWorkloadArgs(nil), pulumi.Provider(p.Primary))
		if err != nil {
			return err
		}
		// Any resource that takes the client id: here an identity's tag.
		_, err = managedidentity.NewUserAssignedIdentity(ctx, "consumer", &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: pulumi.String(azurekittest.ResourceGroup),
			Tags:              pulumi.StringMap{"client-id": w.ClientId("backend")},
		}, pulumi.Provider(p.Primary))
		return err
	})
	consumer, ok := m.Find(typeIdentity, "consumer")
	require.True(t, ok)
	federation, ok := m.Find(typeFederation, "hh-id-backend-kubernetes")
	require.True(t, ok)
	assert.Contains(t, consumer.Dependencies, federation.URN)
}

func TestWorkloadIdentitiesArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*WorkloadIdentitiesArgs)
		want   string
	}{
		{"bad prefix", func(a *WorkloadIdentitiesArgs) { a.Prefix = "hh-prod" }, `WorkloadIdentities: Prefix = "hh-prod": must be 2 to 10`},
		{"no resource group", func(a *WorkloadIdentitiesArgs) { a.ResourceGroupName = nil }, "WorkloadIdentities: ResourceGroupName = <nil>: required"},
		{"bad location", func(a *WorkloadIdentitiesArgs) { a.Location = "" }, `WorkloadIdentities: Location = "": must be an Azure location`},
		{"no issuer", func(a *WorkloadIdentitiesArgs) { a.Issuer = nil }, "WorkloadIdentities: Issuer = <nil>: required"},
		{"no workloads", func(a *WorkloadIdentitiesArgs) { a.Workloads = nil }, "WorkloadIdentities: Workloads = map[]: required"},
		{"bad name", func(a *WorkloadIdentitiesArgs) {
			a.Workloads["Back_End"] = WorkloadSubject{Namespace: "backend", ServiceAccount: "backend"}
		}, `WorkloadIdentities: Workloads = "Back_End": names must be DNS labels`},
		{"a key domain's name", func(a *WorkloadIdentitiesArgs) {
			a.Workloads["database"] = WorkloadSubject{Namespace: "backend", ServiceAccount: "db"}
		}, `WorkloadIdentities: Workloads = "database": must not be a key domain's name`},
		{"system namespace", func(a *WorkloadIdentitiesArgs) {
			a.Workloads["backend"] = WorkloadSubject{Namespace: "kube-system", ServiceAccount: "backend"}
		}, `WorkloadIdentities: Workloads["backend"].Namespace = "kube-system": must be a workload namespace`},
		{"no namespace", func(a *WorkloadIdentitiesArgs) {
			a.Workloads["backend"] = WorkloadSubject{ServiceAccount: "backend"}
		}, `WorkloadIdentities: Workloads["backend"].Namespace = ""`},
		{"wildcard service account", func(a *WorkloadIdentitiesArgs) {
			a.Workloads["backend"] = WorkloadSubject{Namespace: "backend", ServiceAccount: "*"}
		}, `WorkloadIdentities: Workloads["backend"].ServiceAccount = "*": must be a DNS label`},
		{"untagged", func(a *WorkloadIdentitiesArgs) { a.Tags = nil }, "WorkloadIdentities: Tags = map[]: must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewWorkloadIdentities(ctx, "workloads", testWorkloadArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
