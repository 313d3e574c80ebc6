import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConnectCasesClient, PutCaseEventConfigurationCommand } from "@aws-sdk/client-connectcases";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { expect } from "chai";
import { readAwsIdentity } from "../../infra/caseEventStream/awsIdentity";
import { explainCasesError } from "../../infra/caseEventStream/casesApi";
import { type CasesStandIn, startCasesStandIn } from "../../local/aws/cases/casesStandIn";
import { synthesizeProgram } from "../../local/lambda/program";
import { TEST_STACK_CONFIG } from "../helpers/fixtures";
import { type Properties, type ProviderHost, secret, startProviderHost } from "../helpers/providerHost";

const TYPE = "pulumi-nodejs:dynamic/cases-data-streaming:CaseEventConfiguration";
const URN = `urn:pulumi:test::cases-data-streaming::${TYPE}::case-event-stream`;
/** The identities the host process can act as: its environment, a profile, static keys. */
const ENVIRONMENT_KEY = "AKIAENVIRONMENTKEY";
const PROFILE_KEY = "AKIAPROFILEDEPLOYER";
const STATIC_KEY = "AKIASTATICSTACKKEY";
/** What the domain streamed before the stack took it over. */
const PREVIOUS = { enabled: true, includedData: { caseData: { fields: [{ id: "summary" }] }, relatedItemData: { includeContent: true } } };

/** The stack config as the engine sends it to a dynamic provider: every key, namespaced. */
const stackConfig = (aws: Record<string, string | ReturnType<typeof secret>> = {}) => ({
  ...Object.fromEntries(Object.entries(TEST_STACK_CONFIG).map(([key, value]) => [`cases-data-streaming:${key}`, value])),
  "aws:region": "us-east-1",
  ...aws,
});

describe("the Cases event configuration, run by Pulumi's dynamic provider host", () => {
  let standIn: CasesStandIn;
  /** The resource's inputs as the program registers them, `__provider` (the serialized provider) included. */
  let inputs: Properties;
  let domainId: string;
  let awsDir: string;

  before(async () => {
    const { mocks } = await synthesizeProgram(TEST_STACK_CONFIG);
    inputs = mocks.one(TYPE).inputs;
    domainId = inputs.domainId as string;
    standIn = await startCasesStandIn();
    awsDir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-provider-aws-"));
    fs.writeFileSync(path.join(awsDir, "config"), "[profile deployer]\nregion = eu-west-1\n");
    fs.writeFileSync(path.join(awsDir, "credentials"), `[deployer]\naws_access_key_id = ${PROFILE_KEY}\naws_secret_access_key = profile-secret\n`);
  });
  after(async () => {
    await standIn?.stop();
    if (awsDir) fs.rmSync(awsDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    standIn.reset();
    standIn.addDomain({ domainId, customFields: [{ id: "priority", type: "Number" }], eventConfiguration: PREVIOUS });
  });

  /** A host whose process sees the stand-in as AWS, its own key in the environment, and a profile in its files. */
  function useHost(config: Record<string, string | ReturnType<typeof secret>>): () => ProviderHost {
    let host: ProviderHost;
    before(async () => {
      host = await startProviderHost({
        urn: URN,
        env: {
          HOME: awsDir,
          AWS_ENDPOINT_URL_CONNECTCASES: standIn.endpoint,
          AWS_ENDPOINT_URL_STS: standIn.endpoint,
          AWS_ACCESS_KEY_ID: ENVIRONMENT_KEY,
          AWS_SECRET_ACCESS_KEY: "environment-secret",
          AWS_CONFIG_FILE: path.join(awsDir, "config"),
          AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, "credentials"),
          // Not the domain's region: the provider must use the one the stack resolved.
          AWS_REGION: "eu-west-1",
        },
      });
      await host.configure(stackConfig(config));
    });
    after(() => host?.stop());
    return () => host;
  }

  const casesCalls = () => standIn.requests.filter((request) => request.operation !== "AssumeRole");

  describe("with the identity of the host's environment", () => {
    const host = useHost({});

    it("passes check when the domain exists and has every configured field", async () => {
      const { inputs: checked, failures } = await host().check({}, inputs);
      expect(failures).to.deep.equal([]);
      expect(checked).to.deep.equal(inputs);
      expect(standIn.count("ListFields")).to.equal(1);
    });

    it("fails check on an unknown casesDomainId, saying which config key to fix, before anything is put", async () => {
      const { failures } = await host().check({}, { ...inputs, domainId: "wrong-domain-id" });
      expect(failures).to.have.length(1);
      expect(failures[0].property).to.equal("domainId");
      expect(failures[0].reason).to.contain("Cases domain wrong-domain-id was not found in us-east-1: set config casesDomainId")
        .and.contain("aws connectcases list-domains --region us-east-1");
      expect(standIn.count("PutCaseEventConfiguration")).to.equal(0);
    });

    it("fails check on an unknown field id in caseEventFields, listing the valid ids", async () => {
      const { failures } = await host().check({}, { ...inputs, fields: ["status", "priority", "sla_breached"] });
      expect(failures).to.have.length(1);
      expect(failures[0].property).to.equal("fields");
      expect(failures[0].reason).to.contain(`config caseEventFields lists field id(s) domain ${domainId} does not have: sla_breached.`)
        .and.match(/Valid ids: .*assigned_queue, .*priority, .*title$/);
    });

    it("fails check beyond Cases' 200 fields without asking AWS", async () => {
      const fields = Array.from({ length: 201 }, (_, i) => `field_${i}`);
      const { failures } = await host().check({}, { ...inputs, fields });
      expect(failures).to.deep.equal([{ property: "fields", reason: "config caseEventFields must list 1 to 200 case field ids (Cases' limit for an event stream); it lists 201" }]);
      expect(standIn.requests).to.deep.equal([]);
    });

    it("does not call AWS from check while inputs are unknown (preview)", async () => {
      const { failures } = await host().check({}, { ...inputs, domainId: unknownValue, fields: ["status", unknownValue] });
      expect(failures).to.deep.equal([]);
      expect(standIn.requests).to.deep.equal([]);
    });

    it("on create, remembers the domain's configuration and streams the configured fields", async () => {
      const { id, outs } = await host().create(inputs);
      expect(id).to.equal(domainId);
      expect(outs).to.deep.include({ domainId, fields: inputs.fields, previousConfiguration: PREVIOUS, __provider: inputs.__provider });
      expect(standIn.eventConfiguration(domainId)).to.deep.equal({
        enabled: true,
        includedData: { caseData: { fields: (inputs.fields as string[]).map((field) => ({ id: field })) }, relatedItemData: { includeContent: false } },
      });
    });

    it("signs its calls with the environment's key, for the domain's region", async () => {
      await host().create(inputs);
      expect(casesCalls().map(({ accessKeyId, signingRegion }) => ({ accessKeyId, signingRegion })))
        .to.deep.equal([{ accessKeyId: ENVIRONMENT_KEY, signingRegion: "us-east-1" }, { accessKeyId: ENVIRONMENT_KEY, signingRegion: "us-east-1" }]);
    });

    it("on update, applies the new field list and content flag and still remembers the original", async () => {
      const { id, outs } = await host().create(inputs);
      const news = { ...inputs, fields: ["status", "priority"], includeRelatedItemContent: true };
      expect(await host().diff(id, outs, news)).to.deep.equal({ changes: "some", replaces: [], deleteBeforeReplace: true });
      const updated = await host().update(id, outs, news);
      expect(updated).to.deep.include({ fields: ["status", "priority"], includeRelatedItemContent: true, previousConfiguration: PREVIOUS });
      expect(standIn.eventConfiguration(domainId)).to.deep.equal({
        enabled: true,
        includedData: { caseData: { fields: [{ id: "status" }, { id: "priority" }] }, relatedItemData: { includeContent: true } },
      });
    });

    it("records when create turned the stream on, and keeps that time through update and refresh", async () => {
      const before = Date.now();
      const { id, outs } = await host().create(inputs);
      const enabledAt = outs.enabledAt as string;
      expect(enabledAt).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(enabledAt)).to.be.within(before, Date.now());
      const updated = await host().update(id, outs, { ...inputs, fields: ["status"] });
      expect(updated.enabledAt).to.equal(enabledAt);
      expect((await host().read(id, updated)).props).to.deep.include({ enabledAt });
    });

    it("leaves enabledAt unset when updating a resource created before the output existed", async () => {
      const { id, outs } = await host().create(inputs);
      const { enabledAt: _, ...recordedBefore } = outs;
      expect(await host().update(id, recordedBefore, inputs)).to.not.have.property("enabledAt");
    });

    it("sees no change in the same fields in another order, and replaces for another domain", async () => {
      const { id, outs } = await host().create(inputs);
      const reordered = [...(inputs.fields as string[])].reverse();
      expect(await host().diff(id, outs, { ...inputs, fields: reordered })).to.deep.include({ changes: "none", replaces: [] });
      expect(await host().diff(id, outs, { ...inputs, domainId: "another-domain" })).to.deep.include({ changes: "some", replaces: ["domainId"] });
    });

    it("updates a resource recorded with older provider code, so delete and refresh get the new code", async () => {
      const { id, outs } = await host().create(inputs);
      const recordedByOlderCode = { ...outs, __provider: `${inputs.__provider}\n// an older build` };
      expect(await host().diff(id, recordedByOlderCode, inputs)).to.deep.include({ changes: "some", replaces: [] });
      expect((await host().update(id, recordedByOlderCode, inputs)).__provider).to.equal(inputs.__provider);
    });

    it("on refresh, reads drift made outside Pulumi, which the next update puts right", async () => {
      const { id, outs } = await host().create(inputs);
      const console = new ConnectCasesClient({ endpoint: standIn.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIACONSOLEUSER", secretAccessKey: "s" } });
      await console.send(new PutCaseEventConfigurationCommand({
        domainId,
        eventBridge: { enabled: true, includedData: { caseData: { fields: [{ id: "title" }] }, relatedItemData: { includeContent: true } } },
      }));
      const refreshed = await host().read(id, outs);
      expect(refreshed.id).to.equal(id);
      expect(refreshed.props).to.deep.include({ fields: ["title"], includeRelatedItemContent: true, previousConfiguration: PREVIOUS, __provider: inputs.__provider });
      expect((await host().diff(id, refreshed.props, inputs)).changes).to.equal("some");
      await host().update(id, refreshed.props, inputs);
      expect(standIn.eventConfiguration(domainId).includedData?.caseData?.fields).to.have.length((inputs.fields as string[]).length);
    });

    it("on refresh, reads a stream switched off outside Pulumi as no fields", async () => {
      const { id, outs } = await host().create(inputs);
      await new ConnectCasesClient({ endpoint: standIn.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIACONSOLEUSER", secretAccessKey: "s" } })
        .send(new PutCaseEventConfigurationCommand({ domainId, eventBridge: { enabled: false } }));
      expect((await host().read(id, outs)).props).to.deep.include({ fields: [], includeRelatedItemContent: false });
    });

    it("on delete, restores the configuration the domain had before", async () => {
      const { id, outs } = await host().create(inputs);
      await host().delete(id, outs);
      expect(standIn.eventConfiguration(domainId)).to.deep.equal(PREVIOUS);
    });

    it("refreshes away and destroys a domain deleted outside Pulumi", async () => {
      const { id, outs } = await host().create(inputs);
      standIn.deleteDomain(domainId);
      expect((await host().read(id, outs)).id).to.equal("");
      await host().delete(id, outs);
      expect(standIn.requests.at(-1)).to.deep.include({ operation: "PutCaseEventConfiguration", status: 404 });
    });

    it("rides out throttling with the SDK's retries", async () => {
      standIn.injectFault({ when: "PutCaseEventConfiguration", fault: "throttle" });
      await host().create(inputs);
      expect(standIn.requests.filter((request) => request.operation === "PutCaseEventConfiguration").map((request) => request.status)).to.deep.equal([429, 200]);
    });

    it("names the missing permissions when access is denied", async () => {
      standIn.injectFault({ when: "GetCaseEventConfiguration", fault: "access-denied" });
      const error = await host().create(inputs).catch((e: Error) => e);
      expect((error as Error).message).to.equal(`access denied calling cases:GetCaseEventConfiguration on Cases domain ${domainId} in us-east-1: ` +
        "the identity running `pulumi up` needs cases:GetCaseEventConfiguration, cases:PutCaseEventConfiguration and cases:ListFields on the domain (README, Deploy)");
      expect(standIn.count("PutCaseEventConfiguration")).to.equal(0);
    });
  });

  describe("with aws:profile", () => {
    const host = useHost({ "aws:profile": "deployer" });

    it("signs every Cases call, check included, with the profile's key", async () => {
      await host().check({}, inputs);
      const { id, outs } = await host().create(inputs);
      await host().read(id, outs);
      await host().delete(id, outs);
      expect(new Set(casesCalls().map((request) => request.accessKeyId))).to.deep.equal(new Set([PROFILE_KEY]));
      expect(casesCalls().map((request) => request.operation)).to.include.members(["ListFields", "GetCaseEventConfiguration", "PutCaseEventConfiguration"]);
    });
  });

  describe("with static keys (aws:accessKey, aws:secretKey as a secret, aws:token)", () => {
    const host = useHost({ "aws:accessKey": STATIC_KEY, "aws:secretKey": secret("static-secret"), "aws:token": "session-token", "aws:profile": "deployer" });

    it("signs every Cases call with the static key, which wins over the profile", async () => {
      const { id, outs } = await host().create(inputs);
      await host().update(id, outs, { ...inputs, fields: ["status"] });
      expect(new Set(casesCalls().map((request) => request.accessKeyId))).to.deep.equal(new Set([STATIC_KEY]));
    });
  });

  describe("with aws:assumeRoles", () => {
    const roles = [
      { roleArn: "arn:aws:iam::111122223333:role/deployer-hop", sessionName: "hop" },
      { roleArn: "arn:aws:iam::444455556666:role/cases-admin", externalId: "ext-42" },
    ];
    const host = useHost({ "aws:profile": "deployer", "aws:assumeRoles": JSON.stringify(roles) });

    it("chains the roles from the profile's identity and calls Cases as the last role", async () => {
      await host().create(inputs);
      const [hop, admin] = standIn.assumedRoles.slice(0, 2);
      expect(hop).to.deep.include({ roleArn: roles[0].roleArn, sessionName: "hop", callerAccessKeyId: PROFILE_KEY });
      expect(admin).to.deep.include({ roleArn: roles[1].roleArn, sessionName: "pulumi-cases-data-streaming", externalId: "ext-42", callerAccessKeyId: hop.accessKeyId });
      const roleKeys = new Set(standIn.assumedRoles.filter((role) => role.roleArn === roles[1].roleArn).map((role) => role.accessKeyId));
      expect(casesCalls().map((request) => roleKeys.has(request.accessKeyId!))).to.deep.equal([true, true]);
    });
  });

  it("is registered by the program with the configured fields and its serialized provider", async () => {
    expect(inputs).to.deep.include({ domainId: TEST_STACK_CONFIG.casesDomainId, region: "us-east-1", includeRelatedItemContent: false });
    expect(inputs.fields).to.include("status").and.include("last_closed_datetime");
    expect(inputs.__provider).to.be.a("string").and.include("PutCaseEventConfigurationCommand");
  });

  it("explains a missing domain and throttling by name (pure)", () => {
    const explain = (name: string) => explainCasesError("ListFields", "d-1", "us-east-1", Object.assign(new Error(name), { name })).message;
    expect(explain("ResourceNotFoundException")).to.equal("Cases domain d-1 in us-east-1 was not found: check the stack's casesDomainId and aws:region");
    expect(explain("ThrottlingException")).to.equal("cases:ListFields on Cases domain d-1 in us-east-1 was still throttled after 10 attempts; run `pulumi up` again");
  });

  it("refuses half a static key pair and a malformed aws:assumeRoles (pure)", () => {
    const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
    expect(() => readAwsIdentity(config({ "aws:accessKey": STATIC_KEY }))).to.throw("config aws:accessKey and aws:secretKey must be set together");
    expect(() => readAwsIdentity(config({ "aws:assumeRoles": "[{\"sessionName\":\"x\"}]" }))).to.throw("config aws:assumeRoles must be a list of { roleArn");
  });
});
