// Package stackfile reads Pulumi.yaml and Pulumi.<stack>.yaml the way the engine does, without
// the engine: project defaults applied, stack values on top, secure values replaced by a
// placeholder and marked secret, so nothing needs the passphrase or a KMS key.
package stackfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Stack is the configuration a program run receives.
type Stack struct {
	Project string
	Name    string
	// Config maps full keys ("healthhub:cloud") to the raw strings the Go SDK expects: scalars as
	// text, arrays and objects as JSON.
	Config map[string]string
	// SecretKeys are the keys whose values were secure in the stack file.
	SecretKeys []string
}

// ErrNoStackFile is returned when Pulumi.<stack>.yaml does not exist.
var ErrNoStackFile = errors.New("stack file not found")

// Load reads the project in dir and the named stack's config.
func Load(dir, stack string) (*Stack, error) {
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading Pulumi.yaml: %w", err)
	}
	stackPath := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(stackPath); err != nil {
		return nil, fmt.Errorf("%w: %s (stacks here: %s)", ErrNoStackFile, stackPath, strings.Join(List(dir), ", "))
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, stackPath)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(stackPath), err)
	}

	out := &Stack{Project: proj.Name.String(), Name: stack, Config: map[string]string{}}
	for key, decl := range proj.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = out.Project + ":" + key
		}
		v := decl.Default
		if v == nil {
			v = decl.Value
		}
		if v == nil {
			continue
		}
		raw, err := rawValue(v)
		if err != nil {
			return nil, fmt.Errorf("config %s in Pulumi.yaml: %w", key, err)
		}
		out.Config[full] = raw
	}

	values, err := ps.Config.Decrypt(config.NewBlindingDecrypter())
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(stackPath), err)
	}
	for key, v := range values {
		out.Config[key.String()] = v
		secure, err := ps.Config[key].SecureValues(config.NewBlindingDecrypter())
		if err == nil && len(secure) > 0 {
			out.SecretKeys = append(out.SecretKeys, key.String())
		}
	}
	sort.Strings(out.SecretKeys)
	return out, nil
}

// rawValue renders a YAML value as the Go SDK receives config: strings as they are, everything
// else as JSON.
func rawValue(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// List returns the stack names that have a Pulumi.<stack>.yaml in dir.
func List(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var names []string
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Short returns the config of one namespace with the namespace stripped ("cloud" for
// "healthhub:cloud").
func (s *Stack) Short(namespace string) map[string]string {
	out := map[string]string{}
	for k, v := range s.Config {
		if short, ok := strings.CutPrefix(k, namespace+":"); ok {
			out[short] = v
		}
	}
	return out
}
