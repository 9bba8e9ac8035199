package main

import (
	"context"
	"testing"
	"time"

	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/kubeharness"
	"github.com/healthhub/estate/stacks/program"
	"github.com/healthhub/estate/stacks/workloads"
)

// `make bench-kube` prints these: how long the control plane takes to start, and the
// workloads' `estate up` on it and the no-change preview after it, on the real engine and
// provider, in ns/op.

func BenchmarkKubeControlPlaneStart(b *testing.B) {
	for range b.N {
		cluster := kubeharness.Start(b)
		b.StopTimer()
		if err := cluster.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func BenchmarkKubeWorkloadsUp(b *testing.B) {
	benchmarkWorkloads(b, func(b *testing.B, cluster *kubeharness.Cluster, run func(...string) int) {
		for range b.N {
			b.StartTimer()
			if code := run("up", "kube"); code != exitOK {
				b.Fatalf("up exited %d", code)
			}
			b.StopTimer()
			if code := run("destroy", "kube"); code != exitOK {
				b.Fatalf("destroy exited %d", code)
			}
			waitNamespacesGone(context.Background(), b, cluster)
		}
	})
}

func BenchmarkKubeWorkloadsPreviewNoChanges(b *testing.B) {
	benchmarkWorkloads(b, func(b *testing.B, _ *kubeharness.Cluster, run func(...string) int) {
		if code := run("up", "kube"); code != exitOK {
			b.Fatalf("up exited %d", code)
		}
		for range b.N {
			b.StartTimer()
			if code := run("preview", "kube", "--expect-no-changes"); code != exitOK {
				b.Fatalf("preview exited %d", code)
			}
			b.StopTimer()
		}
	})
}

// benchmarkWorkloads starts a control plane and a project outside the timer, then runs body
// with the timer stopped; body times what it measures.
func benchmarkWorkloads(b *testing.B, body func(*testing.B, *kubeharness.Cluster, func(...string) int)) {
	b.StopTimer()
	cluster := kubeharness.Start(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	installCRDs(ctx, b, cluster)
	_, flags := kubeProject(b, "kube")
	program := withSkipAwait(program.New(map[string]program.Builder{config.CloudGCP: localPlatform(cluster)}, workloads.Build))
	b.ResetTimer()
	body(b, cluster, func(args ...string) int {
		code, stdout, stderr := runCLI(b, program, append(args, flags...)...)
		if code != exitOK {
			b.Logf("%s\n%s", stdout, stderr)
		}
		return code
	})
}
