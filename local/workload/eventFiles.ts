import * as fs from "node:fs";
import * as path from "node:path";

export interface MalformedInput {
  /** `file:line:column` of the input that could not be read. */
  location: string;
  problem: string;
}

/** One event to deliver, with where it came from (for dead letters and messages). */
export interface InputEvent {
  body: string;
  /** `file:line`, or the generator's case and step. */
  source: string;
}

export interface LoadedEvents {
  events: InputEvent[];
  malformed: MalformedInput[];
  files: number;
  /** Files of a folder left alone (documentation and the like), with why. */
  skipped: string[];
}

/** Why nothing could be delivered: empty, unreadable or entirely invalid input. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const EVENT_FILE = /\.(json|jsonl|ndjson|txt)$/i;
const DOCUMENTATION = /^readme|\.md$/i;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** An SQS batch as Lambda receives it holds the events as record bodies; an array holds events. */
function bodiesOf(value: unknown): string[] | undefined {
  if (isObject(value) && Array.isArray(value.Records)) return value.Records.filter(isObject).map((record) => String(record.body ?? ""));
  if (Array.isArray(value)) return value.map((event) => JSON.stringify(event));
  if (isObject(value)) return [JSON.stringify(value)];
  return undefined;
}

type Position = (offset: number) => { line: number; column: number };

/** 1-based line and column of offsets in a text: its line starts found once, then a binary search each. */
function positionsIn(text: string): Position {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  };
}

/**
 * The top-level JSON values of a text, found by bracket depth outside strings: one document, JSON
 * Lines and concatenated documents (what `jq .` prints) alike. A value that does not parse is one
 * problem at its own position, so one missing comma is one error, not one per line.
 */
function* topLevelValues(text: string): Generator<{ start: number; end: number }> {
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (start < 0 && !/[\s{[]/.test(char)) {
      // Not an object or array (a JSON Lines scalar, or prose): the rest of its line is one input.
      const end = text.indexOf("\n", i);
      yield { start: i, end: end < 0 ? text.length : end };
      i = end < 0 ? text.length : end;
      continue;
    }
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    if (/\s/.test(char)) {
      if (depth === 0 && start >= 0) {
        yield { start, end: i };
        start = -1;
      }
      continue;
    }
    if (start < 0) start = i;
    if (char === "{" || char === "[") depth++;
    else if ((char === "}" || char === "]") && depth > 0 && --depth === 0) {
      yield { start, end: i + 1 };
      start = -1;
    }
  }
  if (start >= 0) yield { start, end: text.length };
}

/** Where JSON.parse failed inside a value: Node reports `position N`. */
const failedAt = (error: Error) => Number(/position (\d+)/.exec(error.message)?.[1] ?? 0);

const parses = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

/**
 * A value that failed to parse but whose lines mostly parse alone is JSON Lines with broken lines
 * (each line its own input); otherwise it is one broken document, reported once.
 */
function isBrokenJsonLines(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines.length > 1 && lines.filter(parses).length * 2 >= lines.length;
}

function loadValue(file: string, text: string, positionOf: Position, start: number, end: number, into: LoadedEvents): void {
  const { line, column } = positionOf(start);
  const source = `${file}:${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (error) {
    if (isBrokenJsonLines(text.slice(start, end))) {
      let offset = start;
      for (const piece of text.slice(start, end).split("\n")) {
        if (piece.trim() !== "") loadValue(file, text, positionOf, offset + piece.search(/\S/), offset + piece.length, into);
        offset += piece.length + 1;
      }
      return;
    }
    const at = positionOf(start + failedAt(error as Error));
    into.malformed.push({ location: `${file}:${at.line}:${at.column}`, problem: `not JSON (${(error as Error).message.replace(/ in JSON at position \d+.*$/, "")})` });
    return;
  }
  const bodies = bodiesOf(value);
  if (bodies) into.events.push(...bodies.map((body) => ({ body, source })));
  else into.malformed.push({ location: `${source}:${column}`, problem: "not a JSON object, array or SQS batch" });
}

function loadFile(file: string, into: LoadedEvents): void {
  const bytes = fs.readFileSync(file);
  into.files += 1;
  if (bytes.includes(0)) throw new InputError(`${file} is a binary file, not events (JSON, JSON Lines or an SQS batch event)`);
  const text = bytes.toString("utf8");
  if (text.trim() === "") throw new InputError(`${file} is empty: it holds no events`);
  const positionOf = positionsIn(text);
  for (const { start, end } of topLevelValues(text)) loadValue(file, text, positionOf, start, end, into);
}

/**
 * Reads events from a file or a directory of files (sorted by name). In a directory, documentation
 * (README*, *.md) and other file types are skipped with a note; an empty, binary or entirely
 * unreadable input is an InputError.
 */
export function loadEvents(target: string): LoadedEvents {
  const loaded: LoadedEvents = { events: [], malformed: [], files: 0, skipped: [] };
  if (!fs.existsSync(target)) throw new InputError(`--events: ${target} does not exist`);
  let files = [target];
  if (fs.statSync(target).isDirectory()) {
    const names = fs.readdirSync(target).sort();
    loaded.skipped = names.filter((name) => DOCUMENTATION.test(name) || !EVENT_FILE.test(name)).map((name) => `${path.join(target, name)} (not an event file)`);
    files = names.filter((name) => !DOCUMENTATION.test(name) && EVENT_FILE.test(name)).map((name) => path.join(target, name));
    if (files.length === 0) throw new InputError(`${target} holds no event files (*.json, *.jsonl, *.ndjson, *.txt)`);
  }
  for (const file of files) loadFile(file, loaded);
  if (loaded.events.length === 0) {
    const first = loaded.malformed[0];
    throw new InputError(first
      ? `no event could be read from ${target}: ${loaded.malformed.length} malformed input(s), the first at ${first.location}: ${first.problem}`
      : `${target} holds no events (an empty list?)`);
  }
  return loaded;
}
