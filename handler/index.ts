import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConnectCasesClient } from "@aws-sdk/client-connectcases";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { SNSClient } from "@aws-sdk/client-sns";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { createDomainNames } from "./lake/domainNames";
import { createLakeSender } from "./lake/lakeSender";
import { createBatchHandler } from "./processor";
import { createAlertOutbox } from "./alerts/outbox";
import { createAlertPublisher } from "./alerts/publish";
import { readSettings } from "./settings";
import { createCaseStore } from "./store/caseStore";

/**
 * The Lambda's callbackFactory: runs once per cold start, so clients, logger and metrics are built
 * here. Everything comes from the environment and the SDK's default resolution (credentials,
 * region, AWS_ENDPOINT_URL_*), so the same code runs in Lambda, in tests and in the local runner.
 */
export function createLambdaHandler() {
  const settings = readSettings(process.env);
  // Without throwOnRequestTimeout the SDK only warns and a hung connection waits for the Lambda timeout.
  const requestHandler = {
    requestTimeout: settings.requestTimeoutMs,
    connectionTimeout: settings.requestTimeoutMs,
    throwOnRequestTimeout: true,
  };
  // The low-level client with our own marshalling (handler/attributeValues.ts): case field ids are data.
  const dynamo = new DynamoDBClient({ requestHandler });
  const sns = new SNSClient({ requestHandler });
  const logger = new Logger();
  const lake = settings.lakeStreams && {
    send: createLakeSender(new FirehoseClient({ requestHandler }), settings.lakeStreams),
    names: createDomainNames(new ConnectCasesClient({ requestHandler }), settings.domainId, logger),
  };
  return createBatchHandler({
    settings,
    store: createCaseStore(dynamo, settings.tableName),
    outbox: createAlertOutbox(dynamo, settings.tableName),
    publish: createAlertPublisher(sns, settings.topicArn),
    lake,
    logger,
    metrics: new Metrics(),
  });
}
