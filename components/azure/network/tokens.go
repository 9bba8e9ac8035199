package network

// Type tokens of the network components; see components/azure/tokens.go.
const (
	TypeNetwork         = "healthhub:azure:Network"
	TypePrivateEndpoint = "healthhub:azure:PrivateEndpoint"
	TypePeering         = "healthhub:azure:Peering"
)
