import * as pulumi from "@pulumi/pulumi";

/**
 * The Cases domain's event stream (PutCaseEventConfiguration) as a Pulumi resource. @pulumi/aws has
 * none, so this is a dynamic provider. Its methods are serialized into the stack's state, so they
 * require the SDK inside themselves and read nothing from outside their arguments.
 */

export interface CaseEventConfigurationInputs {
  domainId: string;
  region: string;
  /** Case field ids whose values events carry (at most 200). */
  fields: string[];
  /** Whether related-item events carry their content (comment text may be personal data). */
  includeRelatedItemContent: boolean;
}

export interface EventBridgeSettings {
  enabled?: boolean;
  includedData?: {
    caseData?: { fields?: { id?: string }[] };
    relatedItemData?: { includeContent?: boolean };
  };
}

export interface CaseEventConfigurationOutputs extends CaseEventConfigurationInputs {
  /** What the domain had before this stack took it over; restored on delete. */
  previousConfiguration: EventBridgeSettings;
}

/** Cases' limit on the fields an event configuration may include. */
export const MAX_EVENT_FIELDS = 200;

/** The SDK is loaded inside each call: a top-level import would be captured and break serialization. */
async function casesClient(region: string) {
  const sdk = await import("@aws-sdk/client-connectcases");
  // Cases throttles bursts; the SDK's retries (with backoff) absorb it.
  return { sdk, client: new sdk.ConnectCasesClient({ region, maxAttempts: 10 }) };
}

/** Cases errors as messages naming the domain, and the permission or config key to fix. */
export function explainCasesError(action: string, domainId: string, region: string, error: unknown): Error {
  const name = (error as Error).name;
  const domain = `Cases domain ${domainId} in ${region}`;
  if (name === "ResourceNotFoundException") return new Error(`${domain} was not found: check the stack's casesDomainId and aws:region`);
  if (name === "AccessDeniedException") {
    return new Error(`access denied calling cases:${action} on ${domain}: the identity running \`pulumi up\` needs ` +
      "cases:GetCaseEventConfiguration, cases:PutCaseEventConfiguration and cases:ListFields on the domain (README, Deploy)");
  }
  if (name === "ThrottlingException") return new Error(`cases:${action} on ${domain} was still throttled after 10 attempts; run \`pulumi up\` again`);
  return new Error(`cases:${action} on ${domain} failed: ${(error as Error).message}`);
}

async function call<T>(action: string, inputs: { domainId: string; region: string }, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw explainCasesError(action, inputs.domainId, inputs.region, error);
  }
}

export const caseEventConfigurationProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: CaseEventConfigurationInputs, news: CaseEventConfigurationInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!Array.isArray(news.fields) || news.fields.length === 0 || news.fields.length > MAX_EVENT_FIELDS) {
      failures.push({ property: "fields", reason: `list between 1 and ${MAX_EVENT_FIELDS} case field ids (Cases' limit)` });
    }
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: CaseEventConfigurationOutputs, news: CaseEventConfigurationInputs) {
    const replaces = (["domainId", "region"] as const).filter((key) => olds[key] !== news[key]);
    const sameFields = [...olds.fields].sort().join(",") === [...news.fields].sort().join(",");
    const changes = [
      ...replaces,
      ...(sameFields ? [] : ["fields"]),
      ...(olds.includeRelatedItemContent === news.includeRelatedItemContent ? [] : ["includeRelatedItemContent"]),
    ];
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: CaseEventConfigurationInputs) {
    const { sdk, client } = await casesClient(inputs.region);
    try {
      const known = new Set<string>();
      let nextToken: string | undefined;
      do {
        const page = await call("ListFields", inputs, () =>
          client.send(new sdk.ListFieldsCommand({ domainId: inputs.domainId, nextToken, maxResults: 100 })));
        for (const field of page.fields ?? []) if (field.fieldId) known.add(field.fieldId);
        nextToken = page.nextToken;
      } while (nextToken);
      const unknown = inputs.fields.filter((field) => !known.has(field));
      if (unknown.length > 0) {
        throw new Error(`unknown case field id(s) ${unknown.join(", ")} in config caseEventFields; ` +
          `domain ${inputs.domainId} has: ${[...known].sort().join(", ")}`);
      }
      const current = await call("GetCaseEventConfiguration", inputs, () =>
        client.send(new sdk.GetCaseEventConfigurationCommand({ domainId: inputs.domainId })));
      await call("PutCaseEventConfiguration", inputs, () => client.send(new sdk.PutCaseEventConfigurationCommand({
        domainId: inputs.domainId,
        eventBridge: {
          enabled: true,
          includedData: {
            caseData: { fields: inputs.fields.map((id) => ({ id })) },
            relatedItemData: { includeContent: inputs.includeRelatedItemContent },
          },
        },
      })));
      const outs: CaseEventConfigurationOutputs = { ...inputs, previousConfiguration: current.eventBridge ?? { enabled: false } };
      return { id: inputs.domainId, outs };
    } finally {
      client.destroy();
    }
  },

  async update(_id: string, olds: CaseEventConfigurationOutputs, news: CaseEventConfigurationInputs) {
    // Put the new configuration, but keep what the domain had before the stack first touched it.
    const { outs } = await caseEventConfigurationProvider.create!(news);
    return { outs: { ...outs, previousConfiguration: olds.previousConfiguration } };
  },

  async delete(_id: string, props: CaseEventConfigurationOutputs) {
    const { sdk, client } = await casesClient(props.region);
    const previous = props.previousConfiguration ?? {};
    try {
      // There is no delete API: putting back what was there (no includedData clears it) is the undo.
      await call("PutCaseEventConfiguration", props, () => client.send(new sdk.PutCaseEventConfigurationCommand({
        domainId: props.domainId,
        eventBridge: { enabled: previous.enabled === true, includedData: previous.includedData as never },
      })));
    } finally {
      client.destroy();
    }
  },

  async read(id: string, props: CaseEventConfigurationOutputs) {
    const { sdk, client } = await casesClient(props.region);
    try {
      const { eventBridge } = await call("GetCaseEventConfiguration", props, () =>
        client.send(new sdk.GetCaseEventConfigurationCommand({ domainId: props.domainId })));
      const enabled = eventBridge?.enabled === true;
      return {
        id,
        props: {
          ...props,
          // A stream switched off outside Pulumi reads as no fields, so the next `pulumi up` puts it back.
          fields: enabled ? (eventBridge?.includedData?.caseData?.fields ?? []).map((field) => field.id ?? "") : [],
          includeRelatedItemContent: enabled && eventBridge?.includedData?.relatedItemData?.includeContent === true,
        },
      };
    } finally {
      client.destroy();
    }
  },
};

type Inputs = { [K in keyof CaseEventConfigurationInputs]: pulumi.Input<CaseEventConfigurationInputs[K]> };

/** Turns on the domain's event stream with the fields the pipeline needs; undone on destroy. */
export class CaseEventConfiguration extends pulumi.dynamic.Resource {
  public readonly previousConfiguration!: pulumi.Output<EventBridgeSettings>;
  public readonly fields!: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(caseEventConfigurationProvider, name, { ...args, previousConfiguration: undefined }, opts, "cases-data-streaming", "CaseEventConfiguration");
  }
}
