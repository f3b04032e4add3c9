// The offline plan: the real program, run by Pulumi's own runner against the mock cloud, with a
// stack file's config.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigValidationError } from "../stacks/config";
import { Credentials, CREDENTIALS_ENV } from "../stacks/credentials";
import { dnsWorldAsDeclared, MockCertificate, MockCloud, MockHostedZone, MockVpc, revealSecrets, worldAsDeclared } from "./mock-cloud";
import { ConfigTooLargeError, ProgramError, ProjectFileError, readProjectFile, runProgram } from "./runner";
import { PlanDocument } from "./format";

export const PROJECT = "closed-ftp";
/** The bootstrap project's name (bootstrap/Pulumi.yaml). */
export const BOOTSTRAP_PROJECT = "closed-ftp-bootstrap";
/** This repository: the project whose program the plan runs. */
export const PROJECT_DIR = path.resolve(__dirname, "..");
/** What a `secure:` value becomes offline: long enough to pass the password rules, obviously fake. */
export const OFFLINE_SECRET = "offline-plan-placeholder-secret";

export class PlanInputError extends Error {}

export interface StackConfig {
    /** Full config keys → values as strings, the way the Pulumi engine hands them to a program. */
    config: Record<string, string>;
    /** Keys whose value (or part of it) was `secure:` in the stack file. */
    secretKeys: string[];
}

export function stackFilePath(stack: string, dir: string): string {
    return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function availableStacks(dir: string): string[] {
    return fs.readdirSync(dir).map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
}

function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map(replaceSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (Object.keys(record).length === 1 && typeof record.secure === "string") return { value: OFFLINE_SECRET, secret: true };
        const entries = Object.entries(record).map(([k, v]) => [k, replaceSecure(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/** Reads Pulumi.<stack>.yaml as the engine would pass it to the program; `secure:` values become placeholders. */
export function readStackFile(stack: string, dir: string): StackConfig {
    const file = stackFilePath(stack, dir);
    if (!fs.existsSync(file)) {
        const known = availableStacks(dir);
        throw new PlanInputError(`--stack ${stack}: ${path.basename(file)} does not exist in ${dir} (stacks here: ${known.join(", ") || "none"})`);
    }
    let document: unknown;
    try {
        document = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanInputError(`${path.basename(file)}: not valid YAML: ${(err as Error).message}`);
    }
    const raw = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof raw !== "object" || Array.isArray(raw)) throw new PlanInputError(`${path.basename(file)}: "config" must be a map of keys to values`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        // The engine marks a map secret if any part is: a plain password beside secure ones would pass the program's check.
        if (key === "closed-ftp:passwords" && typeof value === "object" && value !== null && !Array.isArray(value)) {
            const plain = Object.entries(value).filter(([, v]) => !replaceSecure(v).secret).map(([user]) => user);
            if (plain.length > 0) throw new PlanInputError(`${path.basename(file)}: closed-ftp:passwords.${plain.join(", closed-ftp:passwords.")}: plain text in the stack file, and so in git: set each with pulumi config set --secret --path 'closed-ftp:passwords["<user>"]'`);
        }
        const replaced = replaceSecure(value);
        config[key] = typeof replaced.value === "string" ? replaced.value : JSON.stringify(replaced.value);
        if (replaced.secret) secretKeys.push(key);
    }
    return { config, secretKeys };
}

export interface PlanRun {
    cloud: MockCloud;
    /** Resources and outputs with secret markers kept; render with `renderPlan`. */
    document: PlanDocument;
    /** The program process's peak memory, where the platform tells it. */
    programPeakMb?: number;
}

/**
 * Runs the program on a fresh mock cloud. Throws the program's own errors (a ConfigValidationError
 * for bad config) and any error raised while resources resolve.
 */
export interface PlanOptions {
    /** The existing VPCs of the hub account; default: the one the stack file names, as it declares it. */
    vpcs?: Record<string, MockVpc>;
    credentials?: Credentials;
    /** The project folder (Pulumi.yaml) whose program runs; default: this repository. */
    projectDir?: string;
    /** Plan as the first `pulumi preview` of a new stack: every value the cloud computes is unknown. */
    firstPreview?: boolean;
    /** Zones (by name) that offer an endpoint service, by service ("transfer.server"); default: every zone offers every service. */
    endpointServiceZones?: Record<string, string[]>;
    /** The hosted zones and certificates that exist; default: closed-ftp:dns's zone, private, and a certificate naming its record. */
    hostedZones?: Record<string, MockHostedZone>;
    certificates?: Record<string, MockCertificate>;
    /** Extra environment for the program (the bootstrap's CLOSED_FTP_STACK_FILE). */
    env?: Record<string, string>;
}

/** The bootstrap project (bootstrap/Pulumi.yaml): run once per estate before the first deploy. */
export const BOOTSTRAP_DIR = path.join(PROJECT_DIR, "bootstrap");

/**
 * Plans the bootstrap of a stack: its program reads the main project's stack file (at `stackFile`),
 * and takes no Pulumi config of its own but the region the mock cloud answers in.
 */
export function runBootstrapPlan(stack: string, stackFile: string, main: StackConfig, options: PlanOptions = {}): Promise<PlanRun> {
    const region = main.config["aws:region"];
    return runPlan(stack, { config: region === undefined ? {} : { "aws:region": region }, secretKeys: [] }, {
        ...options, projectDir: BOOTSTRAP_DIR, vpcs: {}, env: { ...options.env, CLOSED_FTP_STACK_FILE: stackFile },
    });
}

function parsedOrNothing(value: string | undefined): unknown {
    try {
        return value === undefined ? undefined : JSON.parse(value);
    } catch {
        return undefined;
    }
}

/**
 * Runs the program through Pulumi's own runner (`pulumi preview`'s way) on a fresh mock cloud.
 * Rejects with the program's ConfigValidationError for bad config (every issue with its path), and
 * otherwise with a ProgramError carrying the program's own messages and what the mock cloud refused.
 */
export async function runPlan(stack: string, stackConfig: StackConfig, options: PlanOptions = {}): Promise<PlanRun> {
    const region = stackConfig.config["aws:region"];
    const vpcs = options.vpcs ?? worldAsDeclared(parsedOrNothing(stackConfig.config["closed-ftp:network"]), region, parsedOrNothing(stackConfig.config["closed-ftp:testClient"]));
    const declared = dnsWorldAsDeclared(parsedOrNothing(stackConfig.config["closed-ftp:dns"]), parsedOrNothing(stackConfig.config["closed-ftp:server"]));
    const cloud = new MockCloud({
        defaultRegion: region, vpcs, firstPreview: options.firstPreview, endpointServiceZones: options.endpointServiceZones,
        hostedZones: options.hostedZones ?? declared.hostedZones, certificates: options.certificates ?? declared.certificates,
    });
    const run = await runProgram({
        dir: options.projectDir ?? PROJECT_DIR, stack, config: stackConfig.config, secretKeys: stackConfig.secretKeys, cloud,
        env: { [CREDENTIALS_ENV]: options.credentials ?? "deploy", ...options.env },
    }).catch((err: unknown) => {
        // The program ends bad config with a RunError listing every issue: hand it back as the error it was.
        const configError = err instanceof ProgramError ? err.messages.map(ConfigValidationError.fromMessage).find((e) => e !== undefined) : undefined;
        throw configError ?? err;
    });
    const refusals = cloud.refusals();
    if (refusals.length > 0) throw new ProgramError(refusals, 0, "");
    const project = readProjectFile(options.projectDir ?? PROJECT_DIR).name;
    return { cloud, programPeakMb: run.programPeakMb, document: { stack, project, ...(options.firstPreview ? { firstPreview: true } : {}), resources: cloud.resources, outputs: run.outputs } };
}

/**
 * What a CLI prints when a plan fails: the input's or the program's own words (a config error lists
 * every issue with its path, as `pulumi preview` prints it), and a stack trace only for a bug.
 */
export function describePlanFailure(err: unknown): string {
    const known = [ConfigValidationError, PlanInputError, ProjectFileError, ConfigTooLargeError, ProgramError];
    if (known.some((kind) => err instanceof kind)) return (err as Error).message;
    return `the program failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
}

/** The plan's public JSON: secrets as "[secret]" unless shown. */
export function renderPlan(document: PlanDocument, showSecrets: boolean): PlanDocument {
    return revealSecrets(document, showSecrets) as PlanDocument;
}

function countBy<T>(items: T[], key: (item: T) => string): [string, number][] {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** "1 resource", "2 resources". */
export function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Rows as a plain-text table, columns padded to their widest cell. */
function textTable(header: string[], rows: string[][]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/**
 * The human summary: what each account gets, with counts (with `names`, each resource's name), who
 * lands where, what is protected, and the outputs as indented YAML.
 */
export function summarizePlan(run: PlanRun, showSecrets: boolean, options: { names?: boolean } = {}): string {
    const { cloud, document } = run;
    const what = document.project === BOOTSTRAP_PROJECT ? `the bootstrap (${BOOTSTRAP_PROJECT}) of stack "${document.stack}"` : `stack "${document.stack}"`;
    const lines = [`Offline plan of ${what} (Pulumi's runner against the mock cloud: no AWS)`, ""];
    const providers = cloud.byType("pulumi:providers:aws");
    const custom = document.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const listing = (group: typeof custom) => {
        for (const [type, count] of countBy(group, (r) => r.type)) {
            lines.push(`  ${String(count).padStart(4)}  ${type}`);
            if (options.names) for (const r of group.filter((x) => x.type === type)) lines.push(`          ${r.name}`);
        }
    };
    for (const provider of providers) {
        const own = custom.filter((r) => r.provider === provider.urn);
        const assumed = revealSecrets(provider.inputs.assumeRoles, showSecrets);
        const via = typeof assumed === "string" && assumed.startsWith("[") ? (JSON.parse(assumed) as { roleArn?: string }[])[0]?.roleArn : undefined;
        lines.push(`account ${cloud.accountOf(provider)} (${provider.name}, ${provider.inputs.region}${via ? `, assumes ${via}` : ", ambient credentials"}): ${plural(own.length, "resource")}`);
        listing(own);
        lines.push("");
    }
    const groups: [string, typeof custom][] = [
        ["on a DEFAULT provider (ambient credentials, no account pinned)", custom.filter((r) => r.provider === null)],
        ["no AWS account (the seed of generated passwords and salts, kept only in Pulumi state)", custom.filter((r) => r.provider !== null && !providers.some((p) => p.urn === r.provider))],
    ];
    for (const [title, group] of groups.filter(([, g]) => g.length > 0)) {
        lines.push(`${title}: ${plural(group.length, "resource")}`);
        listing(group);
        lines.push("");
    }
    const outputs = revealSecrets(document.outputs, showSecrets) as Record<string, unknown>;
    // Who lands where: the reviewer's question of every change to closed-ftp:users.
    const users = Object.entries((outputs.users ?? {}) as Record<string, { access?: string; account?: string; accountId?: string; bucket?: string; prefix?: string; allowedSourceCidrs?: string[] }>);
    if (users.length > 0) {
        lines.push(`users: ${plural(users.length, "user")}`);
        lines.push(...textTable(["user", "access", "account", "home (bucket/prefix)", "source ranges"], users.sort(([a], [b]) => a.localeCompare(b)).map(([name, u]) => [
            name, String(u.access ?? ""), `${u.account ?? ""} (${u.accountId ?? ""})`, `${u.bucket ?? ""}/${u.prefix ?? ""}`, u.allowedSourceCidrs?.join(", ") ?? "any allowed client",
        ])));
        lines.push("");
    }
    // What no config change or destroy can delete: the engine refuses, and the guardrails insist.
    const guarded = custom.filter((r) => r.protect || r.retainOnDelete);
    lines.push(`protected (a delete or replace stops with the engine's protection error): ${plural(custom.filter((r) => r.protect).length, "resource")}; kept in AWS if removed (retainOnDelete): ${custom.filter((r) => r.retainOnDelete).length}`);
    for (const [type, count] of countBy(guarded, (r) => r.type)) lines.push(`  ${String(count).padStart(4)}  ${type}`);
    lines.push("");
    const components = document.resources.filter((r) => !r.custom);
    lines.push(`components: ${countBy(components, (r) => r.type).map(([t, n]) => `${n} ${t.split(":").pop()}`).join(", ") || "none"}`);
    lines.push(`total: ${plural(document.resources.length, "resource")} (${plural(providers.length, "AWS provider")}, ${plural(custom.length, "cloud resource")}, ${plural(components.length, "component")})`);
    lines.push("", "outputs:");
    lines.push(...stringifyYaml(outputs, { lineWidth: 0, sortMapEntries: true }).trimEnd().split("\n").map((l) => `  ${l}`));
    return lines.join("\n");
}
