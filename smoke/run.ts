// The smoke test's core: for every user, the identity-provider check and (optionally) the FTP round
// trip, one progress line each and a summary. Everything that touches the network comes in `deps`.
import { randomBytes } from "crypto";
import { ftpRoundTrip, FtpLogin, FtpProbe, FtpRoundTripResult, FtpTarget, newProbe } from "./ftp";
import { IdentityProviderTester, ipInCidrs, judgeLogin, judgeWrongPassword, Protocol, sourceIpFor } from "./identity";
import { SmokeOutputs } from "./outputs";

export interface SmokeOptions {
    /** What the outputs came from, for the header: `stack "dev"` or a file name. */
    source: string;
    /** The ServerProtocol TestIdentityProvider simulates. */
    protocol: Protocol;
    /** Test every user from this address (default: a host of the user's allowedSourceCidrs, if any). */
    sourceIp?: string;
    /** Only these users (default: every user in the outputs). */
    users?: string[];
    /** Present: do the FTP round trip against this target too. */
    ftp?: FtpTarget;
}

export interface SmokeDeps {
    transfer: IdentityProviderTester;
    /** The round trip of one user; the real one unless a test replaces it. */
    ftp?: (target: FtpTarget, login: FtpLogin, probe: FtpProbe) => Promise<FtpRoundTripResult>;
    log: (line: string) => void;
}

export interface CheckResult {
    ok: boolean;
    detail: string;
}

export interface UserResult {
    userName: string;
    ok: boolean;
    identityProvider: CheckResult;
    ftp?: CheckResult & { durationMs: number };
}

export interface SmokeReport {
    ok: boolean;
    results: UserResult[];
}

/** A request no stack can satisfy (an unknown --user): the CLI exits 2 for it, as for a bad flag. */
export class SmokeInputError extends Error {}

/** Replaces every password of the stack in `text`; applied to each line before it is printed. */
export function redactor(passwords: string[]): (text: string) => string {
    const secrets = passwords.filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
    return (text) => secrets.reduce((acc, secret) => acc.split(secret).join("[password]"), text);
}

function errorText(err: unknown): string {
    if (err instanceof Error) return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
    return String(err);
}

/** The users to test, in the outputs' order, or a SmokeInputError naming the unknown ones. */
export function selectUsers(outputs: SmokeOutputs, wanted: string[] | undefined, source: string): string[] {
    const all = Object.keys(outputs.users);
    if (!wanted || wanted.length === 0) return all;
    const unknown = wanted.filter((u) => !(u in outputs.users));
    if (unknown.length > 0) {
        throw new SmokeInputError(`--user ${unknown.map((u) => `"${u}"`).join(", ")}: not a user of ${source} (its users: ${all.join(", ")})`);
    }
    return all.filter((u) => wanted.includes(u));
}

async function checkIdentityProvider(outputs: SmokeOutputs, userName: string, options: SmokeOptions, transfer: IdentityProviderTester): Promise<CheckResult> {
    const user = outputs.users[userName];
    const source = sourceIpFor(user.allowedSourceCidrs, options.sourceIp);
    const request = { serverId: outputs.serverId, userName, protocol: options.protocol, sourceIp: source.ip };
    const expected = { accessRoleArn: user.accessRoleArn, homeTarget: `/${user.bucketName}/${user.prefix}` };
    const from = source.ip ? `from ${source.ip}` : "";
    try {
        const login = judgeLogin(await transfer.testIdentityProvider({ ...request, password: outputs.userPasswords[userName] }), expected);
        if (!login.ok) {
            const outside = source.from === "--source-ip" && user.allowedSourceCidrs && !ipInCidrs(source.ip ?? "", user.allowedSourceCidrs)
                ? `; --source-ip ${source.ip} is outside the user's allowedSourceCidrs ${user.allowedSourceCidrs.join(", ")}`
                : "";
            return { ok: false, detail: `${login.reason}${outside}` };
        }
        // A password that is certainly not the user's: the IdP must refuse it.
        const wrong = judgeWrongPassword(await transfer.testIdentityProvider({ ...request, password: `wrong-${randomBytes(12).toString("hex")}` }));
        if (!wrong.ok) return { ok: false, detail: wrong.reason };
        return { ok: true, detail: from };
    } catch (err) {
        return { ok: false, detail: errorText(err) };
    }
}

function describeCheck(name: string, check: CheckResult, extra = ""): string {
    const detail = [check.detail, extra].filter((d) => d !== "").join(" ");
    return `${name} ${check.ok ? "ok" : "FAIL"}${detail ? ` (${detail})` : ""}`;
}

/** Runs every check for every selected user; a failing check is reported, never thrown. */
export async function runSmoke(outputs: SmokeOutputs, options: SmokeOptions, deps: SmokeDeps): Promise<SmokeReport> {
    const userNames = selectUsers(outputs, options.users, options.source);
    const redact = redactor(Object.values(outputs.userPasswords));
    const log = (line: string) => deps.log(redact(line));
    const roundTrip = deps.ftp ?? ftpRoundTrip;
    const width = Math.max(...userNames.map((u) => u.length));
    const checks = options.ftp
        ? `identity-provider (${options.protocol}) and ftp round trip to ${options.ftp.host}:${options.ftp.port}${options.ftp.secure ? " (explicit TLS)" : ""}`
        : `identity-provider (${options.protocol})`;
    log(`smoke: ${options.source}, server ${outputs.serverId} in ${outputs.region}, ${userNames.length} user(s): ${checks}`);

    const results: UserResult[] = [];
    for (const [index, userName] of userNames.entries()) {
        const identityProvider = await checkIdentityProvider(outputs, userName, options, deps.transfer);
        let ftp: UserResult["ftp"];
        if (options.ftp) {
            // Run even when the IdP check failed: the FTP server's own answer often says why.
            const login = { userName, password: outputs.userPasswords[userName], access: outputs.users[userName].access };
            try {
                const trip = await roundTrip(options.ftp, login, newProbe(userName));
                ftp = { ok: trip.ok, detail: redact(trip.detail), durationMs: trip.durationMs };
            } catch (err) {
                ftp = { ok: false, detail: redact(errorText(err)), durationMs: 0 };
            }
        }
        const result: UserResult = {
            userName,
            ok: identityProvider.ok && (ftp?.ok ?? true),
            identityProvider: { ok: identityProvider.ok, detail: redact(identityProvider.detail) },
            ...(ftp ? { ftp } : {}),
        };
        results.push(result);
        const parts = [`[${index + 1}/${userNames.length}] ${userName.padEnd(width)}`, describeCheck("identity-provider", result.identityProvider)];
        if (result.ftp) parts.push(describeCheck("ftp", result.ftp, `${result.ftp.durationMs} ms`));
        log(parts.join("  "));
    }

    const failed = results.filter((r) => !r.ok);
    if (failed.length === 0) {
        log(`smoke: all ${results.length} user(s) passed`);
    } else {
        const which = failed.map((r) => `${r.userName} (${[!r.identityProvider.ok && "identity-provider", r.ftp && !r.ftp.ok && "ftp"].filter(Boolean).join(", ")})`);
        log(`smoke: ${failed.length} of ${results.length} user(s) FAILED: ${which.join(", ")}`);
    }
    return { ok: failed.length === 0, results };
}
