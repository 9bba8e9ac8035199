package gcp

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/logging"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/monitoring"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/gcp/gcpkit"
	"github.com/healthhub/estate/components/kit"
)

// AuditTrailArgs configures the project's audit trail (164.312(b) audit controls).
type AuditTrailArgs struct {
	// Prefix names the sink (<prefix>-audit), the archive bucket (<prefix>-archive), the
	// metrics and the alert policies.
	Prefix string
	// Region is the archive bucket's region.
	Region string
	// KmsKeyName is the logs key in Region. Required.
	KmsKeyName pulumi.StringInput
	// Replica keeps a copy of the archive in the DR region: the trail records who touched PHI.
	Replica *BucketReplica
	// RetentionDays is the archive's retention policy, at least the HIPAA six years; locked
	// when Protect.
	RetentionDays int
	// Services get Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE); default
	// allServices.
	Services []string
	// NotificationChannels are the monitoring channels the alerts notify. Required.
	NotificationChannels pulumi.StringArrayInput
	// Protect keeps the archive through destroys and config changes and locks its retention
	// policy (production).
	Protect bool
	Labels  map[string]string
}

// AuditTrail turns on Data Access audit logs, archives every audit log to a locked,
// encrypted bucket, and alerts on the changes CIS GCP Foundations section 2 monitors.
type AuditTrail struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	// SinkWriter is the identity the sink writes to the archive as.
	SinkWriter pulumi.StringOutput `pulumi:"sinkWriter"`
}

// auditEvent is a log-based metric on the audit logs with an alert policy on it.
type auditEvent struct {
	name, description, filter string
}

// auditEvents are CIS GCP Foundations 2.4 to 2.11, whose filters are the benchmark's text
// word for word (scanners compare them so), then three the estate adds.
var auditEvents = []auditEvent{
	{"project-ownership-changes", "Project ownership was granted, removed or offered (CIS 2.4)",
		`(protoPayload.serviceName="cloudresourcemanager.googleapis.com") AND (ProjectOwnership OR projectOwnerInvitee) OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="REMOVE" AND protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner") OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="ADD" AND protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner")`},
	{"audit-config-changes", "The audit logging configuration changed (CIS 2.5)",
		`protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*`},
	{"custom-role-changes", "A custom IAM role was created, changed or deleted (CIS 2.6)",
		`resource.type="iam_role" AND (protoPayload.methodName="google.iam.admin.v1.CreateRole" OR protoPayload.methodName="google.iam.admin.v1.DeleteRole" OR protoPayload.methodName="google.iam.admin.v1.UpdateRole")`},
	{"firewall-rule-changes", "A VPC firewall rule was created, changed or deleted (CIS 2.7)",
		`resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR protoPayload.methodName:"compute.firewalls.insert" OR protoPayload.methodName:"compute.firewalls.delete")`},
	{"route-changes", "A VPC route was created or deleted (CIS 2.8)",
		`resource.type="gce_route" AND (protoPayload.methodName:"compute.routes.delete" OR protoPayload.methodName:"compute.routes.insert")`},
	{"network-changes", "A VPC network or its peering changed (CIS 2.9)",
		`resource.type="gce_network" AND (protoPayload.methodName:"compute.networks.insert" OR protoPayload.methodName:"compute.networks.patch" OR protoPayload.methodName:"compute.networks.delete" OR protoPayload.methodName:"compute.networks.removePeering" OR protoPayload.methodName:"compute.networks.addPeering")`},
	{"bucket-iam-changes", "A Cloud Storage bucket's IAM permissions changed (CIS 2.10)",
		`resource.type="gcs_bucket" AND protoPayload.methodName="storage.setIamPermissions"`},
	{"sql-instance-changes", "A Cloud SQL instance's configuration changed (CIS 2.11)",
		`protoPayload.methodName="cloudsql.instances.update"`},
	// Every grant of access to PHI on GCP is an IAM policy change of the project.
	{"project-iam-changes", "The project's IAM policy changed",
		`protoPayload.serviceName="cloudresourcemanager.googleapis.com" AND protoPayload.methodName="SetIamPolicy"`},
	// A destroyed key version takes the data it encrypts with it; a disabled one makes it
	// unreadable until someone notices.
	{"key-destruction", "A Cloud KMS key version was scheduled for destruction or had its state changed",
		`protoPayload.serviceName="cloudkms.googleapis.com" AND (protoPayload.methodName:"DestroyCryptoKeyVersion" OR protoPayload.methodName:"UpdateCryptoKeyVersion")`},
	// The trail itself: a changed or deleted sink stops the archive.
	{"log-sink-changes", "A log sink was changed or deleted",
		`protoPayload.serviceName="logging.googleapis.com" AND (protoPayload.methodName:"UpdateSink" OR protoPayload.methodName:"DeleteSink")`},
}

// auditService is allServices or one API's service name.
var auditService = regexp.MustCompile(`^(allServices|[a-z0-9-]+(\.[a-z0-9-]+)*\.googleapis\.com)$`)

// Validate checks the Args, the archive bucket's among them, before anything is registered.
func (a *AuditTrailArgs) Validate() error {
	const c = "AuditTrail"
	if a.Prefix == "" {
		return kit.ArgError(c, "Prefix", `""`, "required")
	}
	if err := checkRegionArg(c, "Region", a.Region); err != nil {
		return err
	}
	if a.KmsKeyName == nil {
		return kit.ArgError(c, "KmsKeyName", nil, "required: the archive is always encrypted with a customer-managed key")
	}
	if err := kit.CheckRetention(c, "RetentionDays", a.RetentionDays); err != nil {
		return err
	}
	if a.NotificationChannels == nil {
		return kit.ArgError(c, "NotificationChannels", nil, "required: an alert nobody receives is not an alert")
	}
	if a.Services == nil {
		a.Services = []string{"allServices"}
	}
	if len(a.Services) == 0 {
		return kit.ArgError(c, "Services", a.Services, "must name at least one service, or be nil for allServices")
	}
	for i, s := range a.Services {
		if !auditService.MatchString(s) || slices.Contains(a.Services[:i], s) {
			return kit.ArgError(c, "Services", fmt.Sprintf("%q", s), "must be allServices or distinct service names such as storage.googleapis.com")
		}
	}
	if err := gcpkit.RequireLabels(c, a.Labels); err != nil {
		return err
	}
	return a.archive().Validate()
}

// archive is the archive bucket's Args. It holds nothing but audit logs, which never
// change, so its retention policy stands in for versioning.
func (a *AuditTrailArgs) archive() *SecureBucketArgs {
	return &SecureBucketArgs{
		Name:          a.Prefix + "-archive",
		Location:      a.Region,
		KmsKeyName:    a.KmsKeyName,
		RetentionDays: a.RetentionDays,
		// Prowler cloudstorage_bucket_log_retention_policy_lock, CIS GCP 2.3.
		LockRetention: a.Protect,
		Replica:       a.Replica,
		Protect:       a.Protect,
		Labels:        a.Labels,
	}
}

// NewAuditTrail creates the audit configuration, the archive and its sink, and the alerts.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	t := &AuditTrail{}
	if err := kit.Register(ctx, TypeAuditTrail, name, args, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	project, err := gcpkit.LookupProject(ctx, t)
	if err != nil {
		return nil, err
	}

	// CIS GCP 2.1: every log type, nobody exempted.
	var logTypes projects.IAMAuditConfigAuditLogConfigArray
	for _, lt := range []string{"ADMIN_READ", "DATA_READ", "DATA_WRITE"} {
		logTypes = append(logTypes, projects.IAMAuditConfigAuditLogConfigArgs{LogType: pulumi.String(lt)})
	}
	for _, s := range args.Services {
		if _, err := projects.NewIAMAuditConfig(ctx, fmt.Sprintf("%s-%s", args.Prefix, s), &projects.IAMAuditConfigArgs{
			Project:         pulumi.String(project.ID),
			Service:         pulumi.String(s),
			AuditLogConfigs: logTypes,
		}, parent); err != nil {
			return nil, err
		}
	}

	archive, err := NewSecureBucket(ctx, args.Prefix+"-archive", args.archive(), parent)
	if err != nil {
		return nil, err
	}
	sink, err := logging.NewProjectSink(ctx, args.Prefix+"-audit", &logging.ProjectSinkArgs{
		Name:        pulumi.String(args.Prefix + "-audit"),
		Description: pulumi.String("Every audit log of the project, to the locked archive"),
		Destination: pulumi.Sprintf("storage.googleapis.com/%s", archive.BucketName),
		// Admin Activity, Data Access, System Event and Policy Denied logs; application
		// logs stay out of the archive, and with them any PHI an application logs.
		Filter: pulumi.String(`logName:"cloudaudit.googleapis.com"`),
		// A writer identity of the sink's own, granted on this bucket alone.
		UniqueWriterIdentity: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	// Create only: the sink can neither read back nor replace what it archived.
	if _, err := storage.NewBucketIAMMember(ctx, args.Prefix+"-archive-sink-writes", &storage.BucketIAMMemberArgs{
		Bucket: archive.BucketName,
		Role:   pulumi.String("roles/storage.objectCreator"),
		Member: sink.WriterIdentity,
	}, parent); err != nil {
		return nil, err
	}

	if err := t.alerts(ctx, args); err != nil {
		return nil, err
	}

	t.BucketName = archive.BucketName
	t.SinkWriter = sink.WriterIdentity
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{"bucketName": t.BucketName, "sinkWriter": t.SinkWriter})
}

// alerts creates a counter metric per audit event and an alert policy that fires on any
// occurrence (164.308(a)(1)(ii)(D) information system activity review, 164.308(a)(6)
// incident response).
func (t *AuditTrail) alerts(ctx *pulumi.Context, args *AuditTrailArgs) error {
	parent := pulumi.Parent(t)
	for _, e := range auditEvents {
		name := fmt.Sprintf("%s-%s", args.Prefix, e.name)
		metric, err := logging.NewMetric(ctx, name, &logging.MetricArgs{
			Name:        pulumi.String(name),
			Description: pulumi.String(e.description),
			Filter:      pulumi.String(e.filter),
			// A counter: one point per matching log entry.
			MetricDescriptor: logging.MetricMetricDescriptorArgs{
				MetricKind: pulumi.String("DELTA"),
				ValueType:  pulumi.String("INT64"),
				Unit:       pulumi.String("1"),
			},
		}, parent)
		if err != nil {
			return err
		}
		if _, err := monitoring.NewAlertPolicy(ctx, name, &monitoring.AlertPolicyArgs{
			DisplayName: pulumi.Sprintf("%s: %s", args.Prefix, e.description),
			Combiner:    pulumi.String("OR"),
			Conditions: monitoring.AlertPolicyConditionArray{monitoring.AlertPolicyConditionArgs{
				DisplayName: pulumi.String(e.description),
				ConditionThreshold: monitoring.AlertPolicyConditionConditionThresholdArgs{
					// Any resource type: the events' resources (firewall rules, roles) are
					// not all monitored resource types of their own.
					Filter: pulumi.Sprintf(`metric.type="logging.googleapis.com/user/%s"`, metric.Name),
					// Any occurrence, at once.
					Comparison:     pulumi.String("COMPARISON_GT"),
					ThresholdValue: pulumi.Float64(0),
					Duration:       pulumi.String("0s"),
					Aggregations: monitoring.AlertPolicyConditionConditionThresholdAggregationArray{
						monitoring.AlertPolicyConditionConditionThresholdAggregationArgs{
							AlignmentPeriod:    pulumi.String("60s"),
							PerSeriesAligner:   pulumi.String("ALIGN_SUM"),
							CrossSeriesReducer: pulumi.String("REDUCE_SUM"),
						},
					},
					Trigger: monitoring.AlertPolicyConditionConditionThresholdTriggerArgs{Count: pulumi.Int(1)},
				},
			}},
			NotificationChannels: args.NotificationChannels,
			Documentation: monitoring.AlertPolicyDocumentationArgs{
				Content:  pulumi.Sprintf("%s. Find the entry in Logs Explorer with the filter of log-based metric %s, confirm the change was planned, and open an incident if it was not.", e.description, name),
				MimeType: pulumi.String("text/markdown"),
			},
			Severity:   pulumi.String("CRITICAL"),
			Enabled:    pulumi.Bool(true),
			UserLabels: gcpkit.Labels(args.Labels),
		}, parent); err != nil {
			return err
		}
	}
	return nil
}
