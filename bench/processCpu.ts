import * as fs from "node:fs";

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined || !fs.existsSync(`/proc/${pid}/stat`)) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** This process's CPU seconds: the harness (SQS driver, proxies, stand-ins). */
const harnessCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/**
 * Where a run's CPU went, in seconds: DynamoDB Local (Java) and this harness process, measured
 * around the run; the design's own CPU is measured by the caller.
 */
export function cpuMeter(dynamoPid: number | undefined) {
  const dynamoBefore = processCpuSeconds(dynamoPid);
  const harnessBefore = harnessCpuSeconds();
  return () => ({ dynamo: processCpuSeconds(dynamoPid) - dynamoBefore, harness: harnessCpuSeconds() - harnessBefore });
}
