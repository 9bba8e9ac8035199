package gcp

import (
	"github.com/healthhub/estate/policy/rules"
)

func kmsCases() []ruleCase {
	key := func(inputs map[string]any) rules.Resource { return res(TypeCryptoKey, "phi", inputs) }
	rotating := map[string]any{"purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "7776000s", "destroyScheduledDuration": "2592000s"}

	ring := res(TypeKeyRing, "ring", map[string]any{"location": "europe-west2"})
	ringKey := dependsOn(key(rotating), ring)
	const ringID = "projects/healthhub-prod/locations/europe-west2/keyRings/ring"
	grant := func(typ, name, role, member string, on rules.Resource) rules.Resource {
		return dependsOn(res(typ, name, map[string]any{"role": role, "member": member}), on)
	}
	const admin, user = "group:kms-admins@healthhub.example", "serviceAccount:db@healthhub-prod.iam.gserviceaccount.com"
	const encDec = "roles/cloudkms.cryptoKeyEncrypterDecrypter"

	return []ruleCase{
		{"gcp-kms-key-rotation", "every 90 days", []rules.Resource{key(rotating)}, false, "", ""},
		{"gcp-kms-key-rotation", "purpose left to its default", []rules.Resource{key(with(rotating, "purpose", nil))}, false, "", ""},
		{"gcp-kms-key-rotation", "a signing key cannot rotate automatically", []rules.Resource{key(map[string]any{"purpose": "ASYMMETRIC_SIGN"})}, false, "", ""},
		{"gcp-kms-key-rotation", "no rotation", []rules.Resource{key(with(rotating, "rotationPeriod", nil))}, true, "rotationPeriod is not set", ""},
		{"gcp-kms-key-rotation", "yearly", []rules.Resource{key(with(rotating, "rotationPeriod", "31536000s"))}, true, "rotationPeriod is 31536000s; at most 7776000s", ""},
		{"gcp-kms-key-rotation", "unknown at preview", []rules.Resource{key(with(rotating, "rotationPeriod", rules.Unknown))}, true, "rotationPeriod is not set", ""},

		{"gcp-kms-separation-of-duties", "admins on the ring, users on a key", []rules.Resource{
			ring, ringKey, grant(TypeKeyRingIAMMember, "admin", roleKMSAdmin, admin, ring), grant(TypeCryptoKeyIAMMember, "user", encDec, user, ringKey),
		}, false, "", ""},
		{"gcp-kms-separation-of-duties", "an admin of the ring uses one of its keys", []rules.Resource{
			ring, ringKey, grant(TypeKeyRingIAMMember, "admin", roleKMSAdmin, admin, ring), grant(TypeCryptoKeyIAMMember, "admin-uses", encDec, admin, ringKey),
		}, true, "group:kms-admins@healthhub.example can use the key and also administers it", ""},
		{"gcp-kms-separation-of-duties", "admin and decrypter on the same key, by binding", []rules.Resource{
			ringKey,
			dependsOn(res(TypeCryptoKeyIAMBinding, "admins", map[string]any{"role": roleKMSAdmin, "members": []any{admin}}), ringKey),
			dependsOn(res(TypeCryptoKeyIAMBinding, "decrypters", map[string]any{"role": "roles/cloudkms.cryptoKeyDecrypter", "members": []any{user, admin}}), ringKey),
		}, true, "administers it", ""},
		{"gcp-kms-separation-of-duties", "by ids, a key of another ring", []rules.Resource{
			res(TypeKeyRingIAMMember, "admin", map[string]any{"role": roleKMSAdmin, "member": admin, "keyRingId": ringID}),
			res(TypeCryptoKeyIAMMember, "uses", map[string]any{"role": encDec, "member": admin, "cryptoKeyId": "projects/healthhub-prod/locations/europe-west1/keyRings/dr/cryptoKeys/phi"}),
		}, false, "", ""},
		{"gcp-kms-separation-of-duties", "by ids, a key of the ring", []rules.Resource{
			res(TypeKeyRingIAMMember, "admin", map[string]any{"role": roleKMSAdmin, "member": admin, "keyRingId": ringID}),
			res(TypeCryptoKeyIAMMember, "uses", map[string]any{"role": encDec, "member": admin, "cryptoKeyId": ringID + "/cryptoKeys/phi"}),
		}, true, "administers it", ""},
		{"gcp-kms-separation-of-duties", "by a policy document on the ring", []rules.Resource{
			ring, dependsOn(res(TypeKeyRingIAMPolicy, "policy", map[string]any{"policyData": `{"bindings":[{"role":"roles/cloudkms.admin","members":["user:ops@healthhub.example"]},{"role":"roles/cloudkms.cryptoKeyEncrypter","members":["user:ops@healthhub.example"]}]}`}), ring),
		}, true, "user:ops@healthhub.example can use the key", ""},
		{"gcp-kms-separation-of-duties", "the same member on two rings", []rules.Resource{
			ring, ringKey, grant(TypeKeyRingIAMMember, "admin", roleKMSAdmin, admin, ring),
			res(TypeCryptoKeyIAMMember, "uses", map[string]any{"role": encDec, "member": admin, "cryptoKeyId": "projects/healthhub-prod/locations/europe-west1/keyRings/dr/cryptoKeys/phi"}),
		}, false, "", ""},
	}
}
