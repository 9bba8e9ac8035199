package aws

import (
	"fmt"

	awssdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// account is where a component is being deployed: resource policies scope every grant to it.
type account struct {
	ID        string
	Partition string
	Region    string
	DNSSuffix string
}

// lookupAccount asks the component's provider (inherited through parent) who and where we are.
func lookupAccount(ctx *pulumi.Context, parent pulumi.Resource) (account, error) {
	id, err := awssdk.GetCallerIdentity(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return account{}, fmt.Errorf("looking up the AWS account: %w", err)
	}
	part, err := awssdk.GetPartition(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return account{}, fmt.Errorf("looking up the AWS partition: %w", err)
	}
	region, err := awssdk.GetRegion(ctx, nil, pulumi.Parent(parent))
	if err != nil {
		return account{}, fmt.Errorf("looking up the AWS region: %w", err)
	}
	return account{ID: id.AccountId, Partition: part.Partition, Region: region.Name, DNSSuffix: part.DnsSuffix}, nil
}

func (a account) root() string { return fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.ID) }

func (a account) service(name string) string { return name + "." + a.DNSSuffix }
