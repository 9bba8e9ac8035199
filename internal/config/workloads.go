package config

import (
	"fmt"
	"strings"
)

// DefaultWorkloads grants no one access to the workloads: a stack names the groups of its
// identity provider that operate and audit them.
var DefaultWorkloads = Workloads{OperatorGroups: []string{}, AuditorGroups: []string{}}

// Workloads holds the settings under healthhub:workloads, read on every cloud.
type Workloads struct {
	// OperatorGroups may deploy and operate the workloads in their namespaces, never read a
	// secret or exec into a pod.
	OperatorGroups []string `json:"operatorGroups"`
	// AuditorGroups may read, across the cluster, how it is configured and who may do what.
	AuditorGroups []string `json:"auditorGroups"`
}

// HasAccess reports whether the stack names the groups that the cluster's RBAC binds.
func (w Workloads) HasAccess() bool { return len(w.OperatorGroups) > 0 || len(w.AuditorGroups) > 0 }

func parseWorkloads(c *checker, v string) Workloads {
	w, err := decodeSection(DefaultWorkloads, v)
	if err != nil {
		c.fail("workloads", v, "must be an object with %s (%v)", fieldNames(Workloads{}), err)
		return DefaultWorkloads
	}
	// Operators without auditors (or the reverse) would leave one duty with no one to do it.
	if w.HasAccess() && (len(w.OperatorGroups) == 0 || len(w.AuditorGroups) == 0) {
		c.fail("workloads", v, "operatorGroups and auditorGroups go together: name the groups for both, or neither")
	}
	for field, groups := range map[string][]string{"workloads.operatorGroups": w.OperatorGroups, "workloads.auditorGroups": w.AuditorGroups} {
		for _, g := range groups {
			if g == "" || strings.HasPrefix(g, "system:") {
				c.fail(field, fmt.Sprint(groups), "%q is not a group of the identity provider: groups are non-empty and never system: groups", g)
			}
		}
	}
	return w
}
