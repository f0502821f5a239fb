import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { isolatedVpc, LAKE_AZ_COUNT, routeTableIds } from './network.js';

/** Port of the demo PostgreSQL. */
export const DEMO_DATABASE_PORT = 5432;

/** Arguments of DemoSourceDatabase. */
export interface DemoSourceDatabaseArgs {
  readonly vpcCidr: string;
  readonly instanceClass: pulumi.Input<string>;
  readonly allocatedStorageGiB: pulumi.Input<number>;
  /** PostgreSQL major (or major.minor) version; the parameter group family follows the major. */
  readonly engineVersion: string;
  readonly databaseName: pulumi.Input<string>;
  readonly masterUsername: pulumi.Input<string>;
  readonly backupRetentionDays: pulumi.Input<number>;
  /** Key of the storage, the managed master secret and Performance Insights. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** RDS deletion protection, a final snapshot on delete, and the resource protected in Pulumi. */
  readonly deletionProtection: boolean;
}

/**
 * A small demo PostgreSQL for dev, so the JDBC path works in a fresh account: its own isolated VPC (awsx), a
 * security group with no rule of its own (the peering adds the Glue ingress), storage encrypted with the lake key,
 * not public, TLS forced, the master password generated and kept by RDS in Secrets Manager (encrypted with the lake
 * key), automated backups. The readings table is created from core/lake/source-database.ts SOURCE_TABLE_DDL.
 */
export class DemoSourceDatabase extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly vpcId: pulumi.Output<string>;
  readonly routeTableIds: pulumi.Output<string>[];
  /** ARN of the RDS-managed secret holding `username` and `password`. */
  readonly secretArn: pulumi.Output<string>;
  readonly jdbcUrl: pulumi.Output<string>;

  constructor(name: string, args: DemoSourceDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:lake:DemoSourceDatabase', name, {}, opts);
    const parent = { parent: this };
    const vpc = isolatedVpc(`${name}-vpc`, args.vpcCidr, parent);
    this.vpcId = vpc.vpcId;
    this.routeTableIds = routeTableIds(vpc, LAKE_AZ_COUNT);
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-db`,
      { vpcId: vpc.vpcId, description: 'Demo source database: ingress only from the Glue security group' },
      parent,
    );
    const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: vpc.isolatedSubnetIds }, parent);
    const major = args.engineVersion.split('.')[0];
    const parameters = new aws.rds.ParameterGroup(
      `${name}-parameters`,
      { family: `postgres${major}`, parameters: [{ name: 'rds.force_ssl', value: '1' }] },
      parent,
    );
    const protect = args.deletionProtection;
    this.instance = new aws.rds.Instance(
      `${name}-db`,
      {
        engine: 'postgres',
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGiB,
        storageType: 'gp3',
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        dbName: args.databaseName,
        username: args.masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.kmsKeyArn,
        port: DEMO_DATABASE_PORT,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [this.securityGroup.id],
        parameterGroupName: parameters.name,
        publiclyAccessible: false,
        multiAz: false,
        backupRetentionPeriod: args.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: protect,
        skipFinalSnapshot: !protect,
        ...(protect ? { finalSnapshotIdentifier: `${name}-final` } : {}),
        autoMinorVersionUpgrade: true,
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    this.secretArn = this.instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets[0]?.secretArn;
      if (arn === undefined) throw new Error(`RDS returned no managed master secret for ${name}`);
      return arn;
    });
    this.jdbcUrl = pulumi.interpolate`jdbc:postgresql://${this.instance.address}:${this.instance.port}/${this.instance.dbName}`;
    this.registerOutputs({ vpcId: this.vpcId, secretArn: this.secretArn, jdbcUrl: this.jdbcUrl });
  }
}
