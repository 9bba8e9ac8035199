package pack

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMigrateConfig(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     map[string]any
		renames  []Rename
		err      string
	}{
		{
			name: "former names become current ones",
			in:   `{"region-allow-list": {"allowedRegions": ["eu-west-2"]}, "aws-log-group-retention": {"retentionFloorDays": 3653}}`,
			want: map[string]any{
				"estate-region-allow-list":           map[string]any{"allowedRegions": []any{"eu-west-2"}},
				"aws-cloudwatch-log-group-retention": map[string]any{"retentionFloorDays": 3653.0},
			},
			renames: []Rename{{"aws-log-group-retention", "aws-cloudwatch-log-group-retention"}, {"region-allow-list", "estate-region-allow-list"}},
		},
		{
			name: "current names and all pass unchanged",
			in:   `{"all": "advisory", "aws-rds-backups": {"backupRetentionFloorDays": 14}}`,
			want: map[string]any{"all": "advisory", "aws-rds-backups": map[string]any{"backupRetentionFloorDays": 14.0}},
		},
		{name: "a typo is refused", in: `{"aws-rds-backup": {}}`, err: `"aws-rds-backup", which is no rule`},
		{name: "old and new name together", in: `{"required-tags": "disabled", "estate-required-tags": "advisory"}`, err: "estate-required-tags twice"},
		{name: "not an object", in: `[]`, err: "not a JSON object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, renames, err := MigrateConfig([]byte(tt.in))
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(out, &got))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.renames, renames)
		})
	}
}
