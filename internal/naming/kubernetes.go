package naming

import "regexp"

// DNSLabel is an RFC 1123 label, the shape of a Kubernetes namespace, service account and most
// object names: lowercase letters, digits and '-', at most 63.
var DNSLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

// HostName is a fully qualified host name of DNS labels; no wildcard, no trailing dot.
var HostName = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
