// Package platform is the contract between a cloud's estate and what runs on top of it: every
// cloud's build returns a Platform, the Kubernetes workloads are built on it alone, and the
// stack's outputs are exported from it under one list of names, the same on every cloud.
package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
)

// Platform is what a cloud's build hands to the workloads and to the stack's outputs. A field a
// cloud does not have stays zero and is exported as null.
type Platform struct {
	// Cloud is the config's healthhub:cloud ("aws", "gcp", "azure"); it prefixes the Extra outputs.
	Cloud string
	// Region is the primary region (AWS, GCP) or location (Azure).
	Region   string
	Cluster  Cluster
	Database Database
	Cache    Cache
	Ingress  Ingress
	Alerts   Alerts
	// Keys are the encryption keys the workloads may use, by domain ("database", "storage",
	// "secrets", ...): KMS key ARNs on AWS, Cloud KMS key ids on GCP, Key Vault key ids on Azure.
	Keys pulumi.StringMapOutput
	DR   DR
	// Network is where the workloads' pods may reach beyond the cluster.
	Network Network
	// Workloads are, by workload name ("frontend", "backend", "model-serving"), the cloud
	// identity and secrets the cloud made for each configured app.
	Workloads map[string]WorkloadBinding
	// Extra holds what only this cloud has (its VPC id, its serverless API URL, ...), by a
	// lowerCamel name; each is exported as <cloud><Name>, e.g. "awsVpcId".
	Extra map[string]pulumi.Input
}

// Cluster is the Kubernetes cluster the workloads run on.
type Cluster struct {
	Name pulumi.StringOutput
	// Version is the pinned Kubernetes minor version ("1.31"); admission standards are pinned
	// to it.
	Version  string
	Endpoint pulumi.StringOutput
	// CertificateAuthority is the cluster CA, base64-encoded PEM as the kubeconfig carries it.
	CertificateAuthority pulumi.StringOutput
	// Kubeconfig reaches the cluster; it is exported as a secret whatever the cloud made of it,
	// because it names the endpoint and CA of a cluster holding PHI.
	Kubeconfig pulumi.StringOutput
	// OidcIssuer is the issuer of the cluster's service account tokens.
	OidcIssuer pulumi.StringOutput
	// WorkloadIdentity is what a service account's cloud identity trusts: the IAM OIDC provider
	// ARN on EKS, the workload identity pool on GKE, the federated issuer on AKS.
	WorkloadIdentity pulumi.StringOutput
	NodePools        []NodePool
	// Managed names the managed control plane: its own components (scheduler, controller
	// manager, etcd) are the cloud's, and not scraped.
	Managed kit.ControlPlane
	// Storage is how the cloud's CSI driver makes encrypted volumes with the estate's key.
	Storage Storage
	// SystemNamespaces are where the cloud's managed add-ons run besides kube-system (GKE's
	// gmp-system, ...): the cloud hardens them, and the in-cluster policies leave them alone.
	SystemNamespaces []string
}

// Storage is a StorageClass's provisioner and parameters.
type Storage struct {
	Provisioner string
	Parameters  map[string]pulumi.StringInput
}

// Network is what a NetworkPolicy needs of the cloud's network: the pods' only ways out are
// to the data stores, to the cloud's private API endpoints, and (frontend) in from the ingress.
type Network struct {
	// DataCidrs hold the database and cache (the isolated subnets on AWS).
	DataCidrs []string
	// EndpointCidrs hold the cloud's private API endpoints the pods call on 443 (STS, Secrets
	// Manager, KMS, object storage through the VPC endpoints).
	EndpointCidrs []string
	// Identity is where a pod fetches its cloud identity's tokens when that is not a private
	// API endpoint on 443 (GKE's metadata server); empty where the endpoints cover it.
	Identity *Endpoint
}

// Endpoint is a destination the pods reach on given ports.
type Endpoint struct {
	Cidrs []string
	Ports []int
	// SignIn says Cidrs are the cloud identity provider's public sign-in service (Entra ID on
	// AKS), reached over the internet on 443: it receives the pods' federated tokens, never data.
	SignIn bool
}

// WorkloadBinding is what one workload gets from the cloud.
type WorkloadBinding struct {
	// IdentityAnnotations go on the workload's ServiceAccount: eks.amazonaws.com/role-arn,
	// iam.gke.io/gcp-service-account, azure.workload.identity/client-id.
	IdentityAnnotations map[string]pulumi.StringInput
	// PodLabels go on its pods (AKS's azure.workload.identity/use).
	PodLabels map[string]string
	// Secrets, when the workload reads any, mount through the Secrets Store CSI driver.
	Secrets *SecretProvider
}

// SecretProvider is a SecretProviderClass's provider ("aws", "gcp", "azure") and parameters
// (which secrets, by their store's ids).
type SecretProvider struct {
	Provider   string
	Parameters pulumi.StringMap
}

// NodePool is one pool of nodes, as sized by the stack's config.
type NodePool struct {
	Name string
	// GPU pools are tainted nvidia.com/gpu: only pods that ask for a GPU land there.
	GPU      bool
	Min, Max int
}

// Database is the clinical PostgreSQL database.
type Database struct {
	Endpoint       pulumi.StringOutput
	ReaderEndpoint pulumi.StringOutput
	Port           pulumi.IntOutput
	// DREndpoint is the DR region's replica (read-only until promoted).
	DREndpoint pulumi.StringOutput
	// Credentials is where the administrator password is kept.
	Credentials SecretRef
}

// Cache is the Redis cache (TLS, authenticated).
type Cache struct {
	Endpoint       pulumi.StringOutput
	ReaderEndpoint pulumi.StringOutput
	Port           pulumi.IntOutput
	// AuthSecret is where the token clients authenticate with is kept.
	AuthSecret SecretRef
	// InCluster, when set, says the cloud has no managed cache for the estate (AKS: Azure Cache
	// for Redis is being retired), so the workloads run Redis in the cluster themselves, held to
	// the managed caches' controls: TLS only, the token required, data on the encrypted
	// StorageClass, reached from the backend alone. The cloud then exports Endpoint as
	// InCluster.Host() and Port as InClusterCachePort, which is where the workloads run it.
	InCluster *InClusterCache
}

// InClusterCache is what the workloads need of the cloud to run the cache in the cluster.
type InClusterCache struct {
	// Namespace is the cache's own namespace, apart from the apps': restricted Pod Security and a
	// default deny, like theirs.
	Namespace string
	// Binding is the cloud identity of the cache's ServiceAccount, InClusterCacheName in
	// Namespace (the subject its federated credential trusts). Its Secrets are required: the
	// SecretProvider whose parameters mount the TLS certificate and the auth token as the files
	// InClusterCacheTLSFile and InClusterCacheTokenFile. Its PodLabels go on the cache's pods.
	Binding WorkloadBinding
	// VolumeSize is the persistent volume's size, a Kubernetes quantity such as "16Gi": the
	// append-only file, which brings the cache's data back after a restart, lives there.
	VolumeSize string
}

// The in-cluster cache's names and files, which the cloud's identity, certificate and secret
// mount must match.
const (
	// InClusterCacheName names the cache's ServiceAccount, Service and StatefulSet.
	InClusterCacheName = "redis"
	// InClusterCachePort is the cache's TLS port; it serves no plaintext port.
	InClusterCachePort = 6379
	// InClusterCacheTLSFile holds, PEM-encoded, the server's private key and its certificate
	// with the chain (a Key Vault certificate read as a secret is this). The certificate names
	// InClusterCache.Host().
	InClusterCacheTLSFile = "tls.pem"
	// InClusterCacheTokenFile holds the token clients authenticate with, alone (a trailing
	// newline is ignored); the same secret AuthSecret names.
	InClusterCacheTokenFile = "auth-token"
)

// Host is the DNS name clients reach the in-cluster cache at: its Service's, in the cluster's
// default domain.
func (c InClusterCache) Host() string {
	return InClusterCacheName + "." + c.Namespace + ".svc.cluster.local"
}

// SecretStore says where a secret lives, so the workloads know how to read it.
type SecretStore string

const (
	// StoreStackConfig is a Pulumi secret in this stack's config; Name is its full key.
	StoreStackConfig SecretStore = "stack-config"
	// StoreAWSSecretsManager is an AWS Secrets Manager secret; ID is its ARN.
	StoreAWSSecretsManager SecretStore = "aws-secrets-manager"
	// StoreGCPSecretManager is a Secret Manager secret; ID is projects/P/secrets/S.
	StoreGCPSecretManager SecretStore = "gcp-secret-manager"
	// StoreAzureKeyVault is a Key Vault secret; ID is its URL.
	StoreAzureKeyVault SecretStore = "azure-key-vault"
	// StoreIAM is no secret at all: the workload logs in as its own cloud identity (Cloud SQL
	// IAM authentication); Name is the workload, ID the instance it connects to.
	StoreIAM SecretStore = "iam"
)

// SecretRef names a secret without holding its value.
type SecretRef struct {
	Store SecretStore
	Name  string
	// ID is the store's identifier of the secret, where the store has one.
	ID pulumi.StringOutput
}

// IngressKind is how traffic from the internet reaches the workloads.
type IngressKind string

const (
	// IngressLoadBalancer is a load balancer the estate built, forwarding to the workloads'
	// target port (an ALB target group on AWS).
	IngressLoadBalancer IngressKind = "load-balancer"
	// IngressController is an ingress controller in the cluster; Class names its IngressClass.
	IngressController IngressKind = "controller"
)

// Ingress is the entry point from the internet.
type Ingress struct {
	Kind IngressKind
	// Class is the IngressClass the workloads' Ingress objects name (IngressController only).
	Class string
	// ClassAnnotation says the controller reads its class from the kubernetes.io/ingress.class
	// annotation and ignores spec.ingressClassName; the Ingress then names Class there only, as
	// the API server refuses an Ingress that sets both.
	ClassAnnotation bool
	DnsName         pulumi.StringOutput
	// Certificate is the TLS certificate presented (an ACM ARN, a certificate resource id).
	Certificate pulumi.StringOutput
	// Domain is the host name served, where the stack configures one.
	Domain string
	// Annotations are the controller's, for the workloads' Ingress (IngressController): on EKS
	// the AWS Load Balancer Controller's certificate, TLS policy, WAF ACL and access logs.
	Annotations map[string]pulumi.StringInput
	// SourceCidrs are where the controller's traffic reaches the pods from (the load balancer's
	// subnets when it targets pod IPs); empty when the controller runs in the cluster.
	SourceCidrs []string
	// TLSSecret names the certificate Secret of a controller that terminates TLS in the
	// cluster; empty where the cloud's load balancer holds the certificate.
	TLSSecret string
	// Firewall is the web application firewall in front of it (a WAF web ACL ARN, a Cloud
	// Armor policy, an Application Gateway WAF policy id).
	Firewall pulumi.StringOutput
	// ServiceAnnotations are the controller's, for the published Service, where a controller
	// reads how to reach the pods and which of its backend settings apply. The Service has one
	// port, named "http" whatever the app serves on it (HTTPS, for the estate's apps), on the
	// app's port.
	ServiceAnnotations map[string]pulumi.StringInput
	// Companions are the controller's custom resources that the Ingress's and the Service's
	// annotations name (its TLS policy, its backends' firewall and health check): created in the
	// published workload's namespace before the Ingress.
	Companions []CustomObject
}

// CustomObject is one custom resource of a controller, by its API version, kind and name.
type CustomObject struct {
	// APIVersion is group/version.
	APIVersion string
	Kind       string
	// Name is a DNS label, unique among the Companions of its kind.
	Name string
	Spec pulumi.Map
}

// Alerts is where alarms go; one on-call address sees security and operational alerts.
type Alerts struct {
	// Channel is an SNS topic ARN, a Pub/Sub topic id or an Azure Monitor action group id.
	Channel pulumi.StringOutput
	// Critical pages the on-call; Warning reaches them by e-mail. Each is an Alertmanager
	// receiver body (sns_configs, webhook_configs, email_configs) reaching this cloud's channel.
	Critical, Warning pulumi.Map
}

// DR is what a recovery in the other region needs. The stores' replica endpoints are with the
// stores (Database.DREndpoint).
type DR struct {
	Region string
	// Keys are the DR region's copies of Platform.Keys, by the same domains.
	Keys pulumi.StringMapOutput
	// BackupVault and DRBackupVault hold the recovery points, in the primary and the DR region.
	BackupVault   pulumi.StringOutput
	DRBackupVault pulumi.StringOutput
}
