import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { caseTableDefinition as definition, caseTableKeyAttributes } from "../handler/store/tableDefinition";

export interface CaseTableArgs {
  deletionProtection: boolean;
}

/** Case state + event history, shaped by handler/tableDefinition.ts. On-demand, PITR, encrypted. */
export class CaseTable extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;

  constructor(name: string, args: CaseTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:CaseTable", name, {}, opts);
    this.table = new aws.dynamodb.Table(name, {
      billingMode: "PAY_PER_REQUEST",
      hashKey: definition.partitionKey,
      rangeKey: definition.sortKey,
      attributes: caseTableKeyAttributes.map((attribute) => ({ name: attribute, type: "S" })),
      globalSecondaryIndexes: Object.values(definition.indexes).map((index) => ({
        name: index.name,
        keySchemas: [
          { attributeName: index.partitionKey, keyType: "HASH" },
          { attributeName: index.sortKey, keyType: "RANGE" },
        ],
        projectionType: index.projection,
        nonKeyAttributes: [...index.nonKeyAttributes],
      })),
      ttl: { attributeName: definition.ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: args.deletionProtection,
    }, { parent: this });
    this.registerOutputs({ tableName: this.table.name });
  }
}
