import { type ConnectCasesClient, ListFieldsCommand, ListTemplatesCommand, type TemplateStatus } from "@aws-sdk/client-connectcases";
import type { Logger } from "@aws-lambda-powertools/logger";
import { errorKeys } from "../errors";

/** The domain's field names and types and template names: what the lake's rows name. */
export interface DomainNames {
  fields: Map<string, { name?: string; type?: string }>;
  templateNames: Map<string, string>;
}

/** Names change rarely: read them once per sandbox and again after this long. */
const REFRESH_MS = 15 * 60_000;
/** After a failed read, rows go without names and the read is tried again this much later. */
const RETRY_MS = 60_000;

/** ListFields and ListTemplates take at most 100 a page. */
const LIST_PAGE = 100;

/**
 * Reads the domain's names: every field, and the templates of `templateStatus` (Cases' default
 * when not given).
 */
export async function readDomainNames(cases: ConnectCasesClient, domainId: string, templateStatus?: TemplateStatus[]): Promise<DomainNames> {
  const names: DomainNames = { fields: new Map(), templateNames: new Map() };
  let nextToken: string | undefined;
  do {
    const page = await cases.send(new ListFieldsCommand({ domainId, nextToken, maxResults: LIST_PAGE }));
    for (const field of page.fields ?? []) if (field.fieldId) names.fields.set(field.fieldId, { name: field.name, type: field.type });
    nextToken = page.nextToken;
  } while (nextToken);
  do {
    const page = await cases.send(new ListTemplatesCommand({ domainId, nextToken, maxResults: LIST_PAGE, status: templateStatus }));
    for (const template of page.templates ?? []) if (template.templateId && template.name) names.templateNames.set(template.templateId, template.name);
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

/**
 * The domain's names, cached. A failure costs the lake rows their names (null, as AWS writes for a
 * deleted template), never an event.
 */
export function createDomainNames(cases: ConnectCasesClient, domainId: string, logger: Logger): () => Promise<DomainNames> {
  let cached: DomainNames = { fields: new Map(), templateNames: new Map() };
  let due = 0;
  let reading: Promise<void> | undefined;
  return async () => {
    if (Date.now() >= due) {
      reading ??= readDomainNames(cases, domainId)
        .then((names) => {
          cached = names;
          due = Date.now() + REFRESH_MS;
        })
        .catch((error) => {
          logger.warn("could not read the domain's field and template names; lake rows go without them", errorKeys(error));
          due = Date.now() + RETRY_MS;
        })
        .finally(() => (reading = undefined));
      await reading;
    }
    return cached;
  };
}
