import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as ipaddr from "ipaddr.js";
import { nameTag } from "./tags";

/** Subnets are a quarter of the VPC each, so up to four zones fit and a fourth can be added later. */
const SUBNET_EXTRA_BITS = 2;

export interface IsolatedVpcArgs {
    /** IPv4 block of the VPC, /16 to /24. */
    cidrBlock: string;
    /** One isolated subnet per zone, in this order (interface endpoints take one subnet per zone). */
    availabilityZones: string[];
}

/** The i-th quarter of an IPv4 block: "10.80.0.0/16", 1 → "10.80.64.0/18". */
export function isolatedSubnetCidr(cidrBlock: string, index: number): string {
    const [address, bits] = ipaddr.IPv4.parseCIDR(cidrBlock);
    const subnetBits = bits + SUBNET_EXTRA_BITS;
    if (index < 0 || index >= 2 ** SUBNET_EXTRA_BITS) throw new Error(`subnet ${index} of ${cidrBlock}: only ${2 ** SUBNET_EXTRA_BITS} fit`);
    const base = address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
    const start = base + index * 2 ** (32 - subnetBits);
    return `${ipaddr.fromByteArray([start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255]).toString()}/${subnetBits}`;
}

/**
 * A VPC with no path to the internet: no internet, NAT or egress-only gateway, no Elastic IP, no
 * public IP on launch, and route tables holding only the implicit local route. Built from aws.ec2
 * resources because awsx's Vpc always attaches an internet gateway.
 */
export class IsolatedVpc extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: pulumi.Output<string>[];
    readonly routeTableIds: pulumi.Output<string>[];
    readonly cidrBlock: string;

    constructor(name: string, args: IsolatedVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:IsolatedVpc", name, {}, opts);
        if (args.availabilityZones.length === 0) throw new Error(`IsolatedVpc ${name}: name at least one availability zone`);
        if (new Set(args.availabilityZones).size !== args.availabilityZones.length) throw new Error(`IsolatedVpc ${name}: availability zones repeat`);

        // Interface endpoints with private DNS need both DNS settings on.
        const vpc = new aws.ec2.Vpc(name, { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: nameTag(name) }, { parent: this });
        // The default group admits all traffic between its members; strip it so nothing relies on it.
        new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, ingress: [], egress: [], tags: nameTag(`${name}-default`) }, { parent: this });
        const zones = args.availabilityZones.map((zone, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-${zone}`, {
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: isolatedSubnetCidr(args.cidrBlock, i),
                mapPublicIpOnLaunch: false,
                assignIpv6AddressOnCreation: false,
                tags: nameTag(`${name}-${zone}`),
            }, { parent: this });
            // No routes declared: the table starts with the local route only, and routes the network team
            // adds towards the clients (transit gateway, VPN) are theirs to manage and survive every update.
            const routeTable = new aws.ec2.RouteTable(`${name}-${zone}`, { vpcId: vpc.id, tags: nameTag(`${name}-${zone}`) }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-${zone}`, { subnetId: subnet.id, routeTableId: routeTable.id }, { parent: this });
            return { subnet, routeTable };
        });

        this.vpcId = vpc.id;
        this.subnetIds = zones.map((z) => z.subnet.id);
        this.routeTableIds = zones.map((z) => z.routeTable.id);
        this.cidrBlock = args.cidrBlock;
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, routeTableIds: this.routeTableIds });
    }
}
