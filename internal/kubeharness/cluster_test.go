package kubeharness

import (
	"context"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The control plane serves the API with the admission plugins the estate is judged by, gives a
// new namespace its service account, and leaves no process or port behind once stopped.
func TestControlPlaneStartsAndStopsClean(t *testing.T) {
	ctx := context.Background()
	c, err := start(t.TempDir(), t.Logf)
	t.Cleanup(func() { _ = c.Stop() }) // only if an assertion below stops the test early
	require.NoError(t, err)

	var version struct{ GitVersion string }
	require.NoError(t, c.Get(ctx, "/version", &version))
	assert.Equal(t, "v1.34.1", version.GitVersion)
	assert.True(t, strings.HasPrefix(c.Server, "https://127.0.0.1:"), "loopback only: %s", c.Server)

	// Pod Security admission: a restricted namespace refuses a root pod with its own message.
	require.NoError(t, c.Create(ctx, "/api/v1/namespaces", map[string]any{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": "restricted", "labels": map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}},
	}))
	err = c.Create(ctx, "/api/v1/namespaces/restricted/pods", map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "root"},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "app", "image": "registry.example/app:1"}}},
	})
	var refused *Status
	require.ErrorAs(t, err, &refused)
	assert.Contains(t, refused.Message, `violates PodSecurity "restricted:latest"`)

	// The controller manager runs: the new namespace gets its default service account.
	require.Eventually(t, func() bool {
		status, _, err := c.Do(ctx, "GET", "/api/v1/namespaces/restricted/serviceaccounts/default", nil)
		return err == nil && status == 200
	}, startTimeout, 200*time.Millisecond)

	// ValidatingAdmissionPolicy is served.
	status, _, err := c.Do(ctx, "GET", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies", nil)
	require.NoError(t, err)
	assert.Equal(t, 200, status)

	// An unknown token is refused: the static token is the only way in.
	other := *c
	other.token = "not-the-token"
	status, _, err = other.Do(ctx, "GET", "/api/v1/namespaces", nil)
	require.NoError(t, err)
	assert.Equal(t, 401, status)

	require.NoError(t, c.Stop())
	for _, pid := range c.Pids() {
		assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "process %d still runs", pid)
	}
	for _, port := range c.Ports {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if assert.NoError(t, err, "port %d is still held", port) {
			l.Close()
		}
	}
}

// Start fails the test, naming the make target, when the binaries are not built.
func TestMissingBinariesNameTheMakeTarget(t *testing.T) {
	t.Setenv("HEALTHHUB_KUBE_BIN", t.TempDir())
	_, err := start(t.TempDir(), t.Logf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run `make kube`")
	assert.Contains(t, err.Error(), "no etcd in ")
}
