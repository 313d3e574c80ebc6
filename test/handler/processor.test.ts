import { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { expect } from "chai";
import type { RenderedAlert } from "../../handler/alerts/alertRender";
import { DEFAULT_ALERT_RULES } from "../../handler/alerts/alertRules";
import type { AlertOutbox } from "../../handler/alerts/outbox";
import type { LakeRecord } from "../../handler/lake/lakeRow";
import { Metric } from "../../handler/metrics";
import { createBatchHandler } from "../../handler/processor";
import type { HandlerSettings } from "../../handler/settings";
import type { StoredMap } from "../../handler/store/attributeValues";
import type { CaseStore, RecordOutcome } from "../../handler/store/caseStore";
import type { StateUpdate } from "../../handler/store/stateUpdate";
import { sqsRecord, toMessages } from "../../local/lambda/sqsDriver";
import { SAMPLE_DOMAIN_ID } from "../../local/workload/sampleDomain";
import { CASE_LIFE, forCase, sampleBody } from "../helpers/fixtures";

/**
 * The processor's wiring with every AWS edge faked: which records fail, and what is stored, sent,
 * alerted and counted for the rest. The same behaviours against DynamoDB Local and the stand-ins:
 * test/function/.
 */

const SETTINGS: HandlerSettings = {
  tableName: "cases",
  topicArn: "arn:aws:sns:us-east-1:111122223333:alerts",
  domainId: SAMPLE_DOMAIN_ID,
  alertRules: DEFAULT_ALERT_RULES,
  retentionDays: 0,
  maxFutureSkewMs: Number.POSITIVE_INFINITY,
  lakeStreams: { case_events: "case-events", case_related_item_events: "related-items" },
  requestTimeoutMs: 1_000,
};

/** The event id of a body, or the body itself when it is not an event. */
function eventIdOf(body: string): string {
  try {
    return JSON.parse(body).id;
  } catch {
    return body;
  }
}

/** An in-memory store with the real one's outcomes: a history row is the idempotency key. */
function fakeStore(options: { failFor?: Set<string>; stored?: StoredMap[] } = {}) {
  const rows = new Map<string, StoredMap>((options.stored ?? []).map((row) => [String(row.sk), row]));
  const recorded: StoredMap[] = [];
  const store: CaseStore = {
    loadStates: async () => new Map(),
    lookUpItemRows: async () => new Set(),
    record: async (history: StoredMap, update: StateUpdate | undefined): Promise<RecordOutcome> => {
      if (options.failFor?.has(String(history.eventId))) throw Object.assign(new Error("boom"), { name: "InternalServerError", $fault: "server" });
      const existing = rows.get(String(history.sk));
      if (existing) return { kind: "duplicate", stored: existing };
      rows.set(String(history.sk), history);
      recorded.push(history);
      return update ? { kind: "applied" } : { kind: "recorded", stale: false };
    },
  };
  return { store, recorded };
}

/** An outbox whose receipts name `sent` (event ids) and whose claims succeed if `claimable`. */
function fakeOutbox(options: { claimable?: boolean; sent?: string[] } = {}) {
  const calls = { claimed: [] as string[], released: [] as string[], sent: [...(options.sent ?? [])] };
  const ids = (histories: StoredMap[]) => histories.map((history) => String(history.eventId));
  const outbox: AlertOutbox = {
    wasSent: async (history) => calls.sent.includes(String(history.eventId)),
    claim: async (history, lease) => {
      calls.claimed.push(String(history.eventId));
      return options.claimable === false ? undefined : { ...history, alertOwner: lease.owner };
    },
    release: async (histories) => void calls.released.push(...ids(histories)),
    markSent: async (histories) => void calls.sent.push(...ids(histories)),
  };
  return { outbox, calls };
}

function fakeMetrics() {
  const counts = new Map<string, number>();
  const addMetric = (name: string, _unit: unknown, value: number) => void counts.set(name, (counts.get(name) ?? 0) + value);
  const metrics = {
    addMetric,
    singleMetric: () => ({ addDimension: () => ({ addMetric }) }),
    publishStoredMetrics: () => undefined,
  } as unknown as Metrics;
  return { metrics, count: (name: string) => counts.get(name) ?? 0 };
}

interface Run {
  bodies: string[];
  store?: ReturnType<typeof fakeStore>;
  outbox?: ReturnType<typeof fakeOutbox>;
  failAlertsOf?: Set<string>;
  failLakeRowsOf?: Set<string>;
  receiveCount?: number;
}

/** One invocation with these bodies; what failed, and what each fake saw. */
async function invoke(run: Run) {
  const { store, recorded } = run.store ?? fakeStore();
  const { outbox, calls } = run.outbox ?? fakeOutbox();
  const { metrics, count } = fakeMetrics();
  const published: RenderedAlert[] = [];
  const lakeRows: LakeRecord[] = [];
  const handler = createBatchHandler({
    settings: SETTINGS,
    store,
    outbox,
    publish: async (alerts) => alerts.map((alert) => {
      if (run.failAlertsOf?.has(String(alert.body.eventId))) return Object.assign(new Error("refused"), { name: "AlertPublishError" });
      published.push(alert);
      return undefined;
    }),
    lake: {
      names: async () => ({ fields: new Map(), templateNames: new Map() }),
      send: async (records) => {
        const failed = new Map<string, Error>();
        for (const { key, record } of records) {
          if (run.failLakeRowsOf?.has(String(record.row.event_id))) failed.set(key, new Error("Firehose refused the lake row"));
          else lakeRows.push(record);
        }
        return failed;
      },
    },
    logger: new Logger({ logLevel: "SILENT" }),
    metrics,
  });
  const messages = toMessages(run.bodies).map((message) => ({ ...message, receiveCount: run.receiveCount ?? 1 }));
  const response = await handler({ Records: messages.map(sqsRecord) });
  const failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const failed = messages.filter((message) => failedIds.has(message.messageId)).map((message) => eventIdOf(message.body));
  return { failed, recorded, calls, published, lakeRows, count };
}

const CASE_LIFE_BODIES = CASE_LIFE.map(sampleBody);
const [CREATED, UPDATED, COMMENTED, CLOSED, DELETED, LINKED, SLA_MET] = CASE_LIFE_BODIES.map(eventIdOf);

describe("the processor, its AWS edges faked", () => {
  it("stores every event, sends each stored event's lake row, and alerts and marks sent the alerting ones", async () => {
    const run = await invoke({ bodies: CASE_LIFE_BODIES });
    expect(run.failed).to.deep.equal([]);
    expect(run.recorded.map((row) => row.eventId)).to.have.members([CREATED, UPDATED, COMMENTED, CLOSED, DELETED, LINKED, SLA_MET]);
    expect(run.lakeRows.map((record) => record.row.event_id)).to.have.members([CREATED, UPDATED, COMMENTED, CLOSED, DELETED, LINKED, SLA_MET]);
    expect(run.published.map((alert) => alert.body.eventId)).to.have.members([CREATED, CLOSED, DELETED]);
    expect(run.calls.sent).to.have.members([CREATED, CLOSED, DELETED]);
    expect(run.calls.released).to.deep.equal([]);
    expect([Metric.EventsStored, Metric.LakeRowsSent, Metric.AlertsSent, Metric.FailedRecords].map(run.count)).to.deep.equal([7, 7, 3, 0]);
  });

  it("stores one case's events in change order, whatever order the batch holds them in", async () => {
    const run = await invoke({ bodies: [...CASE_LIFE_BODIES].reverse() });
    expect(run.recorded.map((row) => row.eventId)).to.deep.equal([CREATED, LINKED, UPDATED, COMMENTED, CLOSED, SLA_MET, DELETED]);
  });

  it("reports a record that is not a Cases event as failed, for the DLQ, and stores its neighbours", async () => {
    const run = await invoke({ bodies: ["not json", ...CASE_LIFE_BODIES.slice(0, 2)] });
    expect(run.failed).to.deep.equal(["not json"]);
    expect(run.recorded.map((row) => row.eventId)).to.deep.equal([CREATED, UPDATED]);
    expect(run.count(Metric.InvalidEvents)).to.equal(1);
  });

  it("fails only the record whose alert SNS refused, and gives up its lease so the redelivery sends it at once", async () => {
    const run = await invoke({ bodies: CASE_LIFE_BODIES, failAlertsOf: new Set([CLOSED]) });
    expect(run.failed).to.deep.equal([CLOSED]);
    expect(run.calls.released).to.deep.equal([CLOSED]);
    expect(run.calls.sent).to.have.members([CREATED, DELETED]);
    expect([Metric.AlertsSent, Metric.AlertsFailed].map(run.count)).to.deep.equal([2, 1]);
  });

  it("fails the record whose lake row Firehose refused; its alert waits for the retry, lease given up", async () => {
    const run = await invoke({ bodies: CASE_LIFE_BODIES, failLakeRowsOf: new Set([CREATED]) });
    expect(run.failed).to.deep.equal([CREATED]);
    expect(run.published.map((alert) => alert.body.eventId)).to.have.members([CLOSED, DELETED]);
    expect(run.calls.released).to.deep.equal([CREATED]);
    expect(run.count(Metric.LakeRowsFailed)).to.equal(1);
  });

  it("fails a case's later events with an earlier one that could not be stored; other cases go on", async () => {
    const otherCase = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
    const other = ["01-case-created.json", "02-case-updated-field.json"].map((file) => forCase(file, otherCase));
    const run = await invoke({ bodies: [...CASE_LIFE_BODIES, ...other], store: fakeStore({ failFor: new Set([UPDATED]) }) });
    // 06 (the call linked) is older than the update: it was stored before the failure.
    expect(run.failed).to.have.members([UPDATED, COMMENTED, CLOSED, SLA_MET, DELETED]);
    expect(run.recorded.map((row) => row.eventId)).to.have.members([CREATED, LINKED, ...other.map(eventIdOf)]);
  });

  it("on a redelivery, resends the lake row of an event stored before and sends its pending alert once its owner is gone", async () => {
    const first = await invoke({ bodies: [CASE_LIFE_BODIES[0]], failAlertsOf: new Set([CREATED]) });
    const run = await invoke({ bodies: [CASE_LIFE_BODIES[0]], store: fakeStore({ stored: first.recorded }), receiveCount: 2 });
    expect(run.failed).to.deep.equal([]);
    expect(run.calls.claimed).to.deep.equal([CREATED]);
    expect(run.published.map((alert) => alert.body.eventId)).to.deep.equal([CREATED]);
    expect(run.lakeRows.map((record) => record.row.event_id)).to.deep.equal([CREATED]);
    expect(run.count(Metric.DuplicatesSkipped)).to.equal(1);
  });

  it("retries later a redelivered event whose alert another invocation may still be sending, without holding back its case", async () => {
    const first = await invoke({ bodies: [CASE_LIFE_BODIES[0]], failAlertsOf: new Set([CREATED]) });
    const run = await invoke({ bodies: CASE_LIFE_BODIES.slice(0, 2), store: fakeStore({ stored: first.recorded }), outbox: fakeOutbox({ claimable: false }), receiveCount: 2 });
    expect(run.failed).to.deep.equal([CREATED]);
    expect(run.published).to.deep.equal([]);
    expect(run.recorded.map((row) => row.eventId)).to.deep.equal([UPDATED]);
  });

  it("neither alerts again nor resends the lake row of an event whose alert went out", async () => {
    const first = await invoke({ bodies: [CASE_LIFE_BODIES[0]] });
    const run = await invoke({ bodies: [CASE_LIFE_BODIES[0]], store: fakeStore({ stored: first.recorded }), outbox: fakeOutbox({ sent: [CREATED] }), receiveCount: 2 });
    expect(run.failed).to.deep.equal([]);
    expect(run.published).to.deep.equal([]);
    expect(run.lakeRows).to.deep.equal([]);
  });
});
