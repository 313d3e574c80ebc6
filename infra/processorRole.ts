import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaAssumeRolePolicy } from "./policies";

/**
 * The processor's identity, created before the alert topic and its key, whose policies admit this
 * role only; the processor attaches what the role may do (CaseEventProcessor).
 */
export class ProcessorRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:ProcessorRole", name, {}, opts);
    this.role = new aws.iam.Role(name, { assumeRolePolicy: pulumi.jsonStringify(lambdaAssumeRolePolicy) }, {
      parent: this,
      // The role used to be a child of the processor: keep the deployed one rather than replace it.
      aliases: [{ parent: pulumi.createUrn(name, "cases-data-streaming:infra:CaseEventProcessor") }],
    });
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
