package pack

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/healthhub/estate/policy/rules/estate"
)

// Rename is a policy config key written under a rule's former name.
type Rename struct{ From, To string }

// MigrateConfig rewrites a policy pack config (the JSON given to --policy-pack-config) so that
// keys naming a rule by a former name name it by its current one. The engine hands each policy
// only the config under its own name, so without this an old key would be dropped in silence.
// A key that names no rule is an error: a typo would otherwise leave a control at its default.
func MigrateConfig(data []byte) ([]byte, []Rename, error) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, nil, fmt.Errorf("policy config is not a JSON object: %w", err)
	}
	out := make(map[string]json.RawMessage, len(in))
	var renames []Rename
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if k != "all" {
			rule, ok := estate.Find(k)
			if !ok {
				return nil, nil, fmt.Errorf("policy config names %q, which is no rule of %s; the rules are listed in docs/rules.md", k, Name)
			}
			name = rule.Name
		}
		if _, dup := out[name]; dup {
			return nil, nil, fmt.Errorf("policy config names %s twice (%q is its former name)", name, k)
		}
		if name != k {
			renames = append(renames, Rename{From: k, To: name})
		}
		out[name] = in[k]
	}
	migrated, err := json.Marshal(out)
	return migrated, renames, err
}
