package kubernetes

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const typeStatefulSet = "kubernetes:apps/v1:StatefulSet"

// keyVaultObjects are the Azure provider's parameters for the cache's two files.
const keyVaultObjects = "array:\n" +
	"  - |\n    objectName: cache-tls\n    objectType: secret\n    objectAlias: tls.pem\n" +
	"  - |\n    objectName: cache-auth-token\n    objectType: secret\n    objectAlias: auth-token\n"

func cacheArgs(mutate func(*CacheArgs)) *CacheArgs {
	a := &CacheArgs{
		Namespace: pulumi.String("cache"),
		Identity: Identity{
			Annotations: map[string]pulumi.StringInput{"azure.workload.identity/client-id": pulumi.String("00000000-0000-0000-0000-000000000002")},
			PodLabels:   map[string]string{"azure.workload.identity/use": "true"},
		},
		Secrets: &SecretMount{Provider: "azure", Parameters: pulumi.StringMap{
			"keyvaultName": pulumi.String("hhprodkvuks"), "tenantId": pulumi.String("00000000-0000-0000-0000-000000000000"),
			"clientID": pulumi.String("00000000-0000-0000-0000-000000000002"), "objects": pulumi.String(keyVaultObjects),
		}},
		TLSFile: "tls.pem", TokenFile: "auth-token",
		StorageClass: pulumi.String("encrypted"),
		VolumeSize:   "16Gi",
		Resources:    Resources{CPURequest: "500m", MemoryRequest: "4Gi", CPULimit: "1", MemoryLimit: "4Gi"},
		Clients:      []Peer{{Namespace: "backend", Selector: map[string]string{"app.kubernetes.io/name": "backend"}}},
		Production:   true,
		Labels:       kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func runCache(t *testing.T, args *CacheArgs) (*mockcloud.Monitor, *Cache, error) {
	t.Helper()
	var c *Cache
	m, err := withProvider(t, func(ctx *pulumi.Context, p pulumi.ProviderResource) error {
		var err error
		if c, err = NewCache(ctx, "cache", args, pulumi.Provider(p)); err != nil {
			return err
		}
		ctx.Export("host", c.Host)
		ctx.Export("serviceName", c.ServiceName)
		ctx.Export("serviceAccountName", c.ServiceAccountName)
		return nil
	})
	return m, c, err
}

func mustRunCache(t *testing.T, args *CacheArgs) (*mockcloud.Monitor, *Cache) {
	t.Helper()
	m, c, err := runCache(t, args)
	require.NoError(t, err)
	return m, c
}

// serverArg is the value that follows flag in the container's arguments.
func serverArg(t *testing.T, m *mockcloud.Monitor, flag string) any {
	t.Helper()
	sts, ok := m.Find(typeStatefulSet, "cache-statefulset")
	require.True(t, ok)
	args, _ := sts.Get(container + "args")
	list, _ := args.([]any)
	for i, a := range list {
		if a == flag && i+1 < len(list) {
			return list[i+1]
		}
	}
	return nil
}

func TestCacheDefaults(t *testing.T) {
	m, c := mustRunCache(t, cacheArgs(nil))
	selector := map[string]any{"app.kubernetes.io/name": "redis"}
	const sts, svc, sa, spc = "cache-statefulset", "cache-service", "cache-service-account", "cache-secrets"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		// The identity the secret store's driver reads the certificate and token as; no API token.
		{Type: typeServiceAccount, Name: sa, Path: "metadata.name", Want: "redis"},
		{Type: typeServiceAccount, Name: sa, Path: "metadata.namespace", Want: "cache"},
		{Type: typeServiceAccount, Name: sa, Path: "metadata.annotations", Want: map[string]any{"azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000002"}},
		{Type: typeServiceAccount, Name: sa, Path: "automountServiceAccountToken", Want: false},
		// The certificate and token from the vault, as files: no Kubernetes Secret is synced.
		{Type: typeSecretProviderClass, Name: spc, Path: "metadata.name", Want: "redis"},
		{Type: typeSecretProviderClass, Name: spc, Path: "metadata.namespace", Want: "cache"},
		{Type: typeSecretProviderClass, Name: spc, Path: "spec.provider", Want: "azure"},
		{Type: typeSecretProviderClass, Name: spc, Path: "spec.parameters.objects", Want: keyVaultObjects},
		{Type: typeSecretProviderClass, Name: spc, Path: "spec.parameters.keyvaultName", Want: "hhprodkvuks"},
		// One server on the encrypted class, its claim kept in production.
		{Type: typeStatefulSet, Name: sts, Path: "metadata.name", Want: "redis"},
		{Type: typeStatefulSet, Name: sts, Path: "metadata.namespace", Want: "cache"},
		{Type: typeStatefulSet, Name: sts, Path: `metadata.labels["data-classification"]`, Want: "phi"},
		{Type: typeStatefulSet, Name: sts, Path: "spec.replicas", Want: int64(1)},
		{Type: typeStatefulSet, Name: sts, Path: "spec.serviceName", Want: "redis"},
		{Type: typeStatefulSet, Name: sts, Path: "spec.selector.matchLabels", Want: selector},
		{Type: typeStatefulSet, Name: sts, Path: "spec.updateStrategy.type", Want: "RollingUpdate"},
		{Type: typeStatefulSet, Name: sts, Path: "spec.persistentVolumeClaimRetentionPolicy", Want: map[string]any{"whenDeleted": "Retain", "whenScaled": "Retain"}},
		{Type: typeStatefulSet, Name: sts, Path: "spec.volumeClaimTemplates[0].metadata.name", Want: "data"},
		{Type: typeStatefulSet, Name: sts, Path: "spec.volumeClaimTemplates[0].spec", Want: map[string]any{
			"accessModes": []any{"ReadWriteOnce"}, "storageClassName": "encrypted", "resources": map[string]any{"requests": map[string]any{"storage": "16Gi"}},
		}},
		// Restricted Pod Security, non-root, read-only root, no API token.
		{Type: typeStatefulSet, Name: sts, Path: "spec.template.metadata.labels", Want: map[string]any{"app.kubernetes.io/name": "redis", "azure.workload.identity/use": "true"}},
		{Type: typeStatefulSet, Name: sts, Path: pod + "serviceAccountName", Want: "redis"},
		{Type: typeStatefulSet, Name: sts, Path: pod + "automountServiceAccountToken", Want: false},
		{Type: typeStatefulSet, Name: sts, Path: pod + "enableServiceLinks", Want: false},
		{Type: typeStatefulSet, Name: sts, Path: pod + "hostNetwork", Want: false},
		{Type: typeStatefulSet, Name: sts, Path: pod + "hostPID", Want: false},
		{Type: typeStatefulSet, Name: sts, Path: pod + "hostIPC", Want: false},
		{Type: typeStatefulSet, Name: sts, Path: pod + "securityContext", Want: map[string]any{
			"runAsNonRoot": true, "runAsUser": int64(10001), "runAsGroup": int64(10001), "fsGroup": int64(10001),
			"seccompProfile": map[string]any{"type": "RuntimeDefault"},
		}},
		{Type: typeStatefulSet, Name: sts, Path: container + "securityContext", Want: map[string]any{
			"allowPrivilegeEscalation": false, "privileged": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
			"capabilities": map[string]any{"drop": []any{"ALL"}}, "seccompProfile": map[string]any{"type": "RuntimeDefault"},
		}},
		{Type: typeStatefulSet, Name: sts, Path: container + "image", Want: CacheImage},
		{Type: typeStatefulSet, Name: sts, Path: container + "ports", Want: []any{map[string]any{"name": "redis-tls", "containerPort": int64(6379), "protocol": "TCP"}}},
		// Guaranteed memory: the cache is the last pod its node evicts.
		{Type: typeStatefulSet, Name: sts, Path: container + "resources", Want: map[string]any{
			"requests": map[string]any{"cpu": "500m", "memory": "4Gi"}, "limits": map[string]any{"cpu": "1", "memory": "4Gi"},
		}},
		{Type: typeStatefulSet, Name: sts, Path: container + "volumeMounts", Want: []any{
			map[string]any{"name": "data", "mountPath": "/data"},
			map[string]any{"name": "run", "mountPath": "/run/redis"},
			map[string]any{"name": "secrets", "mountPath": "/mnt/secrets", "readOnly": true},
		}},
		{Type: typeStatefulSet, Name: sts, Path: pod + "volumes", Want: []any{
			map[string]any{"name": "run", "emptyDir": map[string]any{"medium": "Memory", "sizeLimit": "1Mi"}},
			map[string]any{"name": "secrets", "csi": map[string]any{
				"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": map[string]any{"secretProviderClass": "redis"},
			}},
		}},
		// Probes over TLS, authenticated.
		{Type: typeStatefulSet, Name: sts, Path: container + "livenessProbe.exec.command[2]", Want: `REDISCLI_AUTH="$(cat '/mnt/secrets/auth-token')" redis-cli --tls --insecure -h 127.0.0.1 -p 6379 ping | grep -qx PONG`},
		{Type: typeStatefulSet, Name: sts, Path: container + "livenessProbe.timeoutSeconds", Want: int64(5)},
		{Type: typeStatefulSet, Name: sts, Path: container + "startupProbe.failureThreshold", Want: int64(30)},
		{Type: typeStatefulSet, Name: sts, Path: container + "readinessProbe.periodSeconds", Want: int64(5)},
		// A ClusterIP Service on the TLS port only.
		{Type: typeService, Name: svc, Path: "metadata.name", Want: "redis"},
		{Type: typeService, Name: svc, Path: "spec.type", Want: "ClusterIP"},
		{Type: typeService, Name: svc, Path: "spec.selector", Want: selector},
		{Type: typeService, Name: svc, Path: "spec.ports", Want: []any{map[string]any{"name": "redis-tls", "port": int64(6379), "targetPort": "redis-tls", "protocol": "TCP"}}},
		{Type: typeDisruptionBudget, Name: "cache-disruption-budget", Path: "spec.maxUnavailable", Want: int64(1)},
		{Type: typeDisruptionBudget, Name: "cache-disruption-budget", Path: "spec.selector.matchLabels", Want: selector},
		// In from the backend's pods on the TLS port; out to nothing.
		{Type: typeNetworkPolicy, Name: "cache-flows", Path: "metadata.name", Want: "redis-flows"},
		{Type: typeNetworkPolicy, Name: "cache-flows", Path: "metadata.namespace", Want: "cache"},
		{Type: typeNetworkPolicy, Name: "cache-flows", Path: "spec.podSelector.matchLabels", Want: selector},
		{Type: typeNetworkPolicy, Name: "cache-flows", Path: "spec.policyTypes", Want: []any{"Ingress", "Egress"}},
		{Type: typeNetworkPolicy, Name: "cache-flows", Path: "spec.ingress", Want: []any{map[string]any{
			"from": []any{map[string]any{
				"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "backend"}},
				"podSelector":       map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "backend"}},
			}},
			"ports": []any{map[string]any{"protocol": "TCP", "port": int64(6379)}},
		}}},
	})

	s, _ := m.Find(typeStatefulSet, sts)
	assert.True(t, s.Protect, "production keeps the StatefulSet")
	assert.True(t, s.RetainOnDelete)
	spcs, _ := m.Find(typeSecretProviderClass, spc)
	assert.Contains(t, s.Dependencies, spcs.URN, "the pod waits for its SecretProviderClass")
	_, synced := spcs.Get("spec.secretObjects")
	assert.False(t, synced, "no Kubernetes Secret copy of the token or the key")
	policy, _ := m.Find(typeNetworkPolicy, "cache-flows")
	_, egress := policy.Get("spec.egress")
	assert.False(t, egress, "the cache's pods reach nothing")
	assert.Empty(t, m.ByType("kubernetes:core/v1:Secret"), "the program writes no Secret")

	assert.Equal(t, map[string]string{"app.kubernetes.io/name": "redis"}, c.Selector)
	assert.Equal(t, 6379, c.Port)
	assert.Equal(t, "redis.cache.svc.cluster.local", m.Outputs()["host"].Value)
	assert.Equal(t, "redis", m.Outputs()["serviceName"].Value)
	assert.Equal(t, "redis", m.Outputs()["serviceAccountName"].Value)
	assert.Empty(t, kittest.Violations(m, "production"), "the cache passes the whole policy pack")
}

// Each of the managed caches' controls, as Redis's own settings.
func TestCacheServerSettings(t *testing.T) {
	m, _ := mustRunCache(t, cacheArgs(nil))
	for flag, want := range map[string]any{
		"--port":                     "0", // no plaintext port
		"--tls-port":                 "6379",
		"--tls-cert-file":            "/mnt/secrets/tls.pem",
		"--tls-key-file":             "/mnt/secrets/tls.pem",
		"--tls-auth-clients":         "no",
		"--tls-protocols":            "TLSv1.2 TLSv1.3",
		"--tls-ciphers":              cacheTLSCiphers,
		"--aclfile":                  "/run/redis/users.acl",
		"--dir":                      "/data",
		"--appendonly":               "yes",
		"--appendfsync":              "everysec",
		"--maxmemory":                "3072mb", // three quarters of 4Gi
		"--maxmemory-policy":         "volatile-lru",
		"--enable-debug-command":     "no",
		"--enable-module-command":    "no",
		"--enable-protected-configs": "no",
	} {
		assert.Equal(t, want, serverArg(t, m, flag), flag)
	}
	sts, _ := m.Find(typeStatefulSet, "cache-statefulset")
	command, _ := sts.Get(container + "command")
	require.Len(t, command, 4)
	script := command.([]any)[2].(string)
	assert.Equal(t, []any{"/bin/sh", "-c", script, "redis-server"}, command)
	assert.Contains(t, script, `token="$(cat '/mnt/secrets/auth-token')"`)
	assert.Contains(t, script, `printf 'user default on #%s ~* &* +@all -@admin\n' "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" > '/run/redis/users.acl'`,
		"the ACL file holds the token's hash, and the default user may not administer the server")
	assert.True(t, strings.HasSuffix(script, `exec redis-server "$@"`), "Redis becomes the container's first process")
	args, _ := sts.Get(container + "args")
	for _, a := range args.([]any) {
		assert.NotContains(t, a, "requirepass", "no password in the pod spec")
		assert.NotContains(t, a, "auth-token", "the token file is read by the script alone")
	}
	_, env := sts.Get(container + "env")
	assert.False(t, env, "no settings by environment, secret or not")
}

func TestCacheOutsideProduction(t *testing.T) {
	m, _ := mustRunCache(t, cacheArgs(func(a *CacheArgs) {
		a.Production = false
		a.Name, a.Port = "sessions", 6380
		a.Image = "healthhubacr.azurecr.io/mirror/redis:7.4.8-alpine@" + digest
		a.Resources.MemoryRequest, a.Resources.MemoryLimit = "1024Mi", "1Gi"
		a.Secrets.MountPath = "/var/run/secrets/cache"
	}))
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeStatefulSet, Name: "cache-statefulset", Path: "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", Want: "Delete"},
		{Type: typeStatefulSet, Name: "cache-statefulset", Path: "metadata.name", Want: "sessions"},
		{Type: typeStatefulSet, Name: "cache-statefulset", Path: container + "image", Want: "healthhubacr.azurecr.io/mirror/redis:7.4.8-alpine@" + digest},
		{Type: typeStatefulSet, Name: "cache-statefulset", Path: container + "ports[0].containerPort", Want: int64(6380)},
		{Type: typeStatefulSet, Name: "cache-statefulset", Path: container + "volumeMounts[2].mountPath", Want: "/var/run/secrets/cache"},
		{Type: typeService, Name: "cache-service", Path: "spec.ports[0].port", Want: int64(6380)},
		{Type: typeNetworkPolicy, Name: "cache-flows", Path: "spec.ingress[0].ports[0].port", Want: int64(6380)},
	})
	for flag, want := range map[string]string{
		"--tls-port": "6380", "--maxmemory": "768mb", "--tls-key-file": "/var/run/secrets/cache/tls.pem",
	} {
		assert.Equal(t, want, serverArg(t, m, flag), flag)
	}
	s, _ := m.Find(typeStatefulSet, "cache-statefulset")
	assert.False(t, s.Protect)
	assert.Equal(t, "sessions.cache.svc.cluster.local", m.Outputs()["host"].Value)
	assert.Empty(t, kittest.Violations(m, "production"), "the cache passes the whole policy pack")
}

func TestCacheArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*CacheArgs)
		want   string
	}{
		{"bad name", func(a *CacheArgs) { a.Name = "Redis_Cache" }, `Name = "Redis_Cache": must be a DNS label`},
		{"no namespace", func(a *CacheArgs) { a.Namespace = nil }, "Namespace = <nil>: required"},
		{"image by tag", func(a *CacheArgs) { a.Image = "redis:7.4.8-alpine" }, `Image = "redis:7.4.8-alpine": must be pinned by digest`},
		{"privileged port", func(a *CacheArgs) { a.Port = 636 }, "Port = 636: must be 1024 to 65535"},
		{"no secrets", func(a *CacheArgs) { a.Secrets = nil }, "Secrets = <nil>: required: the TLS certificate and the auth token come from the cloud's secret store"},
		{"unknown provider", func(a *CacheArgs) { a.Secrets.Provider = "vault" }, `Secrets.Provider = "vault": must be one of aws, gcp, azure`},
		{"no parameters", func(a *CacheArgs) { a.Secrets.Parameters = nil }, "Secrets.Parameters = {}: required"},
		{"mount over tmp", func(a *CacheArgs) { a.Secrets.MountPath = "/tmp" }, `Secrets.MountPath = "/tmp": must be an absolute path of its own`},
		{"mount path the shell would read", func(a *CacheArgs) { a.Secrets.MountPath = "/mnt/it's" }, `Secrets.MountPath = "/mnt/it's": must be an absolute path of letters`},
		{"no TLS file", func(a *CacheArgs) { a.TLSFile = "" }, `TLSFile = "": required: a file name in the secret mount`},
		{"token file in a directory", func(a *CacheArgs) { a.TokenFile = "../auth-token" }, `TokenFile = "../auth-token": required: a file name`},
		{"one file for both", func(a *CacheArgs) { a.TokenFile = "tls.pem" }, `TokenFile = "tls.pem": must differ from TLSFile`},
		{"no storage class", func(a *CacheArgs) { a.StorageClass = nil }, "StorageClass = <nil>: required: the estate's encrypted StorageClass"},
		{"no volume size", func(a *CacheArgs) { a.VolumeSize = "" }, `VolumeSize = "": must be a size in Mi, Gi or Ti`},
		{"volume size in bytes", func(a *CacheArgs) { a.VolumeSize = "16000000000" }, `VolumeSize = "16000000000"`},
		{"volume smaller than the append-only file", func(a *CacheArgs) { a.VolumeSize = "6Gi" }, "VolumeSize = 6Gi: must be at least twice Resources.MemoryLimit (4Gi)"},
		{"no cpu limit", func(a *CacheArgs) { a.Resources.CPULimit = "" }, `Resources.CPULimit = "": required: a Kubernetes quantity`},
		{"memory limit in G", func(a *CacheArgs) { a.Resources.MemoryLimit = "4G" }, `Resources.MemoryLimit = "4G": required: at least 256Mi, in Mi or Gi`},
		{"memory limit too small", func(a *CacheArgs) { a.Resources.MemoryLimit, a.Resources.MemoryRequest = "128Mi", "128Mi" }, `Resources.MemoryLimit = "128Mi"`},
		{"memory request below the limit", func(a *CacheArgs) { a.Resources.MemoryRequest = "2Gi" }, `Resources.MemoryRequest = "2Gi": must equal Resources.MemoryLimit (4Gi)`},
		{"identity label takes the selector", func(a *CacheArgs) { a.Identity.PodLabels = map[string]string{"app.kubernetes.io/name": "x"} }, "Identity.PodLabels = map[app.kubernetes.io/name:x]: must not set app.kubernetes.io/name"},
		{"no clients", func(a *CacheArgs) { a.Clients = nil }, "Clients = []: required"},
		{"client in every namespace", func(a *CacheArgs) { a.Clients[0].Namespace = "" }, `Clients[0].Namespace = "": must be a namespace's name`},
		{"every pod a client", func(a *CacheArgs) { a.Clients[0].Selector = nil }, "Clients[0].Selector = {}: required: an empty selector would pick every pod"},
		{"no labels", func(a *CacheArgs) { a.Labels = nil }, "Cache: Tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, err := runCache(t, cacheArgs(tt.mutate))
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
	m, _, err := runCache(t, nil)
	require.ErrorContains(t, err, "Cache: args = <nil>: required")
	kittest.AssertNothingRegistered(t, m)
}
