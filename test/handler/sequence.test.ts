import { expect } from "chai";
import { sequenceByCase } from "../../handler/sequence";

describe("sequencing a batch by case", () => {
  it("runs one case's events in change order, other cases in parallel", async () => {
    const turns = sequenceByCase([
      { key: "a2", caseId: "A", orderKey: "2" },
      { key: "b1", caseId: "B", orderKey: "1" },
      { key: "a1", caseId: "A", orderKey: "1" },
    ]);
    const order: string[] = [];
    const run = async (key: string, delay: number) => {
      await turns.get(key)!.ready;
      await new Promise((resolve) => setTimeout(resolve, delay));
      order.push(key);
      turns.get(key)!.finish(true);
    };
    await Promise.all([run("a2", 0), run("b1", 5), run("a1", 20)]);
    expect(order).to.deep.equal(["b1", "a1", "a2"]);
  });

  it("fails the later events of a case whose earlier event failed", async () => {
    const turns = sequenceByCase([
      { key: "1", caseId: "A", orderKey: "1" },
      { key: "2", caseId: "A", orderKey: "2" },
      { key: "3", caseId: "A", orderKey: "3" },
      { key: "other", caseId: "B", orderKey: "1" },
    ]);
    turns.get("1")!.finish(false);
    const outcome = async (key: string) => turns.get(key)!.ready.then(() => "ready", (error: Error) => error.name);
    expect(await outcome("2")).to.equal("PrecedingEventFailedError");
    turns.get("2")!.finish(false);
    expect(await outcome("3")).to.equal("PrecedingEventFailedError");
    expect(await outcome("other")).to.equal("ready");
  });
});
