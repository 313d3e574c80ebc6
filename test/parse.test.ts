import { expect } from "chai";
import { isInvalidEvent } from "../handler/errors";
import { eventFamily, flattenFieldValue, parseCaseEvent } from "../handler/parse";
import { SAMPLE_DOMAIN_ID } from "../local/localPipeline";
import { SAMPLE_CASE_ID, sampleBody, sampleEvent } from "./helpers/fixtures";

const reasonFor = (body: string) => {
  try {
    parseCaseEvent(body, SAMPLE_DOMAIN_ID);
  } catch (error) {
    if (isInvalidEvent(error)) return error.reason;
    throw error;
  }
  return "(parsed)";
};

describe("parsing a Cases event", () => {
  it("normalises a CASE.CREATED event with every field value type", () => {
    const event = parseCaseEvent(sampleBody("01-case-created.json"), SAMPLE_DOMAIN_ID);
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
    const event = parseCaseEvent(sampleBody("03-comment-added.json"), SAMPLE_DOMAIN_ID);
    expect(event).to.deep.include({ family: "RELATED_ITEM", caseId: SAMPLE_CASE_ID, relatedItem: { type: "Comment", id: "c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01" } });
    expect(event.changedFieldIds).to.deep.equal(["comment.commentText"]);
    expect(event.fields).to.equal(undefined);
  });

  it("falls back to the case ARN in resources for the case id", () => {
    const raw = sampleEvent("05-case-deleted.json");
    delete raw.detail.case;
    expect(parseCaseEvent(JSON.stringify(raw), SAMPLE_DOMAIN_ID).caseId).to.equal(SAMPLE_CASE_ID);
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
});
