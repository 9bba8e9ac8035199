package estate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

//go:generate go run ./rulesdoc ../../../docs/rules.md

// fedBy says which clouds a cross-cloud rule really covers: the clouds whose profile gives it
// something to check. A GCP profile without stateful types is not protected by the stateful
// rule, and the matrix must show that as a gap.
var fedBy = map[string]func(rules.Profile) bool{
	regionAllowList.Name:   func(p rules.Profile) bool { return p.Regional },
	requiredTags.Name:      func(p rules.Profile) bool { return p.TagsInput != "" },
	statefulProtected.Name: func(p rules.Profile) bool { return len(p.Stateful) > 0 },
	drCopy.Name:            func(p rules.Profile) bool { return p.DRCopy != nil && len(p.PHIStores) > 0 },
}

// RulesFor are the rules that check a cloud's resources: its own and the cross-cloud rules its
// profile feeds.
func RulesFor(cloud rules.Cloud) []rules.Rule {
	var out []rules.Rule
	for _, r := range All {
		switch {
		case r.Cloud == cloud:
			out = append(out, r)
		case r.Cloud == rules.CloudAny:
			for _, p := range Profiles {
				if p.Cloud == cloud && fedBy[r.Name](p) {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// Matrix maps each safeguard to the rules that serve it on each cloud; an empty list is a gap.
func Matrix() map[rules.Section]map[rules.Cloud][]string {
	m := map[rules.Section]map[rules.Cloud][]string{}
	for _, s := range rules.Safeguards {
		m[s] = map[rules.Cloud][]string{}
		for _, c := range rules.Clouds {
			m[s][c] = []string{}
		}
	}
	for _, c := range rules.Clouds {
		for _, r := range RulesFor(c) {
			for _, s := range r.Sections {
				if g := s.Safeguard(); g != "" && !slices.Contains(m[g][c], r.Name) {
					m[g][c] = append(m[g][c], r.Name)
				}
			}
		}
	}
	return m
}

var cloudTitles = map[rules.Cloud]string{
	rules.CloudAny: "Every cloud", rules.CloudAWS: "AWS", rules.CloudGCP: "GCP", rules.CloudAzure: "Azure", rules.CloudKubernetes: "Kubernetes",
}

// Markdown is docs/rules.md: the whole pack by cloud, and the safeguard matrix.
func Markdown() string {
	var b strings.Builder
	mandatory := 0
	for _, r := range All {
		if r.Level == rules.Mandatory {
			mandatory++
		}
	}
	b.WriteString("# HIPAA policy rules\n\n")
	b.WriteString("Generated from the rules by `go generate ./policy/rules/estate`; a test fails when this file is stale.\n\n")
	fmt.Fprintf(&b, "%d rules: %d mandatory, %d advisory.", len(All), mandatory, len(All)-mandatory)
	for _, c := range append([]rules.Cloud{rules.CloudAny}, rules.Clouds...) {
		n := 0
		for _, r := range All {
			if r.Cloud == c {
				n++
			}
		}
		fmt.Fprintf(&b, " %s: %d.", cloudTitles[c], n)
	}
	b.WriteString("\n\n## Technical safeguards and contingency plan, by cloud\n\n")
	b.WriteString("Each cell lists the rules that serve the safeguard on that cloud: the cloud's own rules and the cross-cloud rules its profile feeds. **gap** means no rule checks it there yet.\n\n")
	b.WriteString("| safeguard |")
	for _, c := range rules.Clouds {
		fmt.Fprintf(&b, " %s |", cloudTitles[c])
	}
	b.WriteString("\n|---|" + strings.Repeat("---|", len(rules.Clouds)) + "\n")
	m := Matrix()
	for _, s := range rules.Safeguards {
		fmt.Fprintf(&b, "| §%s %s |", s, s.Title())
		for _, c := range rules.Clouds {
			names := m[s][c]
			if len(names) == 0 {
				b.WriteString(" **gap** |")
				continue
			}
			fmt.Fprintf(&b, " %d: `%s` |", len(names), strings.Join(names, "`, `"))
		}
		b.WriteString("\n")
	}
	for _, c := range append([]rules.Cloud{rules.CloudAny}, rules.Clouds...) {
		fmt.Fprintf(&b, "\n## %s\n\n", cloudTitles[c])
		var own []rules.Rule
		for _, r := range All {
			if r.Cloud == c {
				own = append(own, r)
			}
		}
		if len(own) == 0 {
			b.WriteString("No rules of its own yet.\n")
			continue
		}
		b.WriteString("| rule | level | checks | HIPAA | types | requires | unknown at preview | formerly |\n|---|---|---|---|---|---|---|---|\n")
		for _, r := range own {
			check := "each resource"
			if r.CheckStack != nil {
				check = "the stack"
			}
			types := "any"
			if len(r.Types) > 0 {
				types = "`" + strings.Join(r.Types, "`, `") + "`"
			}
			sections := make([]string, len(r.Sections))
			for i, s := range r.Sections {
				sections[i] = fmt.Sprintf("§%s %s", s, s.Title())
			}
			formerly := ""
			if len(r.Aliases) > 0 {
				formerly = "`" + strings.Join(r.Aliases, "`, `") + "`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", r.Name, r.Level, check, strings.Join(sections, "; "), types, escape(r.Description), escape(r.Unknown), formerly)
		}
	}
	return b.String()
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
