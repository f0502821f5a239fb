import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { InvalidValueError } from '../../core/errors.js';
import type { AccountContext } from '../../core/iam.js';

/** One side of the peering: a VPC, its CIDR and the route tables that get the route to the other side. */
export interface PeeringSide {
  readonly vpcId: pulumi.Input<string>;
  readonly cidr: pulumi.Input<string>;
  readonly routeTableIds: readonly pulumi.Input<string>[];
}

/** Arguments of DatabasePeering. */
export interface DatabasePeeringArgs {
  readonly account: pulumi.Input<AccountContext>;
  readonly glue: PeeringSide;
  readonly database: PeeringSide & {
    /** Account of the database VPC; default the stack's. */
    readonly accountId?: string;
    /** Region of the database VPC; default the stack's. */
    readonly region?: string;
    /** Security group of the database, which gets the one ingress rule. */
    readonly securityGroupId: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
  };
  /** The Glue security group, the only source the database admits. */
  readonly glueSecurityGroupId: pulumi.Input<string>;
}

/**
 * Whether the peering can be accepted by this stack: only in the same account and region (AWS accepts
 * `autoAccept` only there). Throws InvalidValueError naming the setting otherwise: the peer side's routes and
 * security group rule could not be made from here either.
 */
export function sameAccountAndRegion(account: AccountContext, peer: { accountId?: string; region?: string }): true {
  if (peer.accountId !== undefined && peer.accountId !== account.accountId) {
    throw new InvalidValueError('sensorlake:sourceDatabase.accountId', peer.accountId,
      `the stack's account ${account.accountId} (cross-account peering needs the accepter in the peer account)`, 'config');
  }
  if (peer.region !== undefined && peer.region !== account.region) {
    throw new InvalidValueError('sensorlake:sourceDatabase.region', peer.region,
      `the stack's region ${account.region} (cross-region peering needs the accepter in the peer region)`, 'config');
  }
  return true;
}

/**
 * VPC peering between the Glue VPC and the database VPC, accepted here (same account and region), a route to the
 * other side's CIDR in every route table of both sides, and one ingress rule on the database security group
 * admitting only the Glue security group on the database port.
 */
export class DatabasePeering extends pulumi.ComponentResource {
  readonly connection: aws.ec2.VpcPeeringConnection;

  constructor(name: string, args: DatabasePeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:lake:DatabasePeering', name, {}, opts);
    const parent = { parent: this };
    const peer = { accountId: args.database.accountId, region: args.database.region };
    this.connection = new aws.ec2.VpcPeeringConnection(
      `${name}-connection`,
      {
        vpcId: args.glue.vpcId,
        peerVpcId: args.database.vpcId,
        autoAccept: pulumi.output(args.account).apply((account) => sameAccountAndRegion(account, peer)),
        accepter: { allowRemoteVpcDnsResolution: true },
        requester: { allowRemoteVpcDnsResolution: true },
      },
      parent,
    );
    args.glue.routeTableIds.forEach((routeTableId, i) => {
      new aws.ec2.Route(
        `${name}-glue-${i}`,
        { routeTableId, destinationCidrBlock: args.database.cidr, vpcPeeringConnectionId: this.connection.id },
        parent,
      );
    });
    args.database.routeTableIds.forEach((routeTableId, i) => {
      new aws.ec2.Route(
        `${name}-database-${i}`,
        { routeTableId, destinationCidrBlock: args.glue.cidr, vpcPeeringConnectionId: this.connection.id },
        parent,
      );
    });
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-database-in`,
      {
        securityGroupId: args.database.securityGroupId,
        referencedSecurityGroupId: args.glueSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: args.database.port,
        toPort: args.database.port,
        description: 'sensorlake Glue jobs and crawlers over the VPC peering',
      },
      parent,
    );
    this.registerOutputs({ peeringConnectionId: this.connection.id });
  }
}
