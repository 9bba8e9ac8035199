package kubernetes

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/naming"
)

// CacheImage is Redis 7.4.8, the official Alpine image, by its tag and its multi-platform index
// digest: the tag says which release, the digest which bytes. 7.4.8 comes after the October
// 2025 fixes for the Lua scripting flaws (CVE-2025-49844 among them). A registry mirror keeps
// the digest (az acr import, crane copy), so a stack may name its mirror's copy instead.
const CacheImage = "docker.io/library/redis:7.4.8-alpine@sha256:7aec734b2bb298a1d769fd8729f13b8514a41bf90fcdd1f38ec52267fbaa8ee6"

// CacheArgs are a Redis cache run in the cluster where the cloud offers no managed one, held
// to the managed caches' controls: TLS only, every client authenticated, its data on the
// estate's encrypted StorageClass, and reached only from the pods named in Clients.
type CacheArgs struct {
	// Name names the StatefulSet, Service, ServiceAccount, disruption budget and network
	// policy, and is the pods' app.kubernetes.io/name label; "redis" unless set.
	Name string
	// Namespace is the namespace's name (Namespaces.Namespaces[...].Metadata.Name().Elem()).
	Namespace pulumi.StringInput
	// Image must be pinned by digest; CacheImage unless set.
	Image string
	// Port is the TLS port the server and its Service listen on; 6379 unless set. There is no
	// plaintext port.
	Port int
	// Identity is the cloud identity the ServiceAccount is bound to, with which the secret
	// store's driver reads the certificate and the token.
	Identity Identity
	// Secrets mounts, from the cloud's secret store, the files TLSFile and TokenFile. Required.
	Secrets *SecretMount
	// TLSFile is the file, in the secret mount, that holds the server's private key and its
	// certificate chain, PEM-encoded; TokenFile holds the token clients authenticate with.
	TLSFile, TokenFile string
	// StorageClass is the estate's encrypted StorageClass (StorageClass.Name).
	StorageClass pulumi.StringInput
	// VolumeSize is the persistent volume's size, such as "16Gi": it holds the append-only
	// file, so at least twice the memory limit.
	VolumeSize string
	// Resources are required. The memory request equals the limit, in Mi or Gi: the cache is
	// then the last pod a node short of memory evicts, and Redis's maxmemory is set below the
	// limit from it.
	Resources Resources
	// Clients are the pods that may connect; nothing else reaches the cache.
	Clients []Peer
	// Production keeps the StatefulSet and its volume claim through deletes (protected,
	// retained, and the claim kept when the StatefulSet goes).
	Production bool
	// Labels are the estate's labels (config.Config.Tags()).
	Labels map[string]string
}

// Cache is Redis as one StatefulSet pod on an encrypted volume, with its ServiceAccount,
// SecretProviderClass, ClusterIP Service, disruption budget and network policy.
type Cache struct {
	pulumi.ResourceState

	ServiceName        pulumi.StringOutput `pulumi:"serviceName"`
	ServiceAccountName pulumi.StringOutput `pulumi:"serviceAccountName"`
	// Host is the Service's DNS name in the cluster's default domain, which the certificate
	// must name.
	Host pulumi.StringOutput `pulumi:"host"`

	StatefulSet *appsv1.StatefulSet
	Service     *corev1.Service
	// Selector is the pods' selector; Port the TLS port they serve, for the clients' policies.
	Selector map[string]string
	Port     int
}

const (
	defaultCacheName = "redis"
	defaultCachePort = 6379
	// cachePortName names the container's and the Service's port.
	cachePortName = "redis-tls"
	// cacheDataDir is where the volume holds the append-only file.
	cacheDataDir = "/data"
	// cacheRunDir holds the ACL file written at start, in memory.
	cacheRunDir = "/run/redis"
	cacheACL    = cacheRunDir + "/users.acl"
	// cacheMemoryPercent of the container's memory limit is Redis's maxmemory: the rest is the
	// headroom a rewrite of the append-only file needs, whose fork copies the pages written
	// while it runs (ElastiCache reserves the same quarter by default).
	cacheMemoryPercent = 75
	// cacheTLSCiphers are TLS 1.2's forward-secret AEAD suites (TLS 1.3 has only such suites).
	cacheTLSCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
)

// cacheMinimumMiB is the smallest memory limit: Redis itself takes a few MiB, and the ACL
// file's memory volume counts against the limit too.
const cacheMinimumMiB = 256

var (
	// secretFile is a file name in the secret mount, and secretDir the mount's path: nothing
	// the start script's shell would read as syntax.
	secretFile = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$`)
	secretDir  = regexp.MustCompile(`^(/[A-Za-z0-9._-]+)+$`)
	// mebibytes is a memory size the component computes maxmemory from.
	mebibytes  = regexp.MustCompile(`^([1-9][0-9]*)(Mi|Gi)$`)
	mibPerUnit = map[string]int{"Mi": 1, "Gi": 1024}
	volumeSize = regexp.MustCompile(`^[1-9][0-9]*(Mi|Gi|Ti)$`)
)

// Validate fills the defaults and checks the Args before anything is registered.
func (a *CacheArgs) Validate() error {
	const c = "Cache"
	a.defaults()
	switch {
	case !serviceName.MatchString(a.Name):
		return kit.ArgError(c, "Name", fmt.Sprintf("%q", a.Name), "must be a DNS label that starts with a letter: lowercase letters, digits and '-', at most 63")
	case a.Namespace == nil:
		return kit.ArgError(c, "Namespace", nil, "required: the namespace's name from Namespaces")
	case !naming.PinnedImage.MatchString(a.Image):
		return kit.ArgError(c, "Image", fmt.Sprintf("%q", a.Image), "must be pinned by digest, <repository>[:tag]@sha256:<64 lowercase hex digits>: a tag can be moved to unreviewed code")
	case a.Port < 1024 || a.Port > 65535:
		return kit.ArgError(c, "Port", a.Port, "must be 1024 to 65535: the server runs as non-root, which cannot bind a lower port")
	case a.Secrets == nil:
		return kit.ArgError(c, "Secrets", nil, "required: the TLS certificate and the auth token come from the cloud's secret store, never a Kubernetes Secret")
	}
	if err := a.Secrets.check(c); err != nil {
		return err
	}
	if !secretDir.MatchString(a.Secrets.MountPath) {
		return kit.ArgError(c, "Secrets.MountPath", fmt.Sprintf("%q", a.Secrets.MountPath), "must be an absolute path of letters, digits, '.', '_' and '-': the start script reads the token there")
	}
	for _, f := range []struct{ arg, value string }{{"TLSFile", a.TLSFile}, {"TokenFile", a.TokenFile}} {
		if !secretFile.MatchString(f.value) {
			return kit.ArgError(c, f.arg, fmt.Sprintf("%q", f.value), "required: a file name in the secret mount (letters, digits, '.', '_', '-'), no directory")
		}
	}
	switch {
	case a.TLSFile == a.TokenFile:
		return kit.ArgError(c, "TokenFile", fmt.Sprintf("%q", a.TokenFile), "must differ from TLSFile: the token is a file of its own")
	case a.StorageClass == nil:
		return kit.ArgError(c, "StorageClass", nil, "required: the estate's encrypted StorageClass; the cluster's default class may not encrypt with the estate's key")
	case !volumeSize.MatchString(a.VolumeSize):
		return kit.ArgError(c, "VolumeSize", fmt.Sprintf("%q", a.VolumeSize), "must be a size in Mi, Gi or Ti, such as 16Gi")
	}
	for _, q := range []struct{ arg, value string }{
		{"Resources.CPURequest", a.Resources.CPURequest}, {"Resources.CPULimit", a.Resources.CPULimit},
	} {
		if !quantity.MatchString(q.value) {
			return kit.ArgError(c, q.arg, fmt.Sprintf("%q", q.value), "required: a Kubernetes quantity such as 500m or 1")
		}
	}
	limit, ok := mib(a.Resources.MemoryLimit)
	switch request, requestOK := mib(a.Resources.MemoryRequest); {
	case !ok || limit < cacheMinimumMiB:
		return kit.ArgError(c, "Resources.MemoryLimit", fmt.Sprintf("%q", a.Resources.MemoryLimit), "required: at least %dMi, in Mi or Gi such as 4Gi (maxmemory is computed from it)", cacheMinimumMiB)
	case !requestOK || request != limit:
		return kit.ArgError(c, "Resources.MemoryRequest", fmt.Sprintf("%q", a.Resources.MemoryRequest), "must equal Resources.MemoryLimit (%s): a cache using more than it requested is the first pod evicted when its node runs short", a.Resources.MemoryLimit)
	}
	// Redis rewrites the append-only file once it has doubled, so the file can reach twice the
	// data, and the data reaches maxmemory.
	if volume := volumeMiB(a.VolumeSize); volume < 2*limit {
		return kit.ArgError(c, "VolumeSize", a.VolumeSize, "must be at least twice Resources.MemoryLimit (%s): the append-only file grows to twice the data before Redis rewrites it", a.Resources.MemoryLimit)
	}
	if _, ok := a.Identity.PodLabels[nameLabel]; ok {
		return kit.ArgError(c, "Identity.PodLabels", a.Identity.PodLabels, "must not set %s: it is the pods' selector", nameLabel)
	}
	if len(a.Clients) == 0 {
		return kit.ArgError(c, "Clients", "[]", "required: the pods that may connect; a cache no one may reach serves no one, and one everyone may reach is not private")
	}
	for i, p := range a.Clients {
		if err := p.check(c, fmt.Sprintf("Clients[%d]", i)); err != nil {
			return err
		}
	}
	return kit.RequireTags(c, a.Labels)
}

func (a *CacheArgs) defaults() {
	if a.Name == "" {
		a.Name = defaultCacheName
	}
	if a.Image == "" {
		a.Image = CacheImage
	}
	if a.Port == 0 {
		a.Port = defaultCachePort
	}
	if a.Secrets != nil && a.Secrets.MountPath == "" {
		a.Secrets.MountPath = defaultSecretPath
	}
}

// volumeMiB reads a checked volume size in mebibytes.
func volumeMiB(q string) int {
	if n, ok := mib(q); ok {
		return n
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(q, "Ti"))
	return n * 1024 * 1024
}

// mib reads a size in Mi or Gi as mebibytes.
func mib(q string) (int, bool) {
	m := mebibytes.FindStringSubmatch(q)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n * mibPerUnit[m[2]], err == nil
}

// NewCache creates the cache; the provider comes from the options (pulumi.Provider).
func NewCache(ctx *pulumi.Context, name string, args *CacheArgs, opts ...pulumi.ResourceOption) (*Cache, error) {
	c := &Cache{}
	if err := kit.Register(ctx, TypeCache, name, args, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	c.Port = args.Port
	// The identity is only for the secret store's driver.
	id, err := newAppIdentity(ctx, name, args.Name, args.Namespace, args.Labels, args.Identity, parent)
	if err != nil {
		return nil, err
	}
	c.Selector, c.ServiceAccountName = id.selector, id.serviceAccount
	meta, selector := id.meta, id.labelSelector

	secretClass, err := newSecretProviderClass(ctx, name+"-secrets", meta, args.Secrets, parent)
	if err != nil {
		return nil, err
	}

	// Deleting the claim deletes the cache's data; outside production it goes with the
	// StatefulSet, so a torn-down dev stack leaves no volume behind.
	keepClaims := "Delete"
	if args.Production {
		keepClaims = "Retain"
	}
	c.StatefulSet, err = appsv1.NewStatefulSet(ctx, name+"-statefulset", &appsv1.StatefulSetArgs{
		Metadata: meta,
		Spec: &appsv1.StatefulSetSpecArgs{
			// One server: Redis's replicas would need Sentinel and clients that follow it. The
			// volume brings the data back when the pod is rescheduled.
			Replicas:             pulumi.Int(1),
			ServiceName:          pulumi.String(args.Name),
			RevisionHistoryLimit: pulumi.Int(revisionHistory),
			Selector:             selector,
			PodManagementPolicy:  pulumi.String("OrderedReady"),
			UpdateStrategy:       &appsv1.StatefulSetUpdateStrategyArgs{Type: pulumi.String("RollingUpdate")},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicyArgs{
				WhenDeleted: pulumi.String(keepClaims), WhenScaled: pulumi.String("Retain"),
			},
			Template: cachePod(args, c.Selector, c.ServiceAccountName, secretClass),
			VolumeClaimTemplates: corev1.PersistentVolumeClaimTypeArray{corev1.PersistentVolumeClaimTypeArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("data"), Labels: id.meta.Labels},
				Spec: &corev1.PersistentVolumeClaimSpecArgs{
					AccessModes:      pulumi.ToStringArray([]string{"ReadWriteOnce"}),
					StorageClassName: args.StorageClass,
					Resources:        &corev1.VolumeResourceRequirementsArgs{Requests: pulumi.StringMap{"storage": pulumi.String(args.VolumeSize)}},
				},
			}},
		},
	}, kit.Stateful(c, args.Production)...)
	if err != nil {
		return nil, err
	}

	// ClusterIP only: the cache is the backend's, never reached from outside the cluster.
	c.Service, err = corev1.NewService(ctx, name+"-service", &corev1.ServiceArgs{
		Metadata: meta,
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: pulumi.ToStringMap(c.Selector),
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String(cachePortName), Port: pulumi.Int(args.Port), TargetPort: pulumi.String(cachePortName), Protocol: pulumi.String("TCP"),
			}},
		},
	}, parent)
	if err != nil {
		return nil, err
	}
	c.ServiceName = c.Service.Metadata.Name().Elem()
	c.Host = pulumi.Sprintf("%s.%s.svc.cluster.local", c.ServiceName, c.Service.Metadata.Namespace().Elem())

	// The one pod may be evicted: a budget of zero would block node drains and so the
	// cluster's security upgrades. The volume follows the pod.
	if _, err := policyv1.NewPodDisruptionBudget(ctx, name+"-disruption-budget", &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta,
		Spec:     &policyv1.PodDisruptionBudgetSpecArgs{MaxUnavailable: pulumi.Int(1), Selector: selector},
	}, parent); err != nil {
		return nil, err
	}

	if err := cachePolicy(ctx, name, meta, args, c.Selector, parent); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"serviceName": c.ServiceName, "serviceAccountName": c.ServiceAccountName, "host": c.Host,
	})
}

// cachePolicy lets the clients in on the TLS port and the cache's pods out nowhere: Redis
// resolves no names and calls nothing, and the secret store's driver runs on the node.
// It stands whatever the namespace's own policies say (NSA/CISA 2.0).
func cachePolicy(ctx *pulumi.Context, name string, meta *metav1.ObjectMetaArgs, args *CacheArgs, selector map[string]string, parent pulumi.ResourceOption) error {
	var from networkingv1.NetworkPolicyPeerArray
	for _, p := range args.Clients {
		from = append(from, peer(p.Namespace, p.Selector))
	}
	_, err := networkingv1.NewNetworkPolicy(ctx, name+"-flows", &networkingv1.NetworkPolicyArgs{
		Metadata: withName(meta, args.Name+"-flows"),
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.ToStringMap(selector)},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
				From: from, Ports: networkingv1.NetworkPolicyPortArray{tcp(pulumi.Int(args.Port))},
			}},
		},
	}, parent)
	return err
}

// cachePod is the restricted pod of podTemplate, running Redis with its data on the claim,
// its certificate and token from the secret mount, and its ACL file in memory.
func cachePod(args *CacheArgs, selector map[string]string, serviceAccount, secretClass pulumi.StringInput) *corev1.PodTemplateSpecArgs {
	podLabels := map[string]string{}
	for k, v := range args.Identity.PodLabels {
		podLabels[k] = v
	}
	for k, v := range selector {
		podLabels[k] = v
	}
	secretsMount, secretsVol := secretsVolume(args.Secrets.MountPath, secretClass)
	resources := &corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.String(args.Resources.CPURequest), "memory": pulumi.String(args.Resources.MemoryRequest)},
		Limits:   pulumi.StringMap{"cpu": pulumi.String(args.Resources.CPULimit), "memory": pulumi.String(args.Resources.MemoryLimit)},
	}
	return &corev1.PodTemplateSpecArgs{
		Metadata: &metav1.ObjectMetaArgs{Labels: pulumi.ToStringMap(podLabels)},
		Spec: &corev1.PodSpecArgs{
			ServiceAccountName:           serviceAccount,
			AutomountServiceAccountToken: pulumi.Bool(false),
			// No environment variables naming the cluster's other Services.
			EnableServiceLinks:    pulumi.Bool(false),
			HostNetwork:           pulumi.Bool(false),
			HostPID:               pulumi.Bool(false),
			HostIPC:               pulumi.Bool(false),
			ShareProcessNamespace: pulumi.Bool(false),
			SecurityContext:       restrictedPodSecurity(),
			Containers: corev1.ContainerArray{corev1.ContainerArgs{
				Name:            pulumi.String("redis"),
				Image:           pulumi.String(args.Image),
				ImagePullPolicy: pulumi.String("IfNotPresent"),
				// The shell writes the ACL file from the token and becomes redis-server (exec), so
				// Redis is the container's first process and gets its stop signal. The server's
				// settings are the arguments, for anyone reading the pod spec; no secret is.
				Command:         pulumi.ToStringArray([]string{"/bin/sh", "-c", cacheStartScript(args), "redis-server"}),
				Args:            pulumi.ToStringArray(cacheServerArgs(args)),
				Ports:           corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String(cachePortName), ContainerPort: pulumi.Int(args.Port), Protocol: pulumi.String("TCP")}},
				Resources:       resources,
				SecurityContext: restrictedContainerSecurity(),
				// The startup probe allows five minutes to load a large append-only file, during
				// which Redis answers LOADING; then a hung server is restarted and one that
				// cannot answer gets no clients.
				StartupProbe:   cacheProbe(args, 10, 30),
				LivenessProbe:  cacheProbe(args, 10, 3),
				ReadinessProbe: cacheProbe(args, 5, 3),
				VolumeMounts: corev1.VolumeMountArray{
					corev1.VolumeMountArgs{Name: pulumi.String("data"), MountPath: pulumi.String(cacheDataDir)},
					corev1.VolumeMountArgs{Name: pulumi.String("run"), MountPath: pulumi.String(cacheRunDir)},
					secretsMount,
				},
			}},
			Volumes: corev1.VolumeArray{
				// In memory: the ACL file never reaches the node's disk, and is gone with the pod.
				corev1.VolumeArgs{Name: pulumi.String("run"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{Medium: pulumi.String("Memory"), SizeLimit: pulumi.String("1Mi")}},
				secretsVol,
			},
		},
	}
}

// cacheStartScript writes the ACL file and starts Redis with the container's arguments. The
// file holds the token's SHA-256, never the token, and is what makes the token required: the
// default user, the only one, is on with that password and may run every command but the
// administrative ones (CONFIG, DEBUG, SHUTDOWN, MONITOR, REPLICAOF, ACL changes, ...), which
// the managed caches keep from their clients too. The token is read by the shell's builtins
// alone, so it is in no process's arguments. A trailing newline of the file is not part of it.
func cacheStartScript(args *CacheArgs) string {
	token := path.Join(args.Secrets.MountPath, args.TokenFile)
	return strings.Join([]string{
		"set -eu",
		fmt.Sprintf(`token="$(cat '%s')"`, token),
		fmt.Sprintf(`[ -n "$token" ] || { echo "the auth token file %s is empty" >&2; exit 1; }`, token),
		"umask 077",
		fmt.Sprintf(`printf 'user default on #%%s ~* &* +@all -@admin\n' "$(printf '%%s' "$token" | sha256sum | cut -d' ' -f1)" > '%s'`, cacheACL),
		"unset token",
		`exec redis-server "$@"`,
	}, "\n")
}

// cacheServerArgs are Redis's settings, each for a reason.
func cacheServerArgs(args *CacheArgs) []string {
	tls := path.Join(args.Secrets.MountPath, args.TLSFile)
	limit, _ := mib(args.Resources.MemoryLimit)
	return []string{
		// No plaintext port: a client that does not speak TLS is not served.
		"--port", "0",
		"--tls-port", strconv.Itoa(args.Port),
		// One PEM holds the key and the chain; OpenSSL reads each from it.
		"--tls-cert-file", tls,
		"--tls-key-file", tls,
		// Clients prove themselves with the token; they hold no certificates of their own.
		"--tls-auth-clients", "no",
		"--tls-protocols", "TLSv1.2 TLSv1.3",
		"--tls-ciphers", cacheTLSCiphers,
		"--tls-prefer-server-ciphers", "yes",
		"--aclfile", cacheACL,
		// Every write is in the append-only file within a second, on the encrypted volume.
		"--dir", cacheDataDir,
		"--appendonly", "yes",
		"--appendfsync", "everysec",
		// Below the container's limit, so Redis evicts before the kernel kills it; keys with an
		// expiry go first, as on the managed caches.
		"--maxmemory", fmt.Sprintf("%dmb", limit*cacheMemoryPercent/100),
		"--maxmemory-policy", "volatile-lru",
		// Redis 7's defaults, said here: no DEBUG, no modules loaded at run time, and no
		// changing the file paths and other protected settings.
		"--enable-debug-command", "no",
		"--enable-module-command", "no",
		"--enable-protected-configs", "no",
	}
}

// cacheProbe pings the server over TLS as the default user. It connects over the pod's own
// loopback, where nothing sits between it and the server, so it does not verify the
// certificate, whose chain may end in a root the image does not hold; clients verify it. The
// token reaches redis-cli in its environment, not its arguments.
func cacheProbe(args *CacheArgs, period, failures int) *corev1.ProbeArgs {
	check := fmt.Sprintf(`REDISCLI_AUTH="$(cat '%s')" redis-cli --tls --insecure -h 127.0.0.1 -p %d ping | grep -qx PONG`,
		path.Join(args.Secrets.MountPath, args.TokenFile), args.Port)
	return &corev1.ProbeArgs{
		Exec:             &corev1.ExecActionArgs{Command: pulumi.ToStringArray([]string{"/bin/sh", "-c", check})},
		PeriodSeconds:    pulumi.Int(period),
		TimeoutSeconds:   pulumi.Int(5),
		FailureThreshold: pulumi.Int(failures),
	}
}
