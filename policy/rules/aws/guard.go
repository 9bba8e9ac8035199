package aws

import "github.com/healthhub/estate/policy/rules"

// guardRules check the HIPAA-relevant AWS types a team may add next to the estate, beyond
// those the estate's components build: a volume, a repository or a bucket added by hand is
// held to the same controls.
var guardRules = []rules.Rule{
	ebsVolumeEncrypted,
	efsEncrypted,
	ecrEncrypted,
	instanceHardened,
	classicELBHardened,
	legacyBucketHardened,
	athenaEncrypted,
	appFlowEncrypted,
	kmsLockoutSafetyCheck,
	iamPasswordPolicy,
}

// guardTaggable and guardStateful extend the profile with those types. Launch
// configurations, Athena databases, AppFlow connector profiles and the account password
// policy take no tags. The volumes, file systems and legacy buckets hold PHI itself.
var (
	guardTaggable = []string{
		TypeEbsVolume, TypeEfsFileSystem, TypeEcrRepository, TypeInstance, TypeClassicELB, TypeLegacyBucket,
		TypeAthenaWorkgroup, TypeAppFlowFlow,
	}
	guardStateful = []string{TypeEbsVolume, TypeEfsFileSystem, TypeLegacyBucket}
)

// guardPHIStores are the added types the DR rule asks a copy of: a legacy bucket is a PHI
// store like its successor, and drCopy knows its inline replication.
var guardPHIStores = []string{TypeLegacyBucket}
