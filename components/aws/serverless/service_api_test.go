package serverless

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/healthhub/estate/components/aws/awskit/awskittest"
	"github.com/healthhub/estate/components/kit/kittest"
)

const (
	apiCertificate = "arn:aws:acm:eu-west-2:123456789012:certificate/0f0e0d0c-0b0a-4908-8706-050403020100"
	webACL         = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/hh-edge/1"
)

func apiArgs(mutate func(*ServiceApiArgs)) *ServiceApiArgs {
	route := func(method, path string, public bool, fn string) ApiRoute {
		return ApiRoute{Method: method, Path: path, Public: public, FunctionName: pulumi.String(fn),
			InvokeArn: pulumi.String("arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:" + fn + "/invocations")}
	}
	a := &ServiceApiArgs{
		Prefix: "hh-api",
		Routes: []ApiRoute{
			route("POST", "/users", true, "hh-register-user"),
			route("GET", "/users/{userId}", false, "hh-get-profile"),
			route("PUT", "/users/{userId}", false, "hh-update-profile"),
		},
		DomainName: "api.healthhub.example", CertificateArn: apiCertificate, WebAclArn: pulumi.String(webACL),
		RateLimit: 100, BurstLimit: 200, LogKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 2557,
		Production: true, Protect: true, Tags: kittest.Tags,
	}
	if mutate != nil {
		mutate(a)
	}
	return a
}

func TestServiceApiDefaults(t *testing.T) {
	m := awskittest.MustRun(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
		_, err := NewServiceApi(ctx, "api", apiArgs(nil), pulumi.Provider(p.Primary))
		return err
	})
	const method = "aws:apigateway/method:Method"
	kittest.AssertInputs(t, m, []kittest.Expectation{
		{Type: "aws:apigateway/restApi:RestApi", Name: "hh-api", Path: "disableExecuteApiEndpoint", Want: true},
		{Type: "aws:apigateway/restApi:RestApi", Name: "hh-api", Path: "endpointConfiguration.types", Want: "REGIONAL"},
		{Type: method, Name: "hh-api-get-users-userid", Path: "authorization", Want: "COGNITO_USER_POOLS"},
		{Type: method, Name: "hh-api-put-users-userid", Path: "authorization", Want: "COGNITO_USER_POOLS"},
		{Type: method, Name: "hh-api-post-users", Path: "authorization", Want: "NONE"},
		{Type: "aws:apigateway/integration:Integration", Name: "hh-api-get-users-userid", Path: "type", Want: "AWS_PROXY"},
		{Type: "aws:lambda/permission:Permission", Name: "hh-api-get-users-userid", Path: "principal", Want: "apigateway.amazonaws.com"},
		{Type: "aws:apigateway/stage:Stage", Name: "hh-api", Path: "xrayTracingEnabled", Want: true},
		{Type: "aws:apigateway/methodSettings:MethodSettings", Name: "hh-api", Path: "settings.loggingLevel", Want: "OFF"},
		{Type: "aws:apigateway/methodSettings:MethodSettings", Name: "hh-api", Path: "settings.dataTraceEnabled", Want: false},
		{Type: "aws:apigateway/methodSettings:MethodSettings", Name: "hh-api", Path: "settings.throttlingBurstLimit", Want: int64(200)},
		{Type: "aws:apigateway/domainName:DomainName", Name: "hh-api", Path: "securityPolicy", Want: "TLS_1_2"},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Name: "hh-api-access", Path: "kmsKeyId", Want: logsKey},
		{Type: "aws:cognito/userPool:UserPool", Name: "hh-api", Path: "mfaConfiguration", Want: "ON"},
		{Type: "aws:cognito/userPool:UserPool", Name: "hh-api", Path: "userPoolAddOns.advancedSecurityMode", Want: "ENFORCED"},
		{Type: "aws:cognito/userPool:UserPool", Name: "hh-api", Path: "deletionProtection", Want: "ACTIVE"},
		{Type: "aws:cognito/userPoolClient:UserPoolClient", Name: "hh-api", Path: "preventUserExistenceErrors", Want: "ENABLED"},
		{Type: "aws:wafv2/webAclAssociation:WebAclAssociation", Name: "hh-api", Path: "webAclArn", Want: webACL},
	})
	resources := m.ByType("aws:apigateway/resource:Resource")
	assert.Len(t, resources, 2, "/users and /users/{userId}, shared by three routes")

	stage, _ := m.Find("aws:apigateway/stage:Stage", "hh-api")
	assoc, _ := m.Find("aws:wafv2/webAclAssociation:WebAclAssociation", "hh-api")
	assert.Contains(t, assoc.Dependencies, stage.URN, "the web ACL sits in front of the stage")

	vs := awskittest.Violations(m, "production")
	assert.Equal(t, []string{"aws-api-gateway-authorization"}, kittest.Policies(vs), "only the public sign-up route is reported, as advisory")
	require.Len(t, vs, 1)
	assert.Equal(t, "advisory", string(vs[0].Level))
}

func TestPathPattern(t *testing.T) {
	assert.Equal(t, "/patients/*/records/*", pathPattern("/patients/{patientId}/records/{recordId}"))
	assert.Equal(t, "-patients-patientid-records", slug("/patients/{patientId}/records"))
}

func TestServiceApiArgErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*ServiceApiArgs)
		want   string
	}{
		{"no routes", func(a *ServiceApiArgs) { a.Routes = nil }, "ServiceApi: Routes = <nil>: required"},
		{"no firewall", func(a *ServiceApiArgs) { a.WebAclArn = nil }, "ServiceApi: WebAclArn = <nil>: required"},
		{"bad domain", func(a *ServiceApiArgs) { a.DomainName = "https://api" }, `ServiceApi: DomainName = "https://api"`},
		{"burst below rate", func(a *ServiceApiArgs) { a.BurstLimit = 10 }, "ServiceApi: RateLimit/BurstLimit = 100/10"},
		{"short log retention", func(a *ServiceApiArgs) { a.LogRetentionDays = 30 }, "ServiceApi: LogRetentionDays = 30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := awskittest.Run(t, func(ctx *pulumi.Context, p awskittest.Providers) error {
				_, err := NewServiceApi(ctx, "api", apiArgs(tt.mutate), pulumi.Provider(p.Primary))
				return err
			})
			require.ErrorContains(t, err, tt.want)
			kittest.AssertNothingRegistered(t, m)
		})
	}
}
