// Package gcpkit is what the GCP component packages share beyond the neutral kit: the labels
// Google accepts, the project a component deploys into and the service agents that encrypt
// on the estate's behalf. It links only the GCP SDK's root and organizations packages, so a
// component package that needs neither compute nor container never compiles them through it.
package gcpkit

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/gcpformat"
)

// labelValue is Google's rule for label keys and values: lowercase letters, digits, '_' and
// '-', at most 63 characters. A value outside it fails the deployment, not the preview.
var labelValue = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)

// RequireLabels is kit.RequireTags for the Labels argument, plus Google's label syntax, so a
// bad owner or cost centre fails before anything is registered rather than halfway through an
// update.
func RequireLabels(component string, labels map[string]string) error {
	if k := kit.MissingTag(labels); k != "" {
		return kit.ArgError(component, "Labels", labels, "must include %q (use config.Config.Tags())", k)
	}
	for k, v := range labels {
		if k == "" || !labelValue.MatchString(k) || !labelValue.MatchString(v) {
			return kit.ArgError(component, "Labels", fmt.Sprintf("%s=%s", k, v), "keys and values must be lowercase letters, digits, '_' or '-', at most 63 characters")
		}
	}
	return nil
}

// Region is a Google Cloud region (europe-west2, us-central1); multi-regions and zones are
// not regions. It is the shape the config validator checks too.
var Region = gcpformat.Region

// Labels is the estate's label set as a Pulumi input.
func Labels(base map[string]string) pulumi.StringMap { return kit.Tags(base) }

// Project is the project a component deploys into: its id names workload pools and resource
// paths, its number names the service agents.
type Project struct {
	ID     string
	Number string
}

// LookupProject asks the component's provider (inherited through parent) for its project.
func LookupProject(ctx *pulumi.Context, parent pulumi.Resource) (Project, error) {
	p, err := organizations.LookupProject(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return Project{}, fmt.Errorf("looking up the GCP project: %w", err)
	}
	id := ""
	if p.ProjectId != nil {
		id = *p.ProjectId
	}
	return Project{ID: id, Number: p.Number}, nil
}

// Agent is a Google service agent: the identity a Google service uses to encrypt and decrypt
// a customer's data with the customer's key.
type Agent string

// The agents that use the estate's keys and exist with their API, by the domain of their
// e-mail address. Cloud SQL's, Secret Manager's and Backup for GKE's exist only once asked for,
// so Keys asks for them and uses the member that returns.
const (
	AgentGKE         Agent = "container-engine-robot"
	AgentCompute     Agent = "compute-system"
	AgentMemorystore Agent = "cloud-redis"
	AgentStorage     Agent = "gs-project-accounts"
	AgentLogging     Agent = "gcp-sa-logging"
)

// Member is the agent's IAM member in the project: serviceAccount:service-<number>@<agent>.iam.gserviceaccount.com.
func (p Project) Member(a Agent) string {
	return fmt.Sprintf("serviceAccount:service-%s@%s.iam.gserviceaccount.com", p.Number, a)
}

// WorkloadPool is the project's Workload Identity pool, which GKE service accounts federate
// through (CIS GKE 5.2.2).
func (p Project) WorkloadPool() string { return p.ID + ".svc.id.goog" }
