// The program: a validated stack model → one provider per account → what the accounts already
// have, looked up before anything is created → the components.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { ClosedFtpServer, CrossAccountBucket, FtpMonitoring, FtpUser, IsolatedVpc } from "../infra";
import { TestClient } from "../infra/test-client";
import { isolatedSubnetCidr } from "../infra/isolated-vpc";
import { EndpointService, HUB_KEY, partitionOf, TEST_CLIENT } from "../infra/model";
import { StackOutputsModel } from "../infra/stack-outputs";
import { AccountModel, ConfigIssue, ConfigValidationError, cidrsOverlap, NAMESPACE, NetworkModel, StackModel, UserModel } from "./config";
import { Credentials, roleToAssume } from "./credentials";
import { Estate, resolveEstate } from "./estate";
import { PROJECT_TAG, STACK_TAG_KEY } from "../infra/naming";

/** A value with Pulumi inputs anywhere inside: how the program hands over what the schema describes resolved. */
type DeepInput<T> = T extends (infer U)[] ? pulumi.Input<DeepInput<U>[]>
    : T extends object ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
        : pulumi.Input<T>;

/** The stack outputs, as infra/stack-outputs.ts defines them once. */
export type StackOutputs = { [K in keyof StackOutputsModel]: DeepInput<StackOutputsModel[K]> };

/** One provider per account; `allowedAccountIds` makes a wrong credential fail instead of deploying elsewhere. */
function accountProvider(account: AccountModel, model: StackModel, stack: string, credentials: Credentials): aws.Provider {
    const roleArn = roleToAssume(account, credentials);
    return new aws.Provider(account.key === HUB_KEY ? HUB_KEY : `spoke-${account.key}`, {
        region: model.region as aws.Region,
        allowedAccountIds: [account.accountId],
        assumeRoles: roleArn ? [{ roleArn, sessionName: `closed-ftp-${stack}`.slice(0, 64) }] : undefined,
        // The deploy roles' conditions match Project and Stack: every taggable resource carries both.
        // The organisation's tags first: closed-ftp's own keys are reserved (the config refuses them).
        defaultTags: { tags: { ...model.tags, [PROJECT_TAG.key]: PROJECT_TAG.value, [STACK_TAG_KEY]: stack, Account: account.key } },
    });
}

/** The network as it is in the hub account, checked before any resource is created. */
interface ResolvedNetwork {
    kind: NetworkModel["kind"];
    vpcId?: string;
    subnetIds?: string[];
    cidrBlocks: string[];
    availabilityZones: string[];
    existingEndpointIds: Partial<Record<EndpointService, string>>;
}

async function lookUp<T>(what: string, call: () => Promise<T>, issues: ConfigIssue[], path: string): Promise<T | undefined> {
    try {
        return await call();
    } catch (err) {
        issues.push({ path, message: `${what}: ${(err as Error).message ?? String(err)}` });
        return undefined;
    }
}

async function lookUpNetwork(model: StackModel, hub: aws.Provider): Promise<ResolvedNetwork> {
    const network = model.network;
    const issues: ConfigIssue[] = [];
    const path = `${NAMESPACE}:network`;
    const opts = { provider: hub };
    // Every interface endpoint service the stack creates an endpoint of, with what it is for: each
    // subnet's zone must offer them all, or CreateServer / CreateVpcEndpoint fails after a green plan.
    const reused = network.kind === "existing" ? network.existingEndpoints : [];
    const services = [
        { serviceName: `com.amazonaws.${model.region}.transfer.server`, role: "the Transfer server's endpoint" },
        ...(reused.includes("sts") ? [] : [{ serviceName: `com.amazonaws.${model.region}.sts`, role: "the STS endpoint" }]),
        ...(model.server.idpVpcAttached && !reused.includes("secretsmanager") ? [{ serviceName: `com.amazonaws.${model.region}.secretsmanager`, role: "the Secrets Manager endpoint" }] : []),
    ];
    const zonesOffering = async (at: string) => {
        const offered = await Promise.all(services.map((service) => lookUp(`the zones that offer ${service.serviceName}`, () =>
            aws.ec2.getVpcEndpointService({ serviceName: service.serviceName }, opts), issues, at)));
        return offered.every((o) => o) ? services.map((service, i) => ({ ...service, zones: new Set(offered[i]?.availabilityZones ?? []) })) : undefined;
    };

    if (network.kind === "new") {
        const at = `${path}.availabilityZoneIds`;
        // Every zone of the region, impaired or not: a zone that is briefly unavailable is still a zone.
        const zones = await lookUp(`the availability zones of ${model.region}`, () =>
            aws.getAvailabilityZones({ filters: [{ name: "zone-type", values: ["availability-zone"] }] }, opts), issues, at);
        const offering = await zonesOffering(at);
        if (!zones || !offering) throw new ConfigValidationError(issues);
        const nameOf = new Map(zones.zoneIds.map((id, i) => [id, zones.names[i]]));
        const eligible = zones.zoneIds.filter((id) => offering.every((s) => s.zones.has(nameOf.get(id) as string)));
        const what = `Transfer, STS${model.server.idpVpcAttached ? " and Secrets Manager" : ""} endpoints`;
        if (network.availabilityZoneIds === undefined) {
            // Earlier versions took the first zones by name: the ids that keep a deployed VPC's subnets where they are.
            const byName = eligible.map((id) => ({ id, name: nameOf.get(id) as string })).sort((a, b) => a.name.localeCompare(b.name)).slice(0, network.availabilityZones);
            issues.push({ path: at, message: `is required for a new VPC: its zones are pinned by id so that no later run moves a subnet. Zones of ${model.region} that offer ${what}: ${eligible.join(", ") || "none"}` +
                (byName.length === network.availabilityZones ? `; a VPC deployed before zones were pinned uses [${byName.map((z) => z.id).join(", ")}] (${byName.map((z) => z.name).join(", ")}), in that order` : `; ${network.availabilityZones} asked, ${eligible.length} eligible`) });
            throw new ConfigValidationError(issues);
        }
        network.availabilityZoneIds.forEach((id, i) => {
            const name = nameOf.get(id);
            if (name === undefined) issues.push({ path: `${at}[${i}]`, message: `"${id}" is not an availability zone of ${model.region} (its zones: ${zones.zoneIds.join(", ")})` });
            else for (const service of offering.filter((s) => !s.zones.has(name))) {
                issues.push({ path: `${at}[${i}]`, message: `zone ${id} (${name}) does not offer ${service.serviceName}, which ${service.role} needs; zones that offer ${what}: ${eligible.join(", ") || "none"}` });
            }
        });
        if (issues.length > 0) throw new ConfigValidationError(issues);
        return { kind: "new", cidrBlocks: [network.cidrBlock], availabilityZones: network.availabilityZoneIds.map((id) => nameOf.get(id) as string), existingEndpointIds: {} };
    }

    const vpc = await lookUp(`VPC ${network.vpcId} in the hub account ${model.hub.accountId}`, () => aws.ec2.getVpc({ id: network.vpcId }, opts), issues, `${path}.vpcId`);
    if (vpc && !(vpc.enableDnsSupport && vpc.enableDnsHostnames)) {
        issues.push({ path: `${path}.vpcId`, message: `VPC ${network.vpcId} must have DNS support and DNS hostnames on: interface endpoints with private DNS need both` });
    }
    const subnets = await Promise.all(network.subnetIds.map((id, i) =>
        lookUp(`subnet ${id}`, () => aws.ec2.getSubnet({ id }, opts), issues, `${path}.subnetIds[${i}]`)));
    const zoneOwner = new Map<string, number>();
    subnets.forEach((subnet, i) => {
        if (!subnet) return;
        const at = `${path}.subnetIds[${i}]`;
        if (subnet.vpcId !== network.vpcId) issues.push({ path: at, message: `subnet ${subnet.id} is in ${subnet.vpcId}, not in ${network.vpcId}` });
        const first = zoneOwner.get(subnet.availabilityZone);
        // Interface endpoints (and the server's endpoint) take at most one subnet per zone.
        if (first !== undefined) issues.push({ path: at, message: `subnet ${subnet.id} is in ${subnet.availabilityZone} like subnetIds[${first}]: interface endpoints take one subnet per availability zone` });
        else zoneOwner.set(subnet.availabilityZone, i);
    });
    const offering = await zonesOffering(`${path}.subnetIds`);
    subnets.forEach((subnet, i) => {
        for (const service of subnet ? (offering ?? []).filter((s) => !s.zones.has(subnet.availabilityZone)) : []) {
            issues.push({ path: `${path}.subnetIds[${i}]`, message: `subnet ${subnet!.id} is in ${subnet!.availabilityZone} (${subnet!.availabilityZoneId}), which does not offer ${service.serviceName}: ${service.role} cannot have a network interface there` });
        }
    });
    const existingEndpointIds: Partial<Record<EndpointService, string>> = {};
    for (const service of network.existingEndpoints) {
        const serviceName = `com.amazonaws.${model.region}.${service}`;
        const endpoint = await lookUp(`no usable ${service} interface endpoint (${serviceName}) in VPC ${network.vpcId}`, () =>
            // Only a live endpoint: a deleted or pending one of the same service must not be picked (or make the look-up ambiguous).
            aws.ec2.getVpcEndpoint({ vpcId: network.vpcId, serviceName, filters: [{ name: "vpc-endpoint-type", values: ["Interface"] }, { name: "vpc-endpoint-state", values: ["available"] }] }, opts),
        issues, `${path}.existingEndpoints`);
        if (!endpoint) continue;
        if (!endpoint.privateDnsEnabled) {
            issues.push({ path: `${path}.existingEndpoints`, message: `the ${service} endpoint ${endpoint.id} in VPC ${network.vpcId} has private DNS off: Transfer and the IdP resolve the public name, so calls would leave for the internet and time out` });
        } else existingEndpointIds[service] = endpoint.id;
    }
    if (issues.length > 0) throw new ConfigValidationError(issues);
    const cidrBlocks = (vpc?.cidrBlockAssociations ?? []).filter((a) => a.state === "associated").map((a) => a.cidrBlock);
    return {
        kind: "existing",
        vpcId: network.vpcId,
        subnetIds: network.subnetIds,
        cidrBlocks: cidrBlocks.length > 0 ? cidrBlocks : [vpc?.cidrBlock as string],
        availabilityZones: subnets.map((s) => s?.availabilityZone as string),
        existingEndpointIds,
    };
}

/** The private hosted zone of closed-ftp:dns, as Route 53 answers it in the zone's account, checked before anything is created. */
export async function lookUpDns(model: StackModel, providers: Map<string, aws.Provider>): Promise<{ zoneName: string } | undefined> {
    const dns = model.dns;
    if (!dns) return undefined;
    const issues: ConfigIssue[] = [];
    const account = dns.account === HUB_KEY ? model.hub : model.spokes.find((s) => s.key === dns.account);
    const zone = await lookUp(`hosted zone ${dns.zoneId} in account ${account?.accountId ?? dns.account}`, () =>
        aws.route53.getZone({ zoneId: dns.zoneId }, { provider: providers.get(dns.account) }), issues, `${NAMESPACE}:dns.zoneId`);
    if (zone) {
        const zoneName = zone.name.replace(/\.$/, "").toLowerCase();
        if (!zone.privateZone) issues.push({ path: `${NAMESPACE}:dns.zoneId`, message: `zone ${dns.zoneId} (${zoneName}) is public: the endpoint's private addresses belong in a private hosted zone, which only the VPCs it is associated with (and resolvers forwarding to them) can see` });
        if (dns.recordName !== zoneName && !dns.recordName.endsWith(`.${zoneName}`)) issues.push({ path: `${NAMESPACE}:dns.recordName`, message: `"${dns.recordName}" is not in zone ${dns.zoneId} (${zoneName}): name a host under ${zoneName}` });
        if (issues.length === 0) return { zoneName };
    }
    throw new ConfigValidationError(issues);
}

/** What a route table look-up says of the subnets that use it. */
export interface RouteTableAssociations { associations: { subnetId?: string; main?: boolean }[] }

/** The subnets none of the tables serve: a subnet uses its explicitly associated table, or else the VPC's main one. */
export function unservedSubnets(tables: RouteTableAssociations[], subnetIds: string[]): string[] {
    if (tables.some((t) => t.associations.some((a) => a.main))) return [];
    const served = new Set(tables.flatMap((t) => t.associations.map((a) => a.subnetId)));
    return subnetIds.filter((id) => !served.has(id));
}

/** Graviton types (t4g, m7gd, c6gn, …) run arm64 images; the rest x86_64. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
    return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";
}

/**
 * What the test client needs of the hub account before anything is created: a block that does not
 * overlap the hub VPC's, route tables of the hub VPC, a zone offering the SSM endpoints, and the
 * newest Amazon Linux 2023 image (AWS's own, by name) for the instance's architecture.
 */
async function lookUpTestClient(model: StackModel, hub: aws.Provider, net: ResolvedNetwork): Promise<{ zone: string; amiId: string } | undefined> {
    const client = model.testClient;
    if (!client) return undefined;
    const issues: ConfigIssue[] = [];
    const path = `${NAMESPACE}:testClient`;
    const opts = { provider: hub };
    for (const hubCidr of net.cidrBlocks.filter((c) => c.includes(".") && cidrsOverlap(c, client.cidrBlock))) {
        issues.push({ path: `${path}.cidrBlock`, message: `"${client.cidrBlock}" overlaps the hub VPC's ${hubCidr}: VPC peering refuses overlapping blocks` });
    }
    // One after the other: the issues come in the config's order.
    const tables = [];
    for (const [i, id] of (client.hubRouteTableIds ?? []).entries()) {
        const table = await lookUp(`route table ${id} in the hub account ${model.hub.accountId}`, () => aws.ec2.getRouteTable({ routeTableId: id }, opts), issues, `${path}.hubRouteTableIds[${i}]`);
        if (table && table.vpcId !== net.vpcId) issues.push({ path: `${path}.hubRouteTableIds[${i}]`, message: `route table ${id} is in ${table.vpcId}, not in the hub VPC ${net.vpcId}` });
        tables.push(table);
    }
    // The endpoint answers through its subnets' tables: each subnet must use a named one, or its reply never finds the client.
    if (tables.length > 0 && tables.every((t) => t && t.vpcId === net.vpcId)) {
        const unserved = unservedSubnets(tables as RouteTableAssociations[], net.subnetIds ?? []);
        if (unserved.length > 0) issues.push({ path: `${path}.hubRouteTableIds`, message: `the server endpoint's subnet${unserved.length > 1 ? "s" : ""} ${unserved.join(", ")} use${unserved.length > 1 ? "" : "s"} none of these route tables: the endpoint's replies would never reach the test client; name the tables of every subnet in ${NAMESPACE}:network.subnetIds` });
    }
    const zone = net.availabilityZones[0];
    for (const service of TEST_CLIENT.ssmEndpoints) {
        const serviceName = `com.amazonaws.${model.region}.${service}`;
        const offered = await lookUp(`the zones that offer ${serviceName}`, () => aws.ec2.getVpcEndpointService({ serviceName }, opts), issues, path);
        if (offered && !offered.availabilityZones.includes(zone)) issues.push({ path, message: `the test client's zone ${zone} (the hub's first) does not offer ${serviceName}, which Run Command needs` });
    }
    const architecture = architectureOf(client.instanceType);
    const pattern = TEST_CLIENT.amiNamePattern.replace(/x86_64$/, architecture);
    const image = await lookUp(`the newest Amazon Linux 2023 image (${pattern}, owner amazon)`, () => aws.ec2.getAmi({
        owners: ["amazon"], mostRecent: true,
        filters: [{ name: "name", values: [pattern] }, { name: "architecture", values: [architecture] }, { name: "state", values: ["available"] }],
    }, opts), issues, `${path}.instanceType`);
    if (issues.length > 0 || !image) throw new ConfigValidationError(issues);
    return { zone, amiId: image.id };
}

export interface ProgramOptions {
    credentials?: Credentials;
    /** The stack's name; default the running stack's. */
    stack?: string;
}

/** Deploys the stack model. Every look-up happens, and every problem is reported, before the first cloud resource. */
export async function deployClosedFtp(model: StackModel, options: ProgramOptions = {}): Promise<StackOutputs> {
    const credentials = options.credentials ?? "deploy";
    const partition = partitionOf(model.region);
    const stack = options.stack ?? pulumi.getStack();
    const estate: Estate = resolveEstate(model, stack);
    const accounts = new Map<string, AccountModel>(estate.accounts.map((a) => [a.key, a]));
    const providers = new Map<string, aws.Provider>([...accounts.values()].map((a) => [a.key, accountProvider(a, model, stack, credentials)]));
    const naming = { stack, ...(estate.permissionsBoundaryArn ? { permissionsBoundaryArn: estate.permissionsBoundaryArn } : {}) };
    const hubProvider = providers.get(HUB_KEY) as aws.Provider;
    // random has no account, but an explicit provider keeps every resource off the default providers.
    const randomProvider = new random.Provider("random", {});

    const net = await lookUpNetwork(model, hubProvider);
    await lookUpDns(model, providers);
    const client = await lookUpTestClient(model, hubProvider, net);
    // One secret seed for every user's salt and generated password: a user costs no random resource.
    const credentialSeed = new random.RandomBytes("credential-seed", { length: 32 }, { provider: randomProvider });
    const vpc = net.kind === "new"
        ? new IsolatedVpc("network", { cidrBlock: net.cidrBlocks[0], availabilityZones: net.availabilityZones }, { provider: hubProvider })
        : undefined;
    const server = new ClosedFtpServer("ftp", {
        accountId: model.hub.accountId,
        region: model.region,
        partition,
        vpcId: vpc ? vpc.vpcId : net.vpcId as string,
        subnetIds: vpc ? vpc.subnetIds : net.subnetIds as string[],
        vpcCidrBlocks: net.cidrBlocks,
        // The test client is one more client network: the server's security group admits it like the rest.
        allowedCidrs: model.testClient ? [...model.network.allowedCidrs, model.testClient.cidrBlock] : model.network.allowedCidrs,
        existingEndpointIds: net.existingEndpointIds,
        protocols: model.server.protocols,
        certificateArn: model.server.certificateArn,
        passiveIp: model.server.passiveIp,
        idpVpcAttached: model.server.idpVpcAttached,
        logRetentionDays: model.server.logRetentionDays,
        securityPolicyName: model.server.securityPolicyName,
        idpReservedConcurrency: model.server.idpReservedConcurrency,
        preAuthenticationBanner: model.server.preAuthenticationBanner,
        postAuthenticationBanner: model.server.postAuthenticationBanner,
        // Transfer's console links the name to its zone only in the server's own account.
        customHostname: model.dns ? { name: model.dns.recordName, ...(model.dns.account === HUB_KEY ? { route53HostedZoneId: model.dns.zoneId } : {}) } : undefined,
        naming,
    }, { provider: hubProvider });

    // An alias to the endpoint's regional name: it follows the endpoint's addresses, in any account's zone.
    const dnsRecord = model.dns ? new aws.route53.Record("endpoint-dns", {
        zoneId: model.dns.zoneId,
        name: model.dns.recordName,
        type: "A",
        aliases: [{ name: server.endpointDnsName, zoneId: server.endpointHostedZoneId, evaluateTargetHealth: false }],
    }, { provider: providers.get(model.dns.account) }) : undefined;

    const testClient = model.testClient && client ? new TestClient("test-client", {
        region: model.region,
        partition,
        accountId: model.hub.accountId,
        cidrBlock: model.testClient.cidrBlock,
        availabilityZone: client.zone,
        hubVpcId: vpc ? vpc.vpcId : net.vpcId as string,
        hubCidrBlocks: net.cidrBlocks.filter((c) => c.includes(".")),
        // A new VPC's route tables are the stack's; an existing VPC's are named in the config, or left to the network team.
        hubRouteTableIds: vpc ? vpc.routeTableIds : model.testClient.hubRouteTableIds ?? [],
        amiId: client.amiId,
        instanceType: model.testClient.instanceType,
        naming,
    }, { provider: hubProvider }) : undefined;

    const monitoring = new FtpMonitoring("monitoring", {
        stack,
        accountId: model.hub.accountId,
        region: model.region,
        partition,
        serverId: server.serverId,
        idpFunctionName: server.idpFunctionName,
        idpLogGroupName: server.idpLogGroupName,
        transferLogGroupName: server.transferLogGroupName,
        alarms: model.alarms,
        topicArn: model.alarms.topicArn,
        emails: model.alarms.emails,
        dashboard: model.dashboard,
    }, { provider: hubProvider });

    const buckets = new Map(estate.buckets.map((b) => {
        const account = accounts.get(b.account) as AccountModel;
        const bucket = new CrossAccountBucket(`bucket-${b.name}`, {
            bucketAccountId: account.accountId,
            hubAccountId: model.hub.accountId,
            region: model.region,
            partition,
            hubProvider,
            encryption: b.encryption,
            bucketName: b.physicalName,
            removalPolicy: b.removalPolicy,
            lifecycle: b.lifecycle,
            eventBridge: b.eventBridge,
            naming,
        }, {
            provider: providers.get(b.account),
            // A renamed bucket keeps its resources: the engine carries the alias to every child named after it.
            aliases: b.formerNames.map((former) => ({ name: `bucket-${former}` })),
        });
        return [b.name, { model: b, account, bucket }] as const;
    }));

    const users = model.users.map((u: UserModel) => {
        const home = buckets.get(u.bucket);
        if (!home) throw new Error(`${NAMESPACE}:users: bucket "${u.bucket}" of user "${u.userName}" is not defined`);
        const password = Object.hasOwn(model.passwords, u.userName) ? model.passwords[u.userName] : undefined;
        const user = new FtpUser(`user-${u.userName}`, {
            serverId: server.serverId,
            userName: u.userName,
            accessRoleArn: home.bucket.accessRoleArn,
            bucketName: home.bucket.bucketName,
            kmsKeyArn: home.bucket.kmsKeyArn,
            prefix: u.prefix,
            access: u.access,
            allowedSourceCidrs: u.allowedSourceCidrs,
            password: password === undefined ? undefined : pulumi.secret(password),
            credentialSeed: credentialSeed.hex,
            passwordVersion: u.passwordVersion,
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
        endpointPrivateIps: server.endpointPrivateIps,
        ...(dnsRecord ? { endpointHostname: dnsRecord.fqdn } : {}),
        vpcEndpointId: server.vpcEndpointId,
        alarmTopicArn: monitoring.topicArn,
        alarms: pulumi.all(monitoring.alarmNames),
        ...(monitoring.dashboardName ? { dashboardName: monitoring.dashboardName } : {}),
        vpcId: vpc ? vpc.vpcId : net.vpcId as string,
        ...(vpc ? { subnets: Object.fromEntries(net.availabilityZones.map((zone, i) => [zone, { subnetId: vpc.subnetIds[i], routeTableId: vpc.routeTableIds[i], cidrBlock: isolatedSubnetCidr(net.cidrBlocks[0], i) }])) } : {}),
        ...(testClient ? { testClient: {
            instanceId: testClient.instanceId,
            vpcId: testClient.vpcId,
            cidrBlock: testClient.cidrBlock,
            privateIp: testClient.privateIp,
            peeringConnectionId: testClient.peeringConnectionId,
            hubRoutes: testClient.hubRoutes,
        } } : {}),
        idpFunctionName: server.idpFunctionName,
        secretPrefix: server.secretPrefix,
        users: Object.fromEntries(users.map(({ model: u, home }) => [u.userName, {
            bucket: u.bucket,
            bucketName: home.bucket.bucketName,
            prefix: u.prefix,
            account: home.account.key,
            accountId: home.account.accountId,
            access: u.access,
            accessRoleArn: home.bucket.accessRoleArn,
            ...(u.allowedSourceCidrs ? { allowedSourceCidrs: u.allowedSourceCidrs } : {}),
        }])),
        userPasswords: pulumi.secret(pulumi.all(Object.fromEntries(users.map(({ model: u, user }) => [u.userName, user.password])))),
        buckets: Object.fromEntries([...buckets.values()].map(({ model: b, account, bucket }) => [b.name, {
            bucketName: bucket.bucketName,
            account: account.key,
            accountId: account.accountId,
            encryption: b.encryption,
            eventBridge: b.eventBridge,
            accessRoleArn: bucket.accessRoleArn,
            accessRoleUniqueId: bucket.accessRoleUniqueId,
            ...(bucket.kmsKeyArn ? { kmsKeyArn: bucket.kmsKeyArn } : {}),
        }])),
    };
}
