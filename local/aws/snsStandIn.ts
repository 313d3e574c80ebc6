import { randomUUID } from "node:crypto";
import { type LocalServer, startLocalServer } from "./localServer";
import { xmlText } from "./xmlText";

/** A message as a subscriber would see it. */
export interface DeliveredMessage {
  messageId: string;
  subject?: string;
  /** Per-protocol bodies (MessageStructure json) or { default } for a plain message. */
  bodies: Record<string, string>;
  attributes: Record<string, string>;
}

/** What a subscriber of this protocol receives: its own body, else the default, as SNS does. */
export const bodyFor = (message: DeliveredMessage, protocol: string) => message.bodies[protocol] ?? message.bodies.default;

interface Entry {
  Id?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  attributes: Record<string, { DataType?: string; StringValue?: string }>;
}

class SnsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

const MAX_MESSAGE_BYTES = 262_144;
const MAX_BATCH_ENTRIES = 10;
const ATTRIBUTE_TYPES = ["String", "Number", "Binary", "String.Array"];

function readEntry(params: URLSearchParams, prefix: string): Entry {
  const entry: Entry = { attributes: {} };
  for (const key of ["Id", "Message", "Subject", "MessageStructure"] as const) {
    const value = params.get(`${prefix}${key}`);
    if (value !== null) entry[key] = value;
  }
  for (let n = 1; params.has(`${prefix}MessageAttributes.entry.${n}.Name`); n++) {
    const base = `${prefix}MessageAttributes.entry.${n}.`;
    entry.attributes[params.get(`${base}Name`)!] = {
      DataType: params.get(`${base}Value.DataType`) ?? undefined,
      StringValue: params.get(`${base}Value.StringValue`) ?? undefined,
    };
  }
  return entry;
}

/** A message's size as SNS limits it: its body and its attributes' names, types and values. */
const messageBytes = (entry: Entry) =>
  Buffer.byteLength(entry.Message ?? "") +
  Object.entries(entry.attributes).reduce((sum, [name, value]) =>
    sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? "") + Buffer.byteLength(value.StringValue ?? ""), 0);

/** The checks SNS makes on one message (subject, body, structure, attributes). */
export function validateEntry(entry: Entry): DeliveredMessage {
  const message = entry.Message ?? "";
  if (message.length === 0) throw new SnsError("InvalidParameter", "Invalid parameter: Empty message");
  if (messageBytes(entry) > MAX_MESSAGE_BYTES) throw new SnsError("InvalidParameter", "Invalid parameter: Message too long");
  const subject = entry.Subject;
  if (subject !== undefined) {
    if (subject.length === 0 || subject.length >= 100) throw new SnsError("InvalidParameter", "Invalid parameter: Subject must be less than 100 characters");
    if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(subject)) {
      throw new SnsError("InvalidParameter", "Invalid parameter: Subject must be ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters");
    }
  }
  let bodies: Record<string, string> = { default: message };
  if (entry.MessageStructure !== undefined) {
    if (entry.MessageStructure !== "json") throw new SnsError("InvalidParameter", "Invalid parameter: MessageStructure");
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw new SnsError("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse");
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as Record<string, unknown>).default !== "string") {
      throw new SnsError("InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body");
    }
    if (!Object.values(parsed).every((value) => typeof value === "string")) {
      throw new SnsError("InvalidParameter", "Invalid parameter: Message Structure - protocol values must be strings");
    }
    bodies = parsed as Record<string, string>;
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.attributes)) {
    if (!value.DataType || !ATTRIBUTE_TYPES.includes(value.DataType)) {
      throw new SnsError("ParameterValueInvalid", `The message attribute '${name}' has an invalid message attribute type`);
    }
    if (!value.StringValue) throw new SnsError("ParameterValueInvalid", `The message attribute '${name}' must contain non-empty message attribute value`);
    attributes[name] = value.StringValue;
  }
  return { messageId: randomUUID(), subject, bodies, attributes };
}

/**
 * A local SNS that speaks the query protocol the AWS SDK uses for Publish and PublishBatch, checks
 * requests as SNS does, and keeps what it delivered. Nothing leaves the machine.
 */
export class SnsStandIn {
  readonly delivered: DeliveredMessage[] = [];
  /**
   * Tests' stand-ins for SNS refusing things: entries whose message matches are answered as Failed
   * in a 200; requests with any such entry are refused whole (as SNS or the SDK refuses a request
   * with one malformed entry).
   */
  failEntriesMatching?: RegExp;
  refuseRequestsMatching?: RegExp;
  private server?: LocalServer;
  endpoint = "";

  constructor(readonly topicArn: string) {}

  async start(): Promise<this> {
    this.server = await startLocalServer((_request, body, response) => {
      const params = new URLSearchParams(body.toString());
      const action = params.get("Action") ?? "";
      try {
        const result = this.handle(action, params);
        response.writeHead(200, { "content-type": "text/xml" });
        response.end(`<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
      } catch (error) {
        const failure = error instanceof SnsError ? error : new SnsError("InternalError", String(error), 500);
        response.writeHead(failure.status, { "content-type": "text/xml" });
        response.end(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>` +
          `<Code>${failure.code}</Code><Message>${xmlText(failure.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
      }
    });
    this.endpoint = this.server.endpoint;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private handle(action: string, params: URLSearchParams): string {
    if (params.get("TopicArn") !== this.topicArn) throw new SnsError("NotFound", "Topic does not exist", 404);
    if (action === "Publish") {
      const delivered = validateEntry(readEntry(params, ""));
      this.delivered.push(delivered);
      return `<MessageId>${delivered.messageId}</MessageId>`;
    }
    if (action !== "PublishBatch") throw new SnsError("InvalidAction", `The action ${action} is not valid for this stand-in`);
    const entries: Entry[] = [];
    for (let n = 1; params.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
      entries.push(readEntry(params, `PublishBatchRequestEntries.member.${n}.`));
    }
    if (entries.length === 0) throw new SnsError("EmptyBatchRequest", "The batch request doesn't contain any entries");
    if (this.refuseRequestsMatching && entries.some((entry) => this.refuseRequestsMatching!.test(entry.Message ?? ""))) {
      throw new SnsError("InvalidParameter", "Invalid parameter: one entry of the request is malformed");
    }
    if (entries.length > MAX_BATCH_ENTRIES) throw new SnsError("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible");
    const ids = entries.map((entry) => entry.Id ?? "");
    if (new Set(ids).size !== ids.length) throw new SnsError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id");
    if (ids.some((id) => !/^[A-Za-z0-9_-]{1,80}$/.test(id))) throw new SnsError("InvalidBatchEntryId", "A batch entry id is invalid");
    // "The total aggregate size of all messages (including attributes) in a single PublishBatch request can't exceed 256 KiB."
    const total = entries.reduce((sum, entry) => sum + messageBytes(entry), 0);
    if (total > MAX_MESSAGE_BYTES) throw new SnsError("BatchRequestTooLong", "The length of all the messages put together is more than the limit");
    const successful: string[] = [];
    const failed: string[] = [];
    for (const entry of entries) {
      try {
        if (this.failEntriesMatching?.test(entry.Message ?? "")) throw new SnsError("InternalError", "The entry could not be published");
        const delivered = validateEntry(entry);
        this.delivered.push(delivered);
        successful.push(`<member><Id>${xmlText(entry.Id!)}</Id><MessageId>${delivered.messageId}</MessageId></member>`);
      } catch (error) {
        const failure = error as SnsError;
        failed.push(`<member><Id>${xmlText(entry.Id!)}</Id><Code>${failure.code}</Code><Message>${xmlText(failure.message)}</Message><SenderFault>true</SenderFault></member>`);
      }
    }
    return `<Successful>${successful.join("")}</Successful><Failed>${failed.join("")}</Failed>`;
  }
}
