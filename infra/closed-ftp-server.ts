import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { buildIdpBundle, LAMBDA_RUNTIME } from "../idp-lambda/build";
import { nameTag } from "./tags";
import { ComponentNaming, idpFunctionName, logGroupName, roleNaming } from "./naming";
import { IDP_TIMEOUT_SECONDS } from "./monitoring-model";
import { ALLOWED_AWS_MANAGED_POLICIES, certificateNameCovers, DEFAULTS, EndpointService, FTP_CONTROL_PORT, FTP_PASSIVE_PORTS, partitionOf, Protocol, REUSED_STS_ENDPOINT_TAG } from "./model";

/** Transfer's custom-hostname tags (https://docs.aws.amazon.com/transfer/latest/userguide/requirements-dns.html). */
export const CUSTOM_HOSTNAME_TAG = "transfer:customHostname";
export const ROUTE53_ZONE_TAG = "transfer:route53HostedZoneId";
import { ConfigValidationError } from "./config-error";
import { idpLogsPolicy, idpSecretReadPolicy, lambdaTrustPolicy } from "./policies";

/**
 * Client ranges: each CIDR takes two inbound rules (control and passive data). A security group
 * holds 60 inbound rules per address family and a network interface takes 5 groups (VPC quotas,
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
 */
export const INBOUND_RULES_PER_GROUP_PER_FAMILY = 60;
export const SECURITY_GROUPS_PER_INTERFACE = 5;
// 29, not 30: an insertion or removal moves one CIDR per group, and the rule for its new place is
// created before the old one goes, so each group needs room for one more CIDR during an update.
export const CIDRS_PER_CLIENT_GROUP = INBOUND_RULES_PER_GROUP_PER_FAMILY / 2 - 1;
/** The most client CIDRs of one address family the server's endpoint can admit. */
export const MAX_ALLOWED_CIDRS_PER_FAMILY = CIDRS_PER_CLIENT_GROUP * SECURITY_GROUPS_PER_INTERFACE;

export interface ClosedFtpServerArgs {
    /** Account the hub provider deploys into; the confused-deputy guards name it. */
    accountId: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** ARN partition; derived from the region when left out. */
    partition?: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Every IPv4 CIDR of the VPC (primary and secondary): the interface endpoints admit HTTPS from each. */
    vpcCidrBlocks: string[];
    /** Who may connect on 21 and 8192-8200; two rules per CIDR, named after the CIDR. */
    allowedCidrs: string[];
    protocols?: Protocol[];
    /** ACM certificate ARN, required when FTPS is on. */
    certificateArn?: pulumi.Input<string>;
    passiveIp?: pulumi.Input<string>;
    /** Run the IdP Lambda inside the VPC (needs a Secrets Manager endpoint); default true. */
    idpVpcAttached?: boolean;
    /** Interface endpoints the VPC already has (private DNS on), by service: reused, never created twice. */
    existingEndpointIds?: Partial<Record<EndpointService, string>>;
    logRetentionDays?: pulumi.Input<number>;
    securityPolicyName?: pulumi.Input<string>;
    /** Seconds the IdP Lambda caches a secret body; 0 disables. */
    secretCacheTtlSeconds?: number;
    /**
     * Reserved concurrency of the IdP Lambda: the most logins it serves at once, and so the bound on
     * what a spray of unknown user names costs in Secrets Manager calls. Unset: the account's pool.
     */
    idpReservedConcurrency?: number;
    /**
     * The stack's names (infra/naming.ts), which the bootstrap's deploy role is scoped to: the IdP
     * role under /closed-ftp/<stack>/, the function and log groups by name, and the boundary every
     * role must carry. Unset: Pulumi's auto-names and no boundary.
     */
    naming?: ComponentNaming;
    /** Shown before login (FTP, FTPS) and after it (FTP, FTPS); Transfer's limits are checked in config. */
    preAuthenticationBanner?: string;
    postAuthenticationBanner?: string;
    /**
     * The private DNS name clients use. The server carries Transfer's custom-hostname tags, and with
     * FTPS the certificate must name it (read from ACM, checked before the server is created).
     */
    customHostname?: { name: string; route53HostedZoneId?: string };
}

/** The names a certificate covers, as ACM describes it. */
export function certificateNames(certificate: { domainName?: string; subjectAlternativeNames?: string[] }): string[] {
    return [...new Set([certificate.domainName, ...(certificate.subjectAlternativeNames ?? [])].filter((n): n is string => !!n))];
}

/** The config error when no name of a certificate covers the host clients dial, or undefined. */
export function certificateProblem(certificateArn: string, names: string[], host: string): ConfigValidationError | undefined {
    if (names.some((n) => certificateNameCovers(n, host))) return undefined;
    return new ConfigValidationError([{ path: "closed-ftp:server.certificateArn", message: `certificate ${certificateArn} names ${names.join(", ") || "nothing"}, not ${host} (closed-ftp:dns.recordName): FTPS clients would refuse it` }]);
}

/** The part of a CIDR that names its rules: "10.10.0.0/16" → "10-10-0-0-16". */
export function cidrSlug(cidr: string): string {
    return cidr.replace(/[.:/]/g, "-");
}

/**
 * Which client security group each CIDR's rules go to: per address family, in config order, 29
 * CIDRs a group. Appending a CIDR never moves another CIDR's rules; inserting one moves at most one
 * CIDR per group, which the free slot absorbs.
 */
export function clientGroupOf(allowedCidrs: string[]): Map<string, number> {
    const seen = { ipv4: 0, ipv6: 0 };
    const groups = new Map<string, number>();
    for (const cidr of allowedCidrs) {
        const family = cidr.includes(":") ? "ipv6" : "ipv4";
        const group = Math.floor(seen[family]++ / CIDRS_PER_CLIENT_GROUP);
        if (group >= SECURITY_GROUPS_PER_INTERFACE) {
            throw new Error(`allowedCidrs: ${seen[family]} ${family} CIDRs; the server's endpoint admits at most ${MAX_ALLOWED_CIDRS_PER_FAMILY} per address family (${SECURITY_GROUPS_PER_INTERFACE} security groups × ${CIDRS_PER_CLIENT_GROUP} CIDRs, one kept free for updates)`);
        }
        groups.set(cidr, group);
    }
    return groups;
}

/** The Transfer Family FTP server of a closed VPC, with its IdP Lambda and the interface endpoints it needs. */
export class ClosedFtpServer extends pulumi.ComponentResource {
    readonly serverId: pulumi.Output<string>;
    readonly serverArn: pulumi.Output<string>;
    readonly vpcEndpointId: pulumi.Output<string>;
    readonly endpointDnsName: pulumi.Output<string>;
    /** The Route 53 zone of the endpoint's DNS name: an alias record's target zone. */
    readonly endpointHostedZoneId: pulumi.Output<string>;
    /** The FTPS certificate, once its names are checked against the custom hostname; undefined without one. */
    readonly certificateArn: pulumi.Output<string> | undefined;
    /** The endpoint's private address in each zone, from its network interfaces: for firewalls and DNS forwarders. */
    readonly endpointPrivateIps: pulumi.Output<Record<string, string>>;
    readonly idpFunctionName: pulumi.Output<string>;
    readonly idpFunctionArn: pulumi.Output<string>;
    readonly idpRoleArn: pulumi.Output<string>;
    readonly secretPrefix: pulumi.Output<string>;
    /** The security groups on the server's endpoint, one per 29 client CIDRs of an address family. */
    readonly clientSecurityGroupIds: pulumi.Output<string>[];
    /** The interface endpoints Transfer and the IdP use, created or reused, by service. */
    readonly interfaceEndpointIds: Partial<Record<EndpointService, pulumi.Output<string>>>;
    readonly transferLogGroupName: pulumi.Output<string>;
    readonly idpLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: ClosedFtpServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("closed-ftp:index:ClosedFtpServer", name, {}, opts);
        const protocols = args.protocols ?? DEFAULTS.protocols;
        if (protocols.length === 0) throw new Error(`ClosedFtpServer ${name}: protocols must name FTP and/or FTPS`);
        if (protocols.includes("FTPS") && args.certificateArn === undefined) {
            throw new Error(`ClosedFtpServer ${name}: protocols include FTPS, which needs certificateArn (an ACM certificate)`);
        }
        if (args.allowedCidrs.length === 0) throw new Error(`ClosedFtpServer ${name}: allowedCidrs is empty, so no client could connect`);
        const repeated = args.allowedCidrs.find((c, i) => args.allowedCidrs.indexOf(c) !== i);
        if (repeated) throw new Error(`ClosedFtpServer ${name}: allowedCidrs lists ${repeated} twice (its rules would collide)`);
        if (args.vpcCidrBlocks.length === 0) throw new Error(`ClosedFtpServer ${name}: vpcCidrBlocks is empty; the endpoints must admit the VPC`);
        const groupOf = clientGroupOf(args.allowedCidrs);
        const idpVpcAttached = args.idpVpcAttached ?? DEFAULTS.idpVpcAttached;
        const partition = args.partition ?? pulumi.output(args.region).apply(partitionOf);
        const existing = args.existingEndpointIds ?? {};

        const groupCount = Math.max(...groupOf.values()) + 1;
        const clientGroups = Array.from({ length: groupCount }, (_, k) => k === 0 ? `${name}-sg` : `${name}-sg-${k + 1}`).map((groupName) => new aws.ec2.SecurityGroup(groupName, {
            vpcId: args.vpcId,
            description: "closed-ftp: FTP control (21) and passive data (8192-8200) from allowed CIDRs only",
            tags: nameTag(groupName),
        }, { parent: this }));
        for (const cidr of args.allowedCidrs) {
            const source = cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
            const securityGroupId = clientGroups[groupOf.get(cidr) as number].id;
            // Named by what they admit: inserting a CIDR adds its two rules and touches no other.
            new aws.vpc.SecurityGroupIngressRule(`${name}-ftp-${cidrSlug(cidr)}`, {
                securityGroupId, ipProtocol: "tcp", fromPort: FTP_CONTROL_PORT, toPort: FTP_CONTROL_PORT, ...source,
                description: `FTP control from ${cidr}`, tags: nameTag(`${name}-ftp-${cidrSlug(cidr)}`),
            }, { parent: this });
            new aws.vpc.SecurityGroupIngressRule(`${name}-passive-${cidrSlug(cidr)}`, {
                securityGroupId, ipProtocol: "tcp", fromPort: FTP_PASSIVE_PORTS.from, toPort: FTP_PASSIVE_PORTS.to, ...source,
                description: `FTP passive data from ${cidr}`, tags: nameTag(`${name}-passive-${cidrSlug(cidr)}`),
            }, { parent: this });
        }

        // Without STS inside the VPC, Transfer cannot assume the access role and every transfer fails.
        const needed: EndpointService[] = idpVpcAttached ? ["sts", "secretsmanager"] : ["sts"];
        const toCreate = needed.filter((service) => existing[service] === undefined);
        const endpointSecurityGroup = toCreate.length > 0
            ? new aws.ec2.SecurityGroup(`${name}-endpoints-sg`, {
                vpcId: args.vpcId,
                description: "closed-ftp: HTTPS to the interface endpoints from inside the VPC",
                tags: nameTag(`${name}-endpoints-sg`),
            }, { parent: this })
            : undefined;
        if (endpointSecurityGroup) {
            // Every CIDR of the VPC, not just the primary: a subnet in a secondary CIDR must reach STS too.
            for (const vpcCidr of args.vpcCidrBlocks) {
                new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https-${cidrSlug(vpcCidr)}`, {
                    securityGroupId: endpointSecurityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: vpcCidr,
                    description: `HTTPS from the VPC (${vpcCidr})`, tags: nameTag(`${name}-endpoints-https-${cidrSlug(vpcCidr)}`),
                }, { parent: this });
            }
        }
        const endpoints = new Map<EndpointService, aws.ec2.VpcEndpoint>(needed.map((service) => {
            const existingId = existing[service];
            // A reused endpoint is read, not managed: it shows in the plan and a preview, and is never changed.
            const endpoint = existingId !== undefined
                ? aws.ec2.VpcEndpoint.get(`${name}-${service}`, existingId, undefined, { parent: this })
                : new aws.ec2.VpcEndpoint(`${name}-${service}`, {
                    vpcId: args.vpcId,
                    serviceName: pulumi.interpolate`com.amazonaws.${args.region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: args.subnetIds,
                    securityGroupIds: [(endpointSecurityGroup as aws.ec2.SecurityGroup).id],
                    tags: nameTag(`${name}-${service}`),
                }, { parent: this });
            return [service, endpoint];
        }));

        const naming = args.naming;
        const transferLogGroup = new aws.cloudwatch.LogGroup(`${name}-transfer-logs`, {
            ...(naming ? { name: logGroupName(naming.stack, "transfer") } : {}),
            retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
            tags: nameTag(`${name}-transfer-logs`),
        }, { parent: this });

        const idpLogGroup = new aws.cloudwatch.LogGroup(`${name}-idp-logs`, {
            ...(naming ? { name: logGroupName(naming.stack, "idp") } : {}),
            retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
            tags: nameTag(`${name}-idp-logs`),
        }, { parent: this });
        const idpRole = new aws.iam.Role(`${name}-idp-role`, {
            assumeRolePolicy: pulumi.output(args.accountId).apply((accountId) => JSON.stringify(lambdaTrustPolicy({ accountId }))),
            description: "closed-ftp: the identity provider Lambda",
            ...roleNaming(naming),
            tags: nameTag(`${name}-idp-role`),
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
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${ALLOWED_AWS_MANAGED_POLICIES[0]}`,
            }, { parent: this })
            : undefined;
        const idpSecurityGroup = idpVpcAttached
            ? new aws.ec2.SecurityGroup(`${name}-idp-sg`, {
                vpcId: args.vpcId,
                description: "closed-ftp: the IdP Lambda reaches Secrets Manager over HTTPS only",
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: args.vpcCidrBlocks, description: "HTTPS to the interface endpoints" }],
                tags: nameTag(`${name}-idp-sg`),
            }, { parent: this })
            : undefined;

        const bundle = buildIdpBundle();
        const idpFunction = new aws.lambda.Function(`${name}-idp`, {
            ...(naming ? { name: idpFunctionName(naming.stack) } : {}),
            description: "closed-ftp: Transfer Family identity provider backed by Secrets Manager",
            runtime: LAMBDA_RUNTIME,
            architectures: ["arm64"],
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) }),
            role: idpRole.arn,
            memorySize: 512,
            timeout: IDP_TIMEOUT_SECONDS,
            reservedConcurrentExecutions: args.idpReservedConcurrency,
            environment: { variables: { SECRET_CACHE_TTL_SECONDS: String(args.secretCacheTtlSeconds ?? DEFAULTS.secretCacheTtlSeconds), IDP_BUNDLE_SHA256: bundle.sha256 } },
            loggingConfig: { logFormat: "JSON", logGroup: idpLogGroup.name },
            vpcConfig: idpSecurityGroup ? { subnetIds: args.subnetIds, securityGroupIds: [idpSecurityGroup.id] } : undefined,
            tags: nameTag(`${name}-idp`),
        }, { parent: this, dependsOn: [vpcAccess, endpoints.get("secretsmanager")].flatMap((r) => (r ? [r] : [])) });

        // Structured logging needs no logging role; a LoggingRole would also turn on legacy logging
        // (https://docs.aws.amazon.com/transfer/latest/userguide/structured-logging.html).
        const hostname = args.customHostname;
        // FTPS clients check the certificate against the name they dial: a certificate that does not
        // name the record fails every FTPS login. Read from ACM (a preview reads too) and checked before
        // the server exists, so a preview fails where an up would.
        const certificate = args.certificateArn !== undefined && hostname && protocols.includes("FTPS")
            ? aws.acm.Certificate.get(`${name}-certificate`, args.certificateArn, undefined, { parent: this })
            : undefined;
        const checkedCertificateArn = certificate && hostname
            ? pulumi.all([certificate.arn, certificate.domainName, certificate.subjectAlternativeNames]).apply(([arn, domainName, alternatives]) => {
                const problem = certificateProblem(arn, certificateNames({ domainName, subjectAlternativeNames: alternatives }), hostname.name);
                if (problem) throw problem;
                return arn;
            })
            : args.certificateArn;
        const server = new aws.transfer.Server(name, {
            endpointType: "VPC",
            endpointDetails: { vpcId: args.vpcId, subnetIds: args.subnetIds, securityGroupIds: clientGroups.map((g) => g.id) },
            protocols,
            certificate: checkedCertificateArn,
            preAuthenticationLoginBanner: args.preAuthenticationBanner,
            postAuthenticationLoginBanner: args.postAuthenticationBanner,
            protocolDetails: { passiveIp: args.passiveIp ?? DEFAULTS.passiveIp },
            identityProviderType: "AWS_LAMBDA",
            function: idpFunction.arn,
            securityPolicyName: args.securityPolicyName ?? DEFAULTS.securityPolicyName,
            structuredLogDestinations: [pulumi.interpolate`${transferLogGroup.arn}:*`],
            // A reused endpoint is only read, and reads never reach a policy pack: name it where the guardrail looks.
            tags: {
                ...nameTag(name), ...(existing.sts !== undefined ? { [REUSED_STS_ENDPOINT_TAG]: existing.sts } : {}),
                // Transfer's custom-hostname tags (https://docs.aws.amazon.com/transfer/latest/userguide/requirements-dns.html):
                // the console shows the name; the provider sends transfer: keys (it drops only aws: ones).
                ...(hostname ? { [CUSTOM_HOSTNAME_TAG]: hostname.name } : {}),
                ...(hostname?.route53HostedZoneId ? { [ROUTE53_ZONE_TAG]: `/hostedzone/${hostname.route53HostedZoneId}` } : {}),
            },
        }, { parent: this, dependsOn: [endpoints.get("sts") as aws.ec2.VpcEndpoint] });

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
        const endpoint = aws.ec2.getVpcEndpointOutput({ id: this.vpcEndpointId }, { parent: this });
        // The first entry is the regional name (the zonal ones follow): it resolves to every zone's address.
        const regional = endpoint.dnsEntries.apply((entries) => {
            if (entries.length === 0 || !entries[0].dnsName) throw new Error(`ClosedFtpServer ${name}: the server's VPC endpoint has no DNS entry`);
            return entries[0];
        });
        this.endpointDnsName = regional.apply((entry) => entry.dnsName);
        this.endpointHostedZoneId = regional.apply((entry) => entry.hostedZoneId);
        this.endpointPrivateIps = endpoint.networkInterfaceIds.apply((ids) => pulumi.all(ids.map((id) => aws.ec2.getNetworkInterfaceOutput({ id }, { parent: this }))))
            .apply((interfaces) => {
                if (interfaces.length === 0) throw new Error(`ClosedFtpServer ${name}: the server's VPC endpoint has no network interface`);
                return Object.fromEntries([...interfaces].sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone)).map((eni) => [eni.availabilityZone, eni.privateIp]));
            });
        this.certificateArn = checkedCertificateArn === undefined ? undefined : pulumi.output(checkedCertificateArn);
        this.idpFunctionName = idpFunction.name;
        this.idpFunctionArn = idpFunction.arn;
        this.idpRoleArn = idpRole.arn;
        this.secretPrefix = pulumi.interpolate`aws/transfer/${server.id}/`;
        this.clientSecurityGroupIds = clientGroups.map((g) => g.id);
        this.interfaceEndpointIds = Object.fromEntries([...endpoints].map(([service, endpoint]) => [service, endpoint.id]));
        this.transferLogGroupName = transferLogGroup.name;
        this.idpLogGroupName = idpLogGroup.name;
        this.registerOutputs({
            serverId: this.serverId,
            serverArn: this.serverArn,
            vpcEndpointId: this.vpcEndpointId,
            endpointDnsName: this.endpointDnsName,
            endpointHostedZoneId: this.endpointHostedZoneId,
            endpointPrivateIps: this.endpointPrivateIps,
            idpFunctionName: this.idpFunctionName,
            idpFunctionArn: this.idpFunctionArn,
            idpRoleArn: this.idpRoleArn,
            secretPrefix: this.secretPrefix,
            clientSecurityGroupIds: this.clientSecurityGroupIds,
            interfaceEndpointIds: this.interfaceEndpointIds,
            transferLogGroupName: this.transferLogGroupName,
            idpLogGroupName: this.idpLogGroupName,
        });
    }
}
