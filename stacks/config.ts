// Stack config → one typed model, validated once, with every issue reported by its config path.
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import {
    Access, ACCESS_LEVELS, ACCOUNT_ID, DEFAULTS, Encryption, ENCRYPTIONS, ENDPOINT_SERVICES, EndpointService, HUB_KEY, IAM_ROLE_ARN,
    partitionOf, Protocol, PROTOCOLS, REGION, s3BucketNameProblem, TRANSFER_USER_NAME,
} from "../infra/model";
import { MAX_ALLOWED_CIDRS_PER_FAMILY } from "../infra/closed-ftp-server";
import { prefixProblem } from "../infra/policies";

export type { Access, Encryption, Protocol };

export interface AccountModel { key: string; accountId: string; deployRoleArn?: string; previewRoleArn?: string }
export type NetworkModel =
    | { kind: "existing"; vpcId: string; subnetIds: string[]; existingEndpoints: EndpointService[]; allowedCidrs: string[] }
    | { kind: "new"; cidrBlock: string; availabilityZones: number; allowedCidrs: string[] };
export interface ServerModel { protocols: Protocol[]; certificateArn?: string; passiveIp: string; idpVpcAttached: boolean; logRetentionDays: number; securityPolicyName: string; idpReservedConcurrency?: number }
export interface BucketModel { name: string; account: string; bucketName?: string; encryption: Encryption }
export interface UserModel { userName: string; bucket: string; prefix: string; access: Access; allowedSourceCidrs?: string[]; passwordVersion?: number }
export interface StackModel {
    region: string;
    hub: AccountModel;
    spokes: AccountModel[];
    network: NetworkModel;
    server: ServerModel;
    buckets: BucketModel[];
    users: UserModel[];
    /** Plaintext passwords from closed-ftp:passwords (secret config), by user name. */
    passwords: Record<string, string>;
}

export interface ConfigIssue { path: string; message: string }

export class ConfigValidationError extends Error {
    constructor(readonly issues: ConfigIssue[]) {
        super(`closed-ftp: the stack config has ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`);
        this.name = "ConfigValidationError";
    }
}

export const NAMESPACE = "closed-ftp";
/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const MIN_PASSWORD_LENGTH = 12;

const ACM_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ACCOUNT_KEY = /^[a-z][a-z0-9-]{0,30}$/;
const BUCKET_KEY = /^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/;

// Account ids must be quoted: YAML reads 012345678901 as a number and drops the leading zero.
const accountId = z.string({ error: (i) => (typeof i.input === "number" ? `account ids must be quoted strings in YAML ("${i.input}" loses leading zeros as a number)` : `expected a 12-digit account id in quotes, got ${describe(i.input)}`) })
    .regex(ACCOUNT_ID, { error: (i) => `"${String(i.input)}" is not a 12-digit AWS account id` });
const roleArn = z.string().regex(IAM_ROLE_ARN, { error: (i) => `"${String(i.input)}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)` });

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    return typeof value === "object" ? "a map" : `${typeof value} ${JSON.stringify(value)}`;
}

/** The widest client range accepted per family: a closed service names its client networks, not the internet. */
export const WIDEST_CLIENT_PREFIX = { ipv4: 8, ipv6: 32 } as const;

function parseCidr(value: string): { ok: true; canonical: string } | { ok: false; message: string } {
    if (!ipaddr.isValidCIDR(value)) return { ok: false, message: `"${value}" is not a CIDR block (like 10.10.0.0/16 or 2001:db8::/32)` };
    const [address, bits] = ipaddr.parseCIDR(value);
    const kind = address.kind();
    // Only four-part decimal: ipaddr also reads octal (010.) and hex (0xa.), which AWS refuses or reads otherwise.
    if (kind === "ipv4" && !ipaddr.IPv4.isValidFourPartDecimal(value.split("/")[0])) {
        return { ok: false, message: `"${value}" is not written as four decimal parts (like 10.10.0.0/16)` };
    }
    const network = kind === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(value).toString()
        : ipaddr.IPv6.networkAddressFromCIDR(value).toString();
    const canonical = `${network}/${bits}`;
    if (network !== address.toString()) return { ok: false, message: `"${value}" is not a network address; did you mean ${canonical}?` };
    // One spelling per range: "2001:DB8::/32" and "2001:0db8::/32" would become second, duplicate rules.
    if (value !== canonical) return { ok: false, message: `"${value}" is not in canonical form; write ${canonical}` };
    if (bits === 0) return { ok: false, message: `"${value}" admits the whole internet; a closed FTP service must name its clients` };
    const widest = WIDEST_CLIENT_PREFIX[kind];
    if (bits < widest) return { ok: false, message: `"${value}" is wider than /${widest}; a closed FTP service names its client networks, not whole swaths of the internet` };
    return { ok: true, canonical };
}

/** A list of CIDRs may not name one range twice (the rules would collide, and AWS refuses duplicates). */
function noDuplicates(values: string[], ctx: z.RefinementCtx): void {
    values.forEach((value, i) => {
        const first = values.indexOf(value);
        if (first !== i) ctx.addIssue({ code: "custom", path: [i], message: `"${value}" is listed twice (first at [${first}])` });
    });
}

const cidr = z.string().superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
});

const hubSchema = z.strictObject({ accountId, deployRoleArn: roleArn.optional(), previewRoleArn: roleArn.optional() });
const spokeSchema = z.strictObject({ accountId, deployRoleArn: roleArn, previewRoleArn: roleArn.optional() });

/** At most this many client CIDRs per address family fit the security groups of the server's endpoint. */
function cidrsFitTheEndpoint(cidrs: string[], ctx: z.RefinementCtx): void {
    for (const family of ["IPv4", "IPv6"]) {
        const count = cidrs.filter((c) => c.includes(":") === (family === "IPv6")).length;
        if (count > MAX_ALLOWED_CIDRS_PER_FAMILY) {
            ctx.addIssue({ code: "custom", message: `${count} ${family} CIDRs; at most ${MAX_ALLOWED_CIDRS_PER_FAMILY} fit (5 security groups on the server's endpoint × 29 CIDRs of 2 rules each, within 60 inbound rules per family with room for one move during an update): merge ranges` });
        }
    }
}

const networkSchema = z.strictObject({
    vpcId: z.string().regex(VPC_ID, { error: (i) => `"${String(i.input)}" is not a VPC id (vpc- and 8 or 17 hex)` }).optional(),
    subnetIds: z.array(z.string().regex(SUBNET_ID, { error: (i) => `"${String(i.input)}" is not a subnet id (subnet- and 8 or 17 hex)` })).min(1, "name at least one subnet").optional(),
    cidrBlock: cidr.optional(),
    availabilityZones: z.number().int().min(1).max(3).optional(),
    /** Interface endpoints the existing VPC already has (with private DNS): looked up and reused, not created. */
    existingEndpoints: z.array(z.enum(ENDPOINT_SERVICES, { error: (i) => `"${String(i.input)}" is not sts or secretsmanager (the interface endpoints closed-ftp needs)` })).optional(),
    allowedCidrs: z.array(cidr).min(1, "name at least one client network: nobody could connect").superRefine(noDuplicates).superRefine(cidrsFitTheEndpoint),
});

const serverSchema = z.strictObject({
    protocols: z.array(z.enum(PROTOCOLS, { error: (i) => `"${String(i.input)}" is not FTP or FTPS (closed-ftp serves FTP and FTPS only; SFTP needs no closed-network FTP workarounds)` })).min(1, "name FTP and/or FTPS").optional(),
    certificateArn: z.string().optional(),
    passiveIp: z.string().optional(),
    idpVpcAttached: z.boolean().optional(),
    logRetentionDays: z.number().int().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { error: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}` }).optional(),
    idpReservedConcurrency: z.number({ error: (i) => `expected a whole number from 1, got ${describe(i.input)}` }).int("must be a whole number").min(1, "must be 1 or more (0 would stop every login)").max(1000, "must be at most 1000").optional(),
    securityPolicyName: z.string().regex(/^TransferSecurityPolicy-[\w-]+$/, { error: (i) => `"${String(i.input)}" is not a Transfer security policy name (TransferSecurityPolicy-…)` }).optional(),
});

const bucketSchema = z.strictObject({
    name: z.string().regex(BUCKET_KEY, { error: (i) => `"${String(i.input)}" must be 3-42 lowercase letters, digits or dashes, starting and ending with a letter or digit` }),
    account: z.string().optional(),
    encryption: z.enum(ENCRYPTIONS, { error: (i) => `"${String(i.input)}" is not s3 or kms` }).optional(),
    bucketName: z.string().superRefine((value, ctx) => {
        const problem = s3BucketNameProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: `"${value}" ${problem}` });
    }).optional(),
});

const userSchema = z.strictObject({
    userName: z.string().regex(TRANSFER_USER_NAME, { error: (i) => `"${String(i.input)}" does not match Transfer's user name pattern ${TRANSFER_USER_NAME.source}` }),
    home: z.string(),
    access: z.enum(ACCESS_LEVELS, { error: (i) => `"${String(i.input)}" is not read-write or read-only` }).optional(),
    allowedSourceCidrs: z.array(cidr).min(1, "leave it out to allow every address the server admits").superRefine(noDuplicates).optional(),
    passwordVersion: z.number({ error: (i) => `expected a whole number from 1, got ${describe(i.input)}` }).int("must be a whole number").min(1, "must be 1 or more").optional(),
});

/** The closed-ftp:* keys and their schemas; anything else under the namespace is a typo. */
export const CONFIG_SCHEMA = {
    hub: hubSchema,
    network: networkSchema,
    server: serverSchema.optional(),
    accounts: z.record(z.string(), spokeSchema).optional(),
    buckets: z.array(bucketSchema).min(1, "define at least one bucket"),
    users: z.array(userSchema).min(1, "define at least one user"),
    passwords: z.record(z.string(), z.string()).optional(),
} as const;

const LIST_ITEMS = { buckets: bucketSchema, users: userSchema } as const;

/** The fields of each list entry that passed their own rules; entries whose key fields failed are left out. */
function salvage(schema: z.ZodObject, items: unknown[], error: z.ZodError): unknown[] {
    const bad = new Set(error.issues.filter((i) => i.path.length >= 2).map((i) => `${String(i.path[0])}.${String(i.path[1])}`));
    return items.map((item, index) => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
        const kept = Object.fromEntries(Object.entries(item).filter(([k]) => k in schema.shape && !bad.has(`${index}.${k}`)));
        const partial = schema.partial().safeParse(kept);
        return partial.success ? partial.data : undefined;
    });
}

function pathOf(key: string, path: PropertyKey[]): string {
    return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`), `${NAMESPACE}:${key}`);
}

function zodIssues(key: string, error: z.ZodError): ConfigIssue[] {
    return error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((k) => ({ path: pathOf(key, [...issue.path, k]), message: `unknown key "${k}"` }));
        }
        const message = issue.code === "invalid_type" && issue.message.startsWith("Invalid input")
            ? `expected ${issue.expected}, got ${describe(valueAt(issue))}`
            : issue.message;
        return [{ path: pathOf(key, issue.path), message }];
    });
}

function valueAt(issue: z.core.$ZodIssue): unknown {
    return (issue as { input?: unknown }).input;
}

/** Parses every config key (full names → already-parsed values) into the model, or throws every issue at once. */
export function parseStackConfig(raw: Record<string, unknown>): StackModel {
    const issues: ConfigIssue[] = [];
    const region = raw["aws:region"];
    if (typeof region !== "string" || !REGION.test(region)) {
        issues.push({ path: "aws:region", message: region === undefined ? "is required (e.g. pulumi config set aws:region ap-northeast-1)" : `"${String(region)}" is not an AWS region name` });
    }
    const known = new Set(Object.keys(CONFIG_SCHEMA));
    for (const key of Object.keys(raw).filter((k) => k.startsWith(`${NAMESPACE}:`))) {
        const name = key.slice(NAMESPACE.length + 1);
        if (!known.has(name) && !name.startsWith("passwords.")) issues.push({ path: key, message: `unknown key; closed-ftp keys are ${[...known].join(", ")}` });
    }
    const parsed: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(CONFIG_SCHEMA)) {
        const value = raw[`${NAMESPACE}:${name}`];
        const result = (schema as z.ZodType).safeParse(value, { reportInput: true });
        if (result.success) parsed[name] = result.data;
        else if (value === undefined) issues.push({ path: `${NAMESPACE}:${name}`, message: "is required" });
        else {
            issues.push(...zodIssues(name, result.error));
            // Keep what is valid in a list, so one bad entry does not hide the others' problems.
            if (name in LIST_ITEMS && Array.isArray(value)) parsed[name] = salvage(LIST_ITEMS[name as keyof typeof LIST_ITEMS], value, result.error);
        }
    }
    const model = crossCheck(typeof region === "string" ? region : "", parsed, raw, issues);
    if (issues.length > 0 || !model) throw new ConfigValidationError(issues);
    return model;
}

type Parsed<K extends keyof typeof CONFIG_SCHEMA> = z.infer<(typeof CONFIG_SCHEMA)[K]>;

function crossCheck(region: string, parsed: Record<string, unknown>, raw: Record<string, unknown>, issues: ConfigIssue[]): StackModel | undefined {
    const hub = parsed.hub as Parsed<"hub"> | undefined;
    const network = parsed.network as Parsed<"network"> | undefined;
    const server = (parsed.server ?? {}) as NonNullable<Parsed<"server">>;
    const accounts = (parsed.accounts ?? {}) as NonNullable<Parsed<"accounts">>;
    const buckets = parsed.buckets as (Partial<Parsed<"buckets">[number]> | undefined)[] | undefined;
    const users = parsed.users as (Partial<Parsed<"users">[number]> | undefined)[] | undefined;
    // A Map, not an object: a user called "__proto__" or "constructor" must be a plain key.
    const passwords = new Map<string, string>(Object.entries((parsed.passwords ?? {}) as Record<string, string>));
    for (const [key, value] of Object.entries(raw)) {
        if (key.startsWith(`${NAMESPACE}:passwords.`)) passwords.set(key.slice(`${NAMESPACE}:passwords.`.length), String(value));
    }
    // A key the schema's object could not hold ("__proto__") is still a key someone wrote: report it, never drop it.
    const rawPasswords = raw[`${NAMESPACE}:passwords`];
    if (typeof rawPasswords === "object" && rawPasswords !== null) {
        for (const key of Object.keys(rawPasswords)) if (!passwords.has(key)) passwords.set(key, "");
    }
    const partition = partitionOf(region);
    const add = (path: string, message: string) => issues.push({ path, message });

    const checkRole = (path: string, arn: string | undefined, account: string) => {
        if (!arn || !IAM_ROLE_ARN.test(arn)) return;
        const [, rolePartition, , , roleAccount] = arn.split(":");
        if (roleAccount !== account) add(path, `role is in account ${roleAccount}, but the account is ${account}: the provider would refuse to deploy`);
        if (region && rolePartition !== partition) add(path, `partition "${rolePartition}" does not match region ${region} (partition ${partition})`);
    };
    if (hub) {
        checkRole(`${NAMESPACE}:hub.deployRoleArn`, hub.deployRoleArn, hub.accountId);
        checkRole(`${NAMESPACE}:hub.previewRoleArn`, hub.previewRoleArn, hub.accountId);
    }

    const seenAccounts = new Map<string, string>(hub ? [[hub.accountId, HUB_KEY]] : []);
    for (const [key, spoke] of Object.entries(accounts)) {
        const path = `${NAMESPACE}:accounts.${key}`;
        if (!ACCOUNT_KEY.test(key) || key === HUB_KEY) add(path, `account key "${key}" must be lowercase letters, digits or dashes (max 31), starting with a letter, and not "${HUB_KEY}"`);
        checkRole(`${path}.deployRoleArn`, spoke.deployRoleArn, spoke.accountId);
        checkRole(`${path}.previewRoleArn`, spoke.previewRoleArn, spoke.accountId);
        const owner = seenAccounts.get(spoke.accountId);
        if (owner) add(`${path}.accountId`, `${spoke.accountId} is already ${owner === HUB_KEY ? "the hub account" : `account "${owner}"`}: one provider per account`);
        else seenAccounts.set(spoke.accountId, key);
    }

    let networkModel: NetworkModel | undefined;
    if (network) {
        const path = `${NAMESPACE}:network`;
        const existing = network.vpcId !== undefined || network.subnetIds !== undefined;
        const fresh = network.cidrBlock !== undefined || network.availabilityZones !== undefined;
        const reused = network.existingEndpoints ?? [];
        if (new Set(reused).size !== reused.length) add(`${path}.existingEndpoints`, "lists an endpoint twice");
        if (fresh && reused.length > 0) add(`${path}.existingEndpoints`, "only an existing VPC (vpcId) can have endpoints already; a new VPC gets its own");
        if (reused.includes("secretsmanager") && server.idpVpcAttached === false) add(`${path}.existingEndpoints`, `lists secretsmanager, but ${NAMESPACE}:server.idpVpcAttached is false: the IdP does not use it`);
        if (existing && fresh) add(path, "give an existing VPC (vpcId + subnetIds) or a new one (cidrBlock), not both");
        else if (!existing && !fresh) add(path, "give an existing VPC (vpcId + subnetIds) or a CIDR for a new isolated VPC (cidrBlock)");
        else if (existing) {
            if (network.vpcId === undefined) add(`${path}.vpcId`, "is required with subnetIds");
            if (network.subnetIds === undefined) add(`${path}.subnetIds`, "is required with vpcId: the server's endpoint needs subnets");
            else if (new Set(network.subnetIds).size !== network.subnetIds.length) add(`${path}.subnetIds`, "lists a subnet twice");
            if (network.vpcId && network.subnetIds) networkModel = { kind: "existing", vpcId: network.vpcId, subnetIds: network.subnetIds, existingEndpoints: reused, allowedCidrs: network.allowedCidrs };
        } else if (network.cidrBlock === undefined) add(`${path}.cidrBlock`, "is required with availabilityZones");
        else {
            const bits = Number(network.cidrBlock.split("/")[1]);
            const range = network.cidrBlock.includes(":") ? "ipv6" : ipaddr.IPv4.parse(network.cidrBlock.split("/")[0]).range();
            if (network.cidrBlock.includes(":") || bits < 16 || bits > 24) add(`${path}.cidrBlock`, `"${network.cidrBlock}" must be an IPv4 block from /16 to /24`);
            else if (range !== "private" && range !== "carrierGradeNat") add(`${path}.cidrBlock`, `"${network.cidrBlock}" is not a private range (10/8, 172.16/12, 192.168/16 or 100.64/10): a closed VPC uses private addresses`);
            else networkModel = { kind: "new", cidrBlock: network.cidrBlock, availabilityZones: network.availabilityZones ?? DEFAULTS.availabilityZones, allowedCidrs: network.allowedCidrs };
        }
    }

    const protocols = server.protocols ?? DEFAULTS.protocols;
    const serverPath = `${NAMESPACE}:server`;
    if (new Set(protocols).size !== protocols.length) add(`${serverPath}.protocols`, "lists a protocol twice");
    if (protocols.includes("FTPS") && !server.certificateArn) add(`${serverPath}.certificateArn`, "is required when protocols include FTPS (an ACM certificate ARN)");
    if (!protocols.includes("FTPS") && server.certificateArn) add(`${serverPath}.certificateArn`, "is set but FTPS is not in protocols: it would be ignored");
    if (server.certificateArn) {
        const match = ACM_ARN.exec(server.certificateArn);
        if (!match) add(`${serverPath}.certificateArn`, `"${server.certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`);
        else if ((region && match[2] !== region) || (hub && match[3] !== hub.accountId)) add(`${serverPath}.certificateArn`, `the certificate must be in the hub account ${hub?.accountId} and region ${region}, not ${match[3]} ${match[2]}`);
    }
    const passiveIp = server.passiveIp ?? DEFAULTS.passiveIp;
    if (passiveIp !== "AUTO" && !ipaddr.IPv4.isValidFourPartDecimal(passiveIp)) add(`${serverPath}.passiveIp`, `"${passiveIp}" is not AUTO or an IPv4 address`);
    else if (passiveIp !== "AUTO" && ["unspecified", "broadcast", "multicast", "loopback"].includes(ipaddr.IPv4.parse(passiveIp).range())) {
        add(`${serverPath}.passiveIp`, `"${passiveIp}" is not an address a client can connect to`);
    }

    const bucketModels: BucketModel[] = [];
    const bucketKeys = new Set<string>();
    const physicalNames = new Set<string>();
    (buckets ?? []).forEach((b, i) => {
        if (!b || typeof b.name !== "string") return;
        const path = `${NAMESPACE}:buckets[${i}]`;
        if (bucketKeys.has(b.name)) add(`${path}.name`, `bucket "${b.name}" is defined twice`);
        bucketKeys.add(b.name);
        if (b.bucketName) {
            if (physicalNames.has(b.bucketName)) add(`${path}.bucketName`, `"${b.bucketName}" is used by another bucket`);
            physicalNames.add(b.bucketName);
        }
        const account = b.account ?? HUB_KEY;
        if (account !== HUB_KEY && !Object.hasOwn(accounts, account)) {
            add(`${path}.account`, `account "${account}" is not defined in ${NAMESPACE}:accounts (defined: ${Object.keys(accounts).join(", ") || "none"}; leave it out for the hub)`);
        }
        bucketModels.push({ name: b.name, account, encryption: b.encryption ?? DEFAULTS.encryption, ...(b.bucketName ? { bucketName: b.bucketName } : {}) });
    });

    const userModels: UserModel[] = [];
    const userNames = new Set<string>();
    const homes: { user: string; home: string }[] = [];
    (users ?? []).forEach((u, i) => {
        if (!u || typeof u.home !== "string") return;
        const home = u.home;
        const path = `${NAMESPACE}:users[${i}]`;
        if (u.userName !== undefined) {
            if (userNames.has(u.userName)) add(`${path}.userName`, `user "${u.userName}" is defined twice`);
            userNames.add(u.userName);
        }
        const slash = home.indexOf("/");
        const bucket = slash < 0 ? home : home.slice(0, slash);
        const prefix = slash < 0 ? "" : home.slice(slash + 1);
        if (!bucketKeys.has(bucket)) add(`${path}.home`, `bucket "${bucket}" is not defined in ${NAMESPACE}:buckets (defined: ${[...bucketKeys].join(", ") || "none"})`);
        // The same rule the session policy renderer enforces, reported here before anything deploys.
        const problem = prefix === "" ? "needs a prefix after the bucket: <bucket>/<prefix>" : prefixProblem(prefix);
        if (problem) add(`${path}.home`, problem);
        const clash = homes.find((h) => h.home === home || h.home.startsWith(`${home}/`) || home.startsWith(`${h.home}/`));
        if (clash) add(`${path}.home`, `"${home}" overlaps user "${clash.user}"'s home "${clash.home}": users must not share or nest homes`);
        homes.push({ user: u.userName ?? `users[${i}]`, home });
        for (const [j, source] of (u.allowedSourceCidrs ?? []).entries()) {
            const parsedSource = parseCidr(source);
            if (!parsedSource.ok || !network) continue;
            const inside = network.allowedCidrs.some((allowed) => cidrContains(allowed, source));
            if (!inside) add(`${path}.allowedSourceCidrs[${j}]`, `"${source}" is outside ${NAMESPACE}:network.allowedCidrs (${network.allowedCidrs.join(", ")}): the security group drops it anyway`);
        }
        if (u.userName === undefined) return;
        userModels.push({
            userName: u.userName, bucket, prefix, access: u.access ?? DEFAULTS.access,
            ...(u.allowedSourceCidrs ? { allowedSourceCidrs: u.allowedSourceCidrs } : {}),
            ...(u.passwordVersion !== undefined ? { passwordVersion: u.passwordVersion } : {}),
        });
    });

    for (const [user, password] of passwords) {
        const path = `${NAMESPACE}:passwords.${user}`;
        if (!userNames.has(user)) add(path, `"${user}" is not a user defined in ${NAMESPACE}:users`);
        if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) add(path, `must be at least ${MIN_PASSWORD_LENGTH} characters (value not shown)`);
    }

    if (issues.length > 0 || !hub || !networkModel) return undefined;
    return {
        region,
        hub: { key: HUB_KEY, accountId: hub.accountId, ...(hub.deployRoleArn ? { deployRoleArn: hub.deployRoleArn } : {}), ...(hub.previewRoleArn ? { previewRoleArn: hub.previewRoleArn } : {}) },
        spokes: Object.entries(accounts).sort(([a], [b]) => a.localeCompare(b)).map(([key, s]) => ({
            key, accountId: s.accountId, deployRoleArn: s.deployRoleArn, ...(s.previewRoleArn ? { previewRoleArn: s.previewRoleArn } : {}),
        })),
        network: networkModel,
        server: {
            protocols,
            ...(server.certificateArn ? { certificateArn: server.certificateArn } : {}),
            passiveIp,
            idpVpcAttached: server.idpVpcAttached ?? DEFAULTS.idpVpcAttached,
            logRetentionDays: server.logRetentionDays ?? DEFAULTS.logRetentionDays,
            securityPolicyName: server.securityPolicyName ?? DEFAULTS.securityPolicyName,
            ...(server.idpReservedConcurrency !== undefined ? { idpReservedConcurrency: server.idpReservedConcurrency } : {}),
        },
        buckets: bucketModels,
        users: userModels,
        passwords: Object.fromEntries(passwords),
    };
}

function cidrContains(outer: string, inner: string): boolean {
    const [outerAddress, outerBits] = ipaddr.parseCIDR(outer);
    const [innerAddress, innerBits] = ipaddr.parseCIDR(inner);
    return outerAddress.kind() === innerAddress.kind() && innerBits >= outerBits && innerAddress.match([outerAddress, outerBits] as never);
}

/** The running program's config, from the engine: object values arrive as JSON strings. */
export function readStackConfig(): StackModel {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key !== "aws:region" && !key.startsWith(`${NAMESPACE}:`)) continue;
        raw[key] = /^\s*[[{]/.test(value) ? parseJson(key, value) : value;
    }
    return parseStackConfig(raw);
}

function parseJson(key: string, value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        throw new ConfigValidationError([{ path: key, message: "is not valid structured config (JSON/YAML)" }]);
    }
}
