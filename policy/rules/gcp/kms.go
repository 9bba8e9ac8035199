package gcp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/healthhub/estate/policy/rules"
)

// Cloud KMS types.
const (
	TypeKeyRing             = "gcp:kms/keyRing:KeyRing"
	TypeCryptoKey           = "gcp:kms/cryptoKey:CryptoKey"
	TypeCryptoKeyIAMMember  = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
	TypeCryptoKeyIAMBinding = "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding"
	TypeCryptoKeyIAMPolicy  = "gcp:kms/cryptoKeyIAMPolicy:CryptoKeyIAMPolicy"
	TypeKeyRingIAMMember    = "gcp:kms/keyRingIAMMember:KeyRingIAMMember"
	TypeKeyRingIAMBinding   = "gcp:kms/keyRingIAMBinding:KeyRingIAMBinding"
	TypeKeyRingIAMPolicy    = "gcp:kms/keyRingIAMPolicy:KeyRingIAMPolicy"
)

const (
	maxRotationSeconds = 90 * day
	day                = 24 * 3600
	roleKMSAdmin       = "roles/cloudkms.admin"
)

// kmsKeyRotation follows CIS GCP 1.10 and Prowler's kms_key_rotation_max_90_days: a key that
// rotates every 90 days limits what one leaked key version decrypts. Only symmetric
// encryption keys rotate automatically; Cloud KMS refuses a rotation period on the others.
var kmsKeyRotation = rules.Rule{
	Name:        "gcp-kms-key-rotation",
	Cloud:       rules.CloudGCP,
	Description: "Cloud KMS symmetric encryption keys rotate automatically at least every 90 days (rotationPeriod at most 7776000s).",
	Sections:    []rules.Section{rules.Encryption},
	Unknown:     "fails",
	Level:       rules.Mandatory,
	Types:       []string{TypeCryptoKey},
	Check: func(r rules.Resource, _ rules.Config) []string {
		if p := rules.Str(r.Inputs, "purpose"); p != "" && p != "ENCRYPT_DECRYPT" {
			return nil
		}
		seconds, ok := duration(r.Inputs, "rotationPeriod")
		switch {
		case !ok:
			return []string{fmt.Sprintf("rotationPeriod is not set (or not a duration such as \"%ds\"): the key never rotates", maxRotationSeconds)}
		case seconds > maxRotationSeconds:
			return []string{fmt.Sprintf("rotationPeriod is %.0fs; at most %ds (90 days)", seconds, maxRotationSeconds)}
		}
		return nil
	},
}

// duration reads a Google duration input ("7776000s"); false when unset, unknown or malformed.
func duration(inputs map[string]any, path string) (float64, bool) {
	s := rules.Str(inputs, path)
	if !strings.HasSuffix(s, "s") {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	return n, err == nil
}

// useRoles let a member encrypt or decrypt with a key.
var useRoles = []string{
	"roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.cryptoKeyEncrypter", "roles/cloudkms.cryptoKeyDecrypter",
}

// kmsSeparationOfDuties: whoever administers a key must not also be able to use it, or one
// account can both read PHI and change who else may (Prowler
// iam_role_kms_enforce_separation_of_duties, CIS GCP 1.11). A key ring grant covers every key
// of the ring.
var kmsSeparationOfDuties = rules.Rule{
	Name:        "gcp-kms-separation-of-duties",
	Cloud:       rules.CloudGCP,
	Description: "No member holds roles/cloudkms.admin and an encrypter or decrypter role on the same key, counting key ring grants as grants on each key of the ring. Grants are matched by the key or key ring resource they refer to, else by the id they name.",
	Sections:    []rules.Section{rules.AccessControl, rules.InformationAccess},
	Unknown:     "a grant whose key or ring is unknown and not a resource of the stack matches nothing; an unknown policy is skipped",
	Level:       rules.Mandatory,
	Types: []string{
		TypeCryptoKeyIAMMember, TypeCryptoKeyIAMBinding, TypeCryptoKeyIAMPolicy,
		TypeKeyRingIAMMember, TypeKeyRingIAMBinding, TypeKeyRingIAMPolicy,
	},
	CheckStack: func(all []rules.Resource, _ rules.Config) []rules.Finding {
		type kmsGrant struct {
			urn, member, ring, key string // key empty: the whole ring
			admin                  bool
		}
		var grants []kmsGrant
		for _, r := range all {
			ring, key := kmsScope(all, r)
			if ring == "" {
				continue
			}
			for _, g := range grantsOf(r) {
				admin, use := g.role == roleKMSAdmin, slices.Contains(useRoles, g.role)
				if !admin && !use {
					continue
				}
				for _, m := range g.members {
					grants = append(grants, kmsGrant{r.URN, m, ring, key, admin})
				}
			}
		}
		var out []rules.Finding
		seen := map[string]bool{}
		for _, a := range grants {
			for _, u := range grants {
				overlap := a.ring == u.ring && (a.key == "" || u.key == "" || a.key == u.key)
				if !a.admin || u.admin || a.member != u.member || !overlap || seen[u.urn+a.member] {
					continue
				}
				seen[u.urn+a.member] = true
				out = append(out, rules.Finding{URN: u.urn, Message: fmt.Sprintf("%s can use the key and also administers it (%s, granted by %s): keep key administrators and key users apart", a.member, roleKMSAdmin, a.urn)})
			}
		}
		return out
	},
}

// kmsScope is the key ring and key a KMS IAM resource grants on: the KeyRing and CryptoKey
// resources of the stack it refers to (by URN), else the ids it names. A CryptoKey names its
// ring by its keyRing input; a key id ends in /cryptoKeys/<name> after its ring's id. A key
// whose ring cannot be told stands for a ring of its own, so grants on that key still meet.
func kmsScope(all []rules.Resource, r rules.Resource) (ring, key string) {
	switch r.Type {
	case TypeKeyRingIAMMember, TypeKeyRingIAMBinding, TypeKeyRingIAMPolicy:
		if kr := rules.DependencyOf(all, r, TypeKeyRing, nil); kr.URN != "" {
			return kr.URN, ""
		}
		return rules.Known(rules.Str(r.Inputs, "keyRingId")), ""
	case TypeCryptoKeyIAMMember, TypeCryptoKeyIAMBinding, TypeCryptoKeyIAMPolicy:
		if k := rules.DependencyOf(all, r, TypeCryptoKey, nil); k.URN != "" {
			key = k.URN
			if kr := rules.DependencyOf(all, k, TypeKeyRing, nil); kr.URN != "" {
				ring = kr.URN
			} else {
				ring = rules.Known(rules.Str(k.Inputs, "keyRing"))
			}
		} else if key = rules.Known(rules.Str(r.Inputs, "cryptoKeyId")); strings.Contains(key, "/cryptoKeys/") {
			ring, _, _ = strings.Cut(key, "/cryptoKeys/")
		}
		if ring == "" && key != "" {
			ring = "key:" + key
		}
	}
	return ring, key
}
