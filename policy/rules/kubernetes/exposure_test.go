package kubernetes

import (
	"github.com/healthhub/estate/policy/rules"
)

// exposureCases cover what may open the cluster or its credentials: Services, Helm charts,
// Secrets and the provider.
func exposureCases() []ruleCase {
	service := func(spec map[string]any) rules.Resource { return res(TypeService, "api", map[string]any{"spec": spec}) }
	ports := []any{map[string]any{"port": int64(443), "targetPort": int64(8080)}}
	const svc, helm, secret, kubeconfig = "kubernetes-service-not-exposed", "kubernetes-helm-chart-pinned", "kubernetes-secret-values-secret", "kubernetes-provider-kubeconfig-secret"

	release := map[string]any{"chart": "kube-prometheus-stack", "version": "88.5.3", "repositoryOpts": map[string]any{"repo": "https://prometheus-community.github.io/helm-charts"}}
	chart := map[string]any{"chart": "oci://registry-1.docker.io/bitnamicharts/redis", "version": "20.6.1"}
	versioned := func(v any) rules.Resource { return res(TypeHelmRelease, "monitoring", with(release, "version", v)) }

	k8sSecret := func(inputs map[string]any) rules.Resource { return res(TypeSecret, "db", inputs) }
	provider := func(inputs map[string]any) rules.Resource { return res(TypeProvider, "cluster", inputs) }
	return []ruleCase{
		{svc, "ClusterIP", []rules.Resource{service(map[string]any{"type": "ClusterIP", "ports": ports})}, false, ""},
		{svc, "type left to the default", []rules.Resource{service(map[string]any{"ports": ports})}, false, ""},
		{svc, "LoadBalancer", []rules.Resource{service(map[string]any{"type": "LoadBalancer", "ports": ports})}, true, "type LoadBalancer opens a port outside the ingress"},
		{svc, "NodePort", []rules.Resource{service(map[string]any{"type": "NodePort", "ports": ports})}, true, "type NodePort opens a port outside the ingress"},
		{svc, "type unknown", []rules.Resource{service(map[string]any{"type": rules.Unknown})}, true, "spec.type is unknown at preview"},
		{svc, "external IPs", []rules.Resource{service(map[string]any{"type": "ClusterIP", "externalIPs": []any{"203.0.113.10"}})}, true, "spec.externalIPs claims outside addresses"},

		{helm, "release pinned from an https repository", []rules.Resource{res(TypeHelmRelease, "monitoring", release)}, false, ""},
		{helm, "chart pinned from an OCI registry", []rules.Resource{res(TypeHelmChart, "cache", chart)}, false, ""},
		{helm, "v-prefixed exact version", []rules.Resource{versioned("v1.16.2")}, false, ""},
		{helm, "pre-release version", []rules.Resource{versioned("1.0.0-rc.1")}, false, ""},
		{helm, "no version", []rules.Resource{versioned(nil)}, true, `version "" is not an exact chart version`},
		{helm, "caret range", []rules.Resource{versioned("^88.5.0")}, true, `version "^88.5.0" is not an exact`},
		{helm, "tilde range", []rules.Resource{versioned("~88.5")}, true, "not an exact chart version"},
		{helm, "wildcard", []rules.Resource{versioned("88.*")}, true, "not an exact chart version"},
		{helm, "x range", []rules.Resource{versioned("88.5.x")}, true, "not an exact chart version"},
		{helm, "comparison", []rules.Resource{versioned(">=88.0.0")}, true, "not an exact chart version"},
		{helm, "version unknown", []rules.Resource{versioned(rules.Unknown)}, true, "not an exact chart version"},
		{helm, "chart without version", []rules.Resource{res(TypeHelmChart, "cache", with(chart, "version", nil))}, true, "not an exact chart version"},
		{helm, "plain HTTP repository", []rules.Resource{res(TypeHelmRelease, "monitoring", with(release, "repositoryOpts", map[string]any{"repo": "http://charts.example"}))}, true, `comes from repository "http://charts.example"`},
		{helm, "no repository", []rules.Resource{res(TypeHelmRelease, "monitoring", with(release, "repositoryOpts", nil))}, true, `chart "kube-prometheus-stack" comes from repository ""`},
		{helm, "repository unknown", []rules.Resource{res(TypeHelmChart, "monitoring", with(release, "repositoryOpts", map[string]any{"repo": rules.Unknown}))}, true, "use an https:// repositoryOpts.repo or an oci:// chart"},
		{helm, "OCI registry over plain HTTP", []rules.Resource{res(TypeHelmChart, "cache", with(chart, "plainHttp", true))}, true, "plainHttp pulls the chart from its registry over HTTP"},

		{secret, "every value secret", []rules.Resource{k8sSecret(map[string]any{"stringData": map[string]any{"username": rules.Secret, "password": rules.Secret}, "data": map[string]any{"ca.crt": rules.Secret}})}, false, ""},
		{secret, "the whole map secret", []rules.Resource{k8sSecret(map[string]any{"data": rules.Secret})}, false, ""},
		{secret, "no data", []rules.Resource{k8sSecret(map[string]any{"type": "Opaque"})}, false, ""},
		{secret, "a password in clear text", []rules.Resource{k8sSecret(map[string]any{"stringData": map[string]any{"username": rules.Secret, "password": "hunter2"}})}, true, `stringData["password"] is not a Pulumi secret`},
		{secret, "encoded is not secret", []rules.Resource{k8sSecret(map[string]any{"data": map[string]any{"tls.key": "LS0tLS1CRUdJTg=="}})}, true, `data["tls.key"] is not a Pulumi secret`},
		{secret, "a non-secret value known only at deployment", []rules.Resource{k8sSecret(map[string]any{"stringData": map[string]any{"host": rules.Unknown}})}, true, `stringData["host"] is not a Pulumi secret`},
		{secret, "the whole map unknown and not secret", []rules.Resource{k8sSecret(map[string]any{"data": rules.Unknown})}, true, "data is not a Pulumi secret"},

		{kubeconfig, "kubeconfig secret", []rules.Resource{provider(map[string]any{"kubeconfig": rules.Secret, "enableServerSideApply": true})}, false, ""},
		{kubeconfig, "kubeconfig in clear text", []rules.Resource{provider(map[string]any{"kubeconfig": "apiVersion: v1\nkind: Config\n"})}, true, "kubeconfig is not a Pulumi secret"},
		{kubeconfig, "kubeconfig unknown and not secret", []rules.Resource{provider(map[string]any{"kubeconfig": rules.Unknown})}, true, "kubeconfig is not a Pulumi secret"},
		{kubeconfig, "ambient kubeconfig", []rules.Resource{provider(map[string]any{"enableServerSideApply": true})}, true, "no kubeconfig: the provider would use the ambient one"},
	}
}
