// Package gcp holds the GCP rules and the profile the cross-cloud rules read. The rules read
// resource inputs as pulumi-gcp v7 spells them; each family (keys, GKE, data stores,
// storage, network, edge, logging, IAM, secrets) has a file of its own.
package gcp

// TypeProvider is the GCP provider.
const TypeProvider = "pulumi:providers:gcp"
