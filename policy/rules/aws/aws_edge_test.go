package aws

import (
	"github.com/healthhub/estate/policy/rules"
)

func edgeCases() []ruleCase {
	listener := func(inputs map[string]any) rules.Resource { return res(TypeListener, "l", inputs) }
	redirect := map[string]any{"protocol": "HTTP", "defaultActions": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443"}}}}
	alb := func(inputs map[string]any) rules.Resource { return res(TypeLoadBalancer, "alb", inputs) }
	goodAlb := map[string]any{
		"accessLogs": map[string]any{"enabled": true, "bucket": "logs"}, "dropInvalidHeaderFields": true,
		"desyncMitigationMode": "strictest", "enableDeletionProtection": true,
	}
	dist := func(inputs map[string]any) rules.Resource { return res(TypeDistribution, "cdn", inputs) }
	goodDist := map[string]any{
		"viewerCertificate":     map[string]any{"acmCertificateArn": "arn:cert", "minimumProtocolVersion": "TLSv1.2_2021"},
		"defaultCacheBehavior":  map[string]any{"viewerProtocolPolicy": "redirect-to-https"},
		"orderedCacheBehaviors": []any{map[string]any{"viewerProtocolPolicy": "https-only"}},
		"origins": []any{
			map[string]any{"originId": "s3", "originAccessControlId": "oac"},
			map[string]any{"originId": "api", "customOriginConfig": map[string]any{"originProtocolPolicy": "https-only", "originSslProtocols": []any{"TLSv1.2"}}},
		},
		"loggingConfig": map[string]any{"bucket": "logs.s3.amazonaws.com"},
		"webAclId":      "arn:acl",
	}
	origin := func(o map[string]any) map[string]any { return with(goodDist, "origins", []any{o}) }
	headers := func(age int64, frame string) rules.Resource {
		return res(TypeResponseHeadersPolicy, "h", map[string]any{"securityHeadersConfig": map[string]any{
			"strictTransportSecurity": map[string]any{"accessControlMaxAgeSec": age},
			"frameOptions":            map[string]any{"frameOption": frame},
		}})
	}
	stage := res(TypeRestStage, "v1", map[string]any{"accessLogSettings": map[string]any{"destinationArn": "arn:lg", "format": "$context.requestId"}})
	httpAPI := res(TypeHTTPApi, "api", map[string]any{"protocolType": "HTTP"})
	acl := res(TypeWebACL, "acl", map[string]any{})
	association := func(target rules.Resource) rules.Resource {
		return dependsOn(dependsOn(res(TypeWebACLAssociation, target.Name, nil), acl), target)
	}
	logging := func(header string) rules.Resource {
		return dependsOn(res(TypeWebACLLogging, "acl", map[string]any{"redactedFields": []any{map[string]any{"singleHeader": map[string]any{"name": header}}}}), acl)
	}
	sgRule := func(typ string, inputs map[string]any) rules.Resource { return res(typ, "rule", inputs) }

	return []ruleCase{
		{"aws-lb-listener-tls", "TLS 1.3 policy", []rules.Resource{listener(map[string]any{"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})}, false, ""},
		{"aws-lb-listener-tls", "HTTP redirect", []rules.Resource{listener(redirect)}, false, ""},
		{"aws-lb-listener-tls", "default 2016 policy", []rules.Resource{listener(map[string]any{"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"})}, true, "below 1.2"},
		{"aws-lb-listener-tls", "HTTP forward", []rules.Resource{listener(map[string]any{"protocol": "HTTP", "defaultActions": []any{map[string]any{"type": "forward"}}})}, true, "only redirect to HTTPS"},
		{"aws-lb-listener-tls", "HTTPS to the targets", []rules.Resource{res(TypeTargetGroup, "tg", map[string]any{"protocol": "HTTPS"})}, false, ""},
		{"aws-lb-listener-tls", "lambda targets have no protocol", []rules.Resource{res(TypeTargetGroup, "tg", map[string]any{"targetType": "lambda"})}, false, ""},
		{"aws-lb-listener-tls", "HTTP to the targets", []rules.Resource{res(TypeTargetGroup, "tg", map[string]any{"protocol": "HTTP"})}, true, "over HTTPS or TLS"},
		{"aws-lb-listener-tls", "plain TCP", []rules.Resource{res(TypeAlbListener, "l", map[string]any{"protocol": "TCP"})}, true, "not encrypted"},

		{"aws-lb-hardened", "hardened ALB", []rules.Resource{alb(goodAlb)}, false, ""},
		{"aws-lb-hardened", "NLB needs no header dropping", []rules.Resource{alb(map[string]any{"loadBalancerType": "network", "accessLogs": map[string]any{"enabled": true, "bucket": "logs"}})}, false, ""},
		{"aws-lb-hardened", "no access logs", []rules.Resource{alb(with(goodAlb, "accessLogs", nil))}, true, "accessLogs"},
		{"aws-lb-hardened", "invalid headers pass", []rules.Resource{alb(with(goodAlb, "dropInvalidHeaderFields", false))}, true, "dropInvalidHeaderFields"},
		{"aws-lb-hardened", "desync monitor only", []rules.Resource{alb(with(goodAlb, "desyncMitigationMode", "monitor"))}, true, "desyncMitigationMode"},

		{"aws-cloudfront-tls", "TLS 1.2 everywhere", []rules.Resource{dist(goodDist)}, false, ""},
		{"aws-cloudfront-tls", "default certificate", []rules.Resource{dist(with(goodDist, "viewerCertificate", map[string]any{"cloudfrontDefaultCertificate": true}))}, true, "TLS 1.0"},
		{"aws-cloudfront-tls", "TLS 1.1 floor", []rules.Resource{dist(with(goodDist, "viewerCertificate", map[string]any{"acmCertificateArn": "arn", "minimumProtocolVersion": "TLSv1.1_2016"}))}, true, `"TLSv1.1_2016"`},
		{"aws-cloudfront-tls", "HTTP allowed", []rules.Resource{dist(with(goodDist, "defaultCacheBehavior", map[string]any{"viewerProtocolPolicy": "allow-all"}))}, true, `"allow-all"`},
		{"aws-cloudfront-tls", "public S3 origin", []rules.Resource{dist(origin(map[string]any{"originId": "s3"}))}, true, "without originAccessControlId"},
		{"aws-cloudfront-tls", "HTTP to the origin", []rules.Resource{dist(origin(map[string]any{"customOriginConfig": map[string]any{"originProtocolPolicy": "match-viewer"}}))}, true, "must be https-only"},
		{"aws-cloudfront-tls", "TLS 1.0 to the origin", []rules.Resource{dist(origin(map[string]any{"customOriginConfig": map[string]any{"originProtocolPolicy": "https-only", "originSslProtocols": []any{"TLSv1", "TLSv1.2"}}}))}, true, "allows TLSv1"},

		{"aws-cloudfront-security-headers", "HSTS two years, DENY", []rules.Resource{headers(63072000, "DENY"), dependsOn(dist(goodDist), headers(63072000, "DENY"))}, false, ""},
		{"aws-cloudfront-security-headers", "no policy", []rules.Resource{dist(goodDist)}, true, "no response headers policy"},
		{"aws-cloudfront-security-headers", "a day of HSTS", []rules.Resource{headers(86400, "DENY"), dependsOn(dist(goodDist), headers(86400, "DENY"))}, true, "HSTS max-age is 86400"},
		{"aws-cloudfront-security-headers", "framing allowed", []rules.Resource{headers(63072000, ""), dependsOn(dist(goodDist), headers(63072000, ""))}, true, `frame option is ""`},
		{"aws-cloudfront-logging", "S3 logging", []rules.Resource{dist(goodDist)}, false, ""},
		{"aws-cloudfront-logging", "CloudWatch log delivery", []rules.Resource{dist(with(goodDist, "loggingConfig", nil)), dependsOn(res(TypeLogDeliverySource, "cdn", nil), dist(nil))}, false, ""},
		{"aws-cloudfront-logging", "no logging", []rules.Resource{dist(with(goodDist, "loggingConfig", nil))}, true, "no access logging"},

		{"aws-api-gateway-tls", "REST TLS 1.2", []rules.Resource{res(TypeRestDomainName, "api", map[string]any{"securityPolicy": "TLS_1_2"})}, false, ""},
		{"aws-api-gateway-tls", "HTTP API TLS 1.2", []rules.Resource{res(TypeHTTPDomainName, "api", map[string]any{"domainNameConfiguration": map[string]any{"securityPolicy": "TLS_1_2"}})}, false, ""},
		{"aws-api-gateway-tls", "REST TLS 1.0", []rules.Resource{res(TypeRestDomainName, "api", map[string]any{"securityPolicy": "TLS_1_0"})}, true, `"TLS_1_0"`},
		{"aws-api-gateway-tls", "HTTP API policy unset", []rules.Resource{res(TypeHTTPDomainName, "api", map[string]any{})}, true, "must be TLS_1_2"},

		{"aws-api-gateway-access-logs", "REST stage", []rules.Resource{stage}, false, ""},
		{"aws-api-gateway-access-logs", "HTTP stage without logs", []rules.Resource{res(TypeHTTPStage, "default", map[string]any{})}, true, "destinationArn is not set"},

		{"aws-cognito-mfa-required", "MFA, long passwords, enforced", []rules.Resource{res(TypeCognitoUserPool, "p", map[string]any{"mfaConfiguration": "ON", "passwordPolicy": map[string]any{"minimumLength": int64(12)}, "userPoolAddOns": map[string]any{"advancedSecurityMode": "ENFORCED"}})}, false, ""},
		{"aws-cognito-mfa-required", "MFA optional", []rules.Resource{res(TypeCognitoUserPool, "p", map[string]any{"mfaConfiguration": "OPTIONAL", "passwordPolicy": map[string]any{"minimumLength": int64(12)}, "userPoolAddOns": map[string]any{"advancedSecurityMode": "ENFORCED"}})}, true, `"OPTIONAL"; must be ON`},
		{"aws-cognito-mfa-required", "defaults", []rules.Resource{res(TypeCognitoUserPool, "p", map[string]any{})}, true, `mfaConfiguration is ""`},
		{"aws-api-gateway-no-body-logging", "data trace off", []rules.Resource{res(TypeRestMethodConfig, "s", map[string]any{"settings": map[string]any{"dataTraceEnabled": false}})}, false, ""},
		{"aws-api-gateway-no-body-logging", "data trace on", []rules.Resource{res(TypeRestMethodConfig, "s", map[string]any{"settings": map[string]any{"dataTraceEnabled": true}})}, true, "dataTraceEnabled must be false"},
		{"aws-delivery-over-tls", "https pager", []rules.Resource{res(TypeSnsSubscription, "p", map[string]any{"protocol": "https"})}, false, ""},
		{"aws-delivery-over-tls", "http pager", []rules.Resource{res(TypeSnsSubscription, "p", map[string]any{"protocol": "http"})}, true, "protocol is http"},
		{"aws-delivery-over-tls", "http integration", []rules.Resource{res(TypeRestIntegration, "i", map[string]any{"type": "HTTP_PROXY", "uri": "http://backend.internal/api"})}, true, "plain HTTP"},
		{"aws-delivery-over-tls", "unsigned origin requests", []rules.Resource{res(TypeOriginAccessControl, "o", map[string]any{"signingBehavior": "never"})}, true, `"never"; must be always`},
		{"aws-cognito-client-hardened", "hardened client", []rules.Resource{res(TypeCognitoClient, "c", map[string]any{"preventUserExistenceErrors": "ENABLED", "enableTokenRevocation": true})}, false, ""},
		{"aws-cognito-client-hardened", "user existence leaks", []rules.Resource{res(TypeCognitoClient, "c", map[string]any{"preventUserExistenceErrors": "LEGACY"})}, true, `"LEGACY"`},
		{"aws-cognito-client-hardened", "revocation off", []rules.Resource{res(TypeCognitoClient, "c", map[string]any{"preventUserExistenceErrors": "ENABLED", "enableTokenRevocation": false})}, true, "enableTokenRevocation"},
		{"aws-secret-values-secret", "secret value", []rules.Resource{res(TypeSecretVersion, "v", map[string]any{"secretString": rules.Secret})}, false, ""},
		{"aws-secret-values-secret", "clear value", []rules.Resource{res(TypeSecretVersion, "v", map[string]any{"secretString": "sk-live"})}, true, "clear text"},
		{"aws-cloudwatch-alarms-notify", "pages someone", []rules.Resource{res(TypeMetricAlarm, "a", map[string]any{"alarmActions": []any{"arn:topic"}})}, false, ""},
		{"aws-cloudwatch-alarms-notify", "silent", []rules.Resource{res(TypeMetricAlarm, "a", map[string]any{})}, true, "notifies no one"},
		{"aws-api-gateway-authorization", "JWT route", []rules.Resource{res(TypeHTTPRoute, "r", map[string]any{"authorizationType": "JWT"})}, false, ""},
		{"aws-api-gateway-authorization", "public route", []rules.Resource{res(TypeHTTPRoute, "r", map[string]any{"authorizationType": "NONE"})}, true, "public"},
		{"aws-api-gateway-authorization", "public REST method", []rules.Resource{res(TypeRestMethod, "m", map[string]any{"authorization": "NONE"})}, true, "public"},

		{"aws-waf-on-public-entry-points", "ALB with web ACL", []rules.Resource{alb(goodAlb), acl, association(alb(goodAlb))}, false, ""},
		{"aws-waf-on-public-entry-points", "internal ALB needs none", []rules.Resource{alb(with(goodAlb, "internal", true))}, false, ""},
		{"aws-waf-on-public-entry-points", "CloudFront with web ACL", []rules.Resource{dist(goodDist)}, false, ""},
		{"aws-waf-on-public-entry-points", "REST stage with web ACL", []rules.Resource{stage, acl, association(stage)}, false, ""},
		{"aws-waf-on-public-entry-points", "HTTP API behind CloudFront with WAF", []rules.Resource{httpAPI, dependsOn(dist(goodDist), httpAPI)}, false, ""},
		{"aws-waf-on-public-entry-points", "internal switch unknown is taken as internet-facing", []rules.Resource{alb(with(goodAlb, "internal", rules.Unknown))}, true, "no web ACL association"},
		{"aws-waf-on-public-entry-points", "ALB without web ACL", []rules.Resource{alb(goodAlb)}, true, "no web ACL association"},
		{"aws-waf-on-public-entry-points", "internet-facing NLB", []rules.Resource{alb(map[string]any{"loadBalancerType": "network"})}, true, "network load balancer"},
		{"aws-waf-on-public-entry-points", "CloudFront without web ACL", []rules.Resource{dist(with(goodDist, "webAclId", nil))}, true, "no webAclId"},
		{"aws-waf-on-public-entry-points", "REST stage without web ACL", []rules.Resource{stage}, true, "API stage has no web ACL"},
		{"aws-waf-on-public-entry-points", "bare HTTP API", []rules.Resource{httpAPI}, true, "cannot take a web ACL"},
		{"aws-waf-on-public-entry-points", "HTTP API behind CloudFront without WAF", []rules.Resource{httpAPI, dependsOn(dist(with(goodDist, "webAclId", nil)), httpAPI)}, true, "cannot take a web ACL"},

		{"aws-waf-logging", "logs with authorization redacted", []rules.Resource{acl, logging("authorization")}, false, ""},
		{"aws-waf-logging", "no logging", []rules.Resource{acl}, true, "no logging configuration"},
		{"aws-waf-logging", "bearer tokens logged", []rules.Resource{acl, logging("x-trace-id")}, true, "does not redact the authorization header"},

		{"aws-ec2-security-group-no-world-ingress", "standalone rule from the VPC", []rules.Resource{sgRule(TypeSecurityGroupRule, map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": int64(5432), "toPort": int64(5432), "cidrBlocks": []any{"10.20.0.0/16"}})}, false, ""},
		{"aws-ec2-security-group-no-world-ingress", "egress to the world is not ingress", []rules.Resource{sgRule(TypeSecurityGroupRule, map[string]any{"type": "egress", "protocol": "-1", "cidrBlocks": []any{"0.0.0.0/0"}})}, false, ""},
		{"aws-ec2-security-group-no-world-ingress", "standalone rule opens postgres", []rules.Resource{sgRule(TypeSecurityGroupRule, map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": int64(5432), "toPort": int64(5432), "cidrBlocks": []any{"0.0.0.0/0"}})}, true, "5432-5432/tcp"},
		{"aws-ec2-security-group-no-world-ingress", "vpc ingress rule opens everything", []rules.Resource{sgRule(TypeSecurityGroupIngess, map[string]any{"ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"})}, true, "0-0/-1"},
	}
}
