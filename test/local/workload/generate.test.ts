import { expect } from "chai";
import { deliverLikeSqs, generateWorkload } from "../../../local/workload/generate";
import { SAMPLE_DOMAIN_ID } from "../../../local/workload/sampleDomain";
import { parseSample } from "../../helpers/fixtures";

describe("npm start", () => {
  describe("generated workload", () => {
    it("is the same for the same seed and different for another", () => {
      const first = generateWorkload({ cases: 30, seed: 4, domainId: SAMPLE_DOMAIN_ID });
      expect(generateWorkload({ cases: 30, seed: 4, domainId: SAMPLE_DOMAIN_ID })).to.deep.equal(first);
      expect(generateWorkload({ cases: 30, seed: 5, domainId: SAMPLE_DOMAIN_ID })).not.to.deep.equal(first);
      const bodies = first.map(({ event }) => JSON.stringify(event));
      expect(deliverLikeSqs(bodies, 4)).to.deep.equal(deliverLikeSqs(bodies, 4));
    });

    it("lives cases realistically: valid Cases events of every kind, in change order", () => {
      const events = generateWorkload({ cases: 200, seed: 1, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => parseSample(JSON.stringify(event)));
      const types = new Set(events.map((event) => `${event.eventType}${event.relatedItem ? `:${event.relatedItem.type}` : ""}`));
      expect([...types].sort()).to.deep.equal(["CASE.CREATED", "CASE.DELETED", "CASE.UPDATED", "RELATED_ITEM.CREATED:Comment", "RELATED_ITEM.CREATED:Contact", "RELATED_ITEM.CREATED:Sla", "RELATED_ITEM.DELETED:Comment", "RELATED_ITEM.UPDATED:Sla"]);
      expect(events.map((event) => event.changedAt)).to.deep.equal(events.map((event) => event.changedAt).sort());
      const reopened = events.filter((event) => event.eventType === "CASE.UPDATED" && event.fields?.status === "open" && event.changedFieldIds.includes("status"));
      expect(reopened.length).to.be.greaterThan(0);
      expect(new Set(events.map((event) => event.changedAt.slice(0, 10))).size).to.be.greaterThan(7);
    });

    it("gives each case a resolution SLA that goes Active, then Overdue past its target, then Met or NotMet at the first close", () => {
      const events = generateWorkload({ cases: 200, seed: 1, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => parseSample(JSON.stringify(event)));
      type Sla = { status: string; targetTime: string; completionTime?: string; targetFieldValues: unknown[] };
      const slas = new Map<string, Sla[]>();
      for (const event of events.filter((candidate) => candidate.relatedItem?.type === "Sla")) {
        const sla = (event.detail.relatedItem as { sla: { slaConfiguration: Sla } }).sla.slaConfiguration;
        slas.set(event.caseId, [...(slas.get(event.caseId) ?? []), sla]);
      }
      expect(slas.size).to.equal(new Set(events.filter((event) => event.eventType === "CASE.CREATED").map((event) => event.caseId)).size);
      const lives = new Set<string>();
      for (const life of slas.values()) {
        lives.add(life.map((sla) => sla.status).join(">"));
        expect(life[0].targetFieldValues).to.deep.equal([{ stringValue: "closed" }]);
        for (const sla of life) {
          if (sla.status === "Met") expect(sla.completionTime! <= sla.targetTime).to.equal(true);
          if (sla.status === "NotMet") expect(sla.completionTime! > sla.targetTime).to.equal(true);
        }
      }
      expect([...lives].sort()).to.deep.equal(["Active", "Active>Met", "Active>Overdue", "Active>Overdue>NotMet"]);
    });

    it("fills heavy cases as a B2B desk does: long titles, ten custom fields, 2,000-character comments", () => {
      const light = generateWorkload({ cases: 50, seed: 3, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => parseSample(JSON.stringify(event)));
      const heavy = generateWorkload({ cases: 50, seed: 3, domainId: SAMPLE_DOMAIN_ID, heavy: true }).map(({ event }) => parseSample(JSON.stringify(event)));
      expect(heavy.map((event) => event.eventType)).to.deep.equal(light.map((event) => event.eventType));
      const created = heavy.filter((event) => event.eventType === "CASE.CREATED");
      for (const event of created) {
        expect(String(event.fields!.title).length).to.be.within(280, 320);
        expect(Object.keys(event.fields!).filter((id) => /-[0-9a-f]{4}$/.test(id))).to.have.length(10);
      }
      const comments = heavy.filter((event) => event.eventType === "RELATED_ITEM.CREATED" && event.relatedItem?.type === "Comment");
      expect(comments.length).to.be.greaterThan(0);
      for (const comment of comments) expect((comment.detail.relatedItem as { comment: { body: string } }).comment.body).to.have.length(2_000);
    });

    it("is delivered with duplicates and reordering, never losing an event", () => {
      const bodies = generateWorkload({ cases: 100, seed: 2, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => JSON.stringify(event));
      const delivered = deliverLikeSqs(bodies, 2);
      expect(new Set(delivered)).to.deep.equal(new Set(bodies));
      expect(delivered.length - bodies.length).to.be.within(bodies.length * 0.05, bodies.length * 0.15);
      expect(delivered.slice(0, bodies.length)).not.to.deep.equal(bodies);
    });
  });
});
