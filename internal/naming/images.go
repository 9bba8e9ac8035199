package naming

import "regexp"

// PinnedImage is an image reference pinned by digest: <repository>[:tag]@sha256:<64 hex>.
// A tag alone can be moved to other bytes after review; a digest cannot, so what was scanned
// and approved is what runs. The config and the Workload component check images with it.
var PinnedImage = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$`)

// AlertmanagerServiceAccount is the monitoring stack's Alertmanager service account: the cloud
// identity its receivers publish as trusts exactly this name.
const AlertmanagerServiceAccount = "alertmanager"
