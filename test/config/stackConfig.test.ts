import * as fs from "node:fs";
import { expect } from "chai";
import { PLACEHOLDERS } from "../../config/readers";
import { parseStackConfig, STACK_CONFIG_KEYS, type StackConfig } from "../../config/stackConfig";
import { loadConfig } from "../../infra/config";
import { setStackConfig } from "../../local/lambda/pulumiMocks";
import { TEST_STACK_CONFIG } from "../helpers/fixtures";

const VALID = { casesDomainId: "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b", casesAlertEmail: "oncall@example.com" };
const parse = (values: Record<string, string>) => parseStackConfig((key) => values[key]);
const rejects = (overrides: Record<string, string | undefined>, ...fragments: string[]) => {
  const values = Object.fromEntries(Object.entries({ ...VALID, ...overrides }).filter(([, value]) => value !== undefined)) as Record<string, string>;
  let message = "(no error)";
  try {
    parse(values);
  } catch (error) {
    message = (error as Error).message;
  }
  for (const fragment of fragments) expect(message).to.include(fragment);
};

describe("stack config", () => {
  it("applies the documented defaults", () => {
    expect(parse(VALID)).to.deep.equal({
      casesDomainId: VALID.casesDomainId,
      casesAlertEmail: ["oncall@example.com"],
      batchSize: 100,
      batchingWindowSeconds: 5,
      lambdaMemoryMb: 256,
      lambdaTimeoutSeconds: 30,
      queueVisibilityTimeoutSeconds: 185,
      maxConcurrency: 3,
      dlqMaxReceiveCount: 5,
      historyRetentionDays: 0,
      alertRules: ["case-created", "status-changed", "case-deleted"],
      deletionProtection: true,
      logLevel: "INFO",
      caseEventFields: ["status", "title", "reference_number", "case_reason", "assigned_user", "assigned_queue",
        "created_datetime", "last_updated_datetime", "last_closed_datetime"],
      includeRelatedItemContent: false,
      opsAlertEmail: ["oncall@example.com"],
      oldestMessageAgeAlarmSeconds: 900,
      noEventsAlarmMinutes: 0,
      redriveRoleArns: [],
      maxEventClockSkewSeconds: 300,
      analyticsLake: true,
      lakeRetentionDays: 761,
      lakeBufferSeconds: 60,
      athenaResultRetentionDays: 7,
      athenaBytesScannedCutoffMb: 1024,
      connectInstanceId: undefined,
    });
  });

  // Every key set to a value other than its default, and read back: a key read under a wrong name fails here.
  const NON_DEFAULTS: [key: string, value: string, field: keyof StackConfig, expected: unknown][] = [
    ["batchSize", "250", "batchSize", 250],
    ["batchingWindowSeconds", "20", "batchingWindowSeconds", 20],
    ["lambdaMemoryMb", "512", "lambdaMemoryMb", 512],
    ["lambdaTimeoutSeconds", "45", "lambdaTimeoutSeconds", 45],
    ["queueVisibilityTimeoutSeconds", "600", "queueVisibilityTimeoutSeconds", 600],
    ["maxConcurrency", "12", "maxConcurrency", 12],
    ["dlqMaxReceiveCount", "9", "dlqMaxReceiveCount", 9],
    ["historyRetentionDays", "400", "historyRetentionDays", 400],
    ["alertRules", "case-closed,comment-added", "alertRules", ["case-closed", "comment-added"]],
    ["deletionProtection", "false", "deletionProtection", false],
    ["logLevel", "debug", "logLevel", "DEBUG"],
    ["caseEventFields", "status,title,priority-4c1d", "caseEventFields", ["status", "title", "priority-4c1d"]],
    ["includeRelatedItemContent", "true", "includeRelatedItemContent", true],
    ["opsAlertEmail", "ops@example.com", "opsAlertEmail", ["ops@example.com"]],
    ["oldestMessageAgeAlarmSeconds", "120", "oldestMessageAgeAlarmSeconds", 120],
    ["noEventsAlarmMinutes", "30", "noEventsAlarmMinutes", 30],
    ["redriveRoleArns", "arn:aws:iam::111122223333:role/ops/redrive", "redriveRoleArns", ["arn:aws:iam::111122223333:role/ops/redrive"]],
    ["maxEventClockSkewSeconds", "0", "maxEventClockSkewSeconds", 0],
    ["analyticsLake", "false", "analyticsLake", false],
    ["lakeRetentionDays", "0", "lakeRetentionDays", 0],
    ["lakeBufferSeconds", "900", "lakeBufferSeconds", 900],
    ["athenaResultRetentionDays", "30", "athenaResultRetentionDays", 30],
    ["athenaBytesScannedCutoffMb", "10", "athenaBytesScannedCutoffMb", 10],
    ["connectInstanceId", "A1B2C3D4-0000-4000-8000-00000000000F", "connectInstanceId", "a1b2c3d4-0000-4000-8000-00000000000f"],
  ];
  for (const [key, value, field, expected] of NON_DEFAULTS) {
    it(`reads ${key} into ${field}`, () => {
      expect(parse(VALID)[field], "the default differs from the test value").not.to.deep.equal(expected);
      expect(parse({ ...VALID, [key]: value })[field]).to.deep.equal(expected);
    });
  }

  it("covers every key of the stack config in the table above", () => {
    const covered = new Set(NON_DEFAULTS.map(([, , field]) => field));
    const settable = Object.keys(parse(VALID)).filter((field) => !["casesDomainId", "casesAlertEmail"].includes(field));
    expect(settable.filter((field) => !covered.has(field as keyof StackConfig))).to.deep.equal([]);
  });

  it("reads alert emails comma-separated or as a YAML list", () => {
    expect(parse({ ...VALID, casesAlertEmail: "a@example.com, b@example.com" }).casesAlertEmail).to.deep.equal(["a@example.com", "b@example.com"]);
    expect(parse({ ...VALID, casesAlertEmail: '["a@example.com","b@example.com"]' }).casesAlertEmail).to.deep.equal(["a@example.com", "b@example.com"]);
  });

  it("reads alert rules as a list", () => {
    expect(parse({ ...VALID, alertRules: "case-created, comment-added" }).alertRules).to.deep.equal(["case-created", "comment-added"]);
  });

  it("requires the domain id", () => rejects({ casesDomainId: undefined }, "casesDomainId", "required", "UUID"));
  it("rejects a malformed domain id", () => rejects({ casesDomainId: "my-domain" }, "casesDomainId", '"my-domain"', "UUID"));
  it("requires an alert email", () => rejects({ casesAlertEmail: undefined }, "casesAlertEmail", "required"));
  it("rejects a malformed email, naming it", () => rejects({ casesAlertEmail: "ok@example.com, not-an-email" }, "casesAlertEmail", '"not-an-email"'));
  it("rejects a batch size outside 1-10000", () => rejects({ batchSize: "0" }, "batchSize", '"0"', "from 1 to 10000"));
  it("rejects a batch size above 10 without a batching window", () =>
    rejects({ batchSize: "50", batchingWindowSeconds: "0" }, "batchSize", "batchingWindowSeconds of at least 1"));
  it("rejects a fractional number", () => rejects({ lambdaMemoryMb: "256.5" }, "lambdaMemoryMb", "whole number"));
  it("rejects a visibility timeout under 6 x the Lambda timeout", () =>
    rejects({ lambdaTimeoutSeconds: "60", queueVisibilityTimeoutSeconds: "120" }, "queueVisibilityTimeoutSeconds", '"120"', "at least 6 x lambdaTimeoutSeconds (360)"));
  it("rejects an unknown alert rule and lists the known ones", () =>
    rejects({ alertRules: "case-created,case-exploded" }, "alertRules", '"case-exploded"', "comment-added"));
  it("rejects a log level it does not know", () => rejects({ logLevel: "LOUD" }, "logLevel", "DEBUG, INFO, WARN, ERROR"));
  it("rejects a non-boolean deletion protection", () => rejects({ deletionProtection: "yes" }, "deletionProtection", "true or false"));
  it("rejects a negative retention", () => rejects({ historyRetentionDays: "-1" }, "historyRetentionDays", "from 0 to 36500"));

  it("rejects more case event fields than Cases allows", () =>
    rejects({ caseEventFields: Array.from({ length: 201 }, (_, i) => `f${i}`).join(",") }, "caseEventFields", "1 to 200 case field ids"));
  it("rejects a case event field id with spaces", () => rejects({ caseEventFields: "status, my field" }, "caseEventFields", '"my field"'));

  it("rejects a malformed ops email", () => rejects({ opsAlertEmail: "ops@" }, "opsAlertEmail", '"ops@"'));
  it("sends alarms to the case alert addresses when no ops address is set", () => {
    expect(parse({ ...VALID, casesAlertEmail: "a@example.com,b@example.com" }).opsAlertEmail).to.deep.equal(["a@example.com", "b@example.com"]);
  });
  it("sends alarms to no one only when asked with an empty list", () => {
    expect(parse({ ...VALID, opsAlertEmail: "[]" }).opsAlertEmail).to.deep.equal([]);
  });

  it("reads redrive identities as a list of role and user ARNs, paths included", () => {
    const arns = ["arn:aws:iam::111122223333:role/ops/Redrive-Role", "arn:aws-us-gov:iam::111122223333:user/alice"];
    expect(parse({ ...VALID, redriveRoleArns: JSON.stringify(arns) }).redriveRoleArns).to.deep.equal(arns);
  });
  it("rejects a redrive ARN that is not an IAM role or user", () =>
    rejects({ redriveRoleArns: "arn:aws:iam::111122223333:role/ok,arn:aws:sts::111122223333:assumed-role/ops/session" },
      "redriveRoleArns", '"arn:aws:sts::111122223333:assumed-role/ops/session"', "IAM role or user ARNs"));
  it("rejects a redrive ARN without an account", () => rejects({ redriveRoleArns: "arn:aws:iam:::role/ops" }, "redriveRoleArns", "IAM role or user ARNs"));
  it("rejects a wildcard redrive ARN", () => rejects({ redriveRoleArns: "arn:aws:iam::111122223333:role/*" }, "redriveRoleArns", "role/*"));

  it("rejects a lake retention outside 0-36500", () => rejects({ lakeRetentionDays: "36501" }, "lakeRetentionDays", "from 0 to 36500"));
  it("rejects a Firehose buffer outside 60-900 seconds", () => {
    rejects({ lakeBufferSeconds: "59" }, "lakeBufferSeconds", "from 60 to 900");
    rejects({ lakeBufferSeconds: "901" }, "lakeBufferSeconds", "from 60 to 900");
  });
  it("rejects an Athena result retention outside 1-3650", () => rejects({ athenaResultRetentionDays: "0" }, "athenaResultRetentionDays", "from 1 to 3650"));
  it("rejects a scan cutoff under Athena's 10 MB minimum", () => rejects({ athenaBytesScannedCutoffMb: "9" }, "athenaBytesScannedCutoffMb", "from 10 to 10000000"));
  it("rejects a clock skew above a day", () => rejects({ maxEventClockSkewSeconds: "86401" }, "maxEventClockSkewSeconds", "from 0 to 86400"));
  it("rejects a non-boolean analyticsLake", () => rejects({ analyticsLake: "no" }, "analyticsLake", "true or false"));
  it("rejects a Connect instance id that is not a UUID", () =>
    rejects({ connectInstanceId: "arn:aws:connect:us-east-1:111122223333:instance/abc" }, "connectInstanceId", "UUID"));
  it("rejects a no-events period that is not a multiple of 5", () => rejects({ noEventsAlarmMinutes: "7" }, "noEventsAlarmMinutes", "multiple of 5"));

  it("refuses the placeholders of Pulumi.dev.yaml, asking for the real values", () => {
    const stackFile = fs.readFileSync("Pulumi.dev.yaml", "utf8");
    const values = Object.fromEntries([...stackFile.matchAll(/^\s+cases-data-streaming:(\w+): (.+)$/gm)].map(([, key, value]) => [key, value.trim()]));
    expect(values).to.deep.equal(PLACEHOLDERS);
    rejects(values, "casesDomainId", "replace the placeholder", "aws connectcases list-domains");
    rejects({ casesAlertEmail: `ops@example.com,${PLACEHOLDERS.casesAlertEmail}` }, "casesAlertEmail", "replace the placeholder");
  });

  it("rejects an email address without a domain suffix", () => rejects({ casesAlertEmail: "oncall@example" }, "casesAlertEmail", '"oncall@example"'));
  it("rejects a domain id with anything before or after the UUID", () => {
    rejects({ casesDomainId: `${VALID.casesDomainId}-extra` }, "casesDomainId", "UUID");
    rejects({ casesDomainId: `domain/${VALID.casesDomainId}` }, "casesDomainId", "UUID");
  });

  it("fails the program at `pulumi up` time with the key name and the fix", () => {
    try {
      setStackConfig({ ...TEST_STACK_CONFIG, maxConcurrency: "1" });
      expect(() => loadConfig()).to.throw(/cases-data-streaming:maxConcurrency = "1": must be a whole number from 2 to 1000[\s\S]*pulumi config set maxConcurrency/);
    } finally {
      setStackConfig(TEST_STACK_CONFIG);
    }
  });
});

describe("the README's configuration table", () => {
  it("lists every key of the stack config, and no other", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Data model"));
    const listed = [...section.matchAll(/^\| `(\w+)` \|/gm)].map(([, key]) => key);
    expect(listed).to.have.members(Object.keys(STACK_CONFIG_KEYS));
  });
});
