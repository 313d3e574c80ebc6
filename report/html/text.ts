const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe as HTML content or a quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ENTITIES[char]);

/**
 * Word-wrapped lines of about `width` characters. A word longer than that stays whole on its own
 * line: the point is a label that is never cut.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  // Not \s, which would break at the no-break spaces that hold a label together.
  for (const word of text.split(/[ \t\r\n]+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length ? lines : [text];
}

/** "CASE.CREATED" → "Case created"; "CASE.RELATED_ITEM.CREATED" (the lake's name) → "Related item created". */
export function eventTypeLabel(type: string): string {
  const words = type.replace(/^CASE\.(?=RELATED_ITEM\.)/, "").toLowerCase().split(/[._\s]+/).filter(Boolean).join(" ");
  return words ? words[0].toUpperCase() + words.slice(1) : type;
}

/** "messagesPerSecond" → "messages per second", for the footer's keys. */
export const factLabel = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

const COUNT_FORMAT = new Intl.NumberFormat("en-US");
/** 12345 → "12,345". */
export const formatCount = (value: number): string => COUNT_FORMAT.format(value);

const DAY_FORMAT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const TIME_FORMAT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const WEEKDAY_FORMAT = new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone: "UTC" });
const DAY_MONTH_FORMAT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const utcDay = (day: string) => new Date(`${day.slice(0, 10)}T00:00:00Z`);

/** "2026-11-20" → "20 Nov 2026" (report days are UTC days). */
export const formatDay = (day: string): string => DAY_FORMAT.format(utcDay(day));

/** "2026-11-20" → ["Fri", "20 Nov"]: a day axis label on two short lines. */
export const dayLines = (day: string): string[] => [WEEKDAY_FORMAT.format(utcDay(day)), DAY_MONTH_FORMAT.format(utcDay(day))];

/** An ISO time as "22 Nov 2026, 08:00 UTC"; anything unparsable as it is. */
export function formatTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${TIME_FORMAT.format(new Date(at))} UTC`;
}
