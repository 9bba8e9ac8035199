package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/healthhub/estate/policy/rules"
	"github.com/healthhub/estate/policy/rules/estate"
)

// WriteJSON writes the plan in the documented schema.
func WriteJSON(w io.Writer, p *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// WriteText writes the plan the way `pulumi preview` shows one: a tree of resources, the
// policy verdicts and the counts.
func WriteText(w io.Writer, p *Plan) error {
	fmt.Fprintf(w, "Offline plan of %s/%s (cloud %s, environment %s): no credentials, no network\n\n",
		p.Project, p.Stack, p.Cloud, p.Environment)

	children := map[string][]Resource{}
	var root Resource
	for _, r := range p.Resources {
		if r.Type == "pulumi:pulumi:Stack" {
			root = r
			continue
		}
		children[r.Parent] = append(children[r.Parent], r)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "     Type\tName\tPlan\tInfo")
	fmt.Fprintf(tw, " +   %s\t%s\tcreate\t\n", root.Type, root.Name)
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		kids := children[parent]
		for i, r := range kids {
			branch, next := "├─ ", "│  "
			if i == len(kids)-1 {
				branch, next = "└─ ", "   "
			}
			fmt.Fprintf(tw, " +   %s%s%s\t%s\tcreate\t%s\n", indent, branch, r.Type, r.Name, info(r))
			walk(r.URN, indent+next)
		}
	}
	walk(root.URN, "")
	if err := tw.Flush(); err != nil {
		return err
	}

	names := map[string]string{}
	for _, r := range p.Resources {
		names[r.URN] = r.Type + ": " + r.Name
	}
	WriteViolations(w, p.Violations, names)
	fmt.Fprintf(w, "\nResources:\n    + %d to create\n\nBy type:\n", p.Summary.Resources)
	for _, t := range p.Types() {
		if _, err := fmt.Fprintf(w, "    %5d  %s\n", p.Summary.ByType[t], t); err != nil {
			return err
		}
	}
	return nil
}

// WriteViolations prints the policy verdicts; names maps a URN to "type: name".
func WriteViolations(w io.Writer, violations []rules.Violation, names map[string]string) {
	fmt.Fprintln(w, "\nPolicies:")
	if len(violations) == 0 {
		fmt.Fprintf(w, "    ✅ healthhub-hipaa: %d rules, no violations\n", len(estate.All))
		return
	}
	mandatory, advisory := rules.Count(violations)
	fmt.Fprintf(w, "    healthhub-hipaa: %d mandatory, %d advisory\n", mandatory, advisory)
	for _, v := range violations {
		mark := "❌"
		if v.Level == rules.Advisory {
			mark = "⚠️ "
		}
		name := names[v.URN]
		if name == "" {
			name = v.URN
		}
		fmt.Fprintf(w, "    %s [%s] %s  (%s)\n        %s\n", mark, v.Level, v.Policy, name, v.Message)
	}
}

// info is the short note shown beside a resource: its region for providers, protection for
// stateful ones.
func info(r Resource) string {
	var notes []string
	if strings.HasPrefix(r.Type, "pulumi:providers:") {
		// The provider's region as the region rule reads it: AWS's and GCP's region, Azure
		// Native's location.
		if region := rules.RegionOf(r.Type, r.Inputs, "", nil); region != "" {
			notes = append(notes, "region="+region)
		}
	}
	if r.Protect {
		notes = append(notes, "protected")
	}
	return strings.Join(notes, ", ")
}
