// Package network is the estate's Azure virtual network in one location: subnets for the
// cluster's nodes, the Application Gateway, the private endpoints, the database and the AKS API
// server, each behind its own default-deny network security group; a NAT gateway for the
// nodes' outbound traffic; a VNet flow log; and the private DNS zones the private endpoints,
// the database and the private cluster resolve through. PrivateEndpoint puts a PaaS resource
// (a vault, a storage account) into the endpoints subnet. It is a package of its own because it
// links the Azure Native network SDK, the largest Azure package, which the components that do
// not need it must not compile.
package network
