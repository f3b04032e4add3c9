import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { buildIdpBundle } from "../idp-lambda/build";
import { DEFAULT_SECURITY_POLICY } from "./aws-facts";
import { accessRoleTrustPolicy, idpLogsPolicy, idpSecretReadPolicy, lambdaTrustPolicy, transferLoggingRolePolicy } from "./policies";

export type FtpProtocol = "FTP" | "FTPS";

export const FTP_CONTROL_PORT = 21;
export const FTP_PASSIVE_PORTS = { from: 8192, to: 8200 } as const;

export interface ClosedFtpServerArgs {
    /** Account the hub provider deploys into; the confused-deputy guards name it. */
    accountId: pulumi.Input<string>;
    region: pulumi.Input<string>;
    partition?: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The VPC's CIDR: the interface endpoints admit HTTPS from it. */
    vpcCidrBlock: pulumi.Input<string>;
    /** Who may connect on 21 and 8192-8200; one rule pair per CIDR, so a plain list. */
    allowedCidrs: string[];
    protocols?: FtpProtocol[];
    /** ACM certificate ARN, required when FTPS is on. */
    certificateArn?: pulumi.Input<string>;
    passiveIp?: pulumi.Input<string>;
    /** Run the IdP Lambda inside the VPC (adds a Secrets Manager endpoint); default true. */
    idpVpcAttached?: boolean;
    logRetentionDays?: pulumi.Input<number>;
    securityPolicyName?: pulumi.Input<string>;
    /** Seconds the IdP Lambda caches a secret body; 0 disables. */
    secretCacheTtlSeconds?: number;
}

/** The Transfer Family FTP server of a closed VPC, with its IdP Lambda, endpoints and access role. */
export class ClosedFtpServer extends pulumi.ComponentResource {
    readonly serverId: pulumi.Output<string>;
    readonly serverArn: pulumi.Output<string>;
    readonly vpcEndpointId: pulumi.Output<string>;
    readonly endpointDnsName: pulumi.Output<string>;
    readonly accessRoleArn: pulumi.Output<string>;
    readonly accessRoleName: pulumi.Output<string>;
    readonly accessRoleUniqueId: pulumi.Output<string>;
    readonly idpFunctionName: pulumi.Output<string>;
    readonly secretPrefix: pulumi.Output<string>;

    constructor(name: string, args: ClosedFtpServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:ClosedFtpServer", name, {}, opts);
        const protocols = args.protocols ?? ["FTP"];
        if (protocols.length === 0) throw new Error(`ClosedFtpServer ${name}: protocols must name FTP and/or FTPS`);
        if (protocols.includes("FTPS") && args.certificateArn === undefined) {
            throw new Error(`ClosedFtpServer ${name}: protocols include FTPS, which needs certificateArn (an ACM certificate)`);
        }
        if (args.allowedCidrs.length === 0) throw new Error(`ClosedFtpServer ${name}: allowedCidrs is empty, so no client could connect`);
        const idpVpcAttached = args.idpVpcAttached ?? true;
        const partition = args.partition ?? "aws";

        const serverSecurityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: "closed-ftp: FTP control (21) and passive data (8192-8200) from allowed CIDRs only",
        }, { parent: this });
        args.allowedCidrs.forEach((cidr, i) => {
            const source = cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
            new aws.vpc.SecurityGroupIngressRule(`${name}-ftp-${i}`, {
                securityGroupId: serverSecurityGroup.id, ipProtocol: "tcp", fromPort: FTP_CONTROL_PORT, toPort: FTP_CONTROL_PORT, ...source,
                description: `FTP control from ${cidr}`,
            }, { parent: this });
            new aws.vpc.SecurityGroupIngressRule(`${name}-passive-${i}`, {
                securityGroupId: serverSecurityGroup.id, ipProtocol: "tcp", fromPort: FTP_PASSIVE_PORTS.from, toPort: FTP_PASSIVE_PORTS.to, ...source,
                description: `FTP passive data from ${cidr}`,
            }, { parent: this });
        });

        // Without STS inside the VPC, Transfer cannot assume the access role and every transfer fails.
        const endpointSecurityGroup = new aws.ec2.SecurityGroup(`${name}-endpoints-sg`, {
            vpcId: args.vpcId,
            description: "closed-ftp: HTTPS to the interface endpoints from inside the VPC",
        }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https`, {
            securityGroupId: endpointSecurityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidrBlock,
            description: "HTTPS from the VPC",
        }, { parent: this });
        const interfaceEndpoint = (service: string) => new aws.ec2.VpcEndpoint(`${name}-${service}`, {
            vpcId: args.vpcId,
            serviceName: pulumi.interpolate`com.amazonaws.${args.region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: args.subnetIds,
            securityGroupIds: [endpointSecurityGroup.id],
        }, { parent: this });
        const stsEndpoint = interfaceEndpoint("sts");
        const secretsManagerEndpoint = idpVpcAttached ? interfaceEndpoint("secretsmanager") : undefined;

        const transferLogGroup = new aws.cloudwatch.LogGroup(`${name}-transfer-logs`, {
            retentionInDays: args.logRetentionDays ?? 90,
        }, { parent: this });
        const loggingRole = new aws.iam.Role(`${name}-logging-role`, {
            assumeRolePolicy: pulumi.all([args.accountId, args.region, partition]).apply(([hubAccountId, region, p]) =>
                JSON.stringify(accessRoleTrustPolicy({ hubAccountId, region, partition: p }))),
            description: "closed-ftp: lets Transfer Family deliver structured logs",
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-logging`, {
            role: loggingRole.name,
            policy: pulumi.all([partition, args.region, args.accountId, transferLogGroup.name]).apply(([p, region, accountId, logGroupName]) =>
                JSON.stringify(transferLoggingRolePolicy({ partition: p, region, accountId, logGroupName }))),
        }, { parent: this });

        const idpLogGroup = new aws.cloudwatch.LogGroup(`${name}-idp-logs`, {
            retentionInDays: args.logRetentionDays ?? 90,
        }, { parent: this });
        const idpRole = new aws.iam.Role(`${name}-idp-role`, {
            assumeRolePolicy: pulumi.all([args.accountId, partition]).apply(([accountId, p]) => JSON.stringify(lambdaTrustPolicy({ accountId, partition: p }))),
            description: "closed-ftp: the identity provider Lambda",
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-idp-logs`, {
            role: idpRole.name,
            policy: pulumi.all([partition, args.region, args.accountId, idpLogGroup.name]).apply(([p, region, accountId, logGroupName]) =>
                JSON.stringify(idpLogsPolicy({ partition: p, region, accountId, logGroupName }))),
        }, { parent: this });
        const vpcAccess = idpVpcAttached
            ? new aws.iam.RolePolicyAttachment(`${name}-idp-vpc`, {
                role: idpRole.name,
                // ENI management has no resource-level permissions; AWS's managed policy is the narrowest grant.
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
            }, { parent: this })
            : undefined;
        const idpSecurityGroup = idpVpcAttached
            ? new aws.ec2.SecurityGroup(`${name}-idp-sg`, {
                vpcId: args.vpcId,
                description: "closed-ftp: the IdP Lambda reaches Secrets Manager over HTTPS only",
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidrBlock], description: "HTTPS to the interface endpoints" }],
            }, { parent: this })
            : undefined;

        const bundle = buildIdpBundle();
        const idpFunction = new aws.lambda.Function(`${name}-idp`, {
            description: "closed-ftp: Transfer Family identity provider backed by Secrets Manager",
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) }),
            role: idpRole.arn,
            memorySize: 512,
            timeout: 10,
            environment: { variables: { SECRET_CACHE_TTL_SECONDS: String(args.secretCacheTtlSeconds ?? 30), IDP_BUNDLE_SHA256: bundle.sha256 } },
            loggingConfig: { logFormat: "JSON", logGroup: idpLogGroup.name },
            vpcConfig: idpSecurityGroup ? { subnetIds: args.subnetIds, securityGroupIds: [idpSecurityGroup.id] } : undefined,
        }, { parent: this, dependsOn: [vpcAccess, secretsManagerEndpoint].flatMap((r) => (r ? [r] : [])) });

        const accessRole = new aws.iam.Role(`${name}-access-role`, {
            assumeRolePolicy: pulumi.all([args.accountId, args.region, partition]).apply(([hubAccountId, region, p]) =>
                JSON.stringify(accessRoleTrustPolicy({ hubAccountId, region, partition: p }))),
            description: "closed-ftp: assumed by Transfer Family for user sessions; bucket grants are attached per bucket",
        }, { parent: this });

        const server = new aws.transfer.Server(name, {
            endpointType: "VPC",
            endpointDetails: { vpcId: args.vpcId, subnetIds: args.subnetIds, securityGroupIds: [serverSecurityGroup.id] },
            protocols,
            certificate: args.certificateArn,
            protocolDetails: { passiveIp: args.passiveIp ?? "AUTO" },
            identityProviderType: "AWS_LAMBDA",
            function: idpFunction.arn,
            securityPolicyName: args.securityPolicyName ?? DEFAULT_SECURITY_POLICY,
            loggingRole: loggingRole.arn,
            structuredLogDestinations: [pulumi.interpolate`${transferLogGroup.arn}:*`],
        }, { parent: this, dependsOn: [stsEndpoint] });

        new aws.lambda.Permission(`${name}-idp-invoke`, {
            action: "lambda:InvokeFunction",
            function: idpFunction.name,
            principal: "transfer.amazonaws.com",
            sourceArn: server.arn,
            sourceAccount: args.accountId,
        }, { parent: this });
        // Granted after the server exists: the secret prefix carries its id.
        new aws.iam.RolePolicy(`${name}-idp-secrets`, {
            role: idpRole.name,
            policy: pulumi.all([partition, args.region, args.accountId, server.id]).apply(([p, region, accountId, serverId]) =>
                JSON.stringify(idpSecretReadPolicy({ partition: p, region, accountId, serverId }))),
        }, { parent: this });

        this.serverId = server.id;
        this.serverArn = server.arn;
        this.vpcEndpointId = server.endpointDetails.apply((details) => {
            if (!details?.vpcEndpointId) throw new Error(`ClosedFtpServer ${name}: the server reported no VPC endpoint id`);
            return details.vpcEndpointId;
        });
        this.endpointDnsName = aws.ec2.getVpcEndpointOutput({ id: this.vpcEndpointId }, { parent: this })
            .dnsEntries.apply((entries) => {
                if (entries.length === 0 || !entries[0].dnsName) throw new Error(`ClosedFtpServer ${name}: the server's VPC endpoint has no DNS entry`);
                return entries[0].dnsName;
            });
        this.accessRoleArn = accessRole.arn;
        this.accessRoleName = accessRole.name;
        this.accessRoleUniqueId = accessRole.uniqueId;
        this.idpFunctionName = idpFunction.name;
        this.secretPrefix = pulumi.interpolate`aws/transfer/${server.id}/`;
        this.registerOutputs({
            serverId: this.serverId,
            serverArn: this.serverArn,
            vpcEndpointId: this.vpcEndpointId,
            endpointDnsName: this.endpointDnsName,
            accessRoleArn: this.accessRoleArn,
            accessRoleUniqueId: this.accessRoleUniqueId,
            idpFunctionName: this.idpFunctionName,
            secretPrefix: this.secretPrefix,
        });
    }
}
