package gcp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/rulestest"
)

var provider = rules.Resource{URN: rulestest.GCPProviderURN, Type: TypeProvider, Name: "gcp-primary", Region: "europe-west2", Inputs: map[string]any{"region": "europe-west2"}}

func auditConfig(service string, logTypes ...string) rules.Resource {
	var configs []any
	for _, lt := range logTypes {
		configs = append(configs, map[string]any{"logType": lt})
	}
	return res(TypeAuditConfig, "audit-"+service, map[string]any{"project": "healthhub-prod", "service": service, "auditLogConfigs": configs})
}

// alertedMetric is a log-based metric with an alert policy on it that notifies a channel.
func alertedMetric(name, filter string) []rules.Resource {
	metric := res(TypeLogMetric, name, map[string]any{"name": name, "filter": filter})
	policy := dependsOn(res(TypeAlertPolicy, name, map[string]any{"enabled": true, "notificationChannels": []any{rules.Unknown}}), metric)
	return []rules.Resource{metric, policy}
}

// auditTrail is the estate's audit trail: Data Access logs for all services, the sink to the
// archive, and the alerts.
func auditTrail() []rules.Resource {
	all := []rules.Resource{
		auditConfig("allServices", "ADMIN_READ", "DATA_READ", "DATA_WRITE"),
		archiveBucket(2190, true),
		auditSink("storage.googleapis.com/healthhub-prod-archive", archiveBucket(2190, true)),
	}
	for _, m := range []struct{ name, filter string }{
		{"project-iam-changes", `protoPayload.serviceName="cloudresourcemanager.googleapis.com" AND protoPayload.methodName="SetIamPolicy"`},
		{"audit-config-changes", `protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*`},
		{"firewall-rule-changes", `resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR protoPayload.methodName:"compute.firewalls.insert" OR protoPayload.methodName:"compute.firewalls.delete")`},
		{"sql-instance-changes", `protoPayload.methodName="cloudsql.instances.update"`},
	} {
		all = append(all, alertedMetric(m.name, m.filter)...)
	}
	return all
}

// without drops the resources of a type.
func without(all []rules.Resource, typ string) []rules.Resource {
	var out []rules.Resource
	for _, r := range all {
		if r.Type != typ {
			out = append(out, r)
		}
	}
	return out
}

func loggingCases() []ruleCase {
	key := res(TypeCryptoKey, "phi", map[string]any{"rotationPeriod": "7776000s"})
	stack := func(extra ...rules.Resource) []rules.Resource {
		return append([]rules.Resource{provider, key}, extra...)
	}
	trail := auditTrail()
	var perService []rules.Resource
	for _, s := range auditedServices {
		perService = append(perService, auditConfig(s, "DATA_WRITE", "DATA_READ", "ADMIN_READ"))
	}
	exempted := auditConfig("allServices", "ADMIN_READ", "DATA_READ", "DATA_WRITE")
	exempted.Inputs["auditLogConfigs"].([]any)[1].(map[string]any)["exemptedMembers"] = []any{"user:dba@healthhub.example"}
	sink := func(inputs map[string]any) rules.Resource { return res(TypeProjectSink, "audit", inputs) }
	noSQLAlert := without(trail, TypeAlertPolicy)
	for _, r := range trail {
		if r.Type == TypeAlertPolicy && r.Name != "sql-instance-changes" {
			noSQLAlert = append(noSQLAlert, r)
		}
	}
	// The audit configuration metric names SetIamPolicy too, but counts only some calls.
	var onlyAuditConfigIAM []rules.Resource
	for _, r := range trail {
		if r.Name != "project-iam-changes" {
			onlyAuditConfigIAM = append(onlyAuditConfigIAM, r)
		}
	}
	mutedSQL := without(trail, TypeAlertPolicy)
	for _, r := range trail {
		if r.Type == TypeAlertPolicy && r.Name == "sql-instance-changes" {
			r = withInput(r, "notificationChannels", []any{})
		}
		if r.Type == TypeAlertPolicy {
			mutedSQL = append(mutedSQL, r)
		}
	}

	return []ruleCase{
		{"gcp-logging-audit-config", "all services", stack(trail...), false, "", ""},
		{"gcp-logging-audit-config", "each audited service by name", stack(perService...), false, "", ""},
		{"gcp-logging-audit-config", "a stack that deploys nothing to GCP", []rules.Resource{provider}, false, "", ""},
		{"gcp-logging-audit-config", "none", stack(), true, "Data Access audit logs are off (or exempt members) for sqladmin.googleapis.com DATA_READ", ""},
		{"gcp-logging-audit-config", "writes only", stack(auditConfig("allServices", "DATA_WRITE")), true, "storage.googleapis.com ADMIN_READ", ""},
		{"gcp-logging-audit-config", "a service left out", stack(perService[1:]...), true, "sqladmin.googleapis.com DATA_WRITE", ""},
		{"gcp-logging-audit-config", "an exempted member", stack(exempted), true, "cloudkms.googleapis.com DATA_READ", ""},

		{"gcp-logging-audit-sink", "audit logs to the archive", stack(trail...), false, "", ""},
		{"gcp-logging-audit-sink", "every log, to a bucket outside the stack", stack(sink(map[string]any{"destination": "storage.googleapis.com/org-archive"})), false, "", ""},
		{"gcp-logging-audit-sink", "no sink", stack(), true, "no enabled project sink exports the audit logs", ""},
		{"gcp-logging-audit-sink", "to BigQuery", stack(sink(map[string]any{"destination": "bigquery.googleapis.com/projects/p/datasets/logs"})), true, "no enabled project sink", ""},
		{"gcp-logging-audit-sink", "application logs only", stack(sink(map[string]any{"destination": "storage.googleapis.com/app-logs", "filter": `resource.type="k8s_container"`})), true, "no enabled project sink", ""},
		{"gcp-logging-audit-sink", "disabled", stack(sink(map[string]any{"destination": "storage.googleapis.com/org-archive", "disabled": true})), true, "no enabled project sink", ""},

		{"gcp-logging-security-alerts", "every event alerted", stack(trail...), false, "", ""},
		{"gcp-logging-security-alerts", "no metrics", stack(), true, "no log-based metric counts IAM policy changes", ""},
		{"gcp-logging-security-alerts", "IAM policy changes counted only when they touch the audit configuration", stack(onlyAuditConfigIAM...), true, "no log-based metric counts IAM policy changes", ""},
		{"gcp-logging-security-alerts", "a metric nobody is alerted on", stack(noSQLAlert...), true, "no enabled alert policy with a notification channel watches the metric of Cloud SQL instance changes", ""},
		{"gcp-logging-security-alerts", "an alert that notifies no one", stack(mutedSQL...), true, "Cloud SQL instance changes", ""},
	}
}

func TestProjectFindingsLandOnTheProvider(t *testing.T) {
	vs := rules.Evaluate(Rules, []rules.Resource{res(TypeCryptoKey, "phi", map[string]any{"rotationPeriod": "7776000s"}), provider}, rulestest.GCPConfig)
	var project []rules.Violation
	for _, v := range vs {
		for _, name := range ProjectRules {
			if v.Policy == name {
				project = append(project, v)
			}
		}
	}
	require.Len(t, project, len(securityEvents)+2, "audit config, sink, and one per security event")
	for _, v := range project {
		assert.Equal(t, provider.URN, v.URN, v.Policy)
	}
}
