package azure_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/healthhub/estate/internal/mutation"
)

func TestZZDump(t *testing.T) {
	base, _ := mutation.Subjects(t, "../..", "production-azure", prog, allowedRegions)
	data, _ := json.MarshalIndent(base, "", " ")
	os.WriteFile("/tmp/azplan.json", data, 0o644)
}
