package kubernetes

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/kubeharness"
	"github.com/healthhub/estate/policy/rules"
)

// The cache as the component renders it, sent to a real API server: every object is admitted
// in a namespace that enforces the restricted Pod Security Standard, and the StatefulSet
// controller makes its claim on the encrypted class and its pod, which Pod Security admits and
// whose ServiceAccount exists.
func TestCacheOnTheAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cluster := kubeharness.Start(t)
	installSecretProviderClass(ctx, t, cluster)
	require.NoError(t, cluster.Create(ctx, "/api/v1/namespaces", map[string]any{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": "cache", "labels": map[string]any{
			"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
		}},
	}))

	m, _ := mustRunCache(t, cacheArgs(nil))
	// In the order a pod needs them: its ServiceAccount and SecretProviderClass first.
	for _, typ := range []string{typeServiceAccount, typeSecretProviderClass, typeService, typeStatefulSet, typeDisruptionBudget, typeNetworkPolicy} {
		objects := m.ByType(typ)
		require.Len(t, objects, 1, typ)
		obj := rules.Plain(resource.NewProperty(objects[0].Inputs)).(map[string]any)
		meta := obj["metadata"].(map[string]any)
		path, err := cluster.ObjectPath(ctx, obj["apiVersion"].(string), obj["kind"].(string), "cache", meta["name"].(string))
		require.NoError(t, err)
		require.NoError(t, cluster.Create(ctx, path[:strings.LastIndex(path, "/")], obj), "%s", typ)
	}

	var claim struct {
		Spec struct {
			StorageClassName string
			Resources        struct{ Requests map[string]string }
		}
	}
	require.Eventually(t, func() bool {
		return cluster.Get(ctx, "/api/v1/namespaces/cache/persistentvolumeclaims/data-redis-0", &claim) == nil
	}, 2*time.Minute, 250*time.Millisecond, "the StatefulSet controller made no claim")
	assert.Equal(t, "encrypted", claim.Spec.StorageClassName)
	assert.Equal(t, "16Gi", claim.Spec.Resources.Requests["storage"])

	var pod struct {
		Metadata struct {
			Labels          map[string]string
			OwnerReferences []struct{ Kind, Name string }
		}
		Spec struct {
			ServiceAccountName string
			Volumes            []map[string]any
		}
	}
	if !assert.Eventually(t, func() bool {
		return cluster.Get(ctx, "/api/v1/namespaces/cache/pods/redis-0", &pod) == nil
	}, 2*time.Minute, 250*time.Millisecond) {
		var events struct {
			Items []struct{ Reason, Message string }
		}
		require.NoError(t, cluster.Get(ctx, "/api/v1/namespaces/cache/events", &events))
		t.Fatalf("no pod was admitted; the namespace's events: %+v", events.Items)
	}
	require.Len(t, pod.Metadata.OwnerReferences, 1)
	assert.Equal(t, "StatefulSet", pod.Metadata.OwnerReferences[0].Kind)
	assert.Equal(t, "redis", pod.Spec.ServiceAccountName)
	assert.Equal(t, "true", pod.Metadata.Labels["azure.workload.identity/use"])
	var volumes []string
	for _, v := range pod.Spec.Volumes {
		volumes = append(volumes, v["name"].(string))
	}
	assert.ElementsMatch(t, []string{"data", "run", "secrets"}, volumes)
}

// installSecretProviderClass registers the Secrets Store CSI driver's kind, with no driver to
// act on it: the API server stores the objects.
func installSecretProviderClass(ctx context.Context, t *testing.T, cluster *kubeharness.Cluster) {
	t.Helper()
	require.NoError(t, cluster.Create(ctx, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "secretproviderclasses.secrets-store.csi.x-k8s.io"},
		"spec": map[string]any{
			"group": "secrets-store.csi.x-k8s.io", "scope": "Namespaced",
			"names": map[string]any{"kind": "SecretProviderClass", "plural": "secretproviderclasses", "singular": "secretproviderclass"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true, "schema": map[string]any{
				"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
			}}},
		},
	}))
	require.Eventually(t, func() bool {
		status, _, err := cluster.Do(ctx, "GET", "/apis/secrets-store.csi.x-k8s.io/v1", nil)
		return err == nil && status == 200
	}, time.Minute, 250*time.Millisecond, "SecretProviderClass is not served")
}
