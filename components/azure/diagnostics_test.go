package azure

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/azure/azurekit/azurekittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

var (
	diagVault   = azurekittest.ResourceID("Microsoft.KeyVault", "vaults", "hhkvuks")
	diagCluster = azurekittest.ResourceID("Microsoft.ContainerService", "managedClusters", "hh-aks")
	diagBlobs   = azurekittest.ResourceID("Microsoft.Storage", "storageAccounts", "hhrecords") + "/blobServices/default"
)

func diagnosticsArgs(mutate func(*DiagnosticsArgs)) *DiagnosticsArgs {
	a := &DiagnosticsArgs{
		WorkspaceId: pulumi.String(workspaceARM), StorageAccountId: pulumi.String(archiveARM),
		Targets: []DiagnosticTarget{
			{Name: "key-vault", ResourceId: pulumi.String(diagVault), Metrics: true},
			{Name: "cluster", ResourceId: pulumi.String(diagCluster)},
			{Name: "records-blobs", ResourceId: pulumi.String(diagBlobs)},
		},
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestDiagnosticsDefaults(t *testing.T) {
	m := azurekittest.MustRun(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
		_, err := NewDiagnostics(ctx, "diag", diagnosticsArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	allLogs := []any{map[string]any{"categoryGroup": "allLogs", "enabled": true}}
	var table []kittest.Expectation
	for name, target := range map[string]string{"diag-key-vault": diagVault, "diag-cluster": diagCluster, "diag-records-blobs": diagBlobs} {
		table = append(table,
			kittest.Expectation{Type: diagSetting, Name: name, Path: "name", Want: "healthhub-audit-trail"},
			kittest.Expectation{Type: diagSetting, Name: name, Path: "resourceUri", Want: target},
			kittest.Expectation{Type: diagSetting, Name: name, Path: "logs", Want: allLogs},
			kittest.Expectation{Type: diagSetting, Name: name, Path: "workspaceId", Want: workspaceARM},
			kittest.Expectation{Type: diagSetting, Name: name, Path: "logAnalyticsDestinationType", Want: "Dedicated"},
			kittest.Expectation{Type: diagSetting, Name: name, Path: "storageAccountId", Want: archiveARM},
		)
	}
	table = append(table, kittest.Expectation{Type: diagSetting, Name: "diag-key-vault", Path: "metrics",
		Want: []any{map[string]any{"category": "AllMetrics", "enabled": true}}})
	kittest.AssertInputs(t, m, table)

	assert.Len(t, m.ByType(diagSetting), 3)
	for _, name := range []string{"diag-cluster", "diag-records-blobs"} {
		r, _ := m.Find(diagSetting, name)
		_, metrics := r.Get("metrics")
		assert.False(t, metrics, "%s sends no metrics unless asked", name)
	}
	for _, r := range m.ByType(diagSetting) {
		_, retention := r.Get("logs[0].retentionPolicy")
		assert.False(t, retention, "retention is the workspace's and the archive's, not the setting's")
	}
	assert.Empty(t, azurekittest.Violations(m, "production"), "the settings pass the whole policy pack")
}

func TestDiagnosticsArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*DiagnosticsArgs)
		want   string
	}{
		{"no workspace", func(a *DiagnosticsArgs) { a.WorkspaceId = nil }, "Diagnostics: WorkspaceId = <nil>: required"},
		{"no archive", func(a *DiagnosticsArgs) { a.StorageAccountId = nil }, "Diagnostics: StorageAccountId = <nil>: required"},
		{"no targets", func(a *DiagnosticsArgs) { a.Targets = nil }, "Diagnostics: Targets = []: must name at least one resource"},
		{"unnamed target", func(a *DiagnosticsArgs) { a.Targets[1].Name = "" }, `Diagnostics: Targets[1].Name = "": must start with a letter`},
		{"target name with a space", func(a *DiagnosticsArgs) { a.Targets[0].Name = "key vault" }, `Diagnostics: Targets[0].Name = "key vault"`},
		{"repeated target", func(a *DiagnosticsArgs) { a.Targets[2].Name = "cluster" }, `Diagnostics: Targets[2].Name = "cluster": must be distinct`},
		{"target without resource", func(a *DiagnosticsArgs) { a.Targets[0].ResourceId = nil }, "Diagnostics: Targets[0].ResourceId = <nil>: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := azurekittest.Run(t, func(ctx *pulumi.Context, p azurekittest.Providers) error {
				_, err := NewDiagnostics(ctx, "diag", diagnosticsArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
