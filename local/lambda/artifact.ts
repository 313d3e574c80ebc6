import * as fs from "node:fs";
import * as path from "node:path";
import type { RegisteredResource } from "./pulumiMocks";

export interface LambdaArtifact {
  /** Folder holding the archive's files exactly as `pulumi up` would upload them. */
  dir: string;
  /** The function's environment variables as the stack sets them. */
  environment: Record<string, string>;
  /** `<file>.<export>`, as Lambda's `_HANDLER`. */
  handler: string;
  timeoutSeconds: number;
}

interface MockAsset {
  text?: Promise<string | undefined>;
  path?: Promise<string | undefined>;
}

/**
 * Writes the CallbackFunction's code archive (as registered under mocks) to `dir`: the serialized
 * `__index.js` and every package folder Pulumi chose to include. This is the deployed artifact.
 */
export async function writeLambdaArtifact(fn: RegisteredResource, dir: string): Promise<LambdaArtifact> {
  const assets: Record<string, MockAsset> = await fn.inputs.code.assets;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, asset] of Object.entries(assets)) {
    const target = path.join(dir, name);
    const text = await asset.text;
    const source = await asset.path;
    if (text !== undefined) {
      fs.writeFileSync(target, text);
    } else if (source !== undefined) {
      fs.cpSync(source, target, { recursive: true, dereference: true });
    } else {
      throw new Error(`archive entry ${name} has neither text nor path`);
    }
  }
  return {
    dir,
    environment: fn.inputs.environment?.variables ?? {},
    handler: fn.inputs.handler,
    timeoutSeconds: fn.inputs.timeout,
  };
}

/** Bytes and files of a folder (those whose name `include` accepts), as the unzipped deployment package would hold. */
export function folderSize(dir: string, include: (name: string) => boolean = () => true): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && include(entry.name)) {
      bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
      files += 1;
    }
  }
  return { bytes, files };
}
