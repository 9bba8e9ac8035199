package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

func iamCases() []ruleCase {
	member := func(typ, role, m string) rules.Resource {
		return res(typ, "grant", map[string]any{"role": role, "member": m})
	}
	binding := func(typ, role string, members ...any) rules.Resource {
		return res(typ, "grant", map[string]any{"role": role, "members": members})
	}
	const sa = "serviceAccount:api@healthhub-prod.iam.gserviceaccount.com"

	return []ruleCase{
		{"gcp-iam-no-public-members", "a service account reads a bucket", []rules.Resource{member(TypeBucketIAMMember, "roles/storage.objectViewer", sa)}, false, "", ""},
		{"gcp-iam-no-public-members", "member unknown at preview", []rules.Resource{member(TypeBucketIAMMember, "roles/storage.objectCreator", rules.Unknown)}, false, "", ""},
		{"gcp-iam-no-public-members", "a public bucket", []rules.Resource{member(TypeBucketIAMMember, "roles/storage.objectViewer", "allUsers")}, true, "allUsers is granted roles/storage.objectViewer", ""},
		{"gcp-iam-no-public-members", "any Google account decrypts", []rules.Resource{binding(TypeCryptoKeyIAMBinding, "roles/cloudkms.cryptoKeyDecrypter", sa, "allAuthenticatedUsers")}, true, "allAuthenticatedUsers is granted roles/cloudkms.cryptoKeyDecrypter", ""},
		{"gcp-iam-no-public-members", "a public secret", []rules.Resource{member("gcp:secretmanager/secretIamMember:SecretIamMember", "roles/secretmanager.secretAccessor", "allUsers")}, true, "allUsers", ""},
		{"gcp-iam-no-public-members", "a workload federated to its service account", []rules.Resource{member("gcp:serviceaccount/iAMMember:IAMMember", "roles/iam.workloadIdentityUser", "serviceAccount:healthhub-prod.svc.id.goog[backend/backend]")}, false, "", ""},
		{"gcp-iam-no-public-members", "anyone may act as a service account", []rules.Resource{member("gcp:serviceaccount/iAMMember:IAMMember", "roles/iam.workloadIdentityUser", "allAuthenticatedUsers")}, true, "allAuthenticatedUsers is granted roles/iam.workloadIdentityUser", ""},
		{"gcp-iam-no-public-members", "a public service account policy document", []rules.Resource{res("gcp:serviceaccount/iAMPolicy:IAMPolicy", "policy", map[string]any{"policyData": `{"bindings":[{"role":"roles/iam.serviceAccountTokenCreator","members":["allUsers"]}]}`})}, true, "allUsers is granted roles/iam.serviceAccountTokenCreator", ""},
		{"gcp-iam-no-public-members", "a project policy document", []rules.Resource{res(TypeProjectIAMPolicy, "policy", map[string]any{"policyData": `{"bindings":[{"role":"roles/viewer","members":["allUsers"]}]}`})}, true, "allUsers is granted roles/viewer", ""},
		{"gcp-iam-no-public-members", "a policy document unknown at preview", []rules.Resource{res(TypeProjectIAMPolicy, "policy", map[string]any{"policyData": rules.Unknown})}, false, "", ""},

		{"gcp-iam-no-primitive-roles", "a predefined role", []rules.Resource{member(TypeProjectIAMMember, "roles/container.defaultNodeServiceAccount", sa)}, false, "", ""},
		{"gcp-iam-no-primitive-roles", "owner", []rules.Resource{member(TypeProjectIAMMember, "roles/owner", "user:cto@healthhub.example")}, true, "roles/owner is a primitive role (granted to user:cto@healthhub.example)", ""},
		{"gcp-iam-no-primitive-roles", "editors by binding", []rules.Resource{binding(TypeProjectIAMBinding, "roles/editor", sa)}, true, "roles/editor is a primitive role", ""},
		{"gcp-iam-no-primitive-roles", "role unknown at preview", []rules.Resource{member(TypeProjectIAMMember, rules.Unknown, sa)}, true, "role is unknown at preview", ""},

		{"gcp-iam-no-service-account-keys", "a key", []rules.Resource{res(TypeServiceAccountKey, "ci", map[string]any{"serviceAccountId": rules.Unknown})}, true, "use Workload Identity", ""},
		{"gcp-iam-no-service-account-keys", "no key", []rules.Resource{res("gcp:serviceaccount/account:Account", "ci", map[string]any{"accountId": "ci"})}, false, "", ""},
	}
}
