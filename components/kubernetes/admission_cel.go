package kubernetes

import (
	"slices"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/internal/naming"
)

// namespaceNameLabel is the label the API server sets on every namespace to its name; no one
// can change it, so selecting by it cannot be escaped by relabelling.
const namespaceNameLabel = "kubernetes.io/metadata.name"

// admissionPolicy is one ValidatingAdmissionPolicy: what it matches, its CEL variables and
// its validations, each with the message the API server refuses with.
type admissionPolicy struct {
	name string
	// pods: a pod policy, which the Args' PodExemptions leave out.
	pods       bool
	resources  []resourceRule
	variables  []celVariable
	validation []celValidation
}

type resourceRule struct {
	group     string
	resources []string
}

type celVariable struct{ name, expression string }

// celValidation refuses an object when expression is false. messageExpression, when set,
// names the offending containers or subjects; message is the fallback.
type celValidation struct{ expression, message, messageExpression string }

var (
	// podOwners are the kinds whose pod template the pod policies judge; Pods themselves are
	// judged too, except by the restricted-template policy (Pod Security admission does that).
	podTemplates = []resourceRule{
		{group: "apps", resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"}},
		{group: "batch", resources: []string{"jobs", "cronjobs"}},
	}
	withPods = append([]resourceRule{{group: "", resources: []string{"pods"}}}, podTemplates...)

	// podVariables find the pod spec of a Pod or of any pod template, and its containers.
	podVariables = []celVariable{
		{"podSpec", "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)"},
		{"containers", "variables.podSpec.containers + variables.podSpec.?initContainers.orValue([])"},
	}
)

// admissionPolicies are the estate's per-object controls, enforced by the API server. Each
// mirrors a rule of the pack (policy/rules/kubernetes), which judges the program's objects
// before they are sent; these judge everything else.
func admissionPolicies() []admissionPolicy {
	return []admissionPolicy{
		{
			// kubernetes-container-image-digest: the bytes reviewed and scanned are the bytes
			// that run; a tag can be moved to other bytes after the review.
			name: naming.ControlImageDigest, pods: true, resources: withPods,
			variables: withPodVariables(celVariable{"unpinned",
				"variables.containers.filter(c, !c.?image.orValue('').matches(r'" + naming.PinnedImage.String() + "')).map(c, c.name)"}),
			validation: []celValidation{{
				expression:        "size(variables.unpinned) == 0",
				messageExpression: "'images must be pinned by digest (repository[:tag]@sha256:<64 hex>); not pinned: ' + variables.unpinned.join(', ')",
				message:           "images must be pinned by digest",
			}},
		},
		{
			// kubernetes-container-resources: a container without limits can starve the PHI
			// services beside it on the node, an availability failure (§164.308(a)(7)).
			name: naming.ControlResourceLimits, pods: true, resources: withPods,
			variables: withPodVariables(celVariable{"unlimited",
				"variables.containers.filter(c, !('cpu' in c.?resources.?limits.orValue({})) || !('memory' in c.?resources.?limits.orValue({}))).map(c, c.name)"}),
			validation: []celValidation{{
				expression:        "size(variables.unlimited) == 0",
				messageExpression: "'every container sets CPU and memory limits; without: ' + variables.unlimited.join(', ')",
				message:           "every container sets CPU and memory limits",
			}},
		},
		{
			// kubernetes-pod-restricted-pss: Pod Security admission judges Pods only, so a
			// Deployment with a privileged template is accepted and its pods are refused later,
			// one by one, out of sight. This refuses the template itself.
			name: naming.ControlRestrictedPodTemplate, pods: true, resources: podTemplates,
			variables: withPodVariables(
				celVariable{"escalating", "variables.containers.filter(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) != false || c.?securityContext.?privileged.orValue(false)).map(c, c.name)"},
				celVariable{"rootable", "variables.containers.filter(c, !c.?securityContext.?runAsNonRoot.orValue(variables.podSpec.?securityContext.?runAsNonRoot.orValue(false)) || c.?securityContext.?runAsUser.orValue(variables.podSpec.?securityContext.?runAsUser.orValue(-1)) == 0).map(c, c.name)"},
				celVariable{"unconfined", "variables.containers.filter(c, !(c.?securityContext.?seccompProfile.?type.orValue(variables.podSpec.?securityContext.?seccompProfile.?type.orValue('')) in ['RuntimeDefault', 'Localhost'])).map(c, c.name)"},
				celVariable{"capable", "variables.containers.filter(c, !('ALL' in c.?securityContext.?capabilities.?drop.orValue([])) || !c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE')).map(c, c.name)"},
				celVariable{"hostPorts", "variables.containers.filter(c, c.?ports.orValue([]).exists(p, p.?hostPort.orValue(0) != 0)).map(c, c.name)"},
			),
			validation: []celValidation{
				{
					expression:        "size(variables.escalating) == 0",
					messageExpression: "'restricted Pod Security: set securityContext.allowPrivilegeEscalation false and privileged unset in containers ' + variables.escalating.join(', ')",
					message:           "restricted Pod Security: allowPrivilegeEscalation must be false and privileged unset",
				},
				{
					expression:        "size(variables.rootable) == 0",
					messageExpression: "'restricted Pod Security: set securityContext.runAsNonRoot true (on the pod or the container), and no runAsUser 0, for containers ' + variables.rootable.join(', ')",
					message:           "restricted Pod Security: runAsNonRoot must be true and runAsUser not 0",
				},
				{
					expression:        "size(variables.unconfined) == 0",
					messageExpression: "'restricted Pod Security: set securityContext.seccompProfile.type RuntimeDefault or Localhost (on the pod or the container) for containers ' + variables.unconfined.join(', ')",
					message:           "restricted Pod Security: seccompProfile.type must be RuntimeDefault or Localhost",
				},
				{
					expression:        "size(variables.capable) == 0",
					messageExpression: "'restricted Pod Security: drop ALL capabilities and add none but NET_BIND_SERVICE in containers ' + variables.capable.join(', ')",
					message:           "restricted Pod Security: capabilities must drop ALL",
				},
				{
					expression:        "size(variables.hostPorts) == 0",
					messageExpression: "'restricted Pod Security: no hostPort in containers ' + variables.hostPorts.join(', ')",
					message:           "restricted Pod Security: no hostPort",
				},
				{
					expression: "!variables.podSpec.?hostNetwork.orValue(false) && !variables.podSpec.?hostPID.orValue(false) && !variables.podSpec.?hostIPC.orValue(false)",
					message:    "restricted Pod Security: the pod must not use the host's network, PID or IPC namespace",
				},
				{
					expression: "variables.podSpec.?volumes.orValue([]).all(v, !has(v.hostPath))",
					message:    "restricted Pod Security: no hostPath volumes; a container that reaches the node's filesystem reaches other pods' PHI",
				},
			},
		},
		{
			// kubernetes-service-not-exposed: the ingress, with its TLS and web ACL, is the only
			// way in; externalIPs can claim another pod's traffic (CVE-2020-8554).
			name: naming.ControlNoExposedServices, resources: []resourceRule{{group: "", resources: []string{"services"}}},
			validation: []celValidation{
				{
					expression:        "!(object.spec.?type.orValue('ClusterIP') in ['LoadBalancer', 'NodePort'])",
					messageExpression: "'Services of type ' + object.spec.type + ' open a port outside the ingress; use ClusterIP behind an Ingress'",
					message:           "Services of type LoadBalancer or NodePort open a port outside the ingress",
				},
				{
					expression: "size(object.spec.?externalIPs.orValue([])) == 0",
					message:    "spec.externalIPs claims outside addresses for the Service; remove them",
				},
			},
		},
		{
			// kubernetes-ingress-tls: PHI entering the cluster is encrypted to where TLS ends,
			// with a floor of TLS 1.2 on the AWS Load Balancer Controller's ALB and on GKE's
			// load balancer (its FrontendConfig's SSL policy), and no listener in clear text.
			name: naming.ControlIngressTLS, resources: []resourceRule{{group: "networking.k8s.io", resources: []string{"ingresses"}}},
			variables: []celVariable{
				{"annotations", "object.metadata.?annotations.orValue({})"},
				{"class", "object.spec.?ingressClassName.orValue(variables.annotations[?'kubernetes.io/ingress.class'].orValue(''))"},
				{"alb", "variables.class == 'alb'"},
				{"gce", "variables.class == 'gce'"},
				// The load balancer terminates TLS with the cloud's certificate: no tls section.
				{"certified", "(variables.alb && variables.annotations[?'alb.ingress.kubernetes.io/certificate-arn'].orValue('') != '') || " +
					"(variables.gce && (variables.annotations[?'ingress.gcp.kubernetes.io/pre-shared-cert'].orValue('') != '' || variables.annotations[?'networking.gke.io/managed-certificates'].orValue('') != ''))"},
				{"tls", "object.spec.?tls.orValue([])"},
			},
			validation: []celValidation{
				{
					expression: "variables.certified || (size(variables.tls) > 0 && variables.tls.all(t, size(t.?hosts.orValue([])) > 0 && t.?secretName.orValue('') != ''))",
					message:    "the Ingress must terminate TLS: spec.tls with hosts and a secretName (or, for class alb, the alb.ingress.kubernetes.io/certificate-arn annotation; for class gce, ingress.gcp.kubernetes.io/pre-shared-cert or networking.gke.io/managed-certificates)",
				},
				{
					expression: "variables.certified || object.spec.?rules.orValue([]).all(r, r.?host.orValue('') != '' && variables.tls.exists(t, r.host in t.?hosts.orValue([])))",
					message:    "every spec.rules host must be one of the spec.tls hosts: a rule for another host is served without its certificate",
				},
				{
					expression: "!variables.alb || variables.annotations[?'alb.ingress.kubernetes.io/ssl-policy'].orValue('').matches('^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)')",
					message:    "alb.ingress.kubernetes.io/ssl-policy must name a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 (the default accepts TLS 1.0)",
				},
				{
					expression: "!variables.alb || !variables.annotations[?'alb.ingress.kubernetes.io/listen-ports'].orValue('').contains('\"HTTP\"') || variables.annotations[?'alb.ingress.kubernetes.io/ssl-redirect'].orValue('') == '443'",
					message:    "a plain HTTP listener needs alb.ingress.kubernetes.io/ssl-redirect \"443\"",
				},
				{
					expression: "!variables.gce || variables.annotations[?'kubernetes.io/ingress.allow-http'].orValue('') == 'false'",
					message:    "class gce needs kubernetes.io/ingress.allow-http \"false\": otherwise the load balancer serves plain HTTP on port 80",
				},
				{
					// The API server cannot read the FrontendConfig; the pack checks its sslPolicy.
					expression: "!variables.gce || variables.annotations[?'networking.gke.io/v1beta1.FrontendConfig'].orValue('') != ''",
					message:    "class gce needs networking.gke.io/v1beta1.FrontendConfig naming a FrontendConfig with a TLS 1.2+ sslPolicy (the default policy accepts TLS 1.0)",
				},
			},
		},
		{
			// kubernetes-rbac-no-cluster-admin: cluster-admin reads every secret of every
			// namespace; only the cluster's own principals hold it.
			name: naming.ControlNoClusterAdmin, resources: []resourceRule{{group: "rbac.authorization.k8s.io", resources: []string{"clusterrolebindings", "rolebindings"}}},
			variables: []celVariable{{"people",
				"object.roleRef.name != 'cluster-admin' ? [] : object.?subjects.orValue([]).filter(s, !s.name.startsWith('system:') && !(s.kind == 'ServiceAccount' && s.?namespace.orValue('') == 'kube-system')).map(s, s.kind + ' ' + s.name)"}},
			validation: []celValidation{{
				expression:        "size(variables.people) == 0",
				messageExpression: "'cluster-admin is only for the cluster\\'s own principals (system: users and groups, kube-system service accounts); grant a role that names what it may do to ' + variables.people.join(', ')",
				message:           "cluster-admin is only for the cluster's own principals",
			}},
		},
	}
}

// withPodVariables are the pod variables, then a policy's own, which may use them.
func withPodVariables(own ...celVariable) []celVariable {
	return append(slices.Clone(podVariables), own...)
}

func (p admissionPolicy) match() *admissionv1.MatchResourcesArgs {
	var rules admissionv1.NamedRuleWithOperationsArray
	for _, r := range p.resources {
		rules = append(rules, &admissionv1.NamedRuleWithOperationsArgs{
			ApiGroups:   pulumi.StringArray{pulumi.String(r.group)},
			ApiVersions: pulumi.StringArray{pulumi.String("*")},
			Operations:  pulumi.StringArray{pulumi.String("CREATE"), pulumi.String("UPDATE")},
			Resources:   pulumi.ToStringArray(r.resources),
		})
	}
	return &admissionv1.MatchResourcesArgs{ResourceRules: rules}
}

func (p admissionPolicy) variablesArgs() admissionv1.VariableArray {
	var out admissionv1.VariableArray
	for _, v := range p.variables {
		out = append(out, &admissionv1.VariableArgs{Name: pulumi.String(v.name), Expression: pulumi.String(v.expression)})
	}
	return out
}

func (p admissionPolicy) validationsArgs() admissionv1.ValidationArray {
	var out admissionv1.ValidationArray
	for _, v := range p.validation {
		args := &admissionv1.ValidationArgs{Expression: pulumi.String(v.expression), Message: pulumi.String(v.message), Reason: pulumi.String("Forbidden")}
		if v.messageExpression != "" {
			args.MessageExpression = pulumi.String(v.messageExpression)
		}
		out = append(out, args)
	}
	return out
}
