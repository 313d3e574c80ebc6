import {
  ConnectCasesClient,
  GetCaseAuditEventsCommand,
  GetCaseCommand,
  GetCaseEventConfigurationCommand,
  GetDomainCommand,
  ListFieldsCommand,
  ListTemplatesCommand,
  PutCaseEventConfigurationCommand,
  SearchCasesCommand,
  paginateGetCase,
  paginateListFields,
  paginateSearchCases,
} from "@aws-sdk/client-connectcases";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/nested-clients/sts";
import { expect } from "chai";
import { type CasesStandIn, LIMITS, startCasesStandIn } from "../../../local/aws/cases/casesStandIn";

const USER = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/a-1";
const ROLE = "arn:aws:iam::111122223333:role/cases-reader";

const clientFor = (standIn: CasesStandIn, accessKeyId = "AKIASTANDINTEST", maxAttempts = 1) =>
  new ConnectCasesClient({ endpoint: standIn.endpoint, region: "us-east-1", maxAttempts, credentials: { accessKeyId, secretAccessKey: "secret" } });

/** The SDK's exception name for a call, or "ok". */
const outcome = (call: Promise<unknown>) => call.then(() => "ok", (error: Error) => error.name);

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `f${i}` }));

describe("the Cases stand-in, through the real SDK", () => {
  let standIn: CasesStandIn;
  let cases: ConnectCasesClient;
  let domainId: string;
  let templateId: string;
  let caseIds: string[];

  before(async () => {
    standIn = await startCasesStandIn();
    cases = clientFor(standIn);
  });
  after(() => standIn.stop());

  beforeEach(() => {
    standIn.reset();
    domainId = standIn.addDomain({
      customFields: [{ id: "priority", type: "Number" }, { id: "vip", type: "Boolean" }],
      templates: [{ name: "Complaint" }, { name: "Retired", status: "Inactive" }],
    });
    templateId = "complaint";
    caseIds = Array.from({ length: 30 }, (_, i) => standIn.addCase(domainId, {
      templateId,
      fields: { title: `Case ${i}`, status: "open", priority: i, vip: i % 2 === 0, assigned_user: { userArn: USER }, summary: null },
      tags: { team: "support" },
    }));
  });

  it("lists the system and custom fields page by page", async () => {
    const pages = [];
    for await (const page of paginateListFields({ client: cases, pageSize: 5 }, { domainId })) pages.push(page);
    const fields = pages.flatMap((page) => page.fields ?? []);
    expect(pages).to.have.length(3);
    expect(fields.map((field) => field.fieldId)).to.include.members(["status", "title", "reference_number", "customer_id", "last_updated_user", "summary"]);
    expect(fields.find((field) => field.fieldId === "priority")).to.deep.include({ namespace: "Custom", type: "Number" });
    expect(fields.find((field) => field.fieldId === "status")).to.deep.include({ namespace: "System", fieldArn: `arn:aws:cases:us-east-1:111122223333:domain/${domainId}/field/status` });
  });

  it("lists templates, filtered by status", async () => {
    const all = await cases.send(new ListTemplatesCommand({ domainId }));
    const active = await cases.send(new ListTemplatesCommand({ domainId, status: ["Active"] }));
    expect(all.templates?.map((template) => template.name)).to.deep.equal(["Complaint", "Retired"]);
    expect(active.templates?.map((template) => template.name)).to.deep.equal(["Complaint"]);
  });

  it("answers GetDomain with the domain's id, ARN and status", async () => {
    const domain = await cases.send(new GetDomainCommand({ domainId }));
    expect(domain).to.deep.include({ domainId, domainStatus: "Active", domainArn: `arn:aws:cases:us-east-1:111122223333:domain/${domainId}` });
    expect(domain.createdTime).to.be.instanceOf(Date);
  });

  it("searches cases 25 a page by default, in creation order, with the requested fields typed", async () => {
    const first = await cases.send(new SearchCasesCommand({ domainId, fields: [{ id: "title" }, { id: "priority" }, { id: "vip" }, { id: "assigned_user" }, { id: "summary" }] }));
    expect(first.cases).to.have.length(25);
    expect(first.totalCount).to.equal(30);
    expect(first.cases![0]).to.deep.equal({
      caseId: caseIds[0],
      templateId,
      tags: { team: "support" },
      fields: [
        { id: "title", value: { stringValue: "Case 0" } },
        { id: "priority", value: { doubleValue: 0 } },
        { id: "vip", value: { booleanValue: true } },
        { id: "assigned_user", value: { userArnValue: USER } },
        { id: "summary", value: { emptyValue: {} } },
      ],
    });
    const second = await cases.send(new SearchCasesCommand({ domainId, nextToken: first.nextToken }));
    expect(second.cases!.map((found) => found!.caseId)).to.deep.equal(caseIds.slice(25));
    expect(second.nextToken).to.equal(undefined);
  });

  it("searches up to 100 cases a page and refuses more, or more than 25 field ids", async () => {
    expect((await cases.send(new SearchCasesCommand({ domainId, maxResults: LIMITS.searchMax }))).cases).to.have.length(30);
    expect(await outcome(cases.send(new SearchCasesCommand({ domainId, maxResults: 101 })))).to.equal("ValidationException");
    expect(await outcome(cases.send(new SearchCasesCommand({ domainId, fields: ids(26) })))).to.equal("ValidationException");
    expect(await outcome(cases.send(new SearchCasesCommand({ domainId, nextToken: "not-a-token" })))).to.equal("ValidationException");
  });

  it("stops listing a case deleted between pages, and no longer finds it or its audit events", async () => {
    const first = await cases.send(new SearchCasesCommand({ domainId, maxResults: 10 }));
    standIn.deleteCase(domainId, caseIds[10]);
    standIn.deleteCase(domainId, caseIds[3]);
    const rest = [];
    for await (const page of paginateSearchCases({ client: cases, pageSize: 10 }, { domainId, nextToken: first.nextToken })) rest.push(...page.cases!);
    expect(rest.map((found) => found!.caseId)).to.deep.equal(caseIds.slice(11));
    expect(await outcome(cases.send(new GetCaseCommand({ domainId, caseId: caseIds[3], fields: [{ id: "title" }] })))).to.equal("ResourceNotFoundException");
    expect(await outcome(cases.send(new GetCaseAuditEventsCommand({ domainId, caseId: caseIds[3] })))).to.equal("ResourceNotFoundException");
  });

  it("gets a case's requested fields, template and tags, and wants 1 to 220 field ids", async () => {
    const found = await cases.send(new GetCaseCommand({ domainId, caseId: caseIds[7], fields: [{ id: "status" }, { id: "priority" }, { id: "customer_id" }] }));
    expect(found).to.deep.include({ templateId, tags: { team: "support" } });
    // A field without a value has no entry, as in Cases.
    expect(found.fields).to.deep.equal([{ id: "status", value: { stringValue: "open" } }, { id: "priority", value: { doubleValue: 7 } }]);
    expect(await outcome(cases.send(new GetCaseCommand({ domainId, caseId: caseIds[7], fields: [] })))).to.equal("ValidationException");
    expect(await outcome(cases.send(new GetCaseCommand({ domainId, caseId: caseIds[7], fields: ids(LIMITS.getCaseFields) })))).to.equal("ok");
    expect(await outcome(cases.send(new GetCaseCommand({ domainId, caseId: caseIds[7], fields: ids(LIMITS.getCaseFields + 1) })))).to.equal("ValidationException");
  });

  it("pages a case's fields with nextToken when told to", async () => {
    const paging = await startCasesStandIn({ getCaseFieldsPerPage: 2 });
    try {
      const domain = paging.addDomain();
      const caseId = paging.addCase(domain, { templateId, fields: { title: "t", status: "open", summary: "s" } });
      const pages = [];
      for await (const page of paginateGetCase({ client: clientFor(paging) }, { domainId: domain, caseId, fields: [{ id: "title" }, { id: "status" }, { id: "summary" }] })) {
        pages.push(page.fields!.map((field) => field.id));
      }
      expect(pages).to.deep.equal([["title", "status"], ["summary"]]);
    } finally {
      await paging.stop();
    }
  });

  it("returns a case's audit events in AWS's shape, at most 25 a page", async () => {
    const trail = Array.from({ length: 30 }, (_, i) => ({
      type: "Case.Updated" as const,
      performedTime: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
      fields: [{ eventFieldId: "status", oldValue: "open", newValue: "closed" }],
      performedBy: { userArn: USER, iamPrincipalArn: "arn:aws:iam::111122223333:role/agent" },
    }));
    const caseId = standIn.addCase(domainId, { templateId, fields: { title: "audited" }, auditEvents: [{ ...trail[0], relatedItemType: "Comment", type: "RelatedItem.Created" }, ...trail.slice(1)] });
    const first = await cases.send(new GetCaseAuditEventsCommand({ domainId, caseId }));
    expect(first.auditEvents).to.have.length(25);
    const event = first.auditEvents![0]!;
    expect(event).to.deep.include({ type: "RelatedItem.Created", relatedItemType: "Comment", performedBy: { user: { userArn: USER }, iamPrincipalArn: "arn:aws:iam::111122223333:role/agent" } });
    expect(event.eventId).to.be.a("string").and.not.equal("");
    expect(event.performedTime).to.deep.equal(new Date(Date.UTC(2025, 0, 1)));
    expect(event.fields).to.deep.equal([{ eventFieldId: "status", oldValue: { stringValue: "open" }, newValue: { stringValue: "closed" } }]);
    const second = await cases.send(new GetCaseAuditEventsCommand({ domainId, caseId, nextToken: first.nextToken, maxResults: 10 }));
    expect(second.auditEvents).to.have.length(5);
    expect(second.nextToken).to.equal(undefined);
    expect(await outcome(cases.send(new GetCaseAuditEventsCommand({ domainId, caseId, maxResults: 26 })))).to.equal("ValidationException");
  });

  it("gives a seeded case without a trail one Case.Created event carrying its fields", async () => {
    const { auditEvents } = await cases.send(new GetCaseAuditEventsCommand({ domainId, caseId: caseIds[0] }));
    expect(auditEvents).to.have.length(1);
    expect(auditEvents![0]!.type).to.equal("Case.Created");
    expect(auditEvents![0]!.fields!.map((field) => field!.eventFieldId)).to.deep.equal(["title", "status", "priority", "vip", "assigned_user", "summary"]);
  });

  it("answers ResourceNotFoundException for an unknown or deleted domain", async () => {
    expect(await outcome(cases.send(new ListFieldsCommand({ domainId: "no-such-domain" })))).to.equal("ResourceNotFoundException");
    standIn.deleteDomain(domainId);
    expect(await outcome(cases.send(new GetCaseEventConfigurationCommand({ domainId })))).to.equal("ResourceNotFoundException");
    expect(await outcome(cases.send(new SearchCasesCommand({ domainId })))).to.equal("ResourceNotFoundException");
  });

  it("keeps the event configuration put, and refuses more than 200 fields", async () => {
    expect((await cases.send(new GetCaseEventConfigurationCommand({ domainId }))).eventBridge).to.deep.equal({ enabled: false });
    const eventBridge = { enabled: true, includedData: { caseData: { fields: [{ id: "status" }] }, relatedItemData: { includeContent: false } } };
    await cases.send(new PutCaseEventConfigurationCommand({ domainId, eventBridge }));
    expect((await cases.send(new GetCaseEventConfigurationCommand({ domainId }))).eventBridge).to.deep.equal(eventBridge);
    expect(standIn.eventConfiguration(domainId)).to.deep.equal(eventBridge);
    const tooMany = { enabled: true, includedData: { caseData: { fields: ids(LIMITS.eventFields + 1) } } };
    expect(await outcome(cases.send(new PutCaseEventConfigurationCommand({ domainId, eventBridge: tooMany })))).to.equal("ValidationException");
  });

  it("maps injected faults to the SDK's exceptions, as many times as asked", async () => {
    standIn.injectFault({ when: "GetDomain", fault: "throttle", times: 2 });
    standIn.injectFault({ when: "ListFields", fault: "server-error" });
    standIn.injectFault({ when: "SearchCases", fault: "access-denied" });
    const getDomain = () => outcome(cases.send(new GetDomainCommand({ domainId })));
    expect([await getDomain(), await getDomain(), await getDomain()]).to.deep.equal(["ThrottlingException", "ThrottlingException", "ok"]);
    expect(await outcome(cases.send(new ListFieldsCommand({ domainId })))).to.equal("InternalServerException");
    expect(await outcome(cases.send(new SearchCasesCommand({ domainId })))).to.equal("AccessDeniedException");
    expect(standIn.requests.filter((request) => request.operation === "GetDomain").map((request) => request.status)).to.deep.equal([429, 429, 200]);
  });

  it("faults only the requests a predicate picks", async () => {
    standIn.injectFault({ when: (request) => request.operation === "GetCase" && request.caseId === caseIds[1], fault: "server-error", times: Infinity });
    const getCase = (caseId: string) => outcome(cases.send(new GetCaseCommand({ domainId, caseId, fields: [{ id: "title" }] })));
    expect([await getCase(caseIds[0]), await getCase(caseIds[1]), await getCase(caseIds[1])]).to.deep.equal(["ok", "InternalServerException", "InternalServerException"]);
  });

  it("lets the SDK's retries absorb a short throttle", async () => {
    standIn.injectFault({ when: "GetCaseEventConfiguration", fault: "throttle" });
    await clientFor(standIn, "AKIASTANDINTEST", 3).send(new GetCaseEventConfigurationCommand({ domainId }));
    expect(standIn.count("GetCaseEventConfiguration")).to.equal(2);
  });

  it("throttles beyond a rate limit's burst and admits again as tokens refill", async () => {
    standIn.limitRate("GetCase", { rps: 10, burst: 2 });
    const getCase = () => outcome(cases.send(new GetCaseCommand({ domainId, caseId: caseIds[0], fields: [{ id: "title" }] })));
    expect(await Promise.all([getCase(), getCase(), getCase()])).to.have.members(["ok", "ok", "ThrottlingException"]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await getCase()).to.equal("ok");
  });

  it("records which access key signed each request, and the region it was signed for", async () => {
    await cases.send(new GetDomainCommand({ domainId }));
    await clientFor(standIn, "AKIAOTHERIDENTITY").send(new GetDomainCommand({ domainId }));
    expect(standIn.requests.map(({ accessKeyId, signingRegion }) => ({ accessKeyId, signingRegion }))).to.deep.equal([
      { accessKeyId: "AKIASTANDINTEST", signingRegion: "us-east-1" },
      { accessKeyId: "AKIAOTHERIDENTITY", signingRegion: "us-east-1" },
    ]);
  });

  it("issues temporary credentials for STS AssumeRole and records who assumed which role", async () => {
    const sts = new STSClient({ endpoint: standIn.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIABASEIDENTITY", secretAccessKey: "secret" } });
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "backfill", ExternalId: "ext-1" }));
    expect(Credentials?.AccessKeyId).to.match(/^ASIA/);
    expect(standIn.assumedRoles).to.deep.equal([{ roleArn: ROLE, sessionName: "backfill", externalId: "ext-1", callerAccessKeyId: "AKIABASEIDENTITY", accessKeyId: Credentials!.AccessKeyId }]);
    await clientFor(standIn, Credentials!.AccessKeyId).send(new GetDomainCommand({ domainId }));
    expect(standIn.requests.at(-1)).to.deep.include({ operation: "GetDomain", accessKeyId: Credentials!.AccessKeyId });
  });
});
