// Package platformtest is a platform contract with no cloud behind it, for the tests of what is
// built on it: the workloads under Pulumi mocks, and on a real API server.
package platformtest

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/stacks/platform"
)

func text(s string) pulumi.StringOutput { return pulumi.String(s).ToStringOutput() }

// Cluster is a platform of the given cloud, shaped as a GKE build hands it over, for the
// cluster that kubeconfig reaches at the given Kubernetes minor version: an app and a GPU pool,
// encrypted storage, data stores on a private range, an in-cluster ingress controller, a pager
// and a mail receiver, and a backend bound to a cloud identity and a secret in the store.
func Cluster(cloud, version, kubeconfig string) *platform.Platform {
	return &platform.Platform{
		Cloud: cloud,
		Cluster: platform.Cluster{
			Name: text("estate"), Version: version,
			Kubeconfig: pulumi.ToSecret(pulumi.String(kubeconfig)).(pulumi.StringOutput),
			NodePools:  []platform.NodePool{{Name: "app", Min: 3, Max: 12}, {Name: "gpu", GPU: true, Min: 0, Max: 4}},
			Managed:    kit.ManagedGKE,
			Storage: platform.Storage{Provisioner: "pd.csi.storage.gke.io", Parameters: map[string]pulumi.StringInput{
				"type": pulumi.String("pd-balanced"), "disk-encryption-kms-key": pulumi.String("projects/p/locations/europe-west2/keyRings/r/cryptoKeys/storage"),
			}},
		},
		Database: platform.Database{Endpoint: text("10.30.64.3"), Port: pulumi.Int(5432).ToIntOutput()},
		Cache:    platform.Cache{Endpoint: text("10.30.64.4"), Port: pulumi.Int(6378).ToIntOutput()},
		Ingress:  platform.Ingress{Kind: platform.IngressController, Class: "nginx", TLSSecret: "assistant-tls"},
		Alerts: platform.Alerts{
			Critical: pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pulumi.ToSecret(pulumi.String("https://pager.example/hook"))}}},
			Warning:  pulumi.Map{"webhook_configs": pulumi.Array{pulumi.Map{"url": pulumi.String("https://alerts.example/mail")}}},
		},
		Network: platform.Network{
			DataCidrs: []string{"10.30.64.0/24"}, EndpointCidrs: []string{"199.36.153.8/30"},
			Identity: &platform.Endpoint{Cidrs: []string{"169.254.169.252/32", "169.254.169.254/32"}, Ports: []int{80, 988}},
		},
		Workloads: map[string]platform.WorkloadBinding{
			"backend": {
				IdentityAnnotations: map[string]pulumi.StringInput{"iam.gke.io/gcp-service-account": pulumi.String("backend@p.iam.gserviceaccount.com")},
				Secrets: &platform.SecretProvider{Provider: "gcp", Parameters: pulumi.StringMap{
					"secrets": pulumi.String("- resourceName: projects/p/secrets/database-password/versions/latest\n  path: database-password\n"),
				}},
			},
		},
	}
}
