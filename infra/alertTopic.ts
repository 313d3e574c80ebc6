import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "./awsContext";
import { alertKeyPolicy, alertTopicPolicy } from "./policies";

export interface AlertTopicArgs {
  emails: string[];
  /** The processor's role: the only identity that may publish, and use the topic's key. */
  publisherRoleArn: pulumi.Input<string>;
}

/** Seven days is KMS's shortest wait before deleting a key; a month leaves time to notice a mistake. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * The alert topic under its own customer managed key (rotated yearly), published to by the
 * processor only, with one email subscription per address; any subscriber of the account may join.
 */
export class AlertTopic extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;
  public readonly key: aws.kms.Key;
  /** The only way the key may be used: through SNS in this region (kms:ViaService). */
  public readonly keyService: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:AlertTopic", name, {}, opts);
    const parent = { parent: this };
    const { accountId, accountRootArn, snsService } = awsContext(this);
    this.keyService = snsService;

    this.key = new aws.kms.Key(name, {
      description: "Case alerts (SNS) of cases-data-streaming",
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: pulumi.jsonStringify(alertKeyPolicy({
        accountRootArn,
        accountId,
        publisherRoleArn: args.publisherRoleArn,
        snsService,
      })),
    }, parent);
    this.topic = new aws.sns.Topic(name, { kmsMasterKeyId: this.key.arn }, parent);
    new aws.sns.TopicPolicy(name, {
      arn: this.topic.arn,
      policy: pulumi.jsonStringify(alertTopicPolicy({ topicArn: this.topic.arn, publisherRoleArn: args.publisherRoleArn, accountId })),
    }, parent);
    args.emails.forEach((email, index) => {
      new aws.sns.TopicSubscription(`${name}-email-${index}`, {
        topic: this.topic.arn,
        protocol: "email",
        endpoint: email,
      }, parent);
    });
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
