import { gunzipSync } from "node:zlib";
import { expect } from "chai";
import { historyRow } from "../../../handler/store/historyRow";
import { itemBytes } from "../../../handler/store/itemSize";
import { applyToState, fieldChanges } from "../../../handler/store/stateUpdate";
import { parsedSample, parseSample, PLAIN_HISTORY, sampleEvent, sampleWith } from "../../helpers/fixtures";

describe("the data model", () => {
  describe("history rows", () => {
    it("are keyed by change time and event id, with a TTL and an alert's owner and lease when configured", () => {
      const event = parsedSample("04-case-closed.json");
      const row = historyRow(event, { ...PLAIN_HISTORY, alertRules: ["status-changed"], retentionDays: 30, alertLease: { owner: "request-1", until: 5 } });
      expect(row).to.deep.include({
        pk: `CASE#${event.caseId}`,
        sk: `EVENT#2026-11-21T16:40:08.004Z#${event.eventId}`,
        status: "closed",
        alertOwner: "request-1",
        alertLeaseUntil: 5,
        alertRules: ["status-changed"],
        expiresAt: Math.floor(Date.parse("2026-11-21T16:40:08.004Z") / 1000) + 30 * 86_400,
      });
    });

    it("keep history forever and mark no alert when neither is configured", () => {
      expect(historyRow(parsedSample("02-case-updated-field.json"), PLAIN_HISTORY)).not.to.have.any.keys("expiresAt", "alertOwner", "alertLeaseUntil");
    });

    it("key a related item's creation and deletion by the item, so each is stored once whichever event reports it", () => {
      const created = parsedSample("03-comment-added.json");
      expect(historyRow(created, PLAIN_HISTORY)).to.include({ sk: "ITEM#c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01#CREATED", eventId: created.eventId });
      const deleted = parseSample(sampleWith("03-comment-added.json", (sample) => (sample.detail.eventType = "RELATED_ITEM.DELETED")));
      expect(historyRow(deleted, PLAIN_HISTORY).sk).to.equal("ITEM#c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01#DELETED");
      const updated = parseSample(sampleWith("03-comment-added.json", (sample) => (sample.detail.eventType = "RELATED_ITEM.UPDATED")));
      expect(historyRow(updated, PLAIN_HISTORY).sk).to.equal(`EVENT#${updated.orderKey}`);
    });

    it("leave the raw event to the lake, and keep it compressed only when there is no lake", () => {
      const event = parsedSample("01-case-created.json");
      expect(historyRow(event, PLAIN_HISTORY).detailGzip).to.equal(undefined);
      const kept = historyRow(event, { ...PLAIN_HISTORY, keepDetail: true }).detailGzip as Uint8Array;
      expect(JSON.parse(gunzipSync(kept).toString())).to.deep.equal(sampleEvent("01-case-created.json").detail);
    });

    it("stay under one write unit for a typical update, and cap long values as alerts show them", () => {
      const event = parsedSample("04-case-closed.json");
      expect(itemBytes(historyRow(event, { ...PLAIN_HISTORY, changes: fieldChanges(event, applyToState(undefined, parsedSample("01-case-created.json"))) }))).to.be.below(1024);
      const row = historyRow(event, { ...PLAIN_HISTORY, changes: [{ fieldId: "title", from: "a".repeat(5_000), to: "b" }] });
      expect((row.changes as { from: string }[])[0].from).to.have.length(300);
    });
  });
});
