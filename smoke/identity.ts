// Transfer's TestIdentityProvider: the SDK adapter, and the pure verdict on what it answered.
import { TestIdentityProviderCommand, TransferClient } from "@aws-sdk/client-transfer";
import * as ipaddr from "ipaddr.js";

import { Protocol } from "../infra/model";

export type { Protocol };

export interface IdentityProviderRequest {
    serverId: string;
    userName: string;
    password: string;
    protocol: Protocol;
    sourceIp?: string;
}

/** What TestIdentityProvider returned; `response` is the IdP's own JSON, as a string. */
export interface IdentityProviderAnswer {
    statusCode?: number;
    message?: string;
    response?: string;
    url?: string;
}

/** The network edge of the identity-provider check, so the verdict logic is tested without AWS. */
export interface IdentityProviderTester {
    testIdentityProvider(request: IdentityProviderRequest): Promise<IdentityProviderAnswer>;
}

export class TimeoutError extends Error {
    constructor(what: string, timeoutMs: number) {
        super(`${what}: no answer within ${timeoutMs / 1000} s (--timeout)`);
        this.name = "TimeoutError";
    }
}

/** The real adapter: one TestIdentityProvider call per request, cut off after `timeoutMs`. */
export function transferIdentityProvider(client: Pick<TransferClient, "send">, timeoutMs: number): IdentityProviderTester {
    return {
        async testIdentityProvider(request) {
            const abort = new AbortController();
            let timer: NodeJS.Timeout | undefined;
            // The race bounds the call even where a request handler ignores the abort signal.
            const deadline = new Promise<never>((_, reject) => {
                timer = setTimeout(() => {
                    reject(new TimeoutError("TestIdentityProvider", timeoutMs));
                    abort.abort();
                }, timeoutMs);
            });
            try {
                const answer = await Promise.race([client.send(new TestIdentityProviderCommand({
                    ServerId: request.serverId,
                    UserName: request.userName,
                    UserPassword: request.password,
                    ServerProtocol: request.protocol,
                    SourceIp: request.sourceIp,
                }), { abortSignal: abort.signal }), deadline]);
                return { statusCode: answer.StatusCode, message: answer.Message, response: answer.Response, url: answer.Url };
            } catch (err) {
                if (abort.signal.aborted) throw new TimeoutError("TestIdentityProvider", timeoutMs);
                throw err;
            } finally {
                clearTimeout(timer);
            }
        },
    };
}

/** What a user's login must yield, as the stack deployed it. */
export interface ExpectedLogin {
    accessRoleArn: string;
    /** Where "/" must land: /<bucketName>/<prefix>. */
    homeTarget: string;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

function answerContext(answer: IdentityProviderAnswer): string {
    const parts = [`status ${answer.statusCode ?? "none"}`];
    if (answer.message) parts.push(`message "${answer.message}"`);
    if (answer.url) parts.push(`url ${answer.url}`);
    return parts.join(", ");
}

/** The IdP's response object, or why there is none; `{}` and an empty string both mean "denied". */
function grantOf(answer: IdentityProviderAnswer): { grant: Record<string, unknown> } | { denied: string } {
    if (answer.statusCode !== 200) return { denied: `the identity provider call failed (${answerContext(answer)})` };
    const body = answer.response?.trim() ?? "";
    if (body === "" || body === "{}") return { denied: `denied: no Role in the response (${answerContext(answer)})` };
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return { denied: `the response is not JSON (${answerContext(answer)})` };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { denied: `the response is not a JSON object (${answerContext(answer)})` };
    const grant = parsed as Record<string, unknown>;
    if (typeof grant.Role !== "string" || grant.Role === "") return { denied: `denied: no Role in the response (${answerContext(answer)})` };
    return { grant };
}

function homeOf(grant: Record<string, unknown>): string | undefined {
    if (grant.HomeDirectoryType !== "LOGICAL" || typeof grant.HomeDirectoryDetails !== "string") return undefined;
    try {
        const entries: unknown = JSON.parse(grant.HomeDirectoryDetails);
        if (!Array.isArray(entries)) return undefined;
        const root: unknown = entries.find((e) => typeof e === "object" && e !== null && (e as { Entry?: unknown }).Entry === "/");
        const target = (root as { Target?: unknown } | undefined)?.Target;
        return typeof target === "string" ? target : undefined;
    } catch {
        return undefined;
    }
}

/** Pass only for the login the stack deployed: its access role, its home, and a session policy. */
export function judgeLogin(answer: IdentityProviderAnswer, expected: ExpectedLogin): Verdict {
    const result = grantOf(answer);
    if ("denied" in result) return { ok: false, reason: result.denied };
    const { grant } = result;
    if (grant.Role !== expected.accessRoleArn) return { ok: false, reason: `Role ${String(grant.Role)} is not the stack's access role ${expected.accessRoleArn}` };
    // Without a session policy the user would reach everything the shared access role can.
    if (typeof grant.Policy !== "string" || grant.Policy === "") return { ok: false, reason: "no session Policy in the response: the user would not be confined to its prefix" };
    const home = homeOf(grant);
    if (home !== expected.homeTarget) return { ok: false, reason: `home "/" maps to ${home ?? "nothing (no LOGICAL HomeDirectoryDetails entry for /)"}, expected ${expected.homeTarget}` };
    return { ok: true };
}

/** A wrong password must be refused; a Role in the answer means the IdP lets anyone in. */
export function judgeWrongPassword(answer: IdentityProviderAnswer): Verdict {
    return "grant" in grantOf(answer) ? { ok: false, reason: "a wrong password was accepted (the response has a Role)" } : { ok: true };
}

/**
 * The source address to test a user from: the --source-ip flag, else the first host of the user's
 * first allowed CIDR (the IdP refuses any other source for such a user), else none.
 */
export function sourceIpFor(allowedSourceCidrs: string[] | undefined, flag: string | undefined): { ip?: string; from?: "--source-ip" | "allowedSourceCidrs" } {
    if (flag !== undefined) return { ip: flag, from: "--source-ip" };
    const first = allowedSourceCidrs?.[0];
    if (first === undefined) return {};
    const [address, bits] = ipaddr.parseCIDR(first);
    const bytes = address.toByteArray();
    for (let i = 0; i < bytes.length; i++) {
        const kept = Math.max(0, Math.min(8, bits - i * 8));
        bytes[i] &= (0xff << (8 - kept)) & 0xff;
    }
    // The network address itself is no host, except in a block of one or two addresses.
    if (bytes.length * 8 - bits >= 2) bytes[bytes.length - 1] += 1;
    return { ip: ipaddr.fromByteArray(bytes).toString(), from: "allowedSourceCidrs" };
}

/** True when `ip` is inside one of `cidrs` (for a hint when a user is refused from --source-ip). */
export function ipInCidrs(ip: string, cidrs: string[]): boolean {
    if (!ipaddr.isValid(ip)) return false;
    const address = ipaddr.process(ip);
    return cidrs.some((c) => {
        const range = ipaddr.parseCIDR(c);
        return address.kind() === range[0].kind() && address.match(range);
    });
}
