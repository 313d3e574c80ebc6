import { expect } from "chai";
import { renderAlert } from "../../../handler/alerts/alertRender";
import { packBatches, snsMessage, toBatchEntry } from "../../../handler/alerts/publish";
import { parsedSample } from "../../helpers/fixtures";

describe("alert messages for SNS", () => {
  it("builds a JSON message structure: the JSON body by default, text for email, the subject for SMS", () => {
    const alert = renderAlert({ event: parsedSample("01-case-created.json"), rules: ["case-created"], changes: [] });
    const structure = JSON.parse(snsMessage(alert));
    expect(Object.keys(structure).sort()).to.deep.equal(["default", "email", "sms"]);
    expect(JSON.parse(structure.default)).to.deep.include({ eventType: "CASE.CREATED", schema: "cases-data-streaming/alert@1" });
    expect(structure.email).to.equal(alert.text);
    expect(structure.sms).to.equal(alert.subject);
  });

  it("packs entries into PublishBatch requests of at most 10 entries and 256 KiB", () => {
    const small = renderAlert({ event: parsedSample("01-case-created.json"), rules: ["case-created"], changes: [] });
    const big = { ...small, text: "x".repeat(60_000) };
    expect(packBatches(Array.from({ length: 23 }, (_, i) => toBatchEntry(small, `a${i}`))).map((batch) => batch.length)).to.deep.equal([10, 10, 3]);
    // Each big entry carries its 60 KB text once (email): four fit in 256 KiB, a fifth does not.
    expect(packBatches(Array.from({ length: 6 }, (_, i) => toBatchEntry(big, `a${i}`))).map((batch) => batch.length)).to.deep.equal([4, 2]);
  });
});
