// Runs the program the way `pulumi preview` does, with the mock cloud as its engine: the Pulumi CLI's
// Node.js language host starts @pulumi/pulumi/cmd/run with the engine's and monitor's addresses, the
// project and stack, `--dry-run` for a preview, the working directory and entry point taken from
// Pulumi.yaml's `main`, the stack's config in PULUMI_CONFIG and its secret keys in
// PULUMI_CONFIG_SECRET_KEYS; the runner compiles TypeScript itself (ts-node, the project's compiler).
import { spawn } from "child_process";
import * as os from "os";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { MockCloud } from "./mock-cloud/cloud";
import { LogEntry, serveMockCloud } from "./mock-cloud/monitor";

const RUN = require.resolve("@pulumi/pulumi/cmd/run");
/** How long a program may take before the run is abandoned (the largest bench stack takes under a minute). */
const RUN_TIMEOUT_MS = 10 * 60_000;
/**
 * The longest single environment string Linux passes to a new program (MAX_ARG_STRLEN, 32 pages:
 * https://man7.org/linux/man-pages/man2/execve.2.html, "Limits on size of arguments and
 * environment"). Pulumi's language host hands the stack's config to the program as one variable,
 * PULUMI_CONFIG, so a config larger than this cannot start at all ("argument list too long").
 */
export const MAX_ENV_STRING_BYTES = 131_072;

export interface ProjectFile {
    name: string;
    /** The working directory the program starts in, and its entry point (cmd/run's program argument). */
    pwd: string;
    program: string;
    typescript: boolean;
    /** `runtime.options.nodeargs`: what the language host passes to node before cmd/run. */
    nodeArgs: string[];
}

export class ProjectFileError extends Error {}

/** The stack's config is too large for Pulumi to hand to the program. */
export class ConfigTooLargeError extends Error {}

/** Refuses, before starting anything, a config Linux would refuse to pass: names its size and largest keys. */
export function checkConfigSize(config: Record<string, string>): void {
    const bytes = Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(config)}`) + 1;
    if (bytes <= MAX_ENV_STRING_BYTES) return;
    const largest = Object.entries(config).map(([key, value]) => [key, Buffer.byteLength(value)] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
    throw new ConfigTooLargeError(`the stack's config is ${bytes} bytes as PULUMI_CONFIG, and Linux passes a program one environment variable of at most ${MAX_ENV_STRING_BYTES} bytes (execve(2), MAX_ARG_STRLEN): Pulumi could not start the program. Largest keys: ${largest.map(([k, n]) => `${k} (${n} bytes)`).join(", ")}. Split the stack, or shorten what repeats (user names, homes).`);
}

/**
 * Pulumi.yaml as the CLI reads it for a run: `main` names a folder (the program is its package) or a
 * file (the program starts in the file's folder), relative to the project, never outside it
 * (pulumi/pulumi sdk/go/common/workspace/project.go, GetPwdMain).
 */
export function readProjectFile(dir: string): ProjectFile {
    const file = path.join(dir, "Pulumi.yaml");
    let doc: { name?: unknown; main?: unknown; runtime?: unknown };
    try {
        doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as typeof doc;
    } catch (err) {
        throw new ProjectFileError(`${file}: ${(err as Error).message}`);
    }
    if (typeof doc.name !== "string" || doc.name === "") throw new ProjectFileError(`${file}: "name" must name the project`);
    const runtime = doc.runtime as { name?: unknown; options?: { typescript?: unknown; nodeargs?: unknown } } | string | undefined;
    const runtimeName = typeof runtime === "string" ? runtime : runtime?.name;
    if (runtimeName !== "nodejs") throw new ProjectFileError(`${file}: runtime must be nodejs, found ${JSON.stringify(runtimeName)}`);
    const options = typeof runtime === "object" ? runtime?.options ?? {} : {};
    const typescript = options.typescript !== false;
    if (options.nodeargs !== undefined && typeof options.nodeargs !== "string") throw new ProjectFileError(`${file}: runtime.options.nodeargs must be a string of node flags`);
    const nodeArgs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter((a) => a !== "") : [];
    const base = { name: doc.name, typescript, nodeArgs };
    if (doc.main === undefined) return { ...base, pwd: dir, program: "." };
    if (typeof doc.main !== "string" || path.isAbsolute(doc.main)) throw new ProjectFileError(`${file}: "main" must be a path relative to the project`);
    const main = path.resolve(dir, doc.main);
    const relative = path.relative(dir, main);
    if (relative === ".." || relative.startsWith(`..${path.sep}`)) throw new ProjectFileError(`${file}: "main" must be inside the project`);
    if (!fs.existsSync(main)) throw new ProjectFileError(`${file}: "main" names ${doc.main}, which does not exist`);
    return fs.statSync(main).isDirectory() ? { ...base, pwd: main, program: "." } : { ...base, pwd: path.dirname(main), program: main };
}

export interface ProgramRunOptions {
    /** The project folder (Pulumi.yaml). */
    dir: string;
    stack: string;
    /** Full config keys → string values, as the CLI passes them. */
    config: Record<string, string>;
    secretKeys: string[];
    cloud: MockCloud;
    /** Extra environment for the program (CLOSED_FTP_CREDENTIALS, say). */
    env?: Record<string, string>;
}

export interface ProgramRun {
    /** The stack outputs the program registered, in wire form. */
    outputs: Record<string, unknown>;
    log: LogEntry[];
    /** The program process's peak resident memory (Linux's VmHWM), where /proc tells it. */
    programPeakMb?: number;
}

function peakMbOf(pid: number | undefined): number | undefined {
    try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return hwm ? Number(hwm[1]) / 1024 : undefined;
    } catch {
        return undefined;
    }
}

/** The program failed: `messages` are the errors it logged to the engine, as `pulumi preview` prints them. */
export class ProgramError extends Error {
    constructor(readonly messages: string[], readonly exitCode: number | null, readonly stderr: string) {
        super(messages.join("\n") || `the program exited with code ${exitCode} without saying why:\n${stderr.slice(-4000)}`);
    }
}

/** Where the runner's programs keep V8's compile cache (Node's NODE_COMPILE_CACHE; keyed by each file's content). */
export const COMPILE_CACHE_DIR = path.join(os.tmpdir(), "closed-ftp-node-compile-cache");

/** Runs the program once on `cloud` through Pulumi's runner; resolves with its outputs, rejects with a ProgramError. */
export async function runProgram(options: ProgramRunOptions): Promise<ProgramRun> {
    const project = readProjectFile(options.dir);
    checkConfigSize(options.config);
    const server = await serveMockCloud(options.cloud, options.stack, project.name);
    try {
        const args = [
            RUN, `--monitor=${server.address}`, `--engine=${server.address}`, `--organization=organization`, `--project=${project.name}`,
            `--stack=${options.stack}`, `--root-directory=${options.dir}`, `--pwd=${project.pwd}`, "--parallel=16", "--dry-run", project.program,
        ];
        const env: NodeJS.ProcessEnv = {
            // The runner's own environment, less what would steer the program or the SDK from outside
            // (a shell's CLOSED_FTP_CREDENTIALS, a CI job's PULUMI_* or trace context): only what is set here.
            ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PULUMI_|CLOSED_FTP_|OTEL_)|^TRACEPARENT$/.test(key))),
            ...options.env,
            PULUMI_CONFIG: JSON.stringify(options.config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys),
            PULUMI_NODEJS_TYPESCRIPT: String(project.typescript),
            // V8's compiled code of the SDKs, kept between runs: a plan's program starts about a tenth faster.
            NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE_DIR,
        };
        const child = spawn(process.execPath, [...project.nodeArgs, ...args], { cwd: project.pwd, env, stdio: ["ignore", "pipe", "pipe"] });
        // A runner that exits (a test's timeout, ^C) takes its program with it.
        const killChild = () => child.kill("SIGKILL");
        process.once("exit", killChild);
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
        // What the program prints is its own business; the engine shows it, the plan does not.
        child.stdout.resume();
        let programPeakMb: number | undefined;
        const sampler = setInterval(() => { programPeakMb = peakMbOf(child.pid) ?? programPeakMb; }, 250);
        const code = await new Promise<number | null>((resolve, reject) => {
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                reject(new ProgramError([`the program did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes`], null, stderr));
            }, RUN_TIMEOUT_MS);
            child.once("error", (err) => { clearTimeout(timer); reject(err); });
            // "close": the program has exited and its stderr is read to the end.
            child.once("close", (exitCode) => { clearTimeout(timer); resolve(exitCode); });
        }).finally(() => {
            clearInterval(sampler);
            process.off("exit", killChild);
        });
        const errors = server.log.filter((l) => l.severity === "error").map((l) => l.message);
        const outputs = server.stackOutputs();
        if (code !== 0 || errors.length > 0 || outputs === undefined) throw new ProgramError(errors, code, stderr);
        return { outputs, log: server.log, programPeakMb };
    } finally {
        await server.stop();
    }
}
