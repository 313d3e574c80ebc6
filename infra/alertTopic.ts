import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlertTopicArgs {
  emails: string[];
}

/** The alert topic (encrypted) with one email subscription per address; any other subscriber may join. */
export class AlertTopic extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;

  constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:AlertTopic", name, {}, opts);
    this.topic = new aws.sns.Topic(name, { kmsMasterKeyId: "alias/aws/sns" }, { parent: this });
    args.emails.forEach((email, index) => {
      new aws.sns.TopicSubscription(`${name}-email-${index}`, {
        topic: this.topic.arn,
        protocol: "email",
        endpoint: email,
      }, { parent: this });
    });
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
