package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/healthhub/estate/internal/awsformat"
	"github.com/healthhub/estate/internal/naming"
)

// Problem is one bad key: what was given and what is allowed.
type Problem struct {
	Key     string
	Value   string
	Allowed string
}

// ValidationError carries every problem found in one pass.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid stack configuration (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s:%s = %s: %s", Namespace, p.Key, quote(p.Value), p.Allowed)
	}
	return b.String()
}

func quote(v string) string {
	if v == "" {
		return "(not set)"
	}
	if len(v) > 120 {
		v = v[:117] + "..."
	}
	return strconv.Quote(v)
}

// Keys reports the keys that failed, in order.
func (e *ValidationError) Keys() []string {
	var keys []string
	for _, p := range e.Problems {
		keys = append(keys, p.Key)
	}
	return keys
}

type checker struct{ problems []Problem }

func (c *checker) fail(key, value, allowed string, args ...any) {
	c.problems = append(c.problems, Problem{Key: key, Value: value, Allowed: fmt.Sprintf(allowed, args...)})
}

// Region name shapes per cloud: aws eu-west-2, gcp europe-west2, azure uksouth.
var regionPatterns = map[string]*regexp.Regexp{
	CloudAWS:   regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`),
	CloudGCP:   regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]$`),
	CloudAzure: regexp.MustCompile(`^[a-z]+[0-9]?$`),
}

var regionExamples = map[string]string{CloudAWS: "eu-west-2", CloudGCP: "europe-west2", CloudAzure: "uksouth"}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Parse turns raw config strings (as Pulumi hands them to the program: scalars as text, arrays
// and objects as JSON) into a Config. Missing keys take their defaults. Every problem is
// reported, not just the first.
func Parse(raw map[string]string) (*Config, error) {
	c := &checker{}
	known := map[string]bool{}
	values := map[string]string{}
	for _, k := range Keys {
		known[k.Name] = true
		values[k.Name] = k.Default
	}
	var unknown []string
	for k, v := range raw {
		if !known[k] {
			unknown = append(unknown, k)
			continue
		}
		values[k] = v
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		c.fail(k, raw[k], "unknown key; known keys are %s", knownKeys())
	}

	cfg := &Config{}
	cfg.Cloud = oneOf(c, "cloud", values["cloud"], Clouds)
	cfg.Environment = oneOf(c, "environment", values["environment"], Environments)

	pattern := regionPatterns[cfg.Cloud]
	example := regionExamples[cfg.Cloud]
	cfg.AllowedRegions = parseRegions(c, values["allowedRegions"], pattern, example)
	cfg.PrimaryRegion = region(c, "primaryRegion", values["primaryRegion"], pattern, example, cfg.AllowedRegions)
	cfg.DRRegion = region(c, "drRegion", values["drRegion"], pattern, example, cfg.AllowedRegions)
	if cfg.PrimaryRegion != "" && cfg.PrimaryRegion == cfg.DRRegion {
		c.fail("drRegion", cfg.DRRegion, "must differ from primaryRegion (%s): the DR copy has to survive a regional outage", cfg.PrimaryRegion)
	}

	cfg.AllowedCountries = countries(c, values["allowedCountries"])
	cfg.RetentionDays = days(c, "retentionDays", values["retentionDays"], nil)
	var logAllowed []int
	if cfg.Cloud == CloudAWS {
		logAllowed = cloudWatchRetention
	}
	cfg.LogRetentionDays = days(c, "logRetentionDays", values["logRetentionDays"], logAllowed)

	cfg.AlertEmail = email(c, "alertEmail", values["alertEmail"])
	cfg.Owner = label(c, "owner", values["owner"])
	cfg.CostCentre = label(c, "costCentre", values["costCentre"])

	for _, k := range Keys {
		if k.Secret && raw[k.Name] == "" {
			c.fail(k.Name, "", "required secret: set it with `pulumi config set --secret %s:%s <value>`", Namespace, k.Name)
		}
	}

	if cfg.Cloud == CloudAWS || raw["aws"] != "" {
		cfg.AWS = parseAWS(c, values["aws"], cfg.Environment)
	}

	if len(c.problems) > 0 {
		return nil, &ValidationError{Problems: c.problems}
	}
	return cfg, nil
}

func defaultOf(name string) string {
	for _, k := range Keys {
		if k.Name == name {
			return k.Default
		}
	}
	return ""
}

func knownKeys() string {
	names := make([]string, len(Keys))
	for i, k := range Keys {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

func oneOf(c *checker, key, v string, allowed []string) string {
	if !slices.Contains(allowed, v) {
		c.fail(key, v, "must be one of %s", strings.Join(allowed, ", "))
		return ""
	}
	return v
}

func parseRegions(c *checker, v string, pattern *regexp.Regexp, example string) []string {
	var regions []string
	if err := json.Unmarshal([]byte(v), &regions); err != nil || len(regions) == 0 {
		c.fail("allowedRegions", v, "must be a non-empty list of region names, e.g. [%q]", example)
		return nil
	}
	seen := map[string]bool{}
	for _, r := range regions {
		if pattern != nil && !pattern.MatchString(r) {
			c.fail("allowedRegions", v, "%q is not a region name of the selected cloud (e.g. %s)", r, example)
			return nil
		}
		if seen[r] {
			c.fail("allowedRegions", v, "%q is listed twice", r)
			return nil
		}
		seen[r] = true
	}
	return regions
}

func region(c *checker, key, v string, pattern *regexp.Regexp, example string, allowed []string) string {
	switch {
	case v == "":
		c.fail(key, v, "required: a region name of the selected cloud (e.g. %s)", example)
	case pattern != nil && !pattern.MatchString(v):
		c.fail(key, v, "is not a region name of the selected cloud (e.g. %s)", example)
	case allowed != nil && !slices.Contains(allowed, v):
		c.fail(key, v, "must be one of allowedRegions (%s)", strings.Join(allowed, ", "))
	default:
		return v
	}
	return ""
}

func days(c *checker, key, v string, allowed []int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	switch {
	case err != nil:
		c.fail(key, v, "must be a whole number of days, at least %d (the HIPAA six-year floor)", HIPAARetentionFloorDays)
	case n < HIPAARetentionFloorDays:
		c.fail(key, v, "must be at least %d days (the HIPAA six-year floor)", HIPAARetentionFloorDays)
	case n > 36500:
		c.fail(key, v, "must be at most 36500 days")
	case allowed != nil && !slices.Contains(allowed, n):
		c.fail(key, v, "must be a CloudWatch Logs retention period at or above the floor: %s", floorValues(allowed))
	default:
		return n
	}
	return 0
}

func floorValues(allowed []int) string {
	var out []string
	for _, n := range allowed {
		if n >= HIPAARetentionFloorDays {
			out = append(out, strconv.Itoa(n))
		}
	}
	return strings.Join(out, ", ")
}

func email(c *checker, key, v string) string {
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || !strings.Contains(addr.Address[strings.LastIndex(addr.Address, "@"):], ".") {
		c.fail(key, v, "must be a plain e-mail address such as oncall@example.org")
		return ""
	}
	return v
}

func label(c *checker, key, v string) string {
	if v == "" {
		c.fail(key, v, "required: it becomes a tag and label on every resource")
		return ""
	}
	if err := naming.CheckLabelValue(v); err != nil {
		c.fail(key, v, "%s", err)
		return ""
	}
	return v
}

func parseAWS(c *checker, v, env string) AWS {
	// Fields left out keep their defaults, so a stack can override just the one it needs.
	var a AWS
	_ = json.Unmarshal([]byte(defaultOf("aws")), &a)
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		c.fail("aws", v, "must be an object with vpcCidr, drVpcCidr, availabilityZones, natGateways, allowedAccountIds, database, cache, loadBalancer, eks, api, frontend, tables, monthlyBudgetUsd (%v)", err)
		return AWS{}
	}
	primary := privateCIDR(c, "aws.vpcCidr", a.VpcCidr)
	dr := privateCIDR(c, "aws.drVpcCidr", a.DrVpcCidr)
	if primary != nil && dr != nil && (primary.Contains(dr.IP) || dr.Contains(primary.IP)) {
		c.fail("aws.drVpcCidr", a.DrVpcCidr, "must not overlap aws.vpcCidr (%s), so the regions can be peered", a.VpcCidr)
	}
	switch {
	case a.AvailabilityZones < 2 || a.AvailabilityZones > 3:
		c.fail("aws.availabilityZones", strconv.Itoa(a.AvailabilityZones), "must be 2 or 3")
	case env == EnvProduction && a.AvailabilityZones != 3:
		c.fail("aws.availabilityZones", strconv.Itoa(a.AvailabilityZones), "must be 3 in production")
	}
	switch {
	case !slices.Contains(NatModes, a.NatGateways):
		c.fail("aws.natGateways", a.NatGateways, "must be one of %s", strings.Join(NatModes, ", "))
	case env == EnvProduction && a.NatGateways != "per-az":
		c.fail("aws.natGateways", a.NatGateways, "must be per-az in production, so one AZ's outage cannot cut the others off")
	}
	for _, id := range a.AllowedAccountIds {
		if !accountID.MatchString(id) {
			c.fail("aws.allowedAccountIds", id, "must be 12-digit AWS account IDs")
		}
	}
	parseDatabase(c, a.Database, env)
	parseCache(c, a.Cache, env)
	parseLoadBalancer(c, a.LoadBalancer)
	parseEKS(c, a.EKS, env)
	parseAPI(c, a.API)
	if !awsformat.DNSName.MatchString(a.Frontend.DomainName) {
		c.fail("aws.frontend.domainName", a.Frontend.DomainName, "required: the web app's DNS name, such as app.healthhub.example")
	}
	if !awsformat.EdgeACMCertificate.MatchString(a.Frontend.CertificateArn) {
		c.fail("aws.frontend.certificateArn", a.Frontend.CertificateArn, "required: an ACM certificate in us-east-1, the region CloudFront takes certificates from")
	}
	if t := a.Tables; t.MinCapacity < 1 || t.MaxCapacity < t.MinCapacity || t.TargetUtilization < 20 || t.TargetUtilization > 90 {
		c.fail("aws.tables", fmt.Sprintf("min %d, max %d, target %d%%", t.MinCapacity, t.MaxCapacity, t.TargetUtilization),
			"must have 1 <= minCapacity <= maxCapacity and targetUtilization from 20 to 90")
	}
	if a.MonthlyBudgetUsd < 1 {
		c.fail("aws.monthlyBudgetUsd", strconv.Itoa(a.MonthlyBudgetUsd), "must be a positive number of US dollars")
	}
	return a
}

func parseAPI(c *checker, api API) {
	if !awsformat.DNSName.MatchString(api.DomainName) {
		c.fail("aws.api.domainName", api.DomainName, "required: the API's DNS name, such as api.healthhub.example")
	}
	if !awsformat.ACMCertificate.MatchString(api.CertificateArn) {
		c.fail("aws.api.certificateArn", api.CertificateArn, "required: the ARN of an ACM certificate for the API's name in the primary region")
	}
	if api.RateLimit < 1 || api.BurstLimit < api.RateLimit {
		c.fail("aws.api.rateLimit", fmt.Sprintf("rate %d, burst %d", api.RateLimit, api.BurstLimit), "must be positive, with burstLimit at least rateLimit")
	}
}

func parseEKS(c *checker, e EKS, env string) {
	if !awsformat.EKSVersion.MatchString(e.KubernetesVersion) {
		c.fail("aws.eks.kubernetesVersion", e.KubernetesVersion, "must be a pinned EKS version from 1.29 to 1.33, such as 1.31")
	}
	for _, cidr := range e.PublicAccessCidrs {
		_, n, err := net.ParseCIDR(cidr)
		switch {
		case env == EnvProduction:
			c.fail("aws.eks.publicAccessCidrs", cidr, "must be empty in production: the API endpoint is private")
			return
		case err != nil || n.IP.To4() == nil:
			c.fail("aws.eks.publicAccessCidrs", cidr, "must be IPv4 networks in CIDR form, such as 203.0.113.0/24")
		case n.String() == "0.0.0.0/0":
			c.fail("aws.eks.publicAccessCidrs", cidr, "must not open the API endpoint to the whole internet")
		}
	}
	for _, g := range e.NodeGroups.Pools() {
		name, key := g.Name, "aws.eks.nodeGroups."+g.Name
		switch {
		case !awsformat.EC2InstanceType.MatchString(g.InstanceType):
			c.fail(key+".instanceType", g.InstanceType, "must be an EC2 instance type such as m7i.large")
		case g.Min < 0 || g.Max < 1 || g.Min > g.Max || g.Max > 100:
			c.fail(key, fmt.Sprintf("min %d, max %d", g.Min, g.Max), "must have 0 <= min <= max, 1 <= max <= 100")
		case name != "gpu" && env == EnvProduction && g.Min < 2:
			c.fail(key+".min", strconv.Itoa(g.Min), "must be at least 2 in production, one node per AZ to survive losing one")
		}
	}
}

func parseLoadBalancer(c *checker, lb LoadBalancer) {
	if !awsformat.ACMCertificate.MatchString(lb.CertificateArn) {
		c.fail("aws.loadBalancer.certificateArn", lb.CertificateArn, "required: the ARN of an ACM certificate in the primary region, such as arn:aws:acm:eu-west-2:123456789012:certificate/<uuid>")
	}
	if lb.TargetPort < 1024 || lb.TargetPort > 65535 {
		c.fail("aws.loadBalancer.targetPort", strconv.Itoa(lb.TargetPort), "must be 1024 to 65535 (workloads run unprivileged)")
	}
	if lb.RateLimit < 100 || lb.RateLimit > 2_000_000_000 {
		c.fail("aws.loadBalancer.rateLimit", strconv.Itoa(lb.RateLimit), "must be 100 to 2000000000 requests per IP per five minutes")
	}
}

func countries(c *checker, v string) []string {
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil || len(out) == 0 {
		c.fail("allowedCountries", v, "must be a non-empty list of ISO 3166 alpha-2 codes, e.g. [\"GB\", \"IE\", \"US\"]")
		return nil
	}
	seen := map[string]bool{}
	for _, cc := range out {
		switch {
		case !awsformat.CountryCode.MatchString(cc):
			c.fail("allowedCountries", v, "%q is not an ISO 3166 alpha-2 code in upper case, such as GB", cc)
			return nil
		case seen[cc]:
			c.fail("allowedCountries", v, "%q is listed twice", cc)
			return nil
		}
		seen[cc] = true
	}
	return out
}

func parseCache(c *checker, cc Cache, env string) {
	if !awsformat.RedisVersion.MatchString(cc.EngineVersion) {
		c.fail("aws.cache.engineVersion", cc.EngineVersion, "must be a pinned Redis version such as 7.1")
	}
	if !awsformat.CacheNodeType.MatchString(cc.NodeType) {
		c.fail("aws.cache.nodeType", cc.NodeType, "must be an ElastiCache node type such as cache.r7g.large")
	}
	switch {
	case cc.Nodes < 1 || cc.Nodes > 6:
		c.fail("aws.cache.nodes", strconv.Itoa(cc.Nodes), "must be 1 to 6")
	case env == EnvProduction && cc.Nodes < 2:
		c.fail("aws.cache.nodes", strconv.Itoa(cc.Nodes), "must be at least 2 in production, for Multi-AZ failover")
	}
}

func parseDatabase(c *checker, d Database, env string) {
	if !awsformat.AuroraPostgresVersion.MatchString(d.EngineVersion) {
		c.fail("aws.database.engineVersion", d.EngineVersion, "must be a pinned Aurora PostgreSQL version, major 14 to 16, such as 16.4")
	}
	if !awsformat.RDSInstanceClass.MatchString(d.InstanceClass) {
		c.fail("aws.database.instanceClass", d.InstanceClass, "must be an RDS instance class such as db.r6g.large")
	}
	switch {
	case d.Instances < 1 || d.Instances > 15:
		c.fail("aws.database.instances", strconv.Itoa(d.Instances), "must be 1 to 15")
	case env == EnvProduction && d.Instances < 2:
		c.fail("aws.database.instances", strconv.Itoa(d.Instances), "must be at least 2 in production, so a reader in another AZ can take over")
	}
	switch {
	case d.BackupRetentionDays < 7 || d.BackupRetentionDays > 35:
		c.fail("aws.database.backupRetentionDays", strconv.Itoa(d.BackupRetentionDays), "must be 7 to 35")
	case env == EnvProduction && d.BackupRetentionDays != 35:
		c.fail("aws.database.backupRetentionDays", strconv.Itoa(d.BackupRetentionDays), "must be 35 in production")
	}
}

var privateRanges = []*net.IPNet{mustCIDR("10.0.0.0/8"), mustCIDR("172.16.0.0/12"), mustCIDR("192.168.0.0/16")}

func mustCIDR(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// privateCIDR accepts an RFC 1918 IPv4 network from /16 to /20: large enough for three tiers of
// subnets in three AZs, small enough to stay inside AWS's VPC limits.
func privateCIDR(c *checker, key, v string) *net.IPNet {
	ip, n, err := net.ParseCIDR(v)
	if err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
		c.fail(key, v, "must be an IPv4 network address in CIDR form, e.g. 10.20.0.0/16")
		return nil
	}
	ones, _ := n.Mask.Size()
	if ones < 16 || ones > 20 {
		c.fail(key, v, "prefix must be between /16 and /20")
		return nil
	}
	for _, p := range privateRanges {
		if p.Contains(n.IP) {
			return n
		}
	}
	c.fail(key, v, "must be inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
	return nil
}
