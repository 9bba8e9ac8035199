// Package azure holds the Azure components that need neither the network nor the
// containerservice SDK packages: keys, storage, the database, the audit trail, diagnostics,
// recovery, secrets, workload identities and alert channels. Network (network), the edge
// (edge) and the cluster (aks) are packages of their own, so a test of one compiles only the
// SDK packages it needs.
package azure
