package kubeharness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// process is one running component, its output in a log file in the cluster's directory.
type process struct {
	name   string
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
	err    error
}

// run starts a component in its own process group, killed with the test binary if that dies
// first, so no component outlives the test that started it.
func (c *Cluster) run(path string, args ...string) (*process, error) {
	name := filepath.Base(path)
	log, err := os.Create(filepath.Join(c.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: log.Name(), exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.exited)
	}()
	c.procs = append(c.procs, p)
	return p, nil
}

// stopGrace is how long a component has to exit on SIGTERM before it is killed.
const stopGrace = 15 * time.Second

// stop ends the component's process group: SIGTERM, then SIGKILL after stopGrace.
func (p *process) stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	pgid := -p.cmd.Process.Pid
	if err := syscall.Kill(pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopGrace):
	}
	if err := syscall.Kill(pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	<-p.exited
	return nil
}

// tail is the last n lines of the component's log.
func (p *process) tail(n int) string {
	data, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop stops the components, the last started first. It is safe to call more than once.
func (c *Cluster) Stop() error {
	var errs []error
	for i := len(c.procs) - 1; i >= 0; i-- {
		errs = append(errs, c.procs[i].stop())
	}
	return errors.Join(errs...)
}

// Pids are the components' process ids, for checking that they are gone.
func (c *Cluster) Pids() []int {
	var out []int
	for _, p := range c.procs {
		out = append(out, p.cmd.Process.Pid)
	}
	return out
}

func (c *Cluster) dumpLogs(logf func(string, ...any)) {
	for _, p := range c.procs {
		logf("--- last lines of %s:\n%s", p.name, p.tail(15))
	}
}
