import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where the local runs keep their files: `.local/` in the project's folder (git ignores it), one
 * folder per run inside, the lake the last run published, and the HTML report by default.
 */
export const LOCAL_WORK_DIR = path.resolve(".local");

/** Where a run publishes its lake when no --lake or --data is given: what `npm run report` reads. */
export const PUBLISHED_LAKE_DIR = path.join(LOCAL_WORK_DIR, "lake");

/** `--html` without a file; relative, as the usage and the messages say it. */
export const DEFAULT_HTML_FILE = path.join(".local", "report.html");

/** A run's own folder, so any number of runs and test processes can share a checkout. */
export function newRunDir(): string {
  fs.mkdirSync(LOCAL_WORK_DIR, { recursive: true });
  return fs.mkdtempSync(path.join(LOCAL_WORK_DIR, "run-"));
}

/** `--lake`, else next to the kept DynamoDB data (`--data`), else the published lake. */
export const lakeDirFor = (options: { lake?: string; data?: string }): string =>
  path.resolve(options.lake ?? (options.data ? path.join(options.data, "lake") : PUBLISHED_LAKE_DIR));

/** Replaces the published lake with a run's, so `npm run report` reads the latest run. */
export function publishLake(from: string): string {
  const staging = `${PUBLISHED_LAKE_DIR}.${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  if (fs.existsSync(from)) fs.renameSync(from, staging);
  else fs.mkdirSync(staging, { recursive: true });
  // Another run may publish between the removal and the rename: the last to rename wins.
  for (let attempt = 1; ; attempt++) {
    fs.rmSync(PUBLISHED_LAKE_DIR, { recursive: true, force: true });
    try {
      fs.renameSync(staging, PUBLISHED_LAKE_DIR);
      return PUBLISHED_LAKE_DIR;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= PUBLISH_ATTEMPTS || (code !== "ENOTEMPTY" && code !== "EEXIST")) throw error;
    }
  }
}

const PUBLISH_ATTEMPTS = 5;
