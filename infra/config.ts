import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../config/readers";
import { parseStackConfig, type StackConfig } from "../config/stackConfig";

/** The stack's config (config/stackConfig.ts), read through Pulumi: a bad value stops `pulumi preview`. */
export function loadConfig(): StackConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return parseStackConfig((key) => config.get(key));
}
