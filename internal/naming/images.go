package naming

import "regexp"

// PinnedImage is an image reference pinned by digest: a registry path, an optional tag, and
// @sha256 with 64 hex digits. A tag alone can be moved to other bytes after review; a digest
// cannot, so what was scanned and approved is what runs.
var PinnedImage = regexp.MustCompile(`^[a-z0-9]+([._/:-][a-z0-9]+)*(:[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$`)
