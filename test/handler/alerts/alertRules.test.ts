import { expect } from "chai";
import { DEFAULT_ALERT_RULES, matchingRules, parseAlertRules } from "../../../handler/alerts/alertRules";
import { CASE_LIFE, parsedSample } from "../../helpers/fixtures";

describe("alert rules", () => {
  it("by default alert on creation, status changes and deletion only", () => {
    const alerting = CASE_LIFE.filter((file) => matchingRules(parsedSample(file), DEFAULT_ALERT_RULES).length > 0);
    expect(alerting).to.deep.equal(["01-case-created.json", "04-case-closed.json", "05-case-deleted.json"]);
  });

  it("can add comments and related items", () => {
    expect(matchingRules(parsedSample("03-comment-added.json"), ["comment-added", "related-item-added"])).to.deep.equal(["comment-added", "related-item-added"]);
    expect(matchingRules(parsedSample("06-call-linked.json"), ["comment-added", "related-item-added"])).to.deep.equal(["related-item-added"]);
  });

  it("distinguish a close from other updates", () => {
    expect(matchingRules(parsedSample("04-case-closed.json"), ["case-closed", "case-updated"])).to.deep.equal(["case-closed", "case-updated"]);
    expect(matchingRules(parsedSample("02-case-updated-field.json"), ["case-closed", "case-updated"])).to.deep.equal(["case-updated"]);
  });

  it("reject an unknown rule from the environment, listing the known ones", () => {
    expect(() => parseAlertRules("case-created,nope")).to.throw(/unknown alert rule\(s\) nope; known rules: case-created, status-changed/);
    expect(parseAlertRules("")).to.deep.equal([]);
  });
});
