import type * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { MAX_EVENT_FIELDS } from "../../handler/constants";
import { type AwsIdentity, readAwsIdentity, type StackConfig } from "./awsIdentity";
import { isNotFound, listFieldIds, withCases } from "./casesApi";

/**
 * The Cases domain's event stream (PutCaseEventConfiguration) as a Pulumi resource. @pulumi/aws has
 * none, so this is a dynamic provider. Pulumi serializes the provider object into the state and
 * runs it in its own host process, so:
 * - methods share code through plain module functions (captured by value), never through a module
 *   export (`exports.x` may not be assigned yet when captured) or `this`;
 * - the AWS SDK is required when a method runs (a top-level import would be captured);
 * - the stack config arrives through `configure`, once per host process, and is kept in the
 *   provider's own closure.
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
  /**
   * When this stack turned the stream on (ISO-8601, the deployer's clock right after the put
   * succeeded): changes from then on reach the pipeline through the stream, earlier ones only
   * through a backfill (`npm run backfill -- --history` cuts the audit trail here). Set by create,
   * kept by update and refresh; absent for a resource created before this output existed.
   */
  enabledAt?: string;
}

/** Cases' limit on the fields an event configuration may include (copied so the serialized provider holds the number). */
const EVENT_FIELD_LIMIT: number = MAX_EVENT_FIELDS;

/** What the engine sends for a value not known yet (during preview); copied so the closure holds the string. */
const UNKNOWN: string = rpc.unknownValue;

/** Properties as the host passes them: with the serialized provider they were recorded with. */
type Serialized<T> = T & { __provider?: string };

const isKnown = (value: unknown): boolean => value !== UNKNOWN && (!Array.isArray(value) || value.every(isKnown));

/** The checks that need no AWS call. */
function inputFailures(news: CaseEventConfigurationInputs): pulumi.dynamic.CheckFailure[] {
  if (!isKnown(news.fields)) return [];
  const count = Array.isArray(news.fields) ? news.fields.length : 0;
  if (count >= 1 && count <= EVENT_FIELD_LIMIT) return [];
  return [{ property: "fields", reason: `config caseEventFields must list 1 to ${EVENT_FIELD_LIMIT} case field ids (Cases' limit for an event stream); it lists ${count}` }];
}

/** The domain must exist, as the stack's identity sees it, and have every field asked for. */
async function domainFailures(news: CaseEventConfigurationInputs, identity: AwsIdentity): Promise<pulumi.dynamic.CheckFailure[]> {
  const known = await withCases("ListFields", news, identity, (client, sdk) =>
    listFieldIds(client, sdk, news.domainId).catch((error) => {
      if (isNotFound(error)) return undefined;
      throw error;
    }));
  if (known === undefined) {
    return [{ property: "domainId", reason: `Cases domain ${news.domainId} was not found in ${news.region}: set config casesDomainId to the id of ` +
      `a Cases domain of this account in ${news.region} (aws connectcases list-domains --region ${news.region}), or aws:region to the domain's region` }];
  }
  const unknown = news.fields.filter((field) => !known.includes(field));
  if (unknown.length === 0) return [];
  return [{ property: "fields", reason: `config caseEventFields lists field id(s) domain ${news.domainId} does not have: ${unknown.join(", ")}. ` +
    `Valid ids: ${[...known].sort().join(", ")}` }];
}

function eventBridgeFor(inputs: CaseEventConfigurationInputs) {
  return {
    enabled: true,
    includedData: {
      caseData: { fields: inputs.fields.map((id) => ({ id })) },
      relatedItemData: { includeContent: inputs.includeRelatedItemContent },
    },
  };
}

/**
 * Field sets compare regardless of order; a new domain or region is another resource. New provider
 * code is a change too: delete and refresh run the code recorded in the state, so an update (an
 * idempotent put) is what brings a fixed provider to resources already deployed.
 */
export function diffConfiguration(olds: Serialized<CaseEventConfigurationOutputs>, news: Serialized<CaseEventConfigurationInputs>): pulumi.dynamic.DiffResult {
  const replaces = (["domainId", "region"] as const).filter((key) => olds[key] !== news[key]);
  const sameFields = Array.isArray(news.fields) && isKnown(news.fields) &&
    [...olds.fields].sort().join(",") === [...news.fields].sort().join(",");
  const changes = [
    ...replaces,
    ...(sameFields ? [] : ["fields"]),
    ...(olds.includeRelatedItemContent === news.includeRelatedItemContent ? [] : ["includeRelatedItemContent"]),
    ...(olds.__provider === news.__provider ? [] : ["__provider"]),
  ];
  return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
}

/**
 * The provider. A function so each serialized copy has its own `session`: the stack identity that
 * `configure` records and the other methods read.
 */
export function caseEventConfigurationProvider(): pulumi.dynamic.ResourceProvider {
  const session: { config?: StackConfig } = {};
  // Parsed at each use, not in configure: the host caches the provider before configure returns, so a
  // throwing configure would leave later calls silently on the SDK's default identity.
  const identity = () => readAwsIdentity(session.config);

  return {
    async configure(request: pulumi.dynamic.ConfigureRequest) {
      session.config = request.config;
    },

    async check(_olds: CaseEventConfigurationInputs, news: CaseEventConfigurationInputs) {
      const failures = inputFailures(news);
      // During preview some inputs may not be known yet: AWS is only asked about known values.
      if (failures.length > 0 || ![news.domainId, news.region, news.fields].every(isKnown)) return { inputs: news, failures };
      return { inputs: news, failures: await domainFailures(news, identity()) };
    },

    async diff(_id: string, olds: Serialized<CaseEventConfigurationOutputs>, news: Serialized<CaseEventConfigurationInputs>) {
      return diffConfiguration(olds, news);
    },

    async create(inputs: CaseEventConfigurationInputs) {
      const previous = await withCases("GetCaseEventConfiguration", inputs, identity(), async (client, sdk) =>
        (await client.send(new sdk.GetCaseEventConfigurationCommand({ domainId: inputs.domainId }))).eventBridge);
      await withCases("PutCaseEventConfiguration", inputs, identity(), (client, sdk) =>
        client.send(new sdk.PutCaseEventConfigurationCommand({ domainId: inputs.domainId, eventBridge: eventBridgeFor(inputs) })));
      // After the put, not before: a change made while it was in flight is then in the backfill's
      // history, not lost between the two (at worst it is in both, under different event ids).
      const enabledAt = new Date().toISOString();
      const outs: CaseEventConfigurationOutputs = { ...inputs, previousConfiguration: previous ?? { enabled: false }, enabledAt };
      return { id: inputs.domainId, outs };
    },

    async update(_id: string, olds: CaseEventConfigurationOutputs, news: CaseEventConfigurationInputs) {
      // Put the new configuration, but keep what the domain had before the stack first touched it.
      await withCases("PutCaseEventConfiguration", news, identity(), (client, sdk) =>
        client.send(new sdk.PutCaseEventConfigurationCommand({ domainId: news.domainId, eventBridge: eventBridgeFor(news) })));
      // The stream has been on since create: a new field list does not move where the backfill's history ends.
      // Absent stays absent: the host cannot send an undefined property (the update would fail).
      const outs: CaseEventConfigurationOutputs = {
        ...news,
        previousConfiguration: olds.previousConfiguration,
        ...(olds.enabledAt === undefined ? {} : { enabledAt: olds.enabledAt }),
      };
      return { outs };
    },

    async delete(_id: string, props: CaseEventConfigurationOutputs) {
      const previous = props.previousConfiguration ?? {};
      // There is no delete API: putting back what was there (no includedData clears it) is the undo.
      // A domain that is gone has nothing to undo.
      await withCases("PutCaseEventConfiguration", props, identity(), (client, sdk) =>
        client.send(new sdk.PutCaseEventConfigurationCommand({
          domainId: props.domainId,
          eventBridge: { enabled: previous.enabled === true, includedData: previous.includedData as never },
        })).catch((error) => {
          if (!isNotFound(error)) throw error;
        }));
    },

    async read(id: string, props: CaseEventConfigurationOutputs) {
      const eventBridge = await withCases("GetCaseEventConfiguration", props, identity(), async (client, sdk) => {
        try {
          return (await client.send(new sdk.GetCaseEventConfigurationCommand({ domainId: props.domainId }))).eventBridge ?? { enabled: false };
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      });
      // No id: the domain is gone, and the engine drops the resource from the state.
      if (eventBridge === undefined) return { id: "" };
      const enabled = eventBridge.enabled === true;
      return {
        id,
        props: {
          ...props,
          // A stream switched off outside Pulumi reads as no fields, so the next `pulumi up` puts it back.
          fields: enabled ? (eventBridge.includedData?.caseData?.fields ?? []).map((field) => field.id ?? "") : [],
          includeRelatedItemContent: enabled && eventBridge.includedData?.relatedItemData?.includeContent === true,
        },
      };
    },
  };
}

