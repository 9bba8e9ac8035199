package gke

import (
	"fmt"

	"github.com/healthhub/estate/components/kit"
)

// authPlugin is Google's exec credential plugin: it mints a short-lived token from whatever
// Google credentials the caller has (ADC, Workload Identity, an operator's gcloud login), so
// the kubeconfig itself holds no credential to leak or rotate.
const authPlugin = "gke-gcloud-auth-plugin"

// kubeconfig points kubectl and the Kubernetes provider at the cluster, named as gcloud names
// it (gke_<project>_<location>_<name>).
func kubeconfig(project, location, name, endpoint, ca string) (string, error) {
	return kit.ExecKubeconfig(fmt.Sprintf("gke_%s_%s_%s", project, location, name), "https://"+endpoint, ca, kit.ExecCredential{
		Command: authPlugin, ProvideClusterInfo: true,
		InstallHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
	})
}
