import { gunzipSync } from "node:zlib";
import { expect } from "chai";
import { fromAttributes, nullMap, toAttributes } from "../handler/store/attributeValues";
import { storedValue } from "../handler/fields";
import { historyRow } from "../handler/store/historyRow";
import { itemBytes, nestingDepth } from "../handler/store/itemSize";
import { unstorableReason } from "../handler/store/storable";
import { applyToState, fieldChanges, relatedCountAttribute, stateUpdate } from "../handler/store/stateUpdate";
import type { CaseState } from "../handler/types";
import { parseSample, sampleBody, sampleEvent, sampleWith } from "./helpers/fixtures";

const parsed = (file: string) => parseSample(sampleBody(file));
const options = { changes: [], alertRules: [], retentionDays: 0, alertLeaseUntil: 1, keepDetail: false };
/** DynamoDB's reserved words that our attributes use: they must appear only as #placeholders. */
const RESERVED = ["status", "fields", "name", "comment", "data", "count", "date", "user", "value", "deleted"];

describe("the data model", () => {
  describe("history rows", () => {
    it("are keyed by change time and event id, with a TTL and a pending alert when configured", () => {
      const event = parsed("04-case-closed.json");
      const row = historyRow(event, { ...options, alertRules: ["status-changed"], retentionDays: 30 });
      expect(row).to.deep.include({
        pk: `CASE#${event.caseId}`,
        sk: `EVENT#2026-11-21T16:40:08.004Z#${event.eventId}`,
        status: "closed",
        alertStatus: "PENDING",
        alertRules: ["status-changed"],
        expiresAt: Math.floor(Date.parse("2026-11-21T16:40:08.004Z") / 1000) + 30 * 86_400,
      });
    });

    it("keep history forever and mark no alert when neither is configured", () => {
      expect(historyRow(parsed("02-case-updated-field.json"), options)).not.to.have.any.keys("expiresAt", "alertStatus");
    });

    it("leave the raw event to the lake, and keep it compressed only when there is no lake", () => {
      const event = parsed("01-case-created.json");
      expect(historyRow(event, options).detailGzip).to.equal(undefined);
      const kept = historyRow(event, { ...options, keepDetail: true }).detailGzip as Uint8Array;
      expect(JSON.parse(gunzipSync(kept).toString())).to.deep.equal(sampleEvent("01-case-created.json").detail);
    });

    it("stay under one write unit for a typical update, and cap long values as alerts show them", () => {
      const event = parsed("04-case-closed.json");
      expect(itemBytes(historyRow(event, { ...options, changes: fieldChanges(event, applyToState(undefined, parsed("01-case-created.json"))) }))).to.be.below(1024);
      const row = historyRow(event, { ...options, changes: [{ fieldId: "title", from: "a".repeat(5_000), to: "b" }] });
      expect((row.changes as { from: string }[])[0].from).to.have.length(300);
    });
  });

  describe("state updates", () => {
    it("write every attribute through placeholders, so reserved words never reach an expression", () => {
      for (const file of ["01-case-created.json", "04-case-closed.json", "05-case-deleted.json", "03-comment-added.json"]) {
        const update = stateUpdate(parsed(file), undefined)!.spec;
        const expressions = `${update.UpdateExpression} ${update.ConditionExpression ?? ""}`;
        for (const word of RESERVED) expect(expressions, file).not.to.match(new RegExp(`(^|[^#:\\w])${word}\\b`));
      }
    });

    it("apply a case change only if it is newer than the state, by change time then event id", () => {
      const update = stateUpdate(parsed("02-case-updated-field.json"), undefined)!;
      expect(update.spec.ConditionExpression).to.equal(
        "attribute_not_exists(#lastChangeAt) OR #lastChangeAt < :changedAt OR (#lastChangeAt = :changedAt AND #lastEventId < :eventId)");
      expect(update.fallback).to.be.a("function");
    });

    it("skip the request when the state read already holds this event or a newer one", () => {
      const closed = applyToState(applyToState(undefined, parsed("01-case-created.json")), parsed("04-case-closed.json"));
      expect(stateUpdate(parsed("04-case-closed.json"), closed)).to.equal(undefined);
      expect(stateUpdate(parsed("02-case-updated-field.json"), closed)).to.equal(undefined);
    });

    it("count a related item once, whatever the order and however often it is delivered", () => {
      const { spec, fallback } = stateUpdate(parsed("03-comment-added.json"), undefined)!;
      expect(spec.UpdateExpression).to.equal("SET #caseId = :caseId ADD #relatedCommentCount :relatedCommentCount, #relatedItemIds :relatedItemIds");
      expect(spec.ConditionExpression).to.equal("NOT contains(#relatedItemIds, :itemId) AND NOT contains(#deletedRelatedItemIds, :itemId)");
      expect(spec.ExpressionAttributeValues).to.deep.include({ ":relatedCommentCount": 1, ":itemId": "c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01" });
      expect(fallback).to.equal(undefined);
      expect(relatedCountAttribute("connect-case")).to.equal("relatedConnectcaseCount");
      const counted: CaseState = { caseId: "c", relatedItemIds: new Set(["c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01"]) };
      expect(stateUpdate(parsed("03-comment-added.json"), counted)).to.equal(undefined);
    });

    it("count a related item down only if it was counted, and remember a deletion seen first", () => {
      const deleted = sampleWith("03-comment-added.json", (event) => (event.detail.eventType = "RELATED_ITEM.DELETED"));
      const { spec, fallback } = stateUpdate(parseSample(deleted), undefined)!;
      expect(spec.ConditionExpression).to.equal("contains(#relatedItemIds, :itemId)");
      expect(spec.ExpressionAttributeValues![":relatedCommentCount"]).to.equal(-1);
      expect(spec.UpdateExpression).to.include("DELETE #relatedItemIds");
      const remember = fallback!(undefined)!;
      expect(remember.spec.UpdateExpression).to.equal("SET #caseId = :caseId ADD #deletedRelatedItemIds :deletedRelatedItemIds");
      expect(remember.spec.ConditionExpression).to.equal("NOT contains(#relatedItemIds, :itemId)");
      // Its CREATED landed meanwhile: count it down after all.
      expect(remember.fallback!(undefined)!.spec).to.deep.equal(spec);
    });

    it("store time to close when a case is closed, from its creation time", () => {
      const update = stateUpdate(parsed("04-case-closed.json"), undefined)!.spec;
      expect(update.ExpressionAttributeValues).to.deep.include({ ":closedAt": "2026-11-21T16:40:08.004Z", ":timeToCloseSeconds": 113_106 });
    });

    it("clear the close time when a case is reopened", () => {
      expect(stateUpdate(parsed("02-case-updated-field.json"), undefined)!.spec.UpdateExpression).to.match(/REMOVE #closedAt, #timeToCloseSeconds/);
    });

    it("move a deleted case to the 'deleted' status key but keep its fields", () => {
      const update = stateUpdate(parsed("05-case-deleted.json"), undefined)!.spec;
      expect(update.ExpressionAttributeValues).to.deep.include({ ":deleted": true, ":statusIndexKey": "deleted" });
      expect(update.UpdateExpression).not.to.include("#fields");
    });

    it("fall back to the field values alone for an event older than the state but newer than its fields", () => {
      const fallback = stateUpdate(parsed("04-case-closed.json"), undefined)!.fallback!;
      const deletedLater: CaseState = { caseId: "c", deleted: true, lastChangeAt: "2026-11-22T08:00:00.713Z", lastEventId: "x", fieldsChangeKey: "2026-11-20T09:15:02.120Z#e" };
      const narrower = fallback(deletedLater)!.spec;
      expect(narrower.ConditionExpression).to.equal("attribute_not_exists(#fieldsChangeKey) OR #fieldsChangeKey < :fieldsChangeKey");
      expect(narrower.UpdateExpression).to.include("#fields = :fields").and.not.include("#lastChangeAt").and.not.include("#statusIndexKey");
      expect(fallback({ ...deletedLater, fieldsChangeKey: "2026-11-23T00:00:00.000Z#z" })).to.equal(undefined);
    });

    it("report field changes with their previous values when the state before is known", () => {
      const state = applyToState(undefined, parsed("01-case-created.json"));
      expect(fieldChanges(parsed("02-case-updated-field.json"), state)).to.deep.equal([{ fieldId: "priority-4c1d", from: "high", to: "urgent" }]);
      expect(fieldChanges(parsed("04-case-closed.json"), undefined)).to.deep.equal([{ fieldId: "status", from: undefined, to: "closed" }]);
    });
  });

  describe("attribute values", () => {
    it("round-trip maps whose keys are __proto__, constructor or toString", () => {
      const fields = nullMap<string | number>();
      fields["__proto__"] = "p";
      fields["constructor" as string] = 7;
      fields["toString" as string] = "t";
      const back = fromAttributes(toAttributes({ fields, ids: new Set(["a", "b"]), none: null }));
      expect(Object.keys(back.fields as object)).to.deep.equal(["__proto__", "constructor", "toString"]);
      expect(Object.hasOwn(back.fields as object, "__proto__")).to.equal(true);
      expect(back.ids).to.deep.equal(new Set(["a", "b"]));
    });

    it("keep a double DynamoDB cannot hold as its exact JSON text, and refuse one that slipped through", () => {
      expect([storedValue(1e300), storedValue(5e-324), storedValue(1e16), storedValue(-2.5)]).to.deep.equal(["1e+300", "5e-324", 1e16, -2.5]);
      expect(() => toAttributes({ n: 1e300 })).to.throw(/outside DynamoDB's range/);
    });
  });

  describe("storability", () => {
    it("refuses an event whose history row DynamoDB would refuse, before anything is written", () => {
      const event = parsed("04-case-closed.json");
      const huge = historyRow(event, { ...options, changes: Array.from({ length: 3_000 }, (_, i) => ({ fieldId: `f-${i}-${"x".repeat(100)}`, from: "a".repeat(300), to: "b".repeat(300) })) });
      expect(unstorableReason(huge, undefined)).to.match(/history row would be \d+ bytes, over DynamoDB's 400 KB item limit/);
      expect(nestingDepth({ a: [{ b: [1] }] })).to.equal(4);
    });

    it("still stores the largest legitimate event: 200 fields changed, long values", () => {
      const raw = sampleEvent("01-case-created.json");
      raw.detail.case.fields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field-${i}`, { value: { stringValue: "v".repeat(700) } }]));
      raw.detail.case.fields.title = { value: { stringValue: "t".repeat(1_000) } };
      raw.detail.changedFieldIds = Object.keys(raw.detail.case.fields);
      const event = parseSample(JSON.stringify(raw));
      const state = applyToState(undefined, event);
      const row = historyRow(event, { ...options, changes: fieldChanges(event, state), alertRules: ["case-created"] });
      expect(unstorableReason(row, stateUpdate(event, undefined))).to.equal(undefined);
    });
  });
});
