// The mock cloud: Pulumi's mock runtime answering like AWS where it matters (ids, ARNs, accounts).
// Every test and the offline plan run the real program against it.
import * as pulumi from "@pulumi/pulumi";
import { PlanResource, SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER } from "../format";
import { check, describeViolation, Tally, Violation } from "./rules";
import { hexOf, partitionOf, Placement, shapeOf, upperAlnumOf, uuidOf, vpcEndpointDnsName, vpcEndpointHostedZoneId } from "./shapes";

export { MODELLED_TYPES } from "./shapes";

const SIG = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

export interface MockCloudOptions {
    project?: string;
    stack?: string;
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
}

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
}

/** The availability zones the mock answers for a region: its real ones where known. */
const ZONE_SUFFIXES: Record<string, string[]> = { "ap-northeast-1": ["a", "c", "d"], "us-east-1": ["a", "b", "c", "d", "e", "f"] };

/** One resource as the mock cloud saw it; `inputs` and `state` keep Pulumi's secret markers. */
export type RecordedResource = PlanResource;

interface ProviderPlacement extends Placement {
    urn?: string;
}

// The parts of the gRPC request/response objects the monitor patch reads.
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getObject(): unknown;
    getCustom(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): unknown;
}
interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getId(): string;
    getDependenciesList(): string[];
}
interface ReadResponse {
    getUrn(): string;
    getProperties(): unknown;
}
type Callback<R> = (err: unknown, response: R | undefined) => void;
interface PatchableMonitor {
    registerResource(req: RegisterRequest, callback: Callback<RegisterResponse>): Promise<void>;
    readResource(req: ReadRequest, callback: Callback<ReadResponse>): Promise<void>;
}

function isSecretMarker(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG] === SECRET_SIG;
}

/** Removes Pulumi's secret markers, or replaces what they hide with "[secret]". */
export function revealSecrets(value: unknown, showSecrets: boolean): unknown {
    if (pulumi.isUnknown(value)) return UNKNOWN_PLACEHOLDER;
    if (isSecretMarker(value)) return showSecrets ? revealSecrets(value.value, true) : SECRET_PLACEHOLDER;
    if (Array.isArray(value)) return value.map((v) => revealSecrets(v, showSecrets));
    if (pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value)) return describeAsset(value);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v, showSecrets)]));
    }
    return value;
}

function describeAsset(value: pulumi.asset.Asset | pulumi.asset.Archive): Record<string, unknown> {
    const record = value as unknown as Record<string, unknown>;
    // Asset contents are promises here; the program puts a digest of what matters next to them.
    if (pulumi.asset.AssetArchive.isInstance(value)) return { archive: "assets" };
    for (const kind of ["path", "uri"]) if (record[kind] !== undefined) return { asset: kind };
    return { asset: "text" };
}

function providerIdOf(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    const cut = ref.lastIndexOf("::");
    return cut < 0 ? undefined : ref.slice(cut + 2);
}

function providerUrnOf(ref: string | undefined): string | null {
    if (!ref) return null;
    const cut = ref.lastIndexOf("::");
    return cut < 0 ? ref : ref.slice(0, cut);
}

function parseAccountIds(value: unknown): string[] {
    const raw = isSecretMarker(value) ? value.value : value;
    if (Array.isArray(raw)) return raw.map(String);
    if (typeof raw === "string" && raw.trim().startsWith("[")) return (JSON.parse(raw) as unknown[]).map(String);
    return [];
}

function existingEndpointId(vpcId: string, service: string, endpoint: { id?: string }): string {
    return endpoint.id ?? `vpce-${hexOf(`${vpcId}|${service}`, 17)}`;
}

// The SDK rethrows a failed invoke as `new Error(err.details)`, as it would a gRPC status.
function invokeError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

export class MockCloud implements pulumi.runtime.Mocks {
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
    private pending = 0;

    private constructor(private readonly options: Required<Omit<MockCloudOptions, "project" | "stack">>) {}

    /** Installs a fresh mock cloud as Pulumi's runtime; call before the program registers anything. */
    static async install(options: MockCloudOptions = {}): Promise<MockCloud> {
        const cloud = new MockCloud({
            defaultAccountId: options.defaultAccountId ?? "123456789012",
            defaultRegion: options.defaultRegion ?? "us-east-1",
            vpcs: options.vpcs ?? {},
            firstPreview: options.firstPreview ?? false,
        });
        await pulumi.runtime.setMocks(cloud, options.project ?? "closed-ftp", options.stack ?? "test", options.firstPreview ?? false);
        cloud.patchMonitor();
        return cloud;
    }

    // The Mocks interface does not see parents, URNs or dependencies: read them off the request.
    private patchMonitor(): void {
        const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            this.pending++;
            return register(req, (err, response) => {
                this.pending--;
                if (!err && response) this.record(req, response);
                callback(err, response);
            });
        };
        const read = monitor.readResource.bind(monitor);
        monitor.readResource = (req, callback) => {
            this.pending++;
            return read(req, (err, response) => {
                this.pending--;
                if (!err && response) this.recordRead(req, response);
                callback(err, response);
            });
        };
    }

    // A read (`Resource.get`) is a resource the program uses but does not manage.
    private recordRead(req: ReadRequest, response: ReadResponse): void {
        this.resources.push({
            urn: response.getUrn(),
            type: req.getType(),
            name: req.getName(),
            custom: true,
            read: true,
            parent: req.getParent() || null,
            provider: providerUrnOf(req.getProvider()),
            inputs: {},
            state: { id: req.getId(), ...(pulumi.runtime.deserializeProperties(response.getProperties() as never) as Record<string, unknown>) },
            dependencies: req.getDependenciesList(),
            propertyDependencies: {},
        });
    }

    private record(req: RegisterRequest, response: RegisterResponse): void {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        const urn = response.getUrn();
        if (this.urns.has(urn)) this.engineErrors.push(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        this.urns.add(urn);
        const state = pulumi.runtime.deserializeProperties(response.getObject() as never) as Record<string, unknown>;
        // The engine keeps these outputs secret (a generated password's result, say); so does the record.
        for (const key of req.getAdditionalsecretoutputsList()) {
            if (key in state && !isSecretMarker(state[key])) state[key] = { [SIG]: SECRET_SIG, value: state[key] };
        }
        if (req.getType().startsWith("pulumi:providers:")) {
            const placement = this.providers.get(response.getId());
            if (placement) placement.urn = urn;
        }
        this.resources.push({
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() || null,
            provider: providerUrnOf(req.getProvider()),
            inputs: pulumi.runtime.deserializeProperties(req.getObject() as never) as Record<string, unknown>,
            state: { ...(response.getId() ? { id: response.getId() } : {}), ...state },
            dependencies: req.getDependenciesList(),
            propertyDependencies,
        });
    }

    /** Waits until every registration the program started has been answered and recorded. */
    async settled(): Promise<void> {
        await this.quiet();
        const refusals = [...this.engineErrors, ...this.violations.map(describeViolation)];
        if (refusals.length > 0) throw new Error(refusals.join("\n"));
    }

    private async quiet(): Promise<void> {
        // The SDK holds an RPC keep-alive from a resource's construction until its registration,
        // so this also waits for resources whose inputs are still being computed.
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        let quiet = 0;
        while (quiet < 5) {
            await new Promise((resolve) => setImmediate(resolve));
            quiet = this.pending === 0 ? quiet + 1 : 0;
        }
    }

    /** The account, region and partition of a provider reference ("urn::id"), or of the default provider. */
    placementOf(providerRef: string | undefined): Placement {
        const known = this.providers.get(providerIdOf(providerRef) ?? "");
        if (known) return known;
        const region = this.options.defaultRegion;
        return { accountId: this.options.defaultAccountId, region, partition: partitionOf(region) };
    }

    /** The account a recorded resource lives in, read from its provider's `allowedAccountIds`. */
    accountOf(resource: RecordedResource): string {
        const providerUrn = resource.type.startsWith("pulumi:providers:") ? resource.urn : resource.provider;
        const provider = [...this.providers.values()].find((p) => p.urn === providerUrn);
        return provider?.accountId ?? this.options.defaultAccountId;
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
        if (!endpoint) throw invokeError(`no matching EC2 VPC Endpoint found (mock cloud: VPC ${vpcId} has no ${service} endpoint)`);
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
        throw new Error(`mock cloud: cannot read ${type} ${id}: it does not exist in account ${placement.accountId}`);
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        if (args.type.startsWith("pulumi:providers:")) {
            const id = uuidOf(`${args.type}|${args.name}|provider`);
            const region = typeof inputs.region === "string" && inputs.region ? inputs.region : this.options.defaultRegion;
            const accountId = parseAccountIds(inputs.allowedAccountIds)[0] ?? this.options.defaultAccountId;
            this.providers.set(id, { accountId, region, partition: partitionOf(region) });
            return { id, state: inputs };
        }
        const placement = this.placementOf(args.provider);
        if (args.id) return { id: args.id, state: this.readState(args.type, args.id, placement) };
        const shape = shapeOf({ ...placement, type: args.type, name: args.name, inputs });
        const state = { ...inputs, ...shape.computed };
        // AWS sees secret values in the clear: so do the rules (a session policy lives in a secret).
        const plain = revealSecrets(inputs, true) as Record<string, unknown>;
        const violations = check({ type: args.type, name: args.name, accountId: placement.accountId, inputs: plain, state: { id: shape.id, ...state } }, this.tally);
        if (violations.length > 0) {
            this.violations.push(...violations);
            throw new Error(violations.map(describeViolation).join("\n"));
        }
        // A first preview creates nothing: the engine answers the inputs and no id, and the SDK takes
        // every output the answer lacks as unknown.
        if (this.options.firstPreview) return { id: undefined, state: inputs };
        return { id: shape.id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        this.invokes.push({ token: args.token, provider: providerUrnOf(args.provider) });
        const placement = this.placementOf(args.provider);
        const { accountId, region, partition } = placement;
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        switch (args.token) {
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
                if (!/^vpce-[0-9a-f]{17}$/.test(id)) throw invokeError(`mock cloud: ${args.token} needs a VPC endpoint id, got "${id}"`);
                return {
                    id,
                    vpcEndpointType: "Interface",
                    state: "available",
                    ownerId: accountId,
                    arn: `arn:${partition}:ec2:${region}:${accountId}:vpc-endpoint/${id}`,
                    serviceName: `com.amazonaws.vpce.${region}.vpce-svc-${hexOf(`${id}|svc`, 17)}`,
                    dnsEntries: [{ dnsName: vpcEndpointDnsName(id, region, `vpce-svc-${hexOf(`${id}|svc`, 17)}`), hostedZoneId: vpcEndpointHostedZoneId(id) }],
                };
            }
            case "aws:ec2/getVpc:getVpc": {
                const id = String(inputs.id ?? "");
                const vpc = this.options.vpcs[id];
                // The AWS provider's own words when nothing matches.
                if (!vpc) throw invokeError(`no matching EC2 VPC found (mock cloud: no VPC ${id} in account ${accountId})`);
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
                if (!found) throw invokeError(`no matching EC2 Subnet found (mock cloud: no subnet ${id} in account ${accountId})`);
                const [vpcId, vpc] = found;
                return {
                    id,
                    vpcId,
                    availabilityZone: vpc.subnets[id],
                    arn: `arn:${partition}:ec2:${region}:${accountId}:subnet/${id}`,
                    mapPublicIpOnLaunch: false,
                    ownerId: accountId,
                    state: "available",
                };
            }
            case "aws:ec2/getVpcEndpointService:getVpcEndpointService": {
                const serviceName = String(inputs.serviceName ?? `com.amazonaws.${region}.${String(inputs.service ?? "")}`);
                const zones = (ZONE_SUFFIXES[region] ?? ["a", "b", "c"]).map((suffix) => `${region}${suffix}`);
                return { id: serviceName, serviceName, serviceType: "Interface", availabilityZones: zones, privateDnsName: `${serviceName.split(".").slice(3).join(".")}.${region}.amazonaws.com` };
            }
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = (ZONE_SUFFIXES[region] ?? ["a", "b", "c"]).map((suffix) => `${region}${suffix}`);
                return { id: region, names, zoneIds: names.map((_, i) => `${region.split("-").map((p) => p[0]).join("")}-az${i + 1}`), groupNames: [region] };
            }
            default:
                throw invokeError(`mock cloud: unknown invoke ${args.token}; teach plan/mock-cloud what AWS answers`);
        }
    }
}

/**
 * The offline plan's assumption about an existing VPC: it is as the stack file declares it, its
 * subnets in the region's zones in order, the endpoints it lists there with private DNS on. Tests
 * pass their own worlds to see the look-ups refuse what AWS would.
 */
export function worldAsDeclared(network: unknown, region: string): Record<string, MockVpc> {
    const n = (typeof network === "object" && network !== null ? network : {}) as { vpcId?: unknown; subnetIds?: unknown; existingEndpoints?: unknown };
    if (typeof n.vpcId !== "string") return {};
    const zones = (ZONE_SUFFIXES[region] ?? ["a", "b", "c"]).map((suffix) => `${region}${suffix}`);
    const subnets = Array.isArray(n.subnetIds) ? n.subnetIds.map(String) : [];
    const endpoints = Array.isArray(n.existingEndpoints) ? n.existingEndpoints.map(String) : [];
    return {
        [n.vpcId]: {
            cidrBlocks: ["10.0.0.0/16"],
            subnets: Object.fromEntries(subnets.map((id, i) => [id, zones[i % zones.length]])),
            endpoints: Object.fromEntries(endpoints.map((service) => [service, { privateDnsEnabled: true }])),
        },
    };
}

/** Resolves an Output for a test assertion (secret or not). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}
