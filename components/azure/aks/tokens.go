package aks

// Type tokens of the cluster components; see components/azure/tokens.go.
const TypeAksCluster = "healthhub:azure:AksCluster"
