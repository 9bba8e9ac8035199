package kubeharness

import (
	"fmt"
	"os"
	"path/filepath"
)

// The binaries a control plane needs, as `make kube` names them.
const (
	etcdBinary              = "etcd"
	apiServerBinary         = "kube-apiserver"
	controllerManagerBinary = "kube-controller-manager"
)

// BinDir is where the control plane's binaries are: HEALTHHUB_KUBE_BIN, else .cache/kube/bin
// in the repository holding the working directory.
func BinDir() (string, error) {
	if dir := os.Getenv("HEALTHHUB_KUBE_BIN"); dir != "" {
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && isRepoRoot(dir) {
			return filepath.Join(dir, ".cache", "kube", "bin"), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no repository above %s: set HEALTHHUB_KUBE_BIN", wd)
		}
	}
}

// isRepoRoot tells the estate's module from the tools modules below it.
func isRepoRoot(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "Pulumi.yaml"))
	return err == nil
}

// binaries checks that every binary is there, naming the make target that builds them.
func binaries(dir string) (map[string]string, error) {
	out := map[string]string{}
	for _, name := range []string{etcdBinary, apiServerBinary, controllerManagerBinary} {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no %s in %s: run `make kube`", name, dir)
		}
		out[name] = path
	}
	return out, nil
}
