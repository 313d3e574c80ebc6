import { expect } from "chai";
import { applyToState, fieldChanges, type StateUpdate, stateUpdate } from "../../../handler/store/stateUpdate";
import type { CaseState } from "../../../handler/types";
import { expectPlaceholdersOnly } from "../../helpers/expressions";
import { parsedSample } from "../../helpers/fixtures";

describe("the data model", () => {
  describe("state updates", () => {
    it("write every attribute through placeholders, so reserved words never reach an expression", () => {
      for (const file of ["01-case-created.json", "04-case-closed.json", "05-case-deleted.json"]) {
        expectPlaceholdersOnly(stateUpdate(parsedSample(file), undefined)!.spec, file);
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
      const narrower = (fallback(deletedLater) as StateUpdate).spec;
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
