import { type ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as emptyProto from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { runtimeNode } from "../../local/lambda/runtimeNode";

/**
 * Pulumi's own dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`, the process the engine
 * starts for `pulumi-nodejs:dynamic/…` resources), driven over gRPC the way the engine drives it: a
 * resource's serialized provider travels in its `__provider` property and is deserialized by the host.
 */

export type Properties = Record<string, unknown>;

/** A config value the engine marks secret (`pulumi config set --secret`): wrapped as rpc secrets are. */
export const secret = (value: string) => ({ [specialSigKey]: specialSecretSig, value });

export interface CheckResult {
  inputs: Properties;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ProviderHostOptions {
  /** The host process's whole environment (nothing is inherited but PATH): AWS settings, endpoints. */
  env: Record<string, string>;
  /** The resource's URN (the host ignores it; the engine always sends one). */
  urn: string;
}

const CHANGES: Record<providerProto.DiffResponse.DiffChanges, DiffResult["changes"]> = {
  [providerProto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [providerProto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
  [providerProto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
};

/** Struct.fromJavaScript refuses `undefined`; the engine never sends absent properties either. */
const struct = (properties: Properties) => Struct.fromJavaScript(JSON.parse(JSON.stringify(properties)));

export class ProviderHost {
  /** What the host printed (its errors land on stderr) or logged to the engine. */
  readonly output: string[] = [];
  private engine?: grpc.Server;
  private process?: ChildProcess;
  private client?: providerRpc.ResourceProviderClient;

  constructor(private readonly options: ProviderHostOptions) {}

  /**
   * Serves the engine stub, starts the host from the project root on Node 22 (what @pulumi/pulumi
   * requires) and connects to the port it prints. The host is given the engine's address as its
   * argument, as the engine starts it (this version of the host only checks it is given; whatever is
   * logged through it lands in `output`).
   */
  async start(): Promise<this> {
    this.engine = new grpc.Server();
    this.engine.addService(engineRpc.EngineService, {
      log: (call: grpc.ServerUnaryCall<engineProto.LogRequest, emptyProto.Empty>, callback: grpc.sendUnaryData<emptyProto.Empty>) => {
        this.output.push(call.request.getMessage());
        callback(null, new emptyProto.Empty());
      },
    });
    const enginePort = await new Promise<number>((resolve, reject) =>
      this.engine!.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))));
    const host = spawn(runtimeNode().execPath, ["./node_modules/@pulumi/pulumi/cmd/dynamic-provider", `127.0.0.1:${enginePort}`], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "", ...this.options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.process = host;
    host.stderr!.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      host.once("exit", (code) => reject(new Error(`the provider host exited (${code}) before printing its port: ${this.output.join("")}`)));
      host.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    });
    host.stdout!.on("data", (chunk: Buffer) => this.output.push(chunk.toString()));
    this.client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return this;
  }

  async stop(): Promise<void> {
    this.client?.close();
    const host = this.process;
    if (host && host.exitCode === null) {
      await new Promise((resolve) => {
        host.once("exit", resolve);
        host.kill();
      });
    }
    this.engine?.forceShutdown();
  }

  /** The stack config, as the engine sends it to a dynamic provider: every key, namespaced. */
  async configure(config: Record<string, string | ReturnType<typeof secret>>): Promise<void> {
    const request = new providerProto.ConfigureRequest().setArgs(struct(config)).setAcceptsecrets(true);
    await this.call<providerProto.ConfigureResponse>((callback) => this.rpc.configure(request, callback));
  }

  async check(olds: Properties, news: Properties): Promise<CheckResult> {
    const request = new providerProto.CheckRequest().setUrn(this.options.urn).setOlds(struct(olds)).setNews(struct(news));
    const response = await this.call<providerProto.CheckResponse>((callback) => this.rpc.check(request, callback));
    return {
      inputs: response.getInputs()?.toJavaScript() ?? {},
      failures: response.getFailuresList().map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  async diff(id: string, olds: Properties, news: Properties): Promise<DiffResult> {
    const request = new providerProto.DiffRequest().setId(id).setUrn(this.options.urn).setOlds(struct(olds)).setNews(struct(news));
    const response = await this.call<providerProto.DiffResponse>((callback) => this.rpc.diff(request, callback));
    return { changes: CHANGES[response.getChanges()], replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
  }

  async create(inputs: Properties): Promise<{ id: string; outs: Properties }> {
    const request = new providerProto.CreateRequest().setUrn(this.options.urn).setProperties(struct(inputs));
    const response = await this.call<providerProto.CreateResponse>((callback) => this.rpc.create(request, callback));
    return { id: response.getId(), outs: response.getProperties()?.toJavaScript() ?? {} };
  }

  /** Refresh: the engine passes the resource's id and its last outputs. */
  async read(id: string, props: Properties): Promise<{ id: string; props: Properties }> {
    const request = new providerProto.ReadRequest().setId(id).setUrn(this.options.urn).setProperties(struct(props));
    const response = await this.call<providerProto.ReadResponse>((callback) => this.rpc.read(request, callback));
    return { id: response.getId(), props: response.getProperties()?.toJavaScript() ?? {} };
  }

  async update(id: string, olds: Properties, news: Properties): Promise<Properties> {
    const request = new providerProto.UpdateRequest().setId(id).setUrn(this.options.urn).setOlds(struct(olds)).setNews(struct(news));
    const response = await this.call<providerProto.UpdateResponse>((callback) => this.rpc.update(request, callback));
    return response.getProperties()?.toJavaScript() ?? {};
  }

  async delete(id: string, props: Properties): Promise<void> {
    const request = new providerProto.DeleteRequest().setId(id).setUrn(this.options.urn).setProperties(struct(props));
    await this.call<emptyProto.Empty>((callback) => this.rpc.delete(request, callback));
  }

  private get rpc(): providerRpc.ResourceProviderClient {
    if (!this.client) throw new Error("the provider host is not started");
    return this.client;
  }

  /** A gRPC call; a failure rejects with the provider's own message (what `pulumi up` prints). */
  private call<T>(send: (callback: (error: grpc.ServiceError | null, response: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => send((error, response) => (error ? reject(new Error(error.details)) : resolve(response))));
  }
}

export const startProviderHost = (options: ProviderHostOptions) => new ProviderHost(options).start();
