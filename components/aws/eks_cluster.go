package aws

import (
	"fmt"
	"net"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/healthhub/estate/components/aws/awskit"
	"github.com/healthhub/estate/components/kit"
	"github.com/healthhub/estate/internal/awsformat"
)

// EksClusterArgs configures the Kubernetes cluster the clinical workloads run on.
type EksClusterArgs struct {
	// Prefix names the cluster and what surrounds it.
	Prefix string
	// SubnetIds are the private tier: control-plane interfaces and nodes both live there.
	SubnetIds pulumi.StringArrayInput
	// KubernetesVersion is pinned, such as "1.31".
	KubernetesVersion string
	// KmsKeyArn (the cluster key) envelope-encrypts Kubernetes secrets and the nodes' volumes.
	KmsKeyArn pulumi.StringInput
	// LogKmsKeyArn and LogRetentionDays govern the control-plane log.
	LogKmsKeyArn     pulumi.StringInput
	LogRetentionDays int
	// PublicAccessCidrs opens the API endpoint to these networks; empty keeps it private.
	// Production allows none.
	PublicAccessCidrs []string
	// NodeGroups are the pools: system, app and gpu, at least.
	NodeGroups []EksNodeGroup
	// Production refuses a public endpoint and single-node system and app pools.
	Production bool
	// Protect keeps the cluster and its log through destroys.
	Protect bool
	Tags    map[string]string
}

// EksNodeGroup is one managed node group.
type EksNodeGroup struct {
	Name         string
	InstanceType string
	Min, Max     int
	// GPU pools run the NVIDIA AMI and are tainted, so only pods that ask for a GPU land there.
	GPU bool
}

// EksCluster is a private EKS cluster with envelope-encrypted secrets, every control-plane log
// type, API authentication through access entries, IRSA, and managed node groups on hardened
// launch templates (IMDSv2 with one hop, encrypted gp3 volumes, no SSH).
type EksCluster struct {
	pulumi.ResourceState

	Name                     pulumi.StringOutput `pulumi:"name"`
	Endpoint                 pulumi.StringOutput `pulumi:"endpoint"`
	CertificateAuthorityData pulumi.StringOutput `pulumi:"certificateAuthorityData"`
	OidcIssuer               pulumi.StringOutput `pulumi:"oidcIssuer"`
	OidcProviderArn          pulumi.StringOutput `pulumi:"oidcProviderArn"`
	// Kubeconfig authenticates through `aws eks get-token`; it is a secret all the same,
	// because it names the endpoint and CA of a PHI cluster.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
}

var (
	eksName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
)

// controlPlaneLogs are every log type EKS offers: the audit log is the record of who did what
// in the cluster (164.312(b)).
var controlPlaneLogs = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Validate checks the Args before anything is registered.
func (a *EksClusterArgs) Validate() error {
	const c = "EksCluster"
	switch {
	case !eksName.MatchString(a.Prefix):
		return kit.ArgError(c, "Prefix", fmt.Sprintf("%q", a.Prefix), "must start with a letter and hold at most 40 lowercase letters, digits or hyphens")
	case a.SubnetIds == nil:
		return kit.ArgError(c, "SubnetIds", nil, "required: the private subnets")
	case !awsformat.EKSVersion.MatchString(a.KubernetesVersion):
		return kit.ArgError(c, "KubernetesVersion", fmt.Sprintf("%q", a.KubernetesVersion), "must be a pinned EKS version from 1.29 to 1.33")
	case a.KmsKeyArn == nil:
		return kit.ArgError(c, "KmsKeyArn", nil, "required: Kubernetes secrets are always envelope-encrypted")
	case a.LogKmsKeyArn == nil:
		return kit.ArgError(c, "LogKmsKeyArn", nil, "required: the control-plane log is encrypted")
	case a.LogRetentionDays < kit.MinRetentionDays:
		return kit.RetentionError(c, "LogRetentionDays", a.LogRetentionDays)
	case a.Production && len(a.PublicAccessCidrs) > 0:
		return kit.ArgError(c, "PublicAccessCidrs", a.PublicAccessCidrs, "must be empty in production: the API endpoint is private")
	case len(a.NodeGroups) == 0:
		return kit.ArgError(c, "NodeGroups", a.NodeGroups, "required: at least one pool")
	}
	for _, cidr := range a.PublicAccessCidrs {
		if _, n, err := net.ParseCIDR(cidr); err != nil || n.String() == "0.0.0.0/0" {
			return kit.ArgError(c, "PublicAccessCidrs", cidr, "must be IPv4 networks narrower than 0.0.0.0/0")
		}
	}
	for _, g := range a.NodeGroups {
		arg := "NodeGroups[" + g.Name + "]"
		switch {
		case !eksName.MatchString(g.Name):
			return kit.ArgError(c, "NodeGroups.Name", fmt.Sprintf("%q", g.Name), "must be a short lowercase name")
		case !awsformat.EC2InstanceType.MatchString(g.InstanceType):
			return kit.ArgError(c, arg+".InstanceType", fmt.Sprintf("%q", g.InstanceType), "must be an EC2 instance type such as \"m7i.large\"")
		case g.Min < 0 || g.Max < 1 || g.Min > g.Max:
			return kit.ArgError(c, arg, fmt.Sprintf("min %d, max %d", g.Min, g.Max), "must have 0 <= min <= max and max >= 1")
		case a.Production && !g.GPU && g.Min < 2:
			return kit.ArgError(c, arg+".Min", g.Min, "must be at least 2 in production")
		}
	}
	return kit.RequireTags(c, a.Tags)
}

// NewEksCluster creates the cluster, its roles, log group, OIDC provider, add-ons, launch
// templates and node groups.
func NewEksCluster(ctx *pulumi.Context, name string, args *EksClusterArgs, opts ...pulumi.ResourceOption) (*EksCluster, error) {
	k := &EksCluster{}
	if err := kit.Register(ctx, TypeEksCluster, name, args, k, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(k)
	id := args.Prefix
	acct, err := awskit.LookupAccount(ctx, k)
	if err != nil {
		return nil, err
	}

	clusterRole, err := managedRole(ctx, k, id+"-cluster", acct.Service("eks"), acct, args.Tags, "AmazonEKSClusterPolicy")
	if err != nil {
		return nil, err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, id+"-control-plane", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/eks/%s/cluster", id),
		KmsKeyId:        args.LogKmsKeyArn,
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            awskit.Tags(args.Tags, id+"-control-plane"),
	}, kit.Stateful(k, args.Protect)...)
	if err != nil {
		return nil, err
	}

	var publicCidrs pulumi.StringArrayInput
	if len(args.PublicAccessCidrs) > 0 {
		publicCidrs = pulumi.ToStringArray(args.PublicAccessCidrs)
	}
	cluster, err := eks.NewCluster(ctx, id, &eks.ClusterArgs{
		Name:    pulumi.String(id),
		Version: pulumi.String(args.KubernetesVersion),
		RoleArn: clusterRole.Arn,
		VpcConfig: eks.ClusterVpcConfigArgs{
			SubnetIds:             args.SubnetIds,
			EndpointPrivateAccess: pulumi.Bool(true),
			EndpointPublicAccess:  pulumi.Bool(len(args.PublicAccessCidrs) > 0),
			PublicAccessCidrs:     publicCidrs,
		},
		EncryptionConfig: eks.ClusterEncryptionConfigArgs{
			Provider:  eks.ClusterEncryptionConfigProviderArgs{KeyArn: args.KmsKeyArn},
			Resources: pulumi.StringArray{pulumi.String("secrets")},
		},
		EnabledClusterLogTypes: pulumi.ToStringArray(controlPlaneLogs),
		// Access entries only: the aws-auth ConfigMap, editable by anyone with cluster-admin,
		// no longer grants access. The pipeline that creates the cluster administers it.
		AccessConfig: eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String("API"),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(true),
		},
		BootstrapSelfManagedAddons: pulumi.Bool(false),
		Tags:                       awskit.Tags(args.Tags, id),
	}, append(kit.Stateful(k, args.Protect), pulumi.DependsOn([]pulumi.Resource{logs}))...)
	if err != nil {
		return nil, err
	}

	issuer := cluster.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
	oidc, err := iam.NewOpenIdConnectProvider(ctx, id, &iam.OpenIdConnectProviderArgs{
		Url:           issuer,
		ClientIdLists: pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		Tags:          awskit.Tags(args.Tags, id+"-oidc"),
	}, parent)
	if err != nil {
		return nil, err
	}

	nodeRole, err := managedRole(ctx, k, id+"-nodes", acct.Service("ec2"), acct, args.Tags,
		"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore")
	if err != nil {
		return nil, err
	}
	var groups []pulumi.Resource
	for _, g := range args.NodeGroups {
		group, err := nodeGroup(ctx, k, args, cluster, nodeRole, g)
		if err != nil {
			return nil, err
		}
		groups = append(groups, group)
	}
	if err := addons(ctx, k, args, acct, cluster, oidc, issuer, groups); err != nil {
		return nil, err
	}

	k.Name = cluster.Name
	k.Endpoint = cluster.Endpoint
	k.CertificateAuthorityData = cluster.CertificateAuthority.Data().Elem()
	k.OidcIssuer = issuer
	k.OidcProviderArn = oidc.Arn
	k.Kubeconfig = pulumi.ToSecret(pulumi.All(cluster.Name, cluster.Endpoint, k.CertificateAuthorityData).ApplyT(
		func(v []any) (string, error) {
			return kubeconfig(v[0].(string), v[1].(string), v[2].(string), acct.Region)
		},
	)).(pulumi.StringOutput)
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{
		"name": k.Name, "endpoint": k.Endpoint, "certificateAuthorityData": k.CertificateAuthorityData,
		"oidcIssuer": k.OidcIssuer, "oidcProviderArn": k.OidcProviderArn, "kubeconfig": k.Kubeconfig,
	})
}

// nodeGroup is a managed node group on its own launch template.
func nodeGroup(ctx *pulumi.Context, k *EksCluster, args *EksClusterArgs, cluster *eks.Cluster, role *iam.Role, g EksNodeGroup) (*eks.NodeGroup, error) {
	parent := pulumi.Parent(k)
	name := args.Prefix + "-" + g.Name
	template, err := ec2.NewLaunchTemplate(ctx, name, &ec2.LaunchTemplateArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String("Hardened nodes of the " + g.Name + " pool"),
		// IMDSv2 only, one hop: a pod cannot reach the instance metadata and borrow the node's
		// role; workloads use IRSA instead.
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"), HttpTokens: pulumi.String("required"), HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize: pulumi.Int(100), VolumeType: pulumi.String("gp3"),
				Encrypted: pulumi.String("true"), KmsKeyId: args.KmsKeyArn, DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Monitoring:           ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(true)},
		UpdateDefaultVersion: pulumi.Bool(true),
		Tags:                 awskit.Tags(args.Tags, name),
	}, parent)
	if err != nil {
		return nil, err
	}
	ami := "AL2023_x86_64_STANDARD"
	var taints eks.NodeGroupTaintArray
	if g.GPU {
		ami = "AL2023_x86_64_NVIDIA"
		taints = eks.NodeGroupTaintArray{eks.NodeGroupTaintArgs{
			Key: pulumi.String("nvidia.com/gpu"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE"),
		}}
	}
	return eks.NewNodeGroup(ctx, name, &eks.NodeGroupArgs{
		ClusterName:   cluster.Name,
		NodeGroupName: pulumi.String(name),
		NodeRoleArn:   role.Arn,
		SubnetIds:     args.SubnetIds,
		AmiType:       pulumi.String(ami),
		CapacityType:  pulumi.String("ON_DEMAND"),
		InstanceTypes: pulumi.StringArray{pulumi.String(g.InstanceType)},
		LaunchTemplate: eks.NodeGroupLaunchTemplateArgs{
			Id: template.ID(), Version: template.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput),
		},
		ScalingConfig: eks.NodeGroupScalingConfigArgs{
			MinSize: pulumi.Int(g.Min), MaxSize: pulumi.Int(g.Max), DesiredSize: pulumi.Int(max(g.Min, 1)),
		},
		UpdateConfig: eks.NodeGroupUpdateConfigArgs{MaxUnavailablePercentage: pulumi.Int(33)},
		Labels:       pulumi.StringMap{"healthhub.io/pool": pulumi.String(g.Name)},
		Taints:       taints,
		Tags:         awskit.Tags(args.Tags, name),
	}, parent, pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))
}

// addons installs the core add-ons after the nodes exist: the VPC CNI with network policy
// enforcement (so the namespaces' default-deny policies bite), CoreDNS, kube-proxy, and the
// EBS CSI driver, which encrypts every volume it creates with the cluster key.
func addons(ctx *pulumi.Context, k *EksCluster, args *EksClusterArgs, acct awskit.Account, cluster *eks.Cluster, oidc *iam.OpenIdConnectProvider, issuer pulumi.StringOutput, after []pulumi.Resource) error {
	parent := pulumi.Parent(k)
	ebsRole, err := irsaRole(ctx, k, args.Prefix+"-ebs-csi", oidc, issuer, "kube-system", "ebs-csi-controller-sa", args.Tags)
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicyAttachment(ctx, args.Prefix+"-ebs-csi", &iam.RolePolicyAttachmentArgs{
		Role: ebsRole.Name, PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", acct.Partition),
	}, parent); err != nil {
		return err
	}
	kmsPolicy := pulumi.All(args.KmsKeyArn).ApplyT(func(v []any) (string, error) {
		return awskit.PolicyJSON(map[string]any{
			"Sid":       "EncryptVolumesWithTheClusterKey",
			"Effect":    "Allow",
			"Action":    []string{"kms:CreateGrant", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			"Resource":  v[0].(string),
			"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("ec2.%s.%s", acct.Region, acct.DNSSuffix)}},
		})
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, args.Prefix+"-ebs-csi-kms", &iam.RolePolicyArgs{Role: ebsRole.ID(), Policy: kmsPolicy}, parent); err != nil {
		return err
	}

	type addon struct {
		name, config string
		role         pulumi.StringInput
	}
	for _, a := range []addon{
		{name: "vpc-cni", config: `{"enableNetworkPolicy":"true"}`},
		{name: "coredns"},
		{name: "kube-proxy"},
		{name: "aws-ebs-csi-driver", role: ebsRole.Arn},
	} {
		addonArgs := &eks.AddonArgs{
			ClusterName:              cluster.Name,
			AddonName:                pulumi.String(a.name),
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String("PRESERVE"),
			ServiceAccountRoleArn:    a.role,
			Tags:                     awskit.Tags(args.Tags, args.Prefix+"-"+a.name),
		}
		if a.config != "" {
			addonArgs.ConfigurationValues = pulumi.String(a.config)
		}
		if _, err := eks.NewAddon(ctx, args.Prefix+"-"+a.name, addonArgs, parent, pulumi.DependsOn(after)); err != nil {
			return err
		}
	}
	return nil
}

// managedRole is a role a service assumes, with AWS managed policies attached. EC2 and EKS
// pass no source account when they assume a role, so the trust names the service alone.
func managedRole(ctx *pulumi.Context, k *EksCluster, name, service string, acct awskit.Account, baseTags map[string]string, policies ...string) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy:   awskit.TrustPolicy(service, ""),
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               awskit.Tags(baseTags, name),
	}, pulumi.Parent(k))
	if err != nil {
		return nil, err
	}
	for _, p := range policies {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+p, &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/%s", acct.Partition, p),
		}, pulumi.Parent(k)); err != nil {
			return nil, err
		}
	}
	return role, nil
}

// irsaRole is a role one Kubernetes service account assumes through the cluster's OIDC
// provider, and no other.
func irsaRole(ctx *pulumi.Context, k *EksCluster, name string, oidc *iam.OpenIdConnectProvider, issuer pulumi.StringOutput, namespace, serviceAccount string, baseTags map[string]string) (*iam.Role, error) {
	trust := awskit.WebIdentityTrust(oidc.Arn, issuer, namespace, serviceAccount)
	return iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy:   trust,
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               awskit.Tags(baseTags, name),
	}, pulumi.Parent(k))
}

// kubeconfig points kubectl and the Kubernetes provider at the cluster, authenticating with
// short-lived tokens from the caller's AWS credentials.
func kubeconfig(name, endpoint, ca, region string) (string, error) {
	return kit.ExecKubeconfig(name, endpoint, ca, kit.ExecCredential{
		Command: "aws", Args: []string{"eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"},
	})
}
