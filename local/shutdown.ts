import * as os from "node:os";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Stops what a run started when the runner is told to stop: Ctrl-C, a SIGTERM from an IDE's stop
 * button or a process manager, a SIGHUP when its terminal closes. Without this, DynamoDB Local
 * (a Java process of ~500 MB) and the sandboxes outlive the runner. Returns the un-registration.
 */
export function stopOnSignals(stop: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping DynamoDB Local, the stand-ins and the sandboxes\n`);
    const exit = () => process.exit(128 + (os.constants.signals[signal] ?? 1));
    stop().then(exit, exit);
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
}
