package aws

import "github.com/healthhub/estate/policy/rules"

func elbGuardCases() []ruleCase {
	elb := func(inputs map[string]any) rules.Resource { return res(TypeClassicELB, "legacy", inputs) }
	https := map[string]any{"lbPort": int64(443), "lbProtocol": "https", "instancePort": int64(8443), "instanceProtocol": "HTTPS", "sslCertificateId": "arn:cert"}
	good := map[string]any{
		"accessLogs": map[string]any{"bucket": rules.Unknown, "enabled": true},
		"listeners":  []any{https, map[string]any{"lbPort": int64(5671), "lbProtocol": "SSL", "instancePort": int64(5671), "instanceProtocol": "SSL"}},
	}
	listener := func(lb, instance string) map[string]any {
		return with(good, "listeners", []any{map[string]any{"lbPort": int64(80), "lbProtocol": lb, "instancePort": int64(80), "instanceProtocol": instance}})
	}

	return []ruleCase{
		{"aws-elb-classic-hardened", "logged, TLS both sides", []rules.Resource{elb(good)}, false, ""},
		{"aws-elb-classic-hardened", "logging on by the provider's default", []rules.Resource{elb(with(good, "accessLogs", map[string]any{"bucket": "elb-logs"}))}, false, ""},
		{"aws-elb-classic-hardened", "no access logs", []rules.Resource{elb(with(good, "accessLogs", nil))}, true, "accessLogs must be enabled with a bucket"},
		{"aws-elb-classic-hardened", "access logs off", []rules.Resource{elb(with(good, "accessLogs", map[string]any{"bucket": "elb-logs", "enabled": false}))}, true, "accessLogs must be enabled"},
		{"aws-elb-classic-hardened", "logging switch unknown", []rules.Resource{elb(with(good, "accessLogs", map[string]any{"bucket": "elb-logs", "enabled": rules.Unknown}))}, true, "accessLogs must be enabled"},
		{"aws-elb-classic-hardened", "plain HTTP listener", []rules.Resource{elb(listener("HTTP", "HTTPS"))}, true, `listeners[0].lbProtocol is "HTTP"; must be HTTPS or SSL`},
		{"aws-elb-classic-hardened", "plain TCP to the instances", []rules.Resource{elb(listener("SSL", "tcp"))}, true, `listeners[0].instanceProtocol is "tcp"`},
	}
}
