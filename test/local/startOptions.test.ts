import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { checkPaths, parseStartArgs, UsageError } from "../../local/startOptions";
import { javaMajor } from "../../local/aws/dynamoLocal";

describe("npm start", () => {
  describe("arguments", () => {
    it("default to the sample events with the stack's batch settings", () => {
      expect(parseStartArgs([])).to.deep.equal({ seed: 1, batchSize: 100, concurrency: 3, maxReceiveCount: 5, json: false, help: false });
    });

    it("read every option, also as --flag=value", () => {
      expect(parseStartArgs(["--generate", "50", "--seed=9", "--data", "d", "--batch-size", "10", "--concurrency=2", "--max-receive", "3", "--json", "--html", "r.html"]))
        .to.deep.equal({ generate: 50, seed: 9, data: "d", batchSize: 10, concurrency: 2, maxReceiveCount: 3, json: true, html: "r.html", help: false });
      expect(parseStartArgs(["-h"]).help).to.equal(true);
    });

    it("take --html without a file to mean .local/report.html, inside the ignored folder", () => {
      expect(parseStartArgs(["--html", "--json"])).to.deep.include({ html: path.join(".local", "report.html"), json: true });
      expect(parseStartArgs(["--lake", "my-lake"]).lake).to.equal("my-lake");
    });

    it("check the input and output paths before the run", () => {
      expect(() => checkPaths({ events: "no-such-events" })).to.throw(UsageError, /--events: no-such-events does not exist/);
      expect(() => checkPaths({ html: "no-such-folder/report.html" })).to.throw(UsageError, /--html: the folder .*no-such-folder does not exist/);
      expect(() => checkPaths({ html: "events" })).to.throw(UsageError, /is a folder/);
      expect(() => checkPaths({ html: path.join(os.tmpdir(), "report.html") })).not.to.throw();
    });

    it("require Java 17 or later for DynamoDB Local, reading any vendor's version line", () => {
      expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).to.equal(17);
      expect(javaMajor('java version "1.8.0_392"')).to.equal(8);
      expect(javaMajor('openjdk version "11.0.2" 2019-01-15')).to.equal(11);
      expect(javaMajor('openjdk version "21" 2023-09-19')).to.equal(21);
    });

    it("name the problem and point to --help", () => {
      expect(() => parseStartArgs(["--bogus"])).to.throw(/unknown option "--bogus"[\s\S]*--help/);
      expect(() => parseStartArgs(["--events"])).to.throw(/--events needs a value/);
      expect(() => parseStartArgs(["--batch-size", "0"])).to.throw(/--batch-size needs a whole number from 1 to 10000, got "0"/);
      expect(() => parseStartArgs(["--generate", "ten"])).to.throw(/--generate needs a whole number/);
      expect(() => parseStartArgs(["--events", "x", "--generate", "5"])).to.throw(/cannot be combined/);
      expect(() => parseStartArgs(["--domain", "my-domain"])).to.throw(/--domain needs a Cases domain id \(a UUID\), got "my-domain"/);
    });
  });
});
