package rules

// All is every rule of the pack, in the order they are reported.
var All = []Rule{
	regionAllowList,
	statefulProtected,
	requiredTags,
	kmsKeyRotation,
	s3Encryption,
	s3PublicAccess,
	s3Versioning,
	s3TLSOnly,
	logGroupEncrypted,
	logGroupRetention,
	cloudTrailHardened,
	vpcFlowLogs,
	defaultSecurityGroupClosed,
	securityGroupWorldIngress,
	snsTopicEncrypted,
}

// Find returns a rule by name.
func Find(name string) (Rule, bool) {
	for _, r := range All {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}
