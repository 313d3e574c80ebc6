import { expect } from "chai";
import { renderAlert, sanitizeSubject } from "../../../handler/alerts/alertRender";
import { snsMessage } from "../../../handler/alerts/publish";
import { parsedSample, parseSample, sampleWith } from "../../helpers/fixtures";

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
      event: parsedSample("04-case-closed.json"),
      rules: ["status-changed"],
      changes: [{ fieldId: "status", from: "open", to: "closed" }],
    });
    expect(alert.subject).to.equal("[Case 40051277] Case closed: Parcel not delivered");
    expect(alert.text).to.include("Case 40051277: Case closed").and.include("Changed:    status: open → closed")
      .and.include("By:         arn:aws:connect:").and.include("When:       2026-11-21T16:40:08.004Z");
  });

  it("names a reopened case and an unknown previous value", () => {
    const reopened = renderAlert({ event: parsedSample("02-case-updated-field.json"), rules: [], changes: [{ fieldId: "status", from: "closed", to: "open" }] });
    expect(reopened.subject).to.include("Case reopened");
    const unknown = renderAlert({ event: parsedSample("02-case-updated-field.json"), rules: [], changes: [{ fieldId: "status", to: "pending" }] });
    expect(unknown.subject).to.include("Status (unknown) -> pending");
  });

  it("takes the title and reference of a related item's case from its state", () => {
    const alert = renderAlert({
      event: parsedSample("03-comment-added.json"),
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

  it("caps field values and the number of changes listed", () => {
    const changes = Array.from({ length: 80 }, (_, i) => ({ fieldId: `f${i}`, from: "a".repeat(5_000), to: "b".repeat(5_000) }));
    const alert = renderAlert({ event: parsedSample("02-case-updated-field.json"), rules: ["case-updated"], changes });
    expect(alert.body.changes).to.have.length(50);
    expect(alert.body.changesOmitted).to.equal(30);
    expect(alert.text).to.include("… and 30 more fields");
    expect(Buffer.byteLength(snsMessage(alert))).to.be.below(100_000);
  });
});
