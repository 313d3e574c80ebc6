import {
  type AuditEvent,
  type ConnectCasesClient,
  GetCaseAuditEventsCommand,
  GetCaseCommand,
  GetDomainCommand,
  SearchCasesCommand,
} from "@aws-sdk/client-connectcases";
import { chunks } from "../handler/batching";
import { type DomainNames, readDomainNames } from "../handler/lake/domainNames";
import { nullMap } from "../handler/store/attributeValues";
import { epochMillis } from "../handler/fields";
import { flattenFieldValue } from "../handler/parse";
import type { FieldValues } from "../handler/types";
import { CASES_LIMITS } from "./quotas";

/** The domain as the rows name it: its ARN (and account), field names and types, template names. */
export interface DomainInfo {
  domainId: string;
  domainArn: string;
  account?: string;
  names: DomainNames;
}

/** A case as SearchCases lists it; `values` only when the fields were asked for in the search. */
export interface CaseListing {
  caseId: string;
  templateId?: string;
  values?: FieldValues;
}

export interface CasePage {
  cases: CaseListing[];
  nextToken?: string;
  /** Cases the search matches in all (SearchCases' totalCount), when Cases says. */
  totalCount?: number;
}

function valuesOf(fields: { id?: string; value?: unknown }[] | undefined, into: FieldValues = nullMap()): FieldValues {
  for (const field of fields ?? []) if (field?.id) into[field.id] = flattenFieldValue(field.value);
  return into;
}

/** `arn:aws:cases:<region>:<account>:domain/<id>` → the account. */
const accountOf = (arn: string | undefined) => arn?.split(":")[4] || undefined;

export async function readDomain(cases: ConnectCasesClient, domainId: string): Promise<DomainInfo> {
  const domain = await cases.send(new GetDomainCommand({ domainId }));
  // Old cases may use templates retired since: their names too.
  const names = await readDomainNames(cases, domainId, ["Active", "Inactive"]);
  const domainArn = domain.domainArn ?? `arn:aws:cases:::domain/${domainId}`;
  return { domainId, domainArn, account: accountOf(domain.domainArn), names };
}

/**
 * One page of the domain's cases, oldest first: sorted by creation, which never changes, so the
 * pages hold still while cases are updated during the run (new cases land on the last page).
 */
export async function searchCases(cases: ConnectCasesClient, domainId: string, page: { nextToken?: string; size: number; fieldIds: string[] }): Promise<CasePage> {
  const result = await cases.send(new SearchCasesCommand({
    domainId,
    nextToken: page.nextToken,
    maxResults: page.size,
    fields: page.fieldIds.map((id) => ({ id })),
    sorts: [{ fieldId: "created_datetime", sortOrder: "Asc" }],
  }));
  return {
    cases: (result.cases ?? []).flatMap((item) => (item?.caseId ? [{
      caseId: item.caseId,
      templateId: item.templateId,
      values: page.fieldIds.length > 0 ? valuesOf(item.fields as never) : undefined,
    }] : [])),
    nextToken: result.nextToken || undefined,
    totalCount: result.totalCount,
  };
}

/** A case's values of these fields (GetCase, ≤ 220 ids a request, each answer possibly paged). */
export async function getCaseValues(cases: ConnectCasesClient, domainId: string, caseId: string, fieldIds: string[]): Promise<{ templateId?: string; values: FieldValues }> {
  const values = nullMap<FieldValues[string]>();
  let templateId: string | undefined;
  for (const ids of chunks(fieldIds, CASES_LIMITS.getCaseFields)) {
    let nextToken: string | undefined;
    do {
      const page = await cases.send(new GetCaseCommand({ domainId, caseId, fields: ids.map((id) => ({ id })), nextToken }));
      templateId ??= page.templateId;
      valuesOf(page.fields as never, values);
      nextToken = page.nextToken || undefined;
    } while (nextToken);
  }
  return { templateId, values };
}

/** The case's whole audit trail, oldest first (Cases documents no order; sorted by time, stable). */
export async function getAuditTrail(cases: ConnectCasesClient, domainId: string, caseId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cases.send(new GetCaseAuditEventsCommand({ domainId, caseId, nextToken, maxResults: CASES_LIMITS.auditPage }));
    for (const event of page.auditEvents ?? []) if (event) events.push(event);
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  const time = (event: AuditEvent) => epochMillis(event.performedTime) ?? NaN;
  return events.map((event, index) => ({ event, index }))
    .sort((a, b) => (time(a.event) - time(b.event)) || (a.index - b.index))
    .map(({ event }) => event);
}
