package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// insightsStreams are what Container Insights sends to the workspace: the containers' logs in
// the ContainerLogV2 schema (the workloads' record, with pod and namespace), Kubernetes events
// and inventories, and performance counters. The legacy ContainerLog stream is left out: it
// would duplicate every line.
var insightsStreams = []string{
	"Microsoft-ContainerLogV2",
	"Microsoft-KubeEvents",
	"Microsoft-KubePodInventory",
	"Microsoft-KubeNodeInventory",
	"Microsoft-KubePVInventory",
	"Microsoft-KubeServices",
	"Microsoft-KubeMonAgentEvents",
	"Microsoft-InsightsMetrics",
	"Microsoft-ContainerInventory",
	"Microsoft-ContainerNodeInventory",
	"Microsoft-Perf",
}

// insightsExtension is the name the monitoring add-on looks for, on both the rule's data
// source and the association.
const insightsExtension = "ContainerInsightsExtension"

// containerInsights is the data collection rule the monitoring add-on reads once it
// authenticates with its managed identity, and the rule's association with the cluster. The
// Azure CLI creates both when it enables the add-on; ARM does not, and without them the add-on
// runs and sends nothing (hashicorp/terraform-provider-azurerm#23510, Azure/terraform-azurerm-aks#607).
func containerInsights(ctx *pulumi.Context, c *AksCluster, args *AksClusterArgs, clusterName string, clusterID pulumi.StringOutput, tags pulumi.StringMap) error {
	const destination = "workspace"
	rule, err := insights.NewDataCollectionRule(ctx, clusterName+"-insights", &insights.DataCollectionRuleArgs{
		// MSCI-<location>-<cluster> is the name the Azure CLI gives it, which the portal's
		// monitoring settings recognise.
		DataCollectionRuleName: pulumi.String("MSCI-" + args.Location + "-" + clusterName),
		ResourceGroupName:      args.ResourceGroupName,
		Location:               pulumi.String(args.Location),
		Kind:                   pulumi.String("Linux"),
		Description:            pulumi.String("Container Insights for the " + clusterName + " cluster"),
		DataSources: insights.DataCollectionRuleDataSourcesArgs{
			Extensions: insights.ExtensionDataSourceArray{insights.ExtensionDataSourceArgs{
				Name:          pulumi.String(insightsExtension),
				ExtensionName: pulumi.String("ContainerInsights"),
				Streams:       pulumi.ToStringArray(insightsStreams),
				ExtensionSettings: pulumi.Any(map[string]any{"dataCollectionSettings": map[string]any{
					"interval":               "1m",
					"namespaceFilteringMode": "Off", // every namespace: the audit record has no gaps
					"enableContainerLogV2":   true,
				}}),
			}},
		},
		Destinations: insights.DataCollectionRuleDestinationsArgs{
			LogAnalytics: insights.LogAnalyticsDestinationArray{insights.LogAnalyticsDestinationArgs{
				Name: pulumi.String(destination), WorkspaceResourceId: args.WorkspaceId,
			}},
		},
		DataFlows: insights.DataFlowArray{insights.DataFlowArgs{
			Streams: pulumi.ToStringArray(insightsStreams), Destinations: pulumi.StringArray{pulumi.String(destination)},
		}},
		Tags: tags,
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	_, err = insights.NewDataCollectionRuleAssociation(ctx, clusterName+"-insights", &insights.DataCollectionRuleAssociationArgs{
		AssociationName:      pulumi.String(insightsExtension),
		ResourceUri:          clusterID,
		DataCollectionRuleId: rule.ID().ToStringOutput(),
		Description:          pulumi.String("Container Insights' collection for the cluster; deleting it stops the cluster's container logs."),
	}, pulumi.Parent(c))
	return err
}
