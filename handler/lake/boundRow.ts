import type { CaseEventsRow, CaseRelatedItemEventsRow } from "../../analytics/lakeSchema";

/** One string of a row that may be cut: where it is (for the log) and how to read and write it. */
interface Slot {
  path: string;
  value: string;
  set: (value: string) => void;
}

/** Says what was cut, in the value itself, so a reader of the lake sees it and knows where to look. */
const marker = (kept: number, length: number) =>
  `…[cut to ${kept} of ${length} characters to fit Firehose's record limit; the event's history row in DynamoDB keeps the whole event]`;

/** A list of slots, and how to add a value to it (empty values are nothing to cut). */
function slotList() {
  const slots: Slot[] = [];
  const add = (path: string, value: string | null, set: (value: string) => void) => {
    if (value) slots.push({ path, value, set });
  };
  return { slots, add };
}

/**
 * The free-text values a case event's row may carry in bulk: each changed field's old and new
 * value (JSON text of the value, so a long text is there up to three times with the custom field),
 * then the custom texts and the text columns.
 */
function caseEventSlots(row: CaseEventsRow): Slot[] {
  const { slots, add } = slotList();
  for (const change of row.field_changes) {
    add(`field_changes[${change.field_id}].old_value`, change.old_value, (value) => (change.old_value = value));
    add(`field_changes[${change.field_id}].new_value`, change.new_value, (value) => (change.new_value = value));
  }
  for (const field of row.custom_fields) add(`custom_fields[${field.id}].string_value`, field.string_value, (value) => (field.string_value = value));
  for (const column of ["case_summary", "case_title"] as const) add(column, row[column] as string | null, (value) => (row[column] = value));
  return slots;
}

function relatedItemSlots(row: CaseRelatedItemEventsRow): Slot[] {
  const { slots, add } = slotList();
  add("comment_body", row.comment_body as string | null, (value) => (row.comment_body = value));
  for (const field of row.custom_related_item_fields) {
    add(`custom_related_item_fields[${field.id}].string_value`, field.string_value, (value) => (field.string_value = value));
  }
  return slots;
}

const jsonBytes = (row: object) => Buffer.byteLength(JSON.stringify(row));

/** The first `keep` UTF-16 units, never half a surrogate pair (a lone half is not UTF-8). */
const head = (text: string, keep: number) => text.slice(0, /[\uD800-\uDBFF]/.test(text.charAt(keep - 1)) ? keep - 1 : keep);

/**
 * Cuts a row's longest texts until its JSON fits `maxBytes`: every text longer than one common
 * length is cut to it, the longest length that fits (found by bisection), so short values stay
 * whole and long ones keep as much as they can. Returns the paths cut; a row still over the bound
 * (thousands of fields, say) is left for the sender to fail alone.
 */
function cutToFit(row: object, slots: Slot[], maxBytes: number): string[] {
  if (jsonBytes(row) <= maxBytes) return [];
  const originals = slots.map((slot) => slot.value);
  const apply = (keep: number) => slots.forEach((slot, index) => {
    const original = originals[index];
    slot.set(original.length > keep ? head(original, keep) + marker(keep, original.length) : original);
  });
  let fits = 0;
  let over = originals.reduce((longest, value) => Math.max(longest, value.length), 0);
  while (over - fits > 1) {
    const keep = Math.floor((fits + over) / 2);
    apply(keep);
    if (jsonBytes(row) <= maxBytes) fits = keep;
    else over = keep;
  }
  apply(fits);
  return slots.filter((_, index) => originals[index].length > fits).map((slot) => slot.path);
}

export const boundCaseEventRow = (row: CaseEventsRow, maxBytes: number) => cutToFit(row, caseEventSlots(row), maxBytes);
export const boundRelatedItemRow = (row: CaseRelatedItemEventsRow, maxBytes: number) => cutToFit(row, relatedItemSlots(row), maxBytes);
