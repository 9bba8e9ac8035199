package gcp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Cloud Audit Logs, their export and the alerts on them.
const (
	TypeAuditConfig         = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
	TypeFolderAuditConfig   = "gcp:folder/iamAuditConfig:IamAuditConfig"
	TypeOrgAuditConfig      = "gcp:organizations/iamAuditConfig:IamAuditConfig"
	TypeProjectSink         = "gcp:logging/projectSink:ProjectSink"
	TypeLogMetric           = "gcp:logging/metric:Metric"
	TypeLogBucketConfig     = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
	TypeAlertPolicy         = "gcp:monitoring/alertPolicy:AlertPolicy"
	TypeNotificationChannel = "gcp:monitoring/notificationChannel:NotificationChannel"
)

// ProjectRules are about the GCP project rather than one resource: they hold for any stack
// that deploys GCP resources and report on projectAnchor. A test of one component, which
// builds a part of a stack, leaves them out.
var ProjectRules = []string{loggingAuditConfig.Name, loggingAuditSink.Name, loggingSecurityAlerts.Name}

// projectAnchor is what a project-wide finding is reported on: the stack's first GCP
// provider, else its first GCP resource; false when the stack deploys nothing on GCP.
func projectAnchor(all []rules.Resource) (rules.Resource, bool) {
	return rules.Anchor(all, TypeProvider, "gcp")
}

// auditedServices are the services that hold or guard PHI: Data Access logs must cover them
// all, by name or through allServices.
var auditedServices = []string{
	"sqladmin.googleapis.com", "storage.googleapis.com", "container.googleapis.com",
	"redis.googleapis.com", "secretmanager.googleapis.com", "cloudkms.googleapis.com",
}

// auditLogTypes: Admin Activity logs are always on; these are the Data Access logs, off by
// default, that record who read and who changed PHI and its keys (CIS GCP 2.1).
var auditLogTypes = []string{"DATA_READ", "DATA_WRITE", "ADMIN_READ"}

var loggingAuditConfig = rules.Rule{
	Name:        "gcp-logging-audit-config",
	Cloud:       rules.CloudGCP,
	Description: "A stack that deploys to GCP turns on Data Access audit logs (DATA_READ, DATA_WRITE, ADMIN_READ) with no exempted members, for allServices or for each of Cloud SQL, Cloud Storage, GKE, Memorystore, Secret Manager and Cloud KMS, by an IAM audit config of the project, its folder or its organization in the stack.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "service and log types fail",
	Level:       rules.Mandatory,
	Types:       []string{TypeAuditConfig, TypeFolderAuditConfig, TypeOrgAuditConfig},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		anchor, deploys := projectAnchor(all)
		if !deploys {
			return nil
		}
		covered := map[string]bool{} // service + " " + log type
		for _, r := range all {
			if r.Type != TypeAuditConfig && r.Type != TypeFolderAuditConfig && r.Type != TypeOrgAuditConfig {
				continue
			}
			for i := range rules.List(r.Inputs, "auditLogConfigs") {
				at := fmt.Sprintf("auditLogConfigs[%d].", i)
				if len(rules.List(r.Inputs, at+"exemptedMembers")) == 0 {
					covered[rules.Str(r.Inputs, "service")+" "+rules.Str(r.Inputs, at+"logType")] = true
				}
			}
		}
		var missing []string
		for _, lt := range auditLogTypes {
			if covered["allServices "+lt] {
				continue
			}
			for _, svc := range auditedServices {
				if !covered[svc+" "+lt] {
					missing = append(missing, svc+" "+lt)
				}
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return []rules.Finding{{URN: anchor.URN, Message: "Data Access audit logs are off (or exempt members) for " + strings.Join(missing, ", ") +
			": add a gcp.projects.IAMAuditConfig for allServices with DATA_READ, DATA_WRITE and ADMIN_READ"}}
	},
}

// loggingAuditSink: Cloud Logging keeps Data Access logs 30 days in its _Default bucket; a
// sink copies them to a bucket where the retention floor and a lock apply
// (gcp-storage-audit-log-retention).
var loggingAuditSink = rules.Rule{
	Name:        "gcp-logging-audit-sink",
	Cloud:       rules.CloudGCP,
	Description: "A stack that deploys to GCP exports its audit logs (a filter naming cloudaudit.googleapis.com, or none) with an enabled project sink to a Cloud Storage bucket.",
	Sections:    []rules.Section{rules.AuditControls, rules.DocumentationRetention},
	Unknown:     "an unknown destination passes when the sink refers to a bucket of the stack; an unknown filter fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeProjectSink},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		anchor, deploys := projectAnchor(all)
		if !deploys {
			return nil
		}
		for _, s := range all {
			if s.Type == TypeProjectSink && exportsAuditLogs(s) && toBucket(all, s) {
				return nil
			}
		}
		return []rules.Finding{{URN: anchor.URN, Message: "no enabled project sink exports the audit logs (filter naming cloudaudit.googleapis.com) to a Cloud Storage bucket: Cloud Logging keeps Data Access logs only 30 days"}}
	},
}

func exportsAuditLogs(sink rules.Resource) bool {
	if rules.ExplicitlyTrue(sink.Inputs, "disabled") {
		return false
	}
	f, set := rules.Get(sink.Inputs, "filter")
	return !set || f == "" || strings.Contains(rules.Str(sink.Inputs, "filter"), "cloudaudit.googleapis.com")
}

func toBucket(all []rules.Resource, sink rules.Resource) bool {
	return strings.HasPrefix(rules.Str(sink.Inputs, "destination"), storageDestination) || sinkBucket(all, sink).URN != ""
}

// securityEvents are the changes CIS GCP 2.4 to 2.8 and 2.11 ask log-based alerts for, by a
// part of the filter that selects them (compared without case). A filter that also names
// narrower counts only some of those changes: the audit configuration metric names
// SetIamPolicy too, but counts only the calls that change the audit configuration, so it is
// no metric of IAM policy changes.
var securityEvents = []struct{ what, marker, narrower string }{
	{"IAM policy changes", "SetIamPolicy", "AuditConfigDelta"},
	{"audit configuration changes", "AuditConfigDelta", ""},
	{"firewall rule changes", "compute.firewalls.", ""},
	{"Cloud SQL instance changes", "cloudsql.instances.update", ""},
}

// counts: the metric's filter selects the event's changes, all of them.
func counts(metric rules.Resource, marker, narrower string) bool {
	filter := strings.ToLower(rules.Str(metric.Inputs, "filter"))
	return strings.Contains(filter, strings.ToLower(marker)) && (narrower == "" || !strings.Contains(filter, strings.ToLower(narrower)))
}

// loggingSecurityAlerts: an IAM, audit, firewall or database change made outside the
// estate's deployments is the first sign of an intrusion; someone must hear of it at once
// (164.308(a)(1)(ii)(D) information system activity review).
var loggingSecurityAlerts = rules.Rule{
	Name:        "gcp-logging-security-alerts",
	Cloud:       rules.CloudGCP,
	Description: "A stack that deploys to GCP has log-based metrics for IAM policy, audit configuration, firewall rule and Cloud SQL instance changes, each with an enabled alert policy that notifies a channel; a metric of audit configuration changes alone does not count every IAM policy change.",
	Sections:    []rules.Section{rules.AuditControls, rules.IncidentResponse},
	Unknown:     "an unknown filter fails; unknown channels pass",
	Level:       rules.Mandatory,
	Types:       []string{TypeLogMetric, TypeAlertPolicy},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		anchor, deploys := projectAnchor(all)
		if !deploys {
			return nil
		}
		var out []rules.Finding
		for _, e := range securityEvents {
			var metrics []rules.Resource
			for _, m := range all {
				if m.Type == TypeLogMetric && !rules.ExplicitlyTrue(m.Inputs, "disabled") && counts(m, e.marker, e.narrower) {
					metrics = append(metrics, m)
				}
			}
			if len(metrics) == 0 {
				out = append(out, rules.Finding{URN: anchor.URN, Message: fmt.Sprintf("no log-based metric counts %s (a filter naming %s)", e.what, e.marker)})
				continue
			}
			if !slices.ContainsFunc(metrics, func(m rules.Resource) bool { return alerted(all, m) }) {
				out = append(out, rules.Finding{URN: metrics[0].URN, Message: fmt.Sprintf("no enabled alert policy with a notification channel watches the metric of %s", e.what)})
			}
		}
		return out
	},
}

// alerted: an enabled alert policy that refers to the metric notifies at least one channel.
func alerted(all []rules.Resource, metric rules.Resource) bool {
	for _, p := range rules.Dependents(all, metric, TypeAlertPolicy) {
		channels, _ := rules.Get(p.Inputs, "notificationChannels")
		notifies := rules.IsUnknown(channels) || len(rules.List(p.Inputs, "notificationChannels")) > 0
		if v, ok := rules.Get(p.Inputs, "enabled"); notifies && (!ok || v == true) {
			return true
		}
	}
	return false
}
