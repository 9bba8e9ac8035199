package serverless

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cognito"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/awsformat"
)

// ServiceApiArgs configures the API in front of the catalog's functions.
type ServiceApiArgs struct {
	// Prefix names the API, its user pool, stage log and domain mapping.
	Prefix string
	// Routes are the catalog's routes with the function each one invokes.
	Routes []ApiRoute
	// DomainName and CertificateArn (ACM, same region) serve the API on its own name.
	DomainName     string
	CertificateArn string
	// WebAclArn is the REGIONAL web ACL in front of the stage. Required.
	WebAclArn pulumi.StringInput
	// RateLimit and BurstLimit throttle every method (requests per second).
	RateLimit, BurstLimit int
	// LogKmsKeyArn and LogRetentionDays govern the access log.
	LogKmsKeyArn     pulumi.StringInput
	LogRetentionDays int
	// Production turns on the user pool's deletion protection; Protect keeps the access log.
	Production bool
	Protect    bool
	Tags       map[string]string
}

// ApiRoute is one method and path and the function behind it.
type ApiRoute struct {
	Method, Path string
	// Public routes take no authorizer (sign-up).
	Public       bool
	FunctionName pulumi.StringInput
	InvokeArn    pulumi.StringInput
}

// ServiceApi is a regional REST API (REST rather than HTTP API because a WAF web ACL attaches
// to a REST stage directly) whose every non-public route requires a Cognito token, with access
// logs, X-Ray, throttling, no execution logging of request bodies, a TLS 1.2 custom domain and
// the web firewall in front of the stage. Its user pool requires MFA and blocks risky sign-ins.
type ServiceApi struct {
	pulumi.ResourceState

	ApiId          pulumi.StringOutput `pulumi:"apiId"`
	StageArn       pulumi.StringOutput `pulumi:"stageArn"`
	InvokeUrl      pulumi.StringOutput `pulumi:"invokeUrl"`
	DomainTarget   pulumi.StringOutput `pulumi:"domainTarget"`
	UserPoolId     pulumi.StringOutput `pulumi:"userPoolId"`
	UserPoolClient pulumi.StringOutput `pulumi:"userPoolClientId"`

	// ApiName and StageName are the dimensions of the API's CloudWatch metrics.
	ApiName   pulumi.StringOutput `pulumi:"apiName"`
	StageName pulumi.StringOutput `pulumi:"stageName"`
}

const stageName = "v1"

// Validate checks the Args before anything is registered.
func (a *ServiceApiArgs) Validate() error {
	const c = "ServiceApi"
	switch {
	case a.Prefix == "":
		return kit.ArgError(c, "Prefix", `""`, "required")
	case len(a.Routes) == 0:
		return kit.ArgError(c, "Routes", nil, "required: the catalog's routes")
	case !awsformat.DNSName.MatchString(a.DomainName):
		return kit.ArgError(c, "DomainName", fmt.Sprintf("%q", a.DomainName), "must be a DNS name such as api.healthhub.example")
	case !awsformat.ACMCertificate.MatchString(a.CertificateArn):
		return kit.ArgError(c, "CertificateArn", fmt.Sprintf("%q", a.CertificateArn), "must be an ACM certificate ARN")
	case a.WebAclArn == nil:
		return kit.ArgError(c, "WebAclArn", nil, "required: the API always sits behind a web ACL")
	case a.RateLimit < 1 || a.BurstLimit < a.RateLimit:
		return kit.ArgError(c, "RateLimit/BurstLimit", fmt.Sprintf("%d/%d", a.RateLimit, a.BurstLimit), "must be positive, with burst at least the rate")
	case a.LogKmsKeyArn == nil:
		return kit.ArgError(c, "LogKmsKeyArn", nil, "required: the access log is encrypted")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	}
	return kit.RequireTags(c, a.Tags)
}

// NewServiceApi creates the user pool, the API with a method per route, its stage, logs,
// domain and web ACL association.
func NewServiceApi(ctx *pulumi.Context, name string, args *ServiceApiArgs, opts ...pulumi.ResourceOption) (*ServiceApi, error) {
	s := &ServiceApi{}
	if args == nil {
		return nil, kit.ArgError("ServiceApi", "args", nil, "required")
	}
	if err := kit.Register(ctx, TypeServiceApi, name, args, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	id := args.Prefix

	pool, client, err := userPool(ctx, s, args)
	if err != nil {
		return nil, err
	}

	api, err := apigateway.NewRestApi(ctx, id, &apigateway.RestApiArgs{
		Name:                  pulumi.String(id),
		Description:           pulumi.String("HealthHub services API"),
		EndpointConfiguration: apigateway.RestApiEndpointConfigurationArgs{Types: pulumi.String("REGIONAL")},
		// Clients use the custom domain; the default endpoint would be a second door.
		DisableExecuteApiEndpoint: pulumi.Bool(true),
		Tags:                      awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}
	authorizer, err := apigateway.NewAuthorizer(ctx, id, &apigateway.AuthorizerArgs{
		Name: pulumi.String(id + "-cognito"), RestApi: api.ID(), Type: pulumi.String("COGNITO_USER_POOLS"),
		ProviderArns: pulumi.StringArray{pool.Arn}, IdentitySource: pulumi.String("method.request.header.Authorization"),
	}, parent)
	if err != nil {
		return nil, err
	}

	// One API resource per path segment, shared by the routes under it.
	resources := map[string]pulumi.StringInput{"": api.RootResourceId}
	resource := func(path string) (pulumi.StringInput, error) {
		segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
		cur := ""
		for _, seg := range segments {
			next := cur + "/" + seg
			if _, ok := resources[next]; !ok {
				r, err := apigateway.NewResource(ctx, id+slug(next), &apigateway.ResourceArgs{
					RestApi: api.ID(), ParentId: resources[cur], PathPart: pulumi.String(seg),
				}, parent)
				if err != nil {
					return nil, err
				}
				resources[next] = r.ID()
			}
			cur = next
		}
		return resources[cur], nil
	}

	routes := slices.Clone(args.Routes)
	slices.SortFunc(routes, func(a, b ApiRoute) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	var deployed []pulumi.Resource
	signature := sha256.New()
	for _, r := range routes {
		resourceID, err := resource(r.Path)
		if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("%s %s", r.Method, r.Path)
		fmt.Fprintln(signature, key, r.Public)
		resName := id + "-" + strings.ToLower(r.Method) + slug(r.Path)
		methodArgs := &apigateway.MethodArgs{
			RestApi: api.ID(), ResourceId: resourceID, HttpMethod: pulumi.String(r.Method),
			Authorization: pulumi.String("COGNITO_USER_POOLS"), AuthorizerId: authorizer.ID(),
		}
		if r.Public {
			methodArgs.Authorization, methodArgs.AuthorizerId = pulumi.String("NONE"), nil
		}
		method, err := apigateway.NewMethod(ctx, resName, methodArgs, parent)
		if err != nil {
			return nil, err
		}
		integration, err := apigateway.NewIntegration(ctx, resName, &apigateway.IntegrationArgs{
			RestApi: api.ID(), ResourceId: resourceID, HttpMethod: method.HttpMethod,
			Type: pulumi.String("AWS_PROXY"), IntegrationHttpMethod: pulumi.String("POST"), Uri: r.InvokeArn,
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := lambda.NewPermission(ctx, resName, &lambda.PermissionArgs{
			Action: pulumi.String("lambda:InvokeFunction"), Function: r.FunctionName,
			Principal: pulumi.String("apigateway.amazonaws.com"),
			SourceArn: pulumi.Sprintf("%s/%s/%s%s", api.ExecutionArn, stageName, r.Method, pathPattern(r.Path)),
		}, parent); err != nil {
			return nil, err
		}
		deployed = append(deployed, method, integration)
	}

	deployment, err := apigateway.NewDeployment(ctx, id, &apigateway.DeploymentArgs{
		RestApi:  api.ID(),
		Triggers: pulumi.StringMap{"routes": pulumi.String(hex.EncodeToString(signature.Sum(nil)))},
	}, parent, pulumi.DependsOn(deployed))
	if err != nil {
		return nil, err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, id+"-access", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/healthhub/api/%s/access", id),
		KmsKeyId:        args.LogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, id+"-access"),
	}, kit.Stateful(s, args.Protect)...)
	if err != nil {
		return nil, err
	}
	stage, err := apigateway.NewStage(ctx, id, &apigateway.StageArgs{
		RestApi: api.ID(), Deployment: deployment.ID(), StageName: pulumi.String(stageName),
		XrayTracingEnabled: pulumi.Bool(true),
		AccessLogSettings: apigateway.StageAccessLogSettingsArgs{
			DestinationArn: logs.Arn,
			Format:         pulumi.String(accessLogFormat),
		},
		Tags: awskit.Tags(args.Tags, id),
	}, parent)
	if err != nil {
		return nil, err
	}
	// Execution logging stays off: it would write request and response bodies, PHI, to logs.
	if _, err := apigateway.NewMethodSettings(ctx, id, &apigateway.MethodSettingsArgs{
		RestApi: api.ID(), StageName: stage.StageName, MethodPath: pulumi.String("*/*"),
		Settings: apigateway.MethodSettingsSettingsArgs{
			MetricsEnabled: pulumi.Bool(true), LoggingLevel: pulumi.String("OFF"), DataTraceEnabled: pulumi.Bool(false),
			ThrottlingRateLimit: pulumi.Float64(float64(args.RateLimit)), ThrottlingBurstLimit: pulumi.Int(args.BurstLimit),
		},
	}, parent); err != nil {
		return nil, err
	}
	domain, err := apigateway.NewDomainName(ctx, id, &apigateway.DomainNameArgs{
		DomainName: pulumi.String(args.DomainName), RegionalCertificateArn: pulumi.String(args.CertificateArn),
		SecurityPolicy:        pulumi.String("TLS_1_2"),
		EndpointConfiguration: apigateway.DomainNameEndpointConfigurationArgs{Types: pulumi.String("REGIONAL")},
		Tags:                  awskit.Tags(args.Tags, args.DomainName),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := apigateway.NewBasePathMapping(ctx, id, &apigateway.BasePathMappingArgs{
		RestApi: api.ID(), StageName: stage.StageName, DomainName: domain.DomainName,
	}, parent); err != nil {
		return nil, err
	}
	if _, err := wafv2.NewWebAclAssociation(ctx, id, &wafv2.WebAclAssociationArgs{
		ResourceArn: stage.Arn, WebAclArn: args.WebAclArn,
	}, parent); err != nil {
		return nil, err
	}

	s.ApiId = api.ID().ToStringOutput()
	s.ApiName = api.Name
	s.StageName = stage.StageName
	s.StageArn = stage.Arn
	s.InvokeUrl = pulumi.Sprintf("https://%s", args.DomainName)
	s.DomainTarget = domain.RegionalDomainName
	s.UserPoolId = pool.ID().ToStringOutput()
	s.UserPoolClient = client.ID().ToStringOutput()
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{
		"apiId": s.ApiId, "stageArn": s.StageArn, "invokeUrl": s.InvokeUrl, "domainTarget": s.DomainTarget,
		"userPoolId": s.UserPoolId, "userPoolClientId": s.UserPoolClient,
		"apiName": s.ApiName, "stageName": s.StageName,
	})
}

// accessLogFormat records who called what and how it ended; no body, no query string.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","user":"$context.authorizer.claims.sub",` +
	`"time":"$context.requestTime","method":"$context.httpMethod","resource":"$context.resourcePath","status":"$context.status",` +
	`"latencyMs":"$context.responseLatency","waf":"$context.wafResponseCode"}`

// slug turns a path into a name part: "/users/{userId}" → "-users-userid".
func slug(path string) string {
	return strings.ToLower(strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path))
}

// pathPattern turns "/users/{userId}" into the "/users/*" an execution ARN matches.
func pathPattern(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}

// userPool is where patients and clinicians sign in: MFA required, risky sign-ins blocked,
// strong passwords, no user-existence leaks, short-lived tokens that can be revoked.
func userPool(ctx *pulumi.Context, s *ServiceApi, args *ServiceApiArgs) (*cognito.UserPool, *cognito.UserPoolClient, error) {
	protection := "INACTIVE"
	if args.Production {
		protection = "ACTIVE"
	}
	pool, err := cognito.NewUserPool(ctx, args.Prefix, &cognito.UserPoolArgs{
		Name:                          pulumi.String(args.Prefix),
		UsernameAttributes:            pulumi.StringArray{pulumi.String("email")},
		AutoVerifiedAttributes:        pulumi.StringArray{pulumi.String("email")},
		MfaConfiguration:              pulumi.String("ON"),
		SoftwareTokenMfaConfiguration: cognito.UserPoolSoftwareTokenMfaConfigurationArgs{Enabled: pulumi.Bool(true)},
		PasswordPolicy: cognito.UserPoolPasswordPolicyArgs{
			MinimumLength: pulumi.Int(12), RequireLowercase: pulumi.Bool(true), RequireUppercase: pulumi.Bool(true),
			RequireNumbers: pulumi.Bool(true), RequireSymbols: pulumi.Bool(true), TemporaryPasswordValidityDays: pulumi.Int(1),
		},
		UserPoolAddOns:     cognito.UserPoolUserPoolAddOnsArgs{AdvancedSecurityMode: pulumi.String("ENFORCED")},
		DeletionProtection: pulumi.String(protection),
		Tags:               awskit.Tags(args.Tags, args.Prefix),
	}, kit.Stateful(s, args.Protect)...)
	if err != nil {
		return nil, nil, err
	}
	client, err := cognito.NewUserPoolClient(ctx, args.Prefix, &cognito.UserPoolClientArgs{
		Name: pulumi.String(args.Prefix + "-app"), UserPoolId: pool.ID(), GenerateSecret: pulumi.Bool(false),
		ExplicitAuthFlows:          pulumi.StringArray{pulumi.String("ALLOW_USER_SRP_AUTH"), pulumi.String("ALLOW_REFRESH_TOKEN_AUTH")},
		PreventUserExistenceErrors: pulumi.String("ENABLED"),
		EnableTokenRevocation:      pulumi.Bool(true),
		AccessTokenValidity:        pulumi.Int(60), IdTokenValidity: pulumi.Int(60), RefreshTokenValidity: pulumi.Int(12),
		TokenValidityUnits: cognito.UserPoolClientTokenValidityUnitsArgs{
			AccessToken: pulumi.String("minutes"), IdToken: pulumi.String("minutes"), RefreshToken: pulumi.String("hours"),
		},
	}, pulumi.Parent(s))
	return pool, client, err
}
