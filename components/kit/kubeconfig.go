package kit

import "encoding/json"

// ExecCredential is how a kubeconfig's user gets its token: a command the client runs for a
// short-lived one, from whatever cloud credentials the caller has, so the kubeconfig holds no
// credential to leak or rotate.
type ExecCredential struct {
	Command string
	Args    []string
	// ProvideClusterInfo hands the command the cluster's address and CA (GKE's plugin reads them).
	ProvideClusterInfo bool
	// NeverInteractive refuses a command that would prompt: a deployment must not hang on one.
	NeverInteractive bool
	// InstallHint is what the client prints when the command is missing.
	InstallHint string
}

// ExecKubeconfig is a kubeconfig of one cluster, context and user, all named name, whose user
// signs in through cred. ca is the cluster's CA, base64-encoded PEM.
func ExecKubeconfig(name, server, ca string, cred ExecCredential) (string, error) {
	exec := map[string]any{"apiVersion": "client.authentication.k8s.io/v1beta1", "command": cred.Command}
	if len(cred.Args) > 0 {
		exec["args"] = cred.Args
	}
	if cred.ProvideClusterInfo {
		exec["provideClusterInfo"] = true
	}
	if cred.NeverInteractive {
		exec["interactiveMode"] = "Never"
	}
	if cred.InstallHint != "" {
		exec["installHint"] = cred.InstallHint
	}
	doc, err := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Config", "current-context": name,
		"clusters": []map[string]any{{"name": name, "cluster": map[string]any{"server": server, "certificate-authority-data": ca}}},
		"contexts": []map[string]any{{"name": name, "context": map[string]any{"cluster": name, "user": name}}},
		"users":    []map[string]any{{"name": name, "user": map[string]any{"exec": exec}}},
	})
	return string(doc), err
}
