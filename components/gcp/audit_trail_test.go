package gcp

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/gcp/gcpkit/gcpkittest"
	"github.com/healthhub/estate/components/kit/kittest"
	"github.com/healthhub/estate/internal/mockcloud"
)

const (
	typeAuditConfig = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
	typeSink        = "gcp:logging/projectSink:ProjectSink"
	typeLogMetric   = "gcp:logging/metric:Metric"
	typeAlertPolicy = "gcp:monitoring/alertPolicy:AlertPolicy"
	testChannel     = "projects/healthhub-test/notificationChannels/123"
)

func testTrailArgs(mutate func(*AuditTrailArgs)) *AuditTrailArgs {
	a := &AuditTrailArgs{
		Prefix: "hh-audit", Region: gcpkittest.PrimaryRegion,
		KmsKeyName: pulumi.String(testKeyIn(gcpkittest.PrimaryRegion, "logs")),
		Replica: &BucketReplica{
			Location: gcpkittest.DRRegion, KmsKeyName: pulumi.String(testKeyIn(gcpkittest.DRRegion, "logs")),
		},
		RetentionDays:        2557,
		NotificationChannels: pulumi.ToStringArray([]string{testChannel}),
		Protect:              true, Labels: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

// cisLogMetricFilters are CIS GCP Foundations 2.4 to 2.11 as the benchmark prints them.
var cisLogMetricFilters = map[string]string{
	"project-ownership-changes": `(protoPayload.serviceName="cloudresourcemanager.googleapis.com") AND (ProjectOwnership OR projectOwnerInvitee) OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="REMOVE" AND protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner") OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="ADD" AND protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner")`,
	"audit-config-changes":      `protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*`,
	"custom-role-changes":       `resource.type="iam_role" AND (protoPayload.methodName="google.iam.admin.v1.CreateRole" OR protoPayload.methodName="google.iam.admin.v1.DeleteRole" OR protoPayload.methodName="google.iam.admin.v1.UpdateRole")`,
	"firewall-rule-changes":     `resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR protoPayload.methodName:"compute.firewalls.insert" OR protoPayload.methodName:"compute.firewalls.delete")`,
	"route-changes":             `resource.type="gce_route" AND (protoPayload.methodName:"compute.routes.delete" OR protoPayload.methodName:"compute.routes.insert")`,
	"network-changes":           `resource.type="gce_network" AND (protoPayload.methodName:"compute.networks.insert" OR protoPayload.methodName:"compute.networks.patch" OR protoPayload.methodName:"compute.networks.delete" OR protoPayload.methodName:"compute.networks.removePeering" OR protoPayload.methodName:"compute.networks.addPeering")`,
	"bucket-iam-changes":        `resource.type="gcs_bucket" AND protoPayload.methodName="storage.setIamPermissions"`,
	"sql-instance-changes":      `protoPayload.methodName="cloudsql.instances.update"`,
}

func TestAuditTrailDefaults(t *testing.T) {
	var trail *AuditTrail
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		var err error
		trail, err = NewAuditTrail(ctx, "audit", testTrailArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const archive = "hh-audit-archive"
	writer := fmt.Sprintf("serviceAccount:service-%s@gcp-sa-logging.iam.gserviceaccount.com", mockcloud.GCPProjectNumber)
	table := []kittest.Expectation{
		{Type: typeAuditConfig, Name: "hh-audit-allServices", Path: "service", Want: "allServices"},
		{Type: typeAuditConfig, Name: "hh-audit-allServices", Path: "project", Want: gcpkittest.Project},
		{Type: typeAuditConfig, Name: "hh-audit-allServices", Path: "auditLogConfigs[0].logType", Want: "ADMIN_READ"},
		{Type: typeAuditConfig, Name: "hh-audit-allServices", Path: "auditLogConfigs[1].logType", Want: "DATA_READ"},
		{Type: typeAuditConfig, Name: "hh-audit-allServices", Path: "auditLogConfigs[2].logType", Want: "DATA_WRITE"},
		{Type: typeSink, Name: "hh-audit-audit", Path: "name", Want: "hh-audit-audit"},
		{Type: typeSink, Name: "hh-audit-audit", Path: "destination", Want: "storage.googleapis.com/" + archive},
		{Type: typeSink, Name: "hh-audit-audit", Path: "filter", Want: `logName:"cloudaudit.googleapis.com"`},
		{Type: typeSink, Name: "hh-audit-audit", Path: "uniqueWriterIdentity", Want: true},
		{Type: typeBucketMember, Name: "hh-audit-archive-sink-writes", Path: "bucket", Want: archive},
		{Type: typeBucketMember, Name: "hh-audit-archive-sink-writes", Path: "role", Want: "roles/storage.objectCreator"},
		{Type: typeBucketMember, Name: "hh-audit-archive-sink-writes", Path: "member", Want: writer},
		{Type: typeTransferJob, Name: archive + "-dr", Path: "transferSpec.gcsDataSink.bucketName", Want: archive + "-dr"},
	}
	for name, region := range map[string]string{archive: gcpkittest.PrimaryRegion, archive + "-dr": gcpkittest.DRRegion} {
		table = append(table,
			kittest.Expectation{Type: typeBucket, Name: name, Path: "location", Want: region},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "encryption.defaultKmsKeyName", Want: testKeyIn(region, "logs")},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "retentionPolicy.retentionPeriod", Want: int64(2557 * 86400)},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "retentionPolicy.isLocked", Want: true},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "publicAccessPrevention", Want: "enforced"},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "uniformBucketLevelAccess", Want: true},
			kittest.Expectation{Type: typeBucket, Name: name, Path: "forceDestroy", Want: false},
		)
	}
	for event, filter := range cisLogMetricFilters {
		name := "hh-audit-" + event
		table = append(table,
			kittest.Expectation{Type: typeLogMetric, Name: name, Path: "filter", Want: filter},
			kittest.Expectation{Type: typeLogMetric, Name: name, Path: "metricDescriptor.metricKind", Want: "DELTA"},
		)
	}
	for _, e := range auditEvents {
		name := "hh-audit-" + e.name
		table = append(table,
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "conditions[0].conditionThreshold.filter", Want: `metric.type="logging.googleapis.com/user/` + name + `"`},
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "conditions[0].conditionThreshold.comparison", Want: "COMPARISON_GT"},
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "conditions[0].conditionThreshold.thresholdValue", Want: int64(0)},
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "conditions[0].conditionThreshold.duration", Want: "0s"},
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "notificationChannels", Want: []any{testChannel}},
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "enabled", Want: true},
			kittest.Expectation{Type: typeAlertPolicy, Name: name, Path: "userLabels.data-classification", Want: "phi"},
		)
	}
	kittest.AssertInputs(t, m, table)

	cfg, _ := m.Find(typeAuditConfig, "hh-audit-allServices")
	for i := range 3 {
		_, exempt := cfg.Get(fmt.Sprintf("auditLogConfigs[%d].exemptedMembers", i))
		assert.False(t, exempt, "nobody is exempt from audit logging (CIS GCP 2.1)")
	}
	assert.Len(t, m.ByType(typeLogMetric), len(auditEvents))
	for _, r := range m.ByType(typeBucket) {
		assert.True(t, r.Protect, "%s survives a destroy", r.Name)
		assert.True(t, r.RetainOnDelete, r.Name)
	}

	got := func(o pulumi.StringOutput) string {
		ch := make(chan string, 1)
		o.ApplyT(func(s string) string { ch <- s; return s })
		return <-ch
	}
	assert.Equal(t, archive, got(trail.BucketName))
	assert.Equal(t, writer, got(trail.SinkWriter))
	assert.Empty(t, gcpkittest.ProjectViolations(m, "production"), "the audit trail passes the whole policy pack, and on its own meets the project's audit rules")
}

func TestAuditTrailOutsideProduction(t *testing.T) {
	m := gcpkittest.MustRun(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
		_, err := NewAuditTrail(ctx, "audit", testTrailArgs(func(a *AuditTrailArgs) {
			a.Protect, a.Replica = false, nil
			// The services that hold or guard PHI, by name.
			a.Services = []string{
				"sqladmin.googleapis.com", "storage.googleapis.com", "container.googleapis.com",
				"redis.googleapis.com", "secretmanager.googleapis.com", "cloudkms.googleapis.com",
			}
		}), pulumi.Provider(p.Primary))
		return err
	})
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: typeAuditConfig, Name: "hh-audit-storage.googleapis.com", Path: "auditLogConfigs[1].logType", Want: "DATA_READ"},
		{Type: typeAuditConfig, Name: "hh-audit-sqladmin.googleapis.com", Path: "auditLogConfigs[2].logType", Want: "DATA_WRITE"},
		{Type: typeBucket, Name: "hh-audit-archive", Path: "retentionPolicy.retentionPeriod", Want: int64(2557 * 86400)},
		{Type: typeBucket, Name: "hh-audit-archive", Path: "retentionPolicy.isLocked", Want: false},
	})
	assert.Len(t, m.ByType(typeAuditConfig), 6)
	r, _ := m.Find(typeBucket, "hh-audit-archive")
	assert.False(t, r.Protect, "an unlocked, unprotected archive outside production, which can be torn down")
	assert.Empty(t, gcpkittest.ProjectViolations(m, "dev"), "services named one by one cover the project's PHI services")
}

func TestAuditTrailArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*AuditTrailArgs)
		want   string
	}{
		{"no prefix", func(a *AuditTrailArgs) { a.Prefix = "" }, `AuditTrail: Prefix = "": required`},
		{"multi-region archive", func(a *AuditTrailArgs) { a.Region = "EU" }, `AuditTrail: Region = "EU"`},
		{"no key", func(a *AuditTrailArgs) { a.KmsKeyName = nil }, "AuditTrail: KmsKeyName = <nil>: required"},
		{"short retention", func(a *AuditTrailArgs) { a.RetentionDays = 365 }, "AuditTrail: RetentionDays = 365: must be at least 2190"},
		{"nobody alerted", func(a *AuditTrailArgs) { a.NotificationChannels = nil }, "AuditTrail: NotificationChannels = <nil>: required"},
		{"no services", func(a *AuditTrailArgs) { a.Services = []string{} }, "AuditTrail: Services = []"},
		{"unknown service", func(a *AuditTrailArgs) { a.Services = []string{"storage"} }, `AuditTrail: Services = "storage"`},
		{"repeated service", func(a *AuditTrailArgs) { a.Services = []string{"allServices", "allServices"} }, `AuditTrail: Services = "allServices"`},
		{"no labels", func(a *AuditTrailArgs) { a.Labels = nil }, "AuditTrail: Labels = map[]: must include \"environment\""},
		{"replica in the same region", func(a *AuditTrailArgs) { a.Replica.Location = a.Region }, "SecureBucket: Replica.Location = europe-west2"},
		{"archive name too long", func(a *AuditTrailArgs) { a.Prefix = "a2345678901234567890123456789012345678901234567890123456" }, "SecureBucket: Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := gcpkittest.Run(t, func(ctx *pulumi.Context, p gcpkittest.Providers) error {
				_, err := NewAuditTrail(ctx, "audit", testTrailArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
