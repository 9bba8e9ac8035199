package aws

import (
	"fmt"
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	awsc "github.com/healthhub/estate/components/aws"
	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/aws/serverless"
	"github.com/healthhub/estate/internal/catalog"
	"github.com/healthhub/estate/internal/config"
)

// secretKeys maps the catalog's secrets to the stack config keys that hold them.
var secretKeys = map[string]string{
	"openai":        config.KeyOpenAIApiKey,
	"azure-speech":  config.KeyAzureSpeechKey,
	"google-vision": config.KeyGoogleVisionKey,
}

// serverlessEstate is what the rest of the estate needs of the serverless part.
type serverlessEstate struct {
	tableArns  pulumi.StringArray // PHI stores for the backup plan
	functions  map[string]*serverless.Function
	api        *serverless.ServiceApi
	frontend   *serverless.Frontend
	siteBucket pulumi.StringOutput
}

// buildServerless creates the catalog's tables, its functions and the secrets they use.
func buildServerless(ctx *pulumi.Context, cfg *config.Config, cat catalog.Catalog, primary, edge pulumi.ProviderResource, keys *awsc.Keys, webACL pulumi.StringInput) (*serverlessEstate, error) {
	if err := cat.Validate(); err != nil {
		return nil, err
	}
	values := map[string]pulumi.StringInput{}
	for _, name := range catalog.Secrets {
		v, err := config.Secret(ctx, secretKeys[name])
		if err != nil {
			return nil, err
		}
		values[name] = v
	}
	tags := cfg.Tags()
	namer := cfg.Namer()
	onPrimary := pulumi.Provider(primary)
	drDatabaseKey, _ := keys.ReplicaArn(awsc.DomainDatabase)
	drSecretsKey, _ := keys.ReplicaArn(awsc.DomainSecrets)

	// The release pipeline uploads each function's package here before `pulumi up`.
	artifactTags := maps.Clone(tags)
	artifactTags["data-classification"] = "build-artifacts"
	artifacts, err := awsc.NewSecureBucket(ctx, "artifacts", &awsc.SecureBucketArgs{
		Prefix: namer.Name("artifacts"), KmsKeyArn: keys.Arn(awsc.DomainStorage), RetentionDays: cfg.RetentionDays,
		Protect: cfg.Production(), Tags: artifactTags,
	}, onPrimary)
	if err != nil {
		return nil, err
	}

	acct, err := awskit.LookupAccount(ctx, artifacts) // through the component, on the primary provider
	if err != nil {
		return nil, err
	}

	out := &serverlessEstate{functions: map[string]*serverless.Function{}}
	tables := map[string]serverless.TableRef{}
	tableNames := map[string]pulumi.StringInput{}
	for _, t := range cat.Tables {
		var provisioned *serverless.Autoscaling
		if tc := cfg.AWS.Tables; tc.Provisioned {
			provisioned = &serverless.Autoscaling{Min: tc.MinCapacity, Max: tc.MaxCapacity, TargetUtilization: tc.TargetUtilization}
		}
		var replica *serverless.TableReplica
		if t.PHI {
			replica = &serverless.TableReplica{Region: cfg.DRRegion, KmsKeyArn: drDatabaseKey}
		}
		table, err := serverless.NewTable(ctx, "table-"+t.Name, &serverless.TableArgs{
			Prefix: namer.Name(t.Name), Table: t, KmsKeyArn: keys.Arn(awsc.DomainDatabase), DR: replica, Provisioned: provisioned,
			Production: cfg.Production(), Protect: cfg.Production(), Tags: tags,
		}, onPrimary)
		if err != nil {
			return nil, err
		}
		tables[t.Name] = serverless.TableRef{Name: table.Name, Arn: table.Arn}
		tableNames[t.Name] = table.Name
		out.tableArns = append(out.tableArns, table.Arn)
	}

	// Secret names are fixed (Secrets names them from its prefix), so functions are granted them
	// by ARN pattern before the secrets exist, and the secrets can then name the functions'
	// roles as their only readers.
	secretsPrefix := namer.Name("ai")
	secretRefs := map[string]serverless.SecretRef{}
	for _, name := range catalog.Secrets {
		full := serverless.SecretName(secretsPrefix, name)
		secretRefs[name] = serverless.SecretRef{
			Name: full,
			Arn:  pulumi.String(fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s-??????", acct.Partition, acct.Region, acct.ID, full)),
		}
	}
	readers := map[string][]pulumi.StringInput{}
	function := func(service string, f catalog.Function) (*serverless.Function, error) {
		id := namer.Name(service, f.Name)
		fn, err := serverless.NewFunction(ctx, "fn-"+service+"-"+f.Name, &serverless.FunctionArgs{
			Prefix: id, Function: f, Tables: tables, Secrets: secretRefs,
			CodeBucket: artifacts.BucketName, CodeKey: fmt.Sprintf("%s/%s.zip", service, f.Name),
			EnvKmsKeyArn: keys.Arn(awsc.DomainSecrets), TableKmsKeyArn: keys.Arn(awsc.DomainDatabase),
			LogKmsKeyArn: keys.Arn(awsc.DomainLogs), LogRetentionDays: cfg.LogRetentionDays,
			Protect: cfg.Production(), Tags: tags,
		}, onPrimary)
		if err != nil {
			return nil, err
		}
		for _, s := range f.Secrets {
			readers[s] = append(readers[s], fn.RoleArn)
		}
		return fn, nil
	}
	var routes []serverless.ApiRoute
	functionNames := map[string]pulumi.StringInput{}
	for _, f := range cat.Functions() {
		fn, err := function(f.Service, f.Function)
		if err != nil {
			return nil, err
		}
		out.functions[f.Service+"/"+f.Name] = fn
		functionNames[f.Service+"/"+f.Name] = fn.Name
		for _, r := range f.Routes {
			routes = append(routes, serverless.ApiRoute{Method: r.Method, Path: r.Path, Public: r.Public, FunctionName: fn.Name, InvokeArn: fn.InvokeArn})
		}
	}
	out.api, err = serverless.NewServiceApi(ctx, "api", &serverless.ServiceApiArgs{
		Prefix: namer.Name("api"), Routes: routes,
		DomainName: cfg.AWS.API.DomainName, CertificateArn: cfg.AWS.API.CertificateArn, WebAclArn: webACL,
		RateLimit: cfg.AWS.API.RateLimit, BurstLimit: cfg.AWS.API.BurstLimit,
		LogKmsKeyArn: keys.Arn(awsc.DomainLogs), LogRetentionDays: cfg.LogRetentionDays,
		Production: cfg.Production(), Protect: cfg.Production(), Tags: tags,
	}, onPrimary)
	if err != nil {
		return nil, err
	}
	rotation, err := function("platform", cat.Rotation)
	if err != nil {
		return nil, err
	}

	// The web app: built files in a private bucket, served by CloudFront through origin access
	// control, behind a CLOUDFRONT-scope web firewall in us-east-1.
	siteTags := maps.Clone(tags)
	siteTags["data-classification"] = "public-content"
	site, err := awsc.NewSecureBucket(ctx, "web-app", &awsc.SecureBucketArgs{
		Prefix: namer.Name("web"), KmsKeyArn: keys.Arn(awsc.DomainStorage), RetentionDays: cfg.RetentionDays,
		Protect: cfg.Production(), Tags: siteTags,
		PolicyStatements: func(arn string) []map[string]any {
			return []map[string]any{{
				"Sid":       "CloudFrontReadsTheApp",
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": acct.Service("cloudfront")},
				"Action":    "s3:GetObject",
				"Resource":  arn + "/*",
				"Condition": map[string]any{
					"StringEquals": map[string]any{"aws:SourceAccount": acct.ID},
					"ArnLike":      map[string]any{"aws:SourceArn": fmt.Sprintf("arn:%s:cloudfront::%s:distribution/*", acct.Partition, acct.ID)},
				},
			}}
		},
	}, onPrimary)
	if err != nil {
		return nil, err
	}
	edgeFirewall, err := awsc.NewWebFirewall(ctx, "web-app-firewall", &awsc.WebFirewallArgs{
		Prefix: namer.Name("web"), Scope: awsc.ScopeCloudFront, AllowedCountries: cfg.AllowedCountries,
		RateLimit: cfg.AWS.LoadBalancer.RateLimit, LogKmsKeyArn: keys.EdgeLogsArn(), LogRetentionDays: cfg.LogRetentionDays,
		Protect: cfg.Production(), Tags: tags,
	}, pulumi.Provider(edge))
	if err != nil {
		return nil, err
	}
	out.frontend, err = serverless.NewFrontend(ctx, "web-app", &serverless.FrontendArgs{
		Prefix: namer.Name("web"), DomainName: cfg.AWS.Frontend.DomainName, CertificateArn: cfg.AWS.Frontend.CertificateArn,
		AllowedCountries: cfg.AllowedCountries, WebAclArn: edgeFirewall.WebAclArn,
		BucketRegionalDomainName: site.Bucket.BucketRegionalDomainName,
		EdgeProvider:             edge, EdgeLogKmsKeyArn: keys.EdgeLogsArn(), LogRetentionDays: cfg.LogRetentionDays,
		AlertEmail: cfg.AlertEmail, Protect: cfg.Production(), Tags: tags,
	}, onPrimary)
	if err != nil {
		return nil, err
	}
	out.siteBucket = site.BucketName

	pager, err := config.Secret(ctx, config.KeyPagerURL)
	if err != nil {
		return nil, err
	}
	if _, err := serverless.NewAlarms(ctx, "apps-alarms", &serverless.AlarmsArgs{
		Prefix: namer.Name("apps"), Catalog: cat, FunctionNames: functionNames, TableNames: tableNames,
		ApiName: out.api.ApiName, ApiStage: out.api.StageName,
		CertificateArns:  []string{cfg.AWS.API.CertificateArn, cfg.AWS.LoadBalancer.CertificateArn},
		AlertEmail:       cfg.AlertEmail,
		PagerUrl:         pager,
		MonthlyBudgetUsd: cfg.AWS.MonthlyBudgetUsd,
		KmsKeyArn:        keys.Arn(awsc.DomainLogs),
		Tags:             tags,
	}, onPrimary); err != nil {
		return nil, err
	}

	if _, err := serverless.NewSecrets(ctx, "ai-secrets", &serverless.SecretsArgs{
		Prefix: secretsPrefix, Values: values, Readers: readers,
		KmsKeyArn:         keys.Arn(awsc.DomainSecrets),
		DR:                &serverless.SecretReplica{Region: cfg.DRRegion, KmsKeyArn: drSecretsKey},
		RotationLambdaArn: rotation.Arn,
		Protect:           cfg.Production(), Tags: tags,
	}, onPrimary); err != nil {
		return nil, err
	}
	return out, nil
}
