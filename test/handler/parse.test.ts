import { expect } from "chai";
import { isInvalidEvent } from "../../handler/errors";
import { eventFamily, flattenFieldValue, parseCaseEvent } from "../../handler/parse";
import { SAMPLE_DOMAIN_ID } from "../../local/workload/sampleDomain";
import { parseSample, SAMPLE_CASE_ID, sampleBody, sampleEvent, sampleWith } from "../helpers/fixtures";

const reasonFor = (body: string) => {
  try {
    parseSample(body);
  } catch (error) {
    if (isInvalidEvent(error)) return error.reason;
    throw error;
  }
  return "(parsed)";
};

describe("parsing a Cases event", () => {
  it("normalises a CASE.CREATED event with every field value type", () => {
    const event = parseSample(sampleBody("01-case-created.json"));
    expect(event).to.deep.include({
      eventId: "e1a0c6f4-1b2c-4d3e-8f4a-5b6c7d8e9f01",
      eventType: "CASE.CREATED",
      family: "CASE",
      caseId: SAMPLE_CASE_ID,
      domainId: SAMPLE_DOMAIN_ID,
      changedAt: "2026-11-20T09:15:02.120Z",
      orderKey: "2026-11-20T09:15:02.120Z#e1a0c6f4-1b2c-4d3e-8f4a-5b6c7d8e9f01",
      templateId: "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
      createdAt: "2026-11-20T09:15:02.120Z",
    });
    expect(event.performedBy).to.match(/user\/a1b2c3d4-0000-4000-8000-000000000001$/);
    expect(event.fields).to.deep.include({ status: "open", "refund-amount-9e2a": 25.5, "vip-7f3b": true });
    expect(event.fields!.assigned_user).to.match(/^arn:aws:connect:/);
  });

  it("takes a related item's case id and type, and its changed attributes", () => {
    const event = parseSample(sampleBody("03-comment-added.json"));
    expect(event).to.deep.include({ family: "RELATED_ITEM", caseId: SAMPLE_CASE_ID });
    expect(event.relatedItem).to.deep.include({ type: "Comment", id: "c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01", createdAt: "2026-11-20T10:05:11.900Z" });
    expect(event.changedFieldIds).to.deep.equal(["comment.commentText"]);
    expect(event.fields).to.equal(undefined);
  });

  it("falls back to the case ARN in resources for the case id", () => {
    const raw = sampleEvent("05-case-deleted.json");
    delete raw.detail.case;
    expect(parseSample(JSON.stringify(raw)).caseId).to.equal(SAMPLE_CASE_ID);
  });

  it("classifies event types by family, whatever the docs' spelling", () => {
    expect(["CASE.CREATED", "RELATED_ITEM.CREATED", "CASE.RELATED_ITEM.DELETED", "SLA.BREACHED"].map(eventFamily))
      .to.deep.equal(["CASE", "RELATED_ITEM", "RELATED_ITEM", "OTHER"]);
  });

  it("flattens the value union, including empty values and members AWS may add", () => {
    expect([{ stringValue: "a" }, { doubleValue: 2 }, { booleanValue: false }, { emptyValue: {} }, { userArnValue: "arn:x" }, { dateValue: "2026" }, {}]
      .map(flattenFieldValue)).to.deep.equal(["a", 2, false, null, "arn:x", "2026", null]);
  });

  it("names what is wrong with bad input, without field values", () => {
    const created = sampleEvent("01-case-created.json");
    expect(reasonFor("this is not json {")).to.equal("body is not JSON");
    expect(reasonFor("[1,2]")).to.equal("body is not a JSON object");
    expect(reasonFor(JSON.stringify({ ...created, source: "aws.s3" }))).to.match(/not an Amazon Connect Cases event/);
    expect(reasonFor(JSON.stringify({ ...created, id: "" }))).to.equal("event id is missing");
    expect(reasonFor(sampleBody("90-other-domain.json"))).to.equal(`event is for domain 00000000-1111-4222-8333-444444444444, this stack handles ${SAMPLE_DOMAIN_ID}`);
    expect(reasonFor(JSON.stringify({ ...created, detail: { ...created.detail, approximateChangeTime: "yesterday" } }))).to.match(/approximateChangeTime/);
    const noCase = { ...created, resources: [created.resources[0]], detail: { ...created.detail, case: undefined } };
    expect(reasonFor(JSON.stringify(noCase))).to.match(/case id is missing/);
    expect(reasonFor(JSON.stringify({ ...created, padding: "x".repeat(200_001) }))).to.match(/larger than 200000 bytes/);
    expect(reasonFor(sampleBody("91-missing-case.json"))).to.equal("resources hold no Cases domain ARN");
  });
  const withDetail = (changes: Record<string, unknown>) => sampleWith("01-case-created.json", (event) => Object.assign(event.detail, changes));

  it("accepts only full ISO-8601 date-times with a zone, and real calendar dates", () => {
    for (const time of ["Nov 20 2026", "2026-11-20", "2026-11-20 09:15:02Z", "2026-02-30T00:00:00Z", "2026-11-20T25:00:00Z", "2026-11-20T09:15:02", "9999-99-99T00:00:00Z"]) {
      expect(reasonFor(withDetail({ approximateChangeTime: time })), time).to.match(/approximateChangeTime is missing or not an ISO-8601 date-time/);
    }
    expect(parseSample(withDetail({ approximateChangeTime: "2026-11-20T10:15:02.1+01:00" })).changedAt).to.equal("2026-11-20T09:15:02.100Z");
    const badCreated = sampleWith("01-case-created.json", (event) => (event.detail.case.createdDateTime = "20/11/2026"));
    expect(reasonFor(badCreated)).to.match(/createdDateTime is missing or not an ISO-8601/);
  });

  it("refuses an event dated further in the future than the allowed clock skew", () => {
    const options = { domainId: SAMPLE_DOMAIN_ID, maxFutureSkewMs: 300_000, now: Date.parse("2026-11-20T09:00:00Z") };
    expect(() => parseCaseEvent(withDetail({ approximateChangeTime: "9999-12-31T23:59:59Z" }), options)).to.throw(/more than 300 s in the future/);
    expect(() => parseCaseEvent(withDetail({ approximateChangeTime: "2026-11-20T09:06:00Z" }), options)).to.throw(/in the future/);
    expect(parseCaseEvent(withDetail({ approximateChangeTime: "2026-11-20T09:04:00Z" }), options).changedAt).to.equal("2026-11-20T09:04:00.000Z");
  });

  it("refuses an event whose detail names another case than its resources", () => {
    const forged = sampleWith("01-case-created.json", (event) => (event.detail.case.caseId = "11111111-2222-4333-8444-555555555555"));
    expect(reasonFor(forged)).to.equal("the case id in detail differs from the case ARN in resources");
    const forgedComment = sampleWith("03-comment-added.json", (event) => (event.detail.relatedItem.caseId = "11111111-2222-4333-8444-555555555555"));
    expect(reasonFor(forgedComment)).to.equal("the case id in detail differs from the case ARN in resources");
  });

  it("refuses ids too long for a DynamoDB key", () => {
    expect(reasonFor(sampleWith("01-case-created.json", (event) => (event.id = "e".repeat(513))))).to.equal("event id is longer than 512 bytes");
  });

  it("de-duplicates changed field ids, keeping their order", () => {
    expect(parseSample(withDetail({ changedFieldIds: ["status", "title", "status", "title", "priority-4c1d"] })).changedFieldIds)
      .to.deep.equal(["status", "title", "priority-4c1d"]);
  });

  it("treats field ids such as __proto__, constructor and toString as plain data", () => {
    const created = sampleEvent("01-case-created.json");
    const body = JSON.stringify(created)
      .replace(/"status":\{/, '"__proto__":{"value":{"stringValue":"p"}},"constructor":{"value":{"doubleValue":7}},"toString":{"value":{"booleanValue":true}},"status":{');
    const event = parseSample(body);
    expect(Object.getPrototypeOf(event.fields)).to.equal(null);
    expect(Object.hasOwn(event.fields!, "__proto__")).to.equal(true);
    expect([event.fields!["__proto__"], event.fields!.constructor, event.fields!.toString]).to.deep.equal(["p", 7, true]);
    expect(event.fields!.status).to.equal("open");
  });

  it("keeps any double exactly, beyond 2^53 and beyond DynamoDB's range", () => {
    for (const value of [1e16, 2 ** 53 + 2, 1.7976931348623157e308, 5e-324, -0.30000000000000004]) {
      const body = JSON.stringify(sampleEvent("01-case-created.json")).replace('"doubleValue":25.5', `"doubleValue":${JSON.stringify(value)}`);
      expect(parseSample(body).fields!["refund-amount-9e2a"], String(value)).to.equal(value);
    }
  });
});
