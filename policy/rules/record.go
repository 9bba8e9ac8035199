package rules

import "strings"

// Record is one resource as whoever saw it recorded it: the mock monitor, a saved plan, a state
// export or the engine. Inputs are plain values (Plain). Resources turns records into what
// rules read, the same way for all of them.
type Record struct {
	URN, Type, Name, Parent string
	// Provider is the provider's URN; a reference with its "::id" suffix is accepted.
	Provider     string
	Protect      bool
	Dependencies []string
	Inputs       map[string]any
}

// Resources converts records, giving each its region by RegionOf. Providers may come in any
// order; a resource whose provider is not among the records has only its own region.
func Resources(records []Record, profiles []Profile) []Resource {
	providerRegions := map[string]string{}
	for _, r := range records {
		if IsProvider(r.Type) {
			providerRegions[r.URN] = RegionOf(r.Type, r.Inputs, "", profiles)
		}
	}
	out := make([]Resource, 0, len(records))
	for _, r := range records {
		provider := ProviderURN(r.Provider)
		inputs := r.Inputs
		if inputs == nil {
			inputs = map[string]any{}
		}
		out = append(out, Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: provider,
			Region:       RegionOf(r.Type, inputs, providerRegions[provider], profiles),
			Dependencies: r.Dependencies, Protect: r.Protect, Inputs: inputs,
		})
	}
	return out
}

// ProviderURN strips the "::id" that provider references carry in the engine and in state.
func ProviderURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 && strings.Count(ref, "::") > 3 {
		return ref[:i]
	}
	return ref
}
