// The mock cloud: what AWS and the Pulumi engine would answer a program, for the offline plan and
// every test. It knows nothing of how requests reach it: `monitor.ts` serves it to a program that
// Pulumi's own runner starts (gRPC, as `pulumi preview` does), `in-process.ts` to component tests
// through the public `pulumi.runtime.setMocks`. Values are kept in their wire form (see wire.ts).
import { PlanResource } from "../format";
import { check, describeViolation, Tally, Violation } from "./rules";
import { hexOf, partitionOf, Placement, shapeOf, upperAlnumOf, uuidOf, vpcEndpointDnsName, vpcEndpointHostedZoneId } from "./shapes";
import { revealSecrets, secret, isSecret, UNKNOWN, unwrapSecret } from "./wire";

export { MODELLED_TYPES } from "./shapes";

export interface MockCloudOptions {
    /** Account of resources whose provider pins no `allowedAccountIds` (the default provider's). */
    defaultAccountId?: string;
    /** Region of resources whose provider sets none. */
    defaultRegion?: string;
    /**
     * Answer as the engine does for the first `pulumi preview` of a new stack: nothing exists yet, so
     * every value the cloud computes (ids, ARNs, unique ids, DNS names) is unknown. Look-ups still answer.
     */
    firstPreview?: boolean;
    /** The VPCs that already exist in the accounts, answered by the VPC, subnet and endpoint look-ups; any other id is not found, as in AWS. */
    vpcs?: Record<string, MockVpc>;
    /**
     * The zones (by name) that offer an endpoint service, by the service's name after the region
     * ("transfer.server", "sts"); a service not listed is offered in every zone of the region.
     */
    endpointServiceZones?: Record<string, string[]>;
    /** The Route 53 hosted zones that exist, by id: their name and whether they are private. Any other id is not found. */
    hostedZones?: Record<string, MockHostedZone>;
    /** The ACM certificates that exist, by ARN: the names they cover. Any other ARN is not found. */
    certificates?: Record<string, MockCertificate>;
}

export interface MockHostedZone { name: string; privateZone: boolean }
export interface MockCertificate { domainName: string; subjectAlternativeNames?: string[] }

/** An existing VPC as the look-ups see it. */
export interface MockVpc {
    /** Associated IPv4 CIDRs, the primary first. */
    cidrBlocks: string[];
    /** Subnet id → availability zone. */
    subnets: Record<string, string>;
    /** Interface endpoints already there, by service ("sts"), with their private DNS setting. */
    endpoints?: Record<string, { privateDnsEnabled: boolean; id?: string }>;
    /** DNS support and hostnames (both on unless false). */
    dns?: boolean;
    /** Route tables of the VPC, by id. */
    routeTables?: string[];
    /** Subnet id → its explicitly associated route table; a subnet without one uses the main table. */
    routeTableOf?: Record<string, string>;
    /** The VPC's main route table. */
    mainRouteTable?: string;
}

/**
 * The availability zones the mock answers for a region, name and id: the real ones where known. A
 * zone name maps to a different physical zone (id) in each account; this is one common mapping
 * (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
 */
const REGION_ZONES: Record<string, { name: string; id: string }[]> = {
    "ap-northeast-1": [{ name: "ap-northeast-1a", id: "apne1-az4" }, { name: "ap-northeast-1c", id: "apne1-az1" }, { name: "ap-northeast-1d", id: "apne1-az2" }],
    "us-east-1": ["a", "b", "c", "d", "e", "f"].map((suffix, i) => ({ name: `us-east-1${suffix}`, id: `use1-az${[6, 1, 2, 4, 3, 5][i]}` })),
};

export function zonesOf(region: string): { name: string; id: string }[] {
    const abbreviation = region.split("-").map((part, i) => (i === region.split("-").length - 1 ? part : part.slice(0, i === 0 ? 2 : 1))).join("");
    return REGION_ZONES[region] ?? ["a", "b", "c"].map((suffix, i) => ({ name: `${region}${suffix}`, id: `${abbreviation}-az${i + 1}` }));
}

/** One resource as the mock cloud saw it; `inputs` and `state` keep the wire's secret markers. */
export type RecordedResource = PlanResource;

/** A resource registration (or, with `readId`, a read) as the engine receives it. */
export interface ResourceRequest {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** URN of the parent, null for the stack's direct children. */
    parent: string | null;
    /** The provider reference ("<urn>::<id>"), absent for the default provider. */
    providerRef?: string;
    inputs: Record<string, unknown>;
    additionalSecretOutputs?: string[];
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    /** The id of the existing resource a `Resource.get` reads. */
    readId?: string;
    /** Engine options that decide what a change may destroy (unset: false, as the engine reads them). */
    protect?: boolean;
    retainOnDelete?: boolean;
    replacementTrigger?: unknown;
    deleteBeforeReplace?: boolean;
    aliases?: string[];
}

export interface ResourceAnswer {
    /** Empty for components, and for a resource a first preview would create. */
    id: string;
    state: Record<string, unknown>;
}

interface ProviderPlacement extends Placement {
    urn: string;
    /** The provider's default tags, which AWS receives with every resource's own. */
    defaultTags?: Record<string, string>;
}

/** The type of the stack, the root every resource descends from. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * A resource's URN as the engine forms it (pulumi/pulumi sdk/go/common/resource/urn.go, NewURN):
 * a child's type is qualified by its parent's unless the parent is the stack.
 */
export function urnOf(stack: string, project: string, type: string, name: string, parent: string | null): string {
    const parentType = parent ? parent.split("::")[2] : undefined;
    const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The URN of the provider a reference ("<urn>::<id>") names; null for none (the default provider). */
export function providerUrnOf(ref: string | undefined): string | null {
    if (!ref) return null;
    const cut = ref.lastIndexOf("::");
    return cut < 0 ? ref : ref.slice(0, cut);
}

function parseAccountIds(value: unknown): string[] {
    const raw = unwrapSecret(value);
    if (Array.isArray(raw)) return raw.map(String);
    if (typeof raw === "string" && raw.trim().startsWith("[")) return (JSON.parse(raw) as unknown[]).map(String);
    return [];
}

function existingEndpointId(vpcId: string, service: string, endpoint: { id?: string }): string {
    return endpoint.id ?? `vpce-${hexOf(`${vpcId}|${service}`, 17)}`;
}

/** What the mock cloud (as AWS or the engine) refuses: the message is what the program sees. */
export class MockCloudRefusal extends Error {}

export class MockCloud {
    /** Every registered resource, in the order registration completed. */
    readonly resources: RecordedResource[] = [];
    /** Every invoke the program made, by token. */
    readonly invokes: { token: string; provider: string | null }[] = [];
    /** Every registration AWS would have refused, with the rule it breaks. */
    readonly violations: Violation[] = [];
    /** What the Pulumi engine itself would refuse (two resources with one URN). */
    readonly engineErrors: string[] = [];
    private readonly urns = new Set<string>();
    private readonly providers = new Map<string, ProviderPlacement>();
    private readonly tally = new Tally();
    private readonly options: Required<MockCloudOptions>;

    constructor(options: MockCloudOptions = {}) {
        this.options = {
            defaultAccountId: options.defaultAccountId ?? "123456789012",
            defaultRegion: options.defaultRegion ?? "us-east-1",
            vpcs: options.vpcs ?? {},
            firstPreview: options.firstPreview ?? false,
            endpointServiceZones: options.endpointServiceZones ?? {},
            hostedZones: options.hostedZones ?? {},
            certificates: options.certificates ?? {},
        };
    }

    /** The subnets a Transfer server's endpoint was given, by the endpoint's id: its network interfaces. */
    private readonly serverEndpointSubnets = new Map<string, string[]>();

    /** An interface's zone and private address in a subnet: a created subnet's own, or an existing one's in its VPC. */
    private networkInterface(id: string): Record<string, unknown> {
        for (const [endpointId, subnetIds] of this.serverEndpointSubnets) {
            const index = subnetIds.findIndex((subnetId) => endpointInterfaceId(endpointId, subnetId) === id);
            if (index < 0) continue;
            const subnetId = subnetIds[index];
            const created = this.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.state.id === subnetId);
            const existing = Object.entries(this.options.vpcs).find(([, vpc]) => subnetId in vpc.subnets);
            const zone = created ? String(created.inputs.availabilityZone) : existing ? existing[1].subnets[subnetId] : undefined;
            if (zone === undefined) break;
            // A created subnet's CIDR, or a /24 of an existing VPC's primary block per subnet.
            const cidr = created ? String(created.inputs.cidrBlock) : `${(existing as [string, MockVpc])[1].cidrBlocks[0].split(".").slice(0, 2).join(".")}.${index}.0/24`;
            const octets = cidr.split("/")[0].split(".").map(Number);
            const host = 4 + (parseInt(hexOf(`${id}|ip`, 2), 16) % 200);
            return {
                id, subnetId, availabilityZone: zone, privateIp: `${octets[0]}.${octets[1]}.${octets[2]}.${octets[3] + host}`, interfaceType: "vpc_endpoint",
                vpcId: created ? String(created.inputs.vpcId) : (existing as [string, MockVpc])[0], description: `VPC Endpoint Interface ${endpointId}`,
            };
        }
        throw new MockCloudRefusal(`no matching EC2 Network Interface found (mock cloud: no interface ${id})`);
    }

    /** Everything the cloud or the engine refused, one line each. */
    refusals(): string[] {
        return [...this.engineErrors, ...this.violations.map(describeViolation)];
    }

    /** Answers a registration (or a read) as the engine and AWS would, and records it; throws a MockCloudRefusal where they would refuse. */
    register(req: ResourceRequest): ResourceAnswer {
        if (this.urns.has(req.urn)) {
            const message = `Duplicate resource URN '${req.urn}'; try giving it a unique name`;
            this.engineErrors.push(message);
            throw new MockCloudRefusal(message);
        }
        this.urns.add(req.urn);
        const answer = this.answer(req);
        // The engine keeps these outputs secret (a generated password's result, say); so does the record.
        for (const key of req.additionalSecretOutputs ?? []) {
            if (key in answer.state) {
                if (!isSecret(answer.state[key])) answer.state[key] = secret(answer.state[key]);
            } else if (this.options.firstPreview && req.custom && req.readId === undefined) {
                // A preview's provider answers a computed output as unknown, and the engine keeps it secret.
                answer.state[key] = secret(UNKNOWN);
            }
        }
        this.resources.push({
            urn: req.urn,
            type: req.type,
            name: req.name,
            custom: req.custom,
            ...(req.readId !== undefined ? { read: true } : {}),
            parent: req.parent,
            provider: providerUrnOf(req.providerRef),
            inputs: req.readId !== undefined ? {} : req.inputs,
            state: { ...(answer.id ? { id: answer.id } : {}), ...answer.state },
            dependencies: req.dependencies ?? [],
            propertyDependencies: req.propertyDependencies ?? {},
            protect: req.protect ?? false,
            retainOnDelete: req.retainOnDelete ?? false,
            ...(req.replacementTrigger !== undefined ? { replacementTrigger: req.replacementTrigger } : {}),
            ...(req.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
            ...(req.aliases && req.aliases.length > 0 ? { aliases: req.aliases } : {}),
        });
        return answer;
    }

    private answer(req: ResourceRequest): ResourceAnswer {
        const inputs = req.inputs;
        if (req.type.startsWith("pulumi:providers:")) {
            const region = typeof inputs.region === "string" && inputs.region ? inputs.region : this.options.defaultRegion;
            const accountId = parseAccountIds(inputs.allowedAccountIds)[0] ?? this.options.defaultAccountId;
            this.providers.set(req.urn, { urn: req.urn, accountId, region, partition: partitionOf(region), ...defaultTagsOf(inputs.defaultTags) });
            // A provider a preview would create has no id yet; the engine says so with the unknown id.
            return { id: this.options.firstPreview ? UNKNOWN : uuidOf(`${req.type}|${req.name}|provider`), state: { ...inputs } };
        }
        if (!req.custom) return { id: "", state: {} };
        const placement = this.placementOf(req.providerRef);
        if (req.readId !== undefined) return { id: req.readId, state: this.readState(req.type, req.readId, placement) };
        // An instance's address is in its subnet's block, as AWS gives it.
        const subnetCidr = req.type === "aws:ec2/instance:Instance"
            ? this.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.state.id === inputs.subnetId)?.inputs.cidrBlock as string | undefined
            : undefined;
        const shape = shapeOf({ ...placement, type: req.type, name: req.name, inputs, ...(subnetCidr ? { subnetCidr } : {}) });
        const state = { ...inputs, ...shape.computed };
        // AWS sees secret values in the clear: so do the rules (a session policy lives in a secret).
        const plain = revealSecrets(inputs, true) as Record<string, unknown>;
        const defaultTags = this.providers.get(providerUrnOf(req.providerRef) ?? "")?.defaultTags;
        const violations = check({ type: req.type, name: req.name, accountId: placement.accountId, inputs: plain, state: { id: shape.id, ...state }, ...(defaultTags ? { defaultTags } : {}) }, this.tally);
        if (violations.length > 0) {
            this.violations.push(...violations);
            throw new MockCloudRefusal(violations.map(describeViolation).join("\n"));
        }
        // A first preview creates nothing: the engine answers the inputs and no id, and the SDK takes
        // every output the answer lacks as unknown.
        if (this.options.firstPreview) return { id: "", state: { ...inputs } };
        if (req.type === "aws:transfer/server:Server") {
            const details = (state.endpointDetails ?? {}) as { vpcEndpointId?: string; subnetIds?: unknown[] };
            if (details.vpcEndpointId) this.serverEndpointSubnets.set(details.vpcEndpointId, (details.subnetIds ?? []).map(String));
        }
        return { id: shape.id, state };
    }

    /** The account, region and partition of a provider reference ("urn::id"), or of the default provider. */
    placementOf(providerRef: string | undefined): Placement {
        const known = this.providers.get(providerUrnOf(providerRef) ?? "");
        if (known) return known;
        const region = this.options.defaultRegion;
        return { accountId: this.options.defaultAccountId, region, partition: partitionOf(region) };
    }

    /** The account a recorded resource lives in, read from its provider's `allowedAccountIds`. */
    accountOf(resource: RecordedResource): string {
        const providerUrn = resource.type.startsWith("pulumi:providers:") ? resource.urn : resource.provider;
        return this.providers.get(providerUrn ?? "")?.accountId ?? this.options.defaultAccountId;
    }

    /** Custom resources registered without an explicit provider: they would deploy with ambient credentials. */
    onDefaultProvider(): RecordedResource[] {
        return this.resources.filter((r) => r.custom && r.provider === null && !r.type.startsWith("pulumi:providers:"));
    }

    byType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    find(type: string, name: string): RecordedResource {
        const found = this.resources.find((r) => r.type === type && r.name === name);
        if (!found) {
            const names = this.byType(type).map((r) => r.name);
            throw new Error(`mock cloud: no ${type} named "${name}" was registered (registered: ${names.join(", ") || "none"})`);
        }
        return found;
    }

    private endpointOf(vpcId: string, serviceName: string, placement: Placement): Record<string, unknown> {
        const service = serviceName.split(".").pop() as string;
        const endpoint = this.options.vpcs[vpcId]?.endpoints?.[service];
        if (!endpoint) throw new MockCloudRefusal(`no matching EC2 VPC Endpoint found (mock cloud: VPC ${vpcId} has no ${service} endpoint)`);
        const id = existingEndpointId(vpcId, service, endpoint);
        return { id, ...this.endpointState(id, vpcId, service, endpoint.privateDnsEnabled, placement) };
    }

    private endpointState(id: string, vpcId: string, service: string, privateDnsEnabled: boolean, { accountId, region, partition }: Placement): Record<string, unknown> {
        return {
            vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled,
            state: "available",
            ownerId: accountId,
            arn: `arn:${partition}:ec2:${region}:${accountId}:vpc-endpoint/${id}`,
            dnsEntries: [{ dnsName: vpcEndpointDnsName(id, region, service), hostedZoneId: vpcEndpointHostedZoneId(id) }],
        };
    }

    // What `Resource.get` reads: the existing endpoints of the world; anything else is not there.
    private readState(type: string, id: string, placement: Placement): Record<string, unknown> {
        if (type === "aws:ec2/vpcEndpoint:VpcEndpoint") {
            for (const [vpcId, vpc] of Object.entries(this.options.vpcs)) {
                for (const [service, endpoint] of Object.entries(vpc.endpoints ?? {})) {
                    if (existingEndpointId(vpcId, service, endpoint) === id) return this.endpointState(id, vpcId, service, endpoint.privateDnsEnabled, placement);
                }
            }
        }
        const certificate = type === "aws:acm/certificate:Certificate" ? this.options.certificates[id] : undefined;
        if (certificate) {
            return { arn: id, domainName: certificate.domainName, subjectAlternativeNames: certificate.subjectAlternativeNames ?? [certificate.domainName], status: "ISSUED", type: "IMPORTED" };
        }
        throw new MockCloudRefusal(`mock cloud: cannot read ${type} ${id}: it does not exist in account ${placement.accountId}`);
    }

    /** Answers a data source (an invoke) as the AWS provider would; throws a MockCloudRefusal with the provider's words where it finds nothing. */
    invoke(token: string, inputs: Record<string, unknown>, providerRef: string | undefined): Record<string, unknown> {
        this.invokes.push({ token, provider: providerUrnOf(providerRef) });
        const placement = this.placementOf(providerRef);
        const { accountId, region, partition } = placement;
        switch (token) {
            case "aws:index/getCallerIdentity:getCallerIdentity": {
                const session = `AROA${upperAlnumOf(`${accountId}|deploy`, 17)}`;
                return {
                    id: accountId,
                    accountId,
                    arn: `arn:${partition}:sts::${accountId}:assumed-role/closed-ftp-deploy/pulumi`,
                    userId: `${session}:pulumi`,
                };
            }
            case "aws:index/getRegion:getRegion":
                return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getPartition:getPartition":
                return { id: partition, partition, dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws:ec2/getVpcEndpoint:getVpcEndpoint": {
                if (inputs.id === undefined) return this.endpointOf(String(inputs.vpcId ?? ""), String(inputs.serviceName ?? ""), placement);
                const id = String(inputs.id ?? "");
                if (!/^vpce-[0-9a-f]{17}$/.test(id)) throw new MockCloudRefusal(`mock cloud: ${token} needs a VPC endpoint id, got "${id}"`);
                return {
                    id,
                    vpcEndpointType: "Interface",
                    state: "available",
                    ownerId: accountId,
                    networkInterfaceIds: (this.serverEndpointSubnets.get(id) ?? []).map((subnetId) => endpointInterfaceId(id, subnetId)),
                    arn: `arn:${partition}:ec2:${region}:${accountId}:vpc-endpoint/${id}`,
                    serviceName: `com.amazonaws.vpce.${region}.vpce-svc-${hexOf(`${id}|svc`, 17)}`,
                    dnsEntries: [{ dnsName: vpcEndpointDnsName(id, region, `vpce-svc-${hexOf(`${id}|svc`, 17)}`), hostedZoneId: vpcEndpointHostedZoneId(id) }],
                };
            }
            case "aws:ec2/getVpc:getVpc": {
                const id = String(inputs.id ?? "");
                const vpc = this.options.vpcs[id];
                // The AWS provider's own words when nothing matches.
                if (!vpc) throw new MockCloudRefusal(`no matching EC2 VPC found (mock cloud: no VPC ${id} in account ${accountId})`);
                return {
                    id,
                    arn: `arn:${partition}:ec2:${region}:${accountId}:vpc/${id}`,
                    cidrBlock: vpc.cidrBlocks[0],
                    cidrBlockAssociations: vpc.cidrBlocks.map((cidrBlock, i) => ({ associationId: `vpc-cidr-assoc-${hexOf(`${id}|${i}`, 17)}`, cidrBlock, state: "associated" })),
                    enableDnsSupport: vpc.dns !== false,
                    enableDnsHostnames: vpc.dns !== false,
                    ownerId: accountId,
                    state: "available",
                };
            }
            case "aws:ec2/getSubnet:getSubnet": {
                const id = String(inputs.id ?? "");
                const found = Object.entries(this.options.vpcs).find(([, vpc]) => id in vpc.subnets);
                if (!found) throw new MockCloudRefusal(`no matching EC2 Subnet found (mock cloud: no subnet ${id} in account ${accountId})`);
                const [vpcId, vpc] = found;
                return {
                    id,
                    vpcId,
                    availabilityZone: vpc.subnets[id],
                    availabilityZoneId: zonesOf(region).find((z) => z.name === vpc.subnets[id])?.id ?? "",
                    arn: `arn:${partition}:ec2:${region}:${accountId}:subnet/${id}`,
                    mapPublicIpOnLaunch: false,
                    ownerId: accountId,
                    state: "available",
                };
            }
            case "aws:ec2/getVpcEndpointService:getVpcEndpointService": {
                const serviceName = String(inputs.serviceName ?? `com.amazonaws.${region}.${String(inputs.service ?? "")}`);
                const service = serviceName.split(".").slice(3).join(".");
                const zones = this.options.endpointServiceZones[service] ?? zonesOf(region).map((z) => z.name);
                return { id: serviceName, serviceName, serviceType: "Interface", availabilityZones: zones, privateDnsName: `${service}.${region}.amazonaws.com` };
            }
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const zones = zonesOf(region);
                return { id: region, names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.id), groupNames: [region] };
            }
            case "aws:ec2/getNetworkInterface:getNetworkInterface":
                return this.networkInterface(String(inputs.id ?? ""));
            case "aws:ec2/getRouteTable:getRouteTable": {
                const id = String(inputs.routeTableId ?? "");
                const found = Object.entries(this.options.vpcs).find(([, vpc]) => (vpc.routeTables ?? []).includes(id));
                if (!found) throw new MockCloudRefusal(`no matching EC2 Route Table found (mock cloud: no route table ${id} in account ${accountId})`);
                const [vpcId, vpc] = found;
                const associations = [
                    ...Object.entries(vpc.routeTableOf ?? {}).filter(([, table]) => table === id).map(([subnetId]) => ({ subnetId, main: false, routeTableId: id })),
                    ...(vpc.mainRouteTable === id ? [{ subnetId: "", main: true, routeTableId: id }] : []),
                ];
                return { id, routeTableId: id, vpcId, arn: `arn:${partition}:ec2:${region}:${accountId}:route-table/${id}`, ownerId: accountId, routes: [], associations };
            }
            case "aws:ec2/getAmi:getAmi": {
                const owners = Array.isArray(inputs.owners) ? inputs.owners.map(String) : [];
                const filters = (Array.isArray(inputs.filters) ? inputs.filters : []) as { name?: string; values?: string[] }[];
                const name = filters.find((f) => f.name === "name")?.values?.[0] ?? "";
                // ec2_ami_data_source.go: most_recent without an owner (or owner-id/image-id filter) is an error, not a guess.
                if (inputs.mostRecent && owners.length === 0) throw new MockCloudRefusal("Most Recent Image Not Filtered: \"most_recent\" is set to \"true\" and results are not filtered by owner or image ID");
                const match = /^al2023-ami-2023\.\*-kernel-\*-(x86_64|arm64)$/.exec(name);
                if (!owners.includes("amazon") || !match) throw new MockCloudRefusal(`Your query returned no results. Please change your search criteria and try again. (mock cloud: only Amazon's AL2023 images, owner amazon, name al2023-ami-2023.*-kernel-*-<arch>; asked ${owners.join(",") || "no owner"} ${name})`);
                const id = `ami-${hexOf(`${region}|al2023|${match[1]}`, 17)}`;
                return { id, imageId: id, name: `al2023-ami-2023.9.20261120.0-kernel-6.12-${match[1]}`, architecture: match[1], ownerId: "137112412989", imageOwnerAlias: "amazon", state: "available", rootDeviceName: "/dev/xvda", imdsSupport: "v2.0" };
            }
            case "aws:route53/getZone:getZone": {
                const zoneId = String(inputs.zoneId ?? "");
                const zone = this.options.hostedZones[zoneId];
                // The provider's words for a zone id Route 53 does not know (or this account cannot see).
                if (!zone) throw new MockCloudRefusal(`reading Route 53 Hosted Zone (${zoneId}): couldn't find resource (mock cloud: no zone ${zoneId} in account ${accountId})`);
                return { id: zoneId, zoneId, name: zone.name, privateZone: zone.privateZone, arn: `arn:${partition}:route53:::hostedzone/${zoneId}`, nameServers: [], resourceRecordSetCount: 2, tags: {} };
            }
            default:
                throw new MockCloudRefusal(`mock cloud: unknown invoke ${token}; teach plan/mock-cloud what AWS answers`);
        }
    }
}

/** A provider's default tags from its inputs (JSON on the wire), as a placement field. */
function defaultTagsOf(value: unknown): { defaultTags?: Record<string, string> } {
    const raw = unwrapSecret(value);
    const parsed = typeof raw === "string" ? (JSON.parse(raw) as { tags?: Record<string, string> }) : (raw as { tags?: Record<string, string> } | undefined);
    return parsed?.tags ? { defaultTags: parsed.tags } : {};
}

/** The network interface AWS gives an interface endpoint in one subnet. */
function endpointInterfaceId(endpointId: string, subnetId: string): string {
    return `eni-${hexOf(`${endpointId}|${subnetId}`, 17)}`;
}

/**
 * The offline plan's assumption about closed-ftp:dns and the FTPS certificate: the zone exists, is
 * private and is the record's parent domain; the certificate names the record. Tests pass their own.
 */
export function dnsWorldAsDeclared(dns: unknown, server: unknown): { hostedZones: Record<string, MockHostedZone>; certificates: Record<string, MockCertificate> } {
    const d = (typeof dns === "object" && dns !== null ? dns : {}) as { recordName?: unknown; zoneId?: unknown };
    const s = (typeof server === "object" && server !== null ? server : {}) as { certificateArn?: unknown };
    const recordName = typeof d.recordName === "string" ? d.recordName : undefined;
    return {
        hostedZones: recordName && typeof d.zoneId === "string" ? { [d.zoneId]: { name: recordName.split(".").slice(1).join("."), privateZone: true } } : {},
        certificates: typeof s.certificateArn === "string" ? { [s.certificateArn]: { domainName: recordName ?? "ftp.example.com" } } : {},
    };
}

/**
 * The offline plan's assumption about an existing VPC: it is as the stack file declares it, its
 * subnets in the region's zones in order, the endpoints it lists there with private DNS on. Tests
 * pass their own worlds to see the look-ups refuse what AWS would.
 */
export function worldAsDeclared(network: unknown, region: string, testClient?: unknown): Record<string, MockVpc> {
    const n = (typeof network === "object" && network !== null ? network : {}) as { vpcId?: unknown; subnetIds?: unknown; existingEndpoints?: unknown };
    const client = (typeof testClient === "object" && testClient !== null ? testClient : {}) as { hubRouteTableIds?: unknown };
    const tables = Array.isArray(client.hubRouteTableIds) ? client.hubRouteTableIds.map(String) : [];
    if (typeof n.vpcId !== "string") return {};
    const zones = zonesOf(region).map((z) => z.name);
    const subnets = Array.isArray(n.subnetIds) ? n.subnetIds.map(String) : [];
    const endpoints = Array.isArray(n.existingEndpoints) ? n.existingEndpoints.map(String) : [];
    return {
        [n.vpcId]: {
            cidrBlocks: ["10.0.0.0/16"],
            subnets: Object.fromEntries(subnets.map((id, i) => [id, zones[i % zones.length]])),
            endpoints: Object.fromEntries(endpoints.map((service) => [service, { privateDnsEnabled: true }])),
            // The route tables closed-ftp:testClient names are the VPC's, one per subnet in order (the last takes the rest).
            routeTables: tables,
            routeTableOf: Object.fromEntries(tables.length > 0 ? subnets.map((id, i) => [id, tables[Math.min(i, tables.length - 1)]]) : []),
        },
    };
}
