package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkloadsSection(t *testing.T) {
	for _, tt := range []struct {
		name, section string
		want          Workloads
		problem       string
	}{
		{"left out: no one is bound", "", DefaultWorkloads, ""},
		{"both duties named", `{"operatorGroups":["platform-operators"],"auditorGroups":["compliance-auditors"]}`,
			Workloads{OperatorGroups: []string{"platform-operators"}, AuditorGroups: []string{"compliance-auditors"}}, ""},
		{"operators without auditors", `{"operatorGroups":["platform-operators"]}`, Workloads{}, "name the groups for both, or neither"},
		{"a system group", `{"operatorGroups":["system:masters"],"auditorGroups":["compliance-auditors"]}`, Workloads{}, `"system:masters" is not a group of the identity provider`},
		{"a misspelt field", `{"operatorGroup":["x"]}`, Workloads{}, "must be an object with operatorGroups, auditorGroups"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			changes := map[string]string{}
			if tt.section != "" {
				changes["workloads"] = tt.section
			}
			cfg, err := Parse(engineDefaults(onCloud(CloudGCP, changes)))
			if tt.problem != "" {
				var verr *ValidationError
				require.ErrorAs(t, err, &verr)
				assert.Contains(t, verr.Keys()[0], "workloads")
				assert.Contains(t, err.Error(), tt.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Workloads)
			assert.Equal(t, tt.section != "", cfg.Workloads.HasAccess())
		})
	}
}
