import { expect } from "chai";
import { applyToState, fieldChanges, historyItem, relatedCountAttribute, stateUpdate } from "../handler/model";
import { parseCaseEvent } from "../handler/parse";
import { SAMPLE_DOMAIN_ID } from "../local/localPipeline";
import { sampleBody } from "./helpers/fixtures";

const parsed = (file: string) => parseCaseEvent(sampleBody(file), SAMPLE_DOMAIN_ID);
/** DynamoDB's reserved words that our attributes use: they must appear only as #placeholders. */
const RESERVED = ["status", "fields", "name", "comment", "data", "count", "date", "user", "value", "deleted"];

describe("the data model", () => {
  it("keys history rows by change time and event id, with the day for the byDay index and a TTL", () => {
    const event = parsed("04-case-closed.json");
    const item = historyItem(event, { changes: [], alertRules: ["status-changed"], retentionDays: 30, alertLeaseUntil: 1 });
    expect(item).to.deep.include({
      pk: `CASE#${event.caseId}`,
      sk: `EVENT#2026-11-21T16:40:08.004Z#${event.eventId}`,
      eventDay: "2026-11-21",
      status: "closed",
      alertStatus: "PENDING",
      alertRules: ["status-changed"],
      expiresAt: Math.floor(Date.parse("2026-11-21T16:40:08.004Z") / 1000) + 30 * 86_400,
    });
  });

  it("keeps history forever and marks no alert when neither is configured", () => {
    const item = historyItem(parsed("02-case-updated-field.json"), { changes: [], alertRules: [], retentionDays: 0, alertLeaseUntil: 1 });
    expect(item).not.to.have.any.keys("expiresAt", "alertStatus");
  });

  it("writes every attribute through placeholders, so reserved words never reach an expression", () => {
    for (const file of ["01-case-created.json", "04-case-closed.json", "05-case-deleted.json", "03-comment-added.json"]) {
      const update = stateUpdate(parsed(file), undefined)!.spec;
      const expressions = `${update.UpdateExpression} ${update.ConditionExpression ?? ""}`;
      for (const word of RESERVED) expect(expressions, file).not.to.match(new RegExp(`(^|[^#:\\w])${word}\\b`));
    }
  });

  it("applies a case change only if it is newer than the state", () => {
    const update = stateUpdate(parsed("02-case-updated-field.json"), undefined)!;
    expect(update.kind).to.equal("latest-wins");
    expect(update.spec.ConditionExpression).to.equal("attribute_not_exists(#lastChangeKey) OR #lastChangeKey < :orderKey");
  });

  it("counts related items by type without an order condition (counts commute)", () => {
    const { kind, spec: update } = stateUpdate(parsed("03-comment-added.json"), undefined)!;
    expect(kind).to.equal("commutative");
    expect(update.ConditionExpression).to.equal(undefined);
    expect(update.UpdateExpression).to.include("ADD #relatedCommentCount :relatedCommentCount");
    expect(update.ExpressionAttributeValues[":relatedCommentCount"]).to.equal(1);
    expect(relatedCountAttribute("connect-case")).to.equal("relatedConnectcaseCount");
  });

  it("stores time to close when a case is closed, from its creation time", () => {
    const update = stateUpdate(parsed("04-case-closed.json"), undefined)!.spec;
    expect(update.ExpressionAttributeValues).to.deep.include({ ":closedAt": "2026-11-21T16:40:08.004Z", ":timeToCloseSeconds": 113_106 });
  });

  it("clears the close time when a case is reopened", () => {
    expect(stateUpdate(parsed("02-case-updated-field.json"), undefined)!.spec.UpdateExpression).to.match(/REMOVE #closedAt, #timeToCloseSeconds/);
  });

  it("moves a deleted case to the 'deleted' status key but keeps its fields", () => {
    const update = stateUpdate(parsed("05-case-deleted.json"), undefined)!.spec;
    expect(update.ExpressionAttributeValues).to.deep.include({ ":deleted": true, ":statusIndexKey": "deleted" });
    expect(update.UpdateExpression).not.to.include("#fields");
  });

  it("in fields scope, updates only the field values of a deleted case, guarded by their own key", () => {
    const update = stateUpdate(parsed("04-case-closed.json"), { caseId: "c", deleted: true }, "fields")!.spec;
    expect(update.ConditionExpression).to.equal("attribute_not_exists(#fieldsChangeKey) OR #fieldsChangeKey < :orderKey");
    expect(update.UpdateExpression).to.include("#fields = :fields").and.not.include("#lastChangeKey").and.not.include("#statusIndexKey");
  });

  it("reports field changes with their previous values when the state before is known", () => {
    const created = parsed("01-case-created.json");
    const state = applyToState(undefined, created);
    expect(fieldChanges(parsed("02-case-updated-field.json"), state)).to.deep.equal([
      { fieldId: "priority-4c1d", from: "high", to: "urgent" },
    ]);
    expect(fieldChanges(parsed("04-case-closed.json"), undefined)).to.deep.equal([{ fieldId: "status", from: undefined, to: "closed" }]);
  });
});
