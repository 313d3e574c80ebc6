import type { AuditEvent } from "@aws-sdk/client-connectcases";
import { expect } from "chai";
import { auditCaseEvents, type EventContext, snapshotEvent } from "../../backfill/caseEvents";
import type { CaseEvent } from "../../handler/types";

const DOMAIN_ID = "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b";

describe("backfill", () => {
  describe("audit trail to events", () => {
    const context: EventContext = {
      domainId: DOMAIN_ID,
      domainArn: `arn:aws:cases:us-east-1:111122223333:domain/${DOMAIN_ID}`,
      account: "111122223333",
      storedFields: new Set(["status", "title", "priority", "last_updated_datetime"]),
    };
    const user = "arn:aws:connect:us-east-1:111122223333:instance/i-1/user/u-1";
    const audit = (eventId: string, type: string, minute: number, fields: AuditEvent["fields"], extra: Partial<AuditEvent> = {}): AuditEvent => ({
      eventId, type: type as never, performedTime: new Date(Date.UTC(2026, 9, 1, 9, minute)), fields,
      performedBy: { user: { userArn: user }, iamPrincipalArn: "arn:aws:iam::111122223333:role/Agent" }, ...extra,
    });
    const time = (minute: number) => new Date(Date.UTC(2026, 9, 1, 9, minute)).toISOString();
    const read = { caseId: "case-1", templateId: "t-1", values: { status: "closed", title: "Now", priority: "high", reference_number: "123", created_datetime: time(0), last_updated_datetime: time(30) } };
    const trail = [
      audit("e1", "Case.Created", 0, [{ eventFieldId: "status", newValue: { stringValue: "open" } }]),
      // The title first appears with its old value: that is what it was from the start.
      audit("e2", "Case.Updated", 10, [{ eventFieldId: "title", oldValue: { stringValue: "Before" }, newValue: { stringValue: "Now" } }]),
      // No oldValue: the replay knows it.
      audit("e3", "Case.Updated", 20, [{ eventFieldId: "status", newValue: { stringValue: "closed" } }, { eventFieldId: "summary", newValue: { emptyValue: {} } }]),
      audit("e4", "RelatedItem.Created", 25, [], { relatedItemType: "Comment" }),
      audit("", "Case.Updated", 26, []),
      audit("e5", "Case.Updated", 30, [{ eventFieldId: "priority", oldValue: { stringValue: "low" }, newValue: { stringValue: "high" } }]),
    ];

    it("rebuilds each event's stored fields by replaying the trail, with from/to values, times and performers", () => {
      const { events, leftToStream, unreadable } = auditCaseEvents(read, trail, context, time(30));
      expect({ leftToStream, unreadable }).to.deep.equal({ leftToStream: 1, unreadable: 1 });
      const [created, retitled, closed, comment] = events;
      expect(created.event).to.deep.include({ eventId: "e1", eventType: "CASE.CREATED", changedAt: time(0), performedBy: user, createdAt: time(0) });
      expect({ ...created.event.fields }).to.deep.equal({ status: "open", title: "Before", priority: "low", last_updated_datetime: time(0) });
      expect(created.changes).to.deep.equal([{ fieldId: "status", from: undefined, to: "open" }]);
      expect(retitled.changes).to.deep.equal([{ fieldId: "title", from: "Before", to: "Now" }]);
      expect({ ...closed.event.fields }).to.deep.include({ status: "closed", title: "Now", last_updated_datetime: time(20) });
      expect(closed.changes).to.deep.equal([{ fieldId: "status", from: "open", to: "closed" }]);
      expect(closed.event.changedFieldIds).to.deep.equal(["status", "summary"]);
      expect(comment.event).to.deep.include({ eventType: "RELATED_ITEM.CREATED", family: "RELATED_ITEM", fields: undefined });
      expect(comment.event.relatedItem).to.deep.equal({ type: "Comment", id: "", createdAt: time(25) });
    });

    it("orders a snapshot by last_updated_datetime, with a deterministic id and no changed field", () => {
      const snapshot = snapshotEvent(read, context) as CaseEvent;
      expect(snapshot).to.deep.include({ eventId: `backfill-case-1-${Date.parse(time(30))}`, eventType: "CASE.UPDATED", changedAt: time(30), changedFieldIds: [], createdAt: time(0) });
      expect({ ...snapshot.fields }).to.deep.equal({ status: "closed", title: "Now", priority: "high", last_updated_datetime: time(30) });
      expect(snapshotEvent({ ...read, values: { status: "open" } }, context)).to.equal("no last_updated_datetime or created_datetime to order it by");
    });
  });
});
