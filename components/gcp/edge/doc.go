// Package edge is what the estate owns at its GCP entry point, before the cluster's Ingress
// exists and after it is gone: the static address, the managed certificate, the TLS policy,
// the HTTP to HTTPS redirect and the Cloud Armor policy. The GKE Ingress controller (class
// "gce") builds the HTTPS forwarding rule, target proxy and backend service from the Ingress
// and names these by the outputs. A package of its own because it links the GCP compute SDK.
package edge
