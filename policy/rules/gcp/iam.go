package gcp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Project IAM types and the service account key.
const (
	TypeProjectIAMMember  = "gcp:projects/iAMMember:IAMMember"
	TypeProjectIAMBinding = "gcp:projects/iAMBinding:IAMBinding"
	TypeProjectIAMPolicy  = "gcp:projects/iAMPolicy:IAMPolicy"
	TypeServiceAccountKey = "gcp:serviceaccount/key:Key"
)

// Every IAM resource type comes as a member (one member, one role), a binding (members, one
// role) and a policy (the whole policy as JSON); grantsOf reads all three.
type grant struct {
	role    string
	members []string
}

// grantsOf reads the grants of an IAM member, binding or policy resource; none while a
// policy document is unknown at preview.
func grantsOf(r rules.Resource) []grant {
	if _, ok := rules.Get(r.Inputs, "policyData"); ok {
		var doc struct {
			Bindings []struct {
				Role    string   `json:"role"`
				Members []string `json:"members"`
			} `json:"bindings"`
		}
		if err := json.Unmarshal([]byte(rules.Str(r.Inputs, "policyData")), &doc); err != nil {
			return nil
		}
		out := make([]grant, len(doc.Bindings))
		for i, b := range doc.Bindings {
			out[i] = grant{b.Role, b.Members}
		}
		return out
	}
	members := rules.Strs(r.Inputs, "members")
	if m := rules.Str(r.Inputs, "member"); m != "" {
		members = append(members, m)
	}
	return []grant{{rules.Str(r.Inputs, "role"), members}}
}

// publicIAMTypes are the IAM resources of the services that hold PHI, the keys that decrypt
// it, its credentials or its events, and of the service accounts that reach them: a public
// grant on a workload's account (roles/iam.workloadIdentityUser, serviceAccountTokenCreator)
// lets anyone act as it.
var publicIAMTypes = iamTypes(
	"gcp:projects/iAM{}:IAM{}",
	"gcp:serviceaccount/iAM{}:IAM{}",
	"gcp:kms/cryptoKeyIAM{}:CryptoKeyIAM{}", "gcp:kms/keyRingIAM{}:KeyRingIAM{}",
	"gcp:storage/bucketIAM{}:BucketIAM{}",
	"gcp:secretmanager/secretIam{}:SecretIam{}",
	"gcp:pubsub/topicIAM{}:TopicIAM{}", "gcp:pubsub/subscriptionIAM{}:SubscriptionIAM{}",
)

// iamTypes expands each pattern to its Member, Binding and Policy types.
func iamTypes(patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		for _, kind := range []string{"Member", "Binding", "Policy"} {
			out = append(out, strings.ReplaceAll(p, "{}", kind))
		}
	}
	return out
}

// publicMembers are the principals that mean anyone.
var publicMembers = []string{"allUsers", "allAuthenticatedUsers"}

var iamNoPublicMembers = rules.Rule{
	Name:        "gcp-iam-no-public-members",
	Cloud:       rules.CloudGCP,
	Description: "No IAM grant on the project, a service account, a KMS key or key ring, a bucket, a secret or a Pub/Sub topic or subscription names allUsers or allAuthenticatedUsers.",
	Sections:    []rules.Section{rules.AccessControl},
	Unknown:     "members checked when known; a policy document checked when known",
	Level:       rules.Mandatory,
	Types:       publicIAMTypes,
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, g := range grantsOf(r) {
			for _, m := range g.members {
				if slices.Contains(publicMembers, m) {
					out = append(out, fmt.Sprintf("%s is granted %s: anyone on the internet (or with any Google account) would hold it", m, g.role))
				}
			}
		}
		return out
	},
}

// primitiveRoles predate IAM's fine-grained roles and grant nearly everything in a project,
// PHI included (CIS GCP 1.5).
var primitiveRoles = []string{"roles/owner", "roles/editor"}

var iamNoPrimitiveRoles = rules.Rule{
	Name:        "gcp-iam-no-primitive-roles",
	Cloud:       rules.CloudGCP,
	Description: "No project IAM grant gives roles/owner or roles/editor: members get the predefined roles their work needs.",
	Sections:    []rules.Section{rules.AccessControl, rules.InformationAccess},
	Unknown:     "role fails; a policy document checked when known",
	Level:       rules.Mandatory,
	Types:       []string{TypeProjectIAMMember, TypeProjectIAMBinding, TypeProjectIAMPolicy},
	Check: func(r rules.Resource, _ rules.Config) []string {
		var out []string
		for _, g := range grantsOf(r) {
			switch {
			case slices.Contains(primitiveRoles, g.role):
				out = append(out, fmt.Sprintf("%s is a primitive role (granted to %s); grant predefined roles instead", g.role, strings.Join(g.members, ", ")))
			case rules.IsUnknown(g.role):
				out = append(out, "role is unknown at preview; name it as a literal so it can be checked")
			}
		}
		return out
	},
}

// iamNoServiceAccountKeys: a user-managed key is a long-lived credential that leaves Google
// and can be copied; workloads federate through Workload Identity instead (CIS GCP 1.4,
// Prowler iam_sa_no_user_managed_keys).
var iamNoServiceAccountKeys = rules.Rule{
	Name:        "gcp-iam-no-service-account-keys",
	Cloud:       rules.CloudGCP,
	Description: "No user-managed service account key is created: workloads authenticate through Workload Identity, people through their own accounts.",
	Sections:    []rules.Section{rules.Authentication, rules.AccessControl},
	Unknown:     "not applicable",
	Level:       rules.Mandatory,
	Types:       []string{TypeServiceAccountKey},
	Check: func(rules.Resource, rules.Config) []string {
		return []string{"a user-managed service account key is a long-lived credential that can be copied; use Workload Identity"}
	},
}
