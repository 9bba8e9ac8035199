package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// The passphrase provider reads its passphrase from one of these; the CLI cannot prompt in a
// pipeline, so without them it fails with a dump that names neither the stack nor the fix.
const (
	envPassphrase     = "PULUMI_CONFIG_PASSPHRASE"
	envPassphraseFile = "PULUMI_CONFIG_PASSPHRASE_FILE"
)

// ProviderError is a stack whose secrets no configured secrets provider can read.
type ProviderError struct {
	Stack  string
	Reason string
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("stack %s: %s", e.Stack, e.Reason)
}

// CheckSecretsProvider fails before the engine starts when the stack's secrets provider is the
// passphrase and no passphrase is given. The provider is, in order: Options.SecretsProvider,
// the stack file's secretsprovider, the passphrase when the stack file holds an encryption
// salt, and otherwise the backend's default (the passphrase on a self-managed backend).
func CheckSecretsProvider(opts Options) error {
	stackFile := filepath.Join(opts.Dir, "Pulumi."+opts.Stack+".yaml")
	ps, err := loadStackFile(opts.Dir, stackFile)
	if err != nil {
		return err
	}
	provider := opts.SecretsProvider
	switch {
	case provider != "":
	case ps != nil && ps.SecretsProvider != "":
		provider = ps.SecretsProvider
	case ps != nil && ps.EncryptionSalt != "":
		provider = "passphrase"
	case selfManaged(backend(opts)):
		provider = "passphrase"
	}
	if provider != "passphrase" {
		return nil
	}
	if _, ok := lookupEnv(opts, envPassphrase); ok {
		return nil
	}
	if path, ok := lookupEnv(opts, envPassphraseFile); ok && path != "" {
		if _, err := os.Stat(path); err != nil {
			return &ProviderError{Stack: opts.Stack, Reason: fmt.Sprintf("%s=%s cannot be read (%v): point it at the file holding the stack's passphrase, or set %s", envPassphraseFile, path, err, envPassphrase)}
		}
		return nil
	}
	return &ProviderError{Stack: opts.Stack, Reason: fmt.Sprintf(
		"its secrets provider is the passphrase, and none is set: export %s (or %s, the path of a file holding it), "+
			"or create the stack with a key service instead, --secrets-provider awskms://alias/<key> (or gcpkms://, azurekeyvault://)",
		envPassphrase, envPassphraseFile)}
}

// loadStackFile reads Pulumi.<stack>.yaml; a stack without one yet is no error.
func loadStackFile(dir, path string) (*workspace.ProjectStack, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading the project: %w", err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	return ps, nil
}

func backend(opts Options) string {
	if opts.Backend != "" {
		return opts.Backend
	}
	v, _ := lookupEnv(opts, "PULUMI_BACKEND_URL")
	return v
}

// selfManaged reports a backend without a secrets service of its own: the CLI then encrypts
// a new stack's secrets with a passphrase.
func selfManaged(url string) bool {
	for _, scheme := range []string{"file://", "s3://", "gs://", "azblob://", "postgres://"} {
		if strings.HasPrefix(url, scheme) {
			return true
		}
	}
	return false
}

// lookupEnv reads a variable the CLI will see: Options.Env first, then this process's.
func lookupEnv(opts Options, name string) (string, bool) {
	if v, ok := opts.Env[name]; ok {
		return v, true
	}
	return os.LookupEnv(name)
}

// SecretProblem is one secret the stack cannot use, and why.
type SecretProblem struct {
	Key    string
	Reason string
}

// SecretsError names every secret the stack needs and cannot use, each with the command that
// sets it.
type SecretsError struct {
	Stack    string
	Problems []SecretProblem
}

func (e *SecretsError) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		fmt.Fprintf(&b, "stack %s: 1 secret cannot be used; set it with its real value, then run again:", e.Stack)
	} else {
		fmt.Fprintf(&b, "stack %s: %d secrets cannot be used; set each with its real value, then run again:", e.Stack, len(e.Problems))
	}
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s %s\n      pulumi config set --secret %s <value> -s %s", p.Key, p.Reason, p.Key, e.Stack)
	}
	return b.String()
}

// CheckSecrets reads each of the given keys (full names, such as healthhub:databasePassword)
// through the CLI, with the stack's own secrets provider, before the engine needs them: a
// secret that is missing, cannot be decrypted or is stored in plain text is named, key by key,
// instead of the engine's one "bad value" for the whole stack.
func (d *Driver) CheckSecrets(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	// One CLI run when everything decrypts, which is the usual case.
	all, err := d.stack.GetAllConfig(ctx)
	if err == nil {
		var problems []SecretProblem
		for _, k := range keys {
			v, ok := all[k]
			switch {
			// Pulumi.yaml's empty default of a cloud-scoped secret is what an unset one reads as.
			case !ok || (!v.Secret && v.Value == ""):
				problems = append(problems, SecretProblem{k, "is not set"})
			case !v.Secret:
				problems = append(problems, SecretProblem{k, "is stored in plain text in the stack file"})
			}
		}
		return d.secretsError(problems)
	}
	if wrongPassphrase(err) {
		return d.passphraseError(err)
	}
	// The stack's config does not decrypt as a whole: read the keys one by one to find which.
	problems := make([]*SecretProblem, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := d.stack.GetConfig(ctx, k)
			switch {
			case err == nil && !v.Secret && v.Value == "":
				problems[i] = &SecretProblem{k, "is not set"}
			case err == nil && !v.Secret:
				problems[i] = &SecretProblem{k, "is stored in plain text in the stack file"}
			case err == nil:
			case strings.Contains(cliError(err), "not found"):
				problems[i] = &SecretProblem{k, "is not set"}
			default:
				problems[i] = &SecretProblem{k, fmt.Sprintf("cannot be decrypted by the stack's secrets provider (%s)", strings.TrimPrefix(cliError(err), "could not decrypt configuration value: : "))}
			}
		}()
	}
	wg.Wait()
	var found []SecretProblem
	for _, p := range problems {
		if p != nil {
			found = append(found, *p)
		}
	}
	if len(found) == 0 {
		// Every one of these keys reads; what fails is another key or the file itself.
		return classify(d.opts, "reading the config", err, nil)
	}
	return d.secretsError(found)
}

func (d *Driver) secretsError(problems []SecretProblem) error {
	if len(problems) == 0 {
		return nil
	}
	return &SecretsError{Stack: d.opts.Stack, Problems: problems}
}

func wrongPassphrase(err error) bool {
	return strings.Contains(cliError(err), "incorrect passphrase")
}

func (d *Driver) passphraseError(err error) error {
	return &ProviderError{Stack: d.opts.Stack, Reason: fmt.Sprintf(
		"the passphrase given does not open its secrets (%s): set %s (or %s) to the passphrase the stack was created with",
		cliError(err), envPassphrase, envPassphraseFile)}
}
