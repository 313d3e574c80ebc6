import type * as pulumi from "@pulumi/pulumi";
import { type RecordingMocks, promiseOf, useMocks } from "./pulumiMocks";

export interface SynthesizedProgram {
  mocks: RecordingMocks;
  outputs: Record<string, unknown>;
}

let synthesized: { config: string; program: Promise<SynthesizedProgram> } | undefined;

/**
 * Runs the real Pulumi program (index.ts) under mocks with the given stack config, once per
 * process (a program registers its resources when imported), and waits for every stack output.
 */
export function synthesizeProgram(config: Record<string, string>): Promise<SynthesizedProgram> {
  const key = JSON.stringify(config);
  if (synthesized && synthesized.config !== key) {
    throw new Error("the program was already run in this process with another stack config");
  }
  synthesized ??= { config: key, program: failFastOnRejection(async () => {
    const mocks = useMocks(config);
    const program: Record<string, pulumi.Output<unknown>> = await import("../../index");
    const outputs: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(program)) outputs[name] = await promiseOf(output);
    // Resources created inside apply() callbacks register a turn after the outputs resolve.
    let count = -1;
    while (count !== mocks.resources.length) {
      count = mocks.resources.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { mocks, outputs };
  }) };
  return synthesized.program;
}

/**
 * A resource the program cannot register (the function's code failing to serialize, say) leaves
 * the outputs that depend on it unresolved forever; Pulumi reports the error as an unhandled
 * rejection. Fail with it instead of waiting.
 */
function failFastOnRejection<T>(run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onRejection = (reason: unknown) => reject(reason);
    process.once("unhandledRejection", onRejection);
    run().then(resolve, reject).finally(() => process.removeListener("unhandledRejection", onRejection));
  });
}
