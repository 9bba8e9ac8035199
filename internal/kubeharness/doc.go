// Package kubeharness runs a real Kubernetes control plane for a test: etcd, kube-apiserver
// (RBAC, Pod Security and ValidatingAdmissionPolicy admission, a static token, loopback only,
// free ports) and kube-controller-manager, so namespaces get their service accounts and
// Deployments get ReplicaSets and Pods, which Pod Security admission then judges. There are no
// nodes: pods are admitted and stay Pending.
//
// The binaries come from `make kube` (HEALTHHUB_KUBE_BIN, else .cache/kube/bin in the
// repository). Everything the harness starts is stopped, and its files removed, when the test
// ends, whether it passed or not.
package kubeharness
