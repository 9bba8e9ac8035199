// Package edge is the estate's Azure entry point: the Application Gateway v2 with its public
// address, its Key Vault certificate, TLS policy and HTTP to HTTPS redirect (LoadBalancer),
// and the web application firewall policy attached to it (WebFirewall). The cluster's
// Application Gateway Ingress Controller (the AKS add-on) writes the listeners, backends and
// rules for the Ingresses once the gateway exists; the package owns what the controller does
// not. A package of its own because it links the Azure Native network SDK.
package edge
