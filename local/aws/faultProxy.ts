import * as http from "node:http";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { fromAttributes } from "../../handler/store/attributeValues";
import { writeUnits } from "../../handler/store/itemSize";
import { type LocalServer, startLocalServer } from "./localServer";

/**
 * unprocessed (DynamoDB BatchGetItem/BatchWriteItem only): a 200 that hands every item back
 * unprocessed, as DynamoDB does under load.
 */
export type Fault = "throttle" | "server-error" | "timeout" | "unprocessed";

export interface ProxiedRequest {
  /** DynamoDB or Firehose operation (X-Amz-Target), or SNS Action. */
  operation: string;
  body: string;
}

export interface FaultRule {
  when: (request: ProxiedRequest) => boolean;
  fault: Fault;
  /** How many matching requests to fault (default: all, until cleared). */
  times?: number;
}

/** Error bodies in each service's own protocol, so the SDK classifies and retries them as for real. */
export type ProxiedService = "dynamodb" | "sns" | "firehose";

const FAULT_RESPONSES: Record<ProxiedService, Record<Exclude<Fault, "timeout" | "unprocessed">, { status: number; type: string; body: string }>> = {
  dynamodb: {
    throttle: { status: 400, type: "application/x-amz-json-1.0", body: JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#ThrottlingException", message: "Rate of requests exceeds the allowed throughput." }) },
    "server-error": { status: 500, type: "application/x-amz-json-1.0", body: JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "Internal server error" }) },
  },
  sns: {
    throttle: { status: 400, type: "text/xml", body: "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>" },
    "server-error": { status: 500, type: "text/xml", body: "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>Internal error</Message></Error><RequestId>fault</RequestId></ErrorResponse>" },
  },
  firehose: {
    throttle: { status: 400, type: "application/x-amz-json-1.1", body: JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }) },
    "server-error": { status: 500, type: "application/x-amz-json-1.1", body: JSON.stringify({ __type: "ServiceUnavailableException", message: "Slow down." }) },
  },
};

/**
 * An HTTP proxy in front of DynamoDB Local or the SNS stand-in that counts requests per operation
 * and injects throttling, 5xx responses and timeouts on the requests a rule matches.
 */
export class FaultProxy {
  readonly counts = new Map<string, number>();
  /** Every request that got a fault, so a test can tell which events a fault hit. */
  readonly faulted: ProxiedRequest[] = [];
  injected = 0;
  /** Sees every request before it is forwarded or faulted (a benchmark counts items with it). */
  observe?: (request: ProxiedRequest) => void;
  /** When set (DynamoDB only), every request reports the capacity it consumed, summed here. */
  capacity?: ConsumedCapacity;
  private rules: FaultRule[] = [];
  private server?: LocalServer;
  private readonly held = new Set<http.ServerResponse>();
  endpoint = "";

  constructor(private readonly target: string, private readonly service: ProxiedService) {}

  async start(): Promise<this> {
    this.server = await startLocalServer((request, body, response) => this.forward(request, response, body));
    this.endpoint = this.server.endpoint;
    return this;
  }

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  requests(operation?: string): number {
    if (operation) return this.counts.get(operation) ?? 0;
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  resetCounts(): void {
    this.counts.clear();
    this.faulted.length = 0;
    this.injected = 0;
  }

  async stop(): Promise<void> {
    for (const response of this.held) response.destroy();
    await this.server?.close();
  }

  private operationOf(request: http.IncomingMessage, body: string): string {
    if (this.service !== "sns") return String(request.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
    return new URLSearchParams(body).get("Action") ?? "";
  }

  private forward(request: http.IncomingMessage, response: http.ServerResponse, body: Buffer): void {
    const proxied = { operation: this.operationOf(request, body.toString()), body: body.toString() };
    this.counts.set(proxied.operation, (this.counts.get(proxied.operation) ?? 0) + 1);
    this.observe?.(proxied);
    const rule = this.rules.find((candidate) => (candidate.times ?? 1) > 0 && candidate.when(proxied));
    if (rule) {
      if (rule.times !== undefined) rule.times -= 1;
      this.injected += 1;
      this.faulted.push(proxied);
      if (rule.fault === "timeout") {
        this.held.add(response);
        response.on("close", () => this.held.delete(response));
        return;
      }
      if (rule.fault === "unprocessed") {
        const { RequestItems } = JSON.parse(proxied.body);
        const answer = proxied.operation === "BatchGetItem" ? { Responses: {}, UnprocessedKeys: RequestItems } : { UnprocessedItems: RequestItems };
        response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        response.end(JSON.stringify(answer));
        return;
      }
      const fault = FAULT_RESPONSES[this.service][rule.fault];
      response.writeHead(fault.status, { "content-type": fault.type });
      response.end(fault.body);
      return;
    }
    const measured = this.capacity && CAPACITY_OPERATIONS.has(proxied.operation) ? withCapacityRequest(body) : undefined;
    const sent = measured ?? body;
    const upstream = http.request(
      `${this.target}${request.url}`,
      { method: request.method, headers: { ...request.headers, "content-length": String(sent.length) } },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        if (!measured) return reply.pipe(response);
        const chunks: Buffer[] = [];
        reply.on("data", (chunk) => chunks.push(chunk));
        reply.on("end", () => {
          const answer = Buffer.concat(chunks);
          this.capacity?.add(proxied.operation, answer, body);
          response.end(answer);
        });
      },
    );
    upstream.on("error", () => response.destroy());
    upstream.end(sent);
  }
}

/** What a write request wrote to, for the breakdown of write units (default: its operation). */
export type ClassifyWrite = (operation: string, request: Record<string, any>) => string;

/**
 * Capacity units DynamoDB reported, summed: what a workload costs, tables and indexes. A write
 * refused by its condition reports none, yet DynamoDB bills it (the item's size, at least one
 * unit): it is counted from the item the refusal returns.
 */
export class ConsumedCapacity {
  writeUnits = 0;
  readUnits = 0;
  /** Write units by what was written (`classify`) and by table or index, to see where they go. */
  readonly writesBy = new Map<string, number>();

  constructor(private readonly classify: ClassifyWrite = (operation) => operation) {}

  private count(key: string, units: number): void {
    this.writesBy.set(key, (this.writesBy.get(key) ?? 0) + units);
  }

  add(operation: string, responseBody: Buffer, requestBody?: Buffer): void {
    let parsed: { ConsumedCapacity?: CapacityEntry | CapacityEntry[]; __type?: string; Item?: Record<string, AttributeValue> };
    let request: Record<string, any> = {};
    try {
      parsed = JSON.parse(responseBody.toString());
      if (requestBody) request = JSON.parse(requestBody.toString());
    } catch {
      return;
    }
    const writes = WRITE_OPERATIONS.has(operation);
    const what = writes ? this.classify(operation, request) : operation;
    if (writes && parsed.__type?.endsWith("ConditionalCheckFailedException")) {
      const units = parsed.Item ? writeUnits(fromAttributes(parsed.Item)) : 1;
      this.writeUnits += units;
      this.count(`${what} (condition failed)`, units);
      return;
    }
    for (const entry of ([] as CapacityEntry[]).concat(parsed.ConsumedCapacity ?? [])) {
      if (!writes) {
        this.readUnits += entry.CapacityUnits ?? 0;
        continue;
      }
      this.writeUnits += entry.CapacityUnits ?? 0;
      this.count(`${what} table`, entry.Table?.CapacityUnits ?? 0);
      for (const [index, units] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) this.count(`${what} ${index}`, units.CapacityUnits ?? 0);
    }
  }
}

interface CapacityEntry {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

const WRITE_OPERATIONS = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);
const CAPACITY_OPERATIONS = new Set([...WRITE_OPERATIONS, "GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);

/**
 * The request asking DynamoDB to report the capacity it consumed, per table and index. DynamoDB
 * Local checks no signatures, so the body can change on its way; the function is not touched.
 */
function withCapacityRequest(body: Buffer): Buffer | undefined {
  try {
    return Buffer.from(JSON.stringify({ ...JSON.parse(body.toString()), ReturnConsumedCapacity: "INDEXES" }));
  } catch {
    return undefined;
  }
}
