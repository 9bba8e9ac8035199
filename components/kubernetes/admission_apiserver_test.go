package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/internal/kubeharness"
	"github.com/healthhub/estate/policy/rules"
)

const (
	goodImage = "registry.healthhub.example/assistant-backend:3.9.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tagImage  = "registry.healthhub.example/assistant-backend:3.9.0"
)

// restrictedContainer is a container that meets every pod policy.
func compliantContainer() map[string]any {
	return map[string]any{
		"name": "app", "image": goodImage,
		"resources": map[string]any{"limits": map[string]any{"cpu": "1", "memory": "1Gi"}, "requests": map[string]any{"cpu": "100m", "memory": "128Mi"}},
		"securityContext": map[string]any{
			"allowPrivilegeEscalation": false, "runAsNonRoot": true, "readOnlyRootFilesystem": true,
			"capabilities": map[string]any{"drop": []any{"ALL"}}, "seccompProfile": map[string]any{"type": "RuntimeDefault"},
		},
	}
}

func podSpec(mutate func(spec, container map[string]any)) map[string]any {
	c := compliantContainer()
	spec := map[string]any{"containers": []any{c}, "automountServiceAccountToken": false}
	if mutate != nil {
		mutate(spec, c)
	}
	return spec
}

func deployment(name string, mutate func(spec, container map[string]any)) map[string]any {
	labels := map[string]any{"app": name}
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": podSpec(mutate)},
		},
	}
}

func securityContext(c map[string]any) map[string]any { return c["securityContext"].(map[string]any) }

func service(name string, spec map[string]any) map[string]any {
	spec["ports"] = []any{map[string]any{"port": 8443}}
	return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name}, "spec": spec}
}

func ingress(name string, annotations map[string]any, spec map[string]any) map[string]any {
	return map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": map[string]any{"name": name, "annotations": annotations}, "spec": spec}
}

func hostRule(host string) []any {
	return []any{map[string]any{"host": host, "http": map[string]any{"paths": []any{map[string]any{
		"path": "/", "pathType": "Prefix", "backend": map[string]any{"service": map[string]any{"name": "frontend", "port": map[string]any{"number": 8443}}},
	}}}}}
}

// gceIngressAnnotations are a GKE Ingress's, with changes (nil removes one): the class by
// annotation, as GKE reads it.
func gceIngressAnnotations(changes map[string]any) map[string]any {
	out := map[string]any{
		"kubernetes.io/ingress.class":               "gce",
		"ingress.gcp.kubernetes.io/pre-shared-cert": "healthhub-edge",
		"kubernetes.io/ingress.allow-http":          "false",
		"networking.gke.io/v1beta1.FrontendConfig":  "edge-tls",
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func adminBinding(kind, name string, subjects ...map[string]any) map[string]any {
	list := make([]any, len(subjects))
	for i, s := range subjects {
		list[i] = s
	}
	return map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": map[string]any{"name": name},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": list,
	}
}

const (
	deployments  = "/apis/apps/v1/namespaces/%s/deployments"
	pods         = "/api/v1/namespaces/%s/pods"
	cronJobs     = "/apis/batch/v1/namespaces/%s/cronjobs"
	services     = "/api/v1/namespaces/%s/services"
	ingresses    = "/apis/networking.k8s.io/v1/namespaces/%s/ingresses"
	roleBindings = "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings"
	clusterRBs   = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
)

// The policies as the component renders them, sent to a real API server, refuse each violating
// object sent straight to it (not through the components) with their message, and admit the
// compliant ones.
func TestAdmissionPoliciesOnTheAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cluster := kubeharness.Start(t)

	m, err := renderAdmission(t, admissionArgs(nil))
	require.NoError(t, err)
	for _, typ := range []string{typeAdmissionPolicy, typeAdmissionBinding} {
		collection := "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies"
		if typ == typeAdmissionBinding {
			collection = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings"
		}
		for _, r := range m.ByType(typ) {
			obj := rules.Plain(resource.NewProperty(r.Inputs))
			require.NoError(t, cluster.Create(ctx, collection, obj), "%s %s", r.Type, r.Name)
		}
	}
	for _, ns := range []string{"clinical", "monitoring"} {
		require.NoError(t, cluster.Create(ctx, "/api/v1/namespaces", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}))
	}
	// A policy is enforced once the API server has loaded and compiled it, each in its own
	// time: wait until each refuses an object it exists to refuse (a dry run, nothing stored).
	probes := map[string]struct {
		path   string
		object map[string]any
	}{
		"healthhub-image-digest":            {deployments, deployment("probe", func(_, c map[string]any) { c["image"] = tagImage })},
		"healthhub-resource-limits":         {deployments, deployment("probe", func(_, c map[string]any) { delete(c, "resources") })},
		"healthhub-restricted-pod-template": {deployments, deployment("probe", func(spec, _ map[string]any) { spec["hostPID"] = true })},
		"healthhub-no-exposed-services":     {services, service("probe", map[string]any{"type": "NodePort"})},
		"healthhub-ingress-tls":             {ingresses, ingress("probe", nil, map[string]any{"rules": hostRule("probe.healthhub.example")})},
		"healthhub-no-cluster-admin":        {roleBindings, adminBinding("RoleBinding", "probe", map[string]any{"kind": "Group", "name": "probe", "apiGroup": "rbac.authorization.k8s.io"})},
	}
	require.Len(t, probes, len(policyNames))
	for name, p := range probes {
		require.Eventually(t, func() bool {
			var s *kubeharness.Status
			return errors.As(cluster.Create(ctx, fmt.Sprintf(p.path, "clinical")+"?dryRun=All", p.object), &s) && strings.Contains(s.Message, "'"+name+"'")
		}, 2*time.Minute, 250*time.Millisecond, "%s never refused its probe", name)
	}
	assertTypeChecked(ctx, t, cluster)

	for _, tt := range []struct {
		name, path, namespace string
		object                map[string]any
		refusal               string // empty: admitted
	}{
		{"compliant deployment", deployments, "clinical", deployment("good", nil), ""},
		{"tag-pinned image", deployments, "clinical", deployment("tagged", func(_, c map[string]any) { c["image"] = tagImage }),
			`ValidatingAdmissionPolicy 'healthhub-image-digest' with binding 'healthhub-image-digest' denied request: images must be pinned by digest (repository[:tag]@sha256:<64 hex>); not pinned: app`},
		{"tag-pinned init container of a pod", pods, "clinical", map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "init"},
			"spec": podSpec(func(spec, _ map[string]any) {
				init := compliantContainer()
				init["name"], init["image"] = "migrate", tagImage
				spec["initContainers"] = []any{init}
			})}, "not pinned: migrate"},
		{"tag-pinned cron job", cronJobs, "clinical", map[string]any{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": map[string]any{"name": "report"},
			"spec": map[string]any{"schedule": "0 3 * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{
				"spec": podSpec(func(spec, c map[string]any) { spec["restartPolicy"] = "OnFailure"; c["image"] = tagImage }),
			}}}}}, "not pinned: app"},
		{"no limits", deployments, "clinical", deployment("unlimited", func(_, c map[string]any) { delete(c, "resources") }),
			"healthhub-resource-limits' denied request: every container sets CPU and memory limits; without: app"},
		{"privilege escalation", deployments, "clinical", deployment("escalating", func(_, c map[string]any) { securityContext(c)["allowPrivilegeEscalation"] = true }),
			"healthhub-restricted-pod-template' denied request: restricted Pod Security: set securityContext.allowPrivilegeEscalation false and privileged unset in containers app"},
		{"may run as root", deployments, "clinical", deployment("root", func(_, c map[string]any) { delete(securityContext(c), "runAsNonRoot") }),
			"set securityContext.runAsNonRoot true (on the pod or the container), and no runAsUser 0, for containers app"},
		{"non-root on the pod is enough", deployments, "clinical", deployment("pod-nonroot", func(spec, c map[string]any) {
			delete(securityContext(c), "runAsNonRoot")
			spec["securityContext"] = map[string]any{"runAsNonRoot": true}
		}), ""},
		{"unconfined seccomp", deployments, "clinical", deployment("unconfined", func(_, c map[string]any) {
			securityContext(c)["seccompProfile"] = map[string]any{"type": "Unconfined"}
		}), "seccompProfile.type RuntimeDefault or Localhost (on the pod or the container) for containers app"},
		{"capabilities kept", deployments, "clinical", deployment("capable", func(_, c map[string]any) {
			securityContext(c)["capabilities"] = map[string]any{"drop": []any{"ALL"}, "add": []any{"NET_ADMIN"}}
		}), "drop ALL capabilities and add none but NET_BIND_SERVICE in containers app"},
		{"host port", deployments, "clinical", deployment("hostport", func(_, c map[string]any) {
			c["ports"] = []any{map[string]any{"containerPort": 8443, "hostPort": 8443}}
		}), "no hostPort in containers app"},
		{"host network", deployments, "clinical", deployment("hostnet", func(spec, _ map[string]any) { spec["hostNetwork"] = true }),
			"the pod must not use the host's network, PID or IPC namespace"},
		{"host path", deployments, "clinical", deployment("hostpath", func(spec, _ map[string]any) {
			spec["volumes"] = []any{map[string]any{"name": "root", "hostPath": map[string]any{"path": "/"}}}
		}), "no hostPath volumes"},
		{"exempt namespace runs the chart's pods", deployments, "monitoring", deployment("node-exporter", func(spec, c map[string]any) {
			c["image"] = "quay.io/prometheus/node-exporter:v1.9.1"
			spec["hostNetwork"], spec["hostPID"] = true, true
		}), ""},
		{"cluster IP service", services, "clinical", service("backend", map[string]any{"type": "ClusterIP"}), ""},
		{"load balancer service", services, "clinical", service("public", map[string]any{"type": "LoadBalancer"}),
			"healthhub-no-exposed-services' denied request: Services of type LoadBalancer open a port outside the ingress; use ClusterIP behind an Ingress"},
		{"node port service", services, "clinical", service("nodeport", map[string]any{"type": "NodePort"}), "Services of type NodePort open a port outside the ingress"},
		{"exposed in the exempt namespace too", services, "monitoring", service("grafana", map[string]any{"type": "LoadBalancer"}), "Services of type LoadBalancer"},
		{"external IPs", services, "clinical", service("claimed", map[string]any{"externalIPs": []any{"203.0.113.10"}}), "spec.externalIPs claims outside addresses"},
		{"ingress with TLS", ingresses, "clinical", ingress("tls", nil, map[string]any{
			"ingressClassName": "nginx", "tls": []any{map[string]any{"hosts": []any{"assistant.healthhub.example"}, "secretName": "assistant-tls"}}, "rules": hostRule("assistant.healthhub.example"),
		}), ""},
		{"ingress without TLS", ingresses, "clinical", ingress("plain", nil, map[string]any{"ingressClassName": "nginx", "rules": hostRule("assistant.healthhub.example")}),
			"healthhub-ingress-tls' denied request: the Ingress must terminate TLS"},
		{"host outside the TLS hosts", ingresses, "clinical", ingress("other-host", nil, map[string]any{
			"ingressClassName": "nginx", "tls": []any{map[string]any{"hosts": []any{"assistant.healthhub.example"}, "secretName": "assistant-tls"}}, "rules": hostRule("admin.healthhub.example"),
		}), "every spec.rules host must be one of the spec.tls hosts"},
		{"ALB with an ACM certificate", ingresses, "clinical", ingress("alb", map[string]any{
			"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-2:111122223333:certificate/x",
			"alb.ingress.kubernetes.io/ssl-policy":      "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"alb.ingress.kubernetes.io/listen-ports":    `[{"HTTP":80},{"HTTPS":443}]`, "alb.ingress.kubernetes.io/ssl-redirect": "443",
		}, map[string]any{"ingressClassName": "alb", "rules": hostRule("assistant.healthhub.example")}), ""},
		{"ALB on the default TLS policy", ingresses, "clinical", ingress("alb-old", map[string]any{
			"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-2:111122223333:certificate/x",
		}, map[string]any{"ingressClassName": "alb", "rules": hostRule("assistant.healthhub.example")}), "ssl-policy must name a TLS 1.2+ policy"},
		{"ALB plain HTTP without redirect", ingresses, "clinical", ingress("alb-http", map[string]any{
			"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-2:111122223333:certificate/x",
			"alb.ingress.kubernetes.io/ssl-policy":      "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"alb.ingress.kubernetes.io/listen-ports":    `[{"HTTP":80}]`,
		}, map[string]any{"ingressClassName": "alb", "rules": hostRule("assistant.healthhub.example")}), `a plain HTTP listener needs alb.ingress.kubernetes.io/ssl-redirect "443"`},
		{"GKE load balancer with its certificate, TLS policy and no HTTP", ingresses, "clinical", ingress("gce", gceIngressAnnotations(nil), map[string]any{"rules": hostRule("assistant.healthhub.example")}), ""},
		{"GKE load balancer with a managed certificate", ingresses, "clinical", ingress("gce-managed", gceIngressAnnotations(map[string]any{
			"ingress.gcp.kubernetes.io/pre-shared-cert": nil, "networking.gke.io/managed-certificates": "assistant",
		}), map[string]any{"rules": hostRule("assistant.healthhub.example")}), ""},
		{"GKE load balancer without a certificate", ingresses, "clinical", ingress("gce-plain", gceIngressAnnotations(map[string]any{"ingress.gcp.kubernetes.io/pre-shared-cert": nil}),
			map[string]any{"rules": hostRule("assistant.healthhub.example")}), "the Ingress must terminate TLS"},
		{"GKE load balancer serving HTTP", ingresses, "clinical", ingress("gce-http", gceIngressAnnotations(map[string]any{"kubernetes.io/ingress.allow-http": nil}),
			map[string]any{"rules": hostRule("assistant.healthhub.example")}), `class gce needs kubernetes.io/ingress.allow-http "false"`},
		{"GKE load balancer on the default TLS policy", ingresses, "clinical", ingress("gce-old", gceIngressAnnotations(map[string]any{"networking.gke.io/v1beta1.FrontendConfig": nil}),
			map[string]any{"rules": hostRule("assistant.healthhub.example")}), "class gce needs networking.gke.io/v1beta1.FrontendConfig"},
		{"cluster-admin for the masters group", clusterRBs, "", adminBinding("ClusterRoleBinding", "masters", map[string]any{"kind": "Group", "name": "system:masters", "apiGroup": "rbac.authorization.k8s.io"}), ""},
		{"cluster-admin for people", clusterRBs, "", adminBinding("ClusterRoleBinding", "platform-admins", map[string]any{"kind": "Group", "name": "platform-admins", "apiGroup": "rbac.authorization.k8s.io"}),
			"healthhub-no-cluster-admin' denied request: cluster-admin is only for the cluster's own principals (system: users and groups, kube-system service accounts); grant a role that names what it may do to Group platform-admins"},
		{"cluster-admin for a workload", roleBindings, "clinical", adminBinding("RoleBinding", "backend-admin", map[string]any{"kind": "ServiceAccount", "name": "backend", "namespace": "clinical"}),
			"to ServiceAccount backend"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if tt.namespace != "" {
				path = fmt.Sprintf(tt.path, tt.namespace)
			}
			err := cluster.Create(ctx, path, tt.object)
			if tt.refusal == "" {
				require.NoError(t, err)
				return
			}
			var refused *kubeharness.Status
			require.ErrorAs(t, err, &refused, "admitted, but %q was expected", tt.refusal)
			assert.Equal(t, 403, refused.Code)
			assert.Contains(t, refused.Message, tt.refusal)
		})
	}
}

// assertTypeChecked fails on a policy whose expressions the API server could not type-check
// against the kinds it matches: such an expression may error at admission, refusing
// compliant objects too.
func assertTypeChecked(ctx context.Context, t *testing.T, cluster *kubeharness.Cluster) {
	t.Helper()
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Status   json.RawMessage
		}
	}
	require.NoError(t, cluster.Get(ctx, "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies", &list))
	require.Len(t, list.Items, len(policyNames))
	for _, p := range list.Items {
		var status struct {
			TypeChecking struct {
				ExpressionWarnings []struct{ FieldRef, Warning string }
			}
		}
		require.NoError(t, json.Unmarshal(p.Status, &status))
		assert.Empty(t, status.TypeChecking.ExpressionWarnings, "%s", p.Metadata.Name)
	}
}
