package kubernetes

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Severities route alerts: critical pages (Alerts.Critical), warning is mailed
// (Alerts.Warning).
const (
	severityCritical = "critical"
	severityWarning  = "warning"
)

// ruleGroup is one PrometheusRule object's single group.
type ruleGroup struct {
	Name  string
	Rules []alertRule
}

// alertRule is one alerting rule; the summary and description say what is wrong and where.
type alertRule struct {
	Alert, Expr, For, Severity, Summary, Description string
}

// healthcareRules are the alerts the chart's defaults do not have: what patients and
// clinicians notice, per PHI service, and the slower failures behind it.
//
// Critical (pages): a PHI service that is down, short of replicas or failing requests keeps
// clinicians from patient data now; availability of ePHI is what the contingency plan
// protects (§164.308(a)(7)). Warning (mail): slow responses, restarts, autoscaling at its
// ceiling, certificates a month from expiry and saturated GPUs leave time to act in working
// hours, and when they become an outage the critical alerts page.
func healthcareRules(t ServiceTargets) []ruleGroup {
	var phi []alertRule
	for _, s := range t.PHIServices {
		phi = append(phi, phiServiceRules(s, t)...)
	}
	namespaces := workloadNamespaces(t)
	ms := t.ModelServing
	groups := []ruleGroup{
		{Name: "phi-services", Rules: phi},
		{Name: "workloads", Rules: []alertRule{
			{
				Alert:    "PodRestartingOften",
				Expr:     fmt.Sprintf(`increase(kube_pod_container_status_restarts_total{namespace=~%q}[1h]) > 3`, namespaces),
				Severity: severityWarning,
				Summary:  "Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} restarted more than 3 times in an hour",
				Description: "{{ $value | humanize }} restarts in the last hour. Repeated restarts drop in-flight requests " +
					"and usually precede an outage; check the container's last termination reason.",
			},
			{
				Alert: "HPAAtMaximum",
				Expr: fmt.Sprintf(`kube_horizontalpodautoscaler_status_current_replicas{namespace=~%q} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace=~%q}`,
					namespaces, namespaces),
				For:         "15m",
				Severity:    severityWarning,
				Summary:     "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum for 15 minutes",
				Description: "The workload cannot scale further; latency rises next. Raise maxReplicas (and the namespace quota) or add capacity.",
			},
		}},
		{Name: "certificates", Rules: []alertRule{
			{
				Alert:       "CertificateExpiringSoon",
				Expr:        `probe_ssl_earliest_cert_expiry - time() < 30 * 86400`,
				For:         "1h",
				Severity:    severityWarning,
				Summary:     "The certificate of {{ $labels.instance }} expires in less than 30 days",
				Description: "It expires in {{ $value | humanizeDuration }}. An expired certificate stops TLS to the service: clients fail, and are then tempted to skip verification.",
			},
			{
				// cert-manager renews at a third of the lifetime left; still under 30 days an
				// hour on means renewal is failing.
				Alert:       "CertManagerCertificateExpiringSoon",
				Expr:        `certmanager_certificate_expiration_timestamp_seconds - time() < 30 * 86400`,
				For:         "1h",
				Severity:    severityWarning,
				Summary:     "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 30 days",
				Description: "It expires in {{ $value | humanizeDuration }} and cert-manager has not renewed it; check the Certificate's and its issuer's status.",
			},
		}},
		{Name: "model-serving", Rules: []alertRule{
			{
				// The DCGM exporter labels each GPU with the pod using it (its labels honoured
				// on scrape); a Deployment's pods are <deployment>-<template hash>-<suffix>.
				Alert: "ModelServingGPUSaturated",
				Expr: fmt.Sprintf(`DCGM_FI_DEV_GPU_UTIL{namespace=%q, pod=~"%s-[a-z0-9]{1,10}-[a-z0-9]{5}"} > 90`,
					ms.Namespace, ms.Deployment),
				For:         "15m",
				Severity:    severityWarning,
				Summary:     "GPU {{ $labels.gpu }} of {{ $labels.namespace }}/{{ $labels.pod }} has been over 90% busy for 15 minutes",
				Description: "Inference requests queue behind a saturated GPU and diagnosis latency grows. Add GPU capacity or replicas.",
			},
		}},
	}
	// A stack that runs no app (or no model serving) has nothing for those groups to watch;
	// the certificate alerts stand whatever runs.
	return slices.DeleteFunc(groups, func(g ruleGroup) bool {
		switch g.Name {
		case "phi-services", "workloads":
			return len(t.PHIServices) == 0
		case "model-serving":
			return ms == ModelServing{}
		}
		return false
	})
}

// phiServiceRules are one PHI service's availability, error and latency alerts. The service
// is scraped through its Service and runs as the Deployment of the same name.
func phiServiceRules(s PHIService, t ServiceTargets) []alertRule {
	svc := fmt.Sprintf(`namespace=%q, service=%q`, s.Namespace, s.Service)
	deploy := fmt.Sprintf(`namespace=%q, deployment=%q`, s.Namespace, s.Service)
	where := s.Namespace + "/" + s.Service
	return []alertRule{
		{
			// absent() covers the service with no pod left to scrape: its up series are gone.
			Alert:       "PHIServiceDown",
			Expr:        fmt.Sprintf(`sum by (namespace, service) (up{%s}) == 0 or absent(up{%s})`, svc, svc),
			For:         "2m",
			Severity:    severityCritical,
			Summary:     "PHI service " + where + " is down",
			Description: "No instance of " + where + " answers its metrics scrape: clinicians cannot reach the patient data it serves.",
		},
		{
			Alert:       "PHIServiceReplicasUnavailable",
			Expr:        fmt.Sprintf(`kube_deployment_status_replicas_available{%s} < kube_deployment_spec_replicas{%s}`, deploy, deploy),
			For:         "15m",
			Severity:    severityCritical,
			Summary:     "PHI service " + where + " has run short of replicas for 15 minutes",
			Description: "{{ $value }} replicas are available, fewer than its spec: it has lost the redundancy that keeps it up through a node failure.",
		},
		{
			Alert: "PHIServiceErrorRate",
			Expr: fmt.Sprintf(`sum by (namespace, service) (rate(http_requests_total{%s, code=~"5.."}[5m])) / sum by (namespace, service) (rate(http_requests_total{%s}[5m])) > %s`,
				svc, svc, number(t.ErrorRatio)),
			For:         "5m",
			Severity:    severityCritical,
			Summary:     fmt.Sprintf("PHI service %s answers more than %.4g%% of requests with 5xx", where, t.ErrorRatio*100),
			Description: "{{ $value | humanizePercentage }} of its requests fail: clinical workflows relying on it are failing.",
		},
		{
			Alert: "PHIServiceLatencyHigh",
			Expr: fmt.Sprintf(`histogram_quantile(0.95, sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket{%s}[5m]))) > %s`,
				svc, number(t.LatencySeconds)),
			For:         "10m",
			Severity:    severityWarning,
			Summary:     fmt.Sprintf("PHI service %s p95 latency is above %ss", where, number(t.LatencySeconds)),
			Description: "Its 95th percentile response time is {{ $value | humanizeDuration }}.",
		},
	}
}

// workloadNamespaces is a regex matching the namespaces the targets run in.
func workloadNamespaces(t ServiceTargets) string {
	names := []string{t.ModelServing.Namespace}
	for _, s := range t.PHIServices {
		names = append(names, s.Namespace)
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), "|")
}

func number(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (g ruleGroup) toMap() pulumi.Map {
	rules := make(pulumi.Array, len(g.Rules))
	for i, r := range g.Rules {
		rule := pulumi.Map{
			"alert":  pulumi.String(r.Alert),
			"expr":   pulumi.String(r.Expr),
			"labels": pulumi.StringMap{"severity": pulumi.String(r.Severity)},
			"annotations": pulumi.StringMap{
				"summary":     pulumi.String(r.Summary),
				"description": pulumi.String(r.Description),
			},
		}
		if r.For != "" {
			rule["for"] = pulumi.String(r.For)
		}
		rules[i] = rule
	}
	return pulumi.Map{"name": pulumi.String("healthhub-" + g.Name), "rules": rules}
}
