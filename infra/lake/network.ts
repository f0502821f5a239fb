import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext } from '../../core/iam.js';
import { serviceRole } from '../components/service-role.js';
import { flowLogsDeliveryStatement } from './iam.js';

/** Interface endpoints Glue jobs in a VPC without internet access need (S3 has its gateway endpoint). */
export const GLUE_INTERFACE_ENDPOINTS = ['glue', 'secretsmanager', 'kms', 'logs', 'sts', 'monitoring'] as const;

/** Availability zones of the lake's VPCs: two, the fewest an RDS subnet group accepts. */
export const LAKE_AZ_COUNT = 2;

/** An isolated awsx VPC: private subnets without internet or NAT gateways, one route table per subnet. */
export function isolatedVpc(name: string, cidrBlock: string, opts: pulumi.ComponentResourceOptions): awsx.ec2.Vpc {
  return new awsx.ec2.Vpc(
    name,
    {
      cidrBlock,
      numberOfAvailabilityZones: LAKE_AZ_COUNT,
      subnetStrategy: 'Auto',
      subnetSpecs: [{ type: 'Isolated', cidrMask: 24 }],
      natGateways: { strategy: 'None' },
      enableDnsHostnames: true,
      enableDnsSupport: true,
    },
    opts,
  );
}

/** Route table ids of an awsx VPC, one per subnet: index `i` of `count`, known before the VPC is. */
export function routeTableIds(vpc: awsx.ec2.Vpc, count: number): pulumi.Output<string>[] {
  return Array.from({ length: count }, (_, i) =>
    vpc.routeTables.apply((tables) => {
      const table = tables[i];
      if (table === undefined) throw new Error(`VPC has ${tables.length} route tables, expected ${count}`);
      return table.id;
    }),
  );
}

/** Arguments of GlueNetwork. */
export interface GlueNetworkArgs {
  readonly account: pulumi.Input<AccountContext>;
  /** CIDR of the VPC. */
  readonly cidrBlock: string;
  /** CIDR of the peered database VPC: the only destination outside the VPC Glue may reach (database port). */
  readonly databaseCidr: pulumi.Input<string>;
  /** Port of the database. */
  readonly databasePort: pulumi.Input<number>;
  /** Key of the flow-log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: pulumi.Input<number>;
  /** Name of the flow-log group. */
  readonly flowLogGroupName: pulumi.Input<string>;
}

/**
 * The dedicated Glue VPC: isolated subnets (awsx), the self-referencing security group Glue requires, an S3
 * gateway endpoint on every route table, interface endpoints with private DNS for the services jobs call, and
 * flow logs of all traffic to a KMS-encrypted log group.
 */
export class GlueNetwork extends pulumi.ComponentResource {
  readonly vpc: awsx.ec2.Vpc;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly routeTableIds: pulumi.Output<string>[];
  /** The subnet of the Glue connection (the first isolated subnet). */
  readonly subnetId: pulumi.Output<string>;
  readonly subnetAvailabilityZone: pulumi.Output<string>;

  constructor(name: string, args: GlueNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:lake:GlueNetwork', name, {}, opts);
    const parent = { parent: this };
    this.vpc = isolatedVpc(`${name}-vpc`, args.cidrBlock, parent);
    this.routeTableIds = routeTableIds(this.vpc, LAKE_AZ_COUNT);
    this.subnetId = this.vpc.isolatedSubnetIds.apply((ids) => {
      if (ids[0] === undefined) throw new Error('the Glue VPC has no isolated subnet');
      return ids[0];
    });
    this.subnetAvailabilityZone = aws.ec2
      .getSubnetOutput({ id: this.subnetId }, parent)
      .apply((subnet) => subnet.availabilityZone);

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-glue`,
      { vpcId: this.vpc.vpcId, description: 'Glue network interfaces: all TCP among themselves (Glue requires it)' },
      parent,
    );
    const sg = this.securityGroup.id;
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-glue-self-in`,
      { securityGroupId: sg, referencedSecurityGroupId: sg, ipProtocol: 'tcp', fromPort: 0, toPort: 65535, description: 'Glue workers to each other' },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-glue-self-out`,
      { securityGroupId: sg, referencedSecurityGroupId: sg, ipProtocol: 'tcp', fromPort: 0, toPort: 65535, description: 'Glue workers to each other' },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-glue-database-out`,
      { securityGroupId: sg, cidrIpv4: args.databaseCidr, ipProtocol: 'tcp', fromPort: args.databasePort, toPort: args.databasePort, description: 'The source database over the peering' },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-glue-endpoints-out`,
      { securityGroupId: sg, cidrIpv4: args.cidrBlock, ipProtocol: 'tcp', fromPort: 443, toPort: 443, description: 'Interface endpoints in this VPC' },
      parent,
    );

    const region = pulumi.output(args.account).apply((a) => a.region);
    const s3 = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: this.vpc.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: 'Gateway',
        // Explicit route tables: awsx's vpcEndpointSpecs do not always associate gateway endpoints (pulumi-awsx #1627).
        routeTableIds: this.routeTableIds,
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-glue-s3-out`,
      { securityGroupId: sg, prefixListId: s3.prefixListId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, description: 'S3 through the gateway endpoint' },
      parent,
    );

    const endpoints = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      { vpcId: this.vpc.vpcId, description: 'Interface endpoints: HTTPS from the Glue security group only' },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-endpoints-in`,
      { securityGroupId: endpoints.id, referencedSecurityGroupId: sg, ipProtocol: 'tcp', fromPort: 443, toPort: 443, description: 'HTTPS from Glue' },
      parent,
    );
    for (const service of GLUE_INTERFACE_ENDPOINTS) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}`,
        {
          vpcId: this.vpc.vpcId,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: this.vpc.isolatedSubnetIds,
          securityGroupIds: [endpoints.id],
        },
        parent,
      );
    }

    const flowLogs = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: args.flowLogGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      parent,
    );
    const delivery = serviceRole(
      `${name}-flow-logs`,
      { service: 'vpc-flow-logs.amazonaws.com', account: args.account, statements: flowLogs.arn.apply((arn) => [flowLogsDeliveryStatement(arn)]) },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: this.vpc.vpcId,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: flowLogs.arn,
        iamRoleArn: delivery.role.arn,
        maxAggregationInterval: 60,
      },
      { parent: this, dependsOn: [delivery.policy] },
    );

    this.registerOutputs({ vpcId: this.vpc.vpcId, securityGroupId: sg, subnetId: this.subnetId });
  }
}
