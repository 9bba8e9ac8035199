// Package gcpformat holds the shapes of Google Cloud values that both the config validator and
// the GCP components check, so a stack file is refused for the same value a component would
// refuse, before anything is registered.
package gcpformat

import "regexp"

var (
	// ProjectID is Google's rule for project ids: 6 to 30 lowercase letters, digits or
	// hyphens, starting with a letter and not ending with a hyphen.
	ProjectID = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	// Region is a region such as europe-west2; a zone (europe-west2-a) is not one.
	Region = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	// KubernetesVersion is a GKE minor version the estate supports, 1.30 to 1.34.
	KubernetesVersion = regexp.MustCompile(`^1\.3[0-4]$`)
	// MachineType is a Compute Engine machine type such as n2-standard-8.
	MachineType = regexp.MustCompile(`^[a-z][a-z0-9]*-[a-z0-9]+(-[a-z0-9]+)*$`)
	// Accelerator is a GPU type such as nvidia-l4.
	Accelerator = regexp.MustCompile(`^nvidia-[a-z0-9-]+$`)
	// SQLTier is a Cloud SQL for PostgreSQL machine tier: custom (db-custom-<vCPUs>-<MiB>),
	// the legacy n1 shapes, or the shared-core f1-micro and g1-small.
	SQLTier = regexp.MustCompile(`^db-(custom-[1-9][0-9]*-[1-9][0-9]*|n1-(standard|highmem)-[1-9][0-9]*|f1-micro|g1-small)$`)
	// IAMMember is a user, group or service account IAM member, such as
	// group:kms-admins@example.org.
	IAMMember = regexp.MustCompile(`^(user|group|serviceAccount):[^@\s:]+@[^@\s:]+\.[a-z]+$`)
)
