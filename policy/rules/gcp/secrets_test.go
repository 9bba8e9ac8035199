package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

// replica is a user-managed replica of a secret with its regional key.
func replica(location string, key any) map[string]any {
	out := map[string]any{"location": location}
	if key != nil {
		out["customerManagedEncryption"] = map[string]any{"kmsKeyName": key}
	}
	return out
}

// secretCases are Secret Manager's, Pub/Sub's and the provider-side deletion guards.
func secretCases() []ruleCase {
	secret := func(replicas ...any) rules.Resource {
		return res(TypeSecret, "db-password", map[string]any{"secretId": "db-password", "replication": map[string]any{"userManaged": map[string]any{"replicas": replicas}}})
	}
	version := func(data any) rules.Resource {
		return res(TypeSecretVersion, "db-password", map[string]any{"secret": rules.Unknown, "secretData": data})
	}
	topic := func(inputs map[string]any) rules.Resource { return res(TypeTopic, "alerts", inputs) }
	key := func(inputs map[string]any) rules.Resource { return res(TypeCryptoKey, "phi", inputs) }

	return []ruleCase{
		{"gcp-secretmanager-replicas-cmek", "two allowed regions, each with its key", []rules.Resource{secret(replica("europe-west2", rules.Unknown), replica("europe-west1", "projects/p/locations/europe-west1/keyRings/dr/cryptoKeys/secrets"))}, false, "", ""},
		{"gcp-secretmanager-replicas-cmek", "automatic replication", []rules.Resource{res(TypeSecret, "api-key", map[string]any{"replication": map[string]any{"auto": map[string]any{"customerManagedEncryption": map[string]any{"kmsKeyName": rules.Unknown}}}})}, true, "replication.auto lets Google choose", ""},
		{"gcp-secretmanager-replicas-cmek", "a replica outside the allowed regions", []rules.Resource{secret(replica("europe-west2", rules.Unknown), replica("us-central1", rules.Unknown))}, true, `replicas[1].location is "us-central1", outside the allowed regions`, ""},
		{"gcp-secretmanager-replicas-cmek", "a replica under Google's key", []rules.Resource{secret(replica("europe-west2", nil))}, true, "replicas[0].customerManagedEncryption.kmsKeyName is not set", ""},
		{"gcp-secretmanager-replicas-cmek", "no replication", []rules.Resource{res(TypeSecret, "api-key", map[string]any{})}, true, "replicas is empty", ""},

		{"gcp-secret-values-secret", "payload as a secret", []rules.Resource{version(rules.Secret)}, false, "", ""},
		{"gcp-secret-values-secret", "IAM database user without a password", []rules.Resource{res(TypeSQLUser, "api", map[string]any{"type": "CLOUD_IAM_SERVICE_ACCOUNT", "instance": rules.Unknown})}, false, "", ""},
		{"gcp-secret-values-secret", "payload in clear text", []rules.Resource{version("hunter2")}, true, "secretData is in clear text", ""},
		{"gcp-secret-values-secret", "payload unknown and not secret", []rules.Resource{version(rules.Unknown)}, true, "secretData is in clear text", ""},
		{"gcp-secret-values-secret", "database password in clear text", []rules.Resource{res(TypeSQLUser, "app", map[string]any{"password": "hunter2"})}, true, "password is in clear text", ""},
		{"gcp-secret-values-secret", "root password in clear text", []rules.Resource{res(TypeSQLInstance, "db", with(primaryDB(), "rootPassword", "hunter2"))}, true, "rootPassword is in clear text", ""},

		{"gcp-pubsub-topic-encrypted-cmek", "customer-managed key", []rules.Resource{topic(map[string]any{"kmsKeyName": rules.Unknown})}, false, "", ""},
		{"gcp-pubsub-topic-encrypted-cmek", "Google-managed key", []rules.Resource{topic(map[string]any{})}, true, "kmsKeyName is not set", ""},

		{"gcp-deletion-protection", "a protected database", []rules.Resource{res(TypeSQLInstance, "db", primaryDB())}, false, "", ""},
		{"gcp-deletion-protection", "a cluster left to the provider's default", []rules.Resource{res(TypeCluster, "gke", with(hardenedCluster(), "deletionProtection", nil))}, false, "", ""},
		{"gcp-deletion-protection", "an unprotected cluster in dev", []rules.Resource{res(TypeCluster, "gke", with(hardenedCluster(), "deletionProtection", false))}, false, "", "dev"},
		{"gcp-deletion-protection", "an unprotected cluster", []rules.Resource{res(TypeCluster, "gke", with(hardenedCluster(), "deletionProtection", false))}, true, "deletionProtection is false", ""},
		{"gcp-deletion-protection", "a database deletable through the API", []rules.Resource{res(TypeSQLInstance, "db", setting(primaryDB(), "deletionProtectionEnabled", nil))}, true, "settings.deletionProtectionEnabled must be true", ""},
		{"gcp-deletion-protection", "database protection unknown at preview", []rules.Resource{res(TypeSQLInstance, "db", with(primaryDB(), "deletionProtection", rules.Unknown))}, true, "deletionProtection is [unknown]", ""},
		{"gcp-deletion-protection", "a bucket deleted with its objects", []rules.Resource{res(TypeBucket, "records", with(phiBucket("records"), "forceDestroy", true))}, true, "forceDestroy must not be true", ""},
		{"gcp-deletion-protection", "a key destroyed after 60 days", []rules.Resource{key(map[string]any{"destroyScheduledDuration": "5184000s"})}, false, "", ""},
		{"gcp-deletion-protection", "a key left to the 30-day default", []rules.Resource{key(map[string]any{})}, false, "", ""},
		{"gcp-deletion-protection", "a key destroyed after a day", []rules.Resource{key(map[string]any{"destroyScheduledDuration": "86400s"})}, true, `destroyScheduledDuration is "86400s"; at least "2592000s"`, ""},
		{"gcp-deletion-protection", "a key destroyed after a day in dev", []rules.Resource{key(map[string]any{"destroyScheduledDuration": "86400s"})}, false, "", "dev"},
	}
}
