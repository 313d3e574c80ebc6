import { expect } from "chai";
import { DEFAULT_ALERT_RULES, matchingRules } from "../../handler/alerts/alertRules";
import { relatedCountAttribute } from "../../handler/store/relatedItems";
import type { CaseEvent } from "../../handler/types";
import type { Fault } from "../../local/aws/faultProxy";
import { deliverLikeSqs, generateWorkload } from "../../local/workload/generate";
import { SAMPLE_DOMAIN_ID } from "../../local/workload/sampleDomain";
import { seededRandom } from "../../local/workload/random";
import { bodyFor } from "../../local/aws/snsStandIn";
import { driveQueue, toMessages } from "../../local/lambda/sqsDriver";
import { caseRows, parseSample, resetPipeline, sampleBody } from "../helpers/fixtures";

const FAULT_RATE = 0.05;
const FAULTS: Fault[] = ["throttle", "server-error", "timeout"];
const MAX_RECEIVE_COUNT = 5;

/** The event that decides a case's state: its latest CASE.* event, and the latest one carrying fields. */
function expectedStates(events: CaseEvent[]) {
  const latest = new Map<string, { last?: CaseEvent; withFields?: CaseEvent }>();
  for (const event of [...events].sort((a, b) => (a.orderKey < b.orderKey ? -1 : 1))) {
    if (event.family !== "CASE") continue;
    const entry = latest.get(event.caseId) ?? {};
    entry.last = event;
    if (event.fields) entry.withFields = event;
    latest.set(event.caseId, entry);
  }
  return latest;
}

/** Live related items per type: created and not deleted. */
function relatedCounts(events: CaseEvent[]): Map<string, number> {
  const live = new Map<string, Set<string>>();
  const deleted = new Set(events.filter((event) => event.eventType === "RELATED_ITEM.DELETED").map((event) => event.relatedItem!.id));
  for (const event of events.filter((candidate) => candidate.eventType === "RELATED_ITEM.CREATED")) {
    const ids = live.get(event.relatedItem!.type) ?? new Set<string>();
    if (!deleted.has(event.relatedItem!.id)) ids.add(event.relatedItem!.id);
    live.set(event.relatedItem!.type, ids);
  }
  return new Map([...live].map(([type, ids]) => [type, ids.size]));
}

describe("fault injection: ~1,000 events, duplicates, reordering and ~5% failed requests", function () {
  this.timeout(120_000);

  it("loses nothing, stores each event once, alerts each alerting event, and dead-letters only bad input", async () => {
    const local = await resetPipeline();
    const generated = generateWorkload({ cases: 150, seed: 42, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => JSON.stringify(event));
    const malformed = [sampleBody("92-not-json.txt"), sampleBody("90-other-domain.json"), sampleBody("91-missing-case.json")];
    const deliveries = deliverLikeSqs([...generated, ...malformed], 42, 0.2);
    expect(generated.length).to.be.within(900, 1_200);

    const random = seededRandom(99);
    for (const proxy of [local.proxies.dynamodb, local.proxies.sns]) {
      for (const fault of FAULTS) proxy.inject({ when: () => random() < FAULT_RATE / FAULTS.length, fault });
    }
    const messages = toMessages(deliveries);
    const result = await driveQueue(messages, (event) => local.host.invoke(event), {
      batchSize: 10,
      concurrency: 4,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      visibilityTimeoutMs: local.artifact.timeoutSeconds * 1000,
    });
    for (const proxy of Object.values(local.proxies)) proxy.clear();
    const injected = local.proxies.dynamodb.injected + local.proxies.sns.injected;
    expect(injected, "faults injected").to.be.greaterThan(20);

    // Only the bad input (and its SQS duplicates) reaches the DLQ, after the configured number of receives.
    expect(new Set(result.deadLetters.map((message) => message.body))).to.deep.equal(new Set(malformed));
    expect(new Set(result.deadLetters.map((message) => message.receiveCount))).to.deep.equal(new Set([MAX_RECEIVE_COUNT]));

    const events = generated.map((body) => parseSample(body));
    const byCase = new Map<string, CaseEvent[]>();
    for (const event of events) byCase.set(event.caseId, [...(byCase.get(event.caseId) ?? []), event]);
    const expected = expectedStates(events);
    for (const [caseId, caseEvents] of byCase) {
      const { state, history } = await caseRows(local, caseId);
      // Exactly one history row per unique event.
      expect(history.map((row) => row.eventId).sort(), caseId).to.deep.equal(caseEvents.map((event) => event.eventId).sort());
      const { last, withFields } = expected.get(caseId)!;
      expect(state?.lastEventId, caseId).to.equal(last!.eventId);
      expect(state?.deleted, caseId).to.equal(last!.eventType === "CASE.DELETED");
      expect(state?.fields, caseId).to.deep.equal(withFields!.fields);
      // Related items counted once each, and counted down when deleted, whatever the order.
      for (const [type, count] of relatedCounts(caseEvents)) expect(state?.[relatedCountAttribute(type)] ?? 0, `${caseId} ${type}`).to.equal(count);
    }

    // Every alerting event alerted at least once; twice only if a fault hit a request carrying it.
    const alerted = local.sns.delivered.map((message) => JSON.parse(bodyFor(message, "sqs")).eventId as string);
    const alerting = events.filter((event) => matchingRules(event, DEFAULT_ALERT_RULES).length > 0).map((event) => event.eventId);
    expect(new Set(alerted)).to.deep.equal(new Set(alerting));
    const faultedBodies = [...local.proxies.sns.faulted, ...local.proxies.dynamodb.faulted]
      .map((request) => decodeURIComponent(request.body.replace(/\+/g, " ")));
    const twice = [...new Set(alerted.filter((id, index) => alerted.indexOf(id) !== index))];
    for (const eventId of twice) {
      expect(faultedBodies.some((body) => body.includes(eventId)), `${eventId} alerted twice without a fault`).to.equal(true);
    }
  });
});
