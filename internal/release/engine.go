package release

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
)

// EngineError is an operation the engine failed. Lines are the engine's own error lines (its
// error diagnostics and the `error:` lines it wrote to stderr), each once; Err is the
// Automation API's error, which also carries the CLI's whole captured output.
type EngineError struct {
	Op    string
	Stack string
	Lines []string
	Err   error
}

func (e *EngineError) Error() string {
	if len(e.Lines) == 0 {
		first, _, _ := strings.Cut(e.Err.Error(), "\n")
		return fmt.Sprintf("stack %s: %s failed: %s", e.Stack, e.Op, first)
	}
	return fmt.Sprintf("stack %s: %s failed:\n    %s", e.Stack, e.Op, strings.Join(e.Lines, "\n    "))
}

func (e *EngineError) Unwrap() error { return e.Err }

// watch follows one operation's event stream: it prints a line per finished resource step and
// keeps the engine's error diagnostics and mandatory policy violations for the error, so they
// are told once, at the end, and not again in the CLI's captured output.
type watch struct {
	ch   chan events.EngineEvent
	done chan struct{}

	mu         sync.Mutex
	seen       bool
	errors     []string
	violations []string
}

func (d *Driver) watch() *watch {
	w := &watch{ch: make(chan events.EngineEvent), done: make(chan struct{})}
	started := map[string]time.Time{}
	observe := d.observe
	go func() {
		defer close(w.done)
		for e := range w.ch {
			w.note(e)
			d.step(e, started)
			if observe != nil {
				observe(e)
			}
		}
	}()
	return w
}

func (w *watch) note(e events.EngineEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = true
	switch {
	case e.DiagnosticEvent != nil && e.DiagnosticEvent.Severity == "error":
		w.errors = append(w.errors, where(e.DiagnosticEvent.URN)+"error: "+tidy(e.DiagnosticEvent.Message))
	case e.PolicyEvent != nil && e.PolicyEvent.EnforcementLevel == "mandatory":
		p := e.PolicyEvent
		lines := strings.Split(strings.TrimSpace(p.Message), "\n")
		// The first line of a violation is the rule's description; the last says what is wrong.
		w.violations = append(w.violations, fmt.Sprintf("[mandatory] %s (%s): %s", p.PolicyName, resource(p.ResourceURN), strings.TrimSpace(lines[len(lines)-1])))
	}
}

// settle waits for the stream to end once the CLI has returned, so the last diagnostics are
// kept. A CLI that failed before it streamed anything never closes the stream.
func (w *watch) settle() {
	w.mu.Lock()
	wait := 500 * time.Millisecond
	if w.seen {
		wait = 10 * time.Second
	}
	w.mu.Unlock()
	select {
	case <-w.done:
	case <-time.After(wait):
	}
}

func (w *watch) failures() (errs, violations []string) {
	if w == nil {
		return nil, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.errors...), append([]string(nil), w.violations...)
}

// step prints one line per finished resource step, with its duration.
func (d *Driver) step(e events.EngineEvent, started map[string]time.Time) {
	if d.opts.Progress == nil {
		return
	}
	switch {
	case e.ResourcePreEvent != nil:
		m := e.ResourcePreEvent.Metadata
		started[m.URN] = time.Now()
		if e.ResourcePreEvent.Planning {
			fmt.Fprintf(d.opts.Progress, "  %-8s %s %s\n", m.Op, m.Type, lastPart(m.URN))
		}
	case e.ResOutputsEvent != nil:
		m := e.ResOutputsEvent.Metadata
		took := time.Since(started[m.URN]).Round(time.Millisecond)
		fmt.Fprintf(d.opts.Progress, "  %-8s %s %s (%s)\n", m.Op, m.Type, lastPart(m.URN), took)
	}
}

// engineLines are the error lines of a failed CLI run: the diagnostics from the event stream,
// then the `error:` lines of its stderr that the stream did not carry, each once.
func engineLines(err error, diagnostics []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(line string) {
		if line != "" && !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	for _, l := range diagnostics {
		add(l)
	}
	for _, l := range strings.Split(cliStderr(err), "\n") {
		if msg, ok := strings.CutPrefix(strings.TrimSpace(l), "error: "); ok && !mentioned(out, msg) {
			add("error: " + msg)
		}
	}
	return out
}

func mentioned(lines []string, msg string) bool {
	for _, l := range lines {
		if strings.Contains(l, msg) {
			return true
		}
	}
	return false
}

// cliStderr is the stderr the Automation API captured from the CLI. Its error type is not
// exported; its message ends with the captured stderr.
func cliStderr(err error) string {
	if err == nil {
		return ""
	}
	text := err.Error()
	i := strings.LastIndex(text, "\nstderr: ")
	if i < 0 || !strings.Contains(text[:i], "\ncode: ") {
		return ""
	}
	return text[i+len("\nstderr: "):]
}

// cliError is the first `error:` line of a failed CLI run, or the error's first line.
func cliError(err error) string {
	for _, l := range strings.Split(cliStderr(err), "\n") {
		if msg, ok := strings.CutPrefix(strings.TrimSpace(l), "error: "); ok {
			return msg
		}
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return first
}

// tidy keeps a diagnostic's lines, trimmed, continuation lines indented under the first.
func tidy(msg string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(msg), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n      ")
}

// where names the resource a diagnostic is about; the stack itself goes without saying.
func where(urn string) string {
	if urn == "" || strings.Contains(urn, "::pulumi:pulumi:Stack::") {
		return ""
	}
	return resource(urn) + ": "
}

// resource renders a URN as "type name".
func resource(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return urn
	}
	typ := parts[len(parts)-2]
	if i := strings.LastIndex(typ, "$"); i >= 0 {
		typ = typ[i+1:]
	}
	return typ + " " + parts[len(parts)-1]
}
