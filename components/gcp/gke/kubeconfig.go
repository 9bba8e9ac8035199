package gke

import (
	"encoding/json"
	"fmt"
)

// authPlugin is Google's exec credential plugin: it mints a short-lived token from whatever
// Google credentials the caller has (ADC, Workload Identity, an operator's gcloud login), so
// the kubeconfig itself holds no credential to leak or rotate.
const authPlugin = "gke-gcloud-auth-plugin"

// kubeconfig points kubectl and the Kubernetes provider at the cluster, named as gcloud names
// it (gke_<project>_<location>_<name>).
func kubeconfig(project, location, name, endpoint, ca string) (string, error) {
	id := fmt.Sprintf("gke_%s_%s_%s", project, location, name)
	doc, err := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": id,
		"clusters": []map[string]any{{"name": id, "cluster": map[string]any{"server": "https://" + endpoint, "certificate-authority-data": ca}}},
		"contexts": []map[string]any{{"name": id, "context": map[string]any{"cluster": id, "user": id}}},
		"users": []map[string]any{{"name": id, "user": map[string]any{"exec": map[string]any{
			"apiVersion":         "client.authentication.k8s.io/v1beta1",
			"command":            authPlugin,
			"provideClusterInfo": true,
			"installHint":        "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
		}}}},
	})
	return string(doc), err
}
