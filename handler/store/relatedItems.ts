import type { CaseEvent, CaseState } from "../types";
import type { StateUpdate } from "./stateUpdate";
import { type ItemOp, itemSortKey, relatedKey } from "./tableDefinition";
import { UpdateBuilder } from "./updateBuilder";

/**
 * Related-item counts, exact and idempotent in any order, in a small row of bounded size beside
 * the case's STATE row (`sk = RELATED`).
 *
 * The memory of what was counted is the items' own history rows: a creation and a deletion are
 * each stored once under the item's id (`ITEM#<id>#CREATED`, `ITEM#<id>#DELETED`), whichever event
 * reports them. A count changes with an update of the counts row that goes first (as every state
 * update), so between the two writes that row names the op in `relatedItemsPending`; the next op
 * of the case drops the names whose rows it has read back. The pending set is therefore as small
 * as the ops in flight, whatever the case's history, and every op costs one small counts update
 * and one history row.
 *
 * Ops of one case are serialised by `relatedItemsVersion`: each op is decided on the state it read
 * and on the item rows read after it, and applies only if no other op moved the state meanwhile.
 * If one did, the op is decided again on the state DynamoDB returns and rows read again.
 */
export const PENDING_ATTRIBUTE = "relatedItemsPending";
export const VERSION_ATTRIBUTE = "relatedItemsVersion";
/** Id sets state rows kept before the item rows (moved once by `npm run migrate`, migrate/relatedItemIds.ts); read, never written. */
export const LEGACY_IDS_ATTRIBUTE = "relatedItemIds";
export const LEGACY_DELETED_IDS_ATTRIBUTE = "deletedRelatedItemIds";

export interface ItemOpOf {
  itemId: string;
  type: string;
  op: ItemOp;
}

/** The creation or deletion of a related item an event reports, if it reports one with an id. */
export function itemOpOf(event: CaseEvent): ItemOpOf | undefined {
  const item = event.relatedItem;
  if (event.family !== "RELATED_ITEM" || !item?.id) return undefined;
  const op = event.eventType.endsWith(".CREATED") ? "CREATED" : event.eventType.endsWith(".DELETED") ? "DELETED" : undefined;
  return op && { itemId: item.id, type: item.type, op };
}

/** Attribute counting a case's related items of one type, e.g. `relatedCommentCount`. */
export const relatedCountAttribute = (type: string): `related${string}Count` =>
  `related${type.replace(/[^A-Za-z0-9]/g, "").replace(/^./, (c) => c.toUpperCase()) || "Other"}Count`;

/** A pending op is named by its row's sort key: that is the row that retires it. */
const pendingName = (itemId: string, op: ItemOp) => itemSortKey(itemId, op);

/** Item rows as read back from the table: which of those looked up exist. */
export interface ItemRowsSeen {
  exists(caseId: string, sortKey: string): boolean;
}

/** The rows an op is decided on: its item's two rows, and the rows of the ops the state holds pending. */
export function rowsToCheck(op: ItemOpOf, state: CaseState | undefined): string[] {
  return [itemSortKey(op.itemId, "CREATED"), itemSortKey(op.itemId, "DELETED"), ...(state?.relatedItemsPending ?? [])];
}

/** Reads the given rows again (strongly consistent) and records what it found. */
export type ReadItemRows = (caseId: string, sortKeys: string[]) => Promise<ItemRowsSeen>;

/** Looks item rows up: returns the `caseId` + `sortKey` pairs (joined by rowName) that exist. */
export type LookUpItemRows = (rows: { caseId: string; sortKey: string }[]) => Promise<Set<string>>;

/** How a looked-up row is named in the set LookUpItemRows returns. */
export const itemRowName = (caseId: string, sortKey: string) => `${caseId}\u0000${sortKey}`;

/**
 * The item rows one invocation has read back or written: read once for the whole batch (after its
 * states), then kept up to date by its own writes, and read again for a case when an op races.
 */
export class ItemRows implements ItemRowsSeen {
  private readonly seen = new Set<string>();
  private readonly found = new Set<string>();

  constructor(private readonly lookUp: LookUpItemRows) {}

  checked = (caseId: string, sortKey: string) => this.seen.has(itemRowName(caseId, sortKey));
  exists = (caseId: string, sortKey: string) => this.found.has(itemRowName(caseId, sortKey));

  /** Reads the rows not read yet. */
  async read(rows: { caseId: string; sortKey: string }[]): Promise<this> {
    const wanted = rows.filter((row) => !this.checked(row.caseId, row.sortKey));
    if (wanted.length === 0) return this;
    const found = await this.lookUp(wanted);
    for (const { caseId, sortKey } of wanted) {
      const name = itemRowName(caseId, sortKey);
      this.seen.add(name);
      if (found.has(name)) this.found.add(name);
    }
    return this;
  }

  /** A row this invocation wrote (or found written). */
  stored(caseId: string, sortKey: string): void {
    this.seen.add(itemRowName(caseId, sortKey));
    this.found.add(itemRowName(caseId, sortKey));
  }

  /**
   * For an op's fallback: its rows read again. The case's other rows are forgotten too, to be read
   * again when asked: the fallback moves the invocation to a newer state of the case, and rows read
   * before a state may miss what it counts (a later op of the case would count an item twice).
   */
  readAgain: ReadItemRows = (caseId, sortKeys) => {
    const ofCase = itemRowName(caseId, "");
    for (const name of [...this.seen]) {
      if (!name.startsWith(ofCase)) continue;
      this.seen.delete(name);
      this.found.delete(name);
    }
    return this.read(sortKeys.map((sortKey) => ({ caseId, sortKey })));
  };
}

/**
 * The state update an item op makes, or undefined when the op is known already (a duplicate, or a
 * creation after its deletion, which is never counted). `seen` must hold the rows of
 * `rowsToCheck`, read after `state`.
 */
export function relatedItemUpdate(event: CaseEvent, op: ItemOpOf, state: CaseState | undefined, seen: ItemRowsSeen, read: ReadItemRows): StateUpdate | undefined {
  const { caseId } = event;
  const pending = new Set(state?.relatedItemsPending ?? []);
  const legacy = { CREATED: state?.relatedItemIds, DELETED: state?.deletedRelatedItemIds };
  const known = (which: ItemOp) =>
    seen.exists(caseId, itemSortKey(op.itemId, which)) || pending.has(pendingName(op.itemId, which)) || legacy[which]?.has(op.itemId) === true;
  // Stored (or counted) already; or a creation whose deletion came first: nothing to count.
  if (known(op.op) || (op.op === "CREATED" && known("DELETED"))) return undefined;
  // A deletion counts down only what was counted; one seen first is remembered all the same.
  const delta = op.op === "CREATED" ? 1 : known("CREATED") ? -1 : 0;

  const retired = [...pending].filter((name) => seen.exists(caseId, name));
  const nextPending = new Set([...pending].filter((name) => !retired.includes(name)).concat(pendingName(op.itemId, op.op)));
  const version = state?.relatedItemsVersion;
  const builder = new UpdateBuilder().set("caseId", caseId).set(PENDING_ATTRIBUTE, nextPending).set(VERSION_ATTRIBUTE, (version ?? 0) + 1);
  const countAttribute = relatedCountAttribute(op.type);
  // Set, not added: the version makes the count read the one to add to. A count a state row of
  // the id-set days holds (read with the state) is carried over on its type's first op.
  const count = (state?.[countAttribute] ?? 0) + delta;
  if (delta !== 0) builder.set(countAttribute, count);
  const versionName = builder.name(VERSION_ATTRIBUTE);
  const condition = version === undefined ? `attribute_not_exists(${versionName})` : `${versionName} = ${builder.value("readVersion", version)}`;
  const after: CaseState = {
    ...state,
    caseId,
    relatedItemsPending: nextPending,
    relatedItemsVersion: (version ?? 0) + 1,
    [countAttribute]: count,
  };
  return {
    spec: builder.spec(relatedKey(caseId), condition),
    state: after,
    // Another op of the case came first: decide again on its counts as they are now (over what
    // else the state held), with the rows read again.
    fallback: async (current) => {
      const now: CaseState = { ...state, ...current, caseId };
      return relatedItemUpdate(event, op, now, await read(caseId, rowsToCheck(op, now)), read);
    },
  };
}
