"use strict";
// Runs inside a child process that looks like a Lambda sandbox: only the archive's files plus the
// runtime-provided AWS SDK (NODE_PATH). Loading the module is the cold start; each message is an
// invocation.
const path = require("node:path");
const INVOCATION_END = "__invocation_end__ ";
const started = process.hrtime.bigint();
let handler;
let initError;
try {
  // As Lambda's runtime does: _HANDLER is `<file>.<export>` inside the task root.
  const [file, exportName] = process.env._HANDLER.split(".");
  handler = require(path.join(process.env.LAMBDA_TASK_ROOT, `${file}.js`))[exportName];
} catch (error) {
  initError = error;
}
const initMs = Number(process.hrtime.bigint() - started) / 1e6;

process.on("message", async ({ id, event }) => {
  if (initError) return process.send({ id, error: { name: initError.name, message: String(initError.stack) } });
  const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) * 1000;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    awsRequestId: `local-${id}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let reply;
  try {
    reply = { id, result: await handler(event, context) };
  } catch (error) {
    reply = { id, error: { name: error.name, message: error.message } };
  }
  // Cumulative CPU of this sandbox (µs), so a benchmark can tell what the function itself costs.
  const cpu = process.cpuUsage();
  reply.cpuMicros = cpu.user + cpu.system;
  // The marker tells the host that every log line of this invocation has been written.
  process.stdout.write(`${INVOCATION_END}${id}\n`, () => process.send(reply));
});
process.send({ ready: true, initMs, nodeVersion: process.version, initError: initError && String(initError.stack) });
// Stopped by the host: exit normally, so `--cpu-prof` and other exit hooks still write their output.
process.on("SIGTERM", () => process.exit(0));
// The host is gone (killed, crashed): a sandbox never outlives it.
process.on("disconnect", () => process.exit(0));
