import { expect } from "chai";
import { renderAlert, sanitizeSubject } from "../handler/alerts/alertRender";
import { DEFAULT_ALERT_RULES, matchingRules, parseAlertRules } from "../handler/alerts/alertRules";
import { packBatches, snsMessage, toBatchEntry } from "../handler/alerts/publish";
import { CASE_LIFE, parseSample, sampleBody, sampleWith } from "./helpers/fixtures";

const parsed = (file: string) => parseSample(sampleBody(file));

describe("alert rules", () => {
  it("by default alert on creation, status changes and deletion only", () => {
    const alerting = CASE_LIFE.filter((file) => matchingRules(parsed(file), DEFAULT_ALERT_RULES).length > 0);
    expect(alerting).to.deep.equal(["01-case-created.json", "04-case-closed.json", "05-case-deleted.json"]);
  });

  it("can add comments and related items", () => {
    expect(matchingRules(parsed("03-comment-added.json"), ["comment-added", "related-item-added"])).to.deep.equal(["comment-added", "related-item-added"]);
    expect(matchingRules(parsed("06-call-linked.json"), ["comment-added", "related-item-added"])).to.deep.equal(["related-item-added"]);
  });

  it("distinguish a close from other updates", () => {
    expect(matchingRules(parsed("04-case-closed.json"), ["case-closed", "case-updated"])).to.deep.equal(["case-closed", "case-updated"]);
    expect(matchingRules(parsed("02-case-updated-field.json"), ["case-closed", "case-updated"])).to.deep.equal(["case-updated"]);
  });

  it("reject an unknown rule from the environment, listing the known ones", () => {
    expect(() => parseAlertRules("case-created,nope")).to.throw(/unknown alert rule\(s\) nope; known rules: case-created, status-changed/);
    expect(parseAlertRules("")).to.deep.equal([]);
  });
});

describe("alert rendering", () => {
  it("names a custom entity as the performer, not the IAM role it acted through", () => {
    const event = sampleWith("04-case-closed.json", (closed) => {
      closed.detail.performedBy = { user: { customEntity: "Returns portal" }, iamPrincipalArn: "arn:aws:iam::111122223333:role/PortalIntegration" };
    });
    const alert = renderAlert({ event: parseSample(event), rules: ["status-changed"], changes: [] });
    expect(alert.text).to.include("By:         Returns portal");
    expect(alert.body.performedBy).to.equal("Returns portal");
  });

  it("says what changed, from and to, who and when", () => {
    const alert = renderAlert({
      event: parsed("04-case-closed.json"),
      rules: ["status-changed"],
      changes: [{ fieldId: "status", from: "open", to: "closed" }],
    });
    expect(alert.subject).to.equal("[Case 40051277] Case closed: Parcel not delivered");
    expect(alert.text).to.include("Case 40051277: Case closed").and.include("Changed:    status: open → closed")
      .and.include("By:         arn:aws:connect:").and.include("When:       2026-11-21T16:40:08.004Z");
  });

  it("names a reopened case and an unknown previous value", () => {
    const reopened = renderAlert({ event: parsed("02-case-updated-field.json"), rules: [], changes: [{ fieldId: "status", from: "closed", to: "open" }] });
    expect(reopened.subject).to.include("Case reopened");
    const unknown = renderAlert({ event: parsed("02-case-updated-field.json"), rules: [], changes: [{ fieldId: "status", to: "pending" }] });
    expect(unknown.subject).to.include("Status (unknown) -> pending");
  });

  it("takes the title and reference of a related item's case from its state", () => {
    const alert = renderAlert({
      event: parsed("03-comment-added.json"),
      rules: ["comment-added"],
      changes: [],
      state: { caseId: "x", title: "Parcel not delivered", referenceNumber: "40051277", status: "open" },
    });
    expect(alert.subject).to.equal("[Case 40051277] Comment added: Parcel not delivered");
    expect(alert.text).not.to.include("courier claim");
  });

  it("makes subjects SNS accepts from any title", () => {
    for (const title of ["Line\nbreak", "😡 angry", " leading space", "é".repeat(300), "\u0000\u0007", ""]) {
      const subject = sanitizeSubject(`[Case 1] ${title}`);
      expect(subject, JSON.stringify(title)).to.match(/^[\x21-\x7e][\x20-\x7e]*$/);
      expect(subject.length).to.be.below(100);
    }
    expect(sanitizeSubject("😡")).to.equal("Case alert");
    expect(sanitizeSubject("Café crème")).to.equal("Cafe creme");
  });

  it("builds a JSON message structure: the JSON body by default, text for email, the subject for SMS", () => {
    const alert = renderAlert({ event: parsed("01-case-created.json"), rules: ["case-created"], changes: [] });
    const structure = JSON.parse(snsMessage(alert));
    expect(Object.keys(structure).sort()).to.deep.equal(["default", "email", "sms"]);
    expect(JSON.parse(structure.default)).to.deep.include({ eventType: "CASE.CREATED", schema: "cases-data-streaming/alert@1" });
    expect(structure.email).to.equal(alert.text);
    expect(structure.sms).to.equal(alert.subject);
  });

  it("caps field values and the number of changes listed", () => {
    const changes = Array.from({ length: 80 }, (_, i) => ({ fieldId: `f${i}`, from: "a".repeat(5_000), to: "b".repeat(5_000) }));
    const alert = renderAlert({ event: parsed("02-case-updated-field.json"), rules: ["case-updated"], changes });
    expect(alert.body.changes).to.have.length(50);
    expect(alert.body.changesOmitted).to.equal(30);
    expect(alert.text).to.include("… and 30 more fields");
    expect(Buffer.byteLength(snsMessage(alert))).to.be.below(100_000);
  });

  it("packs entries into PublishBatch requests of at most 10 entries and 256 KiB", () => {
    const small = renderAlert({ event: parsed("01-case-created.json"), rules: ["case-created"], changes: [] });
    const big = { ...small, text: "x".repeat(60_000) };
    expect(packBatches(Array.from({ length: 23 }, (_, i) => toBatchEntry(small, `a${i}`))).map((batch) => batch.length)).to.deep.equal([10, 10, 3]);
    // Each big entry carries its 60 KB text once (email): four fit in 256 KiB, a fifth does not.
    expect(packBatches(Array.from({ length: 6 }, (_, i) => toBatchEntry(big, `a${i}`))).map((batch) => batch.length)).to.deep.equal([4, 2]);
  });
});
