package config

import (
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/healthhub/estate/internal/naming"
	"github.com/healthhub/estate/internal/netrange"
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
func Parse(raw map[string]string) (*Config, error) { return ParseStack("", raw) }

// ParseStack is Parse for a named stack, whose name then appears in the commands that fix a
// missing secret.
func ParseStack(stack string, raw map[string]string) (*Config, error) {
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

	for _, name := range RequiredSecrets(cfg.Cloud) {
		if cfg.Cloud != "" && raw[name] == "" {
			c.fail(name, "", "required secret on %s: set it with `%s`", cfg.Cloud, SecretFix(name, stack))
		}
	}

	switch cfg.Cloud {
	case CloudAWS:
		cfg.AWS = parseAWS(c, values[CloudAWS], cfg.Environment)
	case CloudGCP:
		cfg.GCP = parseGCP(c, values[CloudGCP], cfg.Environment)
	case CloudAzure:
		cfg.Azure = parseAzure(c, values[CloudAzure], cfg.Environment)
		checkAzureRetention(c, cfg.LogRetentionDays)
	}
	cfg.Workloads = parseWorkloads(c, values["workloads"], cfg.Environment == EnvProduction)
	if (cfg.Cloud == CloudGCP || cfg.Cloud == CloudAzure) && cfg.Workloads.Apps.Frontend == nil && !naming.HostName.MatchString(cfg.Workloads.Domain) {
		// The frontend's own check covers a stack that runs it; GCP's load balancer needs the
		// name even without it, for its Google-managed certificate, and Azure's gateway for its
		// HTTPS listener.
		c.fail("workloads.domain", cfg.Workloads.Domain, "required on gcp and azure: the host name the load balancer's certificate and listener serve (app.example.org)")
	}
	otherClouds(c, cfg.Cloud, values)

	if len(c.problems) > 0 {
		return nil, &ValidationError{Problems: c.problems}
	}
	return cfg, nil
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

func countries(c *checker, v string) []string {
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil || len(out) == 0 {
		c.fail("allowedCountries", v, "must be a non-empty list of ISO 3166 alpha-2 codes, e.g. [\"GB\", \"IE\", \"US\"]")
		return nil
	}
	seen := map[string]bool{}
	for _, cc := range out {
		switch {
		case !naming.CountryCode.MatchString(cc):
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

// privateCIDR accepts an RFC 1918 IPv4 network from /16 to /20: large enough for three tiers of
// subnets in three zones, small enough to stay inside AWS's VPC limits (kept on every cloud, so
// one addressing plan fits them all).
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
	if netrange.Private(n) {
		return n
	}
	c.fail(key, v, "must be inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
	return nil
}
