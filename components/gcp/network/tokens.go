package network

// TypeNetwork is the token of the GCP network component. A token is part of the URN of every
// resource the component parents, so changing it replaces deployed resources unless the new
// token carries an alias; the token test in components/kit keeps it unique and shaped
// healthhub:<cloud>:<Name>.
const TypeNetwork = "healthhub:gcp:Network"
