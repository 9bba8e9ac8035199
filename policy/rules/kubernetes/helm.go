package kubernetes

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Helm types: a release the provider installs, and a chart it renders into resources.
const (
	TypeHelmRelease = "kubernetes:helm.sh/v3:Release"
	TypeHelmChart   = "kubernetes:helm.sh/v4:Chart"
)

// exactVersion is a semantic version with nothing to resolve: no range, no wildcard.
var exactVersion = regexp.MustCompile(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// helmPinned: a chart is code that runs with the cluster's permissions. A range or a missing
// version installs whatever the repository publishes next, unreviewed; a chart fetched over
// plain HTTP can be swapped on the way.
var helmPinned = rules.Rule{
	Name:        "kubernetes-helm-chart-pinned",
	Cloud:       rules.CloudKubernetes,
	Description: "Every Helm Release (helm.sh/v3) and Chart (helm.sh/v4) names an exact version (no range, ^, ~, *, x or >), and comes from an https repository (repositoryOpts.repo) or an oci:// chart reference, never over plain HTTP.",
	Sections:    []rules.Section{rules.Integrity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeHelmRelease, TypeHelmChart},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if v := rules.Str(r.Inputs, "version"); !exactVersion.MatchString(v) {
			out = append(out, fmt.Sprintf("version %q is not an exact chart version; pin one such as 1.2.3", v))
		}
		chart, repo := rules.Str(r.Inputs, "chart"), rules.Str(r.Inputs, "repositoryOpts.repo")
		switch {
		case strings.HasPrefix(chart, "oci://"):
			if r.Type == TypeHelmChart && rules.ExplicitlyTrue(r.Inputs, "plainHttp") {
				out = append(out, "plainHttp pulls the chart from its registry over HTTP")
			}
		case strings.HasPrefix(repo, "https://"):
		default:
			out = append(out, fmt.Sprintf("chart %q comes from repository %q; use an https:// repositoryOpts.repo or an oci:// chart", chart, repo))
		}
		return out
	},
}
