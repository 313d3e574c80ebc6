import * as fs from "node:fs";
import { type Checkpoint, readCheckpoint, removeCheckpoint, writeCheckpoint } from "./checkpoint";
import { BackfillConfigError } from "./errors";
import type { ProgressReporter } from "./progress";
import { type BackfillCounts, emptyCounts } from "./summary";

/** What a checkpoint must agree with to be resumed. */
export interface CursorSettings {
  domainId: string;
  tableName?: string;
  history: boolean;
  streamStart?: string;
  fields: string[];
  /** SearchCases page size to start with. */
  pageSize: number;
}

/**
 * Where a run is: the SearchCases page it is on (the token that fetches it, the page size the token
 * was issued for), the cases of that page already finished, and the totals so far. Saved to the
 * checkpoint file after each case, so `--resume` redoes at most the cases that were in flight.
 */
export class BackfillCursor {
  pageToken?: string;
  pageSize: number;
  /** Pages finished before this one. */
  page = 0;
  finished = new Set<string>();
  total?: number;
  /** The totals the run starts from: a resumed run's so far (the run's Tally counts on from them). */
  readonly countsBefore: BackfillCounts;
  /** Seconds spent by the earlier runs this one resumes. */
  readonly secondsBefore: number;
  /** The page token the run resumed with: if Cases refuses it, it has expired. */
  private resumedToken?: string;
  /** The run continues a checkpoint. */
  readonly resumed: boolean;
  /** The first page is the one a resumed run died on: a case not marked finished may have been in flight. */
  onResumedPage: boolean;

  private constructor(private readonly settings: CursorSettings, private readonly file: string | undefined, checkpoint: Checkpoint | undefined) {
    this.pageToken = checkpoint?.pageToken;
    this.resumedToken = checkpoint?.pageToken;
    this.pageSize = checkpoint?.pageSize ?? settings.pageSize;
    this.page = checkpoint?.page ?? 0;
    this.finished = new Set(checkpoint?.finished ?? []);
    this.total = checkpoint?.total;
    this.countsBefore = checkpoint?.counts ?? emptyCounts();
    this.secondsBefore = checkpoint?.seconds ?? 0;
    this.resumed = checkpoint !== undefined;
    this.onResumedPage = this.resumed;
  }

  /** A new run's cursor, or with `resume` the checkpoint's (which must be of a run with the same settings). */
  static open(settings: CursorSettings, options: { file?: string; resume: boolean; progress: ProgressReporter }): BackfillCursor {
    const { file } = options;
    if (!options.resume) {
      if (file && fs.existsSync(file)) options.progress.phase(`An unfinished run's checkpoint ${file} is replaced: starting over (--resume would continue it)`);
      return new BackfillCursor(settings, file, undefined);
    }
    if (!file) throw new BackfillConfigError("--resume needs a checkpoint file (a dry run keeps none)");
    const checkpoint = readCheckpoint(file);
    if (!checkpoint) throw new BackfillConfigError(`no checkpoint at ${file}: nothing to resume (a finished run removes its checkpoint; run without --resume to start over)`);
    const differs = (what: string, was: unknown, now: unknown) =>
      new BackfillConfigError(`checkpoint ${file} is of a run with ${what} ${JSON.stringify(was)}, this one has ${JSON.stringify(now)}: ` +
        "run with the same settings to resume, or without --resume to start over");
    if (checkpoint.domainId !== settings.domainId) throw differs("domain", checkpoint.domainId, settings.domainId);
    if (checkpoint.tableName !== settings.tableName) throw differs("table", checkpoint.tableName, settings.tableName);
    if (checkpoint.history !== settings.history) throw differs("--history", checkpoint.history, settings.history);
    if (checkpoint.streamStart !== settings.streamStart) throw differs("stream start", checkpoint.streamStart, settings.streamStart);
    if ([...checkpoint.fields].sort().join(",") !== [...settings.fields].sort().join(",")) throw differs("fields", checkpoint.fields, settings.fields);
    return new BackfillCursor(settings, file, checkpoint);
  }

  /** Where the run is saved, if anywhere. */
  get checkpointFile(): string | undefined {
    return this.file;
  }

  /** Whether Cases refusing `token` means the checkpoint's token expired. */
  isResumedToken(token: string | undefined): boolean {
    return token !== undefined && token === this.resumedToken;
  }

  /** Page tokens do not last forever: back to the first page; what is stored stays. */
  startOver(): void {
    Object.assign(this, { pageToken: undefined, resumedToken: undefined, page: 0, finished: new Set() });
  }

  /** The page is written: on to the one `nextToken` fetches. */
  nextPage(nextToken: string | undefined): void {
    this.page += 1;
    this.pageToken = nextToken;
    this.finished = new Set();
    this.onResumedPage = false;
    this.resumedToken = undefined;
  }

  save(counts: BackfillCounts, seconds: number): void {
    if (!this.file) return;
    const { domainId, tableName, history, streamStart, fields } = this.settings;
    writeCheckpoint(this.file, {
      version: 1,
      domainId,
      tableName,
      history,
      streamStart,
      fields,
      pageToken: this.pageToken,
      pageSize: this.pageSize,
      page: this.page,
      finished: [...this.finished],
      total: this.total,
      counts,
      seconds,
      updatedAt: new Date().toISOString(),
    });
  }

  /** The run is complete: nothing to resume. */
  close(): void {
    if (this.file) removeCheckpoint(this.file);
  }
}
