import {
  ConnectCasesClient,
  GetCaseEventConfigurationCommand,
  ListFieldsCommand,
  PutCaseEventConfigurationCommand,
} from "@aws-sdk/client-connectcases";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { type CaseEventConfigurationOutputs, caseEventConfigurationProvider as provider } from "../infra/caseEventConfiguration";
import { synthesizeProgram } from "../local/program";
import { TEST_STACK_CONFIG } from "./helpers/fixtures";

const DOMAIN = "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b";
const INPUTS = { domainId: DOMAIN, region: "us-east-1", fields: ["status", "title"], includeRelatedItemContent: false };
const PREVIOUS = { enabled: true, includedData: { caseData: { fields: [{ id: "summary" }] } } };
const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

describe("the Cases event configuration (dynamic provider)", () => {
  const cases = mockClient(ConnectCasesClient);
  beforeEach(() => {
    cases.reset();
    cases.on(ListFieldsCommand).resolvesOnce({ fields: [{ fieldId: "status" } as never], nextToken: "page2" })
      .resolves({ fields: [{ fieldId: "title" } as never, { fieldId: "summary" } as never] });
    cases.on(GetCaseEventConfigurationCommand).resolves({ eventBridge: PREVIOUS });
    cases.on(PutCaseEventConfigurationCommand).resolves({});
  });
  after(() => cases.restore());
  const puts = () => cases.commandCalls(PutCaseEventConfigurationCommand).map((call) => call.args[0].input);

  it("on create, keeps the domain's configuration and puts one with our fields", async () => {
    const { id, outs } = await provider.create!(INPUTS);
    expect(id).to.equal(DOMAIN);
    expect(outs).to.deep.equal({ ...INPUTS, previousConfiguration: PREVIOUS });
    expect(puts()).to.deep.equal([{
      domainId: DOMAIN,
      eventBridge: { enabled: true, includedData: { caseData: { fields: [{ id: "status" }, { id: "title" }] }, relatedItemData: { includeContent: false } } },
    }]);
    expect(cases.commandCalls(ListFieldsCommand)[1].args[0].input.nextToken).to.equal("page2");
  });

  it("refuses a field the domain does not have, listing the valid ids", async () => {
    const error = await provider.create!({ ...INPUTS, fields: ["status", "priority"] }).catch((e: Error) => e);
    expect((error as Error).message).to.equal(`unknown case field id(s) priority in config caseEventFields; domain ${DOMAIN} has: status, summary, title`);
    expect(puts()).to.deep.equal([]);
  });

  it("on update, puts the new configuration and still remembers the original", async () => {
    const olds: CaseEventConfigurationOutputs = { ...INPUTS, previousConfiguration: { enabled: false } };
    const { outs } = await provider.update!(DOMAIN, olds, { ...INPUTS, includeRelatedItemContent: true });
    expect(outs.previousConfiguration).to.deep.equal({ enabled: false });
    expect(puts()[0].eventBridge?.includedData?.relatedItemData).to.deep.equal({ includeContent: true });
  });

  it("on delete, restores the configuration that was there before", async () => {
    await provider.delete!(DOMAIN, { ...INPUTS, previousConfiguration: PREVIOUS });
    expect(puts()).to.deep.equal([{ domainId: DOMAIN, eventBridge: PREVIOUS }]);
  });

  it("on delete of a domain that had no stream, turns it off", async () => {
    await provider.delete!(DOMAIN, { ...INPUTS, previousConfiguration: { enabled: false } });
    expect(puts()).to.deep.equal([{ domainId: DOMAIN, eventBridge: { enabled: false, includedData: undefined } }]);
  });

  it("on read, refreshes fields and content flag from the domain", async () => {
    cases.on(GetCaseEventConfigurationCommand).resolves({
      eventBridge: { enabled: true, includedData: { caseData: { fields: [{ id: "title" }] }, relatedItemData: { includeContent: true } } },
    });
    const { props } = await provider.read!(DOMAIN, { ...INPUTS, previousConfiguration: PREVIOUS });
    expect(props).to.deep.include({ fields: ["title"], includeRelatedItemContent: true });
    cases.on(GetCaseEventConfigurationCommand).resolves({ eventBridge: { enabled: false } });
    expect((await provider.read!(DOMAIN, { ...INPUTS, previousConfiguration: PREVIOUS })).props.fields).to.deep.equal([]);
  });

  it("diffs field sets regardless of order and replaces on a new domain", async () => {
    const olds = { ...INPUTS, previousConfiguration: PREVIOUS };
    expect(await provider.diff!(DOMAIN, olds, { ...INPUTS, fields: ["title", "status"] })).to.deep.include({ changes: false, replaces: [] });
    expect(await provider.diff!(DOMAIN, olds, { ...INPUTS, fields: ["status"] })).to.deep.include({ changes: true, replaces: [] });
    expect(await provider.diff!(DOMAIN, olds, { ...INPUTS, domainId: "other" })).to.deep.include({ changes: true, replaces: ["domainId"] });
  });

  it("explains a missing domain, denied access and throttling by name", async () => {
    const failWith = async (name: string) => {
      cases.on(ListFieldsCommand).rejects(awsError(name));
      return ((await provider.create!(INPUTS).catch((e: Error) => e)) as Error).message;
    };
    expect(await failWith("ResourceNotFoundException")).to.equal(`Cases domain ${DOMAIN} in us-east-1 was not found: check the stack's casesDomainId and aws:region`);
    expect(await failWith("AccessDeniedException")).to.match(/access denied calling cases:ListFields on Cases domain .* needs cases:GetCaseEventConfiguration, cases:PutCaseEventConfiguration and cases:ListFields/);
    expect(await failWith("ThrottlingException")).to.match(/still throttled after 10 attempts/);
  });

  it("checks the Cases limit of 200 fields", async () => {
    const { failures } = await provider.check!({}, { ...INPUTS, fields: Array.from({ length: 201 }, (_, i) => `f${i}`) });
    expect(failures).to.have.length(1);
  });

  it("is registered by the program with the configured fields, after the pipeline", async () => {
    const { mocks } = await synthesizeProgram(TEST_STACK_CONFIG);
    const resource = mocks.one("pulumi-nodejs:dynamic/cases-data-streaming:CaseEventConfiguration");
    expect(resource.name).to.equal("case-event-stream");
    expect(resource.inputs).to.deep.include({ domainId: DOMAIN, region: "us-east-1", includeRelatedItemContent: false });
    expect(resource.inputs.fields).to.include("status").and.include("last_closed_datetime");
    expect(resource.inputs.__provider).to.be.a("string").and.include("PutCaseEventConfigurationCommand");
  });
});
