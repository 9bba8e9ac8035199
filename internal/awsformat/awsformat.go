// Package awsformat holds the shapes AWS accepts for the values the estate takes from config:
// the stack config validator and the components' Args check the same patterns, so a value the
// config accepts is one the component accepts too.
package awsformat

import "regexp"

var (
	// AuroraPostgresVersion is a pinned Aurora PostgreSQL version, major 14 to 16; the first
	// group is the major, which names the parameter group family.
	AuroraPostgresVersion = regexp.MustCompile(`^(14|15|16)\.(\d{1,2})$`)
	// RDSInstanceClass is an RDS instance class such as db.r6g.large.
	RDSInstanceClass = regexp.MustCompile(`^db\.[a-z0-9]+\.[a-z0-9]+$`)
	// RedisVersion is a pinned ElastiCache Redis version such as 7.1.
	RedisVersion = regexp.MustCompile(`^[67]\.\d$`)
	// CacheNodeType is an ElastiCache node type such as cache.r7g.large.
	CacheNodeType = regexp.MustCompile(`^cache\.[a-z0-9]+\.[a-z0-9]+$`)
	// EKSVersion is a pinned EKS Kubernetes version from 1.29 to 1.33.
	EKSVersion = regexp.MustCompile(`^1\.(29|3[0-3])$`)
	// EC2InstanceType is an instance type such as m7i.large.
	EC2InstanceType = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	// ACMCertificate is the ARN of an ACM certificate.
	ACMCertificate = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$`)
	// EdgeACMCertificate is an ACM certificate in us-east-1, the only region CloudFront takes
	// certificates from.
	EdgeACMCertificate = regexp.MustCompile(`^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/[0-9a-f-]{36}$`)
	// DNSName is a lowercase DNS name such as api.healthhub.example.
	DNSName = regexp.MustCompile(`^([a-z0-9-]+\.)+[a-z]{2,}$`)
)
