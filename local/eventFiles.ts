import * as fs from "node:fs";
import * as path from "node:path";

export interface MalformedInput {
  /** `file:line` of the input that could not be read. */
  location: string;
  problem: string;
}

export interface LoadedEvents {
  /** SQS message bodies, one per event, in input order. */
  bodies: string[];
  malformed: MalformedInput[];
  files: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** An SQS batch as Lambda receives it holds the events as record bodies. */
function bodiesOf(value: unknown): string[] | undefined {
  if (isObject(value) && Array.isArray(value.Records)) {
    return value.Records.filter(isObject).map((record) => String(record.body ?? ""));
  }
  if (Array.isArray(value)) return value.map((event) => JSON.stringify(event));
  if (isObject(value)) return [JSON.stringify(value)];
  return undefined;
}

function loadFile(file: string, into: LoadedEvents): void {
  const text = fs.readFileSync(file, "utf8");
  into.files += 1;
  const whole = (() => {
    try {
      return bodiesOf(JSON.parse(text));
    } catch {
      return undefined;
    }
  })();
  if (whole) {
    into.bodies.push(...whole);
    return;
  }
  // Not one JSON document: read it as JSON Lines, one event (or SQS batch) per line.
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const location = `${file}:${index + 1}`;
    try {
      const bodies = bodiesOf(JSON.parse(line));
      if (bodies) into.bodies.push(...bodies);
      else into.malformed.push({ location, problem: "not a JSON object, array or SQS batch" });
    } catch (error) {
      into.malformed.push({ location, problem: `not JSON (${(error as Error).message})` });
    }
  });
}

const EVENT_FILE = /\.(json|jsonl|ndjson|txt)$/i;

/** Reads events from a file or a directory of files (sorted by name; README.md and the like are skipped). */
export function loadEvents(target: string): LoadedEvents {
  const loaded: LoadedEvents = { bodies: [], malformed: [], files: 0 };
  if (!fs.existsSync(target)) throw new Error(`--events: ${target} does not exist`);
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target).filter((name) => EVENT_FILE.test(name)).sort().map((name) => path.join(target, name))
    : [target];
  for (const file of files) loadFile(file, loaded);
  return loaded;
}
