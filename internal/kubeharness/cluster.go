package kubeharness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Cluster is a running control plane. Its API server listens on loopback only and trusts one
// static token, bound to system:masters.
type Cluster struct {
	// Server is the API server's URL, https://127.0.0.1:PORT.
	Server string
	// Kubeconfig reaches the API server with the token; KubeconfigPath is the same on disk.
	Kubeconfig     string
	KubeconfigPath string
	// Ports are every port the control plane listens on, for checking that they are freed.
	Ports []int

	token string
	ca    []byte
	http  *http.Client // trusts ca; set once the API server has written its certificate
	dir   string
	procs []*process
}

// startTimeout bounds each component's start; a cold, loaded machine takes tens of seconds.
const startTimeout = 2 * time.Minute

// Start starts etcd, kube-apiserver and kube-controller-manager and registers their stop with
// t.Cleanup. It fails the test when a binary is missing or a component does not become ready.
func Start(t testing.TB) *Cluster {
	t.Helper()
	c, err := start(t.TempDir(), t.Logf)
	if c != nil {
		t.Cleanup(func() {
			if t.Failed() {
				c.dumpLogs(t.Logf)
			}
			if err := c.Stop(); err != nil {
				t.Errorf("stopping the control plane: %v", err)
			}
		})
	}
	if err != nil {
		t.Fatalf("starting the control plane: %v", err)
	}
	return c
}

func start(dir string, logf func(string, ...any)) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	paths, err := binaries(bin)
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	etcdClient, etcdPeer, apiPort, kcmPort := ports[0], ports[1], ports[2], ports[3]
	c := &Cluster{Server: fmt.Sprintf("https://127.0.0.1:%d", apiPort), Ports: ports, dir: dir, token: randomToken()}
	files, err := c.writeFiles()
	if err != nil {
		return c, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()

	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeer)
	etcd, err := c.run(paths[etcdBinary],
		"--name=default", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		// The data is a test's, thrown away at its end: durability buys nothing here.
		"--unsafe-no-fsync",
	)
	if err != nil {
		return c, err
	}
	if err := waitFor(ctx, etcd, "etcd", func() error { return httpOK(etcdURL + "/health") }); err != nil {
		return c, err
	}

	api, err := c.run(paths[apiServerBinary],
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", apiPort),
		"--cert-dir="+files.certs,
		"--token-auth-file="+files.tokens,
		"--authorization-mode=RBAC",
		// Pod Security and ValidatingAdmissionPolicy are what the tests judge the workloads by;
		// they are on by default, and named so a change of defaults cannot turn them off.
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,PodSecurity,ValidatingAdmissionPolicy",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+files.saPublic, "--service-account-signing-key-file="+files.saPrivate,
		"--service-cluster-ip-range=10.96.0.0/16",
		// A loopback advertise address cannot be the kubernetes Service's endpoint; with no
		// reconciler the API server does not retry that forever.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	)
	if err != nil {
		return c, err
	}
	if err := waitFor(ctx, api, "kube-apiserver", func() error {
		if c.http == nil {
			ca, err := os.ReadFile(filepath.Join(files.certs, "apiserver.crt"))
			if err != nil {
				return err
			}
			if err := c.trust(ca); err != nil {
				return err
			}
		}
		status, body, err := c.Do(ctx, "GET", "/readyz", nil)
		if err == nil && status != 200 {
			err = fmt.Errorf("readyz %d: %s", status, body)
		}
		return err
	}); err != nil {
		return c, err
	}
	c.Kubeconfig = kubeconfig(c.Server, c.ca, c.token)
	c.KubeconfigPath = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(c.KubeconfigPath, []byte(c.Kubeconfig), 0o600); err != nil {
		return c, err
	}

	kcm, err := c.run(paths[controllerManagerBinary],
		"--kubeconfig="+c.KubeconfigPath,
		"--authentication-kubeconfig="+c.KubeconfigPath, "--authorization-kubeconfig="+c.KubeconfigPath,
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", kcmPort), "--cert-dir="+filepath.Join(dir, "kcm-certs"),
		"--leader-elect=false",
		"--service-account-private-key-file="+files.saPrivate,
		"--root-ca-file="+filepath.Join(files.certs, "apiserver.crt"),
		"--cluster-signing-duration=1h",
	)
	if err != nil {
		return c, err
	}
	// The controller manager is working once the service account controller has given the
	// default namespace its service account.
	if err := waitFor(ctx, kcm, "kube-controller-manager", func() error {
		status, _, err := c.Do(ctx, "GET", "/api/v1/namespaces/default/serviceaccounts/default", nil)
		if err == nil && status != 200 {
			err = fmt.Errorf("no default service account yet (%d)", status)
		}
		return err
	}); err != nil {
		return c, err
	}
	logf("control plane at %s (etcd %d, kube-controller-manager %d)", c.Server, etcdClient, kcmPort)
	return c, nil
}

type files struct{ certs, tokens, saPublic, saPrivate string }

// writeFiles writes the service account signing key pair and the token file.
func (c *Cluster) writeFiles() (files, error) {
	f := files{
		certs:     filepath.Join(c.dir, "certs"),
		tokens:    filepath.Join(c.dir, "tokens.csv"),
		saPublic:  filepath.Join(c.dir, "sa.pub"),
		saPrivate: filepath.Join(c.dir, "sa.key"),
	}
	if err := os.MkdirAll(f.certs, 0o700); err != nil {
		return f, err
	}
	public, private, err := signingKeyPair()
	if err != nil {
		return f, err
	}
	if err := os.WriteFile(f.saPublic, public, 0o600); err != nil {
		return f, err
	}
	if err := os.WriteFile(f.saPrivate, private, 0o600); err != nil {
		return f, err
	}
	return f, os.WriteFile(f.tokens, []byte(c.token+",admin,admin,system:masters\n"), 0o600)
}

// waitFor polls ready until it succeeds, the process exits, or ctx ends.
func waitFor(ctx context.Context, p *process, name string, ready func() error) error {
	var last error
	for {
		if last = ready(); last == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready: %v\n%s", name, p.err, p.tail(20))
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %s: %v\n%s", name, startTimeout, last, p.tail(20))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// freePorts are n loopback ports free now. Another process could take one before the
// component binds it; the component then fails to start and says so.
func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// kubeconfig reaches server with the token, trusting ca.
func kubeconfig(server string, ca []byte, token string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\ncurrent-context: test\n")
	fmt.Fprintf(&b, "clusters:\n- name: test\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n", server, encode(ca))
	fmt.Fprintf(&b, "users:\n- name: admin\n  user:\n    token: %s\n", token)
	fmt.Fprintf(&b, "contexts:\n- name: test\n  context:\n    cluster: test\n    user: admin\n")
	return b.String()
}
