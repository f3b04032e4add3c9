// The stack outputs the smoke test consumes: read (Pulumi CLI or a file), then validated once,
// every problem named by its output path. Password values never appear in a message.
import { execFile } from "child_process";
import * as fs from "fs";
import { z } from "zod";
import { TRANSFER_USER_NAME } from "../infra/model";
import { BucketOutput, STACK_OUTPUTS, UserOutput } from "../infra/stack-outputs";

/** Transfer's own rule for user names (the IdP refuses anything else before Secrets Manager). */
export { TRANSFER_USER_NAME };
export type { BucketOutput, UserOutput };

// The program's outputs as the smoke test needs them. Passwords are checked below, by hand, where no
// password value can reach a message; loose, so the program may export more keys.
const outputsShape = STACK_OUTPUTS.extend({ userPasswords: z.unknown().optional() });
const outputsSchema = outputsShape.loose();

export type SmokeOutputs = Omit<z.infer<typeof outputsShape>, "userPasswords"> & { userPasswords: Record<string, string> };

export interface OutputIssue { path: string; message: string }

/** The host the FTP round trip dials by default: the private name of closed-ftp:dns where there is one, as clients do. */
export function ftpHostOf(outputs: Pick<SmokeOutputs, "endpointDnsName" | "endpointHostname">): string {
    return outputs.endpointHostname ?? outputs.endpointDnsName;
}

export class OutputsError extends Error {
    constructor(readonly source: string, readonly issues: OutputIssue[]) {
        super(`the outputs of ${source} are not usable (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`);
        this.name = "OutputsError";
    }
}

function pathOf(path: PropertyKey[]): string {
    return path.reduce<string>((acc, part) => `${acc}.${String(part)}`, "outputs");
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    // A long string may be a whole outputs document passed unparsed, passwords and all: never echoed.
    if (typeof value === "string") return value.length > 80 ? `a string of ${value.length} characters` : `"${value}"`;
    return typeof value;
}

/** The one problem of the passwords output as a whole, if any; its values never reach a message. */
function passwordsIssue(passwords: unknown): OutputIssue | undefined {
    const path = "outputs.userPasswords";
    if (passwords === "[secret]") return { path, message: `is "[secret]": read the outputs with --show-secrets (pulumi stack output --json --show-secrets)` };
    if (passwords === undefined) return { path, message: "is missing" };
    if (typeof passwords !== "object" || passwords === null || Array.isArray(passwords)) {
        return { path, message: `expected an object of passwords by user name, got ${typeof passwords === "string" ? "a string" : describe(passwords)}` };
    }
    return undefined;
}

/** Validates a `pulumi stack output --json --show-secrets` document; throws every problem at once. */
export function parseStackOutputs(document: unknown, source: string): SmokeOutputs {
    const result = outputsSchema.safeParse(document, { reportInput: true });
    const passwords: unknown = typeof document === "object" && document !== null ? (document as { userPasswords?: unknown }).userPasswords : undefined;
    const passwordsProblem = passwordsIssue(passwords);
    if (!result.success) {
        const issues = result.error.issues.map((issue) => {
            const input = (issue as { input?: unknown }).input;
            const message = issue.code === "invalid_type"
                ? (input === undefined ? "is missing" : `expected ${issue.expected}, got ${describe(input)}`)
                : issue.message;
            return { path: pathOf(issue.path), message };
        });
        throw new OutputsError(source, passwordsProblem ? [...issues, passwordsProblem] : issues);
    }
    const outputs = result.data;
    const issues: OutputIssue[] = passwordsProblem ? [passwordsProblem] : [];
    const add = (path: string, message: string) => issues.push({ path, message });

    const userNames = Object.keys(outputs.users);
    if (userNames.length === 0) add("outputs.users", "has no users: there is nothing to test");
    for (const name of userNames) {
        if (!TRANSFER_USER_NAME.test(name)) add(`outputs.users.${name}`, `"${name}" does not match Transfer's user name pattern ${TRANSFER_USER_NAME.source}`);
        const user = outputs.users[name];
        const bucket = outputs.buckets[user.bucket];
        if (!bucket) add(`outputs.users.${name}.bucket`, `"${user.bucket}" is not in outputs.buckets`);
        else if (bucket.bucketName !== user.bucketName) add(`outputs.users.${name}.bucketName`, `"${user.bucketName}" is not the physical name of bucket "${user.bucket}" ("${bucket.bucketName}")`);
        if (!passwordsProblem) {
            const password = (passwords as Record<string, unknown>)[name];
            if (typeof password !== "string" || password === "") add(`outputs.userPasswords.${name}`, password === undefined ? "is missing: every user needs its password" : "is not a non-empty string");
        }
    }
    if (!outputs.serverArn.endsWith(`:server/${outputs.serverId}`)) add("outputs.serverArn", `"${outputs.serverArn}" is not the ARN of server ${outputs.serverId}`);
    if (issues.length > 0) throw new OutputsError(source, issues);
    return { ...outputs, userPasswords: passwords as Record<string, string> };
}

/** Reads and validates an outputs file written by `pulumi stack output --json --show-secrets`. */
export function readOutputsFile(file: string): SmokeOutputs {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new OutputsError(`"${file}"`, [{ path: "--outputs", message: `cannot read "${file}": ${(err as Error).message}` }]);
    }
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch (err) {
        throw new OutputsError(`"${file}"`, [{ path: "--outputs", message: `"${file}" is not JSON (${(err as Error).message}); write it with pulumi stack output --json --show-secrets` }]);
    }
    return parseStackOutputs(document, `"${file}"`);
}

export interface PulumiCli {
    /** The project directory (where Pulumi.yaml is). */
    cwd: string;
    timeoutMs: number;
    /** The CLI to run; "pulumi" from PATH unless a test gives another. */
    command?: string;
}

/** Runs the Pulumi CLI for the stack's outputs, secrets shown; its stdout is never echoed (it holds passwords). */
export function readStackOutputs(stack: string, { cwd, timeoutMs, command = "pulumi" }: PulumiCli): Promise<SmokeOutputs> {
    const source = `stack "${stack}"`;
    const args = ["stack", "output", "--json", "--show-secrets", "--stack", stack];
    return new Promise((resolve, reject) => {
        execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
            if (err) {
                const code = (err as NodeJS.ErrnoException).code;
                const message = code === "ENOENT"
                    ? "the pulumi CLI is not on PATH: install it, or pass --outputs <file> written by pulumi stack output --json --show-secrets"
                    : err.killed
                        ? `pulumi ${args.join(" ")} gave no answer within ${timeoutMs / 1000} s`
                        : `pulumi ${args.join(" ")} failed (exit ${String(code)}): ${stderr.trim().split("\n").slice(-5).join(" | ") || "no message"}`;
                reject(new OutputsError(source, [{ path: "--stack", message }]));
                return;
            }
            try {
                resolve(parseStackOutputs(JSON.parse(stdout), source));
            } catch (parseError) {
                reject(parseError instanceof OutputsError ? parseError : new OutputsError(source, [{ path: "--stack", message: `pulumi printed no JSON document (${(parseError as Error).message})` }]));
            }
        });
    });
}
