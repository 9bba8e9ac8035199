package azurekit_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit"
	"github.com/healthhub/estate/components/kit/kittest"
)

const scope = "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v"

// A grant is named by a GUID stable for its logical name, and says the principal's type:
// a managed identity's unless told otherwise.
func TestAssignNamesAndTypesEveryGrant(t *testing.T) {
	m := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		for _, a := range []struct {
			name string
			as   azurekit.Assignment
		}{
			{"identity", azurekit.Assignment{Definition: pulumi.String(azurekit.RoleKeyVaultSecretsUser.DefinitionID("s")), Principal: pulumi.String("p1"), Scope: pulumi.String(scope)}},
			{"group", azurekit.Assignment{Definition: pulumi.String(azurekit.RoleKeyVaultAdministrator.DefinitionID("s")), Principal: pulumi.String("p2"), PrincipalType: "Group", Scope: pulumi.String(scope), Description: "administers the vault"}},
		} {
			if _, err := azurekit.Assign(ctx, a.name, a.as); err != nil {
				return err
			}
		}
		return nil
	})
	const typ = "azure-native:authorization:RoleAssignment"
	identity, ok := m.Find(typ, "identity")
	require.True(t, ok)
	group, ok := m.Find(typ, "group")
	require.True(t, ok)
	idName, _ := identity.Get("roleAssignmentName")
	groupName, _ := group.Get("roleAssignmentName")
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`, idName)
	assert.NotEqual(t, idName, groupName)
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typ, Name: "identity", Path: "principalType", Want: "ServicePrincipal"},
		{Type: typ, Name: "group", Path: "principalType", Want: "Group"},
		{Type: typ, Name: "group", Path: "description", Want: "administers the vault"},
		{Type: typ, Name: "group", Path: "scope", Want: scope},
	})
	_, described := identity.Get("description")
	assert.False(t, described, "no description unless one is given")

	// The same logical name in the same stack is the same assignment on a rerun.
	again := kittest.MustRun(t, func(ctx *pulumi.Context) error {
		_, err := azurekit.Assign(ctx, "identity", azurekit.Assignment{Definition: pulumi.String("d"), Principal: pulumi.String("p1"), Scope: pulumi.String(scope)})
		return err
	})
	r, _ := again.Find(typ, "identity")
	name, _ := r.Get("roleAssignmentName")
	assert.Equal(t, idName, name)
}
