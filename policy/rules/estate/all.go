// Package estate is the whole HIPAA pack: the cross-cloud rules, written once and fed by each
// cloud's profile, and every cloud's rules. The served pack, the offline plan, `estate audit`
// and the component tests evaluate All through Evaluate, over resources converted by Resources.
package estate

import (
	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/aws"
	"github.com/healthhub/estate/policy/rules/azure"
	"github.com/healthhub/estate/policy/rules/gcp"
	"github.com/healthhub/estate/policy/rules/kubernetes"
)

// Profiles are the clouds the cross-cloud rules know.
var Profiles = []rules.Profile{aws.Profile, gcp.Profile, azure.Profile, kubernetes.Profile}

// All is every rule of the pack, in the order they are reported.
var All = concat(
	[]rules.Rule{regionAllowList, statefulProtected, requiredTags, drCopy},
	aws.Rules,
	gcp.Rules,
	azure.Rules,
	kubernetes.Rules,
)

func concat(lists ...[]rules.Rule) []rules.Rule {
	var out []rules.Rule
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Find returns a rule by its name or by a name it had before.
func Find(name string) (rules.Rule, bool) {
	for _, r := range All {
		if r.Name == name {
			return r, true
		}
	}
	for _, r := range All {
		for _, a := range r.Aliases {
			if a == name {
				return r, true
			}
		}
	}
	return rules.Rule{}, false
}

// Resources converts recorded resources into what the rules read, with every cloud's profile.
func Resources(records []rules.Record) []rules.Resource { return rules.Resources(records, Profiles) }

// Evaluate runs the whole pack.
func Evaluate(resources []rules.Resource, cfg rules.Config) []rules.Violation {
	return rules.Evaluate(All, resources, cfg)
}
