import { expect } from "chai";
import { historyRow } from "../../../handler/store/historyRow";
import { nestingDepth } from "../../../handler/store/itemSize";
import { unstorableReason } from "../../../handler/store/storable";
import { applyToState, fieldChanges, stateUpdate } from "../../../handler/store/stateUpdate";
import { parsedSample, parseSample, PLAIN_HISTORY, sampleEvent } from "../../helpers/fixtures";

describe("the data model", () => {
  describe("storability", () => {
    it("refuses an event whose history row DynamoDB would refuse, before anything is written", () => {
      const event = parsedSample("04-case-closed.json");
      const huge = historyRow(event, { ...PLAIN_HISTORY, changes: Array.from({ length: 3_000 }, (_, i) => ({ fieldId: `f-${i}-${"x".repeat(100)}`, from: "a".repeat(300), to: "b".repeat(300) })) });
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
      const row = historyRow(event, { ...PLAIN_HISTORY, changes: fieldChanges(event, state), alertRules: ["case-created"] });
      expect(unstorableReason(row, stateUpdate(event, undefined))).to.equal(undefined);
    });
  });
});
