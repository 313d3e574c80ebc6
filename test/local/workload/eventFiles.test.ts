import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { InputError, loadEvents } from "../../../local/workload/eventFiles";
import { sqsRecord, toMessages } from "../../../local/lambda/sqsDriver";
import { sampleBody, sampleEvent } from "../../helpers/fixtures";

describe("npm start", () => {
  describe("event files", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-events-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

    it("reads a JSON event, a JSON array, an SQS batch event, JSON Lines and concatenated JSON, skipping documentation", () => {
      const created = sampleEvent("01-case-created.json");
      const closed = sampleEvent("04-case-closed.json");
      write("a.json", JSON.stringify(created));
      write("b.json", JSON.stringify([created, closed]));
      write("c.json", JSON.stringify({ Records: toMessages([sampleBody("05-case-deleted.json")]).map(sqsRecord) }));
      write("d.jsonl", `${JSON.stringify(created)}\n\n${JSON.stringify(closed)}\n`);
      write("e.json", `${JSON.stringify(created, null, 2)}\n${JSON.stringify(closed, null, 2)}\n`);
      write("README.md", "# not an event file");
      write("README.txt", "Events exported from the contact center.");
      const loaded = loadEvents(dir);
      expect(loaded.files).to.equal(5);
      expect(loaded.malformed).to.deep.equal([]);
      expect(loaded.skipped.map((note) => path.basename(note.split(" ")[0]))).to.deep.equal(["README.md", "README.txt"]);
      expect(loaded.events.map(({ body }) => JSON.parse(body).id)).to.deep.equal(
        [created.id, created.id, closed.id, sampleEvent("05-case-deleted.json").id, created.id, closed.id, created.id, closed.id]);
      expect(loaded.events.map(({ source }) => path.basename(source))).to.deep.equal(
        ["a.json:1", "b.json:1", "b.json:1", "c.json:1", "d.jsonl:1", "d.jsonl:3", "e.json:1", "e.json:88"]);
    });

    it("reports malformed lines with file:line:column and keeps the good ones", () => {
      write("mixed.jsonl", `${JSON.stringify(sampleEvent("01-case-created.json"))}\n{ broken\n42\n${JSON.stringify(sampleEvent("04-case-closed.json"))}\n`);
      const loaded = loadEvents(path.join(dir, "mixed.jsonl"));
      expect(loaded.events).to.have.length(2);
      expect(loaded.malformed.map((bad) => bad.location)).to.deep.equal([`${dir}/mixed.jsonl:2:3`, `${dir}/mixed.jsonl:3:1`]);
      expect(loaded.malformed[0].problem).to.match(/^not JSON/);
    });

    it("reports a one-comma typo in a pretty-printed file once, at its line", () => {
      const pretty = JSON.stringify(sampleEvent("01-case-created.json"), null, 2).replace('"source": "aws.cases",', '"source": "aws.cases"');
      write("typo.json", `${JSON.stringify(sampleEvent("04-case-closed.json"), null, 2)}\n${pretty}`);
      const loaded = loadEvents(path.join(dir, "typo.json"));
      const line = pretty.split("\n").findIndex((text) => text.includes('"source"')) + 2 + JSON.stringify(sampleEvent("04-case-closed.json"), null, 2).split("\n").length;
      expect(loaded.malformed).to.have.length(1);
      expect(loaded.malformed[0].location).to.equal(`${dir}/typo.json:${line}:3`);
      expect(loaded.events).to.have.length(1);
    });

    it("refuses an empty, a binary or an entirely unreadable input, naming the problem", () => {
      write("empty.json", "  \n");
      write("binary.json", Buffer.from([0x7b, 0x00, 0xff, 0x10]) as unknown as string);
      write("bad.jsonl", "nope\n{ broken\n");
      expect(() => loadEvents(path.join(dir, "empty.json"))).to.throw(InputError, /is empty: it holds no events/);
      expect(() => loadEvents(path.join(dir, "binary.json"))).to.throw(InputError, /is a binary file/);
      expect(() => loadEvents(path.join(dir, "bad.jsonl"))).to.throw(InputError, /no event could be read .* 2 malformed input\(s\), the first at .*bad.jsonl:1:1: not JSON/);
      write("empty-list.json", "[]");
      expect(() => loadEvents(path.join(dir, "empty-list.json"))).to.throw(InputError, /holds no events \(an empty list\?\)/);
      fs.rmSync(path.join(dir, "empty-list.json"));
      fs.rmSync(path.join(dir, "empty.json"));
      fs.rmSync(path.join(dir, "binary.json"));
      fs.rmSync(path.join(dir, "bad.jsonl"));
      expect(() => loadEvents(dir)).to.throw(InputError, /holds no event files/);
    });

    it("says when the path does not exist", () => {
      expect(() => loadEvents(path.join(dir, "missing"))).to.throw(/does not exist/);
    });
  });
});
