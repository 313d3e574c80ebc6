import { expect } from "chai";
import { AWS_TABLE_PLACEHOLDER, AWS_VIEWS, awsViewSql, KPI_QUERIES, kpiSql } from "../../analytics";
import { LAKE_TABLES } from "../../analytics/lakeSchema";
import { lakeLifecycleRules } from "../../infra/lakeBucket";
import { stackScopedName } from "../../infra/naming";
import { synthesizeProgram } from "../../local/lambda/program";
import { LAKELESS_STACK_CONFIG, type RecordingMocks, type RegisteredResource, synthesizeInChildProcess, TEST_ACCOUNT } from "../../local/lambda/pulumiMocks";
import { TEST_STACK_CONFIG } from "../helpers/fixtures";
import { matchesPattern } from "../helpers/eventPattern";
import { evaluateIdentityPolicies, type IamRequest, isAllowed, type PolicyDocument } from "../helpers/iamPolicy";

/** The analytics lake as the stack deploys it (TEST_STACK_CONFIG: every lake key at its default). */

const BUCKET = "case-lake-physical";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const DATABASE = "cases_data_streaming_test_lake";
const STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const TLS = { "aws:SecureTransport": "true" };

describe("the analytics lake under Pulumi mocks", () => {
  let mocks: RecordingMocks;
  let outputs: Record<string, unknown>;
  const named = (type: string, name: string): RegisteredResource => mocks.named(type, name);
  const streamOf = (table: string) => named(STREAM, `case-lake-${table}`).inputs;
  const firehosePolicy = (table: string): PolicyDocument => JSON.parse(named("aws:iam/rolePolicy:RolePolicy", `case-lake-${table}`).inputs.policy);

  before(async () => {
    ({ mocks, outputs } = await synthesizeProgram(TEST_STACK_CONFIG));
  });

  describe("bucket", () => {
    it("encrypts every object by default (SSE-S3)", () => {
      expect(mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs).to.deep.equal({
        bucket: BUCKET,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
    });

    it("blocks every form of public access and enforces bucket-owner ownership", () => {
      expect(mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.deep.equal({
        bucket: BUCKET, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
      });
      expect(mocks.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
    });

    it("denies every request without TLS", () => {
      const policy = JSON.parse(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      expect(policy.Statement).to.deep.equal([{
        Sid: "DenyWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }]);
      const firehoseRole = { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/case-lake-case_events-physical` };
      const put = (context: Record<string, string>) => isAllowed(
        { principal: firehoseRole, action: "s3:PutObject", resource: `${BUCKET_ARN}/case_events/event_date=2024-05-01/a.parquet`, context },
        { resourcePolicy: policy, identityPolicies: [firehosePolicy("case_events")], resourceAccount: TEST_ACCOUNT });
      expect(put(TLS)).to.equal(true);
      expect(put({ "aws:SecureTransport": "false" })).to.equal(false);
    });

    it("expires each table after the retention, Firehose errors after 30 days, Athena results after a week, stray uploads after a day", () => {
      expect(mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).to.deep.equal([
        { id: "expire-case_events", status: "Enabled", filter: { prefix: "case_events/" }, expiration: { days: 761 } },
        { id: "expire-case_related_item_events", status: "Enabled", filter: { prefix: "case_related_item_events/" }, expiration: { days: 761 } },
        { id: "expire-delivery-errors", status: "Enabled", filter: { prefix: "errors/" }, expiration: { days: 30 } },
        { id: "expire-athena-results", status: "Enabled", filter: { prefix: "athena-results/" }, expiration: { days: 7 } },
        { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      ]);
    });

    it("follows the configured days, and keeps tables forever with lakeRetentionDays = 0", () => {
      const tables = LAKE_TABLES.map((table) => table.name);
      const expiries = (retentionDays: number, athenaResultRetentionDays: number) =>
        lakeLifecycleRules({ tables, retentionDays, athenaResultRetentionDays }).map((rule) => [rule.id, (rule.expiration as { days?: number } | undefined)?.days]);
      expect(expiries(400, 3)).to.deep.include.members([["expire-case_events", 400], ["expire-case_related_item_events", 400], ["expire-athena-results", 3]]);
      expect(expiries(0, 7).map(([id]) => id)).to.deep.equal(["expire-delivery-errors", "expire-athena-results", "abort-incomplete-uploads"]);
    });

    it("keeps its data on destroy while deletion protection is on", () => {
      expect(mocks.one("aws:s3/bucket:Bucket").inputs.forceDestroy).to.equal(false);
    });
  });

  describe("Glue catalog", () => {
    const tableOf = (name: string) => named("aws:glue/catalogTable:CatalogTable", `case-lake-${name}`).inputs;

    it("names the database for the project and stack", () => {
      expect(mocks.one("aws:glue/catalogDatabase:CatalogDatabase").inputs.name).to.equal(stackScopedName("lake", "_")).and.equal(DATABASE);
    });

    it("has both tables with the schema's columns: names, Hive types and order", () => {
      for (const table of LAKE_TABLES) {
        expect(tableOf(table.name).name).to.equal(table.name);
        expect(tableOf(table.name).databaseName).to.equal(DATABASE);
        expect(tableOf(table.name).storageDescriptor.columns, table.name).to.deep.equal(table.columns.map(({ name, type }) => ({ name, type })));
      }
    });

    it("partitions both by event_date, a string", () => {
      for (const table of LAKE_TABLES) expect(tableOf(table.name).partitionKeys, table.name).to.deep.equal([{ name: "event_date", type: "string" }]);
    });

    it("stores both as external Parquet tables under their own prefix", () => {
      for (const table of LAKE_TABLES) {
        const inputs = tableOf(table.name);
        expect(inputs.tableType).to.equal("EXTERNAL_TABLE");
        expect(inputs.storageDescriptor).to.deep.include({
          location: `s3://${BUCKET}/${table.name}/`,
          inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
          serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
        });
      }
    });

    it("projects the day partitions (no crawler): daily, yyyy-MM-dd, from 2022 to tomorrow, at the prefix Firehose writes", () => {
      for (const table of LAKE_TABLES) {
        expect(tableOf(table.name).parameters, table.name).to.deep.equal({
          EXTERNAL: "TRUE",
          classification: "parquet",
          "parquet.compression": "SNAPPY",
          "projection.enabled": "true",
          "projection.event_date.type": "date",
          "projection.event_date.format": "yyyy-MM-dd",
          "projection.event_date.range": "2022-01-01,NOW+1DAYS",
          "projection.event_date.interval": "1",
          "projection.event_date.interval.unit": "DAYS",
          "storage.location.template": `s3://${BUCKET}/${table.name}/event_date=\${event_date}/`,
        });
      }
      expect(mocks.ofType("aws:glue/crawler:Crawler")).to.deep.equal([]);
    });
  });

  describe("Firehose delivery streams", () => {
    it("convert each table's JSON rows to Parquet with that table's Glue schema", () => {
      for (const table of LAKE_TABLES) {
        const conversion = streamOf(table.name).extendedS3Configuration.dataFormatConversionConfiguration;
        expect(conversion).to.deep.equal({
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
          schemaConfiguration: {
            databaseName: DATABASE,
            tableName: table.name,
            roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/case-lake-${table.name}-physical`,
            region: "us-east-1",
          },
        });
      }
    });

    it("partition by the row's event_date (JQ), into the day folders the projection reads", () => {
      for (const table of LAKE_TABLES) {
        const s3 = streamOf(table.name).extendedS3Configuration;
        expect(s3.dynamicPartitioningConfiguration).to.deep.equal({ enabled: true });
        expect(s3.processingConfiguration).to.deep.equal({
          enabled: true,
          processors: [{
            type: "MetadataExtraction",
            parameters: [
              { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
              { parameterName: "MetadataExtractionQuery", parameterValue: "{event_date:.event_date}" },
            ],
          }],
        });
        expect(s3.prefix).to.equal(`${table.name}/event_date=!{partitionKeyFromQuery:event_date}/`);
        expect(s3.errorOutputPrefix).to.equal(`errors/${table.name}/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`);
      }
    });

    it("buffer 60 s or 64 MiB (the least with format conversion) and write .parquet objects, uncompressed by Firehose", () => {
      for (const table of LAKE_TABLES) {
        expect(streamOf(table.name).extendedS3Configuration).to.include({
          bucketArn: BUCKET_ARN, bufferingInterval: 60, bufferingSize: 64, fileExtension: ".parquet", compressionFormat: "UNCOMPRESSED",
        });
      }
    });

    it("encrypt at rest and log delivery errors to their own log group, kept 30 days", () => {
      for (const table of LAKE_TABLES) {
        const stream = streamOf(table.name);
        expect(stream.destination).to.equal("extended_s3");
        expect(stream.serverSideEncryption).to.deep.equal({ enabled: true, keyType: "AWS_OWNED_CMK" });
        expect(stream.extendedS3Configuration.cloudwatchLoggingOptions).to.deep.equal({
          enabled: true, logGroupName: `case-lake-${table.name}-physical`, logStreamName: "DestinationDelivery",
        });
        expect(named("aws:cloudwatch/logGroup:LogGroup", `case-lake-${table.name}`).inputs.retentionInDays).to.equal(30);
      }
    });
  });

  describe("Firehose roles", () => {
    const trustPolicy = (table: string): PolicyDocument => JSON.parse(named("aws:iam/role:Role", `case-lake-${table}`).inputs.assumeRolePolicy);

    it("trust Firehose in AWS's documented form: the account as the external id", () => {
      for (const table of LAKE_TABLES) {
        expect(trustPolicy(table.name), table.name).to.deep.equal({
          Version: "2012-10-17",
          Statement: [{
            Effect: "Allow",
            Principal: { Service: "firehose.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": TEST_ACCOUNT } },
          }],
        });
      }
    });

    it("are assumed by Firehose for this account's streams, not with another account's external id or none", () => {
      for (const table of LAKE_TABLES) {
        const assumes = (principal: string, context: Record<string, string>) => isAllowed(
          { principal: { service: principal }, action: "sts:AssumeRole", resource: `arn:aws:iam::${TEST_ACCOUNT}:role/case-lake-${table.name}-physical`, context },
          { resourcePolicy: trustPolicy(table.name), resourceAccount: TEST_ACCOUNT });
        expect(assumes("firehose.amazonaws.com", { "sts:ExternalId": TEST_ACCOUNT }), table.name).to.equal(true);
        expect(assumes("firehose.amazonaws.com", { "sts:ExternalId": "444455556666" }), table.name).to.equal(false);
        expect(assumes("firehose.amazonaws.com", {}), table.name).to.equal(false);
        expect(assumes("lambda.amazonaws.com", { "sts:ExternalId": TEST_ACCOUNT }), table.name).to.equal(false);
      }
    });

    it("grant exactly the table's prefixes, its Glue table, its log stream", () => {
      expect(firehosePolicy("case_events").Statement).to.deep.equal([
        {
          Sid: "WriteOwnPrefixes",
          Effect: "Allow",
          Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
          Resource: [`${BUCKET_ARN}/case_events/*`, `${BUCKET_ARN}/errors/case_events/*`],
        },
        {
          Sid: "ListOwnPrefixes",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: BUCKET_ARN,
          Condition: { StringLike: { "s3:prefix": ["case_events/*", "errors/case_events/*"] } },
        },
        { Sid: "LocateBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: BUCKET_ARN },
        {
          Sid: "ReadTableSchema",
          Effect: "Allow",
          Action: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
          Resource: [
            `arn:aws:glue:us-east-1:${TEST_ACCOUNT}:catalog`,
            `arn:aws:glue:us-east-1:${TEST_ACCOUNT}:database/${DATABASE}`,
            `arn:aws:glue:us-east-1:${TEST_ACCOUNT}:table/${DATABASE}/case_events`,
          ],
        },
        {
          Sid: "WriteDeliveryLogs",
          Effect: "Allow",
          Action: "logs:PutLogEvents",
          Resource: `arn:aws:logs:us-east-1:${TEST_ACCOUNT}:log-group:case-lake-case_events-physical:log-stream:DestinationDelivery`,
        },
      ]);
    });

    it("let each stream write its own table and errors, never the other table's", () => {
      const writes = (role: string, key: string) => evaluateIdentityPolicies([firehosePolicy(role)],
        { principal: { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/${role}` }, action: "s3:PutObject", resource: `${BUCKET_ARN}/${key}` }).allowedBy.length > 0;
      expect(writes("case_events", "case_events/event_date=2024-05-01/x.parquet")).to.equal(true);
      expect(writes("case_events", "errors/case_events/format-conversion-failed/2024-05-01/x")).to.equal(true);
      expect(writes("case_events", "case_related_item_events/event_date=2024-05-01/x.parquet")).to.equal(false);
      expect(writes("case_events", "errors/case_related_item_events/x")).to.equal(false);
      expect(writes("case_events", "athena-results/x.csv")).to.equal(false);
      expect(writes("case_related_item_events", "case_related_item_events/event_date=2024-05-01/x.parquet")).to.equal(true);
      expect(writes("case_related_item_events", "case_events/event_date=2024-05-01/x.parquet")).to.equal(false);
    });

    it("let each stream list only its own prefixes", () => {
      const lists = (prefix: string | undefined) => evaluateIdentityPolicies([firehosePolicy("case_events")], {
        principal: { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/case_events` },
        action: "s3:ListBucket",
        resource: BUCKET_ARN,
        context: prefix === undefined ? {} : { "s3:prefix": prefix },
      }).allowedBy.length > 0;
      expect(lists("case_events/event_date=2024-05-01/")).to.equal(true);
      expect(lists("errors/case_events/")).to.equal(true);
      expect(lists("case_related_item_events/")).to.equal(false);
      expect(lists(undefined)).to.equal(false);
    });
  });

  describe("objects under a table's error prefix", () => {
    const RULE = "aws:cloudwatch/eventRule:EventRule";
    const ruleOf = (table: string) => named(RULE, `case-lake-${table}-errors`);
    /** An object creation as S3 reports it to EventBridge (S3 User Guide, "EventBridge message structure"). */
    const objectCreated = (key: string, bucket = BUCKET) => ({
      version: "0", "detail-type": "Object Created", source: "aws.s3", account: TEST_ACCOUNT, region: "us-east-1", resources: [`arn:aws:s3:::${bucket}`],
      detail: { version: "0", bucket: { name: bucket }, object: { key, size: 1024 }, reason: "PutObject", requester: TEST_ACCOUNT },
    });

    it("are reported by the bucket to EventBridge", () => {
      expect(mocks.one("aws:s3/bucketNotification:BucketNotification").inputs).to.deep.equal({ bucket: BUCKET, eventbridge: true });
    });

    it("are matched by the table's rule, whatever failed and when: not the table's data, another table's errors or another bucket's", () => {
      for (const table of LAKE_TABLES) {
        const other = LAKE_TABLES.find((candidate) => candidate.name !== table.name)!.name;
        const matches = (event: Record<string, unknown>) => matchesPattern(JSON.parse(ruleOf(table.name).inputs.eventPattern), event);
        expect(matches(objectCreated(`errors/${table.name}/format-conversion-failed/2026-11-24/part-1`)), table.name).to.equal(true);
        expect(matches(objectCreated(`errors/${table.name}/activePartitionExceeded/2026-11-24/part-1`)), table.name).to.equal(true);
        expect(matches(objectCreated(`${table.name}/event_date=2026-11-24/part-1.parquet`)), table.name).to.equal(false);
        expect(matches(objectCreated(`errors/${other}/format-conversion-failed/2026-11-24/part-1`)), table.name).to.equal(false);
        expect(matches(objectCreated(`errors/${table.name}/format-conversion-failed/2026-11-24/part-1`, "someone-elses-bucket")), table.name).to.equal(false);
        expect(matches({ ...objectCreated(`errors/${table.name}/x`), "detail-type": "Object Deleted" }), table.name).to.equal(false);
      }
    });

    it("are kept two weeks, encrypted, in a queue of the table's that the rule targets (who may send to it: policies.test.ts)", () => {
      for (const table of LAKE_TABLES) {
        const queue = named("aws:sqs/queue:Queue", `case-lake-${table.name}-errors`).inputs;
        expect(queue, table.name).to.include({ messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
        expect(named("aws:cloudwatch/eventTarget:EventTarget", `case-lake-${table.name}-errors`).inputs, table.name).to.deep.include({
          rule: `case-lake-${table.name}-errors-physical`,
          arn: `arn:aws:sqs:us-east-1:${TEST_ACCOUNT}:case-lake-${table.name}-errors-physical`,
        });
      }
    });
  });

  describe("Athena", () => {
    const workgroup = () => mocks.one("aws:athena/workgroup:Workgroup").inputs;
    const queries = () => mocks.ofType("aws:athena/namedQuery:NamedQuery").map((resource) => resource.inputs);

    it("has a stack-named workgroup on engine 3 that enforces encrypted results in the lake and a scan limit", () => {
      expect(workgroup().name).to.equal(stackScopedName("lake"));
      expect(workgroup().forceDestroy).to.equal(true);
      expect(workgroup().configuration).to.deep.equal({
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 1024 * 1024 * 1024,
        resultConfiguration: { outputLocation: `s3://${BUCKET}/athena-results/`, encryptionConfiguration: { encryptionOption: "SSE_S3" } },
      });
    });

    it("saves one named query per KPI, with its file's SQL, on the lake's database", () => {
      for (const kpi of KPI_QUERIES) {
        const query = queries().find((candidate) => candidate.name === kpi.name);
        expect(query, kpi.name).to.deep.equal({
          name: kpi.name, description: kpi.description, database: DATABASE, workgroup: stackScopedName("lake"), query: kpiSql(kpi),
        });
      }
    });

    it("saves AWS's two views, pointed at the lake's case_events table", () => {
      for (const view of AWS_VIEWS) {
        const query = queries().find((candidate) => candidate.name === view.name)!;
        expect(query.query, view.name).to.equal(awsViewSql(view, `"${DATABASE}"."case_events"`));
        expect(query.query).to.include(`"${DATABASE}"."case_events"`).and.not.include(AWS_TABLE_PLACEHOLDER);
        expect(query.database).to.equal(DATABASE);
      }
      expect(queries()).to.have.length(KPI_QUERIES.length + AWS_VIEWS.length);
    });
  });

  describe("the processor's share", () => {
    const processorPolicy = (): PolicyDocument => JSON.parse(named("aws:iam/rolePolicy:RolePolicy", "case-processor").inputs.policy);
    const processor = { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/case-processor-physical` };
    const allowed = (request: Omit<IamRequest, "principal">) => evaluateIdentityPolicies([processorPolicy()], { principal: processor, ...request }).allowedBy.length > 0;
    const streamArn = (table: string) => `arn:aws:firehose:us-east-1:${TEST_ACCOUNT}:deliverystream/case-lake-${table}-physical`;

    it("sends rows to the two lake streams and no other", () => {
      expect(allowed({ action: "firehose:PutRecordBatch", resource: streamArn("case_events") })).to.equal(true);
      expect(allowed({ action: "firehose:PutRecordBatch", resource: streamArn("case_related_item_events") })).to.equal(true);
      expect(allowed({ action: "firehose:PutRecordBatch", resource: streamArn("someone_elses") })).to.equal(false);
      expect(allowed({ action: "firehose:PutRecord", resource: streamArn("case_events") })).to.equal(false);
    });

    it("reads the domain's field and template names, on this domain only", () => {
      const domain = (id: string) => `arn:aws:cases:us-east-1:${TEST_ACCOUNT}:domain/${id}`;
      expect(allowed({ action: "cases:ListFields", resource: domain(TEST_STACK_CONFIG.casesDomainId) })).to.equal(true);
      expect(allowed({ action: "cases:ListTemplates", resource: domain(TEST_STACK_CONFIG.casesDomainId) })).to.equal(true);
      expect(allowed({ action: "cases:ListFields", resource: domain("00000000-1111-4222-8333-444444444444") })).to.equal(false);
      expect(allowed({ action: "cases:GetCase", resource: domain(TEST_STACK_CONFIG.casesDomainId) })).to.equal(false);
    });

    it("tells the function the two stream names", () => {
      expect(mocks.one("aws:lambda/function:Function").inputs.environment.variables).to.include({
        CASES_LAKE_CASE_EVENTS_STREAM: "case-lake-case_events-physical",
        CASES_LAKE_RELATED_ITEM_EVENTS_STREAM: "case-lake-case_related_item_events-physical",
      });
    });
  });

  it("exports the bucket, the Glue database and the Athena workgroup", () => {
    expect(outputs).to.deep.include({ lakeBucket: BUCKET, glueDatabase: DATABASE, athenaWorkgroup: stackScopedName("lake") });
  });

  describe("with analyticsLake = false (another program run, in a child process)", () => {
    const LAKE_TYPES = /^aws:(s3|glue|kinesis|athena)\/|^cases-data-streaming:infra:(AnalyticsLake|Lake)/;
    let record: Awaited<ReturnType<typeof synthesizeInChildProcess>>;
    const ofType = (type: string) => record.resources.filter((resource) => resource.type === type);
    before(async () => {
      record = await synthesizeInChildProcess(LAKELESS_STACK_CONFIG);
    });

    it("creates none of the lake's resources", () => {
      expect(record.resources.map((resource) => resource.type).filter((type) => LAKE_TYPES.test(type))).to.deep.equal([]);
      expect(ofType("aws:iam/role:Role").map((role) => role.name)).to.deep.equal(["case-processor"]);
      expect(ofType("aws:cloudwatch/logGroup:LogGroup").map((group) => group.name)).to.deep.equal(["case-processor"]);
      expect(ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => rule.name)).to.deep.equal(["case-changes"]);
      expect(ofType("aws:sqs/queue:Queue").map((queue) => queue.name)).to.have.members(["case-events", "case-events-dlq", "case-changes-dlq"]);
    });

    it("gives the function no lake variables", () => {
      const variables = ofType("aws:lambda/function:Function")[0].inputs.environment.variables;
      expect(variables).not.to.have.any.keys("CASES_LAKE_CASE_EVENTS_STREAM", "CASES_LAKE_RELATED_ITEM_EVENTS_STREAM", "CASES_CONNECT_INSTANCE_ID");
      expect(variables).to.include({ CASES_MAX_FUTURE_SKEW_SECONDS: "300" });
    });

    it("grants the function nothing for the lake", () => {
      const statements = JSON.parse(ofType("aws:iam/rolePolicy:RolePolicy")[0].inputs.policy).Statement;
      expect(statements.map((statement: { Sid: string }) => statement.Sid))
        .to.deep.equal(["WriteOwnLogs", "StoreCaseEvents", "PublishAlerts", "EncryptAlerts", "ConsumeCaseEvents"]);
      expect(JSON.stringify(statements)).not.to.match(/firehose|cases:/);
    });

    it("exports no lake outputs", () => {
      expect(record.outputs.lakeBucket).to.equal(undefined);
      expect(record.outputs.glueDatabase).to.equal(undefined);
      expect(record.outputs.athenaWorkgroup).to.equal(undefined);
      expect(record.outputs.tableName).to.equal("cases-physical");
    });
  });
});
