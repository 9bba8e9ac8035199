package aws

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/aws/serverless"
	"github.com/healthhub/estate/internal/config"
	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/stacks/platform"
)

// The monitoring stack's Alertmanager publishes warnings to the alert topic as this service
// account, which the Monitoring component names.
const alertmanagerServiceAccount = naming.AlertmanagerServiceAccount

// backendSecrets are what the backend reads from Secrets Manager through the CSI driver: the
// data stores' credentials, copied from the stack's config secrets.
var backendSecrets = []string{"database-password", "cache-auth-token"}

// workloadIdentities are the AWS side of the cluster's workloads: an IRSA role per configured
// app and for Alertmanager, and the backend's credentials in Secrets Manager, readable by its
// role alone.
type workloadIdentities struct {
	roles    *awsc.WorkloadRoles
	secrets  map[string]pulumi.StringOutput // ARN by name
	bindings map[string]platform.WorkloadBinding
}

func buildWorkloadIdentities(ctx *pulumi.Context, cfg *config.Config, p *providers, b *baseline, s *services, creds secrets) (*workloadIdentities, error) {
	namer := cfg.Namer()
	onPrimary := pulumi.Provider(p.primary)
	acct, err := awskit.LookupAccount(ctx, s.cluster) // through the cluster, on the primary provider
	if err != nil {
		return nil, err
	}
	prefix := namer.Name("workloads")
	secretArn := func(name string) pulumi.StringInput {
		// Granted by name before the secrets exist: the secrets then name the role as reader.
		return pulumi.String(fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s-??????", acct.Partition, cfg.PrimaryRegion, acct.ID, serverless.SecretName(prefix, name)))
	}
	var roles []awsc.WorkloadRole
	for _, app := range cfg.Workloads.AppList() {
		r := awsc.WorkloadRole{Name: app.Name, Namespace: app.Namespace, ServiceAccount: app.Name}
		if app.Name == "backend" {
			for _, name := range backendSecrets {
				r.SecretArns = append(r.SecretArns, secretArn(name))
			}
			r.SecretsKmsKeyArn = b.keys.Arn(awsc.DomainSecrets)
		}
		roles = append(roles, r)
	}
	roles = append(roles, awsc.WorkloadRole{
		Name: "alertmanager", Namespace: cfg.Workloads.Namespaces.Monitoring, ServiceAccount: alertmanagerServiceAccount,
		TopicArns: []pulumi.StringInput{s.alerts.TopicArn}, TopicKmsKeyArn: b.keys.Arn(awsc.DomainLogs),
	})
	wr, err := awsc.NewWorkloadRoles(ctx, "workload-roles", &awsc.WorkloadRolesArgs{
		Prefix: namer.Name("wl"), OidcProviderArn: s.cluster.OidcProviderArn, OidcIssuer: s.cluster.OidcIssuer,
		Workloads: roles, Tags: cfg.Tags(),
	}, onPrimary)
	if err != nil {
		return nil, err
	}
	out := &workloadIdentities{roles: wr, secrets: map[string]pulumi.StringOutput{}, bindings: map[string]platform.WorkloadBinding{}}
	for _, app := range cfg.Workloads.AppList() {
		out.bindings[app.Name] = platform.WorkloadBinding{
			IdentityAnnotations: map[string]pulumi.StringInput{"eks.amazonaws.com/role-arn": wr.RoleArn(app.Name)},
		}
	}
	out.bindings["alertmanager"] = platform.WorkloadBinding{
		IdentityAnnotations: map[string]pulumi.StringInput{"eks.amazonaws.com/role-arn": wr.RoleArn("alertmanager")},
	}
	if cfg.Workloads.Apps.Backend == nil {
		return out, nil
	}
	drKey, _ := b.keys.ReplicaArn(awsc.DomainSecrets)
	held, err := serverless.NewSecrets(ctx, "workload-secrets", &serverless.SecretsArgs{
		Prefix: prefix,
		Values: map[string]pulumi.StringInput{"database-password": creds.databasePassword, "cache-auth-token": creds.cacheAuthToken},
		Readers: map[string][]pulumi.StringInput{
			"database-password": {wr.RoleArn("backend")}, "cache-auth-token": {wr.RoleArn("backend")},
		},
		KmsKeyArn: b.keys.Arn(awsc.DomainSecrets),
		DR:        &serverless.SecretReplica{Region: cfg.DRRegion, KmsKeyArn: drKey},
		Protect:   cfg.Production(), Tags: cfg.Tags(),
	}, onPrimary)
	if err != nil {
		return nil, err
	}
	binding := out.bindings["backend"]
	binding.Secrets = &platform.SecretProvider{Provider: "aws", Parameters: pulumi.StringMap{
		"region":  pulumi.String(cfg.PrimaryRegion),
		"objects": secretObjects(held),
	}}
	out.bindings["backend"] = binding
	return out, nil
}

// secretObjects is the AWS provider's objects list: each secret by ARN, mounted under its
// short name.
func secretObjects(held *serverless.Secrets) pulumi.StringOutput {
	var arns []any
	for _, name := range backendSecrets {
		arns = append(arns, held.Arn(name))
	}
	return pulumi.All(arns...).ApplyT(func(v []any) string {
		var b strings.Builder
		for i, name := range backendSecrets {
			fmt.Fprintf(&b, "- objectName: %q\n  objectType: secretsmanager\n  objectAlias: %s\n", v[i].(string), name)
		}
		return b.String()
	}).(pulumi.StringOutput)
}
