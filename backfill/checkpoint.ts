import * as fs from "node:fs";
import * as path from "node:path";
import type { BackfillCounts } from "./summary";

/**
 * Where a run is: the SearchCases page it is on (the token that fetches it) and the cases of that
 * page already finished, with the totals so far. Written after each case, so `--resume` redoes at
 * most the cases that were in flight; rewriting them changes nothing (idempotent writes).
 */
export interface Checkpoint {
  version: 1;
  domainId: string;
  tableName?: string;
  history: boolean;
  streamStart?: string;
  fields: string[];
  /** Undefined: the first page. */
  pageToken?: string;
  /** The SearchCases page size the token was issued for. */
  pageSize?: number;
  /** Pages finished before this one. */
  page: number;
  /** Cases of the current page already written. */
  finished: string[];
  /** Cases in all, as the first page said. */
  total?: number;
  counts: BackfillCounts;
  /** Seconds spent by the runs so far. */
  seconds: number;
  updatedAt: string;
}

export const defaultCheckpointFile = (domainId: string) => path.join(".local", `backfill-${domainId}.json`);

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

export function readCheckpoint(file: string): Checkpoint | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = JSON.parse(text);
  } catch {
    throw new CheckpointError(`checkpoint ${file} is not JSON: remove it to start over`);
  }
  if (checkpoint?.version !== 1 || typeof checkpoint.domainId !== "string" || !Array.isArray(checkpoint.finished)) {
    throw new CheckpointError(`checkpoint ${file} is not a backfill checkpoint this version reads: remove it to start over`);
  }
  return checkpoint;
}

/** Atomic: a crash mid-write leaves the previous checkpoint, never half of one. */
export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(checkpoint));
  fs.renameSync(temporary, file);
}

export function removeCheckpoint(file: string): void {
  fs.rmSync(file, { force: true });
}
