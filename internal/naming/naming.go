// Package naming builds resource names and the tag/label set every component applies.
//
// Names follow project-env-purpose. They must fit the tightest limits of the three clouds, so
// the helpers here know those limits and shorten a name with a stable hash suffix instead of
// failing or silently colliding.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// Limit describes the character set and length a cloud accepts for one kind of name.
type Limit struct {
	MaxLen int
	// Separator joins the parts; empty means the name may not contain separators
	// (Azure storage accounts, for instance).
	Separator string
}

var (
	// Default fits AWS (IAM roles are 64), GCP (RFC 1035 labels, 63) and most Azure resources.
	Default = Limit{MaxLen: 63, Separator: "-"}
	// AzureStorageAccount is 3 to 24 lowercase letters and digits, nothing else.
	AzureStorageAccount = Limit{MaxLen: 24, Separator: ""}
	// AzureKeyVault is 3 to 24 letters, digits and hyphens.
	AzureKeyVault = Limit{MaxLen: 24, Separator: "-"}
)

// EnvCodes are the short forms of the environments used inside names.
var EnvCodes = map[string]string{"production": "prod", "staging": "stg", "dev": "dev"}

var invalidChars = regexp.MustCompile(`[^a-z0-9]+`)

// Namer names the resources of one project and environment.
type Namer struct {
	Project     string
	Environment string
}

// New returns a Namer for the project and environment.
func New(project, environment string) Namer {
	return Namer{Project: project, Environment: environment}
}

// Name is project-env-purpose within the default limit.
func (n Namer) Name(purpose ...string) string {
	return n.NameWithin(Default, purpose...)
}

// NameWithin builds project-env-purpose and shortens it to fit the limit. A shortened name ends
// in six hex characters of the full name's hash, so two long names never collapse into one.
func (n Namer) NameWithin(limit Limit, purpose ...string) string {
	env := EnvCodes[n.Environment]
	if env == "" {
		env = n.Environment
	}
	parts := append([]string{n.Project, env}, purpose...)
	for i, p := range parts {
		parts[i] = strings.Trim(invalidChars.ReplaceAllString(strings.ToLower(p), limit.Separator), "-")
	}
	full := strings.Join(nonEmpty(parts), limit.Separator)
	if len(full) <= limit.MaxLen {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	suffix := hex.EncodeToString(sum[:])[:6]
	keep := limit.MaxLen - len(suffix) - len(limit.Separator)
	head := strings.TrimRight(full[:keep], "-")
	return head + limit.Separator + suffix
}

func nonEmpty(parts []string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// TagInput is what the tag set is made from; config.Config provides it.
type TagInput struct {
	Project     string
	Environment string
	Owner       string
	CostCentre  string
}

// Tag keys. They are valid GCP label keys too (lowercase, digits, hyphens), so one set serves
// AWS tags, GCP labels and Azure tags.
const (
	TagEnvironment        = "environment"
	TagDataClassification = "data-classification"
	TagCompliance         = "compliance"
	TagOwner              = "owner"
	TagCostCentre         = "cost-centre"
	TagManagedBy          = "managed-by"
	TagProject            = "project"
)

// TagLogDelivery marks a bucket that an AWS service writes into, with the service's name as
// its value. Components set it and the policy pack reads it, so both take it from here.
const TagLogDelivery = "log-delivery"

// LogDeliveryELB is the TagLogDelivery value of a bucket that Elastic Load Balancing writes
// access logs to. It is the one bucket allowed SSE-S3 instead of a customer-managed key,
// because ELB cannot write to SSE-KMS.
const LogDeliveryELB = "elasticloadbalancing"

// RequiredTags are the keys an auditor relies on; the policy pack checks them.
var RequiredTags = []string{TagEnvironment, TagDataClassification, TagCompliance, TagOwner, TagCostCentre}

// Tags is the tag/label set every resource of the estate carries.
func Tags(in TagInput) map[string]string {
	return map[string]string{
		TagEnvironment:        in.Environment,
		TagDataClassification: "phi",
		TagCompliance:         "hipaa",
		TagOwner:              in.Owner,
		TagCostCentre:         in.CostCentre,
		TagManagedBy:          "pulumi",
		TagProject:            in.Project,
	}
}

// labelValue is the GCP label rule, the strictest of the three clouds.
var labelValue = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)

// CheckLabelValue reports why a value cannot be used as a tag or label on every cloud.
func CheckLabelValue(v string) error {
	if !labelValue.MatchString(v) {
		return fmt.Errorf("must be at most 63 lowercase letters, digits, '-' or '_' (a GCP label value)")
	}
	return nil
}

// PodSecurityEnforce is the namespace label whose value is the Pod Security Standard the API
// server enforces there.
const PodSecurityEnforce = "pod-security.kubernetes.io/enforce"

// PodSecurityException is the namespace annotation that says why a namespace enforces less
// than the restricted standard; the policy pack accepts a looser level only with it.
const PodSecurityException = "healthhub.io/pod-security-exception"

// AdmissionControlLabel names, on a ValidatingAdmissionPolicy, the estate's control it
// enforces in the cluster; the pack requires each of AdmissionControls, failing closed and
// bound to deny.
const AdmissionControlLabel = "healthhub.io/admission-control"

// The estate's in-cluster controls, each one ValidatingAdmissionPolicy named healthhub-<control>.
const (
	ControlImageDigest           = "image-digest"
	ControlResourceLimits        = "resource-limits"
	ControlRestrictedPodTemplate = "restricted-pod-template"
	ControlNoExposedServices     = "no-exposed-services"
	ControlIngressTLS            = "ingress-tls"
	ControlNoClusterAdmin        = "no-cluster-admin"
)
