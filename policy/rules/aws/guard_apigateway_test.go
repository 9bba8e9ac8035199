package aws

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/healthhub/estate/policy/rules"
)

// TestAccessLogFormat drives the stage's format check, which aws-api-gateway-access-logs runs.
func TestAccessLogFormat(t *testing.T) {
	stage := func(typ string, format any) rules.Resource {
		settings := map[string]any{"destinationArn": "arn:log-group"}
		if format != nil {
			settings["format"] = format
		}
		return res(typ, "api", map[string]any{"accessLogSettings": settings})
	}
	tests := []struct {
		name  string
		stage rules.Resource
		fails bool
	}{
		{"HTTP stage with a format", stage(TypeHTTPStage, `{"requestId":"$context.requestId"}`), false},
		{"REST stage with a format", stage(TypeRestStage, `$context.requestId`), false},
		{"HTTP stage with an empty format", stage(TypeHTTPStage, ""), true},
		{"HTTP stage without a format", stage(TypeHTTPStage, nil), true},
		{"format unknown at preview", stage(TypeHTTPStage, rules.Unknown), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := accessLogFormat(tt.stage)
			if !tt.fails {
				assert.Empty(t, got)
				return
			}
			if assert.Len(t, got, 1) {
				assert.Contains(t, got[0], "accessLogSettings.format is empty or unknown")
			}
		})
	}
}
