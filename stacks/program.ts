// The program: a validated stack model → one provider per account → the components.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as random from "@pulumi/random";
import { ClosedFtpServer, CrossAccountBucket, FtpUser } from "../infra";
import { partitionOf } from "../infra/aws-facts";
import { AccountModel, NetworkModel, StackModel, UserModel } from "./config";

export interface UserOutput {
    bucket: string;
    bucketName: pulumi.Output<string>;
    prefix: string;
    account: string;
    accountId: string;
    access: string;
    allowedSourceCidrs?: string[];
}

export interface BucketOutput {
    bucketName: pulumi.Output<string>;
    account: string;
    accountId: string;
    encryption: string;
}

export interface StackOutputs {
    region: string;
    hubAccountId: string;
    serverId: pulumi.Output<string>;
    serverArn: pulumi.Output<string>;
    endpointDnsName: pulumi.Output<string>;
    vpcEndpointId: pulumi.Output<string>;
    accessRoleArn: pulumi.Output<string>;
    accessRoleUniqueId: pulumi.Output<string>;
    idpFunctionName: pulumi.Output<string>;
    secretPrefix: pulumi.Output<string>;
    users: Record<string, UserOutput>;
    /** Plaintext passwords by user name, as one secret output. */
    userPasswords: pulumi.Output<Record<string, string>>;
    buckets: Record<string, BucketOutput>;
}

export const HUB = "hub";

/** One provider per account; `allowedAccountIds` makes a wrong credential fail instead of deploying elsewhere. */
function accountProvider(account: AccountModel, model: StackModel): aws.Provider {
    const stack = pulumi.getStack();
    return new aws.Provider(account.key === HUB ? HUB : `spoke-${account.key}`, {
        region: model.region as aws.Region,
        allowedAccountIds: [account.accountId],
        assumeRoles: account.deployRoleArn
            ? [{ roleArn: account.deployRoleArn, sessionName: `closed-ftp-${stack}`.slice(0, 64) }]
            : undefined,
        defaultTags: { tags: { Project: "closed-ftp", Stack: stack, Account: account.key } },
    });
}

function network(model: NetworkModel, hub: aws.Provider): { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string[]>; cidrBlock: pulumi.Input<string> } {
    if (model.kind === "existing") {
        const vpc = aws.ec2.getVpcOutput({ id: model.vpcId }, { provider: hub });
        return { vpcId: model.vpcId, subnetIds: model.subnetIds, cidrBlock: vpc.cidrBlock };
    }
    // Isolated subnets only: no internet gateway, no NAT, no default route.
    const vpc = new awsx.ec2.Vpc("network", {
        cidrBlock: model.cidrBlock,
        numberOfAvailabilityZones: model.availabilityZones,
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Isolated", name: "isolated" }],
        natGateways: { strategy: "None" },
        enableDnsSupport: true,
        enableDnsHostnames: true,
    }, { providers: [hub] });
    return { vpcId: vpc.vpcId, subnetIds: vpc.isolatedSubnetIds, cidrBlock: model.cidrBlock };
}

export function deployClosedFtp(model: StackModel): StackOutputs {
    const partition = partitionOf(model.region);
    const accounts = new Map<string, AccountModel>([[HUB, model.hub], ...model.spokes.map((s): [string, AccountModel] => [s.key, s])]);
    const providers = new Map<string, aws.Provider>([...accounts.values()].map((a) => [a.key, accountProvider(a, model)]));
    const hubProvider = providers.get(HUB) as aws.Provider;
    // random has no account, but an explicit provider keeps every resource off the default providers.
    const randomProvider = new random.Provider("random", {});

    const net = network(model.network, hubProvider);
    const server = new ClosedFtpServer("ftp", {
        accountId: model.hub.accountId,
        region: model.region,
        partition,
        vpcId: net.vpcId,
        subnetIds: net.subnetIds,
        vpcCidrBlock: net.cidrBlock,
        allowedCidrs: model.network.allowedCidrs,
        protocols: model.server.protocols,
        certificateArn: model.server.certificateArn,
        passiveIp: model.server.passiveIp,
        idpVpcAttached: model.server.idpVpcAttached,
        logRetentionDays: model.server.logRetentionDays,
        securityPolicyName: model.server.securityPolicyName,
    }, { provider: hubProvider });

    const buckets = new Map(model.buckets.map((b) => {
        const account = accounts.get(b.account) as AccountModel;
        const bucket = new CrossAccountBucket(`bucket-${b.name}`, {
            bucketAccountId: account.accountId,
            hubAccountId: model.hub.accountId,
            region: model.region,
            partition,
            accessRoleName: server.accessRoleName,
            accessRoleUniqueId: server.accessRoleUniqueId,
            hubProvider,
            encryption: b.encryption,
            bucketName: b.bucketName,
        }, { provider: providers.get(b.account) });
        return [b.name, { model: b, account, bucket }] as const;
    }));

    const users = model.users.map((u: UserModel) => {
        const home = buckets.get(u.bucket);
        if (!home) throw new Error(`closed-ftp:users: bucket "${u.bucket}" of user "${u.userName}" is not defined`);
        const password = model.passwords[u.userName];
        const user = new FtpUser(`user-${u.userName}`, {
            serverId: server.serverId,
            userName: u.userName,
            accessRoleArn: server.accessRoleArn,
            bucketName: home.bucket.bucketName,
            prefix: u.prefix,
            access: u.access,
            allowedSourceCidrs: u.allowedSourceCidrs,
            password: password === undefined ? undefined : pulumi.secret(password),
            partition,
        }, { providers: [hubProvider, randomProvider] });
        return { model: u, home, user };
    });

    return {
        region: model.region,
        hubAccountId: model.hub.accountId,
        serverId: server.serverId,
        serverArn: server.serverArn,
        endpointDnsName: server.endpointDnsName,
        vpcEndpointId: server.vpcEndpointId,
        accessRoleArn: server.accessRoleArn,
        accessRoleUniqueId: server.accessRoleUniqueId,
        idpFunctionName: server.idpFunctionName,
        secretPrefix: server.secretPrefix,
        users: Object.fromEntries(users.map(({ model: u, home }) => [u.userName, {
            bucket: u.bucket,
            bucketName: home.bucket.bucketName,
            prefix: u.prefix,
            account: home.account.key,
            accountId: home.account.accountId,
            access: u.access,
            ...(u.allowedSourceCidrs ? { allowedSourceCidrs: u.allowedSourceCidrs } : {}),
        }])),
        userPasswords: pulumi.secret(pulumi.all(Object.fromEntries(users.map(({ model: u, user }) => [u.userName, user.password])))),
        buckets: Object.fromEntries([...buckets.values()].map(({ model: b, account, bucket }) => [b.name, {
            bucketName: bucket.bucketName,
            account: account.key,
            accountId: account.accountId,
            encryption: b.encryption,
        }])),
    };
}
