// Package network is the estate's GCP VPC network: one subnet per region with the GKE
// secondary ranges, Cloud NAT, logged firewall rules and private service access for the data
// stores. It is a package of its own because it links the GCP compute SDK, the largest GCP
// package, which the components that do not need it must not compile.
package network
