package aks

import (
	"encoding/base64"
	"errors"
	"fmt"

	cs "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20240902preview"
	"gopkg.in/yaml.v3"

	"github.com/healthhub/estate/components/kit"
)

// The cluster resource carries no kubeconfig; the usual way to one, listing the admin
// credentials (pulumi/pulumi-azure-native#692), fails on a cluster without local accounts: ARM
// answers 400 "Getting static credential is not allowed" (hashicorp/terraform-provider-azurerm#15489).
// The user credentials can be read, but their exec plugin signs in with a device code, which
// waits for someone at a browser (pulumi/pulumi-azure-native#2399, #2579). So only the API
// server's address and CA are taken from them, and the user is an exec plugin of the estate's
// own.
const (
	// kubelogin turns an Entra ID sign-in into the token the API server accepts.
	kubelogin = "kubelogin"
	// aksServerAppID is the Entra application every AKS API server accepts tokens for: the
	// audience kubelogin asks Entra ID for.
	aksServerAppID = "6dae42f8-4368-4678-94ff-3960e28e3630"
)

// kubeloginArgs sign in with whatever the Azure CLI is logged in as: the pipeline's workload
// identity federation (`az login` with its OIDC token), or an operator's own login. Nothing
// interactive, so a deployment never hangs on a prompt.
var kubeloginArgs = []string{"get-token", "--login", "azurecli", "--server-id", aksServerAppID}

// parseUserCredentials reads the API server's address and the cluster CA out of the user
// kubeconfig listClusterUserCredential returns (base64-encoded YAML).
func parseUserCredentials(creds []cs.CredentialResultResponse) (server, ca string, err error) {
	if len(creds) == 0 {
		return "", "", errors.New("AKS returned no user kubeconfig")
	}
	raw, err := base64.StdEncoding.DecodeString(creds[0].Value)
	if err != nil {
		return "", "", fmt.Errorf("decoding the user kubeconfig %q: %w", creds[0].Name, err)
	}
	var doc struct {
		Clusters []struct {
			Cluster struct {
				Server string `yaml:"server"`
				CA     string `yaml:"certificate-authority-data"`
			} `yaml:"cluster"`
		} `yaml:"clusters"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return "", "", fmt.Errorf("parsing the user kubeconfig %q: %w", creds[0].Name, err)
	}
	if len(doc.Clusters) != 1 || doc.Clusters[0].Cluster.Server == "" || doc.Clusters[0].Cluster.CA == "" {
		return "", "", fmt.Errorf("the user kubeconfig %q names no single cluster with a server and a CA", creds[0].Name)
	}
	return doc.Clusters[0].Cluster.Server, doc.Clusters[0].Cluster.CA, nil
}

// kubeconfig points kubectl and the Kubernetes provider at the cluster, named after it as
// `az aks get-credentials` names the context.
func kubeconfig(name, server, ca string) (string, error) {
	return kit.ExecKubeconfig(name, server, ca, kit.ExecCredential{
		Command: kubelogin, Args: kubeloginArgs, NeverInteractive: true,
		InstallHint: "Install kubelogin: az aks install-cli, or https://azure.github.io/kubelogin/install.html",
	})
}
