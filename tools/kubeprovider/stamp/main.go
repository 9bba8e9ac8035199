// Command stamp copies the provider module's schema into gen/ with the plugin version set, as the
// provider's own release build does, so the engine reads the version it installed.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: stamp MODULE_DIR OUT_DIR VERSION")
		os.Exit(2)
	}
	src, out, version := filepath.Join(os.Args[1], "cmd", "pulumi-resource-kubernetes"), os.Args[2], os.Args[3]
	if err := run(src, out, version); err != nil {
		fmt.Fprintln(os.Stderr, "stamp:", err)
		os.Exit(1)
	}
}

func run(src, out, version string) error {
	raw, err := os.ReadFile(filepath.Join(src, "schema.json"))
	if err != nil {
		return err
	}
	var schema map[string]json.RawMessage
	if err := json.Unmarshal(raw, &schema); err != nil {
		return fmt.Errorf("schema.json: %w", err)
	}
	schema["version"], _ = json.Marshal(version)
	stamped, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	mapping, err := os.ReadFile(filepath.Join(src, "terraform-mapping.json"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "schema.json"), stamped, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "terraform-mapping.json"), mapping, 0o644)
}
