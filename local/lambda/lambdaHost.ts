import { type ChildProcess, fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { LambdaArtifact } from "./artifact";
import { runtimeNode } from "./runtimeNode";

const INVOCATION_END = "__invocation_end__ ";

export interface LambdaHostOptions {
  artifact: LambdaArtifact;
  /** Added to the function's own environment (endpoints, credentials, overrides). */
  env: Record<string, string>;
  /** Every line the function writes to stdout/stderr (its logs and EMF metrics). */
  onLog?: (line: string) => void;
  /** Sandboxes (execution environments) to run; each handles one invocation at a time. */
  sandboxes?: number;
}

/** Where a sandbox finds what the Lambda runtime provides (the AWS SDK), beside the archive. */
export const runtimeModulesDir = (artifactDir: string) => path.join(artifactDir, "..", "runtime-provided", "node_modules");

/**
 * The function as Lambda runs it: a pool of sandboxes, each running one invocation at a time
 * (module-level state such as Powertools' BatchProcessor relies on that), invoked with SQS batches.
 */
export class LambdaHost {
  private readonly idle: LambdaSandbox[];
  private readonly waiting: ((sandbox: LambdaSandbox) => void)[] = [];

  private constructor(private readonly sandboxes: LambdaSandbox[], private readonly options: LambdaHostOptions) {
    this.idle = [...sandboxes];
  }

  static async start(options: LambdaHostOptions): Promise<LambdaHost> {
    const { warning } = runtimeNode();
    if (warning) process.emitWarning(warning);
    const sandboxes: LambdaSandbox[] = [];
    try {
      for (let i = 0; i < (options.sandboxes ?? 1); i++) sandboxes.push(await LambdaSandbox.start(options));
    } catch (error) {
      await Promise.all(sandboxes.map((sandbox) => sandbox.stop()));
      throw error;
    }
    return new LambdaHost(sandboxes, options);
  }

  /** Module initialisation (cold start) of the first sandbox, in ms. */
  get initMs(): number {
    return this.sandboxes[0].initMs;
  }

  /** CPU seconds the sandboxes have used so far (their own process.cpuUsage), including init. */
  get cpuSeconds(): number {
    return this.sandboxes.reduce((sum, sandbox) => sum + sandbox.cpuMicros, 0) / 1e6;
  }

  /** The sandboxes' process ids (for memory figures). */
  get pids(): number[] {
    return this.sandboxes.map((sandbox) => sandbox.pid);
  }

  /** The Node version the sandboxes run (`process.version` inside them). */
  get nodeVersion(): string {
    return this.sandboxes[0].nodeVersion;
  }

  async invoke(event: SQSEvent): Promise<SQSBatchResponse> {
    let sandbox = this.idle.pop() ?? (await new Promise<LambdaSandbox>((resolve) => this.waiting.push(resolve)));
    try {
      return await sandbox.invoke(event);
    } finally {
      // A sandbox killed at its deadline is replaced by a fresh one (a cold start), as in Lambda.
      if (!sandbox.alive) {
        const dead = sandbox;
        sandbox = await LambdaSandbox.start(this.options);
        this.sandboxes.splice(this.sandboxes.indexOf(dead), 1, sandbox);
      }
      const next = this.waiting.shift();
      if (next) next(sandbox);
      else this.idle.push(sandbox);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.sandboxes.map((sandbox) => sandbox.stop()));
  }
}

/**
 * One execution environment: a child process that sees only the archive's files and the AWS SDK
 * the nodejs22.x runtime provides.
 */
class LambdaSandbox {
  private readonly pending = new Map<number, { resolve: (value: SQSBatchResponse) => void; reject: (error: Error) => void }>();
  /** Invocations whose last log line has been read; a reply is delivered only after it. */
  private readonly flushed = new Set<number>();
  private readonly replies = new Map<number, () => void>();
  private nextId = 0;
  private timedOut = false;
  /** The sandbox's CPU time as of its last reply. */
  cpuMicros = 0;

  /** Called for each stdout line; consumes the child's end-of-invocation markers. */
  private onLine(line: string, forward?: (line: string) => void): void {
    if (!line.startsWith(INVOCATION_END)) return forward?.(line);
    const id = Number(line.slice(INVOCATION_END.length));
    const settle = this.replies.get(id);
    if (settle) {
      this.replies.delete(id);
      settle();
    } else {
      this.flushed.add(id);
    }
  }

  constructor(private readonly child: ChildProcess, readonly initMs: number, readonly nodeVersion: string, private readonly timeoutMs: number) {
    child.on("message", (message: { id: number; result?: SQSBatchResponse; error?: { name: string; message: string }; cpuMicros?: number }) => {
      this.cpuMicros = message.cpuMicros ?? this.cpuMicros;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      const settle = () =>
        message.error
          ? waiter.reject(Object.assign(new Error(message.error.message), { name: message.error.name }))
          : waiter.resolve(message.result!);
      if (this.flushed.delete(message.id)) settle();
      else this.replies.set(message.id, settle);
    });
    child.on("exit", (code) => {
      const reason = this.timedOut ? `Task timed out after ${this.timeoutMs / 1000} seconds` : `function process exited (${code})`;
      for (const waiter of this.pending.values()) waiter.reject(new Error(reason));
      this.pending.clear();
    });
  }

  static async start(options: LambdaHostOptions): Promise<LambdaSandbox> {
    const runtimeModules = runtimeModulesDir(options.artifact.dir);
    fs.mkdirSync(runtimeModules, { recursive: true });
    const sdkLink = path.join(runtimeModules, "@aws-sdk");
    if (!fs.existsSync(sdkLink)) fs.symlinkSync(path.resolve("node_modules", "@aws-sdk"), sdkLink, "dir");
    const child = fork(path.join(__dirname, "lambdaHostChild.js"), [], {
      execPath: runtimeNode().execPath,
      cwd: options.artifact.dir,
      env: {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: options.artifact.dir,
        NODE_PATH: runtimeModules,
        AWS_LAMBDA_FUNCTION_NAME: "case-processor-local",
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.artifact.timeoutSeconds),
        _HANDLER: options.artifact.handler,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...options.artifact.environment,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: [],
    });
    let host: LambdaSandbox | undefined;
    const early: string[] = [];
    readline.createInterface({ input: child.stdout! }).on("line", (line) => (host ? host.onLine(line, options.onLog) : early.push(line)));
    readline.createInterface({ input: child.stderr! }).on("line", (line) => options.onLog?.(line));
    const ready = await new Promise<{ initMs: number; nodeVersion: string; initError?: string }>((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`function process exited during init (${code})`)));
    });
    if (ready.initError) {
      child.kill();
      throw new Error(`the function failed to initialise: ${ready.initError}`);
    }
    host = new LambdaSandbox(child, ready.initMs, ready.nodeVersion, options.artifact.timeoutSeconds * 1000);
    for (const line of early.splice(0)) host.onLine(line, options.onLog);
    return host;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Runs one invocation; like Lambda, kills the sandbox if it runs past the function timeout. */
  async invoke(event: SQSEvent): Promise<SQSBatchResponse> {
    const id = this.nextId++;
    const deadline = setTimeout(() => {
      this.timedOut = true;
      this.child.kill();
    }, this.timeoutMs);
    try {
      return await new Promise<SQSBatchResponse>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.child.send({ id, event });
      });
    } finally {
      clearTimeout(deadline);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill();
    await exited;
  }
}
