package azure

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// DiagnosticsArgs names the resources whose logs go to the audit trail.
type DiagnosticsArgs struct {
	// WorkspaceId is the audit trail's Log Analytics workspace (ARM id).
	WorkspaceId pulumi.StringInput
	// StorageAccountId is the audit trail's immutable archive account (ARM id): the
	// workspace is for searching, the archive is the six-year record.
	StorageAccountId pulumi.StringInput
	// Targets are the resources to log; at least one.
	Targets []DiagnosticTarget
}

// DiagnosticTarget is one resource whose resource logs are collected.
type DiagnosticTarget struct {
	// Name tells the target's settings apart: the Pulumi resource is <component>-<Name>.
	// Lowercase letters, digits and hyphens, distinct within the component.
	Name string
	// ResourceId is the resource's ARM id. For a storage account it is a service of it
	// (<account id>/blobServices/default): the account itself has metrics only.
	ResourceId pulumi.StringInput
	// Metrics also sends the resource's platform metrics (AllMetrics).
	Metrics bool
}

// Diagnostics is one diagnostic setting per target: every log category the resource has
// (the allLogs group, so a category Azure adds later is collected too), to resource-specific
// tables in the workspace and to the archive.
type Diagnostics struct {
	pulumi.ResourceState
}

// diagnosticSettingName is the setting's name on every target. Azure allows five settings per
// resource and refuses two that send one category to one destination, so the estate keeps one.
const diagnosticSettingName = "healthhub-audit-trail"

// diagnosticTargetName is a target's Name.
var diagnosticTargetName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// Validate checks the Args before anything is registered.
func (a *DiagnosticsArgs) Validate() error {
	const c = "Diagnostics"
	switch {
	case a.WorkspaceId == nil:
		return kit.ArgError(c, "WorkspaceId", nil, "required: the audit trail's workspace")
	case a.StorageAccountId == nil:
		return kit.ArgError(c, "StorageAccountId", nil, "required: the audit trail's archive, which keeps the logs for the retention floor")
	case len(a.Targets) == 0:
		return kit.ArgError(c, "Targets", "[]", "must name at least one resource")
	}
	for i, t := range a.Targets {
		arg := fmt.Sprintf("Targets[%d]", i)
		switch {
		case !diagnosticTargetName.MatchString(t.Name):
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", t.Name), "must start with a letter and hold at most 63 lowercase letters, digits or hyphens")
		case slices.ContainsFunc(a.Targets[:i], func(o DiagnosticTarget) bool { return o.Name == t.Name }):
			return kit.ArgError(c, arg+".Name", fmt.Sprintf("%q", t.Name), "must be distinct: each target is named once")
		case t.ResourceId == nil:
			return kit.ArgError(c, arg+".ResourceId", nil, "required: the resource to log")
		}
	}
	return nil
}

// NewDiagnostics creates a diagnostic setting per target.
func NewDiagnostics(ctx *pulumi.Context, name string, args *DiagnosticsArgs, opts ...pulumi.ResourceOption) (*Diagnostics, error) {
	d := &Diagnostics{}
	if err := kit.Register(ctx, TypeDiagnostics, name, args, d, opts...); err != nil {
		return nil, err
	}
	for _, t := range args.Targets {
		setting := &insights.DiagnosticSettingArgs{
			Name:        pulumi.String(diagnosticSettingName),
			ResourceUri: t.ResourceId,
			Logs: insights.LogSettingsArray{insights.LogSettingsArgs{
				CategoryGroup: pulumi.String("allLogs"),
				Enabled:       pulumi.Bool(true),
			}},
			WorkspaceId: args.WorkspaceId,
			// Resource-specific tables (AKSAudit, AZKVAuditLogs, ...) rather than the shared
			// AzureDiagnostics table: a schema per resource type, and per-table retention,
			// which the audit trail sets on each.
			LogAnalyticsDestinationType: pulumi.String("Dedicated"),
			// No retention policy: retention belongs to the workspace's tables and the
			// archive's immutability, and Azure has retired per-setting retention.
			StorageAccountId: args.StorageAccountId,
		}
		if t.Metrics {
			setting.Metrics = insights.MetricSettingsArray{insights.MetricSettingsArgs{
				Category: pulumi.String("AllMetrics"),
				Enabled:  pulumi.Bool(true),
			}}
		}
		if _, err := insights.NewDiagnosticSetting(ctx, name+"-"+t.Name, setting, pulumi.Parent(d)); err != nil {
			return nil, err
		}
	}
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{})
}
