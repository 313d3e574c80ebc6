import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from "@aws-sdk/client-sns";
import type { RenderedAlert } from "./alertRender";
import { packRequests } from "../batching";
import { alertPublishError } from "../errors";

/** SNS PublishBatch: at most 10 entries and 256 KiB in all per request. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 262_144;

/**
 * SNS takes XML 1.0 characters only, and the SDK cannot even encode a lone surrogate: one such
 * character in a case title would fail the whole request. They become U+FFFD.
 */
export const wellFormed = (text: string) => text.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD");

/**
 * One SNS message per alert (`MessageStructure: json`). Every protocol without a key of its own
 * gets "default", so machine subscribers (SQS, Lambda, HTTP(S), Firehose, email-json) get the
 * JSON body once, email readers the text, SMS the subject.
 */
export function snsMessage(alert: RenderedAlert): string {
  // Each string is made well-formed before serializing: JSON.stringify would only escape a bad
  // character (as \u0007, \ud800), and SNS would decode it straight back into the email.
  const body = JSON.stringify(alert.body, (_key, value) => (typeof value === "string" ? wellFormed(value) : value));
  return JSON.stringify({ default: body, email: wellFormed(alert.text), sms: alert.subject });
}

export function toBatchEntry(alert: RenderedAlert, id: string): PublishBatchRequestEntry {
  return {
    Id: id,
    Subject: alert.subject,
    Message: snsMessage(alert),
    MessageStructure: "json",
    MessageAttributes: Object.fromEntries(
      Object.entries(alert.attributes).map(([name, value]) => [name, { DataType: "String", StringValue: wellFormed(value) }]),
    ),
  };
}

const entryBytes = (entry: PublishBatchRequestEntry) =>
  Buffer.byteLength(entry.Message ?? "") +
  Buffer.byteLength(entry.Subject ?? "") +
  Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? ""),
    0,
  );

/** Requests that respect both PublishBatch limits. */
export const packBatches = (entries: PublishBatchRequestEntry[]): PublishBatchRequestEntry[][] =>
  packRequests(entries, { maxEntries: MAX_ENTRIES, maxBytes: MAX_BATCH_BYTES, bytesOf: entryBytes });

export type PublishAlerts = (alerts: RenderedAlert[]) => Promise<(Error | undefined)[]>;

/**
 * Publishes alerts in as few requests as the limits allow. Returns, per alert, the error that
 * kept it from being sent: a 200 counts only for the entries it lists as successful, and a
 * request that fails as a whole is retried entry by entry, so one alert SNS or the SDK refuses
 * cannot keep the others of its batch from going out.
 */
export function createAlertPublisher(sns: SNSClient, topicArn: string): PublishAlerts {
  return async (alerts) => {
    const results: (Error | undefined)[] = alerts.map(() => alertPublishError("NoResult"));
    const indexOf = (id: string | undefined) => Number((id ?? "").slice(1));
    const send = async (entries: PublishBatchRequestEntry[]): Promise<void> => {
      try {
        const response = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
        for (const sent of response.Successful ?? []) results[indexOf(sent.Id)] = undefined;
        for (const failed of response.Failed ?? []) results[indexOf(failed.Id)] = alertPublishError(failed.Code ?? "Unknown");
      } catch (error) {
        if (entries.length === 1) results[indexOf(entries[0].Id)] = error as Error;
        else await Promise.all(entries.map((entry) => send([entry])));
      }
    };
    await Promise.all(packBatches(alerts.map((alert, index) => toBatchEntry(alert, `a${index}`))).map(send));
    return results;
  };
}
