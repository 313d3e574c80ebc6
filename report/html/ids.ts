const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Trailing characters a UUID label starts with; more are added only when two ids would read alike. */
const MIN_SUFFIX = 4;

/** The part of an ARN after its resource type: "role/CasesAdmin" → "CasesAdmin", "assumed-role/R/jane" → "R/jane". */
function arnName(arn: string): string {
  const resource = arn.split(":").slice(5).join(":");
  const path = resource.split("/");
  return path.length > 1 ? path.slice(1).join("/") : resource || arn;
}

/**
 * Readable labels for ids: a UUID (a Connect user id, a template id) reads "Agent …0105", with as
 * many trailing characters as it takes to tell this chart's ids apart; an ARN (an IAM principal that
 * acted outside Connect) reads as its name; anything else as it is. The full id goes in the table.
 * A no-break space keeps "Agent …0105" on one line wherever a table squeezes it.
 */
export function idLabels(ids: string[], noun: string): Map<string, string> {
  const uuids = ids.filter((id) => UUID.test(id)).map((id) => id.replace(/-/g, ""));
  let length = MIN_SUFFIX;
  while (length < 32 && new Set(uuids.map((id) => id.slice(-length))).size < new Set(uuids).size) length += 1;
  return new Map(ids.map((id) => [
    id,
    UUID.test(id) ? `${noun}\u00a0…${id.replace(/-/g, "").slice(-length)}` : id.startsWith("arn:") ? arnName(id) : id,
  ]));
}
