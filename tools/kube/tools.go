//go:build tools

// Package tools pins the Kubernetes control plane that the engine tests start on loopback: the
// API server and controller manager of one release, and the etcd that release is tested with.
// It is a module of its own so the program's go.mod never carries Kubernetes' server code.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
