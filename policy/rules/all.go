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

	rdsEncrypted,
	databaseCredentials,
	rdsNotPublic,
	rdsTLS,
	rdsBackups,
	rdsLogExports,
	elastiCacheEncrypted,
	elastiCacheBackups,
	dynamoEncrypted,
	dynamoPITR,
	deletionProtection,
	secretsEncrypted,
	secretsRotation,
	sqsEncrypted,
	backupVaultEncrypted,
	backupPlanRetention,
	backupVaultLocked,
	phiStoresBackedUp,
	drCopy,

	eksSecretsEncrypted,
	eksEndpointPrivate,
	eksControlPlaneLogs,
	eksNodesNoSSH,
	eksNetworkPolicy,
	launchTemplateHardened,
	lambdaEnvironmentEncrypted,
	lambdaTracing,
	lambdaNotPublic,
	iamNoBroadPolicies,

	listenerTLS,
	loadBalancerHardened,
	cloudFrontTLS,
	cloudFrontLogging,
	cloudFrontSecurityHeaders,
	apiGatewayTLS,
	apiGatewayAccessLogs,
	apiGatewayAuthorization,
	apiNoBodyLogging,
	cognitoMFA,
	cognitoClient,
	deliveryTLS,
	secretValueSecret,
	alarmsNotify,
	wafOnEntryPoints,
	wafLogging,

	namespaceRestricted,
	namespaceDefaultDeny,
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
