package config

import "regexp"

// DefaultGCP is what healthhub:gcp holds when a stack leaves a field out. The project has no
// usable default: every GCP stack names its own.
var DefaultGCP = GCP{
	NetworkCidr:   "10.50.0.0/16",
	DrNetworkCidr: "10.51.0.0/16",
	GKE:           GKE{ReleaseChannel: "REGULAR"},
}

// GCP holds the settings under healthhub:gcp, read only when healthhub:cloud is gcp.
type GCP struct {
	// ProjectID is the project that holds the estate; the providers are pinned to it, so
	// credentials for another project cannot deploy there. Required.
	ProjectID string `json:"projectId"`
	// NetworkCidr is the primary region's subnet range in the estate's VPC network.
	NetworkCidr string `json:"networkCidr"`
	// DrNetworkCidr is the DR region's subnet range; it must not overlap NetworkCidr, so
	// routes between the regions stay unambiguous.
	DrNetworkCidr string `json:"drNetworkCidr"`
	// GKE configures the Kubernetes cluster.
	GKE GKE `json:"gke"`
}

// GKE holds the settings under healthhub:gcp.gke.
type GKE struct {
	// ReleaseChannel is REGULAR or STABLE: Google upgrades the cluster within a supported
	// channel (CIS GKE 5.5.4); RAPID gets versions before they are proven.
	ReleaseChannel string `json:"releaseChannel"`
}

// GKEReleaseChannels are the channels a HIPAA cluster may follow.
var GKEReleaseChannels = []string{"REGULAR", "STABLE"}

// gcpProject is Google's rule for project IDs: 6 to 30 lowercase letters, digits or hyphens,
// starting with a letter and not ending with a hyphen.
var gcpProject = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)

func parseGCP(c *checker, v string) GCP {
	g, err := decodeSection(DefaultGCP, v)
	if err != nil {
		c.fail(CloudGCP, v, "must be an object with %s (%v)", fieldNames(GCP{}), err)
		return GCP{}
	}
	if !gcpProject.MatchString(g.ProjectID) {
		c.fail("gcp.projectId", g.ProjectID, "required: a project ID of 6 to 30 lowercase letters, digits or hyphens, starting with a letter, such as healthhub-prod")
	}
	networkPair(c, "gcp.networkCidr", g.NetworkCidr, "gcp.drNetworkCidr", g.DrNetworkCidr)
	oneOf(c, "gcp.gke.releaseChannel", g.GKE.ReleaseChannel, GKEReleaseChannels)
	return g
}
