package mockcloud

import "github.com/healthhub/estate/policy/rules"

// Records are the registered resources as the policy rules' conversion takes them, in the
// order of Resources.
func (m *Monitor) Records() []rules.Record {
	all := m.Resources()
	out := make([]rules.Record, len(all))
	for i, r := range all {
		out[i] = rules.Record{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider,
			Protect: r.Protect, Dependencies: r.Dependencies, Inputs: rules.PlainMap(r.Inputs),
		}
	}
	return out
}
