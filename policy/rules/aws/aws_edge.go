package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// AWS entry-point types: load balancers, CloudFront, API Gateway and WAF.
const (
	TypeLoadBalancer        = "aws:lb/loadBalancer:LoadBalancer"
	TypeAlbLoadBalancer     = "aws:alb/loadBalancer:LoadBalancer"
	TypeListener            = "aws:lb/listener:Listener"
	TypeTargetGroup         = "aws:lb/targetGroup:TargetGroup"
	TypeAlbListener         = "aws:alb/listener:Listener"
	TypeDistribution        = "aws:cloudfront/distribution:Distribution"
	TypeLogDeliverySource   = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
	TypeRestStage           = "aws:apigateway/stage:Stage"
	TypeRestDomainName      = "aws:apigateway/domainName:DomainName"
	TypeRestMethod          = "aws:apigateway/method:Method"
	TypeHTTPApi             = "aws:apigatewayv2/api:Api"
	TypeHTTPStage           = "aws:apigatewayv2/stage:Stage"
	TypeHTTPDomainName      = "aws:apigatewayv2/domainName:DomainName"
	TypeHTTPRoute           = "aws:apigatewayv2/route:Route"
	TypeWebACL              = "aws:wafv2/webAcl:WebAcl"
	TypeWebACLAssociation   = "aws:wafv2/webAclAssociation:WebAclAssociation"
	TypeWebACLLogging       = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	TypeSecurityGroupRule   = "aws:ec2/securityGroupRule:SecurityGroupRule"
	TypeSecurityGroupIngess = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
)

// isApplicationLB is an ALB: the type WAF, header dropping and HTTP redirects apply to.
func isApplicationLB(r rules.Resource) bool {
	t := rules.Str(r.Inputs, "loadBalancerType")
	return (r.Type == TypeLoadBalancer || r.Type == TypeAlbLoadBalancer) && (t == "" || t == "application")
}

// isInternetFacingLB: a load balancer is internal only when it says so; an unknown switch is
// taken as internet-facing, the side that needs the controls.
func isInternetFacingLB(r rules.Resource) bool {
	return (r.Type == TypeLoadBalancer || r.Type == TypeAlbLoadBalancer) && !rules.BoolTrue(r.Inputs, "internal")
}

// modernTLSPolicy accepts the ELB security policies that allow TLS 1.2 and 1.3 only.
func modernTLSPolicy(name string) bool {
	for _, marker := range []string{"TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2"} {
		if strings.Contains(name, marker) {
			return true
		}
	}
	return false
}

var listenerTLS = rules.Rule{
	Name:        "aws-lb-listener-tls",
	Cloud:       rules.CloudAWS,
	Description: "Load balancer listeners serve HTTPS or TLS with a TLS 1.2+ security policy, a plain HTTP listener may only redirect to HTTPS, and target groups reach the workloads over HTTPS or TLS.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeListener, TypeAlbListener, TypeTargetGroup},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if r.Type == TypeTargetGroup {
			if p := rules.Str(r.Inputs, "protocol"); rules.Str(r.Inputs, "targetType") != "lambda" && p != "HTTPS" && p != "TLS" {
				return []string{fmt.Sprintf("target group protocol is %q; the workloads are reached over HTTPS or TLS", p)}
			}
			return nil
		}
		switch protocol := rules.Str(r.Inputs, "protocol"); protocol {
		case "HTTPS", "TLS":
			if p := rules.Str(r.Inputs, "sslPolicy"); !modernTLSPolicy(p) {
				return []string{fmt.Sprintf("sslPolicy %q allows TLS below 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06 or newer", p)}
			}
		case "HTTP", "":
			actions := rules.List(r.Inputs, "defaultActions")
			for i := range actions {
				p := fmt.Sprintf("defaultActions[%d]", i)
				if rules.Str(r.Inputs, p+".type") != "redirect" || rules.Str(r.Inputs, p+".redirect.protocol") != "HTTPS" {
					return []string{"a plain HTTP listener must only redirect to HTTPS"}
				}
			}
			if len(actions) == 0 {
				return []string{"a plain HTTP listener must only redirect to HTTPS"}
			}
		default:
			return []string{fmt.Sprintf("protocol %s is not encrypted; use TLS", protocol)}
		}
		return nil
	},
}

var loadBalancerHardened = rules.Rule{
	Name:        "aws-lb-hardened",
	Cloud:       rules.CloudAWS,
	Description: "Load balancers write access logs, and application load balancers drop invalid headers and mitigate request desync.",
	Sections:    []rules.Section{rules.AuditControls, rules.Integrity},
	Unknown:     "switches fail; bucket passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeLoadBalancer, TypeAlbLoadBalancer},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if !rules.BoolTrue(r.Inputs, "accessLogs.enabled") || !rules.Present(r.Inputs, "accessLogs.bucket") {
			out = append(out, "accessLogs must be enabled with a bucket")
		}
		if isApplicationLB(r) {
			if !rules.BoolTrue(r.Inputs, "dropInvalidHeaderFields") {
				out = append(out, "dropInvalidHeaderFields must be true")
			}
			if m := rules.Str(r.Inputs, "desyncMitigationMode"); m == "monitor" {
				out = append(out, `desyncMitigationMode is "monitor"; use defensive or strictest`)
			}
		}
		return out
	},
}

// cloudFrontTLSVersions are the viewer policies whose floor is TLS 1.2.
var cloudFrontTLSVersions = []string{"TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

var cloudFrontTLS = rules.Rule{
	Name:        "aws-cloudfront-tls",
	Cloud:       rules.CloudAWS,
	Description: "CloudFront serves viewers over HTTPS only with TLS 1.2+, and reaches custom origins over TLS 1.2.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "settings fail; OAC id passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeDistribution},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if rules.BoolTrue(r.Inputs, "viewerCertificate.cloudfrontDefaultCertificate") {
			out = append(out, "the default *.cloudfront.net certificate allows TLS 1.0; use an ACM certificate with minimumProtocolVersion TLSv1.2_2021")
		} else if v := rules.Str(r.Inputs, "viewerCertificate.minimumProtocolVersion"); !slices.Contains(cloudFrontTLSVersions, v) {
			out = append(out, fmt.Sprintf("viewerCertificate.minimumProtocolVersion is %q; use TLSv1.2_2021 or newer", v))
		}
		behaviours := []string{"defaultCacheBehavior"}
		for i := range rules.List(r.Inputs, "orderedCacheBehaviors") {
			behaviours = append(behaviours, fmt.Sprintf("orderedCacheBehaviors[%d]", i))
		}
		for _, b := range behaviours {
			if p := rules.Str(r.Inputs, b+".viewerProtocolPolicy"); p != "redirect-to-https" && p != "https-only" {
				out = append(out, fmt.Sprintf("%s.viewerProtocolPolicy is %q; use redirect-to-https or https-only", b, p))
			}
		}
		for i := range rules.List(r.Inputs, "origins") {
			o := fmt.Sprintf("origins[%d].customOriginConfig", i)
			if _, custom := rules.Get(r.Inputs, o); !custom {
				if !rules.Present(r.Inputs, fmt.Sprintf("origins[%d].originAccessControlId", i)) {
					out = append(out, fmt.Sprintf("origins[%d] is an S3 origin without originAccessControlId; the bucket would have to be public", i))
				}
				continue
			}
			if p := rules.Str(r.Inputs, o+".originProtocolPolicy"); p != "https-only" {
				out = append(out, fmt.Sprintf("%s.originProtocolPolicy is %q; must be https-only", o, p))
			}
			for _, v := range rules.Strs(r.Inputs, o+".originSslProtocols") {
				if v != "TLSv1.2" {
					out = append(out, fmt.Sprintf("%s.originSslProtocols allows %s; only TLSv1.2", o, v))
				}
			}
		}
		return out
	},
}

var cloudFrontLogging = rules.Rule{
	Name:        "aws-cloudfront-logging",
	Cloud:       rules.CloudAWS,
	Description: "CloudFront distributions log requests, to S3 (loggingConfig) or through CloudWatch log delivery.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "bucket passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeDistribution, TypeLogDeliverySource},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, d := range all {
			if d.Type != TypeDistribution || rules.Present(d.Inputs, "loggingConfig.bucket") {
				continue
			}
			if len(rules.Dependents(all, d, TypeLogDeliverySource)) == 0 {
				out = append(out, rules.Finding{URN: d.URN, Message: "distribution has no access logging"})
			}
		}
		return out
	},
}

var apiGatewayTLS = rules.Rule{
	Name:        "aws-api-gateway-tls",
	Cloud:       rules.CloudAWS,
	Description: "API Gateway custom domains use the TLS 1.2 security policy.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRestDomainName, TypeHTTPDomainName},
	Check: func(r rules.Resource, _ rules.Config) []string {
		path := "securityPolicy"
		if r.Type == TypeHTTPDomainName {
			path = "domainNameConfiguration.securityPolicy"
		}
		if p := rules.Str(r.Inputs, path); !strings.HasPrefix(p, "TLS_1_2") && !strings.HasPrefix(p, "SecurityPolicy_TLS13") {
			return []string{fmt.Sprintf("%s is %q; must be TLS_1_2", path, p)}
		}
		return nil
	},
}

var apiGatewayAccessLogs = rules.Rule{
	Name:        "aws-api-gateway-access-logs",
	Cloud:       rules.CloudAWS,
	Description: "API Gateway stages write access logs, with a non-empty format.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "destination passes; format fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeRestStage, TypeHTTPStage},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if !rules.Present(r.Inputs, "accessLogSettings.destinationArn") {
			return []string{"accessLogSettings.destinationArn is not set"}
		}
		return accessLogFormat(r)
	},
}

// apiGatewayAuthorization is advisory: a health check or a sign-in route is public by
// design, and only the team knows which those are.
var apiGatewayAuthorization = rules.Rule{
	Name:        "aws-api-gateway-authorization",
	Cloud:       rules.CloudAWS,
	Description: "API routes require an authorizer. Advisory: health checks and sign-in routes are public by design.",
	Sections:    []rules.Section{rules.Authentication},
	Unknown:     "passes",
	Level:       rules.Advisory,
	Types:       []string{TypeHTTPRoute, TypeRestMethod},
	Check: func(r rules.Resource, _ rules.Config) []string {
		path := "authorizationType"
		if r.Type == TypeRestMethod {
			path = "authorization"
		}
		if v := rules.Str(r.Inputs, path); v == "" || v == "NONE" {
			return []string{fmt.Sprintf("%s is %q: the route is public", path, v)}
		}
		return nil
	},
}

// wafOnEntryPoints finds every way into the estate from the internet and asks for a web ACL
// in front of it. An HTTP API (API Gateway v2) cannot take a web ACL itself; it passes when a
// distribution with a web ACL fronts it.
var wafOnEntryPoints = rules.Rule{
	Name:        "aws-waf-on-public-entry-points",
	Cloud:       rules.CloudAWS,
	Description: "Every internet-facing entry point (application load balancer, CloudFront distribution, REST API stage, HTTP API) sits behind a WAFv2 web ACL.",
	Sections:    []rules.Section{rules.RiskManagement, rules.AccessControl},
	Unknown:     "an unknown `internal` is taken as internet-facing; web ACL id passes",
	Level:       rules.Mandatory,
	Types:       []string{TypeLoadBalancer, TypeAlbLoadBalancer, TypeDistribution, TypeRestStage, TypeHTTPApi, TypeWebACLAssociation},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		associated := func(r rules.Resource) bool { return len(rules.Dependents(all, r, TypeWebACLAssociation)) > 0 }
		for _, r := range all {
			switch {
			case isInternetFacingLB(r) && !isApplicationLB(r):
				out = append(out, rules.Finding{URN: r.URN, Message: "an internet-facing network load balancer cannot take a web ACL; use an application load balancer or make it internal"})
			case isInternetFacingLB(r) && !associated(r):
				out = append(out, rules.Finding{URN: r.URN, Message: "internet-facing load balancer has no web ACL association"})
			case r.Type == TypeDistribution && !rules.Present(r.Inputs, "webAclId"):
				out = append(out, rules.Finding{URN: r.URN, Message: "distribution has no webAclId"})
			case r.Type == TypeRestStage && !associated(r):
				out = append(out, rules.Finding{URN: r.URN, Message: "API stage has no web ACL association"})
			case r.Type == TypeHTTPApi && rules.Str(r.Inputs, "protocolType") != "WEBSOCKET" && !frontedByWAF(all, r):
				out = append(out, rules.Finding{URN: r.URN, Message: "an HTTP API cannot take a web ACL; front it with a CloudFront distribution that has one"})
			}
		}
		return out
	},
}

func frontedByWAF(all []rules.Resource, api rules.Resource) bool {
	for _, d := range rules.Dependents(all, api, TypeDistribution) {
		if rules.Present(d.Inputs, "webAclId") {
			return true
		}
	}
	return false
}

var wafLogging = rules.Rule{
	Name:        "aws-waf-logging",
	Cloud:       rules.CloudAWS,
	Description: "Every WAFv2 web ACL logs its decisions, with the authorization header redacted.",
	Sections:    []rules.Section{rules.AuditControls},
	Unknown:     "header fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeWebACL, TypeWebACLLogging},
	CheckStack: companion(TypeWebACL, TypeWebACLLogging, "web ACL has no logging configuration", func(_, l rules.Resource) string {
		if !redactsAuthorization(l) {
			return "logging does not redact the authorization header, which carries bearer tokens"
		}
		return ""
	}),
}

func redactsAuthorization(logging rules.Resource) bool {
	for i := range rules.List(logging.Inputs, "redactedFields") {
		if strings.EqualFold(rules.Str(logging.Inputs, fmt.Sprintf("redactedFields[%d].singleHeader.name", i)), "authorization") {
			return true
		}
	}
	return false
}

// Types of the API's identity and stage settings.
const (
	TypeCognitoUserPool  = "aws:cognito/userPool:UserPool"
	TypeRestMethodConfig = "aws:apigateway/methodSettings:MethodSettings"
)

var cognitoMFA = rules.Rule{
	Name:        "aws-cognito-mfa-required",
	Cloud:       rules.CloudAWS,
	Description: "User pools require MFA, 12-character passwords and enforced advanced security against compromised credentials.",
	Sections:    []rules.Section{rules.Authentication, rules.PasswordManagement},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeCognitoUserPool},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if m := rules.Str(r.Inputs, "mfaConfiguration"); m != "ON" {
			out = append(out, fmt.Sprintf("mfaConfiguration is %q; must be ON", m))
		}
		if n, _ := rules.Number(r.Inputs, "passwordPolicy.minimumLength"); n < 12 {
			out = append(out, fmt.Sprintf("passwordPolicy.minimumLength is %d; at least 12", n))
		}
		if m := rules.Str(r.Inputs, "userPoolAddOns.advancedSecurityMode"); m != "ENFORCED" {
			out = append(out, fmt.Sprintf("userPoolAddOns.advancedSecurityMode is %q; must be ENFORCED", m))
		}
		return out
	},
}

// apiNoBodyLogging: API Gateway's data trace writes full requests and responses, PHI
// included, to a log group every operator can read.
var apiNoBodyLogging = rules.Rule{
	Name:        "aws-api-gateway-no-body-logging",
	Cloud:       rules.CloudAWS,
	Description: "API stages do not log request and response bodies (data trace off), which would copy PHI into logs.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "fails (taken as on)",
	Level:       rules.Mandatory,
	Types:       []string{TypeRestMethodConfig},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if rules.ExplicitlyTrue(r.Inputs, "settings.dataTraceEnabled") {
			return []string{"settings.dataTraceEnabled must be false"}
		}
		return nil
	},
}

// TypeResponseHeadersPolicy is a CloudFront response headers policy.
const TypeResponseHeadersPolicy = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"

// cloudFrontSecurityHeaders: HSTS keeps browsers on HTTPS after the first visit, and framing
// the app in another site is how clickjacking steals a session.
var cloudFrontSecurityHeaders = rules.Rule{
	Name:        "aws-cloudfront-security-headers",
	Cloud:       rules.CloudAWS,
	Description: "Every distribution sends HSTS for at least a year and refuses framing, through a response headers policy.",
	Sections:    []rules.Section{rules.TransmissionSecurity, rules.AccessControl},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeDistribution, TypeResponseHeadersPolicy},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		var out []rules.Finding
		for _, d := range all {
			if d.Type != TypeDistribution {
				continue
			}
			policy := rules.DependencyOf(all, d, TypeResponseHeadersPolicy, nil)
			if policy.URN == "" {
				out = append(out, rules.Finding{URN: d.URN, Message: "distribution has no response headers policy (HSTS, frame options)"})
				continue
			}
			if age, _ := rules.Number(policy.Inputs, "securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec"); age < 31536000 {
				out = append(out, rules.Finding{URN: policy.URN, Message: fmt.Sprintf("HSTS max-age is %d seconds; at least one year (31536000)", age)})
			}
			if f := rules.Str(policy.Inputs, "securityHeadersConfig.frameOptions.frameOption"); f != "DENY" && f != "SAMEORIGIN" {
				out = append(out, rules.Finding{URN: policy.URN, Message: fmt.Sprintf("frame option is %q; DENY or SAMEORIGIN", f)})
			}
		}
		return out
	},
}

// Types the serverless estate adds that carry a security setting.
const (
	TypeSnsSubscription     = "aws:sns/topicSubscription:TopicSubscription"
	TypeOriginAccessControl = "aws:cloudfront/originAccessControl:OriginAccessControl"
	TypeRestIntegration     = "aws:apigateway/integration:Integration"
	TypeCognitoClient       = "aws:cognito/userPoolClient:UserPoolClient"
)

// deliveryTLS: alerts and API calls leave the estate only over TLS, and CloudFront signs every
// request it makes to a private origin.
var deliveryTLS = rules.Rule{
	Name:        "aws-delivery-over-tls",
	Cloud:       rules.CloudAWS,
	Description: "Alert subscriptions and API integrations use HTTPS, never plain HTTP, and CloudFront signs every origin request.",
	Sections:    []rules.Section{rules.TransmissionSecurity},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSnsSubscription, TypeRestIntegration, TypeOriginAccessControl},
	Check: func(r rules.Resource, _ rules.Config) []string {
		switch r.Type {
		case TypeSnsSubscription:
			if p := rules.Str(r.Inputs, "protocol"); p == "http" {
				return []string{"protocol is http; alerts leave over https"}
			}
		case TypeRestIntegration:
			if u := rules.Str(r.Inputs, "uri"); strings.HasPrefix(u, "http://") {
				return []string{fmt.Sprintf("uri %s is plain HTTP", u)}
			}
		case TypeOriginAccessControl:
			if b := rules.Str(r.Inputs, "signingBehavior"); b != "always" {
				return []string{fmt.Sprintf("signingBehavior is %q; must be always", b)}
			}
		}
		return nil
	},
}

// cognitoClient: an app client must not reveal which accounts exist, and a stolen refresh
// token must be revocable.
var cognitoClient = rules.Rule{
	Name:        "aws-cognito-client-hardened",
	Cloud:       rules.CloudAWS,
	Description: "User pool app clients hide whether an account exists and allow token revocation.",
	Sections:    []rules.Section{rules.Authentication},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeCognitoClient},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		if v := rules.Str(r.Inputs, "preventUserExistenceErrors"); v != "ENABLED" {
			out = append(out, fmt.Sprintf("preventUserExistenceErrors is %q; must be ENABLED", v))
		}
		if v, ok := rules.Get(r.Inputs, "enableTokenRevocation"); ok && v != true {
			out = append(out, "enableTokenRevocation must be true")
		}
		return out
	},
}

// TypeSecretVersion holds a secret's value.
const TypeSecretVersion = "aws:secretsmanager/secretVersion:SecretVersion"

var secretValueSecret = rules.Rule{
	Name:        "aws-secret-values-secret",
	Cloud:       rules.CloudAWS,
	Description: "Secret values reach Secrets Manager as Pulumi secrets, never in clear text in state or plans.",
	Sections:    []rules.Section{rules.Encryption, rules.Authentication},
	Unknown:     "a non-secret unknown fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeSecretVersion},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if v, ok := rules.Get(r.Inputs, "secretString"); ok && v != rules.Secret {
			return []string{"secretString is in clear text; pass it as a Pulumi secret"}
		}
		return nil
	},
}

// alarmsNotify is advisory: an alarm nobody hears may still feed a dashboard on purpose.
var alarmsNotify = rules.Rule{
	Name:        "aws-cloudwatch-alarms-notify",
	Aliases:     []string{"aws-alarms-notify"},
	Cloud:       rules.CloudAWS,
	Description: "Every CloudWatch alarm notifies a topic when it fires. Advisory: an alarm may feed a dashboard only.",
	Sections:    []rules.Section{rules.IncidentResponse},
	Unknown:     "fails",
	Level:       rules.Advisory,
	Types:       []string{TypeMetricAlarm},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if len(rules.List(r.Inputs, "alarmActions")) == 0 {
			return []string{"alarmActions is empty: the alarm notifies no one"}
		}
		return nil
	},
}
