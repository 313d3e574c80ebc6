import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where the stack deploys: what ARNs and conditions are built from, looked up under `parent`. */
export interface AwsContext {
  partition: pulumi.Output<string>;
  region: pulumi.Output<string>;
  accountId: pulumi.Output<string>;
  /** `arn:<partition>:iam::<account>:root`: the account, as key policies name it. */
  accountRootArn: pulumi.Output<string>;
  /** `sns.<region>.<dns suffix>`: SNS as kms:ViaService names it. */
  snsService: pulumi.Output<string>;
}

export function awsContext(parent: pulumi.Resource): AwsContext {
  const opts = { parent };
  const partition = aws.getPartitionOutput({}, opts);
  const region = aws.getRegionOutput({}, opts).region;
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  return {
    partition: partition.partition,
    region,
    accountId,
    accountRootArn: pulumi.interpolate`arn:${partition.partition}:iam::${accountId}:root`,
    snsService: pulumi.interpolate`sns.${region}.${partition.dnsSuffix}`,
  };
}
