import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { FORMATS } from '../../core/lake/formats.js';
import { LAKE_DATABASES, glueColumns, glueDatabaseName, glueTableParameters, type LakeDatabase, type LakeZone, type TableDefinition } from '../../core/lake/tables.js';

export { glueDatabaseName } from '../../core/lake/tables.js';

/** `s3://bucket/prefix` of a table. */
export function tableLocation(bucketName: string, table: TableDefinition): string {
  return `s3://${bucketName}/${table.prefix}`;
}

/** The inputs of one Glue table, all from its definition: columns, partition keys, location, SerDe, parameters. */
export function glueTableInputs(table: TableDefinition, location: string) {
  const format = FORMATS[table.format].glue;
  return {
    name: table.name,
    description: table.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: glueTableParameters(table, location),
    partitionKeys: glueColumns(table.partitionKeys),
    storageDescriptor: {
      location,
      inputFormat: format.inputFormat,
      outputFormat: format.outputFormat,
      compressed: table.format === 'ndjson-gzip',
      columns: glueColumns(table.columns),
      serDeInfo: { serializationLibrary: format.serializationLibrary, parameters: { ...format.serdeParameters } },
    },
  };
}

/** Arguments of GlueCatalog. */
export interface GlueCatalogArgs {
  readonly project: string;
  readonly env: string;
  readonly tables: readonly TableDefinition[];
  /** Bucket name of each zone. */
  readonly zoneBuckets: Readonly<Record<LakeZone, pulumi.Input<string>>>;
}

/** The Glue databases (raw, curated) and a table per definition, with partition projection where defined. */
export class GlueCatalog extends pulumi.ComponentResource {
  readonly databases: Readonly<Record<LakeDatabase, aws.glue.CatalogDatabase>>;
  readonly tables: readonly { readonly definition: TableDefinition; readonly table: aws.glue.CatalogTable; readonly location: pulumi.Output<string> }[];

  constructor(name: string, args: GlueCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:lake:GlueCatalog', name, {}, opts);
    const databases = {} as Record<LakeDatabase, aws.glue.CatalogDatabase>;
    for (const database of LAKE_DATABASES) {
      databases[database] = new aws.glue.CatalogDatabase(
        `${name}-${database}`,
        { name: glueDatabaseName(args.project, args.env, database), description: `sensorlake ${args.env}: the ${database} zone` },
        { parent: this },
      );
    }
    this.databases = databases;
    this.tables = args.tables.map((definition) => {
      const location = pulumi.output(args.zoneBuckets[definition.zone]).apply((bucket) => tableLocation(bucket, definition));
      const table = new aws.glue.CatalogTable(
        `${name}-${definition.database}-${definition.name}`,
        {
          databaseName: databases[definition.database].name,
          name: definition.name,
          description: definition.description,
          tableType: 'EXTERNAL_TABLE',
          parameters: location.apply((l) => glueTableInputs(definition, l).parameters),
          partitionKeys: glueColumns(definition.partitionKeys),
          storageDescriptor: location.apply((l) => glueTableInputs(definition, l).storageDescriptor),
        },
        { parent: this },
      );
      return { definition, table, location };
    });
    this.registerOutputs({});
  }
}
