import * as pulumi from "@pulumi/pulumi";
import { type CaseEventConfigurationInputs, caseEventConfigurationProvider, type EventBridgeSettings } from "./provider";

type Inputs = { [K in keyof CaseEventConfigurationInputs]: pulumi.Input<CaseEventConfigurationInputs[K]> };

/** Turns on the domain's event stream with the fields the pipeline needs; undone on destroy (the provider: provider.ts). */
export class CaseEventConfiguration extends pulumi.dynamic.Resource {
  public readonly previousConfiguration!: pulumi.Output<EventBridgeSettings>;
  public readonly fields!: pulumi.Output<string[]>;
  /** When the stack turned the stream on (ISO-8601); the stack exports it as eventStreamEnabledAt. */
  public readonly enabledAt!: pulumi.Output<string | undefined>;

  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(caseEventConfigurationProvider(), name, { ...args, previousConfiguration: undefined, enabledAt: undefined }, opts, "cases-data-streaming", "CaseEventConfiguration");
  }
}
