// `--via test-client`: the seeds' check, run where the seeds ran it, on the test client instance inside
// AWS (closed-ftp:testClient), through SSM Run Command. Per user: lftp logs in, puts, lists, gets and
// compares, deletes; a read-only user's put must be refused; a user whose allowedSourceCidrs exclude
// the instance must be refused at login. No password is ever in a command: Run Command keeps every
// command's text, so each is sent sealed to a key the instance made for this run and deletes after it.
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import * as crypto from "crypto";
import { RUN_SHELL_SCRIPT } from "../infra/bootstrap-policies";
import { FtpLogin, FtpProbe, FtpRoundTripResult, FtpTarget } from "./ftp";
import { ipInCidrs } from "./identity";

/** One Run Command invocation on one instance, as the smoke test needs it. */
export interface RunCommand {
    run(commands: string[], timeoutSeconds: number): Promise<{ status: string; stdout: string; stderr: string }>;
}

/** A Run Command failure the operator can act on, in one line. */
export class TestClientError extends Error {}

const FINAL = new Set(["Success", "Failed", "TimedOut", "Cancelled", "Cancelling"]);
/** Where the run's key and files live on the instance: tmpfs, readable by root only. */
const WORK_DIR = "/run/closed-ftp-smoke";

/** Run Command through the SDK: SendCommand of AWS-RunShellScript, then GetCommandInvocation until it ends. */
export function ssmRunCommand(ssm: SSMClient, instanceId: string, options: { pollMs?: number; sleep?: (ms: number) => Promise<void> } = {}): RunCommand {
    const pollMs = options.pollMs ?? 1000;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    return {
        async run(commands, timeoutSeconds) {
            let commandId: string | undefined;
            try {
                const sent = await ssm.send(new SendCommandCommand({
                    InstanceIds: [instanceId], DocumentName: RUN_SHELL_SCRIPT, TimeoutSeconds: Math.max(30, timeoutSeconds),
                    Comment: "closed-ftp smoke test", Parameters: { commands, executionTimeout: [String(timeoutSeconds)] },
                }));
                commandId = sent.Command?.CommandId;
            } catch (err) {
                const name = (err as Error).name;
                if (name === "InvalidInstanceId") throw new TestClientError(`instance ${instanceId} is not registered with Systems Manager (it registers a few minutes after launch, through the test client's ssm and ssmmessages endpoints); try again, or look at its system log`);
                if (name === "AccessDeniedException") throw new TestClientError(`these credentials may not run commands on ${instanceId} (ssm:SendCommand): run with the smoke environment's role, which the bootstrap grants it`);
                throw new TestClientError(`SendCommand to ${instanceId}: ${name}: ${(err as Error).message}`);
            }
            if (!commandId) throw new TestClientError(`SendCommand to ${instanceId} returned no command id`);
            const deadline = Date.now() + (timeoutSeconds + 30) * 1000;
            for (;;) {
                await sleep(pollMs);
                try {
                    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
                    if (FINAL.has(out.Status ?? "")) return { status: out.Status as string, stdout: out.StandardOutputContent ?? "", stderr: out.StandardErrorContent ?? "" };
                } catch (err) {
                    // Right after SendCommand the invocation may not be there yet.
                    if ((err as Error).name !== "InvocationDoesNotExist") throw new TestClientError(`GetCommandInvocation ${commandId}: ${(err as Error).name}: ${(err as Error).message}`);
                }
                if (Date.now() > deadline) throw new TestClientError(`command ${commandId} on ${instanceId} did not finish within ${timeoutSeconds + 30} s`);
            }
        },
    };
}

/** The first command: a key pair for this run, made on the instance; its public half comes back. */
export const PREPARE = [
    "set -eu", "umask 077", `rm -rf ${WORK_DIR}`, `mkdir -p ${WORK_DIR}`,
    "command -v lftp >/dev/null || { echo 'closed-ftp-smoke: lftp is not installed (the boot script installs it through the S3 gateway endpoint)'; exit 3; }",
    `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ${WORK_DIR}/key.pem 2>/dev/null`,
    `openssl pkey -in ${WORK_DIR}/key.pem -pubout`,
];

/** The last command: the key and every file of the run are gone. */
export const CLEAN_UP = [`rm -rf ${WORK_DIR}`];

/** Seals a password to the instance's key (RSA-OAEP with SHA-256, as openssl pkeyutl opens it). */
export function seal(publicKeyPem: string, secret: string): string {
    return crypto.publicEncrypt({ key: publicKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(secret, "utf8")).toString("base64");
}

/** What the user's check expects of Transfer: the round trip, a read-only refusal, or a login refused by the user's source rule. */
export type Expectation = "round trip" | "read-only" | "login refused";

const SAFE = /^[\w@.:-]+$/;
const B64 = /^[A-Za-z0-9+/=]+$/;

/**
 * The shell script of one user's check. Every value in it is checked to hold no quote, space or shell
 * character; the password comes sealed and is opened into lftp's environment (LFTP_PASSWORD, --env-password).
 * Each step prints `closed-ftp-smoke <step> ok|fail <detail>`.
 */
export function userScript(a: { target: FtpTarget; userName: string; sealedPassword: string; probe: FtpProbe; expect: Expectation }): string[] {
    for (const [what, value] of [["user", a.userName], ["host", a.target.host], ["probe", a.probe.name]] as const) {
        if (!SAFE.test(value)) throw new TestClientError(`${what} "${value}" has characters the test client's script will not quote`);
    }
    if (!B64.test(a.sealedPassword)) throw new TestClientError("the sealed password is not base64");
    const tls = a.target.secure ? "set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate yes;" : "set ftp:ssl-allow no;";
    const settings = `set cmd:fail-exit yes; set net:max-retries 1; set net:timeout ${Math.ceil(a.target.timeoutMs / 1000)}; set ftp:passive-mode yes; ${tls}`;
    const ftp = (step: string, commands: string) =>
        `if out=$(lftp --env-password -u '${a.userName}' -p ${a.target.port} -e "${settings} ${commands}; bye" '${a.target.host}' 2>&1); then echo "closed-ftp-smoke ${step} ok"; else echo "closed-ftp-smoke ${step} fail $(printf %s "$out" | tr '\\n' ' ' | cut -c1-300)"; fi`;
    const probe = `${WORK_DIR}/${a.probe.name}`;
    const lines = [
        "set -u", `cd ${WORK_DIR}`,
        `export LFTP_PASSWORD="$(printf %s '${a.sealedPassword}' | base64 -d | openssl pkeyutl -decrypt -inkey ${WORK_DIR}/key.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256)"`,
        `printf %s '${a.probe.content.toString("base64")}' | base64 -d > '${probe}'`,
    ];
    if (a.expect === "login refused") return [...lines, ftp("login", "cls -1"), "unset LFTP_PASSWORD"];
    lines.push(ftp("login", "cls -1 >/dev/null"));
    if (a.expect === "read-only") {
        lines.push(ftp("list", "cls -1"), ftp("put", `put '${probe}' -o '${a.probe.name}'`));
    } else {
        lines.push(
            ftp("put", `put '${probe}' -o '${a.probe.name}'`),
            `if out=$(lftp --env-password -u '${a.userName}' -p ${a.target.port} -e "${settings} cls -1; bye" '${a.target.host}' 2>&1) && printf %s "$out" | grep -qx '${a.probe.name}'; then echo "closed-ftp-smoke list ok"; else echo "closed-ftp-smoke list fail $(printf %s "$out" | tr '\\n' ' ' | cut -c1-300)"; fi`,
            ftp("get", `get '${a.probe.name}' -o '${probe}.back'`),
            `if cmp -s '${probe}' '${probe}.back'; then echo "closed-ftp-smoke compare ok"; else echo "closed-ftp-smoke compare fail the file came back different"; fi`,
            ftp("delete", `rm '${a.probe.name}'`),
        );
    }
    return [...lines, `rm -f '${probe}' '${probe}.back'`, "unset LFTP_PASSWORD"];
}

/** Reads a user's step lines into the round trip's verdict, as the local round trip reports it. */
export function verdictOf(stdout: string, expect: Expectation, durationMs: number): FtpRoundTripResult {
    const steps = new Map<string, { ok: boolean; detail: string }>();
    for (const line of stdout.split("\n")) {
        const m = /^closed-ftp-smoke (\w+) (ok|fail)(?: (.*))?$/.exec(line.trim());
        if (m) steps.set(m[1], { ok: m[2] === "ok", detail: m[3] ?? "" });
    }
    const login = steps.get("login");
    if (!login) return { ok: false, detail: `the test client reported nothing: ${stdout.trim().slice(0, 300) || "(no output)"}`, durationMs };
    if (expect === "login refused") {
        return login.ok
            ? { ok: false, detail: "login from the test client succeeded, but the user's allowedSourceCidrs exclude it", durationMs }
            : { ok: true, detail: `login refused from the test client, outside allowedSourceCidrs, as it must be (${login.detail})`, durationMs };
    }
    if (!login.ok) return { ok: false, detail: `login failed: ${login.detail}`, durationMs };
    const order = expect === "read-only" ? ["list", "put"] : ["put", "list", "get", "compare", "delete"];
    for (const step of order) {
        const s = steps.get(step);
        if (!s) return { ok: false, detail: `${step}: not reported (the script stopped early)`, durationMs };
        if (expect === "read-only" && step === "put") {
            return s.ok ? { ok: false, detail: "put succeeded for a read-only user", durationMs } : { ok: true, detail: `list, put refused as read-only (${s.detail})`, durationMs };
        }
        if (!s.ok) return { ok: false, detail: `${step} failed: ${s.detail}`, durationMs };
    }
    return { ok: true, detail: "login/put/list/get/compare/delete from the test client", durationMs };
}

/** What the test client check needs of the outputs: the instance's address, and each user's source rule. */
export interface TestClientContext {
    privateIp: string;
    allowedSourceCidrs: (userName: string) => string[] | undefined;
}

/**
 * The round trip of runSmoke, run on the test client: prepare (the run's key) once, on the first
 * user; then one command per user; `finish` removes the key and the files.
 */
export function testClientRoundTrip(run: RunCommand, context: TestClientContext) {
    let publicKey: Promise<string> | undefined;
    const prepare = async () => {
        const result = await run.run(PREPARE, 60);
        const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(result.stdout)?.[0];
        if (result.status !== "Success" || !pem) throw new TestClientError(`preparing the test client failed (${result.status}): ${(result.stdout + result.stderr).trim().slice(0, 300)}`);
        return pem;
    };
    return {
        async roundTrip(target: FtpTarget, login: FtpLogin, probe: FtpProbe): Promise<FtpRoundTripResult> {
            const started = Date.now();
            publicKey ??= prepare();
            const key = await publicKey;
            const cidrs = context.allowedSourceCidrs(login.userName);
            const expect: Expectation = cidrs && !ipInCidrs(context.privateIp, cidrs) ? "login refused" : login.access === "read-only" ? "read-only" : "round trip";
            const script = userScript({ target, userName: login.userName, sealedPassword: seal(key, login.password), probe, expect });
            const result = await run.run(script, Math.ceil(target.timeoutMs / 1000) * 6);
            if (result.status !== "Success") return { ok: false, detail: `the test client's command ended ${result.status}: ${(result.stdout + result.stderr).trim().slice(0, 300)}`, durationMs: Date.now() - started };
            return verdictOf(result.stdout, expect, Date.now() - started);
        },
        async finish(): Promise<void> {
            if (publicKey) await run.run(CLEAN_UP, 30);
        },
    };
}
