// Stack config → one typed model, validated once, with every issue reported by its config path.
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import {
    Access, ACCESS_LEVELS, ACCOUNT_ID, AVAILABILITY_ZONE_ID, DEFAULTS, Encryption, ENCRYPTIONS, ENDPOINT_SERVICES, HUB_KEY, IAM_ROLE_ARN,
    MIN_PASSWORD_LENGTH, partitionOf, Protocol, PROTOCOLS, REGION, REMOVAL_POLICIES, s3BucketNameProblem, TRANSFER_USER_NAME, WIDEST_CLIENT_PREFIX,
    BANNER_MAX_LENGTH, BANNER_PATTERN, dnsNameProblem, HOSTED_ZONE_ID, MAX_ORGANISATION_TAGS, SNS_TOPIC_ARN, tagKeyProblem, tagValueProblem, TEST_CLIENT,
} from "../infra/model";
import { ALARM_NAMES, AlarmName, ALARMS } from "../infra/monitoring-model";
import { MAX_ALLOWED_CIDRS_PER_FAMILY } from "../infra/closed-ftp-server";
import { prefixProblem } from "../infra/policies";
import { ConfigIssue, ConfigValidationError } from "../infra/config-error";

export type { Access, Encryption, Protocol };

export { ConfigIssue, ConfigValidationError };

export const NAMESPACE = "closed-ftp";
/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export { MIN_PASSWORD_LENGTH };

const ACM_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ACCOUNT_KEY = /^[a-z][a-z0-9-]{0,30}$/;
const BUCKET_KEY = /^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/;

// Account ids must be quoted: YAML reads 012345678901 as a number and drops the leading zero.
const accountId = z.string({ error: (i) => (typeof i.input === "number" ? unquotedAccountId(i.input) : `expected a 12-digit account id in quotes, got ${describe(i.input)}`) })
    .regex(ACCOUNT_ID, { error: (i) => `"${String(i.input)}" is not a 12-digit AWS account id` });
const roleArn = z.string().regex(IAM_ROLE_ARN, { error: (i) => `"${String(i.input)}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)` });

/** An account id YAML read as a number: shown as it was written, and the lost zeros only when they were lost. */
function unquotedAccountId(value: number): string {
    const digits = Number.isInteger(value) && value >= 0 ? String(value) : undefined;
    if (digits === undefined || digits.length > 12) return `${value} is not a 12-digit account id (and account ids must be quoted in YAML)`;
    if (digits.length === 12) return `must be quoted in YAML, or it is read as a number: write "${digits}"`;
    const written = digits.padStart(12, "0");
    return `must be quoted in YAML: ${written} was read as the number ${digits}, losing its leading zero${12 - digits.length === 1 ? "" : "s"}; write "${written}"`;
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    return typeof value === "object" ? "a map" : `${typeof value} ${JSON.stringify(value)}`;
}


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
// With closed-ftp:bootstrap a spoke's roles follow its names; without, a spoke names its deploy role (checked below).
const spokeSchema = z.strictObject({ accountId, deployRoleArn: roleArn.optional(), previewRoleArn: roleArn.optional() });

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
    availabilityZones: z.number({ error: (i) => `expected a whole number of zones from 1 to 3, got ${describe(i.input)}` }).int("must be a whole number of zones")
        .min(1, "must be 1 or more: a VPC needs a subnet").max(3, "must be at most 3: each subnet is a quarter of the VPC, and one quarter is kept free").optional(),
    /** The new VPC's zones by id, in subnet order: a zone id is the same physical zone in every account, and pinned. */
    availabilityZoneIds: z.array(z.string().regex(AVAILABILITY_ZONE_ID, { error: (i) => `"${String(i.input)}" is not an availability zone id (like apne1-az1; a zone name such as ap-northeast-1a maps to different zones per account)` }))
        .min(1, "name at least one zone").max(3, "at most 3 zones (a subnet is a quarter of the VPC, one kept free)").optional(),
    /** Interface endpoints the existing VPC already has (with private DNS): looked up and reused, not created. */
    existingEndpoints: z.array(z.enum(ENDPOINT_SERVICES, { error: (i) => `"${String(i.input)}" is not sts or secretsmanager (the interface endpoints closed-ftp needs)` })).optional(),
    allowedCidrs: z.array(cidr).min(1, "name at least one client network: nobody could connect").superRefine(noDuplicates).superRefine(cidrsFitTheEndpoint),
});

/** Transfer's login banners: printable ASCII, tabs and line breaks, up to 4096 characters (API_CreateServer). */
const banner = z.string({ error: (i) => `expected text, got ${describe(i.input)}` })
    .min(1, "is empty: leave it out for no banner")
    .max(BANNER_MAX_LENGTH, `must be at most ${BANNER_MAX_LENGTH} characters (Transfer's limit)`)
    .refine((text) => BANNER_PATTERN.test(text), { error: (i) => `holds ${bannerOffender(String(i.input))}: Transfer takes printable ASCII, tabs and line breaks only` });

function bannerOffender(text: string): string {
    const index = [...text].findIndex((c) => !BANNER_PATTERN.test(c));
    const char = [...text][index] ?? "";
    return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")} at character ${index + 1}`;
}

const serverSchema = z.strictObject({
    protocols: z.array(z.enum(PROTOCOLS, {
        error: (i) => ((PROTOCOLS as readonly string[]).includes(String(i.input).toUpperCase())
            ? `"${String(i.input)}" must be written in capitals, as Transfer names it: ${String(i.input).toUpperCase()}`
            : `"${String(i.input)}" is not FTP or FTPS (closed-ftp serves FTP and FTPS only; SFTP needs no closed-network FTP workarounds)`),
    })).min(1, "name FTP and/or FTPS").default(DEFAULTS.protocols),
    certificateArn: z.string().optional(),
    passiveIp: z.string().default(DEFAULTS.passiveIp),
    idpVpcAttached: z.boolean().default(DEFAULTS.idpVpcAttached),
    logRetentionDays: z.number().int().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { error: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}` }).default(DEFAULTS.logRetentionDays),
    idpReservedConcurrency: z.number({ error: (i) => `expected a whole number from 1, got ${describe(i.input)}` }).int("must be a whole number").min(1, "must be 1 or more (0 would stop every login)").max(1000, "must be at most 1000").optional(),
    securityPolicyName: z.string().regex(/^TransferSecurityPolicy-[\w-]+$/, { error: (i) => `"${String(i.input)}" is not a Transfer security policy name (TransferSecurityPolicy-…)` }).default(DEFAULTS.securityPolicyName),
    /** Shown when a client connects, before it logs in. */
    preAuthenticationBanner: banner.optional(),
    /** Shown once a user has logged in (FTP and FTPS; SFTP has none). */
    postAuthenticationBanner: banner.optional(),
});

const bucketKey = z.string().regex(BUCKET_KEY, { error: (i) => `"${String(i.input)}" must be 3-42 lowercase letters, digits or dashes, starting and ending with a letter or digit` });
const days = (what: string) => z.number({ error: (i) => `expected a whole number of days, got ${describe(i.input)}` }).int("must be a whole number of days").min(1, `must be 1 or more: S3 takes a positive number of days ${what}`).max(36500, "must be at most 36500 days (100 years)");

const lifecycleSchema = z.strictObject({
    abortIncompleteUploadsAfterDays: days("before it removes an unfinished upload's parts").default(DEFAULTS.lifecycle.abortIncompleteUploadsAfterDays),
    noncurrentVersionsExpireAfterDays: days("before it removes an overwritten or deleted version").default(DEFAULTS.lifecycle.noncurrentVersionsExpireAfterDays),
    currentVersionsExpireAfterDays: days("before it expires a file").optional(),
});

const bucketSchema = z.strictObject({
    name: bucketKey,
    account: z.string().default(HUB_KEY),
    encryption: z.enum(ENCRYPTIONS, { error: (i) => `"${String(i.input)}" is not s3 or kms` }).default(DEFAULTS.encryption),
    bucketName: z.string().superRefine((value, ctx) => {
        const problem = s3BucketNameProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: `"${value}" ${problem}` });
    }).optional(),
    removalPolicy: z.enum(REMOVAL_POLICIES, { error: (i) => `"${String(i.input)}" is not protect, retain or destroy` }).default(DEFAULTS.removalPolicy),
    /** Names this bucket had before: the stack carries its resources over (aliases) instead of replacing them. */
    formerNames: z.array(bucketKey).min(1, "leave it out when the bucket was never renamed").optional(),
    lifecycle: lifecycleSchema.prefault({}),
    /** Send the bucket's S3 events (Object Created, ...) to EventBridge's default bus in its account. */
    eventBridge: z.boolean({ error: (i) => `expected true or false, got ${describe(i.input)}` }).default(false),
});

const userSchema = z.strictObject({
    userName: z.string().regex(TRANSFER_USER_NAME, { error: (i) => `"${String(i.input)}" does not match Transfer's user name pattern ${TRANSFER_USER_NAME.source}` }),
    home: z.string(),
    access: z.enum(ACCESS_LEVELS, { error: (i) => `"${String(i.input)}" is not read-write or read-only` }).default(DEFAULTS.access),
    allowedSourceCidrs: z.array(cidr).min(1, "leave it out to allow every address the server admits").superRefine(noDuplicates).optional(),
    passwordVersion: z.number({ error: (i) => `expected a whole number from 1, got ${describe(i.input)}` }).int("must be a whole number").min(1, "must be 1 or more").optional(),
});

const OIDC_PROVIDER_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):oidc-provider\/token\.actions\.githubusercontent\.com$/;
/** GitHub's owner/name rules: letters, digits, "-", "_" and "." (owners: letters, digits, dashes). */
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9_.-]{1,100}$/;
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The bootstrap (bootstrap/): who may assume each account's deploy and preview roles, and where the
 * state lives. With it, every account's roles follow the bootstrap's names and need not be written.
 */
const bootstrapSchema = z.strictObject({
    /** The account key (hub or a spoke) of the state bucket and the secrets key; the CI roles live in the hub. */
    stateAccount: z.string().default(HUB_KEY),
    github: z.strictObject({
        repository: z.string().regex(GITHUB_REPOSITORY, { error: (i) => `"${String(i.input)}" is not a GitHub repository as owner/name` }),
        /** The hub's GitHub OIDC provider when it exists already (IAM allows one per URL per account). */
        oidcProviderArn: z.string().regex(OIDC_PROVIDER_ARN, { error: (i) => `"${String(i.input)}" is not the ARN of a token.actions.githubusercontent.com OIDC provider` }).optional(),
    }).optional(),
    /** Roles of people (or break-glass automation) that may assume every deploy and preview role by hand. */
    administratorRoleArns: z.array(roleArn).min(1, "leave it out, or name at least one role").optional(),
    /** The role the bootstrap's providers assume in every account but the one its credentials are in. */
    accountAccessRoleName: z.string().regex(IAM_ROLE_NAME, { error: (i) => `"${String(i.input)}" is not an IAM role name` }).optional(),
});

/** A private DNS name for the server's endpoint: a CNAME in a Route 53 private hosted zone, in the hub or another account. */
const dnsSchema = z.strictObject({
    recordName: z.string({ error: (i) => `expected a DNS name, got ${describe(i.input)}` }).superRefine((value, ctx) => {
        const problem = dnsNameProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: `"${value}" ${problem}` });
    }),
    zoneId: z.string({ error: (i) => `expected a hosted zone id, got ${describe(i.input)}` }).regex(HOSTED_ZONE_ID, {
        error: (i) => (String(i.input).startsWith("/hostedzone/") ? `write the zone id alone: ${String(i.input).slice("/hostedzone/".length)}` : `"${String(i.input)}" is not a Route 53 hosted zone id (Z and up to 31 capitals or digits)`),
    }),
    /** The account key (hub or one of closed-ftp:accounts) whose Route 53 holds the zone. */
    account: z.string().default(HUB_KEY),
});

const alarmSettings = (name: AlarmName) => z.strictObject({
    enabled: z.boolean({ error: (i) => `expected true or false, got ${describe(i.input)}` }).default(true),
    threshold: z.number({ error: (i) => `expected a number, got ${describe(i.input)}` }).positive("must be more than 0").max(ALARMS[name].maxThreshold, `must be at most ${ALARMS[name].maxThreshold} ${ALARMS[name].unit}`).default(ALARMS[name].threshold),
    evaluationPeriods: z.number({ error: (i) => `expected a whole number, got ${describe(i.input)}` }).int("must be a whole number").min(1, "must be 1 or more").max(288, "must be at most 288 (a day of 5-minute periods)").default(1),
});

const email = z.string().max(254, "must be at most 254 characters").regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: (i) => `"${String(i.input)}" is not an email address` });

/** Alarms to an SNS topic: the stack's own (with optional email subscriptions) or an existing one. */
const alarmsSchema = z.strictObject({
    topicArn: z.string().regex(SNS_TOPIC_ARN, { error: (i) => `"${String(i.input)}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)` }).optional(),
    emails: z.array(email).min(1, "leave it out for no email subscriptions").superRefine(noDuplicates).optional(),
    ...Object.fromEntries(ALARM_NAMES.map((name) => [name, alarmSettings(name).prefault({})])) as { [K in AlarmName]: z.ZodPrefault<ReturnType<typeof alarmSettings>> },
});

const ROUTE_TABLE_ID = /^rtb-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** The seeds' Client-VPC (infra/test-client.ts): `true` for the defaults, or a map of them. */
const testClientSchema = z.preprocess((v) => (v === true ? {} : v === false ? undefined : v), z.strictObject({
    cidrBlock: cidr.default(TEST_CLIENT.cidrBlock),
    instanceType: z.string({ error: (i) => `expected an EC2 instance type, got ${describe(i.input)}` })
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: (i) => `"${String(i.input)}" is not an EC2 instance type (like t3.micro)` }).default(TEST_CLIENT.instanceType),
    /** An existing hub VPC's route tables that get the route to the client block; unset, the routes are printed. */
    hubRouteTableIds: z.array(z.string().regex(ROUTE_TABLE_ID, { error: (i) => `"${String(i.input)}" is not a route table id (rtb- and 8 or 17 hex)` }))
        .min(1, "leave it out to have the routes printed, or name at least one route table").superRefine(noDuplicates).optional(),
}, { error: (i) => `expected true, false or a map (cidrBlock, instanceType, hubRouteTableIds), got ${describe(i.input)}` }).optional());

/** The organisation's tags, added to every resource's default tags. */
const tagsSchema = z.record(z.string(), z.unknown()).superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > MAX_ORGANISATION_TAGS) ctx.addIssue({ code: "custom", message: `${keys.length} tags; at most ${MAX_ORGANISATION_TAGS} fit (AWS takes 50 tags a resource, and closed-ftp sets up to ${50 - MAX_ORGANISATION_TAGS})` });
    for (const [key, value] of Object.entries(tags)) {
        const problem = tagKeyProblem(key);
        if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
        if (typeof value !== "string") ctx.addIssue({ code: "custom", path: [key], message: `expected a string value, got ${describe(value)}${typeof value === "number" || typeof value === "boolean" ? ` (quote it: "${String(value)}")` : ""}` });
        else if (tagValueProblem(value)) ctx.addIssue({ code: "custom", path: [key], message: tagValueProblem(value) as string });
    }
});

/** The closed-ftp:* keys and their schemas; anything else under the namespace is a typo. */
export const CONFIG_SCHEMA = {
    hub: hubSchema,
    network: networkSchema,
    server: serverSchema.prefault({}),
    accounts: z.record(z.string(), spokeSchema).default({}),
    buckets: z.array(bucketSchema).min(1, "define at least one bucket"),
    users: z.array(userSchema).min(1, "define at least one user"),
    // A Map, not an object: a user called "__proto__" or "constructor" must be a plain key.
    passwords: z.map(z.string(), z.unknown()).default(new Map()),
    bootstrap: bootstrapSchema.optional(),
    dns: dnsSchema.optional(),
    alarms: alarmsSchema.prefault({}),
    /** A CloudWatch dashboard of logins, the IdP, transfers and the alarms. */
    dashboard: z.boolean({ error: (i) => `expected true or false, got ${describe(i.input)}` }).default(true),
    tags: tagsSchema.default({}),
    /** Off unless set: the test client VPC, its peering and instance (README, Verify from inside AWS). */
    testClient: testClientSchema,
} as const;

const regionSchema = z.string({ error: (i) => (i.input === undefined ? "is required (e.g. pulumi config set aws:region ap-northeast-1)" : `"${String(i.input)}" is not an AWS region name`) })
    .regex(REGION, { error: (i) => `"${String(i.input)}" is not an AWS region name` });

/**
 * The whole stack config as one schema: each key's rules and defaults, one cross-field refinement
 * (accounts, homes, certificates, network shape), and the stack model as its output. The
 * refinement runs even where a field failed, so every problem is reported at once.
 */
export const STACK_CONFIG = z.object({ region: regionSchema, ...CONFIG_SCHEMA })
    .superRefine(crossCheck, { when: () => true })
    .transform(toModel);

/** The stack model: what the program deploys. */
export type StackModel = z.output<typeof STACK_CONFIG>;
export type AccountModel = StackModel["hub"];
export type NetworkModel = StackModel["network"];
export type ServerModel = StackModel["server"];
export type BucketModel = StackModel["buckets"][number];
export type UserModel = StackModel["users"][number];

type ConfigValue = z.output<z.ZodObject<{ region: typeof regionSchema } & typeof CONFIG_SCHEMA>>;

function pathOf(path: PropertyKey[]): string {
    const [key, ...rest] = path;
    const head = key === "region" ? "aws:region" : `${NAMESPACE}:${String(key)}`;
    return rest.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`), head);
}

function configIssues(error: z.ZodError): ConfigIssue[] {
    return error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((k) => ({ path: pathOf([...issue.path, k]), message: `unknown key "${k}"` }));
        }
        const input = (issue as { input?: unknown }).input;
        const message = issue.path.length === 1 && input === undefined && issue.path[0] !== "region" ? "is required"
            : issue.code === "invalid_type" && issue.message.startsWith("Invalid input") ? `expected ${issue.expected}, got ${describe(input)}`
                : issue.message;
        return [{ path: pathOf(issue.path), message }];
    });
}

/**
 * Parses every config key (full names → already-parsed values) into the model, or throws every issue
 * at once. With `secretKeys` (the keys the engine marks secret), a password that is not one is refused.
 */
export function parseStackConfig(raw: Record<string, unknown>, secretKeys?: ReadonlySet<string>): StackModel {
    const issues: ConfigIssue[] = [];
    // A password in plain text is in git with the stack file: refuse it, naming the key and the fix.
    for (const key of secretKeys ? Object.keys(raw).filter((k) => k === `${NAMESPACE}:passwords` || k.startsWith(`${NAMESPACE}:passwords.`)) : []) {
        if (secretKeys?.has(key)) continue;
        const users = key === `${NAMESPACE}:passwords` && typeof raw[key] === "object" && raw[key] !== null ? Object.keys(raw[key] as object) : [key.slice(`${NAMESPACE}:passwords.`.length)];
        for (const user of users) issues.push({ path: `${NAMESPACE}:passwords.${user}`, message: `is plain text in the stack file, and so in git: set it with pulumi config set --secret --path '${NAMESPACE}:passwords["${user}"]' (value not shown)` });
    }
    const known = new Set(Object.keys(CONFIG_SCHEMA));
    for (const key of Object.keys(raw).filter((k) => k.startsWith(`${NAMESPACE}:`))) {
        const name = key.slice(NAMESPACE.length + 1);
        if (!known.has(name) && !name.startsWith("passwords.")) issues.push({ path: key, message: `unknown key; closed-ftp keys are ${[...known].join(", ")}` });
    }
    const input: Record<string, unknown> = { region: raw["aws:region"] };
    for (const name of known) input[name] = raw[`${NAMESPACE}:${name}`];
    // Passwords come as one map and as flat `closed-ftp:passwords.<user>` keys (pulumi config set --path).
    const nested = raw[`${NAMESPACE}:passwords`];
    const flat = Object.entries(raw).filter(([k]) => k.startsWith(`${NAMESPACE}:passwords.`)).map(([k, v]): [string, unknown] => [k.slice(`${NAMESPACE}:passwords.`.length), v]);
    if (nested !== undefined && (typeof nested !== "object" || nested === null || Array.isArray(nested))) issues.push({ path: `${NAMESPACE}:passwords`, message: `expected a map of user names to passwords, got ${describe(nested)}` });
    else if (nested !== undefined || flat.length > 0) input.passwords = new Map([...Object.entries((nested ?? {}) as Record<string, unknown>), ...flat]);
    const result = STACK_CONFIG.safeParse(input, { reportInput: true });
    if (!result.success) issues.push(...configIssues(result.error));
    if (issues.length > 0 || !result.success) throw new ConfigValidationError(issues);
    return result.data;
}

// Read defensively: where a field failed its own rules, the refinement sees what the user wrote.
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function crossCheck(value: ConfigValue, ctx: z.RefinementCtx): void {
    const add = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const region = str(value.region) ?? "";
    const partition = partitionOf(region);
    const hub = isObject(value.hub) ? value.hub : undefined;
    const hubAccount = str(hub?.accountId);
    const network = isObject(value.network) ? value.network : undefined;
    const server: Record<string, unknown> = isObject(value.server) ? value.server : {};
    const accounts = isObject(value.accounts) ? value.accounts : {};

    const checkRole = (path: PropertyKey[], arn: unknown, account: unknown) => {
        // A role or account id that fails its own rule is reported there already.
        if (typeof arn !== "string" || !IAM_ROLE_ARN.test(arn) || typeof account !== "string" || !ACCOUNT_ID.test(account)) return;
        const [, rolePartition, , , roleAccount] = arn.split(":");
        if (roleAccount !== account) add(path, `role is in account ${roleAccount}, but the account is ${String(account)}: the provider would refuse to deploy`);
        if (region && rolePartition !== partition) add(path, `partition "${rolePartition}" does not match region ${region} (partition ${partition})`);
    };
    if (hub) {
        checkRole(["hub", "deployRoleArn"], hub.deployRoleArn, hubAccount);
        checkRole(["hub", "previewRoleArn"], hub.previewRoleArn, hubAccount);
    }

    const seenAccounts = new Map<string, string>(hubAccount ? [[hubAccount, HUB_KEY]] : []);
    for (const [key, spoke] of Object.entries(accounts)) {
        if (!ACCOUNT_KEY.test(key) || key === HUB_KEY) add(["accounts", key], `account key "${key}" must be lowercase letters, digits or dashes (max 31), starting with a letter, and not "${HUB_KEY}"`);
        if (!isObject(spoke)) continue;
        checkRole(["accounts", key, "deployRoleArn"], spoke.deployRoleArn, spoke.accountId);
        checkRole(["accounts", key, "previewRoleArn"], spoke.previewRoleArn, spoke.accountId);
        const accountId = str(spoke.accountId);
        if (!accountId) continue;
        const owner = seenAccounts.get(accountId);
        if (owner) add(["accounts", key, "accountId"], `${accountId} is already ${owner === HUB_KEY ? "the hub account" : `account "${owner}"`}: one provider per account`);
        else seenAccounts.set(accountId, key);
    }

    const bootstrap = isObject(value.bootstrap) ? value.bootstrap : undefined;
    if (!bootstrap) {
        for (const [key, spoke] of Object.entries(accounts)) {
            if (isObject(spoke) && spoke.deployRoleArn === undefined) add(["accounts", key, "deployRoleArn"], `is required (or add ${NAMESPACE}:bootstrap, whose roles every account then uses)`);
        }
    } else {
        const stateAccount = str(bootstrap.stateAccount) ?? HUB_KEY;
        if (stateAccount !== HUB_KEY && !Object.hasOwn(accounts, stateAccount)) add(["bootstrap", "stateAccount"], `account "${stateAccount}" is not hub or a key of ${NAMESPACE}:accounts (defined: ${Object.keys(accounts).join(", ") || "none"})`);
        const github = isObject(bootstrap.github) ? bootstrap.github : undefined;
        if (!github && bootstrap.administratorRoleArns === undefined) add(["bootstrap"], "name who may assume the roles: github (a repository's environments) and/or administratorRoleArns; otherwise nobody could deploy");
        const provider = str(github?.oidcProviderArn);
        const providerMatch = provider ? OIDC_PROVIDER_ARN.exec(provider) : null;
        if (providerMatch && hubAccount && providerMatch[2] !== hubAccount) add(["bootstrap", "github", "oidcProviderArn"], `is in account ${providerMatch[2]}, but the CI roles live in the hub account ${hubAccount}`);
        if (providerMatch && region && providerMatch[1] !== partition) add(["bootstrap", "github", "oidcProviderArn"], `partition "${providerMatch[1]}" does not match region ${region} (partition ${partition})`);
        const estate = new Set([hubAccount, ...Object.values(accounts).map((a) => (isObject(a) ? str(a.accountId) : undefined))].filter((a): a is string => !!a));
        strings(bootstrap.administratorRoleArns).forEach((arn, i) => {
            const account = IAM_ROLE_ARN.test(arn) ? arn.split(":")[4] : undefined;
            if (account && estate.size > 0 && !estate.has(account)) add(["bootstrap", "administratorRoleArns", i], `is in account ${account}, outside the estate (${[...estate].join(", ")}): name a role of the hub or a spoke`);
            if (strings(bootstrap.administratorRoleArns).indexOf(arn) !== i) add(["bootstrap", "administratorRoleArns", i], "is listed twice");
        });
    }

    if (network) {
        const existing = network.vpcId !== undefined || network.subnetIds !== undefined;
        const fresh = network.cidrBlock !== undefined || network.availabilityZones !== undefined || network.availabilityZoneIds !== undefined;
        const reused = strings(network.existingEndpoints);
        if (new Set(reused).size !== reused.length) add(["network", "existingEndpoints"], "lists an endpoint twice");
        if (fresh && reused.length > 0) add(["network", "existingEndpoints"], "only an existing VPC (vpcId) can have endpoints already; a new VPC gets its own");
        if (reused.includes("secretsmanager") && server.idpVpcAttached === false) add(["network", "existingEndpoints"], `lists secretsmanager, but ${NAMESPACE}:server.idpVpcAttached is false: the IdP does not use it`);
        const zoneIds = strings(network.availabilityZoneIds);
        if (new Set(zoneIds).size !== zoneIds.length) add(["network", "availabilityZoneIds"], "lists a zone twice");
        if (network.availabilityZoneIds !== undefined && typeof network.availabilityZones === "number" && network.availabilityZones !== zoneIds.length) {
            add(["network", "availabilityZones"], `is ${network.availabilityZones} but availabilityZoneIds names ${zoneIds.length}: leave the count out`);
        }
        if (existing && network.availabilityZoneIds !== undefined) add(["network", "availabilityZoneIds"], "is for a new VPC (cidrBlock); an existing VPC's zones are those of its subnets");
        if (existing && fresh) add(["network"], "give an existing VPC (vpcId + subnetIds) or a new one (cidrBlock), not both");
        else if (!existing && !fresh) add(["network"], "give an existing VPC (vpcId + subnetIds) or a CIDR for a new isolated VPC (cidrBlock)");
        else if (existing) {
            if (network.vpcId === undefined) add(["network", "vpcId"], "is required with subnetIds");
            const subnets = strings(network.subnetIds);
            if (network.subnetIds === undefined) add(["network", "subnetIds"], "is required with vpcId: the server's endpoint needs subnets");
            else if (new Set(subnets).size !== subnets.length) add(["network", "subnetIds"], "lists a subnet twice");
        } else if (network.cidrBlock === undefined) add(["network", "cidrBlock"], "is required with availabilityZones");
        else if (typeof network.cidrBlock === "string" && ipaddr.isValidCIDR(network.cidrBlock)) {
            const bits = Number(network.cidrBlock.split("/")[1]);
            const range = network.cidrBlock.includes(":") ? "ipv6" : ipaddr.IPv4.parse(network.cidrBlock.split("/")[0]).range();
            if (network.cidrBlock.includes(":") || bits < 16 || bits > 24) add(["network", "cidrBlock"], `"${network.cidrBlock}" must be an IPv4 block from /16 to /24`);
            else if (range !== "private" && range !== "carrierGradeNat") add(["network", "cidrBlock"], `"${network.cidrBlock}" is not a private range (10/8, 172.16/12, 192.168/16 or 100.64/10): a closed VPC uses private addresses`);
        }
    }

    // Read in capitals: "ftps" is reported once, as a spelling, not again as a missing certificate.
    const protocols: unknown[] = (Array.isArray(server.protocols) ? server.protocols : DEFAULTS.protocols).map((p) => (typeof p === "string" ? p.toUpperCase() : p));
    const certificateArn = str(server.certificateArn);
    if (new Set(protocols).size !== protocols.length) add(["server", "protocols"], "lists a protocol twice");
    if (protocols.includes("FTPS") && !certificateArn) add(["server", "certificateArn"], "is required when protocols include FTPS (an ACM certificate ARN)");
    if (!protocols.includes("FTPS") && certificateArn) add(["server", "certificateArn"], "is set but FTPS is not in protocols: it would be ignored");
    if (certificateArn) {
        const match = ACM_ARN.exec(certificateArn);
        if (!match) add(["server", "certificateArn"], `"${certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`);
        else if ((region && match[2] !== region) || (hubAccount && match[3] !== hubAccount)) add(["server", "certificateArn"], `the certificate must be in the hub account ${hubAccount} and region ${region}, not ${match[3]} ${match[2]}`);
    }
    const passiveIp = str(server.passiveIp);
    if (passiveIp !== undefined && passiveIp !== "AUTO") {
        if (!ipaddr.IPv4.isValidFourPartDecimal(passiveIp)) add(["server", "passiveIp"], `"${passiveIp}" is not AUTO or an IPv4 address`);
        else if (["unspecified", "broadcast", "multicast", "loopback"].includes(ipaddr.IPv4.parse(passiveIp).range())) add(["server", "passiveIp"], `"${passiveIp}" is not an address a client can connect to`);
    }

    const bucketKeys = new Set<string>();
    const physicalNames = new Set<string>();
    const bucketList: unknown[] = Array.isArray(value.buckets) ? value.buckets : [];
    const currentNames = new Set(bucketList.flatMap((b) => (isObject(b) && typeof b.name === "string" ? [b.name] : [])));
    const formerOwner = new Map<string, string>();
    bucketList.forEach((b: unknown, i) => {
        if (!isObject(b) || typeof b.name !== "string") return;
        if (bucketKeys.has(b.name)) add(["buckets", i, "name"], `bucket "${b.name}" is defined twice`);
        bucketKeys.add(b.name);
        // Two buckets claiming one former name would both take over its resources.
        strings(b.formerNames).forEach((former, j) => {
            if (currentNames.has(former)) add(["buckets", i, "formerNames", j], `"${former}" is the name of a bucket defined now: a former name must be free`);
            else if (formerOwner.get(former) === b.name) add(["buckets", i, "formerNames", j], `"${former}" is listed twice`);
            else if (formerOwner.has(former)) add(["buckets", i, "formerNames", j], `"${former}" is already a former name of bucket "${formerOwner.get(former)}"`);
            else formerOwner.set(former, b.name as string);
        });
        const physical = str(b.bucketName);
        if (physical) {
            if (physicalNames.has(physical)) add(["buckets", i, "bucketName"], `"${physical}" is used by another bucket`);
            physicalNames.add(physical);
        }
        const account = str(b.account) ?? HUB_KEY;
        if (account !== HUB_KEY && !Object.hasOwn(accounts, account)) {
            add(["buckets", i, "account"], `account "${account}" is not defined in ${NAMESPACE}:accounts (defined: ${Object.keys(accounts).join(", ") || "none"}; leave it out for the hub)`);
        }
    });

    const userNames = new Set<string>();
    const allowed = strings(network?.allowedCidrs).filter((c) => parseCidr(c).ok);
    (Array.isArray(value.users) ? value.users : []).forEach((u: unknown, i) => {
        if (!isObject(u)) return;
        const userName = str(u.userName);
        if (userName !== undefined) {
            if (userNames.has(userName)) add(["users", i, "userName"], `user "${userName}" is defined twice`);
            userNames.add(userName);
        }
        const home = str(u.home);
        if (home !== undefined && home.startsWith("/")) {
            const example = home.replace(/^\/+/, "") || "inbox/user1";
            add(["users", i, "home"], `"${home}" starts with "/": write the bucket's name first, as in ${example} (<bucket name>/<prefix>; the user's "/" is that prefix)`);
        } else if (home !== undefined) {
            const { bucket, prefix } = splitHome(home);
            if (!bucketKeys.has(bucket)) add(["users", i, "home"], `bucket "${bucket}" is not defined in ${NAMESPACE}:buckets (defined: ${[...bucketKeys].join(", ") || "none"})`);
            // The same rule the session policy renderer enforces, reported here before anything deploys.
            const problem = prefix === "" ? "needs a prefix after the bucket: <bucket>/<prefix>" : prefixProblem(prefix);
            if (problem) add(["users", i, "home"], problem);
        }
        if (!network || allowed.length !== strings(network.allowedCidrs).length) return;
        strings(u.allowedSourceCidrs).forEach((source, j) => {
            if (!parseCidr(source).ok) return;
            if (!allowed.some((outer) => cidrContains(outer, source))) {
                add(["users", i, "allowedSourceCidrs", j], `"${source}" is outside ${NAMESPACE}:network.allowedCidrs (${allowed.join(", ")}): the security group drops it anyway`);
            }
        });
    });

    const dns = isObject(value.dns) ? value.dns : undefined;
    const dnsAccount = str(dns?.account) ?? HUB_KEY;
    if (dns && dnsAccount !== HUB_KEY && !Object.hasOwn(accounts, dnsAccount)) {
        add(["dns", "account"], `account "${dnsAccount}" is not hub or a key of ${NAMESPACE}:accounts (defined: ${Object.keys(accounts).join(", ") || "none"}): add the zone's account there, like a spoke`);
    }
    const alarms = isObject(value.alarms) ? value.alarms : undefined;
    const topicArn = str(alarms?.topicArn);
    const topic = topicArn ? SNS_TOPIC_ARN.exec(topicArn) : null;
    if (topic && region && (topic[2] !== region || topic[1] !== partition)) add(["alarms", "topicArn"], `is in ${topic[2]}, but CloudWatch alarms publish only to topics of their own region, ${region}`);
    if (topicArn && alarms?.emails !== undefined) add(["alarms", "emails"], "subscribe to the stack's own topic: with topicArn, add the subscriptions to that topic where it is managed");

    const client = isObject(value.testClient) ? value.testClient : undefined;
    const clientCidr = str(client?.cidrBlock);
    if (clientCidr && parseCidr(clientCidr).ok) {
        const bits = Number(clientCidr.split("/")[1]);
        const range = clientCidr.includes(":") ? "ipv6" : ipaddr.IPv4.parse(clientCidr.split("/")[0]).range();
        if (clientCidr.includes(":") || bits < 16 || bits > 26) add(["testClient", "cidrBlock"], `"${clientCidr}" must be an IPv4 block from /16 to /26 (its one subnet is a quarter of it, and AWS's smallest subnet is /28)`);
        else if (range !== "private" && range !== "carrierGradeNat") add(["testClient", "cidrBlock"], `"${clientCidr}" is not a private range (10/8, 172.16/12, 192.168/16 or 100.64/10)`);
        const clash = strings(network?.allowedCidrs).filter((c) => parseCidr(c).ok).find((c) => cidrsOverlap(c, clientCidr));
        if (clash) add(["testClient", "cidrBlock"], `"${clientCidr}" overlaps ${NAMESPACE}:network.allowedCidrs ${clash}: the hub could not tell the test client's routes from the clients' own; choose a block the network does not use`);
        const newBlock = str(network?.cidrBlock);
        if (newBlock && parseCidr(newBlock).ok && cidrsOverlap(newBlock, clientCidr)) {
            add(["testClient", "cidrBlock"], `"${clientCidr}" overlaps the hub VPC ${newBlock}: VPC peering refuses overlapping blocks`);
        }
    }
    if (client?.hubRouteTableIds !== undefined && network?.vpcId === undefined) add(["testClient", "hubRouteTableIds"], "is for an existing hub VPC (network.vpcId): a new VPC's route tables are the stack's, and get the routes");

    const passwords = value.passwords instanceof Map ? value.passwords : new Map<string, unknown>();
    for (const [user, password] of passwords) {
        if (!userNames.has(user)) add(["passwords", user], `"${user}" is not a user defined in ${NAMESPACE}:users`);
        if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) add(["passwords", user], `must be at least ${MIN_PASSWORD_LENGTH} characters (value not shown)`);
    }
}

function splitHome(home: string): { bucket: string; prefix: string } {
    const slash = home.indexOf("/");
    return slash < 0 ? { bucket: home, prefix: "" } : { bucket: home.slice(0, slash), prefix: home.slice(slash + 1) };
}

/** The validated config as the program wants it: accounts with keys, the network by kind, homes split. */
function toModel(c: ConfigValue) {
    const network = c.network.vpcId !== undefined
        ? { kind: "existing" as const, vpcId: c.network.vpcId, subnetIds: c.network.subnetIds ?? [], existingEndpoints: c.network.existingEndpoints ?? [], allowedCidrs: c.network.allowedCidrs }
        : {
            kind: "new" as const, cidrBlock: c.network.cidrBlock ?? "", availabilityZones: c.network.availabilityZoneIds?.length ?? c.network.availabilityZones ?? DEFAULTS.availabilityZones,
            ...(c.network.availabilityZoneIds ? { availabilityZoneIds: c.network.availabilityZoneIds } : {}), allowedCidrs: c.network.allowedCidrs,
        };
    const account = (key: string, a: { accountId: string; deployRoleArn?: string; previewRoleArn?: string }) => ({
        key, accountId: a.accountId,
        ...(a.deployRoleArn ? { deployRoleArn: a.deployRoleArn } : {}),
        ...(a.previewRoleArn ? { previewRoleArn: a.previewRoleArn } : {}),
    });
    const { certificateArn, idpReservedConcurrency, ...server } = c.server;
    return {
        region: c.region,
        hub: account(HUB_KEY, c.hub),
        spokes: Object.entries(c.accounts).sort(([a], [b]) => a.localeCompare(b)).map(([key, s]) => account(key, s)),
        network,
        server: { ...server, ...(certificateArn ? { certificateArn } : {}), ...(idpReservedConcurrency !== undefined ? { idpReservedConcurrency } : {}) },
        buckets: c.buckets.map(({ bucketName, formerNames, lifecycle, ...b }) => ({
            ...b, ...(bucketName ? { bucketName } : {}), formerNames: formerNames ?? [], lifecycle,
        })),
        users: c.users.map(({ home, allowedSourceCidrs, passwordVersion, ...u }) => ({
            ...u, ...splitHome(home),
            ...(allowedSourceCidrs ? { allowedSourceCidrs } : {}),
            ...(passwordVersion !== undefined ? { passwordVersion } : {}),
        })),
        ...(c.bootstrap ? { bootstrap: {
            stateAccount: c.bootstrap.stateAccount,
            ...(c.bootstrap.github ? { github: c.bootstrap.github } : {}),
            administratorRoleArns: c.bootstrap.administratorRoleArns ?? [],
            ...(c.bootstrap.accountAccessRoleName ? { accountAccessRoleName: c.bootstrap.accountAccessRoleName } : {}),
        } } : {}),
        ...(c.dns ? { dns: c.dns } : {}),
        alarms: c.alarms,
        dashboard: c.dashboard,
        tags: c.tags as Record<string, string>,
        ...(c.testClient ? { testClient: c.testClient as { cidrBlock: string; instanceType: string; hubRouteTableIds?: string[] } } : {}),
        /** Plaintext passwords from closed-ftp:passwords (secret config), by user name. */
        passwords: Object.fromEntries([...c.passwords].map(([user, password]) => [user, String(password)])),
    };
}

/** Whether two blocks share an address (one holds the other). */
export function cidrsOverlap(a: string, b: string): boolean {
    return cidrContains(a, b) || cidrContains(b, a);
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
        // The engine hands every value over as a string: structured ones as JSON, and YAML's true and false as "true" and "false".
        raw[key] = /^\s*[[{]/.test(value) ? parseJson(key, value) : value === "true" ? true : value === "false" ? false : value;
    }
    // The keys the engine marks secret, as the CLI's language host passes them; a host that passes none
    // (an old CLI) leaves the check to the offline plan, rather than refuse every password.
    const given = process.env.PULUMI_CONFIG_SECRET_KEYS;
    return parseStackConfig(raw, given ? new Set<string>(JSON.parse(given) as string[]) : undefined);
}

function parseJson(key: string, value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        throw new ConfigValidationError([{ path: key, message: "is not valid structured config (JSON/YAML)" }]);
    }
}
