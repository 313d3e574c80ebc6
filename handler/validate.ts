/** Checks shared by the stack config, the function's environment and the local runner's options. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Cases domain id is a UUID. */
export const isDomainId = (text: string): boolean => UUID.test(text);

/** The whole number `text` spells if it is one from `min` to `max`, else undefined. */
export function wholeNumberIn(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}
