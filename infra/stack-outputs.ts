// The stack outputs, once: the program's return type is derived from this schema, and the smoke
// test validates what `pulumi stack output` gives against it.
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { ACCESS_LEVELS, ACCOUNT_ID, ARN, ENCRYPTIONS, REGION, TRANSFER_SERVER_ID } from "./model";

const nonEmpty = z.string().min(1, "is empty");
const accountId = z.string().regex(ACCOUNT_ID, { error: (i) => `"${String(i.input)}" is not a 12-digit account id` });
const cidr = z.string().refine((c) => ipaddr.isValidCIDR(c), { error: (i) => `"${String(i.input)}" is not a CIDR block` });
const arn = (what: string) => z.string().regex(ARN, { error: (i) => `"${String(i.input)}" is not ${what} ARN` });

export const USER_OUTPUT = z.object({
    bucket: nonEmpty,
    bucketName: nonEmpty,
    prefix: nonEmpty,
    account: nonEmpty,
    accountId,
    access: z.enum(ACCESS_LEVELS, { error: (i) => `"${String(i.input)}" is not ${ACCESS_LEVELS.join(" or ")}` }),
    /** The role Transfer assumes for the user: its bucket's access role. */
    accessRoleArn: arn("an IAM role"),
    allowedSourceCidrs: z.array(cidr).optional(),
});

export const BUCKET_OUTPUT = z.object({
    bucketName: nonEmpty,
    account: nonEmpty,
    accountId,
    encryption: z.enum(ENCRYPTIONS, { error: (i) => `"${String(i.input)}" is not ${ENCRYPTIONS.join(" or ")}` }),
    /** Whether the bucket's events go to EventBridge's default bus in its account (absent before this version). */
    eventBridge: z.boolean().optional(),
    accessRoleArn: arn("an IAM role"),
    accessRoleUniqueId: z.string().regex(/^AROA[A-Z0-9]+$/, { error: (i) => `"${String(i.input)}" is not a role unique id (AROA…)` }),
    kmsKeyArn: arn("a KMS key").optional(),
});

export const STACK_OUTPUTS = z.object({
    region: z.string().regex(REGION, { error: (i) => `"${String(i.input)}" is not an AWS region name` }),
    hubAccountId: accountId,
    serverId: z.string().regex(TRANSFER_SERVER_ID, { error: (i) => `"${String(i.input)}" is not a Transfer server id (s- and 17 hex digits)` }),
    serverArn: arn("a Transfer server"),
    endpointDnsName: nonEmpty,
    /** The endpoint's private address per availability zone (absent before this version). */
    endpointPrivateIps: z.record(z.string(), z.string().refine((a) => ipaddr.IPv4.isValidFourPartDecimal(a), { error: (i) => `"${String(i.input)}" is not an IPv4 address` })).optional(),
    /** The private DNS name of closed-ftp:dns. */
    endpointHostname: nonEmpty.optional(),
    /** The SNS topic the alarms publish to, the alarms by key, and the dashboard (absent before this version). */
    alarmTopicArn: arn("an SNS topic").optional(),
    alarms: z.record(z.string(), nonEmpty).optional(),
    dashboardName: nonEmpty.optional(),
    vpcEndpointId: z.string().regex(/^vpce-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not a VPC endpoint id` }),
    vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not a VPC id` }),
    /** A new VPC's subnets and their route tables, by zone, for the network team's routes; absent for an existing VPC. */
    subnets: z.record(z.string(), z.object({
        subnetId: z.string().regex(/^subnet-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not a subnet id` }),
        routeTableId: z.string().regex(/^rtb-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not a route table id` }),
        cidrBlock: cidr,
    })).optional(),
    /** closed-ftp:testClient: the instance Run Command reaches, its VPC and the peering (absent when off). */
    testClient: z.object({
        instanceId: z.string().regex(/^i-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not an EC2 instance id` }),
        vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not a VPC id` }),
        cidrBlock: cidr,
        privateIp: nonEmpty,
        peeringConnectionId: z.string().regex(/^pcx-[0-9a-f]+$/, { error: (i) => `"${String(i.input)}" is not a VPC peering connection id` }),
        /** The hub's routes to the client: made in routeTableIds; with none, for the network team to add. */
        hubRoutes: z.object({ destinationCidrBlock: cidr, vpcPeeringConnectionId: nonEmpty, routeTableIds: z.array(nonEmpty) }),
    }).optional(),
    idpFunctionName: nonEmpty,
    secretPrefix: nonEmpty,
    users: z.record(z.string(), USER_OUTPUT),
    /** Plaintext passwords by user name: a secret output. */
    userPasswords: z.record(z.string(), z.string()),
    buckets: z.record(z.string(), BUCKET_OUTPUT),
});

export type StackOutputsModel = z.output<typeof STACK_OUTPUTS>;
export type UserOutput = z.output<typeof USER_OUTPUT>;
export type BucketOutput = z.output<typeof BUCKET_OUTPUT>;
