import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_VIEWS, awsViewSql, KPI_QUERIES, kpiSql } from "../analytics";
import { caseEventsTable } from "../analytics/lakeSchema";
import { ATHENA_RESULTS_PREFIX } from "./lakePolicies";
import { stackScopedName } from "./naming";

export interface LakeQueriesArgs {
  bucketName: pulumi.Input<string>;
  databaseName: pulumi.Input<string>;
  /** A query that would scan more is cancelled (MiB; Athena's minimum is 10). */
  bytesScannedCutoffMb: number;
}

const MIB = 1024 * 1024;

/**
 * The Athena workgroup to query the lake with (engine 3, results encrypted in the lake bucket,
 * a per-query scan limit every user gets) and the KPIs as its named queries, with AWS's two views.
 */
export class LakeQueries extends pulumi.ComponentResource {
  public readonly workgroup: aws.athena.Workgroup;
  public readonly namedQueries: aws.athena.NamedQuery[];

  constructor(name: string, args: LakeQueriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:LakeQueries", name, {}, opts);
    this.workgroup = new aws.athena.Workgroup(name, {
      name: stackScopedName("lake"),
      description: "Amazon Connect Cases analytics (cases-data-streaming)",
      // Query history and saved queries would otherwise keep `pulumi destroy` from deleting it.
      forceDestroy: true,
      configuration: {
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        // Users cannot pick another results location or turn the scan limit off per query.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: args.bytesScannedCutoffMb * MIB,
        resultConfiguration: {
          outputLocation: pulumi.interpolate`s3://${args.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    }, { parent: this });

    const namedQuery = (queryName: string, description: string, query: pulumi.Input<string>) =>
      new aws.athena.NamedQuery(`${name}-${queryName}`, {
        name: queryName,
        description,
        database: args.databaseName,
        workgroup: this.workgroup.name,
        query,
      }, { parent: this });
    this.namedQueries = [
      ...KPI_QUERIES.map((kpi) => namedQuery(kpi.name, kpi.description, kpiSql(kpi))),
      ...AWS_VIEWS.map((view) => namedQuery(view.name, view.description,
        pulumi.output(args.databaseName).apply((database) => awsViewSql(view, `"${database}"."${caseEventsTable.name}"`)))),
    ];
    this.registerOutputs({ workgroupName: this.workgroup.name });
  }
}
