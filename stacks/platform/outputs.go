package platform

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The stack's outputs, the same names on every cloud. A consumer (the release pipeline, the
// workloads of another stack, an operator) reads these without knowing which cloud built them.
const (
	OutputCloud                       = "cloud"
	OutputPrimaryRegion               = "primaryRegion"
	OutputClusterName                 = "clusterName"
	OutputClusterEndpoint             = "clusterEndpoint"
	OutputClusterCertificateAuthority = "clusterCertificateAuthority"
	OutputKubeconfig                  = "kubeconfig"
	OutputClusterOidcIssuer           = "clusterOidcIssuer"
	OutputClusterWorkloadIdentity     = "clusterWorkloadIdentity"
	OutputClusterNodePools            = "clusterNodePools"
	OutputDatabaseEndpoint            = "databaseEndpoint"
	OutputDatabaseReaderEndpoint      = "databaseReaderEndpoint"
	OutputDatabasePort                = "databasePort"
	OutputDatabaseDrEndpoint          = "databaseDrEndpoint"
	OutputDatabaseCredentialsSecret   = "databaseCredentialsSecret"
	OutputCacheEndpoint               = "cacheEndpoint"
	OutputCacheReaderEndpoint         = "cacheReaderEndpoint"
	OutputCachePort                   = "cachePort"
	OutputCacheAuthSecret             = "cacheAuthSecret"
	OutputIngressKind                 = "ingressKind"
	OutputIngressClass                = "ingressClass"
	OutputIngressDnsName              = "ingressDnsName"
	OutputIngressCertificate          = "ingressCertificate"
	OutputIngressDomain               = "ingressDomain"
	OutputIngressFirewall             = "ingressFirewall"
	OutputAlertChannel                = "alertChannel"
	OutputKeys                        = "keys"
	OutputDrRegion                    = "drRegion"
	OutputDrKeys                      = "drKeys"
	OutputBackupVault                 = "backupVault"
	OutputDrBackupVault               = "drBackupVault"
)

// OutputNames is every contract output, in the order they are documented.
var OutputNames = []string{
	OutputCloud, OutputPrimaryRegion,
	OutputClusterName, OutputClusterEndpoint, OutputClusterCertificateAuthority, OutputKubeconfig,
	OutputClusterOidcIssuer, OutputClusterWorkloadIdentity, OutputClusterNodePools,
	OutputDatabaseEndpoint, OutputDatabaseReaderEndpoint, OutputDatabasePort, OutputDatabaseDrEndpoint,
	OutputDatabaseCredentialsSecret,
	OutputCacheEndpoint, OutputCacheReaderEndpoint, OutputCachePort, OutputCacheAuthSecret,
	OutputIngressKind, OutputIngressClass, OutputIngressDnsName, OutputIngressCertificate,
	OutputIngressDomain, OutputIngressFirewall,
	OutputAlertChannel, OutputKeys,
	OutputDrRegion, OutputDrKeys, OutputBackupVault, OutputDrBackupVault,
}

// extraName is the shape of an Extra key: lowerCamel, so "<cloud><Key>" reads as one name.
var extraName = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

// ExtraOutputName is the output an Extra entry is exported as: "aws" and "vpcId" give
// "awsVpcId"; "azure-native" style clouds lose the hyphen ("azureNativeX").
func ExtraOutputName(cloud, key string) string {
	var b strings.Builder
	for i, part := range strings.Split(cloud, "-") {
		if i > 0 && part != "" {
			part = strings.ToUpper(part[:1]) + part[1:]
		}
		b.WriteString(part)
	}
	b.WriteString(strings.ToUpper(key[:1]) + key[1:])
	return b.String()
}

// Outputs is every output of the platform by name: each of OutputNames (null where this cloud
// lacks it) and the Extra entries under their cloud-prefixed names.
func (p *Platform) Outputs() (map[string]pulumi.Input, error) {
	out := map[string]pulumi.Input{
		OutputCloud:         text(p.Cloud),
		OutputPrimaryRegion: text(p.Region),

		OutputClusterName:                 str(p.Cluster.Name),
		OutputClusterEndpoint:             str(p.Cluster.Endpoint),
		OutputClusterCertificateAuthority: str(p.Cluster.CertificateAuthority),
		OutputKubeconfig:                  secret(p.Cluster.Kubeconfig),
		OutputClusterOidcIssuer:           str(p.Cluster.OidcIssuer),
		OutputClusterWorkloadIdentity:     str(p.Cluster.WorkloadIdentity),
		OutputClusterNodePools:            pools(p.Cluster.NodePools),

		OutputDatabaseEndpoint:          str(p.Database.Endpoint),
		OutputDatabaseReaderEndpoint:    str(p.Database.ReaderEndpoint),
		OutputDatabasePort:              integer(p.Database.Port),
		OutputDatabaseDrEndpoint:        str(p.Database.DREndpoint),
		OutputDatabaseCredentialsSecret: p.Database.Credentials.input(),

		OutputCacheEndpoint:       str(p.Cache.Endpoint),
		OutputCacheReaderEndpoint: str(p.Cache.ReaderEndpoint),
		OutputCachePort:           integer(p.Cache.Port),
		OutputCacheAuthSecret:     p.Cache.AuthSecret.input(),

		OutputIngressKind:        text(string(p.Ingress.Kind)),
		OutputIngressClass:       text(p.Ingress.Class),
		OutputIngressDnsName:     str(p.Ingress.DnsName),
		OutputIngressCertificate: str(p.Ingress.Certificate),
		OutputIngressDomain:      text(p.Ingress.Domain),
		OutputIngressFirewall:    str(p.Ingress.Firewall),

		OutputAlertChannel: str(p.Alerts.Channel),
		OutputKeys:         strMap(p.Keys),

		OutputDrRegion:      text(p.DR.Region),
		OutputDrKeys:        strMap(p.DR.Keys),
		OutputBackupVault:   str(p.DR.BackupVault),
		OutputDrBackupVault: str(p.DR.DRBackupVault),
	}
	if len(p.Extra) > 0 && p.Cloud == "" {
		return nil, fmt.Errorf("platform.Cloud is empty: it prefixes the Extra outputs %v", slices.Sorted(maps.Keys(p.Extra)))
	}
	for _, key := range slices.Sorted(maps.Keys(p.Extra)) {
		if !extraName.MatchString(key) {
			return nil, fmt.Errorf("platform.Extra key %q: must be lowerCamel (a letter, then letters or digits), e.g. vpcId", key)
		}
		name := ExtraOutputName(p.Cloud, key)
		if _, taken := out[name]; taken {
			return nil, fmt.Errorf("platform.Extra key %q: exported as %q, which is already an output", key, name)
		}
		out[name] = p.Extra[key]
	}
	return out, nil
}

// Export exports every output of the platform on the stack.
func (p *Platform) Export(ctx *pulumi.Context) error {
	outputs, err := p.Outputs()
	if err != nil {
		return err
	}
	for name, v := range outputs {
		ctx.Export(name, v)
	}
	return nil
}

// A zero output is a value this cloud does not have: it is exported as null (a nil Input), so
// every cloud's stack carries the same names and a consumer tests for null, not for absence.

func text(s string) pulumi.Input {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}

func str(o pulumi.StringOutput) pulumi.Input {
	if o.OutputState == nil {
		return nil
	}
	return o
}

func secret(o pulumi.StringOutput) pulumi.Input {
	if o.OutputState == nil {
		return nil
	}
	return pulumi.ToSecret(o)
}

func integer(o pulumi.IntOutput) pulumi.Input {
	if o.OutputState == nil {
		return nil
	}
	return o
}

func strMap(o pulumi.StringMapOutput) pulumi.Input {
	if o.OutputState == nil {
		return nil
	}
	return o
}

func pools(ps []NodePool) pulumi.Input {
	if len(ps) == 0 {
		return nil
	}
	out := make(pulumi.Array, 0, len(ps))
	for _, p := range ps {
		out = append(out, pulumi.Map{"name": pulumi.String(p.Name), "gpu": pulumi.Bool(p.GPU), "min": pulumi.Int(p.Min), "max": pulumi.Int(p.Max)})
	}
	return out
}

// input is the secret's reference as an object {store, name, id}; null when there is none.
func (s SecretRef) input() pulumi.Input {
	if s.Store == "" {
		return nil
	}
	return pulumi.Map{"store": pulumi.String(string(s.Store)), "name": pulumi.String(s.Name), "id": str(s.ID)}
}
