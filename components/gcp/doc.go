// Package gcp holds the GCP components whose SDK packages are light: the keys, the buckets,
// the audit trail, the data stores, the alert channels and the recovery plans. The network and
// the load balancer's pieces (compute, the largest GCP package) and the GKE cluster live in
// sub-packages, so a test of one of these never compiles compute.
package gcp
