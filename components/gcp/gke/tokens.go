// Package gke is the GKE cluster the clinical workloads run on on GCP. It is a package of its
// own because the container SDK package is large, and it links neither compute nor the other
// GCP components: a test of the cluster compiles the container, IAM and project packages only.
package gke

// TypeGkeCluster is the cluster component's token. A token is part of the URN of every
// resource the component parents, so changing it replaces deployed resources unless the new
// token carries an alias; the token test in components/kit keeps tokens unique and shaped
// healthhub:<cloud>:<Name>.
const TypeGkeCluster = "healthhub:gcp:GkeCluster"
