package kubeharness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// ObjectPath is where the API serves an object of apiVersion and kind, found through the API
// server's discovery (so custom resources resolve too). namespace is ignored for a
// cluster-scoped kind.
func (c *Cluster) ObjectPath(ctx context.Context, apiVersion, kind, namespace, name string) (string, error) {
	base := "/apis/" + apiVersion
	if !strings.Contains(apiVersion, "/") {
		base = "/api/" + apiVersion
	}
	var list struct {
		Resources []struct {
			Name       string
			Namespaced bool
			Kind       string
		}
	}
	if err := c.Get(ctx, base, &list); err != nil {
		return "", err
	}
	for _, r := range list.Resources {
		if r.Kind != kind || strings.Contains(r.Name, "/") {
			continue
		}
		if r.Namespaced {
			return fmt.Sprintf("%s/namespaces/%s/%s/%s", base, namespace, r.Name, name), nil
		}
		return fmt.Sprintf("%s/%s/%s", base, r.Name, name), nil
	}
	return "", fmt.Errorf("%s serves no kind %s", base, kind)
}

// DryRunApply server-side applies manifest (YAML or JSON) at path with dryRun=All: admission,
// validation and defaulting run in full and nothing is stored.
func (c *Cluster) DryRunApply(ctx context.Context, path string, manifest []byte) error {
	status, body, err := c.Do(ctx, http.MethodPatch, path+"?dryRun=All&fieldManager=estate-manifests&force=true", manifest)
	if err != nil {
		return err
	}
	if status != http.StatusOK && status != http.StatusCreated {
		return fmt.Errorf("dry-run apply of %s: %d %s", path, status, body)
	}
	return nil
}
