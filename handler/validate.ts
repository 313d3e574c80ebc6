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

/**
 * Only full ISO-8601 date-times with a zone: `Date.parse` alone would take "Nov 20 2026" or
 * "2026-02-30T00:00:00Z" (as 2 March), and an odd time must never decide which event is latest.
 */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** `text` as ISO-8601 UTC with milliseconds, if it is a strict ISO-8601 date-time with a zone on a real calendar day. */
export function strictIsoTime(text: unknown): string | undefined {
  const match = typeof text === "string" ? ISO_DATE_TIME.exec(text) : null;
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  const valid = calendarDay.getUTCMonth() === month - 1 && calendarDay.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? new Date(Date.parse(text as string)).toISOString() : undefined;
}
