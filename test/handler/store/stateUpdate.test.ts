import { expect } from "chai";
import { applyToState, fieldChanges, relatedCountAttribute, stateUpdate } from "../../../handler/store/stateUpdate";
import type { CaseState } from "../../../handler/types";
import { parsedSample, parseSample, sampleWith } from "../../helpers/fixtures";

/** DynamoDB's reserved words that our attributes use: they must appear only as #placeholders. */
const RESERVED = ["status", "fields", "name", "comment", "data", "count", "date", "user", "value", "deleted"];

describe("the data model", () => {
  describe("state updates", () => {
    it("write every attribute through placeholders, so reserved words never reach an expression", () => {
      for (const file of ["01-case-created.json", "04-case-closed.json", "05-case-deleted.json", "03-comment-added.json"]) {
        const update = stateUpdate(parsedSample(file), undefined)!.spec;
        const expressions = `${update.UpdateExpression} ${update.ConditionExpression ?? ""}`;
        for (const word of RESERVED) expect(expressions, file).not.to.match(new RegExp(`(^|[^#:\\w])${word}\\b`));
      }
    });

    it("apply a case change only if it is newer than the state, by change time then event id", () => {
      const update = stateUpdate(parsedSample("02-case-updated-field.json"), undefined)!;
      expect(update.spec.ConditionExpression).to.equal(
        "attribute_not_exists(#lastChangeAt) OR #lastChangeAt < :changedAt OR (#lastChangeAt = :changedAt AND #lastEventId < :eventId)");
      expect(update.fallback).to.be.a("function");
    });

    it("skip the request when the state read already holds this event or a newer one", () => {
      const closed = applyToState(applyToState(undefined, parsedSample("01-case-created.json")), parsedSample("04-case-closed.json"));
      expect(stateUpdate(parsedSample("04-case-closed.json"), closed)).to.equal(undefined);
      expect(stateUpdate(parsedSample("02-case-updated-field.json"), closed)).to.equal(undefined);
    });

    it("count a related item once, whatever the order and however often it is delivered", () => {
      const { spec, fallback } = stateUpdate(parsedSample("03-comment-added.json"), undefined)!;
      expect(spec.UpdateExpression).to.equal("SET #caseId = :caseId ADD #relatedCommentCount :relatedCommentCount, #relatedItemIds :relatedItemIds");
      expect(spec.ConditionExpression).to.equal("NOT contains(#relatedItemIds, :itemId) AND NOT contains(#deletedRelatedItemIds, :itemId)");
      expect(spec.ExpressionAttributeValues).to.deep.include({ ":relatedCommentCount": 1, ":itemId": "c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01" });
      expect(fallback).to.equal(undefined);
      expect(relatedCountAttribute("connect-case")).to.equal("relatedConnectcaseCount");
      const counted: CaseState = { caseId: "c", relatedItemIds: new Set(["c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01"]) };
      expect(stateUpdate(parsedSample("03-comment-added.json"), counted)).to.equal(undefined);
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
      const update = stateUpdate(parsedSample("04-case-closed.json"), undefined)!.spec;
      expect(update.ExpressionAttributeValues).to.deep.include({ ":closedAt": "2026-11-21T16:40:08.004Z", ":timeToCloseSeconds": 113_106 });
    });

    it("clear the close time when a case is reopened", () => {
      expect(stateUpdate(parsedSample("02-case-updated-field.json"), undefined)!.spec.UpdateExpression).to.match(/REMOVE #closedAt, #timeToCloseSeconds/);
    });

    it("move a deleted case to the 'deleted' status key but keep its fields", () => {
      const update = stateUpdate(parsedSample("05-case-deleted.json"), undefined)!.spec;
      expect(update.ExpressionAttributeValues).to.deep.include({ ":deleted": true, ":statusIndexKey": "deleted" });
      expect(update.UpdateExpression).not.to.include("#fields");
    });

    it("fall back to the field values alone for an event older than the state but newer than its fields", () => {
      const fallback = stateUpdate(parsedSample("04-case-closed.json"), undefined)!.fallback!;
      const deletedLater: CaseState = { caseId: "c", deleted: true, lastChangeAt: "2026-11-22T08:00:00.713Z", lastEventId: "x", fieldsChangeKey: "2026-11-20T09:15:02.120Z#e" };
      const narrower = fallback(deletedLater)!.spec;
      expect(narrower.ConditionExpression).to.equal("attribute_not_exists(#fieldsChangeKey) OR #fieldsChangeKey < :fieldsChangeKey");
      expect(narrower.UpdateExpression).to.include("#fields = :fields").and.not.include("#lastChangeAt").and.not.include("#statusIndexKey");
      expect(fallback({ ...deletedLater, fieldsChangeKey: "2026-11-23T00:00:00.000Z#z" })).to.equal(undefined);
    });

    it("report field changes with their previous values when the state before is known", () => {
      const state = applyToState(undefined, parsedSample("01-case-created.json"));
      expect(fieldChanges(parsedSample("02-case-updated-field.json"), state)).to.deep.equal([{ fieldId: "priority-4c1d", from: "high", to: "urgent" }]);
      expect(fieldChanges(parsedSample("04-case-closed.json"), undefined)).to.deep.equal([{ fieldId: "status", from: undefined, to: "closed" }]);
    });
  });
});
