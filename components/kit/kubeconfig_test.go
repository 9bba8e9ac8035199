package kit_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit"
)

// One cluster, context and user of one name; the user runs the command and sends only the
// switches that are set.
func TestExecKubeconfig(t *testing.T) {
	tests := []struct {
		name string
		cred kit.ExecCredential
		want map[string]any
	}{
		{"a command and its arguments", kit.ExecCredential{Command: "aws", Args: []string{"eks", "get-token"}},
			map[string]any{"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws", "args": []any{"eks", "get-token"}}},
		{"every switch", kit.ExecCredential{Command: "kubelogin", ProvideClusterInfo: true, NeverInteractive: true, InstallHint: "install it"},
			map[string]any{"apiVersion": "client.authentication.k8s.io/v1beta1", "command": "kubelogin",
				"provideClusterInfo": true, "interactiveMode": "Never", "installHint": "install it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := kit.ExecKubeconfig("c1", "https://api.example:443", "Q0E=", tt.cred)
			require.NoError(t, err)
			var cfg struct {
				Current  string `json:"current-context"`
				Clusters []struct {
					Name    string
					Cluster map[string]any
				}
				Contexts []struct {
					Name    string
					Context map[string]any
				}
				Users []struct {
					Name string
					User struct{ Exec map[string]any }
				}
			}
			require.NoError(t, json.Unmarshal([]byte(doc), &cfg))
			assert.Equal(t, "c1", cfg.Current)
			require.Len(t, cfg.Clusters, 1)
			assert.Equal(t, map[string]any{"server": "https://api.example:443", "certificate-authority-data": "Q0E="}, cfg.Clusters[0].Cluster)
			require.Len(t, cfg.Contexts, 1)
			assert.Equal(t, map[string]any{"cluster": "c1", "user": "c1"}, cfg.Contexts[0].Context)
			require.Len(t, cfg.Users, 1)
			assert.Equal(t, tt.want, cfg.Users[0].User.Exec)
		})
	}
}
