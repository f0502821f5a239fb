import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext } from '../../core/iam.js';
import type { ColumnType, TableDefinition } from '../../core/lake/tables.js';
import { serviceRole } from '../components/service-role.js';
import { quicksightRolePolicy } from './iam.js';

/** QuickSight's column type of each lake column type. */
export const QUICKSIGHT_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'STRING',
  bigint: 'INTEGER',
  double: 'DECIMAL',
  boolean: 'BOOLEAN',
  timestamp: 'DATETIME',
  // Only the RCF files have these (no data set reads them); JSON is QuickSight's type of nested values.
  'array<double>': 'JSON',
  'struct<score:double>': 'JSON',
};

/** What the principal may do with the data source: everything an owner does (QuickSight's owner action list). */
export const DATA_SOURCE_OWNER_ACTIONS = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
  'quicksight:UpdateDataSource',
  'quicksight:DeleteDataSource',
  'quicksight:UpdateDataSourcePermissions',
] as const;

/** What the principal may do with each data set (QuickSight's owner action list). */
export const DATA_SET_OWNER_ACTIONS = [
  'quicksight:DescribeDataSet',
  'quicksight:DescribeDataSetPermissions',
  'quicksight:PassDataSet',
  'quicksight:DescribeIngestion',
  'quicksight:ListIngestions',
  'quicksight:UpdateDataSet',
  'quicksight:DeleteDataSet',
  'quicksight:CreateIngestion',
  'quicksight:CancelIngestion',
  'quicksight:UpdateDataSetPermissions',
] as const;

/** The input columns of a data set over a lake table: its columns, then its partition keys. */
export function inputColumns(table: TableDefinition): { name: string; type: string }[] {
  return [...table.columns, ...table.partitionKeys].map((c) => ({ name: c.name, type: QUICKSIGHT_COLUMN_TYPES[c.type] }));
}

/** Arguments of QuickSightDatasets. */
export interface QuickSightDatasetsArgs {
  readonly account: pulumi.Input<AccountContext>;
  /** QuickSight ids are per account and region: the data source and data set ids start with this. */
  readonly idPrefix: string;
  readonly workgroupName: pulumi.Input<string>;
  readonly workgroupArn: pulumi.Input<string>;
  readonly resultsBucketArn: pulumi.Input<string>;
  readonly resultsPrefix: string;
  readonly analyticsKeyArn: pulumi.Input<string>;
  readonly curatedBucketArn: pulumi.Input<string>;
  readonly lakeKeyArn: pulumi.Input<string>;
  /** Glue database of the curated tables. */
  readonly curatedDatabase: pulumi.Input<string>;
  /** The curated tables that get a data set. */
  readonly tables: readonly TableDefinition[];
  /** The QuickSight user or group that owns the data source and data sets. */
  readonly principalArn: string;
}

/**
 * QuickSight on the Athena workgroup: an Athena data source (SSL on) that uses its own role instead of the
 * account-wide QuickSight service role (`parameters.athena.roleArn`), so nothing account-wide changes; one
 * direct-query data set per curated table, its physical table the Glue table; owner permissions to one principal.
 */
export class QuickSightDatasets extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly dataSource: aws.quicksight.DataSource;
  readonly dataSets: Readonly<Record<string, aws.quicksight.DataSet>>;

  constructor(name: string, args: QuickSightDatasetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:analytics:QuickSightDatasets', name, {}, opts);
    const role = serviceRole(
      `${name}-role`,
      {
        service: 'quicksight.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([args.workgroupArn, args.resultsBucketArn, args.analyticsKeyArn, args.curatedBucketArn, args.lakeKeyArn, args.curatedDatabase, args.account])
          .apply(([workgroupArn, resultsBucketArn, analyticsKeyArn, curatedBucketArn, lakeKeyArn, curatedDatabase, account]) =>
            quicksightRolePolicy(
              {
                workgroupArn,
                resultsBucketArn,
                resultsPrefix: args.resultsPrefix,
                analyticsKeyArn,
                curatedBucketArn,
                curatedPrefixes: args.tables.map((t) => t.prefix),
                lakeKeyArn,
                curatedDatabase,
              },
              account,
            ).Statement,
          ),
      },
      { parent: this },
    );
    this.role = role.role;

    this.dataSource = new aws.quicksight.DataSource(
      `${name}-source`,
      {
        dataSourceId: `${args.idPrefix}-athena`,
        name: `${args.idPrefix} Athena`,
        type: 'ATHENA',
        parameters: { athena: { workGroup: args.workgroupName, roleArn: this.role.arn } },
        sslProperties: { disableSsl: false },
        permissions: [{ principal: args.principalArn, actions: [...DATA_SOURCE_OWNER_ACTIONS] }],
      },
      { parent: this, dependsOn: [role.policy] },
    );

    const dataSets: Record<string, aws.quicksight.DataSet> = {};
    for (const table of args.tables) {
      dataSets[table.name] = new aws.quicksight.DataSet(
        `${name}-${table.name}`,
        {
          dataSetId: `${args.idPrefix}-${table.name}`,
          name: `${args.idPrefix} ${table.database}.${table.name}`,
          importMode: 'DIRECT_QUERY',
          physicalTableMaps: [
            {
              physicalTableMapId: table.name,
              relationalTable: {
                dataSourceArn: this.dataSource.arn,
                catalog: 'AwsDataCatalog',
                schema: args.curatedDatabase,
                name: table.name,
                inputColumns: inputColumns(table),
              },
            },
          ],
          permissions: [{ principal: args.principalArn, actions: [...DATA_SET_OWNER_ACTIONS] }],
        },
        { parent: this },
      );
    }
    this.dataSets = dataSets;
    this.registerOutputs({ dataSourceArn: this.dataSource.arn });
  }
}
