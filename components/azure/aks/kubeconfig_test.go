package aks

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAksClusterKubeconfig(t *testing.T) {
	m := run(t, aksArgs(nil))
	out := m.Outputs()["kubeconfig"]
	require.True(t, out.Known)
	assert.True(t, out.Secret, "the kubeconfig is a secret")

	raw := out.Value.(string)
	var doc struct {
		CurrentContext string `json:"current-context"`
		Clusters       []struct {
			Name    string
			Cluster map[string]any
		}
		Contexts []struct {
			Name    string
			Context map[string]any
		}
		Users []struct {
			Name string
			User map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(raw), &doc))
	assert.Equal(t, "hh-aks", doc.CurrentContext)
	require.Len(t, doc.Clusters, 1)
	assert.Equal(t, "https://hh-aks.privatelink.uksouth.azmk8s.io:443", doc.Clusters[0].Cluster["server"], "the server AKS names in the user credentials")
	assert.Equal(t, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", doc.Clusters[0].Cluster["certificate-authority-data"])
	require.Len(t, doc.Contexts, 1)
	assert.Equal(t, map[string]any{"cluster": "hh-aks", "user": "hh-aks"}, doc.Contexts[0].Context)
	require.Len(t, doc.Users, 1)
	user := doc.Users[0].User
	assert.Equal(t, []string{"exec"}, slices.Collect(maps.Keys(user)), "the user is the exec plugin and nothing else")
	plugin := user["exec"].(map[string]any)
	assert.Equal(t, "kubelogin", plugin["command"])
	assert.Equal(t, []any{"get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"}, plugin["args"],
		"the Azure CLI's login (the pipeline's OIDC sign-in), for the AKS server application")
	assert.Equal(t, "client.authentication.k8s.io/v1beta1", plugin["apiVersion"])
	assert.Equal(t, "Never", plugin["interactiveMode"], "a deployment never waits on a prompt")
	assert.NotContains(t, raw, "devicecode", "not the device-code login AKS's own kubeconfig has")
	for _, static := range []string{"token", "client-certificate", "client-key", "password", "username", "auth-provider"} {
		assert.NotContains(t, raw, `"`+static, "no static credential: %s", static)
	}
}

func TestParseUserCredentials(t *testing.T) {
	encode := func(s string) []cs.CredentialResultResponse {
		return []cs.CredentialResultResponse{{Name: "clusterUser", Value: base64.StdEncoding.EncodeToString([]byte(s))}}
	}
	server, ca, err := parseUserCredentials(encode(`
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://hh-aks-1234abcd.privatelink.uksouth.azmk8s.io:443
  name: hh-aks
users:
- name: clusterUser_rg_hh-aks
  user:
    exec: {command: kubelogin, args: [get-token, --login, devicecode]}
`))
	require.NoError(t, err)
	assert.Equal(t, "https://hh-aks-1234abcd.privatelink.uksouth.azmk8s.io:443", server)
	assert.Equal(t, "Q0E=", ca)

	for name, tt := range map[string]struct {
		creds []cs.CredentialResultResponse
		want  string
	}{
		"none":       {nil, "AKS returned no user kubeconfig"},
		"not base64": {[]cs.CredentialResultResponse{{Name: "clusterUser", Value: "%%%"}}, `decoding the user kubeconfig "clusterUser"`},
		"not YAML":   {encode("clusters: [unclosed"), `parsing the user kubeconfig "clusterUser"`},
		"no CA":      {encode("clusters: [{cluster: {server: https://x:443}}]"), "names no single cluster with a server and a CA"},
		"two":        {encode("clusters: [{cluster: {server: a, certificate-authority-data: b}}, {cluster: {server: c, certificate-authority-data: d}}]"), "names no single cluster"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := parseUserCredentials(tt.creds)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
