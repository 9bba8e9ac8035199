package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/stacks"
)

// savedPlan writes a shipped stack's plan to a file, after edit changes its decoded form.
func savedPlan(t *testing.T, stack string, edit func(p map[string]any)) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, stacks.Run, "plan", stack, "--dir", repo, "--json")
	require.Equal(t, 0, code, stderr)
	var p map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &p))
	if edit != nil {
		edit(p)
	}
	data, err := json.Marshal(p)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	return file
}

func eachResource(p map[string]any, fn func(r map[string]any) bool) {
	var kept []any
	for _, raw := range p["resources"].([]any) {
		if fn(raw.(map[string]any)) {
			kept = append(kept, raw)
		}
	}
	p["resources"] = kept
}

// A saved plan of each shipped stack audits as it planned, with the regions and environment of
// its own stack file: the AWS stacks' three advisories, nothing on GCP, and on Azure the
// ingress add-on's Reader on its gateway's group.
func TestAuditCleanPlan(t *testing.T) {
	tests := []struct {
		stack, regions string
		advisory       int
	}{
		{"production", "eu-west-2, eu-west-1, us-east-1", 3},
		{"production-gcp", "europe-west2, europe-west1", 0},
		{"dev-gcp", "europe-west2, europe-west1", 0},
		{"production-azure", "uksouth, ukwest", 1},
		{"dev-azure", "uksouth, ukwest", 1},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			file := savedPlan(t, tt.stack, nil)
			code, stdout, stderr := runCLI(t, stacks.Run, "audit", file, "--dir", repo)
			require.Equal(t, 0, code, stderr, "advisory findings pass")
			assert.Contains(t, stdout, "allowed regions "+tt.regions, "taken from Pulumi.%s.yaml", tt.stack)
			if tt.advisory == 0 {
				assert.Contains(t, stdout, "no violations")
			} else {
				assert.Contains(t, stdout, fmt.Sprintf("0 mandatory, %d advisory", tt.advisory))
			}

			code, stdout, stderr = runCLI(t, stacks.Run, "audit", file, "--dir", repo, "--json")
			require.Equal(t, 0, code, stderr)
			var report auditReport
			require.NoError(t, json.Unmarshal([]byte(stdout), &report))
			assert.Equal(t, tt.stack, report.Stack)
			assert.Equal(t, 0, report.Mandatory)
			assert.Equal(t, tt.advisory, report.Advisory)
			assert.Greater(t, report.Resources, 100, "the whole estate was read")
		})
	}
}

// The GCP rules judge a GCP plan: keys that stop rotating and archive buckets that lose their
// customer-managed key fail the audit, so a clean GCP audit means they were checked.
func TestAuditFindsTamperedGCPPlan(t *testing.T) {
	file := savedPlan(t, "production-gcp", func(p map[string]any) {
		eachResource(p, func(r map[string]any) bool {
			switch r["type"] {
			case "gcp:kms/cryptoKey:CryptoKey":
				delete(r["inputs"].(map[string]any), "rotationPeriod")
			case "gcp:storage/bucket:Bucket":
				delete(r["inputs"].(map[string]any), "encryption")
			}
			return true
		})
	})
	code, stdout, stderr := runCLI(t, stacks.Run, "audit", file, "--dir", repo, "--json")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "mandatory policy violation")
	var report auditReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &report))
	policies := map[string]int{}
	for _, v := range report.Violations {
		policies[v.Policy]++
	}
	assert.Equal(t, map[string]int{"gcp-kms-key-rotation": 14, "gcp-storage-encrypted-cmek": 2}, policies,
		"every key of both key rings, and the audit archive and its DR copy")
	assert.Equal(t, 16, report.Mandatory)
	assert.Equal(t, "production-gcp", report.Stack)
}

func TestAuditFindsTamperedPlan(t *testing.T) {
	file := savedPlan(t, "production", func(p map[string]any) {
		eachResource(p, func(r map[string]any) bool {
			if r["type"] == "aws:kms/key:Key" {
				r["inputs"].(map[string]any)["enableKeyRotation"] = false
			}
			return r["type"] != "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
		})
	})
	code, stdout, stderr := runCLI(t, stacks.Run, "audit", file, "--dir", repo, "--json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "mandatory policy violation")
	var report auditReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &report))
	policies := map[string]int{}
	for _, v := range report.Violations {
		policies[v.Policy]++
	}
	assert.Equal(t, map[string]int{"aws-kms-key-rotation": 5, "aws-s3-encryption-cmk": 5, "aws-api-gateway-authorization": 1, "aws-secrets-rotation": 2}, policies,
		"the archive and its copy, the access-log, artifact and web-app buckets lost their encryption; the public sign-up route and the backend's credentials stay advisory")
	assert.Equal(t, 10, report.Mandatory)
	assert.Equal(t, "production", report.Stack)
}

func TestAuditStateExportWithFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"version": 3, "deployment": {"resources": [
	  {"urn": "urn:pulumi:prod::healthhub::pulumi:providers:aws::default", "type": "pulumi:providers:aws", "custom": true, "inputs": {"region": "us-west-2"}},
	  {"urn": "urn:pulumi:prod::healthhub::aws:kms/key:Key::k", "type": "aws:kms/key:Key", "custom": true,
	   "provider": "urn:pulumi:prod::healthhub::pulumi:providers:aws::default::id", "inputs": {"enableKeyRotation": true}}]}}`), 0o644))

	code, stdout, _ := runCLI(t, stacks.Run, "audit", file, "--allowed-regions", "eu-west-2,eu-west-1", "--environment", "production")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "state, 2 resources")
	assert.Contains(t, stdout, "estate-region-allow-list")
	assert.Contains(t, stdout, "us-west-2")
	assert.Contains(t, stdout, "estate-stateful-protected", "an unprotected production key")

	code, _, _ = runCLI(t, stacks.Run, "audit", file, "--allowed-regions", "us-west-2", "--environment", "dev")
	assert.Equal(t, 0, code, "advisory findings only")
}

func TestAuditErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.json")
	require.NoError(t, os.WriteFile(garbage, []byte("{not json"), 0o644))
	state := filepath.Join(dir, "state.json")
	require.NoError(t, os.WriteFile(state, []byte(`{"deployment": {"resources": []}}`), 0o644))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"audit", filepath.Join(dir, "none.json")}, "no such file"},
		{"malformed file", []string{"audit", garbage}, "not JSON"},
		{"no regions known", []string{"audit", state}, "no allowed regions known"},
		{"bad environment", []string{"audit", state, "--allowed-regions", "eu-west-2", "--environment", "prod"}, `--environment "prod"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, stacks.Run, tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "goroutine")
		})
	}
}
