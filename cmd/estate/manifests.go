package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/healthhub/estate/internal/release"
)

// manifestsHelp says what `estate manifests` writes and why it comes from a preview.
const manifestsHelp = `Writes the stack's Kubernetes objects as plain YAML, for teams that deploy the workloads
through GitOps. The objects come from a preview of the stack: the inputs the Kubernetes provider
checked, with the platform's real values (role ARNs, endpoints, CIDRs) wherever the platform is
deployed. Nothing is changed, neither the stack's state nor the cluster.

Each object is one file, NNN-<namespace>-<kind>-<name>.yaml, numbered in the order the engine
creates them (namespaces and policies before what they hold), with a kustomization.yaml listing
them. A Helm release is written as helm/<name>.yaml (chart, version, repository and values); a
value the stack keeps secret is left out of it and named on stderr.

A value the preview cannot know (a resource of the platform not yet created) fails the command,
naming it: deploy the platform first.`

// writeManifests writes ms into dir, which must be empty or absent, and returns the files
// written. Secret values of Helm releases are named on notes.
func writeManifests(dir string, ms []release.Manifest, notes io.Writer) ([]string, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("--out %s is not empty: write the manifests into an empty directory (remove the old rendering first)", dir)
	}
	var unknown []string
	for _, m := range ms {
		for _, p := range m.Unknown {
			unknown = append(unknown, fmt.Sprintf("%s: %s", m.Name(), p))
		}
		if !m.HelmRelease() {
			for _, p := range m.Secrets {
				unknown = append(unknown, fmt.Sprintf("%s: %s is a secret, which a manifest would hold in clear text", m.Name(), p))
			}
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("the preview does not know every value yet (deploy the platform first):\n    %s", strings.Join(unknown, "\n    "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written, objects []string
	for i, m := range ms {
		name := fileName(i, m)
		if m.HelmRelease() {
			for _, p := range m.Secrets {
				fmt.Fprintf(notes, "%s: %s is a secret and is left out; supply it from your secret store\n", name, p)
			}
		} else {
			objects = append(objects, filepath.Base(name))
		}
		if err := writeYAML(filepath.Join(dir, name), m.Object); err != nil {
			return written, err
		}
		written = append(written, name)
	}
	if err := writeYAML(filepath.Join(dir, "kustomization.yaml"), map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": objects,
	}); err != nil {
		return written, err
	}
	return append(written, "kustomization.yaml"), nil
}

var unsafeName = regexp.MustCompile(`[^a-z0-9.-]+`)

// fileName is NNN-<namespace>-<kind>-<name>.yaml, or helm/<name>.yaml.
func fileName(i int, m release.Manifest) string {
	str := func(path ...string) string {
		var v any = m.Object
		for _, p := range path {
			obj, _ := v.(map[string]any)
			v = obj[p]
		}
		s, _ := v.(string)
		return unsafeName.ReplaceAllString(strings.ToLower(s), "-")
	}
	if m.HelmRelease() {
		return filepath.Join("helm", str("name")+".yaml")
	}
	parts := []string{fmt.Sprintf("%03d", i)}
	if ns := str("metadata", "namespace"); ns != "" {
		parts = append(parts, ns)
	}
	parts = append(parts, str("kind"), str("metadata", "name"))
	return strings.Join(parts, "-") + ".yaml"
}

func writeYAML(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

var errNoManifests = errors.New("the stack has no Kubernetes objects")
