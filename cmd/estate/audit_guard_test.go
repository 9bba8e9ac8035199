package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/stacks"
)

// guardRules are the rules for the AWS types a team adds next to the estate.
var guardRules = []string{
	"aws-ebs-volume-encrypted-cmk", "aws-efs-encrypted-cmk", "aws-ecr-encrypted-cmk", "aws-ec2-instance-hardened",
	"aws-elb-classic-hardened", "aws-s3-legacy-bucket-hardened", "aws-athena-encrypted-cmk", "aws-appflow-encrypted-cmk",
	"aws-kms-key-lockout-safety-check", "aws-iam-password-policy",
	"aws-ec2-launch-template-hardened", "aws-api-gateway-access-logs", "estate-phi-dr-copy",
}

func auditGuardFixture(t *testing.T, file string) (code int, report auditReport, stderr string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, stacks.Run, "audit", "testdata/"+file,
		"--allowed-regions", "eu-west-2,eu-west-1", "--environment", "production", "--json")
	require.NoError(t, json.Unmarshal([]byte(stdout), &report), stderr)
	return code, report, stderr
}

// TestAuditGuardsAddedTypes audits a state export of the HIPAA-relevant types a new user adds
// as first written: every guard rule reports, and the audit fails.
func TestAuditGuardsAddedTypes(t *testing.T) {
	code, report, stderr := auditGuardFixture(t, "guard-insecure.json")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "mandatory policy violation")
	assert.Equal(t, 17, report.Resources, "the stack itself is left out")
	found := map[string]bool{}
	for _, v := range report.Violations {
		found[v.Policy] = true
	}
	for _, rule := range guardRules {
		assert.True(t, found[rule], "%s reported nothing", rule)
	}
}

// TestAuditPassesSecureAddedTypes audits the same types written securely: not one finding.
func TestAuditPassesSecureAddedTypes(t *testing.T) {
	code, report, stderr := auditGuardFixture(t, "guard-secure.json")
	assert.Equal(t, 0, code, stderr)
	assert.Empty(t, report.Violations)
	assert.Equal(t, 21, report.Resources, "the added resources and the public access blocks of the two legacy buckets")
}
