// The seeds' Client-VPC, as an optional component: a small VPC with no path to the internet, peered
// to the hub VPC, and an Amazon Linux 2023 instance with lftp that Run Command reaches through the
// SSM endpoints. Everything it creates is its own child, so removing it from the config removes it all.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { IsolatedVpc } from "./isolated-vpc";
import { FTP_CONTROL_PORT, FTP_PASSIVE_PORTS, TEST_CLIENT } from "./model";
import { ComponentNaming, roleNaming, testClientRoleName } from "./naming";
import { testClientInstancePolicy, testClientS3EndpointPolicy, testClientTrustPolicy } from "./policies";
import { nameTag } from "./tags";

export interface TestClientArgs {
    region: string;
    partition: string;
    accountId: string;
    /** The client VPC's block: it must not overlap the hub VPC's (VPC peering refuses overlapping blocks). */
    cidrBlock: string;
    /** The one zone of the client subnet (by name). */
    availabilityZone: string;
    /** The hub VPC and its blocks: the peer, and where the instance may open FTP connections to. */
    hubVpcId: pulumi.Input<string>;
    hubCidrBlocks: string[];
    /** Hub route tables that get a route to the client block through the peering; none: the routes are printed for the network team. */
    hubRouteTableIds: pulumi.Input<string>[];
    /** The AMI to launch (AL2023, looked up by the program); later images do not replace the instance. */
    amiId: pulumi.Input<string>;
    instanceType?: string;
    naming?: ComponentNaming;
}

/** What the boot script installs: lftp, from AL2023's own repository (through the S3 gateway endpoint). */
export const TEST_CLIENT_USER_DATA = ["#!/bin/bash", "# A transient repository error is retried: lftp is the instance's whole purpose.",
    "for attempt in 1 2 3 4 5; do dnf install -y lftp && exit 0; sleep 20; done", "exit 1", ""].join("\n");

export class TestClient extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetId: pulumi.Output<string>;
    readonly peeringConnectionId: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly cidrBlock: string;
    /** The routes the hub needs towards the client: made in hubRouteTableIds, or for the network team to add. */
    readonly hubRoutes: pulumi.Output<{ destinationCidrBlock: string; vpcPeeringConnectionId: string; routeTableIds: string[] }>;

    constructor(name: string, args: TestClientArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:TestClient", name, {}, opts);
        const parent = { parent: this };
        const vpc = new IsolatedVpc(`${name}-vpc`, { cidrBlock: args.cidrBlock, availabilityZones: [args.availabilityZone] }, parent);
        const subnetId = vpc.subnetIds[0];
        const routeTableId = vpc.routeTableIds[0];

        // Same account and region: the requester accepts its own request.
        const peering = new aws.ec2.VpcPeeringConnection(`${name}-peering`, {
            vpcId: vpc.vpcId, peerVpcId: args.hubVpcId, autoAccept: true, tags: nameTag(`${name}-peering`),
        }, parent);
        args.hubCidrBlocks.forEach((hubCidr, i) => new aws.ec2.Route(`${name}-to-hub-${i}`, {
            routeTableId, destinationCidrBlock: hubCidr, vpcPeeringConnectionId: peering.id,
        }, parent));
        args.hubRouteTableIds.forEach((hubTable, i) => new aws.ec2.Route(`${name}-from-hub-${i}`, {
            routeTableId: hubTable, destinationCidrBlock: args.cidrBlock, vpcPeeringConnectionId: peering.id,
        }, parent));

        // dnf's only way out: AL2023's repository bucket, through a gateway endpoint on the subnet's route table.
        const s3 = new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: vpc.vpcId, serviceName: `com.amazonaws.${args.region}.s3`, vpcEndpointType: "Gateway", routeTableIds: [routeTableId],
            policy: JSON.stringify(testClientS3EndpointPolicy({ partition: args.partition, region: args.region })), tags: nameTag(`${name}-s3`),
        }, parent);

        const endpointGroup = new aws.ec2.SecurityGroup(`${name}-endpoints-sg`, {
            vpcId: vpc.vpcId, description: "closed-ftp test client: HTTPS to the SSM endpoints from the client subnet",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.cidrBlock], description: "HTTPS from the test client" }],
            egress: [], tags: nameTag(`${name}-endpoints-sg`),
        }, parent);
        const ssmEndpoints = TEST_CLIENT.ssmEndpoints.map((service) => new aws.ec2.VpcEndpoint(`${name}-${service}`, {
            vpcId: vpc.vpcId, serviceName: `com.amazonaws.${args.region}.${service}`, vpcEndpointType: "Interface", privateDnsEnabled: true,
            subnetIds: [subnetId], securityGroupIds: [endpointGroup.id], tags: nameTag(`${name}-${service}`),
        }, parent));

        // No ingress: Run Command comes in over the agent's own outbound channel.
        const instanceGroup = new aws.ec2.SecurityGroup(`${name}-instance-sg`, {
            vpcId: vpc.vpcId, description: "closed-ftp test client: FTP to the hub, HTTPS to the SSM endpoints and the package repository",
            ingress: [],
            egress: [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.cidrBlock], description: "SSM endpoints" },
                { protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: [s3.prefixListId], description: "AL2023 repository (S3 gateway endpoint)" },
                { protocol: "tcp", fromPort: FTP_CONTROL_PORT, toPort: FTP_CONTROL_PORT, cidrBlocks: args.hubCidrBlocks, description: "FTP control to the hub" },
                { protocol: "tcp", fromPort: FTP_PASSIVE_PORTS.from, toPort: FTP_PASSIVE_PORTS.to, cidrBlocks: args.hubCidrBlocks, description: "FTP passive data to the hub" },
            ],
            tags: nameTag(`${name}-instance-sg`),
        }, parent);

        const role = new aws.iam.Role(`${name}-role`, {
            assumeRolePolicy: JSON.stringify(testClientTrustPolicy()),
            description: "closed-ftp: the test client instance (Run Command only)",
            ...roleNaming(args.naming),
            // A fixed name: the deploy role passes this role, and no other, to EC2.
            ...(args.naming ? { name: testClientRoleName(args.naming.stack) } : {}),
            tags: nameTag(`${name}-role`),
        }, parent);
        const grant = new aws.iam.RolePolicy(`${name}-ssm`, {
            role: role.name,
            policy: JSON.stringify(testClientInstancePolicy({ partition: args.partition, region: args.region, accountId: args.accountId })),
        }, parent);
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, {
            role: role.name, ...(args.naming ? { path: roleNaming(args.naming).path } : {}), tags: nameTag(`${name}-profile`),
        }, parent);

        const instance = new aws.ec2.Instance(`${name}-instance`, {
            ami: args.amiId,
            instanceType: args.instanceType ?? TEST_CLIENT.instanceType,
            subnetId,
            vpcSecurityGroupIds: [instanceGroup.id],
            associatePublicIpAddress: false,
            iamInstanceProfile: profile.name,
            metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: TEST_CLIENT.volumeSizeGiB, deleteOnTermination: true },
            userData: TEST_CLIENT_USER_DATA,
            userDataReplaceOnChange: true,
            tags: nameTag(`${name}-instance`),
        }, {
            parent: this,
            // The endpoints and the role's grant first: the agent registers at boot, and dnf needs the gateway's route.
            dependsOn: [s3, ...ssmEndpoints, grant],
            // A newer AL2023 image is no reason to replace a running client: replace it by hand (README).
            ignoreChanges: ["ami"],
        });

        this.vpcId = vpc.vpcId;
        this.subnetId = subnetId;
        this.peeringConnectionId = peering.id;
        this.instanceId = instance.id;
        this.privateIp = instance.privateIp;
        this.cidrBlock = args.cidrBlock;
        this.hubRoutes = pulumi.all([peering.id, pulumi.all(args.hubRouteTableIds)]).apply(([vpcPeeringConnectionId, routeTableIds]) => ({
            destinationCidrBlock: args.cidrBlock, vpcPeeringConnectionId, routeTableIds,
        }));
        this.registerOutputs({ vpcId: this.vpcId, instanceId: this.instanceId, peeringConnectionId: this.peeringConnectionId });
    }
}
