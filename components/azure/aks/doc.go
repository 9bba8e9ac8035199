// Package aks is the AKS cluster the clinical workloads run on on Azure. It is a package of its
// own because the containerservice SDK package is large, and it links neither the network SDK
// package nor the other Azure components: a test of the cluster compiles the containerservice
// preview API, compute (the disk encryption set), managed identity, authorization and insights
// (Container Insights' data collection rule) only. The network, its private DNS zone and the
// keys come in as ids.
package aks
